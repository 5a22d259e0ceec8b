//! `wirefeed-bench stages`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_runtime::LoadedConfig;
use wirefeed_bench::stages::{self, StagesRun};
use wirefeed_bench::{print_table, thousands, write_json};

/// The normalizer and the enricher (tagging on) as stage loops in one process on the
/// in-process bus (as `wirefeed run` runs them) over raw items, alternately with
/// `stage.workers = 1` and with `--workers` threads: wall-clock articles/s, the process's CPU
/// per article, and the enriched records (the same count in every run).
#[derive(clap::Args)]
pub struct StagesArgs {
    /// Raw items, one JSON per line (`wirefeed-bench core --keep-corpus FILE` writes them).
    #[arg(long)]
    corpus: PathBuf,
    /// Items to offer from the start of the corpus.
    #[arg(long, default_value_t = 20_000)]
    items: usize,
    /// Worker threads of the second run of each round (0: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    /// Rounds, each one run without workers then one with.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Also write the runs as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

impl StagesArgs {
    pub async fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let loaded = LoadedConfig::load(config)?;
        let stage = loaded.runtime()?.stage;
        let normalizer = loaded.section("normalizer")?;
        let enricher = loaded.section("enricher")?;
        let items = stages::read_items(&self.corpus, self.items)?;
        anyhow::ensure!(!items.is_empty(), "no items in {}", self.corpus.display());
        let workers = wire_runtime::config::StageConfig {
            workers: self.workers,
            ..stage.clone()
        }
        .worker_threads();
        let mut runs: Vec<StagesRun> = Vec::new();
        for round in 1..=self.rounds {
            for threads in [1, workers] {
                let run = stages::run(&items, threads, &stage, &normalizer, &enricher).await?;
                eprintln!(
                    "round {round}, workers {threads}: {:.0} articles/s",
                    run.articles_per_second
                );
                runs.push(run);
            }
        }
        let rows: Vec<Vec<String>> = runs
            .iter()
            .map(|run| {
                vec![
                    run.workers.to_string(),
                    run.items.to_string(),
                    run.enriched.to_string(),
                    format!("{:.2}", run.seconds),
                    thousands(run.articles_per_second),
                    run.cpu_micros_per_article
                        .map_or("n/a".to_owned(), |micros| format!("{micros:.0}")),
                ]
            })
            .collect();
        print_table(
            &[
                "workers",
                "items",
                "enriched",
                "seconds",
                "articles/s",
                "CPU µs/article",
            ],
            &rows,
        );
        if let Some(path) = &self.json {
            write_json(path, &runs)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}
