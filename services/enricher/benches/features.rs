//! What the index reads of one article: its words, paragraph fingerprints and lede sketch
//! ([`features::BodyWords`]), its key tokens and its shingles, over Reuters-21578 stories.
//!
//! `cargo bench -p wirefeed-enricher --bench features`
//!
//! Without `../shared/data/reuters21578` the stories are generated from a fixed vocabulary.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use wirefeed_enricher::features;

/// Stories measured, taken in turn.
const STORIES: usize = 2_000;

fn bodies() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/reuters21578");
    if let Ok(documents) = wire_datasets::reuters::load(&dir) {
        return documents
            .into_iter()
            .filter(|d| d.body.split_whitespace().count() >= 40)
            .take(STORIES)
            .map(|d| d.body)
            .collect();
    }
    (0..STORIES)
        .map(|i| {
            (0..150)
                .map(|w| format!("Word{} {}", (i * 31 + w * 7) % 5_000, w))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn extract(c: &mut Criterion) {
    let bodies = bodies();
    let mut group = c.benchmark_group("features");
    group.throughput(Throughput::Elements(1));
    let mut next = 0usize;
    group.bench_function("extract", |bench| {
        bench.iter(|| {
            let body = &bodies[next % bodies.len()];
            next += 1;
            let words = features::BodyWords::of(body);
            let key_tokens = features::key_tokens(body, Some("en"));
            let shingles = features::shingles(&words.words);
            black_box((words, key_tokens, shingles))
        })
    });
    group.finish();
}

criterion_group!(benches, extract);
criterion_main!(benches);
