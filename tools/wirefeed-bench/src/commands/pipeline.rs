//! `wirefeed-bench pipeline`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wirefeed_bench::load::LoadShape;
use wirefeed_bench::pipeline::{self, PipelineOptions};
use wirefeed_bench::topology::{self, KafkaSettings};
use wirefeed_bench::{load_reuters, report, write_json};

/// Normalizer, enricher and alerter as separate processes over a real Kafka broker, fed raw
/// items made from Reuters-21578 as the fetcher publishes them: sustained articles/s to
/// wire.enriched.v1, and at a fixed load with bursts the p50/p99/max latency from fetch to
/// wire.enriched.v1 and to wire.alerts.v1; the same against the Kafka ceiling (copier
/// processes through the same topics) in the same run.
#[derive(clap::Args)]
pub struct PipelineArgs {
    /// A running broker's bootstrap address (default: start deploy/kafka/kafka.sh).
    #[arg(long)]
    broker: Option<String>,
    /// Articles offered at once to measure the sustained throughput.
    #[arg(long, default_value_t = 10_000)]
    articles: usize,
    /// Articles through the pipeline before measuring.
    #[arg(long, default_value_t = 300)]
    warmup: usize,
    /// Fixed load: articles per second between bursts.
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Fixed load: a burst offers this many times the rate.
    #[arg(long, default_value_t = 10.0)]
    burst_factor: f64,
    /// Fixed load: seconds each burst lasts.
    #[arg(long, default_value_t = 1)]
    burst_secs: u64,
    /// Fixed load: a burst starts every this many seconds (0: no bursts).
    #[arg(long, default_value_t = 10)]
    burst_every: u64,
    /// Fixed load: how long to offer it.
    #[arg(long, default_value_t = 30)]
    secs: u64,
    /// Partitions of the run's topics.
    #[arg(long, default_value_t = 3)]
    partitions: i32,
    /// Producer linger.ms of every process (default: bus.kafka.linger_ms).
    #[arg(long)]
    linger_ms: Option<u64>,
    /// Producer compression of every process (default: bus.kafka.compression).
    #[arg(long)]
    compression: Option<String>,
    /// An extra librdkafka property for every process, KEY=VALUE (repeatable).
    #[arg(long = "kafka-option", value_name = "KEY=VALUE")]
    kafka_options: Vec<String>,
    /// Skip the Kafka-ceiling baseline.
    #[arg(long)]
    no_ceiling: bool,
    /// The Reuters-21578 directory (reut2-*.sgm).
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    /// Seed of the corpus generator.
    #[arg(long, default_value_t = 21578)]
    seed: u64,
    /// Keep the processes' logs and config files in this directory.
    #[arg(long)]
    logs: Option<PathBuf>,
    /// Fail a phase that has not drained after this many seconds.
    #[arg(long, default_value_t = 600)]
    phase_timeout: u64,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

impl PipelineArgs {
    pub async fn run(self) -> anyhow::Result<ExitCode> {
        let options = PipelineOptions {
            broker: self.broker,
            articles: self.articles,
            warmup: self.warmup,
            shape: LoadShape {
                rate: self.rate,
                burst_factor: self.burst_factor,
                burst_secs: self.burst_secs,
                burst_every_secs: self.burst_every,
                secs: self.secs,
            },
            seed: self.seed,
            kafka: KafkaSettings {
                partitions: self.partitions,
                linger_ms: self.linger_ms,
                compression: self.compression,
                options: topology::parse_options(&self.kafka_options)?,
            },
            ceiling: !self.no_ceiling,
            logs: self.logs,
            phase_timeout: Duration::from_secs(self.phase_timeout),
        };
        anyhow::ensure!(options.articles >= 10, "--articles must be at least 10");
        anyhow::ensure!(options.shape.secs >= 1, "--secs must be at least 1");
        let documents = load_reuters(&self.reuters)?;
        let report = pipeline::run(&options, &documents).await?;
        report::print(&report);
        if let Some(path) = &self.json {
            write_json(path, &report)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}
