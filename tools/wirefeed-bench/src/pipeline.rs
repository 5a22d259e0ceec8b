//! `wirefeed-bench pipeline`: the stages as separate processes over a real Kafka broker, fed by
//! a real fetcher, and the Kafka ceiling (the same messages copied through the same topics by
//! processes that do no work) in the same run, interleaved with it.
//!
//! Input (`--input`):
//! - `fetcher` (the default): a feed server in this process ([`crate::corpus_feeds`]) serves
//!   the corpus items as RSS feeds (each corpus source split into a few feeds), each item
//!   appearing at its time of the schedule; a real `wirefeed-fetcher` process per topology,
//!   configured with those feeds as HTTP sources at a 1 s interval, polls them and publishes
//!   `wire.raw.v1`. `fetched_at` is the fetcher's own stamp, so "fetch → enriched" means what
//!   it says; "appeared → enriched" (from the item's appearance on the feed server) adds the
//!   poll interval's share.
//! - `inject`: the earlier mode: an injector publishes `wire.raw.v1` items as the fetcher does,
//!   `fetched_at` stamped at publish time (figures comparable with runs before issue 23).
//!
//! Both topologies run at the same time, each with its own topics and groups (a prefix each),
//! its own feed server and fetcher; the idle one polls feeds that do not change (304s).
//! 1. warm-up: a few hundred items through each whole chain, until every stage's group has
//!    committed everything;
//! 2. throughput, `rounds` times, interleaved: ceiling, wirefeed, ceiling, wirefeed, ...; each
//!    round offers its own `articles` items (the two topologies of a round the same ones) as
//!    fast as the producer takes them, and the rate of arrivals on `wire.enriched.v1` between
//!    the 10th and 90th percentile of arrivals is that round's sustained throughput. The ratio
//!    is the median wirefeed rate over the median ceiling rate, with each round's pair ratio
//!    beside it (the spread). Interleaving spreads the machine's drift (other work, the
//!    broker's log segments, page cache) over both topologies.
//! 3. fixed load: the next items on the [`LoadShape`] schedule (200/s with 10× bursts by
//!    default), ceiling then wirefeed; latency from `fetched_at` (and from appearance) to the
//!    arrival on `wire.enriched.v1` and on `wire.alerts.v1`, and the peak consumer lag.
//!
//! **What the throughput ratio compares.** The throughput rounds do not poll: with fetcher
//! input, the round's items are first served all at once to a capture fetcher (a real
//! `wirefeed-fetcher` with its own topics), and the records it published (keys, payloads,
//! `fetched_at` as it stamped them) are what every round replays into `wire.raw.v1` of both
//! topologies. So both get exactly the messages the fetcher makes, through the same topics,
//! offered the same way; and neither rate is bounded by the fetcher's polling (one fetcher
//! process publishes fewer items per second than the copiers carry, so a live fetcher in front
//! of the ceiling would measure the fetcher, not Kafka). The fetcher's own cost is measured
//! by `bench fetch` and reported here as the capture's CPU per item; in the fixed-load phase
//! it runs live in both topologies.
//!
//! After each wirefeed phase every process's admin `/metrics` is read: the stage loop's
//! `wirefeed_stage_phase_cpu_seconds_total{stage,phase}` gives CPU per article by phase
//! (consume, decode, core, encode, produce, state, commit, telemetry) where the build has it.

use crate::corpus_feeds::{self, CorpusFeeds};
use crate::kafka_io::{self, Arrival, LagProbe, Tail};
use crate::load::{LatencySummary, LoadShape, RoundsRatio, sustained_rate};
use crate::metrics::{self, PhaseSeconds};
use crate::proc;
use crate::report::{
    CaptureReport, FixedLoadReport, PipelineReport, StageReport, ThroughputReport, TopologyReport,
};
use crate::topology::{self, FetcherSetup, KafkaSettings, Kind, StageProcess};
use anyhow::Context as _;
use chrono::Utc;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use wire_corpus::raw_items as corpus;
use wire_datasets::reuters::Document;
use wire_model::RawItem;
use wire_runtime::bus::Record;
use wire_runtime::{LoadedConfig, SharedBus};

/// Where `wire.raw.v1` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum InputMode {
    /// A real fetcher polling the bench's feed server.
    Fetcher,
    /// The bench publishes raw items itself (runs before issue 23).
    Inject,
}

/// What `bench pipeline` runs.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// A running broker; `None` starts the project's (`deploy/kafka/kafka.sh start`).
    pub broker: Option<String>,
    pub input: InputMode,
    /// Items offered at once in each throughput round.
    pub articles: usize,
    /// Throughput rounds per topology, interleaved.
    pub rounds: usize,
    /// Items through the chain before measuring.
    pub warmup: usize,
    /// The fixed-load phase.
    pub shape: LoadShape,
    pub seed: u64,
    pub kafka: KafkaSettings,
    /// Also run the Kafka-ceiling copier topology.
    pub ceiling: bool,
    /// Feeds each corpus source is split into.
    pub feeds_per_source: usize,
    /// The fetcher's poll interval of every feed.
    pub poll_interval_secs: u64,
    /// Where the processes' logs and config files go (default: a temporary directory).
    pub logs: Option<PathBuf>,
    /// A phase that has not drained after this long fails the run.
    pub phase_timeout: Duration,
}

impl PipelineOptions {
    /// `bench pipeline`'s defaults: fetcher input; 5 interleaved rounds of 20,000 articles at
    /// once; then 200 articles/s with 10× bursts of 1 s every 10 s for 30 s; 3 partitions,
    /// the configured Kafka settings, with the ceiling.
    pub fn with_defaults(broker: Option<String>) -> Self {
        Self {
            broker,
            input: InputMode::Fetcher,
            articles: 20_000,
            rounds: 5,
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
            feeds_per_source: 4,
            poll_interval_secs: 1,
            logs: None,
            phase_timeout: Duration::from_secs(600),
        }
    }
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

/// The input of the run, in the order it is offered.
struct Input {
    warmup: Vec<RawItem>,
    /// Each throughput round's records for `wire.raw.v1`.
    rounds: Vec<Vec<Record>>,
    fixed: Vec<RawItem>,
    /// Every feed of the corpus (fetcher input).
    feeds: Vec<String>,
}

fn unique_prefix(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("bench.{nanos}.{name}.")
}

fn fetcher_setup(options: &PipelineOptions, port: u16, feeds: &[String]) -> FetcherSetup {
    FetcherSetup {
        port,
        feeds: feeds.to_vec(),
        interval_secs: options.poll_interval_secs,
        concurrency: 32,
    }
}

/// The records a real fetcher publishes for `rounds` (all served at once), split back into
/// the rounds: see the module doc.
async fn capture(
    options: &PipelineOptions,
    broker: &str,
    feeds: &[String],
    rounds: &[Vec<RawItem>],
    logs: &Path,
) -> anyhow::Result<(Vec<Vec<Record>>, CaptureReport)> {
    let shards = options.feeds_per_source;
    let server = CorpusFeeds::new(feeds, shards, None);
    let shutdown = CancellationToken::new();
    let (port, server_task) = corpus_feeds::serve(server.clone(), shutdown.clone()).await?;
    let prefix = unique_prefix("capture");
    let config_path = logs.join("capture.toml");
    let setup = fetcher_setup(options, port, feeds);
    std::fs::write(
        &config_path,
        topology::config_text(broker, &prefix, &options.kafka, Some(&setup)),
    )
    .with_context(|| format!("failed to write {}", config_path.display()))?;
    let runtime = LoadedConfig::load(Some(&config_path))?.runtime()?;
    let bus = wire_runtime::connect_bus(&runtime.bus).await?;
    let expected: usize = rounds.iter().map(Vec::len).sum();
    let started = Instant::now();
    let mut fetcher = topology::spawn_fetcher(&config_path, logs, "capture")?;
    // Round by round (a feed document holding every round would outgrow the fetcher's body
    // limit): each round's items alone on the feeds, read back before the next.
    let mut split: Vec<Vec<Record>> = Vec::new();
    let mut outcome = Ok(());
    for (round, items) in rounds.iter().enumerate() {
        server.clear();
        server.schedule(items, None);
        let wanted: HashSet<(String, String)> = items
            .iter()
            .map(|item| {
                (
                    corpus_feeds::feed_of(item, shards),
                    item.item_identity.trim().to_owned(),
                )
            })
            .collect();
        let keep = |record: &Record| {
            kafka_io::stamp(&record.payload)
                .and_then(|(_, item)| item)
                .is_some_and(|item| wanted.contains(&item))
        };
        let progress = wire_corpus::progress(items.len(), "fetcher capture");
        let collected = kafka_io::collect(
            bus.clone(),
            &format!("bench-capture-{round}"),
            wire_model::topics::RAW,
            keep,
            items.len(),
            Duration::from_secs(10),
            options.phase_timeout,
            &progress,
        )
        .await;
        progress.finish_and_clear();
        match collected {
            Ok(records) => split.push(records),
            Err(error) => {
                outcome = Err(error);
                break;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = proc::pid_cpu_seconds(fetcher.pid()).unwrap_or(0.0);
    if let Some(crash) = fetcher.crashed() {
        anyhow::bail!("the capture fetcher: {crash}");
    }
    fetcher.stop(Duration::from_secs(10));
    shutdown.cancel();
    let _ = server_task.await;
    if let Err(error) = kafka_io::delete_topics(broker, &prefix).await {
        eprintln!("note: the capture's topics were not deleted: {error:#}");
    }
    outcome?;
    let published: usize = split.iter().map(Vec::len).sum();
    let report = CaptureReport {
        served: expected,
        published,
        seconds,
        fetcher_cpu_seconds: cpu,
        fetcher_cpu_micros_per_item: cpu * 1e6 / published.max(1) as f64,
        polls: server.served().polls(),
    };
    Ok((split, report))
}

/// Runs the scenario.
pub async fn run(
    options: &PipelineOptions,
    documents: &[Document],
) -> anyhow::Result<PipelineReport> {
    anyhow::ensure!(options.rounds >= 1, "at least one round");
    let broker = match &options.broker {
        Some(broker) => broker.clone(),
        None => tokio::task::block_in_place(topology::start_broker)?,
    };
    let schedule = options.shape.schedule();
    let throughput_total = options.articles * options.rounds;
    let total = options.warmup + throughput_total + schedule.len();
    let (mut items, corpus_stats) = corpus_items(documents, total, options.seed)?;
    anyhow::ensure!(
        items.len() == total,
        "the corpus has {} items, {total} wanted",
        items.len()
    );
    let feeds = corpus_feeds::feeds_of(&items, options.feeds_per_source);
    let fixed = items.split_off(options.warmup + throughput_total);
    let throughput = items.split_off(options.warmup);
    let round_items: Vec<Vec<RawItem>> = throughput
        .chunks(options.articles.max(1))
        .map(<[RawItem]>::to_vec)
        .collect();
    let temporary = tempfile::tempdir().context("failed to create a temporary directory")?;
    let logs = options
        .logs
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    std::fs::create_dir_all(&logs)
        .with_context(|| format!("failed to create {}", logs.display()))?;
    let (rounds, capture_report) = match options.input {
        InputMode::Fetcher => {
            let (rounds, report) = capture(options, &broker, &feeds, &round_items, &logs)
                .await
                .with_context(|| format!("the capture failed (logs in {})", logs.display()))?;
            (rounds, Some(report))
        }
        InputMode::Inject => (
            round_items
                .iter()
                .map(|items| items.iter().map(raw_record).collect())
                .collect(),
            None,
        ),
    };
    let input = Input {
        warmup: items,
        rounds,
        fixed,
        feeds,
    };

    let mut kinds = vec![Kind::Wirefeed];
    if options.ceiling {
        kinds.insert(0, Kind::Ceiling);
    }
    let mut running = Vec::new();
    let mut kafka_config = None;
    for kind in kinds {
        let (mut topology, config) = start_topology(kind, options, &broker, &input, &logs)
            .await
            .with_context(|| {
                format!(
                    "the {} start failed (logs in {})",
                    kind.name(),
                    logs.display()
                )
            })?;
        topology
            .phase("warm-up", Offer::Feed(&input.warmup, None))
            .await
            .with_context(|| {
                format!(
                    "the {} warm-up failed (logs in {})",
                    kind.name(),
                    logs.display()
                )
            })?;
        kafka_config.get_or_insert(config);
        running.push(topology);
    }
    for (round, records) in input.rounds.iter().enumerate() {
        for topology in &mut running {
            let label = format!("round {}/{}", round + 1, input.rounds.len());
            topology
                .throughput_round(&label, records)
                .await
                .with_context(|| {
                    format!(
                        "{} {label} failed (logs in {})",
                        topology.kind.name(),
                        logs.display()
                    )
                })?;
        }
    }
    for topology in &mut running {
        topology
            .fixed_load(&input.fixed, &schedule, &options.shape)
            .await
            .with_context(|| {
                format!(
                    "the {} fixed load failed (logs in {})",
                    topology.kind.name(),
                    logs.display()
                )
            })?;
    }
    let mut reports = BTreeMap::new();
    for topology in running {
        let kind = topology.kind;
        reports.insert(kind.name(), topology.finish(&broker).await?);
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
        capture_report,
        wirefeed,
        ceiling,
    ))
}

/// A raw item as the record the fetcher would publish (`fetched_at` now).
fn raw_record(item: &RawItem) -> Record {
    let mut item = item.clone();
    item.fetched_at = Utc::now();
    Record::new(
        wire_model::topics::RAW,
        item.article_id.as_str(),
        item.encode(),
    )
}

/// What a phase offers.
enum Offer<'a> {
    /// Raw items: on the feed server (fetcher input) or injected, at the offsets or at once.
    Feed(&'a [RawItem], Option<&'a [Duration]>),
    /// Records replayed into `wire.raw.v1` at once.
    Replay(&'a [Record]),
}

/// What one phase saw.
struct Phase {
    started_utc: chrono::DateTime<Utc>,
    started: Instant,
    injected: kafka_io::Injected,
    /// Records that reached `wire.raw.v1` during the phase.
    published: i64,
    enriched: Vec<Arrival>,
    alerts: Vec<Arrival>,
    peak_lag: BTreeMap<String, i64>,
}

/// CPU and per-phase CPU a process spent over some phases, and the articles they offered.
#[derive(Debug, Clone, Default)]
struct Spent {
    cpu_seconds: f64,
    phases: PhaseSeconds,
    articles: usize,
}

struct Running {
    kind: Kind,
    input: InputMode,
    poll_interval: Duration,
    bus: SharedBus,
    probe: LagProbe,
    processes: Vec<StageProcess>,
    feeds: Option<Arc<CorpusFeeds>>,
    enriched: Tail,
    alerts: Tail,
    tails: Vec<tokio::task::JoinHandle<anyhow::Result<()>>>,
    shutdown: CancellationToken,
    prefix: String,
    timeout: Duration,
    throughput: Vec<ThroughputReport>,
    throughput_spent: Vec<Spent>,
    fixed: Option<FixedLoadReport>,
    fixed_spent: Vec<Spent>,
}

async fn start_topology(
    kind: Kind,
    options: &PipelineOptions,
    broker: &str,
    input: &Input,
    logs: &Path,
) -> anyhow::Result<(Running, wire_runtime::config::KafkaConfig)> {
    let prefix = unique_prefix(kind.name());
    let shutdown = CancellationToken::new();
    let mut tails = Vec::new();
    let (feeds, setup) = match options.input {
        InputMode::Fetcher => {
            let retain = Duration::from_secs(options.poll_interval_secs.max(1) * 5);
            let feeds = CorpusFeeds::new(&input.feeds, options.feeds_per_source, Some(retain));
            let (port, task) = corpus_feeds::serve(feeds.clone(), shutdown.clone()).await?;
            tails.push(tokio::spawn(async move {
                task.await.context("the feed server panicked")
            }));
            let setup = fetcher_setup(options, port, &input.feeds);
            (Some(feeds), Some(setup))
        }
        InputMode::Inject => (None, None),
    };
    let config_path = logs.join(format!("{}.toml", kind.name()));
    std::fs::write(
        &config_path,
        topology::config_text(broker, &prefix, &options.kafka, setup.as_ref()),
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
    let processes = topology::spawn(kind, &config_path, logs, feeds.is_some())?;
    let (enriched, alerts) = (Tail::default(), Tail::default());
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
    let count = processes.len();
    let running = Running {
        kind,
        input: options.input,
        poll_interval: Duration::from_secs(options.poll_interval_secs.max(1)),
        bus,
        probe,
        processes,
        feeds,
        enriched,
        alerts,
        tails,
        shutdown,
        prefix,
        timeout: options.phase_timeout,
        throughput: Vec::new(),
        throughput_spent: vec![Spent::default(); count],
        fixed: None,
        fixed_spent: vec![Spent::default(); count],
    };
    Ok((running, kafka))
}

impl Running {
    /// Starts offering: the task that injects or replays, or the time the last item appears
    /// on the feed server (the fetcher has then one poll interval and a second more).
    fn offer(
        &self,
        offer: Offer<'_>,
    ) -> (
        usize,
        Option<tokio::task::JoinHandle<anyhow::Result<kafka_io::Injected>>>,
        Duration,
    ) {
        match offer {
            Offer::Replay(records) => {
                let task = tokio::spawn(kafka_io::replay(self.bus.clone(), records.to_vec()));
                (records.len(), Some(task), Duration::ZERO)
            }
            Offer::Feed(items, offsets) => match (&self.feeds, self.input) {
                (Some(feeds), InputMode::Fetcher) => {
                    let scheduled = feeds.schedule(items, offsets);
                    let last = offsets.and_then(|o| o.last()).copied().unwrap_or_default();
                    (
                        scheduled,
                        None,
                        last + self.poll_interval * 2 + Duration::from_secs(1),
                    )
                }
                _ => {
                    let task = tokio::spawn(kafka_io::inject(
                        self.bus.clone(),
                        items.to_vec(),
                        offsets.map(<[Duration]>::to_vec),
                    ));
                    (items.len(), Some(task), Duration::ZERO)
                }
            },
        }
    }

    /// Offers `offer` and waits until every stage has committed everything, nothing more
    /// reached `wire.raw.v1` and the tails are quiet.
    async fn phase(&mut self, label: &str, offer: Offer<'_>) -> anyhow::Result<Phase> {
        self.enriched.take();
        self.alerts.take();
        let raw_before = tokio::task::block_in_place(|| self.probe.input_end()).unwrap_or(0);
        let (started, started_utc) = (Instant::now(), Utc::now());
        let (expected, injector, offer_ends) = self.offer(offer);
        let progress = wire_corpus::progress(expected, "phase");
        let mut peak_lag: BTreeMap<String, i64> = BTreeMap::new();
        let (mut last_arrived, mut last_raw, mut quiet_samples) = (usize::MAX, -1i64, 0);
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for process in &mut self.processes {
                if let Some(crash) = process.crashed() {
                    anyhow::bail!("{crash}");
                }
            }
            // The group coordinator may not know a group yet: not drained, try again.
            let sample = tokio::task::block_in_place(|| {
                Ok::<_, anyhow::Error>((self.probe.sample()?, self.probe.input_end()?))
            });
            let (lag, raw) = match sample {
                Ok(sample) => sample,
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
            let offered = injector
                .as_ref()
                .map_or(started.elapsed() >= offer_ends, |i| i.is_finished());
            let drained = offered && arrived > 0 && lag.values().all(|l| *l == 0);
            quiet_samples = if drained && arrived == last_arrived && raw == last_raw {
                quiet_samples + 1
            } else {
                0
            };
            // Short of what was offered (an item the fetcher missed), wait longer.
            if quiet_samples >= if arrived >= expected { 2 } else { 10 } {
                break;
            }
            (last_arrived, last_raw) = (arrived, raw);
            anyhow::ensure!(
                started.elapsed() < self.timeout,
                "{label} did not drain within {} s (lag {lag:?}, {arrived} of {expected} arrived)",
                self.timeout.as_secs(),
            );
        }
        progress.finish_and_clear();
        let injected = match injector {
            Some(injector) => injector.await.context("the injector panicked")??,
            None => kafka_io::Injected {
                sent: expected,
                failed: 0,
                elapsed: offer_ends,
            },
        };
        Ok(Phase {
            started,
            started_utc,
            injected,
            published: last_raw.max(0) - raw_before,
            enriched: self.enriched.take(),
            alerts: self.alerts.take(),
            peak_lag,
        })
    }

    /// Each process's CPU seconds and phase counters now.
    async fn spent_now(&self) -> Vec<(f64, PhaseSeconds)> {
        let mut now = Vec::new();
        for process in &self.processes {
            let cpu = proc::pid_cpu_seconds(process.pid()).unwrap_or(0.0);
            now.push((cpu, metrics::scrape_phases(process.admin_port).await));
        }
        now
    }

    /// Runs `phase` and adds what each process spent on it to `which`.
    async fn measured(
        &mut self,
        label: &str,
        offer: Offer<'_>,
        fixed: bool,
    ) -> anyhow::Result<Phase> {
        let before = self.spent_now().await;
        let phase = self.phase(label, offer).await?;
        let after = self.spent_now().await;
        let spent = if fixed {
            &mut self.fixed_spent
        } else {
            &mut self.throughput_spent
        };
        for ((total, (cpu_before, phases_before)), (cpu_after, phases_after)) in
            spent.iter_mut().zip(&before).zip(&after)
        {
            total.cpu_seconds += (cpu_after - cpu_before).max(0.0);
            metrics::add(
                &mut total.phases,
                &metrics::since(phases_after, phases_before),
            );
            total.articles += phase.injected.sent;
        }
        Ok(phase)
    }

    async fn throughput_round(&mut self, label: &str, records: &[Record]) -> anyhow::Result<()> {
        let phase = self.measured(label, Offer::Replay(records), false).await?;
        self.throughput.push(throughput_report(&phase));
        Ok(())
    }

    async fn fixed_load(
        &mut self,
        items: &[RawItem],
        schedule: &[Duration],
        shape: &LoadShape,
    ) -> anyhow::Result<()> {
        let phase = self
            .measured("fixed load", Offer::Feed(items, Some(schedule)), true)
            .await?;
        self.fixed = Some(fixed_report(&phase, shape, self.feeds.as_deref()));
        Ok(())
    }

    /// Stops the processes and the tails, deletes the topics, and reports.
    async fn finish(mut self, broker: &str) -> anyhow::Result<TopologyReport> {
        let mut stages = Vec::new();
        for (index, process) in self.processes.iter_mut().enumerate() {
            let throughput = self
                .throughput_spent
                .get(index)
                .cloned()
                .unwrap_or_default();
            let fixed = self.fixed_spent.get(index).cloned().unwrap_or_default();
            stages.push(StageReport::new(
                process.stage,
                &throughput,
                &fixed,
                proc::pid_peak_rss_bytes(process.pid()),
            ));
            process.stop(Duration::from_secs(10));
        }
        self.shutdown.cancel();
        for tail in self.tails {
            tail.await.context("a tail panicked")??;
        }
        if let Err(error) = kafka_io::delete_topics(broker, &self.prefix).await {
            eprintln!("note: the run's topics were not deleted: {error:#}");
        }
        Ok(TopologyReport::new(
            self.kind.name(),
            self.prefix,
            self.throughput,
            self.fixed.context("no fixed-load phase")?,
            stages,
        ))
    }
}

impl StageReport {
    fn new(
        stage: &'static str,
        throughput: &Spent,
        fixed: &Spent,
        peak_rss_bytes: Option<u64>,
    ) -> Self {
        let per_article = |seconds: f64, articles: usize| seconds * 1e6 / articles.max(1) as f64;
        let phases = |spent: &Spent| -> BTreeMap<String, f64> {
            spent
                .phases
                .iter()
                .map(|(phase, seconds)| (phase.clone(), per_article(*seconds, spent.articles)))
                .collect()
        };
        Self {
            stage,
            cpu_seconds_throughput: throughput.cpu_seconds,
            cpu_micros_per_article: per_article(throughput.cpu_seconds, throughput.articles),
            phase_micros_per_article: phases(throughput),
            cpu_micros_per_article_fixed: per_article(fixed.cpu_seconds, fixed.articles),
            phase_micros_per_article_fixed: phases(fixed),
            peak_rss_bytes,
        }
    }
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

fn fixed_report(phase: &Phase, shape: &LoadShape, feeds: Option<&CorpusFeeds>) -> FixedLoadReport {
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
    let appeared = feeds.map(|feeds| {
        let latencies: Vec<Duration> = phase
            .enriched
            .iter()
            .filter_map(|a| {
                let (source, identity) = a.item.as_ref()?;
                let appeared = feeds.appeared_at(source, identity)?;
                (a.arrived_utc - appeared).to_std().ok()
            })
            .collect();
        LatencySummary::of(&latencies)
    });
    FixedLoadReport {
        offered: phase.injected.sent,
        failed_sends: phase.injected.failed,
        injected_secs: phase.injected.elapsed.as_secs_f64(),
        published_raw: phase.published,
        arrived_enriched: phase.enriched.len(),
        alerts: phase.alerts.len(),
        enriched: LatencySummary::of(&all(&phase.enriched)),
        enriched_steady: LatencySummary::of(&steady(&phase.enriched)),
        appeared_enriched: appeared,
        alert: LatencySummary::of(&all(&phase.alerts)),
        alert_steady: LatencySummary::of(&steady(&phase.alerts)),
        peak_lag: phase.peak_lag.clone(),
    }
}

/// The ratio of a finished run's rounds.
pub fn rounds_ratio(wirefeed: &TopologyReport, ceiling: Option<&TopologyReport>) -> RoundsRatio {
    let rates = |t: &TopologyReport| -> Vec<f64> {
        t.rounds.iter().map(|r| r.sustained_per_second).collect()
    };
    ceiling.map_or_else(RoundsRatio::default, |c| {
        RoundsRatio::of(&rates(wirefeed), &rates(c))
    })
}
