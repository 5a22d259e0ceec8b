//! Digest scheduling, as pure logic driven by explicit timestamps: a digest subscription's
//! alerts are collected and come out of [`Digest::due`] as one batch per period. Periods are
//! aligned to the Unix epoch (`every_minutes = 60` ends on the hour, UTC), so a restart does
//! not shift them. Digests are held in memory only: a crash loses the open period's digest
//! (the alerts themselves stay in `wire.alerts.v1`).

use crate::throttle::Batch;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;

/// The end of the period of `every_minutes` that holds `now` (strictly after `now`).
pub fn period_end(now: DateTime<Utc>, every_minutes: u32) -> DateTime<Utc> {
    let period = i64::from(every_minutes.max(1)) * 60;
    let seconds = now.timestamp();
    let end = (seconds.div_euclid(period) + 1) * period;
    now + TimeDelta::seconds(end - seconds)
        - TimeDelta::nanoseconds(i64::from(now.timestamp_subsec_nanos()))
}

struct Open<T> {
    due: DateTime<Utc>,
    batch: Batch<T>,
}

/// Open digests per key.
pub struct Digest<T> {
    open: HashMap<String, Open<T>>,
}

impl<T> Default for Digest<T> {
    fn default() -> Self {
        Self {
            open: HashMap::new(),
        }
    }
}

impl<T> Digest<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `item` to the digest of `key` for the period holding `now`.
    pub fn offer(&mut self, key: &str, every_minutes: u32, item: T, now: DateTime<Utc>) {
        self.open
            .entry(key.to_owned())
            .or_insert_with(|| Open {
                due: period_end(now, every_minutes),
                batch: Batch::new(key.to_owned()),
            })
            .batch
            .push(item);
    }

    /// The digests whose period has ended by `now`.
    pub fn due(&mut self, now: DateTime<Utc>) -> Vec<Batch<T>> {
        let mut due = Vec::new();
        self.open.retain(|key, open| {
            if now < open.due {
                return true;
            }
            due.push(std::mem::replace(&mut open.batch, Batch::new(key.clone())));
            false
        });
        due.sort_by(|a, b| a.key.cmp(&b.key));
        due
    }

    /// Items waiting in open digests.
    pub fn held(&self) -> usize {
        self.open.values().map(|o| o.batch.items.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn periods_are_aligned_to_the_epoch() {
        assert_eq!(
            period_end(utc("2026-12-02T05:31:10.5Z"), 60),
            utc("2026-12-02T06:00:00Z")
        );
        assert_eq!(
            period_end(utc("2026-12-02T05:30:00Z"), 15),
            utc("2026-12-02T05:45:00Z")
        );
        assert_eq!(
            period_end(utc("2026-12-02T05:31:00Z"), 0),
            utc("2026-12-02T05:32:00Z")
        );
    }

    #[test]
    fn a_period_collects_its_alerts_into_one_batch() {
        let mut digest = Digest::new();
        digest.offer("desk", 15, "a", utc("2026-12-02T05:31:00Z"));
        digest.offer("desk", 15, "b", utc("2026-12-02T05:44:59Z"));
        digest.offer("other", 60, "c", utc("2026-12-02T05:40:00Z"));
        assert!(digest.due(utc("2026-12-02T05:44:59Z")).is_empty());
        let due = digest.due(utc("2026-12-02T05:45:00Z"));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key, "desk");
        assert_eq!(due[0].items, vec!["a", "b"]);
        assert_eq!(digest.held(), 1);
        // The next alert opens the next period.
        digest.offer("desk", 15, "d", utc("2026-12-02T05:46:00Z"));
        let due = digest.due(utc("2026-12-02T06:00:00Z"));
        assert_eq!(due.len(), 2);
        assert_eq!(due[0].items, vec!["d"]);
        assert_eq!(due[1].items, vec!["c"]);
        assert_eq!(digest.held(), 0);
    }
}
