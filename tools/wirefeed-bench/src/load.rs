//! The pure parts of `bench pipeline`: the offered-load schedule (a steady rate with periodic
//! bursts), latency quantiles, the sustained rate of a series of arrivals, and the ratio of
//! interleaved rounds (wirefeed over the ceiling). No IO, no clock.

use serde::Serialize;
use std::time::Duration;

/// A steady `rate` (articles/s) with bursts of `rate × burst_factor` for `burst_secs` seconds
/// every `burst_every_secs` seconds, starting in the middle of each period (seconds 5, 15,
/// 25, ... for a period of 10), for `secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoadShape {
    pub rate: f64,
    pub burst_factor: f64,
    pub burst_secs: u64,
    pub burst_every_secs: u64,
    pub secs: u64,
}

impl LoadShape {
    /// Whether second `second` (from 0) of the run is a burst second.
    pub fn is_burst(&self, second: u64) -> bool {
        if self.burst_every_secs == 0 || self.burst_secs == 0 || self.burst_factor <= 1.0 {
            return false;
        }
        let in_period = second % self.burst_every_secs;
        let first = self.burst_every_secs / 2;
        in_period >= first && in_period < first + self.burst_secs
    }

    /// The offered rate in second `second`.
    pub fn rate_at(&self, second: u64) -> f64 {
        if self.is_burst(second) {
            self.rate * self.burst_factor
        } else {
            self.rate
        }
    }

    /// When each article is offered, from the start of the run: evenly spaced within each
    /// second at that second's rate.
    pub fn schedule(&self) -> Vec<Duration> {
        let mut offsets = Vec::new();
        for second in 0..self.secs {
            let count = self.rate_at(second).round().max(0.0) as usize;
            for i in 0..count {
                offsets.push(Duration::from_secs_f64(
                    second as f64 + i as f64 / count as f64,
                ));
            }
        }
        offsets
    }
}

/// Quantiles of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LatencySummary {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl LatencySummary {
    /// The summary of `latencies` (in any order); all zero when empty.
    pub fn of(latencies: &[Duration]) -> Self {
        if latencies.is_empty() {
            return Self::default();
        }
        let mut sorted: Vec<Duration> = latencies.to_vec();
        sorted.sort_unstable();
        let at = |quantile: f64| {
            let rank = ((sorted.len() as f64 * quantile).ceil() as usize).clamp(1, sorted.len());
            sorted[rank - 1].as_secs_f64() * 1e3
        };
        let total: f64 = sorted.iter().map(Duration::as_secs_f64).sum();
        Self {
            count: sorted.len(),
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: at(1.0),
            mean_ms: total / sorted.len() as f64 * 1e3,
        }
    }
}

/// Arrivals per second between the 10th and the 90th percentile of `arrivals` (seconds from
/// the start, in any order): the steady rate, without the ramp-up of the first records and the
/// tail of the last. `None` with fewer than 10 arrivals or no time between those two.
pub fn sustained_rate(arrivals: &[f64]) -> Option<f64> {
    if arrivals.len() < 10 {
        return None;
    }
    let mut sorted = arrivals.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let low = sorted.len() / 10;
    let high = sorted.len() * 9 / 10;
    let span = sorted[high] - sorted[low];
    (span > 0.0).then(|| (high - low) as f64 / span)
}

/// The median of `values` (the mean of the middle two for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_unstable_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    })
}

/// wirefeed's sustained rate against the ceiling's over interleaved rounds (ceiling, wirefeed,
/// ceiling, wirefeed, ...), in percent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RoundsRatio {
    /// Each round's wirefeed rate over the same round's ceiling rate (adjacent pairs).
    pub per_round_percent: Vec<f64>,
    /// The median wirefeed rate over the median ceiling rate: the figure the goal is read on.
    pub of_medians_percent: Option<f64>,
    /// The lowest and highest of `per_round_percent`.
    pub min_percent: Option<f64>,
    pub max_percent: Option<f64>,
}

impl RoundsRatio {
    /// The ratios of `wirefeed` and `ceiling` rates, round by round (a round where either is
    /// missing or the ceiling is zero has no pair ratio).
    pub fn of(wirefeed: &[f64], ceiling: &[f64]) -> Self {
        let per_round_percent: Vec<f64> = wirefeed
            .iter()
            .zip(ceiling)
            .filter(|(_, c)| **c > 0.0)
            .map(|(w, c)| w / c * 100.0)
            .collect();
        let of_medians_percent = match (median(wirefeed), median(ceiling)) {
            (Some(w), Some(c)) if c > 0.0 => Some(w / c * 100.0),
            _ => None,
        };
        let min_percent = per_round_percent.iter().copied().reduce(f64::min);
        let max_percent = per_round_percent.iter().copied().reduce(f64::max);
        Self {
            per_round_percent,
            of_medians_percent,
            min_percent,
            max_percent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(secs: u64) -> LoadShape {
        LoadShape {
            rate: 200.0,
            burst_factor: 10.0,
            burst_secs: 1,
            burst_every_secs: 10,
            secs,
        }
    }

    #[test]
    fn bursts_come_in_the_middle_of_each_period() {
        let shape = shape(30);
        let bursts: Vec<u64> = (0..30).filter(|s| shape.is_burst(*s)).collect();
        assert_eq!(bursts, vec![5, 15, 25]);
        let schedule = shape.schedule();
        assert_eq!(schedule.len(), 27 * 200 + 3 * 2000);
        assert!(schedule.windows(2).all(|w| w[0] <= w[1]));
        let in_burst = schedule
            .iter()
            .filter(|d| shape.is_burst(d.as_secs()))
            .count();
        assert_eq!(in_burst, 6000);
    }

    #[test]
    fn no_burst_without_a_factor_above_one() {
        let steady = LoadShape {
            burst_factor: 1.0,
            ..shape(10)
        };
        assert!((0..10).all(|s| !steady.is_burst(s)));
        assert_eq!(steady.schedule().len(), 2000);
    }

    #[test]
    fn latency_quantiles_are_ranks_of_the_sorted_values() {
        let latencies: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let summary = LatencySummary::of(&latencies);
        assert_eq!(summary.count, 100);
        assert_eq!(summary.p50_ms, 50.0);
        assert_eq!(summary.p99_ms, 99.0);
        assert_eq!(summary.max_ms, 100.0);
        assert!((summary.mean_ms - 50.5).abs() < 1e-9);
        assert_eq!(LatencySummary::of(&[]), LatencySummary::default());
    }

    #[test]
    fn the_sustained_rate_ignores_the_ramp_and_the_tail() {
        // 100 arrivals at 50/s, then a straggler 10 s later.
        let mut arrivals: Vec<f64> = (0..100).map(|i| i as f64 / 50.0).collect();
        arrivals.push(12.0);
        let rate = sustained_rate(&arrivals).unwrap_or_default();
        assert!((rate - 50.0).abs() < 1.0, "{rate}");
        assert_eq!(sustained_rate(&[1.0, 2.0]), None);
    }

    #[test]
    fn medians_and_round_ratios() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        // Three rounds of the issue-23 swing: the ceiling moves more than wirefeed.
        let wirefeed = [1508.0, 1386.0, 1450.0];
        let ceiling = [12883.0, 8900.0, 4680.0];
        let ratio = RoundsRatio::of(&wirefeed, &ceiling);
        assert_eq!(ratio.per_round_percent.len(), 3);
        assert!((ratio.per_round_percent[0] - 11.705).abs() < 0.01);
        assert!(
            (ratio.of_medians_percent.unwrap_or_default() - 1450.0 / 8900.0 * 100.0).abs() < 1e-9
        );
        assert!((ratio.min_percent.unwrap_or_default() - 1508.0 / 12883.0 * 100.0).abs() < 1e-9);
        assert!((ratio.max_percent.unwrap_or_default() - 1450.0 / 4680.0 * 100.0).abs() < 1e-9);
        let empty = RoundsRatio::of(&[100.0], &[0.0]);
        assert!(empty.per_round_percent.is_empty() && empty.of_medians_percent.is_none());
    }
}
