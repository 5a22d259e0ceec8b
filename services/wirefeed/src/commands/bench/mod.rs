//! `wirefeed bench`: whole-component performance figures, each scenario printing a table and
//! writing its figures as JSON (`--json FILE`).
//!
//! - `bench core` ([`core`]): the normalizer and enricher cores (dedup and tagging on) in one
//!   thread over a corpus made from Reuters-21578 ([`corpus`]), and the Python baseline
//!   (`bench/baselines/core.py`) on the same corpus in the same run ([`baseline`]);
//! - `bench fetch` ([`fetch`]): the fetcher's real polling code against 10,000 feeds served by
//!   a local HTTP server started in the same process ([`feeds`]);
//! - `bench pipeline` ([`pipeline`]): the stages as separate processes over a real Kafka broker
//!   ([`topology`], [`kafka_io`]), with the Kafka ceiling (`bench copy` processes copying the
//!   same messages through the same topics) in the same run; the offered-load schedule and
//!   the quantiles are pure ([`load`]), the figures and their table in [`report`].
//!
//! `bench all` ([`all`]) runs them all in one go and sets the figures against the goals.
//!
//! Memory and CPU figures come from `/proc/self` ([`proc`]).

pub mod all;
pub mod baseline;
pub mod core;
pub mod corpus;
pub mod feeds;
pub mod fetch;
pub mod kafka_io;
pub mod load;
pub mod pipeline;
pub mod proc;
pub mod report;
pub mod topology;

use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;
use wire_runtime::LoadedConfig;

/// `wirefeed bench core`.
pub fn core(
    config_file: Option<&Path>,
    reuters: &Path,
    options: &core::CoreOptions,
    json: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(options.articles > 0, "--articles must be at least 1");
    let loaded = LoadedConfig::load(config_file)?;
    let normalizer = loaded.section("normalizer")?;
    let enricher = loaded.section("enricher")?;
    let documents = wire_datasets::reuters::load(reuters)
        .with_context(|| format!("failed to read Reuters-21578 from {}", reuters.display()))?;
    if options.baseline && !options.python.exists() {
        eprintln!(
            "note: no baseline Python at {}; {}",
            options.python.display(),
            baseline::SETUP_HINT
        );
    }
    let report = core::run(&documents, &normalizer, &enricher, options)?;
    core::print(&report);
    if let Some(path) = json {
        write_json(path, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `wirefeed bench core-run` (started by `bench core`).
pub fn core_child(
    config_file: Option<&Path>,
    corpus: &Path,
    items: usize,
) -> anyhow::Result<ExitCode> {
    let loaded = LoadedConfig::load(config_file)?;
    core::run_child(
        corpus,
        items,
        &loaded.section("normalizer")?,
        &loaded.section("enricher")?,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `wirefeed bench fetch`.
pub fn fetch(options: &fetch::FetchOptions, json: Option<&Path>) -> anyhow::Result<ExitCode> {
    let report = fetch::run(options)?;
    fetch::print(&report);
    if let Some(path) = json {
        write_json(path, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `wirefeed bench pipeline`.
pub async fn pipeline(
    reuters: &Path,
    options: &pipeline::PipelineOptions,
    json: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(options.articles >= 10, "--articles must be at least 10");
    anyhow::ensure!(options.shape.secs >= 1, "--secs must be at least 1");
    let documents = wire_datasets::reuters::load(reuters)
        .with_context(|| format!("failed to read Reuters-21578 from {}", reuters.display()))?;
    let report = pipeline::run(options, &documents).await?;
    report::print(&report);
    if let Some(path) = json {
        write_json(path, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `wirefeed bench all`: `core` (with `core_options`), `fetch` at a 1 s and a 60 s interval,
/// `pipeline` with bursts and steady, then the goals.
pub async fn all(
    config_file: Option<&Path>,
    reuters: &Path,
    core_options: &core::CoreOptions,
    broker: Option<String>,
    json: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    eprintln!("bench all 1/5: core, {} articles", core_options.articles);
    let loaded = LoadedConfig::load(config_file)?;
    let documents = wire_datasets::reuters::load(reuters)
        .with_context(|| format!("failed to read Reuters-21578 from {}", reuters.display()))?;
    let core = core::run(
        &documents,
        &loaded.section("normalizer")?,
        &loaded.section("enricher")?,
        core_options,
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
    let bursty = pipeline::PipelineOptions::with_defaults(broker);
    let pipeline_bursts = pipeline::run(&bursty, &documents).await?;
    report::print(&pipeline_bursts);
    eprintln!("bench all 5/5: pipeline, steady 200 articles/s");
    let mut steady = bursty.clone();
    steady.articles = 2_000;
    steady.shape.burst_factor = 1.0;
    let pipeline_steady = pipeline::run(&steady, &documents).await?;
    report::print(&pipeline_steady);
    let goals = all::goals(&core, &fetch_one_minute, &pipeline_bursts, &pipeline_steady);
    all::print_goals(&goals);
    eprintln!("bench all: {:.0} s", started.elapsed().as_secs_f64());
    if let Some(path) = json {
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

/// `wirefeed bench copy` (started by `bench pipeline`): one hop of the Kafka ceiling, a
/// process like a service (config, telemetry, admin port, signals).
pub async fn copy(
    config_file: Option<&Path>,
    group: &str,
    from: &str,
    to: &str,
) -> anyhow::Result<ExitCode> {
    let process = wire_runtime::Process::start(config_file).await?;
    let context = process.context();
    let copied = kafka_io::copy(
        context.bus.clone(),
        group,
        from,
        to,
        context.stage().max_in_flight,
        context.shutdown.clone(),
    )
    .await?;
    tracing::info!(copied, from, to, "copier stopped");
    process.finish().await?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `value` as pretty JSON to `path`.
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("failed to encode the figures")?;
    std::fs::write(path, text + "\n").with_context(|| format!("failed to write {}", path.display()))
}

/// Per-article latencies in a fixed histogram of one-microsecond buckets up to 100 ms (so
/// recording costs no memory per article), the rest counted in the last bucket.
#[derive(Debug, Clone)]
pub struct Latencies {
    buckets: Vec<u32>,
    count: u64,
}

const LATENCY_BUCKETS: usize = 100_000;

impl Default for Latencies {
    fn default() -> Self {
        Self {
            buckets: vec![0; LATENCY_BUCKETS],
            count: 0,
        }
    }
}

impl Latencies {
    pub fn record(&mut self, elapsed: std::time::Duration) {
        let micros = (elapsed.as_micros() as usize).min(LATENCY_BUCKETS - 1);
        self.buckets[micros] = self.buckets[micros].saturating_add(1);
        self.count += 1;
    }

    /// The `quantile` (0.0 to 1.0) in microseconds (the bucket's upper edge).
    pub fn quantile_micros(&self, quantile: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let wanted = ((self.count as f64 * quantile).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (micros, count) in self.buckets.iter().enumerate() {
            seen += u64::from(*count);
            if seen >= wanted {
                return micros as f64 + 1.0;
            }
        }
        LATENCY_BUCKETS as f64
    }
}

/// `1234567.8` as `1,234,568`.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Prints rows of a two- or three-column table with aligned columns.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<width$}", width = widths[i]))
            .collect();
        println!("  {}", padded.join("  ").trim_end());
    };
    line(header.to_vec());
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    );
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn latency_quantiles_come_from_the_histogram() {
        let mut latencies = Latencies::default();
        for micros in 1..=100 {
            latencies.record(Duration::from_micros(micros));
        }
        assert_eq!(latencies.quantile_micros(0.5), 51.0);
        assert_eq!(latencies.quantile_micros(0.99), 100.0);
        latencies.record(Duration::from_secs(3));
        assert_eq!(latencies.quantile_micros(1.0), LATENCY_BUCKETS as f64);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(1_234_567.8), "1,234,568");
        assert_eq!(thousands(999.0), "999");
    }
}
