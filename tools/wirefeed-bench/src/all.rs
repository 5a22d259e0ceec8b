//! `wirefeed-bench all`: every scenario one after the other on this machine, in one run, so
//! every figure of `BENCHMARKS.md` comes from the same machine state: `core` with its Python
//! baseline, `fetch` saturated (1 s interval) and at the goal's one-minute interval, `pipeline`
//! with bursts and at a steady 200 articles/s, each against its Kafka ceiling. Ends with one
//! table of every goal of issue 23 (issue 10's target beside it) and where the run lands.

use crate::core::CoreReport;
use crate::fetch::FetchReport;
use crate::report::{
    GOAL_ALERT_P99_MS, GOAL_ENRICHED_P99_MS, GOAL_PERCENT_OF_CEILING, ISSUE_10_ENRICHED_P99_MS,
    ISSUE_10_PERCENT_OF_CEILING,
};
use crate::report::{Machine, PipelineReport};
use serde::Serialize;

/// Articles per CPU second the `core` scenario aims at (issue 23; issue 10 asked 20,000).
pub const GOAL_CORE_PER_SECOND: f64 = 10_000.0;
/// How many times the Python stack's rate the `core` scenario aims at (issue 23; issue 10
/// asked 50).
pub const GOAL_CORE_SPEEDUP: f64 = 15.0;
/// Dedup index bytes per article at 100,000 (issue 23; issue 10 asked 256).
pub const GOAL_INDEX_BYTES: f64 = 400.0;
/// Feeds one fetcher core polls at a one-minute interval.
pub const GOAL_FEEDS_PER_CORE: f64 = 10_000.0;

/// Every scenario's figures.
#[derive(Debug, Serialize)]
pub struct AllReport {
    pub scenario: &'static str,
    pub machine: Machine,
    pub core: CoreReport,
    pub fetch_saturated: FetchReport,
    pub fetch_one_minute: FetchReport,
    pub pipeline_bursts: PipelineReport,
    pub pipeline_steady: PipelineReport,
    pub goals: Vec<GoalRow>,
}

/// One goal of issue 23 and the figure that answers it, with issue 10's target beside it.
#[derive(Debug, Serialize)]
pub struct GoalRow {
    pub goal: String,
    /// Issue 10's target for the same figure ("same" where issue 23 kept it).
    pub issue_10: String,
    pub measured: String,
    /// `None`: not measured in this run (a baseline missing).
    pub met: Option<bool>,
}

fn row(goal: String, issue_10: &str, measured: String, met: Option<bool>) -> GoalRow {
    GoalRow {
        goal,
        issue_10: issue_10.to_owned(),
        measured,
        met,
    }
}

/// The goal table of a finished run.
pub fn goals(
    core: &CoreReport,
    fetch_one_minute: &FetchReport,
    bursts: &PipelineReport,
    steady: &PipelineReport,
) -> Vec<GoalRow> {
    let per_core = core
        .rust
        .articles_per_cpu_second
        .unwrap_or(core.rust.articles_per_second);
    let index_bytes = core.rust.index.last().map(|point| point.bytes_per_article);
    let mut rows = vec![
        row(
            format!("core: >= {GOAL_CORE_PER_SECOND:.0} articles per CPU second"),
            "20,000",
            format!(
                "{:.0} articles per CPU second ({:.0}/s wall clock)",
                per_core, core.rust.articles_per_second
            ),
            Some(per_core >= GOAL_CORE_PER_SECOND),
        ),
        row(
            format!("core: >= {GOAL_CORE_SPEEDUP:.0}x the Python stack"),
            "50x",
            core.speedup_cpu
                .or(core.speedup)
                .map_or("no baseline".to_owned(), |s| format!("{s:.1}x")),
            core.speedup_cpu
                .or(core.speedup)
                .map(|s| s >= GOAL_CORE_SPEEDUP),
        ),
        row(
            format!("core: dedup index <= {GOAL_INDEX_BYTES:.0} bytes per article at 100,000"),
            "256",
            index_bytes.map_or("not measured".to_owned(), |b| {
                format!(
                    "{b:.0} at {} articles",
                    core.rust.index.last().map_or(0, |p| p.articles_indexed)
                )
            }),
            index_bytes.map(|b| b <= GOAL_INDEX_BYTES),
        ),
        row(
            format!("fetch: {GOAL_FEEDS_PER_CORE:.0} feeds at a one-minute interval on one core"),
            "same",
            format!(
                "{:.3} cores busy for {} feeds ({:.0} feeds per core)",
                fetch_one_minute.fetcher_cores_busy,
                fetch_one_minute.feeds,
                fetch_one_minute.feeds_per_core_at_one_minute
            ),
            Some(
                fetch_one_minute.sources_in_error == 0 && fetch_one_minute.fetcher_cores_busy < 1.0,
            ),
        ),
    ];
    for (name, report) in [("bursts", bursts), ("steady", steady)] {
        rows.push(row(
            format!(
                "pipeline ({name}): >= {GOAL_PERCENT_OF_CEILING:.0}% of the Kafka ceiling \
                 (median of rounds)"
            ),
            &format!("{ISSUE_10_PERCENT_OF_CEILING:.0}%"),
            report
                .goals
                .throughput_percent_of_ceiling
                .map_or("no ceiling".to_owned(), |p| {
                    format!(
                        "{p:.1}% ({:.0} of {:.0} articles/s; rounds {:.1} to {:.1}%)",
                        report.wirefeed.median_sustained_per_second,
                        report
                            .ceiling
                            .as_ref()
                            .map_or(0.0, |c| c.median_sustained_per_second),
                        report.ratio.min_percent.unwrap_or(p),
                        report.ratio.max_percent.unwrap_or(p),
                    )
                }),
            report.goals.throughput_met,
        ));
    }
    let enriched_p99 = |report: &PipelineReport| report.wirefeed.fixed_load.enriched.p99_ms;
    rows.push(row(
        format!("pipeline (bursts): fetch -> enriched p99 < {GOAL_ENRICHED_P99_MS:.0} ms"),
        "-",
        format!("{:.1} ms", enriched_p99(bursts)),
        Some(
            bursts.wirefeed.fixed_load.enriched.count > 0
                && enriched_p99(bursts) < GOAL_ENRICHED_P99_MS,
        ),
    ));
    rows.push(row(
        format!("pipeline (steady): fetch -> enriched p99 <= {ISSUE_10_ENRICHED_P99_MS:.0} ms"),
        "same",
        format!("{:.1} ms", enriched_p99(steady)),
        Some(
            steady.wirefeed.fixed_load.enriched.count > 0
                && enriched_p99(steady) <= ISSUE_10_ENRICHED_P99_MS,
        ),
    ));
    for (name, report) in [("bursts", bursts), ("steady", steady)] {
        rows.push(row(
            format!("pipeline ({name}): fetch -> alert p99 <= {GOAL_ALERT_P99_MS:.0} ms"),
            "same",
            format!("{:.1} ms", report.wirefeed.fixed_load.alert.p99_ms),
            Some(report.goals.alert_p99_met),
        ));
    }
    rows
}

/// Prints the goal table.
pub fn print_goals(rows: &[GoalRow]) {
    println!("\nGoals of this run:");
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let verdict = match r.met {
                Some(true) => "met",
                Some(false) => "not met",
                None => "not measured",
            };
            vec![
                r.goal.clone(),
                r.issue_10.clone(),
                r.measured.clone(),
                verdict.to_owned(),
            ]
        })
        .collect();
    crate::print_table(
        &["goal (issue 23)", "issue 10 asked", "this run", "verdict"],
        &cells,
    );
}
