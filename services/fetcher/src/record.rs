//! What the fetcher remembers about a source between polls and across restarts (saved in the
//! state store after every poll), and the health it reports at `GET /sources`.

use crate::http::Validators;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The health of one source, as `GET /sources` shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceStatus {
    pub id: String,
    /// `http` or `dir`.
    pub kind: String,
    /// The URL or folder.
    pub target: String,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_new_item_at: Option<DateTime<Utc>>,
    pub consecutive_errors: u32,
    pub last_error_class: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub next_poll_at: Option<DateTime<Utc>>,
    /// Items whose hashes are remembered now.
    pub items_seen: usize,
    pub items_published_total: u64,
    pub polls_total: u64,
    pub not_modified_total: u64,
    pub possible_misses_total: u64,
    /// No new item for longer than the source's idle alarm.
    pub idle: bool,
    /// Where a permanent redirect moved the source.
    pub effective_url: Option<String>,
    /// Whether conditional GET is in use (off when configured off or found unreliable).
    pub conditional_get: bool,
    /// Items published per clock hour over the last 24 hours, oldest first (hours without
    /// items left out): what the desk's sources page charts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub published_by_hour: Vec<HourCount>,
}

/// Items published in the clock hour starting at `hour`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourCount {
    pub hour: DateTime<Utc>,
    pub items: u64,
}

/// How many hours [`SourceStatus::published_by_hour`] keeps.
pub const HOURS_KEPT: i64 = 24;

impl SourceStatus {
    /// Counts `items` published at `now` in its clock hour, and forgets hours more than
    /// [`HOURS_KEPT`] old.
    pub fn count_published(&mut self, items: u64, now: DateTime<Utc>) {
        let hour = now
            - chrono::Duration::seconds(now.timestamp().rem_euclid(3_600))
            - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos()));
        self.forget_hours_before(now);
        if items == 0 {
            return;
        }
        match self.published_by_hour.last_mut() {
            Some(last) if last.hour == hour => last.items += items,
            _ => self.published_by_hour.push(HourCount { hour, items }),
        }
    }

    /// Drops the hours that ended more than [`HOURS_KEPT`] hours before `now`.
    pub fn forget_hours_before(&mut self, now: DateTime<Utc>) {
        let oldest = now - chrono::Duration::hours(HOURS_KEPT);
        self.published_by_hour
            .retain(|count| count.hour + chrono::Duration::hours(1) > oldest);
    }
}

/// A remembered item: the hash of its last published version and when it was last seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub hash: String,
    pub seen: u64,
}

/// Everything kept per source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    pub status: SourceStatus,
    pub validators: Validators,
    /// Set when the server's validators proved stale (a 304 while the content had changed).
    pub conditional_get_unreliable: bool,
    pub permanent_url: Option<String>,
    /// Item identity → last published version.
    pub published: HashMap<String, Remembered>,
    /// (title, link) → identity: recognises an item whose guid rotates.
    pub aliases: HashMap<String, String>,
    /// Identities in the last successful document (for possible-miss detection).
    pub last_identities: Vec<String>,
    /// Consecutive polls answered 304 since the last full fetch.
    pub not_modified_streak: u32,
    /// A counter that orders remembered items by recency.
    pub clock: u64,
    /// Drop folders: file path → (size, modification time in ms) of what was read.
    pub file_stamps: HashMap<String, (u64, i64)>,
}

impl SourceRecord {
    /// The identity an item is remembered under: its own, or, when its guid rotated, the
    /// identity it had before (found through its title and link).
    pub fn resolve_identity(&self, identity: &str, alias_key: Option<&str>) -> String {
        if self.published.contains_key(identity) {
            return identity.to_owned();
        }
        alias_key
            .and_then(|key| self.aliases.get(key))
            .filter(|known| self.published.contains_key(*known))
            .cloned()
            .unwrap_or_else(|| identity.to_owned())
    }

    /// Remembers that `identity` was published with `hash`.
    pub fn remember(&mut self, identity: &str, hash: &str, alias_key: Option<&str>) {
        self.clock += 1;
        self.published.insert(
            identity.to_owned(),
            Remembered {
                hash: hash.to_owned(),
                seen: self.clock,
            },
        );
        if let Some(key) = alias_key {
            self.aliases.insert(key.to_owned(), identity.to_owned());
        }
    }

    /// Marks `identity` as still present (so it is not forgotten while the feed carries it).
    pub fn touch(&mut self, identity: &str) {
        self.clock += 1;
        if let Some(remembered) = self.published.get_mut(identity) {
            remembered.seen = self.clock;
        }
    }

    /// Forgets the least recently seen items beyond `limit` (down to 90 % of it).
    pub fn prune(&mut self, limit: usize) {
        if self.published.len() <= limit {
            return;
        }
        let keep = limit * 9 / 10;
        let mut by_age: Vec<(u64, String)> = self
            .published
            .iter()
            .map(|(identity, remembered)| (remembered.seen, identity.clone()))
            .collect();
        by_age.sort_unstable();
        for (_, identity) in by_age.iter().take(self.published.len() - keep) {
            self.published.remove(identity);
        }
        let live: HashSet<&String> = self.published.keys().collect();
        self.aliases.retain(|_, identity| live.contains(identity));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_guid_resolves_to_the_identity_remembered_for_its_title_and_link() {
        let mut record = SourceRecord::default();
        record.remember("guid-1", "h", Some("title|link"));
        assert_eq!(
            record.resolve_identity("guid-1", Some("title|link")),
            "guid-1"
        );
        assert_eq!(
            record.resolve_identity("guid-2", Some("title|link")),
            "guid-1"
        );
        assert_eq!(
            record.resolve_identity("guid-3", Some("other|link")),
            "guid-3"
        );
    }

    #[test]
    fn pruning_forgets_the_least_recently_seen() {
        let mut record = SourceRecord::default();
        for n in 0..20 {
            record.remember(&format!("i{n}"), "h", Some(&format!("k{n}")));
        }
        record.touch("i0");
        record.prune(10);
        assert_eq!(record.published.len(), 9);
        assert!(record.published.contains_key("i0"), "recently seen is kept");
        assert!(!record.published.contains_key("i1"));
        assert_eq!(record.aliases.len(), 9);
    }
}

#[cfg(test)]
mod hour_tests {
    use super::*;
    use chrono::TimeZone as _;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, hour, minute, 30)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn items_are_counted_per_clock_hour_and_old_hours_forgotten() {
        let mut status = SourceStatus::default();
        status.count_published(2, at(9, 5));
        status.count_published(3, at(9, 59));
        status.count_published(0, at(10, 1));
        status.count_published(1, at(10, 2));
        let counts: Vec<(u32, u64)> = status
            .published_by_hour
            .iter()
            .map(|c| (chrono::Timelike::hour(&c.hour), c.items))
            .collect();
        assert_eq!(counts, vec![(9, 5), (10, 1)]);
        // A day later the 9 o'clock hour has left the window, the 10 o'clock one not yet.
        status.forget_hours_before(
            at(9, 30) + chrono::Duration::hours(24) + chrono::Duration::minutes(40),
        );
        assert_eq!(status.published_by_hour.len(), 1);
        assert_eq!(status.published_by_hour[0].items, 1);
    }
}
