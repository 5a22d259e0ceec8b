//! The window of recently seen articles: exact lookups by uri and content hash, and an LSH index
//! over MinHash signatures so near-duplicate candidates are found without scanning.
//!
//! [`Entry`] is what the state store persists (JSON); in memory an entry is a [`CompactEntry`]: its
//! strings interned ([`Interner`]: a family, story, source or original's uri is held once for
//! all the entries naming it), the content hash as 16 bytes, the signature inline, key tokens
//! and paragraph fingerprints in one allocation. Entries sit in a queue in the order they came
//! in (a slot is a position in it), which is also the eviction order. The uri and content
//! tables hold 4-byte slots and the 32 LSH band tables ([`Bands`]) their low 3 bytes, hashed
//! through the entry they point to, so no key is stored twice.
//!
//! Per article the window holds the entry in the queue (96 signature values of 8 bits inline),
//! 32 band postings, key tokens and paragraph fingerprints (4 bytes each), and the uri once.
//! What that costs in memory per article is measured in one place, BENCHMARKS.md ("Dedup index
//! memory at a million articles", from `wirefeed-bench core`); `cargo bench -p
//! wirefeed-enricher --bench dedup` prints the allocator's count.

use crate::bands::{Bands, MAX_QUEUE, Slot};
use crate::compact_entry::{CompactEntry, StateKey};
use crate::interner::Interner;
use crate::minhash::{self, Value};
use hashbrown::HashTable;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
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
    /// The [`minhash::SCHEME`] of `signature` (0 in entries written before the field was).
    #[serde(default)]
    pub signature_scheme: u8,
    pub shingle_count: u32,
    pub key_tokens: Vec<u32>,
    pub headline_hash: u32,
    pub paragraphs: Vec<u32>,
    /// The content words of a family's first copy, for its story
    /// ([`crate::story_terms::story_words`]); empty for other copies, and in the index: they
    /// are needed again only at a restart, so the state store keeps them apart, once per
    /// family ([`StoryTerms`]), and `holds_story_terms` says they are this entry's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub story_words: Vec<u32>,
    /// The years near the top of a family's first copy
    /// ([`crate::story_terms::story_years`]); empty as `story_words` is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub story_years: Vec<u16>,
    /// This entry is its family's first copy or one of its versions: the family's
    /// [`StoryTerms`] are its own, in `story_words` and `story_years` or kept apart.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub holds_story_terms: bool,
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
    /// The kill this copy is withdrawn by (its family's, or its own), while it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub killed_by: Option<String>,
    /// The embargo of the copy or its family (seconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargoed_until: Option<i64>,
    /// A sketch of the lede's words ([`crate::features::lede_sketch`]), empty without a lede.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lede: Vec<u8>,
}

/// A family's story terms, kept in the state store apart from its entries (once per
/// family, not in memory: they rebuild its story at a restart).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryTerms {
    pub words: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<u16>,
}

impl Entry {
    /// Whether the family's story terms are this entry's (in it or kept apart).
    pub fn holds_story_terms(&self) -> bool {
        self.holds_story_terms || !self.story_words.is_empty() || !self.story_years.is_empty()
    }

    /// Takes the story terms out of the entry (to keep them apart); `None` if it has none.
    pub fn take_story_terms(&mut self) -> Option<StoryTerms> {
        if self.story_words.is_empty() && self.story_years.is_empty() {
            return None;
        }
        self.holds_story_terms = true;
        Some(StoryTerms {
            words: std::mem::take(&mut self.story_words),
            years: std::mem::take(&mut self.story_years),
        })
    }

    /// Gives the entry its family's story terms, kept apart, if it holds them and has none.
    pub fn put_back_story_terms(&mut self, terms: Option<&StoryTerms>) {
        if let Some(terms) = terms.filter(|_| {
            self.holds_story_terms && self.story_words.is_empty() && self.story_years.is_empty()
        }) {
            self.story_words = terms.words.clone();
            self.story_years = terms.years.clone();
        }
    }

    /// Whether `self` and `other` are the same entry, wherever their story terms are.
    pub fn same_apart_from_story_terms(&self, other: &Entry) -> bool {
        let bare = |entry: &Entry| Entry {
            story_words: Vec::new(),
            story_years: Vec::new(),
            holds_story_terms: entry.holds_story_terms(),
            ..entry.clone()
        };
        bare(self) == bare(other)
    }

    /// Takes the text fingerprints of `previous` (signature, shingles, names and numbers,
    /// headline, paragraphs, lede), keeping this entry's status and content hash.
    pub fn keep_text_of(&mut self, previous: &Entry) {
        self.signature = previous.signature.clone();
        self.signature_scheme = previous.signature_scheme;
        self.shingle_count = previous.shingle_count;
        self.key_tokens = previous.key_tokens.clone();
        self.headline_hash = previous.headline_hash;
        self.paragraphs = previous.paragraphs.clone();
        self.lede = previous.lede.clone();
        self.exact_only = previous.exact_only;
    }
}

/// How many earlier versions' content hashes an entry keeps.
pub const EARLIER_VERSIONS_KEPT: usize = 16;

/// The index.
#[derive(Debug, Default)]
pub struct Index {
    strings: Interner,
    /// Slot `first_slot + i` at `i`, oldest first; `None` where an entry was replaced.
    entries: VecDeque<Option<CompactEntry>>,
    first_slot: Slot,
    live: usize,
    /// Slots hashed by their entry's uri symbol.
    by_uri: HashTable<Slot>,
    /// Slots hashed by their entry's content key (the first entry with that content).
    by_content: HashTable<Slot>,
    bands: Bands,
}

fn compact_at(
    entries: &VecDeque<Option<CompactEntry>>,
    first_slot: Slot,
    slot: Slot,
) -> Option<&CompactEntry> {
    entries
        .get(slot.wrapping_sub(first_slot) as usize)
        .and_then(Option::as_ref)
}

/// An indexed entry, read in place.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    strings: &'a Interner,
    compact: &'a CompactEntry,
}

impl<'a> View<'a> {
    /// The persisted form (allocates).
    pub fn entry(&self) -> Entry {
        self.compact.entry(self.strings)
    }

    #[cfg(test)]
    pub fn uri(&self) -> String {
        self.strings.resolve(self.compact.uri).into_owned()
    }

    pub fn source(&self) -> std::borrow::Cow<'a, str> {
        self.strings.resolve(self.compact.source)
    }

    pub fn version_seq(&self) -> u32 {
        self.compact.version_seq
    }

    pub fn signature(&self) -> &'a [Value] {
        &self.compact.signature
    }

    pub fn shingle_count(&self) -> u32 {
        self.compact.shingle_count
    }

    pub fn key_tokens(&self) -> &'a [u32] {
        self.compact.key_tokens()
    }

    /// Whether `content_hash` is this entry's content hash or one of its earlier versions'.
    pub fn has_content(&self, content_hash: &str) -> bool {
        StateKey::find(self.strings, content_hash)
            .is_some_and(|key| self.compact.content == key || self.compact.earlier().contains(&key))
    }
}

impl Index {
    pub fn len(&self) -> usize {
        self.live
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    fn view(&self, slot: Slot) -> Option<View<'_>> {
        compact_at(&self.entries, self.first_slot, slot).map(|compact| View {
            strings: &self.strings,
            compact,
        })
    }

    fn slot_of_uri(&self, uri: &str) -> Option<Slot> {
        let sym = self.strings.get(uri)?;
        let (entries, first) = (&self.entries, self.first_slot);
        self.by_uri
            .find(sym.hash(), |&slot| {
                compact_at(entries, first, slot).is_some_and(|compact| compact.uri == sym)
            })
            .copied()
    }

    pub fn by_uri(&self, uri: &str) -> Option<View<'_>> {
        self.slot_of_uri(uri).and_then(|slot| self.view(slot))
    }

    pub fn by_content(&self, content_hash: &str) -> Option<View<'_>> {
        let key = StateKey::find(&self.strings, content_hash)?;
        let (entries, first) = (&self.entries, self.first_slot);
        let slot = self.by_content.find(key.hash(), |&slot| {
            compact_at(entries, first, slot).is_some_and(|compact| compact.content == key)
        })?;
        self.view(*slot)
    }

    /// Entries sharing at least one LSH band with `signature` (each once, oldest first).
    pub fn candidates(&self, signature: &[Value]) -> Vec<View<'_>> {
        let (entries, first) = (&self.entries, self.first_slot);
        let mut slots = Vec::new();
        self.bands.matches(
            &minhash::band_keys(signature),
            first,
            |slot, band| band_key_of(entries, first, slot, band),
            &mut slots,
        );
        // Oldest first: slots are queue positions.
        slots.sort_unstable_by_key(|slot| slot.wrapping_sub(first));
        slots.dedup();
        slots
            .iter()
            .filter_map(|slot| self.view(*slot))
            .filter(|view| !view.compact.exact_only)
            .collect()
    }

    /// Adds `entry`, or replaces the entry with the same uri (a new version).
    pub fn upsert(&mut self, entry: Entry) {
        if let Some(slot) = self.slot_of_uri(&entry.uri) {
            self.remove_slot(slot);
        }
        let slot = self.first_slot.wrapping_add(self.entries.len() as Slot);
        let compact = CompactEntry::new(&mut self.strings, entry);
        let band_keys = (!compact.exact_only).then(|| minhash::band_keys(&compact.signature));
        let (uri, content) = (compact.uri, compact.content);
        if self.entries.len() == self.entries.capacity() {
            // Grows by an eighth, not double: the queue is most of the index's memory, and
            // copying it on growth is cheap beside filling it.
            let len = self.entries.len();
            self.entries.reserve_exact((len / 8).max(64));
        }
        self.entries.push_back(Some(compact));
        self.live += 1;
        let (entries, first) = (&self.entries, self.first_slot);
        let entry_of = |slot| compact_at(entries, first, slot);
        if let Some(keys) = band_keys {
            self.bands.insert(slot, &keys, first, |slot, band| {
                band_key_of(entries, first, slot, band)
            });
        }
        self.by_uri.insert_unique(uri.hash(), slot, |&slot| {
            entry_of(slot).map_or(0, |compact| compact.uri.hash())
        });
        let same_content =
            |&slot: &Slot| entry_of(slot).is_some_and(|compact| compact.content == content);
        if self.by_content.find(content.hash(), same_content).is_none() {
            self.by_content
                .insert_unique(content.hash(), slot, |&slot| {
                    entry_of(slot).map_or(0, |compact| compact.content.hash())
                });
        }
    }

    /// Withdraws every member of `family` but `except` that is not withdrawn yet: each is
    /// canceled by `killer` in its next version. Returns them as they are now (a scan: kills
    /// are rare).
    pub fn kill_family(&mut self, family: &FamilyId, killer: &str, except: &str) -> Vec<Entry> {
        let (Some(family), except) = (self.strings.get(family.as_str()), self.strings.get(except))
        else {
            return Vec::new();
        };
        let mut killed = Vec::new();
        for compact in self.entries.iter_mut().flatten() {
            if compact.family == family && Some(compact.uri) != except && !compact.canceled {
                compact.canceled = true;
                compact.killed_by = Some(self.strings.intern(killer));
                compact.version_seq += 1;
                killed.push(compact.entry(&self.strings));
            }
        }
        killed
    }

    /// Lifts the kill of `family`: its members are usable again. Returns those that changed.
    pub fn reinstate_family(&mut self, family: &FamilyId) -> Vec<Entry> {
        let Some(family) = self.strings.get(family.as_str()) else {
            return Vec::new();
        };
        let mut lifted = Vec::new();
        for compact in self.entries.iter_mut().flatten() {
            if compact.family == family
                && let Some(killer) = compact.killed_by.take()
            {
                self.strings.release(killer);
                compact.canceled = false;
                lifted.push(compact.entry(&self.strings));
            }
        }
        lifted
    }

    /// Removes entries indexed before `oldest` (seconds) and the oldest beyond `capacity` (and
    /// beyond [`MAX_QUEUE`] queue places, which the band tables' 3-byte cells can tell apart).
    /// Returns the uris removed and the families left without entries (to delete them from
    /// the state store).
    pub fn evict(&mut self, oldest: i64, capacity: usize) -> Evicted {
        let mut evicted = Evicted::default();
        while let Some(front) = self.entries.front() {
            if let Some(compact) = front {
                if compact.indexed_at >= oldest
                    && self.live <= capacity
                    && self.entries.len() <= MAX_QUEUE
                {
                    break;
                }
                if let Some((uri, family_ended)) = self.remove_slot(self.first_slot) {
                    evicted.uris.push(uri);
                    evicted.families.extend(family_ended);
                }
            }
            self.entries.pop_front();
            self.first_slot = self.first_slot.wrapping_add(1);
        }
        evicted
    }

    /// Removes the entry at `slot` and returns its uri, and its family if it was the family's
    /// last entry.
    fn remove_slot(&mut self, slot: Slot) -> Option<(String, Option<String>)> {
        let at = slot.wrapping_sub(self.first_slot) as usize;
        let compact = self.entries.get_mut(at)?.take()?;
        self.live -= 1;
        if !compact.exact_only {
            self.bands
                .remove(slot, &minhash::band_keys(&compact.signature));
        }
        if let Ok(found) = self.by_uri.find_entry(compact.uri.hash(), |&s| s == slot) {
            found.remove();
        }
        if let Ok(found) = self
            .by_content
            .find_entry(compact.content.hash(), |&s| s == slot)
        {
            found.remove();
        }
        let uri = self.strings.resolve(compact.uri).into_owned();
        // Family ids are interned for entries' families only.
        let family_ended = (self.strings.holders(compact.family) == 1)
            .then(|| self.strings.resolve(compact.family).into_owned());
        compact.release(&mut self.strings);
        Some((uri, family_ended))
    }
}

/// What an eviction removed.
#[derive(Debug, Default, PartialEq)]
pub struct Evicted {
    pub uris: Vec<String>,
    /// Families none of whose entries is left.
    pub families: Vec<String>,
}

fn band_key_of(
    entries: &VecDeque<Option<CompactEntry>>,
    first: Slot,
    slot: Slot,
    band: usize,
) -> u64 {
    compact_at(entries, first, slot)
        .map_or(0, |compact| minhash::band_key(&compact.signature, band))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(uri: &str, hash: &str, indexed_at: i64, signature: Vec<Value>) -> Entry {
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
            signature: signature.into_iter().map(minhash::widen).collect(),
            signature_scheme: minhash::SCHEME,
            shingle_count: 10,
            key_tokens: Vec::new(),
            headline_hash: 0,
            paragraphs: Vec::new(),
            story_words: Vec::new(),
            story_years: Vec::new(),
            holds_story_terms: false,
            urgency: None,
            canceled: false,
            first_created: 0,
            indexed_at,
            exact_only: false,
            story: None,
            killed_by: None,
            embargoed_until: None,
            lede: Vec::new(),
        }
    }

    #[test]
    fn an_entry_comes_back_as_it_went_in() {
        let signature: Vec<Value> = (0..minhash::HASHES as u32).map(minhash::narrow).collect();
        let mut original = entry("a", "h1", 10, signature);
        original.key_tokens = vec![3, 7, 9];
        original.paragraphs = vec![11, 12];
        original.story_words = vec![(5 << 5) | 2, (8 << 5) | 1];
        original.story_years = vec![2005, 2026];
        original.story = Some("story:a".to_owned());
        let mut index = Index::default();
        index.upsert(original.clone());
        let mut back = index.by_uri("a").map(|view| view.entry());
        // The story terms are not in the index (they are kept apart): it says it holds them.
        let mut bare = original.clone();
        let terms = bare.take_story_terms();
        assert_eq!(
            back.as_ref().map(serde_json::to_value).and_then(Result::ok),
            serde_json::to_value(&bare).ok()
        );
        assert!(
            back.as_ref()
                .is_some_and(|back| back.same_apart_from_story_terms(&original))
        );
        back.iter_mut()
            .for_each(|back| back.put_back_story_terms(terms.as_ref()));
        assert_eq!(
            back.map(|back| (back.story_words, back.story_years)),
            Some((original.story_words, original.story_years))
        );
    }

    #[test]
    fn lookups_candidates_replacement_and_eviction() {
        let mut index = Index::default();
        let signature: Vec<u32> = (0..minhash::HASHES as u32).collect();
        let signature: Vec<Value> = signature.into_iter().map(minhash::narrow).collect();
        let mut other_signature = signature.clone();
        other_signature
            .iter_mut()
            .for_each(|v| *v = v.wrapping_add(100));
        index.upsert(entry("a", "h1", 10, signature.clone()));
        index.upsert(entry("b", "h2", 20, other_signature));
        assert_eq!(
            index.by_uri("a").map(|e| e.entry().content_hash),
            Some("h1".to_owned())
        );
        assert_eq!(
            index.by_content("h2").map(|e| e.uri()).as_deref(),
            Some("b")
        );
        let candidates: Vec<String> = index.candidates(&signature).iter().map(View::uri).collect();
        assert_eq!(candidates, ["a"]);

        // A new version replaces the old entry.
        index.upsert(entry("a", "h3", 30, signature.clone()));
        assert_eq!(index.len(), 2);
        assert!(index.by_content("h1").is_none());
        assert_eq!(index.candidates(&signature).len(), 1);

        // "b" is older than the window; then capacity 0 removes the rest.
        let evicted = |uri: &str| Evicted {
            uris: vec![uri.to_owned()],
            families: vec![format!("f:{uri}")],
        };
        assert_eq!(index.evict(25, 10), evicted("b"));
        assert_eq!(index.evict(0, 0), evicted("a"));
        assert!(index.is_empty());
        assert!(index.candidates(&signature).is_empty());
    }

    #[test]
    fn an_entry_of_an_earlier_signature_scheme_matches_exactly_but_not_as_a_near_duplicate() {
        let mut index = Index::default();
        let signature: Vec<Value> = (0..minhash::HASHES as u32).map(minhash::narrow).collect();
        let mut earlier = entry("a", "h1", 10, signature.clone());
        earlier.signature_scheme = 0;
        // As persisted before the field existed.
        let json = serde_json::to_value(&earlier).map(|mut value| {
            value
                .as_object_mut()
                .map(|object| object.remove("signature_scheme"));
            value
        });
        let earlier: Entry = json.and_then(serde_json::from_value).expect("entry json");
        assert_eq!(earlier.signature_scheme, 0);
        index.upsert(earlier);
        assert!(index.candidates(&signature).is_empty());
        assert_eq!(
            index.by_content("h1").map(|view| view.uri()).as_deref(),
            Some("a")
        );
        // Persisted again, it says what it is now: exact matches only.
        let held = index.by_uri("a").map(|view| view.entry());
        assert!(
            held.is_some_and(|held| held.exact_only && held.signature_scheme == minhash::SCHEME)
        );

        index.upsert(entry("b", "h2", 20, signature.clone()));
        let candidates: Vec<String> = index.candidates(&signature).iter().map(View::uri).collect();
        assert_eq!(candidates, ["b"]);
    }

    #[test]
    fn the_persisted_form_comes_back_unchanged() {
        let mut index = Index::default();
        let mut original = entry(
            "urn:a",
            "0123456789abcdef0123456789abcdef:Usable:Some(4)",
            5,
            Vec::new(),
        );
        original.signature = (0..minhash::HASHES as u32)
            .map(|v| minhash::widen(minhash::narrow(v * 7919)))
            .collect();
        original.earlier_hashes = vec![
            "fedcba9876543210fedcba9876543210:Usable:None".to_owned(),
            "0123456789ABCDEF0123456789ABCDEF:Usable:None".to_owned(),
            "short".to_owned(),
        ];
        original.key_tokens = vec![3, 9, 27];
        original.paragraphs = vec![11, 12];
        original.duplicate_of = Some("urn:o".to_owned());
        original.story = Some("story:x".to_owned());
        original.urgency = Some(3);
        original.agency = true;
        original.killed_by = Some("urn:kill".to_owned());
        original.embargoed_until = Some(1_800_000_000);
        original.lede = (0..crate::features::LEDE_SKETCH as u8).collect();
        // An entry persisted with 32-bit signature values reads back to its low 16 bits.
        let mut wide = original.clone();
        wide.signature.iter_mut().for_each(|v| *v |= 0xABCD_0000);
        index.upsert(wide);
        let held = index.by_uri("urn:a").map(|view| view.entry());
        assert_eq!(held.as_ref(), Some(&original));
        let view = index.by_content(&original.content_hash);
        assert_eq!(
            view.map(|view| view.key_tokens().to_vec()),
            Some(vec![3, 9, 27])
        );
        assert!(view.is_some_and(|view| view.has_content("short")));
        assert!(view.is_some_and(|view| !view.has_content("other")));
        // Another entry with the same strings shares them; removing both frees them.
        let mut second = original.clone();
        second.uri = "urn:b".to_owned();
        index.upsert(second);
        index.evict(10, 10);
        assert!(index.is_empty());
        assert!(index.strings.is_empty());
    }
}
