//! `wirefeed-bench`: whole-component performance figures of wirefeed, each scenario printing a
//! table and writing its figures as JSON (`--json FILE`). Measurement, not product: the
//! production binaries never link this crate.
//!
//! - `core` ([`core`]): the normalizer and enricher cores (dedup and tagging on) in one
//!   thread over a corpus made from Reuters-21578 ([`wire_corpus::raw_items`]), and the Python baseline
//!   (`bench/baselines/core.py`) on the same corpus in the same run ([`baseline`]);
//! - `fetch` ([`fetch`]): the fetcher's real polling code against 10,000 feeds served by
//!   a local HTTP server started in the same process ([`feeds`]);
//! - `pipeline` ([`pipeline`]): a real fetcher polling a local feed server of the corpus
//!   ([`corpus_feeds`]) and the stages as separate processes over a real Kafka broker
//!   ([`topology`], [`kafka_io`]), with the Kafka ceiling (`wirefeed-bench copy` processes copying the
//!   same messages through the same topics) interleaved in the same run; the offered-load
//!   schedule, the quantiles and the rounds' ratio are pure ([`load`]), the stages' per-phase
//!   CPU comes from their `/metrics` ([`metrics`]), the figures and their table in [`report`].
//!
//! - `archive` ([`archive`]): the desk's tantivy archive at 100k and 1M articles made from
//!   Reuters-21578: indexing rate, disk bytes per article, search latency of typical desk
//!   queries, commit time and freshness, against a linear scan with the query language in the
//!   same run; then the web desk's pages over the same index ([`pages`]).
//!
//! - `stages` ([`stages`]): the normalizer and enricher stage loops in one process on the
//!   in-process bus, without and with worker threads (`stage.workers`).
//!
//! `all` ([`all`]) runs them all in one go and sets the figures against the goals.
//!
//! Memory and CPU figures come from `/proc/self` ([`proc`]). The binary's `commands` parse
//! each scenario's flags and call these modules. No delivery guarantee applies: the bench
//! offers its own corpus and counts what arrives.

pub mod all;
pub mod archive;
pub mod baseline;
pub mod core;
pub mod corpus_feeds;
pub mod feeds;
pub mod fetch;
pub mod heap;
pub mod kafka_io;
pub mod load;
pub mod metrics;
pub mod pages;
pub mod pipeline;
pub mod proc;
pub mod report;
pub mod stages;
pub mod topology;

use anyhow::Context as _;
use std::path::Path;

/// Reads Reuters-21578 from `reuters` (the `reut2-*.sgm` directory).
pub fn load_reuters(reuters: &Path) -> anyhow::Result<Vec<wire_datasets::reuters::Document>> {
    wire_datasets::reuters::load(reuters)
        .with_context(|| format!("failed to read Reuters-21578 from {}", reuters.display()))
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
