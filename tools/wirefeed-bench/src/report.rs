//! The figures of `bench pipeline` (written as JSON with `--json`), their table, and where they
//! land against issue 10's goals.

use crate::load::{LatencySummary, LoadShape};
use crate::pipeline::PipelineOptions;
use crate::thousands;
use serde::Serialize;
use std::collections::BTreeMap;
use wire_corpus::raw_items::CorpusStats;
use wire_runtime::config::KafkaConfig;

/// Throughput through the same hops, as a share of the ceiling's (percent).
pub const GOAL_PERCENT_OF_CEILING: f64 = 50.0;
/// p99 from fetch to `wire.enriched.v1` at the fixed load, in milliseconds.
pub const GOAL_ENRICHED_P99_MS: f64 = 50.0;
/// p99 from fetch to `wire.alerts.v1` at the fixed load, in milliseconds.
pub const GOAL_ALERT_P99_MS: f64 = 100.0;

#[derive(Debug, Clone, Serialize)]
pub struct ThroughputReport {
    pub offered: usize,
    pub failed_sends: usize,
    /// From the first send to the last acknowledgement of the injector.
    pub injected_secs: f64,
    /// Records that reached `wire.enriched.v1`.
    pub arrived: usize,
    pub last_arrival_secs: f64,
    /// Arrivals per second between the 10th and 90th percentile of arrivals.
    pub sustained_per_second: f64,
    /// All arrivals over the time to the last one.
    pub overall_per_second: f64,
    /// Peak uncommitted messages per stage (the offered backlog, by design of the phase).
    pub peak_lag: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FixedLoadReport {
    pub offered: usize,
    pub failed_sends: usize,
    pub injected_secs: f64,
    pub arrived_enriched: usize,
    pub alerts: usize,
    /// fetch → `wire.enriched.v1`, every article.
    pub enriched: LatencySummary,
    /// The same, for articles offered outside burst seconds.
    pub enriched_steady: LatencySummary,
    /// fetch → `wire.alerts.v1`, every alert.
    pub alert: LatencySummary,
    pub alert_steady: LatencySummary,
    /// Peak uncommitted messages per stage, sampled every 0.5 s (commits lag up to
    /// `auto_commit_interval_ms`).
    pub peak_lag: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    pub stage: &'static str,
    /// CPU seconds of the process during the throughput phase.
    pub cpu_seconds_throughput: f64,
    pub cpu_micros_per_article: f64,
    pub peak_rss_bytes: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopologyReport {
    pub topology: &'static str,
    pub topic_prefix: String,
    pub throughput: ThroughputReport,
    pub fixed_load: FixedLoadReport,
    pub stages: Vec<StageReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KafkaReport {
    pub partitions: i32,
    pub linger_ms: u64,
    pub compression: String,
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpus: usize,
    pub memory_bytes: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Goals {
    /// `None` without a ceiling run.
    pub throughput_percent_of_ceiling: Option<f64>,
    pub throughput_met: Option<bool>,
    pub enriched_p99_met: bool,
    pub alert_p99_met: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PipelineReport {
    pub scenario: &'static str,
    pub broker: String,
    pub machine: Machine,
    pub kafka: KafkaReport,
    pub corpus: CorpusStats,
    pub warmup_articles: usize,
    pub throughput_articles: usize,
    pub fixed_load_articles: usize,
    pub load: LoadShape,
    pub wirefeed: TopologyReport,
    pub ceiling: Option<TopologyReport>,
    pub goals: Goals,
}

impl Machine {
    /// The machine this runs on.
    pub fn this() -> Self {
        Self {
            cpus: std::thread::available_parallelism().map_or(0, usize::from),
            memory_bytes: memory_bytes(),
        }
    }
}

fn memory_bytes() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

impl PipelineReport {
    pub fn new(
        broker: String,
        kafka: KafkaConfig,
        corpus: CorpusStats,
        options: &PipelineOptions,
        fixed_load_articles: usize,
        wirefeed: TopologyReport,
        ceiling: Option<TopologyReport>,
    ) -> Self {
        let percent = ceiling.as_ref().and_then(|c| {
            let ceiling = c.throughput.sustained_per_second;
            (ceiling > 0.0).then(|| wirefeed.throughput.sustained_per_second / ceiling * 100.0)
        });
        let goals = Goals {
            throughput_percent_of_ceiling: percent,
            throughput_met: percent.map(|p| p >= GOAL_PERCENT_OF_CEILING),
            enriched_p99_met: wirefeed.fixed_load.enriched.count > 0
                && wirefeed.fixed_load.enriched.p99_ms <= GOAL_ENRICHED_P99_MS,
            alert_p99_met: wirefeed.fixed_load.alert.count > 0
                && wirefeed.fixed_load.alert.p99_ms <= GOAL_ALERT_P99_MS,
        };
        Self {
            scenario: "pipeline",
            broker,
            machine: Machine::this(),
            kafka: KafkaReport {
                partitions: kafka.partitions,
                linger_ms: kafka.linger_ms,
                compression: kafka.compression,
                options: kafka.options,
            },
            corpus,
            warmup_articles: options.warmup,
            throughput_articles: options.articles,
            fixed_load_articles,
            load: options.shape,
            wirefeed,
            ceiling,
            goals,
        }
    }
}

fn latency(summary: &LatencySummary) -> String {
    if summary.count == 0 {
        return "none".to_owned();
    }
    format!(
        "{:.1} / {:.1} / {:.1} ms (n={})",
        summary.p50_ms,
        summary.p99_ms,
        summary.max_ms,
        thousands(summary.count as f64)
    )
}

fn lag(peaks: &BTreeMap<String, i64>) -> String {
    peaks
        .iter()
        .map(|(stage, messages)| format!("{stage} {}", thousands(*messages as f64)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn stages(topology: &TopologyReport) -> String {
    topology
        .stages
        .iter()
        .map(|s| format!("{} {:.0}", s.stage, s.cpu_micros_per_article))
        .collect::<Vec<_>>()
        .join(", ")
}

fn peak_rss(topology: &TopologyReport) -> String {
    topology
        .stages
        .iter()
        .map(|s| {
            let mib = s
                .peak_rss_bytes
                .map_or("n/a".to_owned(), |b| format!("{:.0}", b as f64 / 1048576.0));
            format!("{} {mib}", s.stage)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of one figure: wirefeed, the ceiling, and their ratio when it means something.
fn row(
    name: &str,
    wirefeed: &TopologyReport,
    ceiling: Option<&TopologyReport>,
    cell: impl Fn(&TopologyReport) -> String,
    ratio: Option<f64>,
) -> Vec<String> {
    vec![
        name.to_owned(),
        cell(wirefeed),
        ceiling.map_or("-".to_owned(), &cell),
        ratio.map_or(String::new(), |r| format!("{r:.0}%")),
    ]
}

/// Prints the report as a table. Long because it is one row after another, each next to its
/// label.
pub fn print(report: &PipelineReport) {
    let shape = &report.load;
    let bursts = if (0..shape.secs).any(|s| shape.is_burst(s)) {
        format!(
            "with {}x bursts ({} s every {} s)",
            shape.burst_factor, shape.burst_secs, shape.burst_every_secs
        )
    } else {
        "without bursts".to_owned()
    };
    println!(
        "pipeline: broker {}, {} partitions, linger.ms {}, compression {}{}; {} warm-up, {} \
         articles at once, then {}/s {bursts} for {} s ({} articles)",
        report.broker,
        report.kafka.partitions,
        report.kafka.linger_ms,
        report.kafka.compression,
        if report.kafka.options.is_empty() {
            String::new()
        } else {
            format!(", {:?}", report.kafka.options)
        },
        report.warmup_articles,
        thousands(report.throughput_articles as f64),
        shape.rate,
        shape.secs,
        thousands(report.fixed_load_articles as f64),
    );
    let (wirefeed, ceiling) = (&report.wirefeed, report.ceiling.as_ref());
    let rate = |t: &TopologyReport| thousands(t.throughput.sustained_per_second);
    let rows = vec![
        row(
            "sustained articles/s to enriched",
            wirefeed,
            ceiling,
            rate,
            report.goals.throughput_percent_of_ceiling,
        ),
        row(
            "all articles / time to the last",
            wirefeed,
            ceiling,
            |t| {
                format!(
                    "{} in {:.1} s",
                    thousands(t.throughput.arrived as f64),
                    t.throughput.last_arrival_secs
                )
            },
            None,
        ),
        row(
            "CPU µs/article (throughput phase)",
            wirefeed,
            ceiling,
            stages,
            None,
        ),
        row(
            "fetch→enriched p50/p99/max, all",
            wirefeed,
            ceiling,
            |t| latency(&t.fixed_load.enriched),
            None,
        ),
        row(
            "  offered outside bursts",
            wirefeed,
            ceiling,
            |t| latency(&t.fixed_load.enriched_steady),
            None,
        ),
        row(
            "fetch→alert p50/p99/max, all",
            wirefeed,
            ceiling,
            |t| latency(&t.fixed_load.alert),
            None,
        ),
        row(
            "  offered outside bursts",
            wirefeed,
            ceiling,
            |t| latency(&t.fixed_load.alert_steady),
            None,
        ),
        row(
            "peak lag at fixed load",
            wirefeed,
            ceiling,
            |t| lag(&t.fixed_load.peak_lag),
            None,
        ),
        row("peak RSS MiB", wirefeed, ceiling, peak_rss, None),
    ];
    crate::print_table(&["", "wirefeed", "Kafka ceiling", "ratio"], &rows);
    let verdict = |met: Option<bool>| match met {
        Some(true) => "met",
        Some(false) => "not met",
        None => "not measured",
    };
    println!(
        "goals: throughput >= {GOAL_PERCENT_OF_CEILING:.0}% of the ceiling: {}; at the fixed \
         load p99 fetch→enriched <= {GOAL_ENRICHED_P99_MS:.0} ms: {}, fetch→alert <= \
         {GOAL_ALERT_P99_MS:.0} ms: {}",
        verdict(report.goals.throughput_met),
        verdict(Some(report.goals.enriched_p99_met)),
        verdict(Some(report.goals.alert_p99_met)),
    );
}
