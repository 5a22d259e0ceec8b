//! `wirefeed-bench pipeline`: the stages as separate processes over a real Kafka broker, and
//! the Kafka ceiling (the same messages copied through the same topics by processes that do no
//! work) in the same run, on the same input.
//!
//! Per topology ([`topology::Kind`]), on fresh topics and groups (a prefix per run):
//! 1. warm-up: a few hundred items through the whole chain, until every stage's group has
//!    committed everything (so every consumer has its partitions and the broker is warm);
//! 2. throughput: the next `articles` items offered as fast as the producer takes them; the
//!    rate of arrivals on `wire.enriched.v1` between the 10th and 90th percentile of arrivals
//!    is the sustained throughput (the backlog drains at the pipeline's own pace);
//! 3. fixed load: the next items offered on the [`LoadShape`] schedule (200/s with 10× bursts
//!    by default); latency from `fetched_at` to the arrival on `wire.enriched.v1` and on
//!    `wire.alerts.v1`, and the peak consumer lag of every stage.
//!
//! The input stands in for the fetcher: an injector publishes `wire.raw.v1` items exactly as
//! the fetcher does (same bus client, keyed by article id, `fetched_at` stamped at publish
//! time), so the offered load is exact; `bench fetch` measures the fetcher itself.

use crate::kafka_io::{self, Arrival, LagProbe, Tail};
use crate::load::{LatencySummary, LoadShape, sustained_rate};
use crate::proc;
use crate::report::{
    FixedLoadReport, PipelineReport, StageReport, ThroughputReport, TopologyReport,
};
use crate::topology::{self, KafkaSettings, Kind, StageProcess};
use anyhow::Context as _;
use chrono::Utc;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use wire_corpus::raw_items as corpus;
use wire_datasets::reuters::Document;
use wire_model::RawItem;
use wire_runtime::{LoadedConfig, SharedBus};

/// What `bench pipeline` runs.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// A running broker; `None` starts the project's (`deploy/kafka/kafka.sh start`).
    pub broker: Option<String>,
    /// Items offered at once in the throughput phase.
    pub articles: usize,
    /// Items through the chain before measuring.
    pub warmup: usize,
    /// The fixed-load phase.
    pub shape: LoadShape,
    pub seed: u64,
    pub kafka: KafkaSettings,
    /// Also run the Kafka-ceiling copier topology.
    pub ceiling: bool,
    /// Where the processes' logs and config files go (default: a temporary directory).
    pub logs: Option<PathBuf>,
    /// A phase that has not drained after this long fails the run.
    pub phase_timeout: Duration,
}

impl PipelineOptions {
    /// `bench pipeline`'s defaults: 10,000 articles at once, then 200 articles/s with 10×
    /// bursts of 1 s every 10 s for 30 s, 3 partitions, the configured Kafka settings, with
    /// the ceiling.
    pub fn with_defaults(broker: Option<String>) -> Self {
        Self {
            broker,
            articles: 10_000,
            warmup: 300,
            shape: LoadShape {
                rate: 200.0,
                burst_factor: 10.0,
                burst_secs: 1,
                burst_every_secs: 10,
                secs: 30,
            },
            seed: 21578,
            kafka: KafkaSettings {
                partitions: 3,
                linger_ms: None,
                compression: None,
                options: Default::default(),
            },
            ceiling: true,
            logs: None,
            phase_timeout: Duration::from_secs(600),
        }
    }
}

/// The input of one topology, in the order it is offered.
struct Input {
    warmup: Vec<RawItem>,
    throughput: Vec<RawItem>,
    fixed: Vec<RawItem>,
}

fn corpus_items(
    documents: &[Document],
    count: usize,
    seed: u64,
) -> anyhow::Result<(Vec<RawItem>, corpus::CorpusStats)> {
    // Dated just before now (a second per item is more than the corpus spans), so the
    // services, which run on the wall clock, find every article inside the dedup window.
    let start = Utc::now() - chrono::Duration::seconds(count as i64 + 3600);
    let mut bytes = Vec::new();
    let progress = wire_corpus::progress(count, "corpus");
    let stats = corpus::write_from(documents, count, seed, start, &mut bytes, &progress)?;
    progress.finish_and_clear();
    let items = bytes
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(RawItem::decode)
        .collect::<Result<Vec<_>, _>>()
        .context("the corpus holds an unreadable item")?;
    Ok((items, stats))
}

/// Runs the scenario.
pub async fn run(
    options: &PipelineOptions,
    documents: &[Document],
) -> anyhow::Result<PipelineReport> {
    let broker = match &options.broker {
        Some(broker) => broker.clone(),
        None => tokio::task::block_in_place(topology::start_broker)?,
    };
    let schedule = options.shape.schedule();
    let total = options.warmup + options.articles + schedule.len();
    let (mut items, corpus_stats) = corpus_items(documents, total, options.seed)?;
    anyhow::ensure!(
        items.len() == total,
        "the corpus has {} items, {total} wanted",
        items.len()
    );
    let fixed = items.split_off(options.warmup + options.articles);
    let throughput = items.split_off(options.warmup);
    let input = Input {
        warmup: items,
        throughput,
        fixed,
    };
    let temporary = tempfile::tempdir().context("failed to create a temporary directory")?;
    let logs = options
        .logs
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    std::fs::create_dir_all(&logs)
        .with_context(|| format!("failed to create {}", logs.display()))?;

    let mut topologies = vec![Kind::Wirefeed];
    if options.ceiling {
        topologies.insert(0, Kind::Ceiling);
    }
    let mut reports = BTreeMap::new();
    let mut kafka_config = None;
    for kind in topologies {
        let (report, config) = run_topology(kind, options, &broker, &input, &schedule, &logs)
            .await
            .with_context(|| {
                format!(
                    "the {} run failed (logs in {})",
                    kind.name(),
                    logs.display()
                )
            })?;
        kafka_config.get_or_insert(config);
        reports.insert(kind.name(), report);
    }
    let wirefeed = reports
        .remove(Kind::Wirefeed.name())
        .context("no wirefeed run")?;
    let ceiling = reports.remove(Kind::Ceiling.name());
    Ok(PipelineReport::new(
        broker,
        kafka_config.context("no run")?,
        corpus_stats,
        options,
        schedule.len(),
        wirefeed,
        ceiling,
    ))
}

/// What one phase saw.
struct Phase {
    started: Instant,
    started_utc: chrono::DateTime<Utc>,
    injected: kafka_io::Injected,
    enriched: Vec<Arrival>,
    alerts: Vec<Arrival>,
    peak_lag: BTreeMap<String, i64>,
}

struct Running {
    kind: Kind,
    bus: SharedBus,
    probe: LagProbe,
    processes: Vec<StageProcess>,
    enriched: Tail,
    alerts: Tail,
    timeout: Duration,
}

impl Running {
    /// Offers `items` (on `offsets`, or at once) and waits until every stage has committed
    /// everything and the tails are quiet.
    async fn phase(
        &mut self,
        label: &'static str,
        items: &[RawItem],
        offsets: Option<Vec<Duration>>,
    ) -> anyhow::Result<Phase> {
        self.enriched.take();
        self.alerts.take();
        let (started, started_utc) = (Instant::now(), Utc::now());
        let injector = tokio::spawn(kafka_io::inject(self.bus.clone(), items.to_vec(), offsets));
        let progress = wire_corpus::progress(items.len(), label);
        let mut peak_lag: BTreeMap<String, i64> = BTreeMap::new();
        let (mut last_arrived, mut quiet_samples) = (usize::MAX, 0);
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for process in &mut self.processes {
                if let Some(crash) = process.crashed() {
                    anyhow::bail!("{crash}");
                }
            }
            // The group coordinator may not know a group yet: not drained, try again.
            let lag = match tokio::task::block_in_place(|| self.probe.sample()) {
                Ok(lag) => lag,
                Err(error) => {
                    anyhow::ensure!(
                        started.elapsed() < self.timeout,
                        "{label}: no consumer lag within {} s: {error:#}",
                        self.timeout.as_secs()
                    );
                    quiet_samples = 0;
                    continue;
                }
            };
            for (stage, messages) in &lag {
                let peak = peak_lag.entry(stage.clone()).or_default();
                *peak = (*peak).max(*messages);
            }
            let arrived = self.enriched.count();
            progress.set_position(arrived as u64);
            progress.set_message(format!("{} {label}, lag {lag:?}", self.kind.name()));
            let drained = injector.is_finished() && lag.values().all(|l| *l == 0);
            quiet_samples = if drained && arrived == last_arrived {
                quiet_samples + 1
            } else {
                0
            };
            if quiet_samples >= 2 {
                break;
            }
            last_arrived = arrived;
            anyhow::ensure!(
                started.elapsed() < self.timeout,
                "{label} did not drain within {} s (lag {lag:?}, {arrived} of {} arrived)",
                self.timeout.as_secs(),
                items.len()
            );
        }
        progress.finish_and_clear();
        let injected = injector.await.context("the injector panicked")??;
        Ok(Phase {
            started,
            started_utc,
            injected,
            enriched: self.enriched.take(),
            alerts: self.alerts.take(),
            peak_lag,
        })
    }

    fn cpu_seconds(&self) -> Vec<f64> {
        self.processes
            .iter()
            .map(|p| proc::pid_cpu_seconds(p.pid()).unwrap_or(0.0))
            .collect()
    }
}

async fn run_topology(
    kind: Kind,
    options: &PipelineOptions,
    broker: &str,
    input: &Input,
    schedule: &[Duration],
    logs: &std::path::Path,
) -> anyhow::Result<(TopologyReport, wire_runtime::config::KafkaConfig)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let prefix = format!("bench.{nanos}.{}.", kind.name());
    let config_path = logs.join(format!("{}.toml", kind.name()));
    std::fs::write(
        &config_path,
        topology::config_text(broker, &prefix, &options.kafka),
    )
    .with_context(|| format!("failed to write {}", config_path.display()))?;
    let runtime = LoadedConfig::load(Some(&config_path))?.runtime()?;
    let kafka = runtime.bus.kafka.clone();
    let bus = wire_runtime::connect_bus(&runtime.bus).await?;
    let groups: Vec<(String, String, String)> = kind
        .stages()
        .iter()
        .map(|(stage, from, _)| {
            (
                (*stage).to_owned(),
                format!("{}{stage}", kafka.group_prefix),
                format!("{prefix}{from}"),
            )
        })
        .collect();
    let probe = LagProbe::new(broker, &groups, kafka.partitions)?;
    let processes = topology::spawn(kind, &config_path, logs)?;
    let shutdown = CancellationToken::new();
    let (enriched, alerts) = (Tail::default(), Tail::default());
    let mut tails = Vec::new();
    for (tail, group, topic) in [
        (
            &enriched,
            "bench-tail-enriched",
            wire_model::topics::ENRICHED,
        ),
        (&alerts, "bench-tail-alerts", wire_model::topics::ALERTS),
    ] {
        let (tail, bus, shutdown) = (tail.clone(), bus.clone(), shutdown.clone());
        tails.push(tokio::spawn(async move {
            tail.follow(bus, group, topic, shutdown).await
        }));
    }
    let mut running = Running {
        kind,
        bus,
        probe,
        processes,
        enriched,
        alerts,
        timeout: options.phase_timeout,
    };
    running.phase("warm-up", &input.warmup, None).await?;
    let cpu_before = running.cpu_seconds();
    let throughput = running.phase("throughput", &input.throughput, None).await?;
    let cpu_after = running.cpu_seconds();
    let fixed = running
        .phase("fixed load", &input.fixed, Some(schedule.to_vec()))
        .await?;

    let mut stages = Vec::new();
    for (index, process) in running.processes.iter_mut().enumerate() {
        let cpu = cpu_after.get(index).copied().unwrap_or(0.0)
            - cpu_before.get(index).copied().unwrap_or(0.0);
        stages.push(StageReport {
            stage: process.stage,
            cpu_seconds_throughput: cpu,
            cpu_micros_per_article: cpu * 1e6 / input.throughput.len().max(1) as f64,
            peak_rss_bytes: proc::pid_peak_rss_bytes(process.pid()),
        });
        process.stop(Duration::from_secs(10));
    }
    shutdown.cancel();
    for tail in tails {
        tail.await.context("a tail panicked")??;
    }
    if let Err(error) = kafka_io::delete_topics(broker, &prefix).await {
        eprintln!("note: the run's topics were not deleted: {error:#}");
    }
    let report = TopologyReport {
        topology: kind.name(),
        topic_prefix: prefix,
        throughput: throughput_report(&throughput),
        fixed_load: fixed_report(&fixed, &options.shape),
        stages,
    };
    Ok((report, kafka))
}

fn throughput_report(phase: &Phase) -> ThroughputReport {
    let seconds: Vec<f64> = phase
        .enriched
        .iter()
        .map(|a| a.at.duration_since(phase.started).as_secs_f64())
        .collect();
    let last = seconds.iter().copied().fold(0.0, f64::max);
    ThroughputReport {
        offered: phase.injected.sent,
        failed_sends: phase.injected.failed,
        injected_secs: phase.injected.elapsed.as_secs_f64(),
        arrived: seconds.len(),
        last_arrival_secs: last,
        sustained_per_second: sustained_rate(&seconds).unwrap_or(0.0),
        overall_per_second: if last > 0.0 {
            seconds.len() as f64 / last
        } else {
            0.0
        },
        peak_lag: phase.peak_lag.clone(),
    }
}

fn fixed_report(phase: &Phase, shape: &LoadShape) -> FixedLoadReport {
    let steady = |arrivals: &[Arrival]| -> Vec<Duration> {
        arrivals
            .iter()
            .filter(|a| {
                let second = (a.fetched_at - phase.started_utc).num_seconds().max(0) as u64;
                !shape.is_burst(second)
            })
            .map(|a| a.latency)
            .collect()
    };
    let all =
        |arrivals: &[Arrival]| -> Vec<Duration> { arrivals.iter().map(|a| a.latency).collect() };
    FixedLoadReport {
        offered: phase.injected.sent,
        failed_sends: phase.injected.failed,
        injected_secs: phase.injected.elapsed.as_secs_f64(),
        arrived_enriched: phase.enriched.len(),
        alerts: phase.alerts.len(),
        enriched: LatencySummary::of(&all(&phase.enriched)),
        enriched_steady: LatencySummary::of(&steady(&phase.enriched)),
        alert: LatencySummary::of(&all(&phase.alerts)),
        alert_steady: LatencySummary::of(&steady(&phase.alerts)),
        peak_lag: phase.peak_lag.clone(),
    }
}
