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
