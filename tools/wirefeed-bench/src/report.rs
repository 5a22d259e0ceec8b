//! The figures of `bench pipeline` (written as JSON with `--json`), their table, and where they
//! land against issue 23's goals.

use crate::load::{LatencySummary, LoadShape, RoundsRatio, median};
use crate::pipeline::{InputMode, PipelineOptions};
use crate::thousands;
use serde::Serialize;
use std::collections::BTreeMap;
use wire_corpus::raw_items::CorpusStats;
use wire_runtime::config::KafkaConfig;

/// Throughput through the same hops, as a share of the ceiling's (percent; issue 23, issue 10
/// asked 50).
pub const GOAL_PERCENT_OF_CEILING: f64 = 30.0;
/// p99 from fetch to `wire.enriched.v1` at the fixed load with bursts, in milliseconds (issue
/// 23; issue 10 asked 50 at any fixed load).
pub const GOAL_ENRICHED_P99_MS: f64 = 250.0;
/// p99 from fetch to `wire.alerts.v1` at the fixed load, in milliseconds (issue 10; issue 23
/// states no alert goal of its own).
pub const GOAL_ALERT_P99_MS: f64 = 100.0;
/// Issue 10's goal of fetch → enriched p99 at a fixed load (kept for the steady run).
pub const ISSUE_10_ENRICHED_P99_MS: f64 = 50.0;
/// Issue 10's share of the ceiling.
pub const ISSUE_10_PERCENT_OF_CEILING: f64 = 50.0;

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
    /// Records that reached `wire.raw.v1` (what the fetcher or injector published).
    pub published_raw: i64,
    pub arrived_enriched: usize,
    pub alerts: usize,
    /// fetch → `wire.enriched.v1`, every article.
    pub enriched: LatencySummary,
    /// The same, for articles offered outside burst seconds.
    pub enriched_steady: LatencySummary,
    /// From the item's appearance on the feed server to `wire.enriched.v1` (fetcher input):
    /// fetch → enriched plus the wait for the next poll.
    pub appeared_enriched: Option<LatencySummary>,
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
    /// CPU seconds of the process over the throughput rounds.
    pub cpu_seconds_throughput: f64,
    pub cpu_micros_per_article: f64,
    /// From `wirefeed_stage_phase_cpu_seconds_total`, over the throughput rounds: CPU µs per
    /// article by phase (empty when the build does not expose it).
    pub phase_micros_per_article: BTreeMap<String, f64>,
    /// The same two at the fixed load.
    pub cpu_micros_per_article_fixed: f64,
    pub phase_micros_per_article_fixed: BTreeMap<String, f64>,
    pub peak_rss_bytes: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopologyReport {
    pub topology: &'static str,
    pub topic_prefix: String,
    /// The round with the median sustained rate.
    pub throughput: ThroughputReport,
    /// The median of the rounds' sustained rates.
    pub median_sustained_per_second: f64,
    /// Every throughput round, in order.
    pub rounds: Vec<ThroughputReport>,
    pub fixed_load: FixedLoadReport,
    pub stages: Vec<StageReport>,
}

impl TopologyReport {
    pub fn new(
        topology: &'static str,
        topic_prefix: String,
        rounds: Vec<ThroughputReport>,
        fixed_load: FixedLoadReport,
        stages: Vec<StageReport>,
    ) -> Self {
        let rates: Vec<f64> = rounds.iter().map(|r| r.sustained_per_second).collect();
        let median_rate = median(&rates).unwrap_or(0.0);
        let throughput = rounds
            .iter()
            .min_by(|a, b| {
                (a.sustained_per_second - median_rate)
                    .abs()
                    .total_cmp(&(b.sustained_per_second - median_rate).abs())
            })
            .cloned()
            .unwrap_or_else(|| ThroughputReport {
                offered: 0,
                failed_sends: 0,
                injected_secs: 0.0,
                arrived: 0,
                last_arrival_secs: 0.0,
                sustained_per_second: 0.0,
                overall_per_second: 0.0,
                peak_lag: BTreeMap::new(),
            });
        Self {
            topology,
            topic_prefix,
            throughput,
            median_sustained_per_second: median_rate,
            rounds,
            fixed_load,
            stages,
        }
    }
}

/// The capture of the throughput rounds' input by a real fetcher (fetcher input).
#[derive(Debug, Clone, Serialize)]
pub struct CaptureReport {
    /// Items on the feed server.
    pub served: usize,
    /// Records the fetcher published.
    pub published: usize,
    pub seconds: f64,
    pub fetcher_cpu_seconds: f64,
    pub fetcher_cpu_micros_per_item: f64,
    pub polls: u64,
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
    /// The median wirefeed rate over the median ceiling rate; `None` without a ceiling run.
    pub throughput_percent_of_ceiling: Option<f64>,
    pub throughput_met: Option<bool>,
    pub enriched_p99_met: bool,
    pub alert_p99_met: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PipelineReport {
    pub scenario: &'static str,
    pub input: InputMode,
    pub broker: String,
    pub machine: Machine,
    pub kafka: KafkaReport,
    pub corpus: CorpusStats,
    pub warmup_articles: usize,
    /// Per round.
    pub throughput_articles: usize,
    pub rounds: usize,
    pub fixed_load_articles: usize,
    pub load: LoadShape,
    pub capture: Option<CaptureReport>,
    pub wirefeed: TopologyReport,
    pub ceiling: Option<TopologyReport>,
    /// wirefeed's sustained rate over the ceiling's, round by round and of the medians.
    pub ratio: RoundsRatio,
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
    /// Every figure of one run (the run's parts, as `pipeline::run` has them at the end).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        broker: String,
        kafka: KafkaConfig,
        corpus: CorpusStats,
        options: &PipelineOptions,
        fixed_load_articles: usize,
        capture: Option<CaptureReport>,
        wirefeed: TopologyReport,
        ceiling: Option<TopologyReport>,
    ) -> Self {
        let ratio = crate::pipeline::rounds_ratio(&wirefeed, ceiling.as_ref());
        let percent = ratio.of_medians_percent;
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
            input: options.input,
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
            rounds: options.rounds,
            fixed_load_articles,
            load: options.shape,
            capture,
            wirefeed,
            ceiling,
            ratio,
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
        "pipeline: input {}, broker {}, {} partitions, linger.ms {}, compression {}{}; {} \
         warm-up, {} rounds of {} articles at once (ceiling and wirefeed interleaved), then {}/s \
         {bursts} for {} s ({} articles)",
        match report.input {
            InputMode::Fetcher => "a real fetcher polling the bench's feed server",
            InputMode::Inject => "injected",
        },
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
        report.rounds,
        thousands(report.throughput_articles as f64),
        shape.rate,
        shape.secs,
        thousands(report.fixed_load_articles as f64),
    );
    if let Some(capture) = &report.capture {
        println!(
            "throughput input: {} of {} items published by the capture fetcher in {:.1} s \
             ({:.0} µs of fetcher CPU per item, {} polls); every round replays them",
            thousands(capture.published as f64),
            thousands(capture.served as f64),
            capture.seconds,
            capture.fetcher_cpu_micros_per_item,
            thousands(capture.polls as f64),
        );
    }
    let (wirefeed, ceiling) = (&report.wirefeed, report.ceiling.as_ref());
    let rate = |t: &TopologyReport| thousands(t.median_sustained_per_second);
    let rounds = |t: &TopologyReport| {
        t.rounds
            .iter()
            .map(|r| thousands(r.sustained_per_second))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let spread = match (report.ratio.min_percent, report.ratio.max_percent) {
        (Some(min), Some(max)) => format!(
            "{} (spread {min:.1} to {max:.1}%)",
            report
                .ratio
                .per_round_percent
                .iter()
                .map(|p| format!("{p:.1}%"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    };
    let rows = vec![
        row(
            "sustained articles/s, median of rounds",
            wirefeed,
            ceiling,
            rate,
            report.goals.throughput_percent_of_ceiling,
        ),
        vec![
            "  each round".to_owned(),
            rounds(wirefeed),
            ceiling.map_or("-".to_owned(), rounds),
            spread,
        ],
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
            "appeared on feed→enriched, all",
            wirefeed,
            ceiling,
            |t| {
                t.fixed_load
                    .appeared_enriched
                    .as_ref()
                    .map_or("not measured".to_owned(), latency)
            },
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
    print_phases(wirefeed);
    let verdict = |met: Option<bool>| match met {
        Some(true) => "met",
        Some(false) => "not met",
        None => "not measured",
    };
    println!(
        "goals (issue 23): throughput >= {GOAL_PERCENT_OF_CEILING:.0}% of the ceiling (median \
         of rounds): {}; at the fixed load p99 fetch→enriched <= {GOAL_ENRICHED_P99_MS:.0} ms: \
         {}; fetch→alert <= {GOAL_ALERT_P99_MS:.0} ms (issue 10): {}",
        verdict(report.goals.throughput_met),
        verdict(Some(report.goals.enriched_p99_met)),
        verdict(Some(report.goals.alert_p99_met)),
    );
}

/// One stage's CPU µs per article by phase, with their sum against the process's total.
fn phase_line(phases: &BTreeMap<String, f64>, total: f64) -> String {
    if phases.is_empty() {
        return format!("{total:.0} µs per article; phases unavailable");
    }
    let sum: f64 = phases.values().sum();
    let parts: Vec<String> = phases
        .iter()
        .map(|(phase, micros)| format!("{phase} {micros:.0}"))
        .collect();
    format!(
        "{} = {sum:.0} of {total:.0} µs per article (the rest: outside the stage loop's phases)",
        parts.join(", ")
    )
}

/// The per-phase profile of each wirefeed stage: throughput rounds, then fixed load.
pub fn print_phases(topology: &TopologyReport) {
    let available = topology
        .stages
        .iter()
        .any(|s| !s.phase_micros_per_article.is_empty());
    println!(
        "CPU µs per article by phase (wirefeed_stage_phase_cpu_seconds_total from each stage's \
         /metrics){}:",
        if available {
            ""
        } else {
            ": not exposed by this build, so the process totals only"
        }
    );
    for stage in &topology.stages {
        println!(
            "  {:<10} throughput: {}",
            stage.stage,
            phase_line(
                &stage.phase_micros_per_article,
                stage.cpu_micros_per_article
            )
        );
        println!(
            "  {:<10} fixed load: {}",
            "",
            phase_line(
                &stage.phase_micros_per_article_fixed,
                stage.cpu_micros_per_article_fixed
            )
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_lines_say_when_phases_are_missing() {
        assert_eq!(
            phase_line(&BTreeMap::new(), 240.4),
            "240 µs per article; phases unavailable"
        );
        let phases = BTreeMap::from([("core".to_owned(), 150.0), ("decode".to_owned(), 40.0)]);
        assert!(phase_line(&phases, 240.0).starts_with("core 150, decode 40 = 190 of 240"));
    }
}
