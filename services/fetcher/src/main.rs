//! `wirefeed-fetcher`: the fetcher as a service.

fn main() -> anyhow::Result<()> {
    wire_runtime::binary::service_main(
        "Polls feeds and drop folders and publishes raw items to wire.raw.v1; reloads its sources \
         when the --config file changes",
        "fetcher",
        wirefeed_fetcher::run,
    )
}
