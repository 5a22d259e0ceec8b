//! Duplicate detection throughput and index memory.
//!
//! `cargo bench -p wirefeed-enricher --bench dedup`
//!
//! - `lineage/lsh`: one article through the enricher core against a window of N indexed
//!   Reuters-21578 stories (MinHash LSH candidates, then verification);
//! - `lineage/scan` (baseline, same run): the same decision found by comparing the article's
//!   signature with every signature in the window, what the LSH index avoids;
//! - the bytes each indexed article costs, measured with a counting allocator, printed before
//!   the timings.
//!
//! Without `../shared/data/reuters21578` the stories are generated from a fixed vocabulary.

use chrono::{DateTime, Duration, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::hint::black_box;
use std::path::Path;
use wire_model::{Article, Body, Envelope, Headline, SourceId, WireMeta};
use wirefeed_enricher::{EnricherConfig, EnricherStage, features, minhash};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const WINDOWS: &[usize] = &[1_000, 10_000];

fn stories() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/reuters21578");
    if let Ok(documents) = wire_datasets::reuters::load(&dir) {
        return documents
            .into_iter()
            .filter(|d| d.body.split_whitespace().count() >= 40)
            .map(|d| (d.title, d.body))
            .collect();
    }
    let mut rng = fastrand_like(7);
    let vocabulary: Vec<String> = (0..5_000).map(|i| format!("word{i}")).collect();
    (0..12_000)
        .map(|i| {
            let body: Vec<&str> = (0..150)
                .map(|_| vocabulary[(rng() % 5_000) as usize].as_str())
                .collect();
            (format!("Story {i}"), body.join(" "))
        })
        .collect()
}

/// A tiny deterministic generator (the fallback corpus only).
fn fastrand_like(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

fn envelope(index: usize, headline: &str, body: &str, time: DateTime<Utc>) -> Envelope {
    let uri = format!("urn:bench:{index}");
    let article = Article {
        uri: uri.clone(),
        first_created: Some(time),
        headlines: vec![Headline::new(headline)],
        bodies: vec![Body::plain_text(body)],
        ..Article::default()
    };
    let wire = WireMeta {
        source: SourceId::from("bench"),
        item_identity: uri,
        fetched_at: time,
        ..WireMeta::default()
    };
    Envelope::new(article, wire)
}

fn filled(stories: &[(String, String)], size: usize, start: DateTime<Utc>) -> EnricherStage {
    let mut stage = EnricherStage::new(&EnricherConfig::default());
    for (index, (headline, body)) in stories.iter().cycle().take(size).enumerate() {
        let time = start + Duration::seconds(index as i64);
        stage.enrich(envelope(index, headline, body, time), time);
    }
    stage
}

fn report_memory(stories: &[(String, String)]) {
    let start = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
    let size = stories.len().min(10_000);
    let region = Region::new(GLOBAL);
    let stage = filled(stories, size, start);
    let change = region.change();
    // Reallocations are already in the allocated and deallocated byte counts.
    let held = change.bytes_allocated as i64 - change.bytes_deallocated as i64;
    println!(
        "index memory: {} articles hold {:.1} MB: {:.0} bytes per article (signature {} bytes)",
        stage.indexed(),
        held as f64 / 1e6,
        held as f64 / stage.indexed().max(1) as f64,
        minhash::HASHES * std::mem::size_of::<minhash::Value>()
    );
    drop(stage);
}

fn scan_best(signatures: &[Vec<minhash::Value>], probe: &[minhash::Value]) -> f64 {
    signatures
        .iter()
        .map(|s| minhash::jaccard(probe, s))
        .fold(0.0, f64::max)
}

fn lineage(c: &mut Criterion) {
    let stories = stories();
    report_memory(&stories);
    let start = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
    let mut group = c.benchmark_group("lineage");
    group.throughput(Throughput::Elements(1));
    for &size in WINDOWS {
        let mut stage = filled(&stories, size, start);
        let probes: Vec<Envelope> = stories
            .iter()
            .skip(size % stories.len())
            .take(200)
            .enumerate()
            .map(|(i, (h, b))| {
                let time = start + Duration::seconds((size + i) as i64);
                envelope(1_000_000 + i, h, b, time)
            })
            .collect();
        let mut next = 0usize;
        group.bench_with_input(BenchmarkId::new("lsh", size), &size, |bench, _| {
            bench.iter(|| {
                let mut probe = probes[next % probes.len()].clone();
                probe.article.uri = format!("urn:bench:probe:{next}");
                next += 1;
                black_box(stage.enrich(probe, start + Duration::seconds(size as i64)))
            })
        });
        let signatures: Vec<Vec<minhash::Value>> = stories
            .iter()
            .cycle()
            .take(size)
            .map(|(_, b)| minhash::signature(&features::shingles(&features::Words::of(b))))
            .collect();
        let mut next = 0usize;
        group.bench_with_input(BenchmarkId::new("scan", size), &size, |bench, _| {
            bench.iter(|| {
                let probe = &probes[next % probes.len()];
                next += 1;
                let body = probe.article.body_text().unwrap_or_default();
                let signature = minhash::signature(&features::shingles(&features::Words::of(body)));
                black_box(scan_best(&signatures, &signature))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, lineage);
criterion_main!(benches);
