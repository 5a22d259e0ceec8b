//! `wirefeed-enricher`: the enricher as a service.

fn main() -> anyhow::Result<()> {
    wire_runtime::binary::service_main(
        "Recognises duplicates and versions in wire.articles.v1 and publishes wire.enriched.v1",
        "enricher",
        wirefeed_enricher::run,
    )
}
