//! `wirefeed-bench pipeline`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wirefeed_bench::load::LoadShape;
use wirefeed_bench::pipeline::{self, InputMode, PipelineOptions};
use wirefeed_bench::topology::{self, KafkaSettings};
use wirefeed_bench::{load_reuters, report, write_json};

/// A real fetcher polling a local feed server of Reuters-21578 items, then normalizer,
/// enricher and alerter as separate processes over a real Kafka broker: sustained articles/s
/// to wire.enriched.v1 over interleaved rounds against the Kafka ceiling (copier processes
/// through the same topics, on the records the fetcher published), the stages' CPU per
/// article by phase, and at a fixed load with bursts the p50/p99/max latency from fetch (and
/// from the item's appearance on its feed) to wire.enriched.v1 and to wire.alerts.v1.
#[derive(clap::Args)]
pub struct PipelineArgs {
    /// A running broker's bootstrap address (default: start deploy/kafka/kafka.sh).
    #[arg(long)]
    broker: Option<String>,
    /// Where wire.raw.v1 comes from: a real fetcher polling the bench's feed server, or the
    /// bench injecting raw items itself (the mode of runs before issue 23).
    #[arg(long, value_enum, default_value_t = InputMode::Fetcher)]
    input: InputMode,
    /// Articles offered at once in each throughput round.
    #[arg(long, default_value_t = 20_000)]
    articles: usize,
    /// Throughput rounds of each topology, interleaved (ceiling, wirefeed, ceiling, ...).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Feeds each corpus source is split into (fetcher input).
    #[arg(long, default_value_t = 4)]
    feeds_per_source: usize,
    /// The fetcher's poll interval of every feed, in seconds (fetcher input).
    #[arg(long, default_value_t = 1)]
    poll_interval: u64,
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
            input: self.input,
            articles: self.articles,
            rounds: self.rounds,
            feeds_per_source: self.feeds_per_source,
            poll_interval_secs: self.poll_interval,
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
        anyhow::ensure!(options.rounds >= 1, "--rounds must be at least 1");
        anyhow::ensure!(
            options.feeds_per_source >= 1,
            "--feeds-per-source must be at least 1"
        );
        let documents = load_reuters(&self.reuters)?;
        let report = pipeline::run(&options, &documents).await?;
        report::print(&report);
        if let Some(path) = &self.json {
            write_json(path, &report)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}
