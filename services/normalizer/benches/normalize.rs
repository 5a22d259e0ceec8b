//! The normalizer alone over the raw items of `wirefeed-bench core` (Reuters-21578 stories as
//! the agency's ninjs and the outlets' RSS pickups, [`wire_corpus::raw_items`]): one article per
//! iteration, taken in turn.
//!
//! `cargo bench -p wirefeed-normalizer --bench normalize`
//!
//! Then the envelopes of those articles encoded by `serde_json` and by `Envelope::encode`
//! (sonic-rs), and decoded (group `envelope`).
//!
//! Without `../shared/data/reuters21578` the stories are [`wire_corpus::sample_documents`].
//! With `WIREFEED_BENCH_DUMP=<file>` the envelopes of all the items are written there first,
//! one line each, so a change meant to be faster only can be checked to give the same bytes.
//! With `WIREFEED_BENCH_CPU_SECONDS=<s>` the items are normalized over and over for that much
//! CPU time of the thread (Linux: `/proc/thread-self/schedstat`) and articles per CPU second
//! printed, a figure that holds on a machine busy with other work, where wall time does not.

use chrono::{TimeZone as _, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use wire_model::RawItem;
use wirefeed_normalizer::{NormalizerConfig, normalize};

/// Raw items measured, taken in turn.
const ITEMS: usize = 4_000;

fn raw_items() -> Vec<RawItem> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/reuters21578");
    let documents =
        wire_datasets::reuters::load(&dir).unwrap_or_else(|_| wire_corpus::sample_documents(400));
    let mut lines = Vec::new();
    let written = wire_corpus::raw_items::write(
        &documents,
        ITEMS,
        21_578,
        &mut lines,
        &indicatif::ProgressBar::hidden(),
    );
    assert!(written.is_ok(), "corpus: {written:?}");
    lines
        .split(|&b| b == b'\n')
        .filter_map(|line| RawItem::decode(line).ok())
        .collect()
}

fn normalize_items(c: &mut Criterion) {
    let items = raw_items();
    let config = NormalizerConfig::default();
    let now = Utc
        .with_ymd_and_hms(2026, 1, 6, 0, 0, 0)
        .single()
        .unwrap_or_default();
    if let Some(path) = std::env::var_os("WIREFEED_BENCH_DUMP") {
        let mut dump = Vec::new();
        for raw in &items {
            match normalize(raw, &config, now) {
                Ok(envelope) => dump.extend(envelope.encode()),
                Err(error) => dump.extend(error.to_string().into_bytes()),
            }
            dump.push(b'\n');
        }
        let written = std::fs::write(&path, dump);
        assert!(written.is_ok(), "{path:?}: {written:?}");
    }
    if let Some(seconds) = std::env::var("WIREFEED_BENCH_CPU_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        cpu_figure(&items, &config, now, seconds);
    }
    let mut group = c.benchmark_group("normalizer");
    group.throughput(Throughput::Elements(1));
    let mut next = 0usize;
    group.bench_function("normalize", |bench| {
        bench.iter(|| {
            let raw = &items[next % items.len()];
            next += 1;
            black_box(normalize(raw, &config, now).map(|envelope| envelope.encode()))
        })
    });
    group.finish();
    envelope_coding(c, &items, &config, now);
}

/// The normalized envelopes encoded by `serde_json` (the encoder before issue 23's sonic-rs,
/// the baseline of the same run) and by [`wire_model::Envelope::encode`], and decoded, one
/// article per iteration.
fn envelope_coding(
    c: &mut Criterion,
    items: &[RawItem],
    config: &NormalizerConfig,
    now: chrono::DateTime<Utc>,
) {
    let envelopes: Vec<wire_model::Envelope> = items
        .iter()
        .filter_map(|raw| normalize(raw, config, now).ok())
        .collect();
    let encoded: Vec<Vec<u8>> = envelopes.iter().map(|e| e.encode()).collect();
    let mut group = c.benchmark_group("envelope");
    group.throughput(Throughput::Bytes(
        (encoded.iter().map(Vec::len).sum::<usize>() / encoded.len().max(1)) as u64,
    ));
    let mut next = 0usize;
    group.bench_function("encode serde_json (baseline)", |bench| {
        bench.iter(|| {
            next += 1;
            black_box(serde_json::to_vec(&envelopes[next % envelopes.len()]))
        })
    });
    group.bench_function("encode", |bench| {
        bench.iter(|| {
            next += 1;
            black_box(envelopes[next % envelopes.len()].encode())
        })
    });
    group.bench_function("decode", |bench| {
        bench.iter(|| {
            next += 1;
            black_box(wire_model::Envelope::decode(&encoded[next % encoded.len()]))
        })
    });
    group.finish();
}

/// The CPU time this thread has run, in seconds.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}

/// Prints articles per CPU second over passes of `items` lasting at least `seconds`.
fn cpu_figure(
    items: &[RawItem],
    config: &NormalizerConfig,
    now: chrono::DateTime<Utc>,
    seconds: f64,
) {
    let Some(start) = thread_cpu_seconds() else {
        eprintln!("no /proc/thread-self/schedstat: no CPU figure");
        return;
    };
    let mut articles = 0usize;
    let mut spent = 0.0;
    while spent < seconds {
        for raw in items {
            black_box(
                normalize(raw, config, now)
                    .map(|envelope| envelope.encode())
                    .is_ok(),
            );
        }
        articles += items.len();
        spent = thread_cpu_seconds().unwrap_or(f64::MAX) - start;
    }
    println!(
        "normalize: {articles} articles in {spent:.2} CPU s: {:.0} articles per CPU second, {:.1} CPU µs per article",
        articles as f64 / spent,
        spent * 1e6 / articles as f64
    );
}

criterion_group!(benches, normalize_items);
criterion_main!(benches);
