//! `wirefeed-bench core` and its hidden child `core-run`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_runtime::LoadedConfig;
use wirefeed_bench::core::{self, CoreOptions, Isolation};
use wirefeed_bench::{baseline, load_reuters, write_json};

/// Normalizer + enricher cores (dedup and tagging on) in one thread over raw items made from
/// Reuters-21578 (RSS and ninjs, with pickups and agency updates): articles/s, p50/p99
/// latency, peak RSS, dedup index bytes per article; then the Python baseline
/// (feedparser, datasketch, pyahocorasick) on the same corpus.
#[derive(clap::Args)]
pub struct CoreArgs {
    /// Raw items in the corpus (and articles in the dedup window at the end).
    #[arg(long, default_value_t = 100_000)]
    articles: usize,
    /// The Reuters-21578 directory (reut2-*.sgm).
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    /// Seed of the corpus generator.
    #[arg(long, default_value_t = 21578)]
    seed: u64,
    /// Skip the Python baseline.
    #[arg(long)]
    no_baseline: bool,
    /// The baseline's Python (bench/setup.sh makes this venv).
    #[arg(long, default_value = "target/bench-venv/bin/python")]
    python: PathBuf,
    /// The directory of the baseline scripts.
    #[arg(long, default_value = "bench/baselines")]
    baselines: PathBuf,
    /// The gazetteer the baseline reads (the enricher's own data).
    #[arg(long, default_value = "config/gazetteer/gazetteer.json")]
    gazetteer: PathBuf,
    /// Write the corpus to this file and keep it (default: a temporary directory).
    #[arg(long)]
    keep_corpus: Option<PathBuf>,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

impl CoreArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        anyhow::ensure!(self.articles > 0, "--articles must be at least 1");
        let options = CoreOptions {
            articles: self.articles,
            seed: self.seed,
            baseline: !self.no_baseline,
            python: self.python,
            baseline_script: self.baselines.join("core.py"),
            gazetteer: self.gazetteer,
            keep_corpus: self.keep_corpus,
            isolate: Isolation::this_program(config.map(Path::to_path_buf)),
        };
        let loaded = LoadedConfig::load(config)?;
        let normalizer = loaded.section("normalizer")?;
        let enricher = loaded.section("enricher")?;
        let documents = load_reuters(&self.reuters)?;
        if options.baseline && !options.python.exists() {
            eprintln!(
                "note: no baseline Python at {}; {}",
                options.python.display(),
                baseline::SETUP_HINT
            );
        }
        let report = core::run(&documents, &normalizer, &enricher, &options)?;
        core::print(&report);
        if let Some(path) = &self.json {
            write_json(path, &report)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The Rust side of `core` in a fresh process (started by `core`).
#[derive(clap::Args)]
pub struct CoreRunArgs {
    #[arg(long)]
    corpus: PathBuf,
    #[arg(long)]
    items: usize,
}

impl CoreRunArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let loaded = LoadedConfig::load(config)?;
        core::run_child(
            &self.corpus,
            self.items,
            &loaded.section("normalizer")?,
            &loaded.section("enricher")?,
        )?;
        Ok(ExitCode::SUCCESS)
    }
}
