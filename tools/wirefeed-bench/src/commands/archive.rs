//! `wirefeed-bench archive`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_runtime::LoadedConfig;
use wirefeed_bench::archive::{self, ArchiveOptions};
use wirefeed_bench::{load_reuters, write_json};
use wirefeed_desk::DeskConfig;

/// The desk's archive (tantivy) at each size over enriched-like envelopes made from
/// Reuters-21578: indexing articles/s on the desk's writer, disk bytes per article, search
/// p50/p99 of typical desk queries, commit time and the enriched→searchable delay; and in the
/// same run a linear scan with the query language over the same envelopes in memory; then the
/// web desk's pages over the same index (server time and bytes).
#[derive(clap::Args)]
pub struct ArchiveArgs {
    /// Archive sizes in articles (every version counted), comma-separated; each a fresh index.
    #[arg(long, value_delimiter = ',', default_values_t = [100_000usize])]
    articles: Vec<usize>,
    /// Scratch directory for the indexes (default: a temporary directory).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Keep each size's index in --dir.
    #[arg(long)]
    keep: bool,
    /// The Reuters-21578 directory (reut2-*.sgm).
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    /// Seed of the corpus generator.
    #[arg(long, default_value_t = 21578)]
    seed: u64,
    /// Articles between commits while indexing.
    #[arg(long, default_value_t = 10_000)]
    commit_every: usize,
    /// Timed runs of each search (after one untimed run; at most ~30 s per query).
    #[arg(long, default_value_t = 30)]
    runs: usize,
    /// Runs of each baseline scan.
    #[arg(long, default_value_t = 3)]
    baseline_runs: usize,
    /// Timed requests of each web desk page (after 3 warm-up requests); 0 skips the pages.
    #[arg(long, default_value_t = 30)]
    page_runs: usize,
    /// Skip the linear-scan baseline.
    #[arg(long)]
    no_baseline: bool,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

impl ArchiveArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        anyhow::ensure!(
            !self.articles.is_empty() && self.articles.iter().all(|n| *n > 0),
            "--articles must list sizes of at least 1"
        );
        let desk: DeskConfig = LoadedConfig::load(config)?.section("desk")?;
        // Deleted at the end (only used without --dir).
        let scratch = tempfile::tempdir()?;
        let dir = self
            .dir
            .clone()
            .unwrap_or_else(|| scratch.path().to_path_buf());
        let options = ArchiveOptions {
            sizes: self.articles,
            dir,
            seed: self.seed,
            commit_every: self.commit_every,
            heap_bytes: desk.writer_memory_mb.saturating_mul(1 << 20),
            commit_interval_ms: desk.commit_interval_ms,
            runs: self.runs,
            baseline_runs: self.baseline_runs,
            baseline: !self.no_baseline,
            keep: self.keep,
            page_runs: self.page_runs,
        };
        let documents = load_reuters(&self.reuters)?;
        let iso2 = archive::load_iso2(&self.reuters);
        let report = archive::run(&options, &documents, &iso2)?;
        archive::print(&report);
        if let Some(path) = &self.json {
            write_json(path, &report)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}
