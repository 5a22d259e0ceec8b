//! Duplicate detection throughput and index memory.
//!
//! `cargo bench -p wirefeed-enricher --bench dedup`
//!
//! - `lineage/lsh`: one new story through the enricher core against a window of N indexed
//!   Reuters-21578 stories (MinHash LSH candidates, then verification, then its event
//!   cluster);
//! - `lineage/lsh-no-stories`: the same with event clusters off (`story_clusters = false`),
//!   what the clusters cost beside it;
//! - `lineage/scan` (baseline, same run): the same decision found by comparing the article's
//!   signature with every signature in the window, what the LSH index avoids;
//! - the bytes each indexed article costs, measured with a counting allocator, printed before
//!   the timings.
//!
//! Without `../shared/data/reuters21578` the stories are generated from a fixed vocabulary.

use chrono::{DateTime, Duration, Utc};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::hint::black_box;
use std::path::Path;
use wire_model::{Article, Body, Envelope, Headline, SourceId, WireMeta};
use wirefeed_enricher::{EnricherConfig, EnricherStage, features, minhash};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const WINDOWS: &[usize] = &[1_000, 10_000, 100_000];

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

/// An enricher holding `size` articles, the first `size` of the stream [`story_at`] gives.
fn filled(
    stories: &[(String, String)],
    size: usize,
    start: DateTime<Utc>,
    config: &EnricherConfig,
) -> EnricherStage {
    let mut stage = EnricherStage::new(config);
    for index in 0..size {
        let (headline, body) = story_at(stories, index);
        let time = start + Duration::seconds(index as i64);
        stage.enrich(envelope(index, &headline, &body, time), time);
    }
    stage
}

/// The `index`th story of an endless stream of new stories: the corpus, then the corpus again
/// with the words of every paragraph in another order each round, so that no story repeats
/// another's wording (each is a new family) while its names and subject stay (each round's
/// story joins the event cluster of the first).
fn story_at(stories: &[(String, String)], index: usize) -> (String, String) {
    let (headline, body) = &stories[index % stories.len()];
    let round = index / stories.len();
    if round == 0 {
        return (headline.clone(), body.clone());
    }
    let mut rng = fastrand_like(0x9E37_79B9 ^ index as u64);
    let shuffled: Vec<String> = body
        .split("\n\n")
        .map(|paragraph| {
            let mut words: Vec<&str> = paragraph.split_whitespace().collect();
            for i in (1..words.len()).rev() {
                words.swap(i, (rng() % (i as u64 + 1)) as usize);
            }
            words.join(" ")
        })
        .collect();
    (headline.clone(), shuffled.join("\n\n"))
}

fn report_memory(stories: &[(String, String)]) {
    let start = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
    let size = stories.len().min(10_000);
    let region = Region::new(GLOBAL);
    let stage = filled(stories, size, start, &EnricherConfig::default());
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
    let without_stories = EnricherConfig {
        story_clusters: false,
        ..EnricherConfig::default()
    };
    for &size in WINDOWS {
        for (name, config) in [
            ("lsh", EnricherConfig::default()),
            ("lsh-no-stories", without_stories.clone()),
        ] {
            let mut stage = filled(&stories, size, start, &config);
            // Each probe a new story, the next of the stream (built outside the timing).
            let mut next = size;
            group.bench_with_input(BenchmarkId::new(name, size), &size, |bench, _| {
                bench.iter_batched(
                    || {
                        let (headline, body) = story_at(&stories, next);
                        let time = start + Duration::seconds(next as i64);
                        next += 1;
                        (envelope(next, &headline, &body, time), time)
                    },
                    |(probe, time)| black_box(stage.enrich(probe, time)),
                    BatchSize::SmallInput,
                )
            });
        }
        let probes: Vec<Envelope> = (size..size + 200)
            .map(|index| {
                let (headline, body) = story_at(&stories, index);
                envelope(index, &headline, &body, start)
            })
            .collect();
        if size > 10_000 {
            continue; // the scan baseline is linear in the window: measured up to 10,000
        }
        let signatures: Vec<Vec<minhash::Value>> = (0..size)
            .map(|index| {
                let (_, body) = story_at(&stories, index);
                minhash::signature(&features::shingles(&features::Words::of(&body)))
            })
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
