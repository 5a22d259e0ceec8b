//! `wirefeed-bench core`: the normalizer and enricher cores in one thread over the corpus of
//! [`wire_corpus::raw_items`], with dedup and tagging on, then the Python baseline on the same file.
//!
//! Per article the clock runs over what a stage does with a `wire.raw.v1` message: decode the
//! raw item, normalize it (parse, clean, language), and enrich it (exact and near-duplicate
//! lookup, versions, families, story clusters, index update, places and topics). Reading the
//! line from the file is outside the clock; so it is in the baseline.
//!
//! The dedup index figure is the growth of the resident set per indexed article, read at every
//! power of ten and at the end: the index is the only state that grows with the articles (the
//! latency histogram is fixed), so it is what an operator pays per article in the window,
//! allocator overhead included.

use crate::baseline::{self, BaselineRun};
use crate::{Latencies, proc, thousands};
use anyhow::Context as _;
use serde::Serialize;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::time::Instant;
use wire_corpus::raw_items as corpus;
use wire_datasets::reuters::Document;
use wire_model::{FamilyId, RawItem};
use wirefeed_enricher::{EnricherConfig, EnricherStage};
use wirefeed_normalizer::NormalizerConfig;

/// What `bench core` runs.
#[derive(Debug, Clone)]
pub struct CoreOptions {
    pub articles: usize,
    pub seed: u64,
    /// Run the Python baseline (when its venv is there).
    pub baseline: bool,
    /// The baseline's Python (the venv made by `bench/setup.sh`).
    pub python: PathBuf,
    /// `core.py`.
    pub baseline_script: PathBuf,
    /// The gazetteer both sides use for places.
    pub gazetteer: PathBuf,
    /// Keep the corpus here instead of in a temporary directory.
    pub keep_corpus: Option<PathBuf>,
    /// Run the Rust cores in a fresh child process of this binary (`wirefeed-bench core-run`),
    /// so that neither the corpus generator's freed memory nor its peak distort the resident
    /// set figures; `None` runs them in this process (tests).
    pub isolate: Option<Isolation>,
}

/// How to start the child process that runs the Rust cores.
#[derive(Debug, Clone)]
pub struct Isolation {
    /// This binary.
    pub program: PathBuf,
    /// The `--config` file, passed on.
    pub config_file: Option<PathBuf>,
}

impl Isolation {
    /// This program, run with the same `--config`.
    pub fn this_program(config_file: Option<PathBuf>) -> Option<Self> {
        std::env::current_exe().ok().map(|program| Self {
            program,
            config_file,
        })
    }
}

/// The dedup index's memory at one size.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct IndexPoint {
    pub articles_indexed: usize,
    pub rss_growth_bytes: u64,
    /// Growth of the bytes the allocator holds ([`crate::heap`]), when the bench binary counts
    /// them (older runs' JSON has none).
    #[serde(default)]
    pub heap_growth_bytes: Option<u64>,
    /// Per article in the window: the heap growth when counted, else the resident-set growth.
    pub bytes_per_article: f64,
}

/// The Rust side's figures.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CoreRun {
    pub articles: usize,
    pub core_seconds: f64,
    pub articles_per_second: f64,
    /// Articles per CPU second of the thread (user + system; robust when the machine is
    /// shared, 10 ms resolution).
    pub articles_per_cpu_second: Option<f64>,
    pub cpu_seconds: Option<f64>,
    pub body_mb_per_second: f64,
    pub p50_micros: f64,
    pub p99_micros: f64,
    pub peak_rss_bytes: Option<u64>,
    pub normalized: usize,
    pub rejected: usize,
    pub resends_dropped: usize,
    pub near_duplicates: usize,
    pub new_versions: usize,
    pub with_places: usize,
    pub with_subjects: usize,
    /// New families (neither a copy nor a new version), and how many of them started an event
    /// cluster (`wire.story`) of their own rather than joining one.
    #[serde(default)]
    pub new_families: usize,
    #[serde(default)]
    pub stories_started: usize,
    /// A hash of every article's `wire.story` in order: two builds with the same digest made
    /// the same story decisions.
    #[serde(default)]
    pub story_digest: String,
    pub indexed: usize,
    pub index: Vec<IndexPoint>,
}

/// Everything `bench core` measured, as written with `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct CoreReport {
    pub scenario: &'static str,
    pub corpus: corpus::CorpusStats,
    pub seed: u64,
    pub rust: CoreRun,
    /// `None` when skipped; then `baseline_note` says why.
    pub baseline: Option<BaselineRun>,
    pub baseline_note: Option<String>,
    /// Rust articles/s over Python articles/s (wall clock of the core work).
    pub speedup: Option<f64>,
    /// The same per CPU second.
    pub speedup_cpu: Option<f64>,
}

/// Generates the corpus, runs the Rust core on it, then the baseline.
pub fn run(
    documents: &[Document],
    normalizer: &NormalizerConfig,
    enricher: &EnricherConfig,
    options: &CoreOptions,
) -> anyhow::Result<CoreReport> {
    let temporary = tempfile::tempdir().context("failed to create a temporary directory")?;
    let path = options
        .keep_corpus
        .clone()
        .unwrap_or_else(|| temporary.path().join("corpus.jsonl"));
    let progress = wire_corpus::progress(options.articles, "writing corpus");
    let stats = {
        let file = std::fs::File::create(&path)
            .with_context(|| format!("failed to create {}", path.display()))?;
        let mut out = std::io::BufWriter::new(file);
        corpus::write(
            documents,
            options.articles,
            options.seed,
            &mut out,
            &progress,
        )?
    };
    progress.finish_and_clear();
    eprintln!(
        "corpus: {} items ({} MB) in {}",
        stats.items,
        stats.bytes / 1_000_000,
        path.display()
    );
    let rust = match &options.isolate {
        None => run_rust(&path, stats.items, normalizer, enricher)?,
        Some(isolation) => run_isolated(isolation, &path, stats.items)?,
    };
    let (baseline, baseline_note) = if !options.baseline {
        (None, Some("skipped (--no-baseline)".to_owned()))
    } else {
        match baseline::run(
            &options.python,
            &options.baseline_script,
            &path,
            &options.gazetteer,
        ) {
            Ok(run) => (Some(run), None),
            Err(error) => (None, Some(format!("{error:#}"))),
        }
    };
    let speedup = baseline
        .as_ref()
        .filter(|b| b.articles_per_second > 0.0)
        .map(|b| rust.articles_per_second / b.articles_per_second);
    let speedup_cpu = baseline
        .as_ref()
        .and_then(|b| Some(rust.articles_per_cpu_second? / b.articles_per_cpu_second?))
        .filter(|r| r.is_finite());
    Ok(CoreReport {
        scenario: "core",
        corpus: stats,
        seed: options.seed,
        rust,
        baseline,
        baseline_note,
        speedup,
        speedup_cpu,
    })
}

/// Runs `wirefeed-bench core-run` on the corpus and reads its figures from standard output.
fn run_isolated(isolation: &Isolation, corpus: &Path, items: usize) -> anyhow::Result<CoreRun> {
    let mut command = std::process::Command::new(&isolation.program);
    if let Some(config) = &isolation.config_file {
        command.arg("--config").arg(config);
    }
    let output = command
        .args(["core-run", "--items"])
        .arg(items.to_string())
        .arg("--corpus")
        .arg(corpus)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("failed to start {}", isolation.program.display()))?;
    anyhow::ensure!(
        output.status.success(),
        "the rust core run failed ({})",
        output.status
    );
    serde_json::from_slice(&output.stdout).context("unreadable output of bench core-run")
}

/// `wirefeed-bench core-run`: the Rust cores over `corpus` in this process, figures as JSON on
/// standard output.
pub fn run_child(
    corpus: &Path,
    items: usize,
    normalizer: &NormalizerConfig,
    enricher: &EnricherConfig,
) -> anyhow::Result<()> {
    let run = run_rust(corpus, items, normalizer, enricher)?;
    println!("{}", serde_json::to_string(&run)?);
    Ok(())
}

/// The Rust cores over the corpus at `path`, in this thread.
/// Long because it is the measured loop: the timers, the memory samples and the counters must
/// sit in one frame around the per-article work.
pub fn run_rust(
    path: &Path,
    items: usize,
    normalizer: &NormalizerConfig,
    enricher: &EnricherConfig,
) -> anyhow::Result<CoreRun> {
    let mut config = enricher.clone();
    if !config
        .agency_sources
        .iter()
        .any(|s| s == wire_corpus::republish::AGENCY)
    {
        config
            .agency_sources
            .push(wire_corpus::republish::AGENCY.to_owned());
    }
    // Every article of the run stays in the window: the figure is per article in the window.
    config.dedup_capacity = config.dedup_capacity.max(items);
    anyhow::ensure!(
        config.tagging.enabled,
        "bench core measures with tagging on"
    );
    let mut stage = EnricherStage::with_tagging(&config).context("failed to load the tagger")?;
    let file =
        std::fs::File::open(path).with_context(|| format!("failed to read {}", path.display()))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut latencies = Latencies::default();
    let mut line = String::new();
    let mut run = CoreRun {
        articles: 0,
        core_seconds: 0.0,
        articles_per_second: 0.0,
        articles_per_cpu_second: None,
        cpu_seconds: None,
        body_mb_per_second: 0.0,
        p50_micros: 0.0,
        p99_micros: 0.0,
        peak_rss_bytes: None,
        normalized: 0,
        rejected: 0,
        resends_dropped: 0,
        near_duplicates: 0,
        new_versions: 0,
        with_places: 0,
        with_subjects: 0,
        new_families: 0,
        stories_started: 0,
        story_digest: String::new(),
        indexed: 0,
        index: Vec::new(),
    };
    let mut body_bytes = 0usize;
    // Counted without keeping the ids: the heap this process holds is the index's measure.
    let mut story_digest = std::hash::DefaultHasher::new();
    let mut next_point = 1_000usize;
    let progress = wire_corpus::progress(items, "rust core");
    let rss_start = proc::rss_bytes();
    let heap_start = crate::heap::held_bytes();
    let cpu_start = proc::this_thread_cpu_seconds();
    let mut core_time = std::time::Duration::ZERO;
    loop {
        line.clear();
        if reader
            .read_line(&mut line)
            .context("failed to read the corpus")?
            == 0
        {
            break;
        }
        let started = Instant::now();
        let outcome = RawItem::decode(line.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|raw| {
                wirefeed_normalizer::normalize(&raw, normalizer, raw.fetched_at)
                    .map(|envelope| (envelope, raw.fetched_at))
                    .map_err(|e| e.to_string())
            })
            .map(|(envelope, now)| stage.enrich(envelope, now));
        let elapsed = started.elapsed();
        core_time += elapsed;
        latencies.record(elapsed);
        run.articles += 1;
        match outcome {
            Err(_) => run.rejected += 1,
            Ok(None) => {
                run.normalized += 1;
                run.resends_dropped += 1;
            }
            Ok(Some(enriched)) => {
                run.normalized += 1;
                body_bytes += enriched.article.body_text().map_or(0, str::len);
                run.near_duplicates += enriched.wire.duplicate_of.is_some() as usize;
                run.new_versions += enriched.wire.version_of.is_some() as usize;
                run.with_places += !enriched.article.places.is_empty() as usize;
                run.with_subjects += !enriched.article.subjects.is_empty() as usize;
                if let Some(story) = &enriched.wire.story {
                    std::hash::Hash::hash(story, &mut story_digest);
                }
                if enriched.wire.duplicate_of.is_none() && enriched.wire.version_of.is_none() {
                    run.new_families += 1;
                    let own = enriched.wire.family.as_ref().map(FamilyId::own_story);
                    run.stories_started += (own.is_some() && enriched.wire.story == own) as usize;
                }
            }
        }
        progress.inc(1);
        if run.articles == next_point {
            run.index
                .push(index_point(rss_start, heap_start, stage.indexed()));
            next_point *= 10;
        }
    }
    let cpu_end = proc::this_thread_cpu_seconds();
    progress.finish_and_clear();
    run.indexed = stage.indexed();
    run.story_digest = format!("{:016x}", std::hash::Hasher::finish(&story_digest));
    if let (Some(start), Some(end)) = (cpu_start, cpu_end) {
        run.cpu_seconds = Some(end - start);
        run.articles_per_cpu_second = Some(run.articles as f64 / (end - start).max(0.01));
    }
    if run.index.last().map(|p| p.articles_indexed) != Some(run.indexed) {
        run.index
            .push(index_point(rss_start, heap_start, run.indexed));
    }
    run.core_seconds = core_time.as_secs_f64();
    let seconds = run.core_seconds.max(1e-9);
    run.articles_per_second = run.articles as f64 / seconds;
    run.body_mb_per_second = body_bytes as f64 / 1e6 / seconds;
    run.p50_micros = latencies.quantile_micros(0.5);
    run.p99_micros = latencies.quantile_micros(0.99);
    run.peak_rss_bytes = proc::peak_rss_bytes();
    drop(stage);
    Ok(run)
}

fn index_point(rss_start: Option<u64>, heap_start: Option<u64>, indexed: usize) -> IndexPoint {
    let growth = match (rss_start, proc::rss_bytes()) {
        (Some(start), Some(now)) => now.saturating_sub(start),
        _ => 0,
    };
    let heap_growth = heap_start
        .zip(crate::heap::held_bytes())
        .map(|(start, now)| now.saturating_sub(start));
    IndexPoint {
        articles_indexed: indexed,
        rss_growth_bytes: growth,
        heap_growth_bytes: heap_growth,
        bytes_per_article: heap_growth.unwrap_or(growth) as f64 / indexed.max(1) as f64,
    }
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("n/a".to_owned(), |b| {
        format!("{:.0} MiB", b as f64 / 1024.0 / 1024.0)
    })
}

/// Prints the report as tables. Long because it is one table after another, each row next to
/// its label; splitting it would only scatter the layout.
pub fn print(report: &CoreReport) {
    let c = &report.corpus;
    println!(
        "corpus: {} raw items from Reuters-21578 (seed {}): {} real + {} remixed agency stories, {} outlet pickups, {} agency updates; {} RSS, {} ninjs; {:.1} MB",
        c.items,
        report.seed,
        c.real_stories,
        c.remixed_stories,
        c.pickups,
        c.agency_updates,
        c.rss_items,
        c.ninjs_items,
        c.bytes as f64 / 1e6
    );
    let r = &report.rust;
    let b = report.baseline.as_ref();
    let opt = |f: &dyn Fn(&BaselineRun) -> String| b.map_or("-".to_owned(), f);
    // How many times better Rust is: `better` over `worse`.
    let ratio = |better: Option<f64>, worse: Option<f64>| match (better, worse) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.1}x", a / b),
        _ => "-".to_owned(),
    };
    println!();
    println!("core: decode + normalize + enrich (dedup and tagging on), one thread");
    crate::print_table(
        &["", "wirefeed (Rust)", "Python baseline", "ratio"],
        &[
            vec![
                "articles/s".to_owned(),
                thousands(r.articles_per_second),
                opt(&|b| thousands(b.articles_per_second)),
                ratio(
                    Some(r.articles_per_second),
                    b.map(|b| b.articles_per_second),
                ),
            ],
            vec![
                "articles per CPU second".to_owned(),
                r.articles_per_cpu_second
                    .map_or("n/a".to_owned(), thousands),
                opt(&|b| {
                    b.articles_per_cpu_second
                        .map_or("n/a".to_owned(), thousands)
                }),
                ratio(
                    r.articles_per_cpu_second,
                    b.and_then(|b| b.articles_per_cpu_second),
                ),
            ],
            vec![
                "p50 latency".to_owned(),
                format!("{:.0} µs", r.p50_micros),
                opt(&|b| format!("{:.0} µs", b.p50_micros)),
                ratio(b.map(|b| b.p50_micros), Some(r.p50_micros)),
            ],
            vec![
                "p99 latency".to_owned(),
                format!("{:.0} µs", r.p99_micros),
                opt(&|b| format!("{:.0} µs", b.p99_micros)),
                ratio(b.map(|b| b.p99_micros), Some(r.p99_micros)),
            ],
            vec![
                "peak RSS".to_owned(),
                mib(r.peak_rss_bytes),
                opt(&|b| mib(b.peak_rss_bytes)),
                ratio(
                    b.and_then(|b| b.peak_rss_bytes).map(|v| v as f64),
                    r.peak_rss_bytes.map(|v| v as f64),
                ),
            ],
            vec![
                "seconds".to_owned(),
                format!("{:.2}", r.core_seconds),
                opt(&|b| format!("{:.2}", b.seconds)),
                "-".to_owned(),
            ],
            vec![
                "near-duplicates found".to_owned(),
                thousands(r.near_duplicates as f64),
                opt(&|b| thousands(b.near_duplicates as f64)),
                "-".to_owned(),
            ],
            vec![
                "articles with places".to_owned(),
                thousands(r.with_places as f64),
                opt(&|b| thousands(b.with_places as f64)),
                "-".to_owned(),
            ],
        ],
    );
    println!(
        "  rust: {} normalized, {} rejected, {} re-sends dropped, {} new versions, {} with subjects, {} new families of which {} started a story (story assignments {}), {:.1} MB/s of body text",
        r.normalized,
        r.rejected,
        r.resends_dropped,
        r.new_versions,
        r.with_subjects,
        r.new_families,
        r.stories_started,
        r.story_digest,
        r.body_mb_per_second
    );
    match (&report.baseline, &report.baseline_note) {
        (Some(b), _) => println!("  python: {}", b.stack),
        (None, Some(note)) => println!("  python baseline: {note}"),
        (None, None) => {}
    }
    println!();
    println!(
        "dedup index: memory held per article in the window (heap growth: the bytes the \
         allocator holds; the resident set beside it)"
    );
    let rows: Vec<Vec<String>> = r
        .index
        .iter()
        .map(|p| {
            vec![
                thousands(p.articles_indexed as f64),
                p.heap_growth_bytes
                    .map_or("n/a".to_owned(), |b| format!("{:.1} MB", b as f64 / 1e6)),
                format!("{:.1} MB", p.rss_growth_bytes as f64 / 1e6),
                thousands(p.bytes_per_article),
            ]
        })
        .collect();
    crate::print_table(
        &["articles", "heap growth", "RSS growth", "bytes/article"],
        &rows,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_run_gives_complete_figures() {
        let documents = wire_corpus::sample_documents(80);
        let options = CoreOptions {
            articles: 200,
            seed: 3,
            baseline: false,
            python: PathBuf::from("/nonexistent/python"),
            baseline_script: PathBuf::from("/nonexistent/core.py"),
            gazetteer: PathBuf::from("/nonexistent/gazetteer.json"),
            keep_corpus: None,
            isolate: None,
        };
        let report = run(
            &documents,
            &NormalizerConfig::default(),
            &EnricherConfig::default(),
            &options,
        )
        .expect("the scenario runs");
        assert_eq!(report.corpus.items, 200);
        let rust = &report.rust;
        assert_eq!(rust.articles, 200);
        assert_eq!(rust.normalized + rust.rejected, 200);
        assert_eq!(rust.rejected, 0);
        assert!(rust.indexed > 0 && rust.indexed <= 200);
        assert!(rust.near_duplicates > 0, "pickups are found");
        assert!(rust.with_places > 0, "places are tagged");
        assert!(rust.articles_per_second > 0.0 && rust.p99_micros >= rust.p50_micros);
        assert!(!rust.index.is_empty());
        assert!(report.baseline.is_none() && report.baseline_note.is_some());
        let json = serde_json::to_value(&report).expect("serializes");
        for key in [
            "scenario",
            "corpus",
            "rust",
            "baseline",
            "speedup",
            "speedup_cpu",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        for key in [
            "articles_per_second",
            "articles_per_cpu_second",
            "p50_micros",
            "p99_micros",
            "peak_rss_bytes",
            "index",
        ] {
            assert!(json["rust"].get(key).is_some(), "{key}");
        }
    }
}
