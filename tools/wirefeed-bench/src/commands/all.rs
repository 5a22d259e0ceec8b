//! `wirefeed-bench all`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_runtime::LoadedConfig;
use wirefeed_bench::core::{self, CoreOptions, Isolation};
use wirefeed_bench::{all, fetch, load_reuters, pipeline, report, write_json};

/// Every scenario in one run (what BENCHMARKS.md reports): core with the Python baseline,
/// fetch at a 1 s and a 60 s interval, pipeline with bursts and at a steady 200 articles/s,
/// each with its defaults, then a table of the goals and where the run lands.
#[derive(clap::Args)]
pub struct AllArgs {
    /// Raw items in the core corpus.
    #[arg(long, default_value_t = 100_000)]
    articles: usize,
    /// A running broker's bootstrap address for the pipeline (default: start
    /// deploy/kafka/kafka.sh).
    #[arg(long)]
    broker: Option<String>,
    /// The Reuters-21578 directory (reut2-*.sgm).
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    /// The core baseline's Python (bench/setup.sh makes this venv).
    #[arg(long, default_value = "target/bench-venv/bin/python")]
    python: PathBuf,
    /// Also write every figure as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

impl AllArgs {
    /// `core`, `fetch` at a 1 s and a 60 s interval, `pipeline` with bursts and steady, then
    /// the goals.
    pub async fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let core_options = CoreOptions {
            articles: self.articles,
            seed: 21578,
            baseline: true,
            python: self.python,
            baseline_script: PathBuf::from("bench/baselines/core.py"),
            gazetteer: PathBuf::from("config/gazetteer/gazetteer.json"),
            keep_corpus: None,
            isolate: Isolation::this_program(config.map(Path::to_path_buf)),
        };
        let started = std::time::Instant::now();
        eprintln!("bench all 1/5: core, {} articles", core_options.articles);
        let loaded = LoadedConfig::load(config)?;
        let documents = load_reuters(&self.reuters)?;
        let core = core::run(
            &documents,
            &loaded.section("normalizer")?,
            &loaded.section("enricher")?,
            &core_options,
        )?;
        core::print(&core);
        let saturated = fetch::FetchOptions::with_defaults();
        eprintln!("bench all 2/5: fetch, interval 1 s");
        let fetch_saturated = fetch::run(&saturated)?;
        fetch::print(&fetch_saturated);
        eprintln!("bench all 3/5: fetch, interval 60 s");
        let fetch_one_minute = fetch::run(&fetch::FetchOptions {
            interval_secs: 60,
            secs: 90,
            ..saturated
        })?;
        fetch::print(&fetch_one_minute);
        eprintln!("bench all 4/5: pipeline, bursts");
        let bursty = pipeline::PipelineOptions::with_defaults(self.broker);
        let pipeline_bursts = pipeline::run(&bursty, &documents).await?;
        report::print(&pipeline_bursts);
        eprintln!("bench all 5/5: pipeline, steady 200 articles/s");
        let mut steady = bursty.clone();
        steady.articles = 2_000;
        steady.rounds = 1;
        steady.shape.burst_factor = 1.0;
        let pipeline_steady = pipeline::run(&steady, &documents).await?;
        report::print(&pipeline_steady);
        let goals = all::goals(&core, &fetch_one_minute, &pipeline_bursts, &pipeline_steady);
        all::print_goals(&goals);
        eprintln!("bench all: {:.0} s", started.elapsed().as_secs_f64());
        if let Some(path) = &self.json {
            write_json(
                path,
                &all::AllReport {
                    scenario: "all",
                    machine: report::Machine::this(),
                    core,
                    fetch_saturated,
                    fetch_one_minute,
                    pipeline_bursts,
                    pipeline_steady,
                    goals,
                },
            )?;
        }
        Ok(ExitCode::SUCCESS)
    }
}
