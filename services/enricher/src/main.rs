//! `wirefeed-enricher`: the enricher as a service.

/// mimalloc instead of the system allocator: the stages allocate many small, short-lived
/// strings per article, where glibc's malloc and free were about a tenth of the core's CPU
/// and its arenas held freed memory (see BENCHMARKS.md, issue 23).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    wire_runtime::binary::service_main(
        "Recognises duplicates and versions in wire.articles.v1 and publishes wire.enriched.v1",
        "enricher",
        wirefeed_enricher::run,
    )
}
