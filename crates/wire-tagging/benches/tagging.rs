//! Tagging throughput on one core: `cargo bench -p wire-tagging --bench tagging` (from the
//! workspace root). Uses the first 2,000 Reuters-21578 TRAIN stories from
//! `../shared/data/reuters21578` when present (evaluation data, read in place), else a bundled
//! original story repeated. Compares, on the same texts:
//! - `full`: `Tagger::tag_input` (places, regions, Media Topics, operator topics, evidence);
//! - `places`: `tag_places` alone (one Aho-Corasick automaton over 81,000 names);
//! - `regex_loop_1000_names`: the baseline, one `\bname\b` regex per name over the 1,000
//!   biggest places' names, and `aho_corasick_1000_names`: the same names in one automaton.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use wire_tagging::{TagInput, Tagger, tag_places};

const ARTICLES: usize = 2_000;

struct Text {
    headline: String,
    body: String,
    dateline: String,
}

fn texts() -> Vec<Text> {
    let reuters = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/reuters21578");
    if let Ok(docs) = wire_datasets::reuters::load(&reuters) {
        let texts: Vec<Text> = docs
            .into_iter()
            .filter(|d| d.split == wire_datasets::reuters::Split::Train && !d.body.is_empty())
            .take(ARTICLES)
            .map(|d| Text {
                headline: d.title,
                body: d.body,
                dateline: d.dateline,
            })
            .collect();
        if !texts.is_empty() {
            return texts;
        }
    }
    let body = "MOSCOW (Wirefeed) - The US secretary of state met Russia's foreign minister in Moscow on Tuesday to revive the stalled Syria peace process, officials said. The two sides discussed a ceasefire across Syria and a political transition in Damascus. Washington and Moscow want UN-backed talks in Geneva to resume next month. Fighting near the border with Iraq continued.";
    (0..ARTICLES)
        .map(|_| Text {
            headline: "US and Russia agree to push for new Syria peace talks".into(),
            body: body.into(),
            dateline: String::new(),
        })
        .collect()
}

fn input(text: &Text) -> TagInput<'_> {
    TagInput {
        headline: &text.headline,
        body: &text.body,
        dateline: Some(text.dateline.as_str()).filter(|d| !d.is_empty()),
        located: None,
        language: None,
    }
}

fn bench(c: &mut Criterion) {
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config");
    let tagger = match Tagger::load(&config) {
        Ok(tagger) => tagger,
        Err(e) => {
            eprintln!("cannot load the shipped config: {e}");
            return;
        }
    };
    let texts = texts();
    let bytes: usize = texts.iter().map(|t| t.headline.len() + t.body.len()).sum();
    eprintln!("{} articles, {} bytes of text", texts.len(), bytes);

    let mut biggest: Vec<_> = tagger.gazetteer().entities().iter().collect();
    biggest.sort_by_key(|e| std::cmp::Reverse(e.population));
    let names: Vec<String> = biggest.iter().take(1_000).map(|e| e.name.clone()).collect();
    let regexes: Vec<regex::Regex> = names
        .iter()
        .filter_map(|n| regex::Regex::new(&format!(r"\b{}\b", regex::escape(n))).ok())
        .collect();
    let automaton = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&names);

    for (group_name, throughput) in [
        ("tagging_articles", Throughput::Elements(texts.len() as u64)),
        ("tagging_bytes", Throughput::Bytes(bytes as u64)),
    ] {
        let mut group = c.benchmark_group(group_name);
        group.sample_size(10).throughput(throughput);
        group.bench_function("full", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| tagger.tag_input(&input(t), &[]).places.len())
                    .sum::<usize>()
            })
        });
        group.bench_function("places", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| tag_places(tagger.gazetteer(), &input(t)).places.len())
                    .sum::<usize>()
            })
        });
        group.bench_function("regex_loop_1000_names", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| {
                        regexes
                            .iter()
                            .map(|r| r.find_iter(black_box(&t.body)).count())
                            .sum::<usize>()
                    })
                    .sum::<usize>()
            })
        });
        if let Ok(automaton) = &automaton {
            group.bench_function("aho_corasick_1000_names", |b| {
                b.iter(|| {
                    texts
                        .iter()
                        .map(|t| automaton.find_iter(black_box(&t.body)).count())
                        .sum::<usize>()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
