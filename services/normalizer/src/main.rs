//! `wirefeed-normalizer`: the normalizer as a service.

fn main() -> anyhow::Result<()> {
    wire_runtime::binary::service_main(
        "Normalizes raw items from wire.raw.v1 into ninjs articles on wire.articles.v1",
        "normalizer",
        wirefeed_normalizer::run,
    )
}
