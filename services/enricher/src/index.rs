//! The window of recently seen articles: exact lookups by uri and content hash, and an LSH index
//! over MinHash signatures so near-duplicate candidates are found without scanning.
//!
//! Memory per article: the signature (96 × 4 bytes), up to 192 key tokens (4 bytes each),
//! paragraph fingerprints, ids, and 32 bucket entries. `cargo bench -p wirefeed-enricher --bench dedup` measures the
//! bytes per article (about 2.8 KB, see BENCHMARKS.md).

use crate::minhash;
use crate::postings::Postings;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use wire_model::FamilyId;

/// What the index keeps of one article (also its persisted form in the state store).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub uri: String,
    pub family: FamilyId,
    pub source: String,
    /// From a configured agency source.
    pub agency: bool,
    pub content_hash: String,
    /// Content hashes of the item's earlier versions (same uri), newest last, at most
    /// [`EARLIER_VERSIONS_KEPT`]: a late re-send of an old version is a re-send, not a new
    /// version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_hashes: Vec<String>,
    pub version_seq: u32,
    pub is_original: bool,
    /// The original this article duplicates (none for originals and their versions).
    pub duplicate_of: Option<String>,
    pub signature: Vec<u32>,
    pub shingle_count: u32,
    pub key_tokens: Vec<u32>,
    pub headline_hash: u32,
    pub paragraphs: Vec<u32>,
    pub urgency: Option<u8>,
    pub canceled: bool,
    /// `firstCreated` in seconds since the epoch.
    pub first_created: i64,
    /// When it entered the index (seconds since the epoch), for the window.
    pub indexed_at: i64,
    /// Too short for near-duplicate matching (indexed for exact matches only).
    pub exact_only: bool,
    /// The event cluster (`wire.story`).
    #[serde(default)]
    pub story: Option<String>,
}

/// How many earlier versions' content hashes an entry keeps.
pub const EARLIER_VERSIONS_KEPT: usize = 16;

type Slot = u32;

/// The index.
#[derive(Debug, Default)]
pub struct Index {
    entries: HashMap<Slot, Entry>,
    by_uri: HashMap<String, Slot>,
    by_content: HashMap<String, Slot>,
    buckets: Postings<u64>,
    /// Insertion order with the time of insertion, for eviction.
    order: VecDeque<(i64, Slot)>,
    next_slot: Slot,
}

impl Index {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn by_uri(&self, uri: &str) -> Option<&Entry> {
        self.by_uri.get(uri).and_then(|slot| self.entries.get(slot))
    }

    pub fn by_content(&self, content_hash: &str) -> Option<&Entry> {
        self.by_content
            .get(content_hash)
            .and_then(|slot| self.entries.get(slot))
    }

    /// Entries sharing at least one LSH band with `signature` (each once).
    pub fn candidates(&self, signature: &[u32]) -> Vec<&Entry> {
        let mut slots: Vec<Slot> = minhash::band_keys(signature)
            .iter()
            .flat_map(|key| self.buckets.get(key))
            .copied()
            .collect();
        slots.sort_unstable();
        slots.dedup();
        slots
            .iter()
            .filter_map(|slot| self.entries.get(slot))
            .filter(|entry| !entry.exact_only)
            .collect()
    }

    /// Adds `entry`, or replaces the entry with the same uri (a new version).
    pub fn upsert(&mut self, entry: Entry) {
        if let Some(slot) = self.by_uri.get(&entry.uri).copied() {
            self.remove_slot(slot);
        }
        let slot = self.next_slot;
        self.next_slot = self.next_slot.wrapping_add(1);
        if !entry.exact_only {
            for key in minhash::band_keys(&entry.signature) {
                self.buckets.insert(key, slot);
            }
        }
        self.by_uri.insert(entry.uri.clone(), slot);
        self.by_content
            .entry(entry.content_hash.clone())
            .or_insert(slot);
        self.order.push_back((entry.indexed_at, slot));
        self.entries.insert(slot, entry);
    }

    /// Marks every member of `family` canceled (a scan: kills are rare).
    pub fn cancel_family(&mut self, family: &FamilyId) {
        for entry in self.entries.values_mut() {
            if &entry.family == family {
                entry.canceled = true;
            }
        }
    }

    /// Removes entries indexed before `oldest` (seconds) and the oldest beyond `capacity`.
    /// Returns the uris removed (to delete them from the state store).
    pub fn evict(&mut self, oldest: i64, capacity: usize) -> Vec<String> {
        let mut removed = Vec::new();
        while let Some(&(indexed_at, slot)) = self.order.front() {
            let live = self.entries.contains_key(&slot);
            if live && indexed_at >= oldest && self.entries.len() <= capacity {
                break;
            }
            self.order.pop_front();
            if live && let Some(entry) = self.remove_slot(slot) {
                removed.push(entry.uri);
            }
        }
        removed
    }

    fn remove_slot(&mut self, slot: Slot) -> Option<Entry> {
        let entry = self.entries.remove(&slot)?;
        if !entry.exact_only {
            for key in minhash::band_keys(&entry.signature) {
                self.buckets.remove(key, slot);
            }
        }
        if self.by_uri.get(&entry.uri) == Some(&slot) {
            self.by_uri.remove(&entry.uri);
        }
        if self.by_content.get(&entry.content_hash) == Some(&slot) {
            self.by_content.remove(&entry.content_hash);
        }
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(uri: &str, hash: &str, indexed_at: i64, signature: Vec<u32>) -> Entry {
        Entry {
            uri: uri.to_owned(),
            family: FamilyId::new(format!("f:{uri}")),
            source: "s".to_owned(),
            agency: false,
            content_hash: hash.to_owned(),
            earlier_hashes: Vec::new(),
            version_seq: 1,
            is_original: true,
            duplicate_of: None,
            signature,
            shingle_count: 10,
            key_tokens: Vec::new(),
            headline_hash: 0,
            paragraphs: Vec::new(),
            urgency: None,
            canceled: false,
            first_created: 0,
            indexed_at,
            exact_only: false,
            story: None,
        }
    }

    #[test]
    fn lookups_candidates_replacement_and_eviction() {
        let mut index = Index::default();
        let signature: Vec<u32> = (0..minhash::HASHES as u32).collect();
        let mut other_signature = signature.clone();
        other_signature.iter_mut().for_each(|v| *v += 1000);
        index.upsert(entry("a", "h1", 10, signature.clone()));
        index.upsert(entry("b", "h2", 20, other_signature));
        assert_eq!(
            index.by_uri("a").map(|e| e.content_hash.as_str()),
            Some("h1")
        );
        assert_eq!(index.by_content("h2").map(|e| e.uri.as_str()), Some("b"));
        let candidates: Vec<&str> = index
            .candidates(&signature)
            .iter()
            .map(|e| e.uri.as_str())
            .collect();
        assert_eq!(candidates, ["a"]);

        // A new version replaces the old entry.
        index.upsert(entry("a", "h3", 30, signature.clone()));
        assert_eq!(index.len(), 2);
        assert!(index.by_content("h1").is_none());
        assert_eq!(index.candidates(&signature).len(), 1);

        // "b" is older than the window; then capacity 0 removes the rest.
        assert_eq!(index.evict(25, 10), ["b"]);
        assert_eq!(index.evict(0, 0), ["a"]);
        assert!(index.is_empty());
        assert!(index.candidates(&signature).is_empty());
    }
}
