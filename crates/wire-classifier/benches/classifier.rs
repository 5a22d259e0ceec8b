//! Prediction throughput (documents/s and bytes/s on one core) and training time, on
//! Reuters-21578 ModApte top-10 when the corpus is present (`WIREFEED_REUTERS_DIR`, default
//! `../../../shared/data/reuters21578` from this crate), else on a synthetic corpus.
//! The word-unigram-only model is the baseline for the full feature set in the same run.
//!
//! `CARGO_TARGET_DIR=/tmp/tgt-classifier cargo bench -p wire-classifier --bench classifier`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;
use wire_classifier::{FeatureConfig, Model, TrainingConfig, TrainingExample, extract_features};
use wire_datasets::reuters::Split;

const TOP_TOPICS: &[&str] = &[
    "earn", "acq", "money-fx", "grain", "crude", "trade", "interest", "wheat", "ship", "corn",
];

/// TRAIN and TEST examples of Reuters, or synthetic ones when the corpus is missing.
fn corpus() -> (Vec<TrainingExample>, Vec<TrainingExample>) {
    let dir = std::env::var_os("WIREFEED_REUTERS_DIR").map_or_else(
        || PathBuf::from("../../../shared/data/reuters21578"),
        PathBuf::from,
    );
    match wire_datasets::reuters::load(&dir) {
        Ok(documents) => {
            let split = |wanted: Split| {
                documents
                    .iter()
                    .filter(|doc| doc.topics_indexed && doc.split == wanted)
                    .map(|doc| TrainingExample {
                        text: format!("{}\n\n{}", doc.title, doc.body),
                        labels: doc
                            .topics
                            .iter()
                            .filter(|topic| TOP_TOPICS.contains(&topic.as_str()))
                            .cloned()
                            .collect(),
                    })
                    .filter(|example| example.text.trim().len() > 1)
                    .collect::<Vec<_>>()
            };
            (split(Split::Train), split(Split::Test))
        }
        Err(error) => {
            eprintln!("Reuters not available ({error}); using a synthetic corpus");
            let synthetic = |offset: usize| {
                (0..2000)
                    .map(|i| {
                        let i = i + offset;
                        TrainingExample {
                            text: format!(
                                "Company {i} said quarterly net profit rose {} pct to {} mln dlrs \
                                 as oil prices and grain exports to country {} increased.",
                                i % 37,
                                i % 101,
                                i % 13
                            ),
                            labels: vec![TOP_TOPICS[i % TOP_TOPICS.len()].to_string()],
                        }
                    })
                    .collect::<Vec<_>>()
            };
            (synthetic(0), synthetic(100_000))
        }
    }
}

fn configs() -> [(&'static str, TrainingConfig); 2] {
    [
        (
            "words_only",
            TrainingConfig {
                features: FeatureConfig::words_only(),
                ..TrainingConfig::default()
            },
        ),
        (
            "words_bigrams_chars",
            TrainingConfig {
                features: FeatureConfig::words_bigrams_and_char_ngrams(),
                ..TrainingConfig::default()
            },
        ),
    ]
}

fn prediction(c: &mut Criterion) {
    let (train, test) = corpus();
    let batch: Vec<&str> = test.iter().take(1000).map(|e| e.text.as_str()).collect();
    let bytes: usize = batch.iter().map(|text| text.len()).sum();
    eprintln!("prediction batch: {} documents, {bytes} bytes", batch.len());
    let mut group = c.benchmark_group("predict");
    for (name, config) in configs() {
        let Ok(model) = Model::train(&train, &config) else {
            eprintln!("training {name} failed");
            continue;
        };
        if let Ok(encoded) = model.to_bytes() {
            eprintln!("{name}: model file {} bytes", encoded.len());
        }
        group.throughput(Throughput::Elements(batch.len() as u64));
        group.bench_function(BenchmarkId::new("documents", name), |b| {
            b.iter(|| {
                for text in &batch {
                    black_box(model.predict(black_box(text)));
                }
            })
        });
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(BenchmarkId::new("bytes", name), |b| {
            b.iter(|| {
                for text in &batch {
                    black_box(model.predict(black_box(text)));
                }
            })
        });
        group.bench_function(BenchmarkId::new("extract_features_bytes", name), |b| {
            b.iter(|| {
                for text in &batch {
                    black_box(extract_features(&config.features, black_box(text)));
                }
            })
        });
    }
    group.finish();
}

/// Training time: both configurations on the first 2,000 TRAIN documents, and the default
/// (word unigrams) on the whole TRAIN split. Threshold tuning trains on its folds in parallel
/// threads, so these use every core.
fn training(c: &mut Criterion) {
    let (train, _) = corpus();
    let first = &train[..train.len().min(2000)];
    let mut group = c.benchmark_group("train");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(first.len() as u64));
    for (name, config) in configs() {
        group.bench_function(BenchmarkId::new("first_2000_train_docs", name), |b| {
            b.iter(|| black_box(Model::train(black_box(first), &config).is_ok()))
        });
    }
    group.throughput(Throughput::Elements(train.len() as u64));
    let config = TrainingConfig::default();
    group.bench_function(BenchmarkId::new("whole_train_split", "words_only"), |b| {
        b.iter(|| black_box(Model::train(black_box(&train), &config).is_ok()))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = prediction, training
}
criterion_main!(benches);
