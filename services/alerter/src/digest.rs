//! Digest scheduling, as pure logic driven by explicit timestamps: a digest subscription's
//! alerts are collected and come out of [`Digest::due`] as one batch per period.
//!
//! A [`Schedule`] is either a period (`every_minutes`, aligned to the Unix epoch, so
//! `every_minutes = 60` ends on the hour UTC and a restart does not shift it) or set times of
//! day in a time zone (`at = ["07:00", "16:30"]`, `time_zone = "Europe/Berlin"`), which follow
//! daylight saving time: a set time that does not exist on a day (the hour skipped in spring)
//! is sent at the first instant after the gap, one that occurs twice (autumn) at the first.

use crate::throttle::{Batch, Batched};
use chrono::{DateTime, Days, LocalResult, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// When a digest subscription's batches go out.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// Every N minutes, aligned to the epoch.
    Every(u32),
    /// At these times of day (sorted, not empty) in `zone`.
    At { times: Vec<NaiveTime>, zone: Tz },
}

impl Schedule {
    /// The first due time strictly after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Self::Every(minutes) => period_end(now, *minutes),
            Self::At { times, zone } => next_set_time(now, times, *zone),
        }
    }
}

/// The end of the period of `every_minutes` that holds `now` (strictly after `now`).
pub fn period_end(now: DateTime<Utc>, every_minutes: u32) -> DateTime<Utc> {
    let period = i64::from(every_minutes.max(1)) * 60;
    let seconds = now.timestamp();
    let end = (seconds.div_euclid(period) + 1) * period;
    now + TimeDelta::seconds(end - seconds)
        - TimeDelta::nanoseconds(i64::from(now.timestamp_subsec_nanos()))
}

fn next_set_time(now: DateTime<Utc>, times: &[NaiveTime], zone: Tz) -> DateTime<Utc> {
    let today = now.with_timezone(&zone).date_naive();
    // Yesterday too: a time late in a day can fall after `now` when the zone is behind UTC.
    for offset in 0..=2u64 {
        let Some(day) = today
            .checked_sub_days(Days::new(1))
            .and_then(|d| d.checked_add_days(Days::new(offset)))
        else {
            continue;
        };
        for time in times {
            let instant = local_instant(zone, day.and_time(*time));
            if instant > now {
                return instant;
            }
        }
    }
    // No set time (validation forbids it): fall back to a daily digest.
    period_end(now, 1440)
}

/// The instant of a wall-clock time in `zone`: the earlier one when it occurs twice, the end
/// of the gap when it does not occur.
fn local_instant(zone: Tz, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..=24 * 4 {
        match zone.from_local_datetime(&probe) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => {
                return at.with_timezone(&Utc);
            }
            LocalResult::None => probe += TimeDelta::minutes(15),
        }
    }
    Utc.from_utc_datetime(&local)
}

struct Open<T> {
    due: DateTime<Utc>,
    batch: Batch<T>,
}

/// Open digests per key.
pub struct Digest<T> {
    open: HashMap<String, Open<T>>,
}

impl<T: Batched> Default for Digest<T> {
    fn default() -> Self {
        Self {
            open: HashMap::new(),
        }
    }
}

impl<T: Batched> Digest<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `item`, received at `at`, to the open digest of `key` (opening one due at the
    /// schedule's next time after `at`).
    pub fn offer(&mut self, key: &str, schedule: &Schedule, item: T, at: DateTime<Utc>) {
        self.open
            .entry(key.to_owned())
            .or_insert_with(|| Open {
                due: schedule.next_after(at),
                batch: Batch::new(key.to_owned()),
            })
            .batch
            .push(item);
    }

    /// The digests due by `now`.
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

    impl Batched for &str {
        fn trimmed(self) -> Self {
            self
        }
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn at(times: &[&str], zone: Tz) -> Schedule {
        Schedule::At {
            times: times
                .iter()
                .filter_map(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
                .collect(),
            zone,
        }
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
    fn set_times_are_wall_clock_times_in_the_zone() {
        let berlin = at(&["07:00", "16:30"], chrono_tz::Europe::Berlin);
        // 05:31 UTC is 06:31 in Berlin (CET, UTC+1): next is 07:00 CET = 06:00 UTC.
        assert_eq!(
            berlin.next_after(utc("2026-12-02T05:31:00Z")),
            utc("2026-12-02T06:00:00Z")
        );
        // Exactly at a set time: the next one.
        assert_eq!(
            berlin.next_after(utc("2026-12-02T06:00:00Z")),
            utc("2026-12-02T15:30:00Z")
        );
        // After the last one of the day: tomorrow's first.
        assert_eq!(
            berlin.next_after(utc("2026-12-02T20:00:00Z")),
            utc("2026-12-03T06:00:00Z")
        );
        // In summer Berlin is UTC+2.
        assert_eq!(
            berlin.next_after(utc("2026-07-01T04:00:00Z")),
            utc("2026-07-01T05:00:00Z")
        );
        // A zone behind UTC whose local date is still yesterday.
        let new_york = at(&["22:00"], chrono_tz::America::New_York);
        assert_eq!(
            new_york.next_after(utc("2026-12-03T01:00:00Z")),
            utc("2026-12-03T03:00:00Z")
        );
    }

    #[test]
    fn daylight_saving_gaps_and_repeats_are_handled() {
        // 2027-03-28: Berlin skips 02:00-03:00. A 02:30 digest goes out at 03:00 CEST.
        let skipped = at(&["02:30"], chrono_tz::Europe::Berlin);
        assert_eq!(
            skipped.next_after(utc("2027-03-27T23:00:00Z")),
            utc("2027-03-28T01:00:00Z")
        );
        // 2026-10-25: Berlin has 02:30 twice; the first (CEST, 00:30 UTC) counts.
        let repeated = at(&["02:30"], chrono_tz::Europe::Berlin);
        assert_eq!(
            repeated.next_after(utc("2026-10-24T23:00:00Z")),
            utc("2026-10-25T00:30:00Z")
        );
    }

    #[test]
    fn a_period_collects_its_alerts_into_one_batch() {
        let mut digest = Digest::new();
        let quarter = Schedule::Every(15);
        let hourly = Schedule::Every(60);
        digest.offer("desk", &quarter, "a", utc("2026-12-02T05:31:00Z"));
        digest.offer("desk", &quarter, "b", utc("2026-12-02T05:44:59Z"));
        digest.offer("other", &hourly, "c", utc("2026-12-02T05:40:00Z"));
        assert!(digest.due(utc("2026-12-02T05:44:59Z")).is_empty());
        let due = digest.due(utc("2026-12-02T05:45:00Z"));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key, "desk");
        assert_eq!(due[0].items, vec!["a", "b"]);
        assert_eq!(digest.held(), 1);
        // The next alert opens the next period.
        digest.offer("desk", &quarter, "d", utc("2026-12-02T05:46:00Z"));
        let due = digest.due(utc("2026-12-02T06:00:00Z"));
        assert_eq!(due.len(), 2);
        assert_eq!(due[0].items, vec!["d"]);
        assert_eq!(due[1].items, vec!["c"]);
        assert_eq!(digest.held(), 0);
    }

    #[test]
    fn an_alert_held_before_a_restart_is_due_at_its_own_period_end() {
        // Restored with the time it was first held: its period has ended, so it is due now.
        let mut digest = Digest::new();
        digest.offer(
            "desk",
            &Schedule::Every(60),
            "a",
            utc("2026-12-02T05:10:00Z"),
        );
        assert_eq!(digest.due(utc("2026-12-02T06:20:00Z"))[0].items, vec!["a"]);
    }
}
