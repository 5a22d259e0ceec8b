//! Pure: the in-memory form of an index [`Entry`]: strings as interned symbols, the content
//! hash as 16 bytes, the signature inline, key tokens and paragraph fingerprints in one
//! allocation. Converts both ways without loss but for the story terms, which the state store
//! keeps apart ([`crate::index::StoryTerms`]): an entry says only whether it holds them.

use crate::features::LEDE_SKETCH;
use crate::index::Entry;
use crate::interner::{Interner, Sym, is_lowercase_hex};
use crate::minhash::{self, HASHES, Value};
use wire_model::FamilyId;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// A content-and-state hash (`<32 hex digits of the text hash>:<status>:<urgency>`) as the
/// 16 bytes of the hex digits and the interned rest (a handful of distinct values). A text
/// that does not start with 32 lowercase hex digits is kept whole as the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateKey {
    digest: [u8; 16],
    rest: Sym,
    hex: bool,
}

fn split_state(text: &str) -> (Option<[u8; 16]>, &str) {
    let mut digest = [0u8; 16];
    match text.get(..32) {
        Some(prefix)
            if is_lowercase_hex(prefix) && hex::decode_to_slice(prefix, &mut digest).is_ok() =>
        {
            (Some(digest), &text[32..])
        }
        _ => (None, text),
    }
}

impl StateKey {
    /// The key of `text`, holding its rest in `strings`.
    pub fn intern(strings: &mut Interner, text: &str) -> Self {
        let (digest, rest) = split_state(text);
        Self {
            digest: digest.unwrap_or_default(),
            rest: strings.intern(rest),
            hex: digest.is_some(),
        }
    }

    /// The key of `text` if any entry holds it (its rest is interned).
    pub fn find(strings: &Interner, text: &str) -> Option<Self> {
        let (digest, rest) = split_state(text);
        Some(Self {
            digest: digest.unwrap_or_default(),
            rest: strings.get(rest)?,
            hex: digest.is_some(),
        })
    }

    pub fn text(&self, strings: &Interner) -> String {
        let rest = strings.resolve(self.rest);
        if self.hex {
            format!("{}{rest}", hex::encode(self.digest))
        } else {
            rest.into_owned()
        }
    }

    pub fn hash(&self) -> u64 {
        xxh3_64_with_seed(&self.digest, self.rest.hash() ^ u64::from(self.hex))
    }
}

/// An index [`Entry`] in its compact in-memory form.
#[derive(Debug)]
pub struct CompactEntry {
    pub uri: Sym,
    pub family: Sym,
    pub source: Sym,
    pub story: Option<Sym>,
    pub duplicate_of: Option<Sym>,
    pub killed_by: Option<Sym>,
    pub content: StateKey,
    /// Earlier versions' content keys and the embargo, when there are any.
    rare: Option<Box<Rare>>,
    pub signature: [Value; HASHES],
    /// The lede's sketch; all zero without a lede.
    lede: [u8; LEDE_SKETCH],
    /// The key tokens, then the paragraph fingerprints.
    tokens: Box<[u32]>,
    key_token_count: u32,
    pub version_seq: u32,
    pub shingle_count: u32,
    headline_hash: u32,
    first_created: i64,
    pub indexed_at: i64,
    urgency: Option<u8>,
    agency: bool,
    pub is_original: bool,
    pub canceled: bool,
    pub exact_only: bool,
    holds_story_terms: bool,
}

/// What few entries carry (a new version of the same uri, an embargo): boxed, 8 bytes in every
/// entry instead of 24.
#[derive(Debug)]
struct Rare {
    earlier: Box<[StateKey]>,
    /// The embargo (seconds since the epoch); 0: none.
    embargoed_until: i64,
}

impl CompactEntry {
    pub fn new(strings: &mut Interner, entry: Entry) -> Self {
        let earlier: Box<[StateKey]> = entry
            .earlier_hashes
            .iter()
            .map(|text| StateKey::intern(strings, text))
            .collect();
        let embargoed_until = entry.embargoed_until.unwrap_or(0);
        let rare = (!earlier.is_empty() || embargoed_until != 0).then(|| {
            Box::new(Rare {
                earlier,
                embargoed_until,
            })
        });
        let mut signature = [Value::MAX; HASHES];
        for (slot, value) in signature.iter_mut().zip(&entry.signature) {
            *slot = minhash::narrow(*value);
        }
        let mut lede = [0u8; LEDE_SKETCH];
        for (slot, value) in lede.iter_mut().zip(&entry.lede) {
            *slot = *value;
        }
        let key_token_count = entry.key_tokens.len() as u32;
        let holds_story_terms = entry.holds_story_terms();
        let mut tokens = entry.key_tokens;
        tokens.extend_from_slice(&entry.paragraphs);
        Self {
            uri: strings.intern(&entry.uri),
            family: strings.intern(entry.family.as_str()),
            source: strings.intern(&entry.source),
            story: entry.story.as_deref().map(|story| strings.intern(story)),
            duplicate_of: entry.duplicate_of.as_deref().map(|uri| strings.intern(uri)),
            killed_by: entry.killed_by.as_deref().map(|uri| strings.intern(uri)),
            content: StateKey::intern(strings, &entry.content_hash),
            rare,
            signature,
            lede,
            tokens: tokens.into_boxed_slice(),
            key_token_count,
            version_seq: entry.version_seq,
            shingle_count: entry.shingle_count,
            headline_hash: entry.headline_hash,
            first_created: entry.first_created,
            indexed_at: entry.indexed_at,
            urgency: entry.urgency,
            agency: entry.agency,
            is_original: entry.is_original,
            canceled: entry.canceled,
            // A signature of another scheme compares as noise: such an entry (persisted by an
            // earlier version) still matches exactly and by uri, but not as a near-duplicate.
            exact_only: entry.exact_only || entry.signature_scheme != minhash::SCHEME,
            holds_story_terms,
        }
    }

    /// The content keys of the earlier versions.
    pub fn earlier(&self) -> &[StateKey] {
        self.rare.as_deref().map_or(&[], |rare| &rare.earlier)
    }

    fn embargoed_until(&self) -> i64 {
        self.rare.as_deref().map_or(0, |rare| rare.embargoed_until)
    }

    pub fn key_tokens(&self) -> &[u32] {
        &self.tokens[..self.key_token_count as usize]
    }

    fn paragraphs(&self) -> &[u32] {
        &self.tokens[self.key_token_count as usize..]
    }

    /// The persisted form.
    pub fn entry(&self, strings: &Interner) -> Entry {
        Entry {
            uri: strings.resolve(self.uri).into_owned(),
            family: FamilyId::new(strings.resolve(self.family)),
            source: strings.resolve(self.source).into_owned(),
            agency: self.agency,
            content_hash: self.content.text(strings),
            earlier_hashes: self.earlier().iter().map(|key| key.text(strings)).collect(),
            version_seq: self.version_seq,
            is_original: self.is_original,
            duplicate_of: self
                .duplicate_of
                .map(|uri| strings.resolve(uri).into_owned()),
            signature: self.signature.iter().map(|v| minhash::widen(*v)).collect(),
            signature_scheme: minhash::SCHEME,
            shingle_count: self.shingle_count,
            key_tokens: self.key_tokens().to_vec(),
            headline_hash: self.headline_hash,
            paragraphs: self.paragraphs().to_vec(),
            story_words: Vec::new(),
            story_years: Vec::new(),
            holds_story_terms: self.holds_story_terms,
            urgency: self.urgency,
            canceled: self.canceled,
            first_created: self.first_created,
            indexed_at: self.indexed_at,
            exact_only: self.exact_only,
            story: self.story.map(|story| strings.resolve(story).into_owned()),
            killed_by: self.killed_by.map(|uri| strings.resolve(uri).into_owned()),
            embargoed_until: Some(self.embargoed_until()).filter(|until| *until != 0),
            lede: if self.lede == [0; LEDE_SKETCH] {
                Vec::new()
            } else {
                self.lede.to_vec()
            },
        }
    }

    /// Gives back every string this entry holds.
    pub fn release(self, strings: &mut Interner) {
        let syms = [Some(self.uri), Some(self.family), Some(self.source)];
        for sym in syms
            .into_iter()
            .chain([self.story, self.duplicate_of, self.killed_by])
            .flatten()
        {
            strings.release(sym);
        }
        for key in std::iter::once(&self.content).chain(self.earlier()) {
            strings.release(key.rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_takes_224_bytes_in_the_queue() {
        // The entry size bench/HISTORY.md ("Dedup index memory") gives for the layout.
        assert!(std::mem::size_of::<Option<CompactEntry>>() <= 224);
    }
}
