//! `wirefeed-alerter`: the alerter as a service.

fn main() -> anyhow::Result<()> {
    wire_runtime::binary::service_main(
        "Alerts subscribers once per story family from wire.enriched.v1",
        "alerter",
        wirefeed_alerter::run,
    )
}
