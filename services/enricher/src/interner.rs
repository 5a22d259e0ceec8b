//! Pure: the strings the duplicate index names (uris, families, stories, sources, the status
//! part of content hashes), each held once however many entries name it, and freed when the
//! last entry naming it leaves the window.
//!
//! The strings sit back to back in one buffer (12 bytes of bookkeeping per string, no
//! allocation of its own: a `Box<str>` each cost 24 bytes of slot and 16 to 24 of allocator
//! overhead); a freed string leaves a gap until the gaps are a quarter of the buffer, when the
//! live strings are copied into a fresh buffer (their symbols stay). The ids wirefeed makes
//! itself (`urn:wirefeed:article:`, `family:` and `story:` followed by 24 lowercase hex digits)
//! are held as a byte for the prefix and the 12 bytes the digits spell: 13 bytes, not 30 to 45
//! (`bench core`: 865 → 823 bytes of index per article at 100,000, the same decisions).
//!
//! Hand-written over `hashbrown::HashTable`, which stores only the 4-byte symbol and recomputes
//! a string's hash from the string when it grows: the interner crates (`lasso`,
//! `string-interner`) never free a string, and a sliding window must.

use hashbrown::HashTable;
use std::borrow::Cow;
use std::num::NonZeroU32;
use wire_model::made_ids;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// A string held by an [`Interner`] (4 bytes; `Option<Sym>` too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sym(NonZeroU32);

impl Sym {
    fn index(self) -> u32 {
        self.0.get() - 1
    }

    fn at(index: u32) -> Self {
        Self(NonZeroU32::new(index.saturating_add(1)).unwrap_or(NonZeroU32::MAX))
    }

    /// A well-mixed 64-bit hash of the symbol (for tables keyed by symbols).
    pub fn hash(self) -> u64 {
        u64::from(self.0.get()).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Where a string is in the buffer, and how many hold it (0: the span is free).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    /// The bytes held, with [`PACKED`] set when they are a packed id.
    len: u32,
    holders: u32,
}

/// The prefixes of the ids held packed, each followed by [`PACKED_HEX`] lowercase hex digits
/// (article ids, families and the stories they start).
const PACKED_PREFIXES: [&str; 3] = [
    made_ids::ARTICLE_PREFIX,
    made_ids::FAMILY_PREFIX,
    made_ids::STORY_PREFIX,
];
const PACKED_HEX: usize = 2 * made_ids::ID_DIGEST_BYTES;
/// The lengths of the ids held packed.
const PACKED_LENGTHS: [usize; 3] = [
    PACKED_PREFIXES[0].len() + PACKED_HEX,
    PACKED_PREFIXES[1].len() + PACKED_HEX,
    PACKED_PREFIXES[2].len() + PACKED_HEX,
];
/// A packed id: the index of its prefix, then the bytes its digits spell.
const PACKED_BYTES: usize = 1 + PACKED_HEX / 2;
/// Set in [`Span::len`] when the span holds a packed id.
const PACKED: u32 = 1 << 31;

/// Whether `text` is all lowercase hex digits: what decodes to bytes and encodes back the same.
pub fn is_lowercase_hex(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A string as the buffer holds it: its own bytes, or packed.
enum Held<'a> {
    Plain(&'a str),
    Packed([u8; PACKED_BYTES]),
}

impl<'a> Held<'a> {
    fn of(text: &'a str) -> Self {
        // Most strings are not of a packed id's length: no prefix is looked for.
        if !PACKED_LENGTHS.contains(&text.len()) {
            return Held::Plain(text);
        }
        PACKED_PREFIXES
            .iter()
            .enumerate()
            .find_map(|(at, prefix)| {
                let hex = text.strip_prefix(prefix)?;
                if hex.len() != PACKED_HEX || !is_lowercase_hex(hex) {
                    return None;
                }
                let mut packed = [at as u8; PACKED_BYTES];
                hex::decode_to_slice(hex, &mut packed[1..]).ok()?;
                Some(Held::Packed(packed))
            })
            .unwrap_or(Held::Plain(text))
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Held::Plain(text) => text.as_bytes(),
            Held::Packed(packed) => packed,
        }
    }

    fn packed(&self) -> bool {
        matches!(self, Held::Packed(_))
    }
}

/// Reference-counted strings.
#[derive(Debug, Default)]
pub struct Interner {
    /// Every held string (or packed id), back to back, with the gaps freed strings left.
    buffer: Vec<u8>,
    /// Bytes of `buffer` no string holds.
    gaps: usize,
    /// The span of each symbol's string, at its index.
    spans: Vec<Span>,
    free: Vec<u32>,
    /// Indices into `spans`, hashed by their string.
    table: HashTable<u32>,
}

/// Gaps are closed once they are this share of the buffer (and at least `MIN_GAPS` bytes).
const GAP_SHARE: usize = 4;
const MIN_GAPS: usize = 64 * 1024;

/// The hash of held bytes (a packed id and a plain string of the same bytes differ).
fn hash(bytes: &[u8], packed: bool) -> u64 {
    xxh3_64_with_seed(bytes, u64::from(packed))
}

/// The bytes the string at `index` is held as, and whether they are packed.
fn held_at<'a>(buffer: &'a [u8], spans: &[Span], index: u32) -> (&'a [u8], bool) {
    spans
        .get(index as usize)
        .filter(|span| span.holders > 0)
        .and_then(|span| {
            let start = span.start as usize;
            let bytes = buffer.get(start..start + (span.len & !PACKED) as usize)?;
            Some((bytes, span.len & PACKED != 0))
        })
        .unwrap_or((&[], false))
}

fn hash_at(buffer: &[u8], spans: &[Span], index: u32) -> u64 {
    let (bytes, packed) = held_at(buffer, spans, index);
    hash(bytes, packed)
}

impl Interner {
    /// The symbol of `text`, if something holds it.
    pub fn get(&self, text: &str) -> Option<Sym> {
        let held = Held::of(text);
        let (bytes, packed) = (held.bytes(), held.packed());
        let (buffer, spans) = (&self.buffer, &self.spans);
        self.table
            .find(hash(bytes, packed), |&index| {
                held_at(buffer, spans, index) == (bytes, packed)
            })
            .map(|&index| Sym::at(index))
    }

    /// The symbol of `text`, with one more holder.
    pub fn intern(&mut self, text: &str) -> Sym {
        let held = Held::of(text);
        let (bytes, packed) = (held.bytes(), held.packed());
        let hashed = hash(bytes, packed);
        let (buffer, spans) = (&self.buffer, &mut self.spans);
        if let Some(&index) = self.table.find(hashed, |&index| {
            held_at(buffer, spans, index) == (bytes, packed)
        }) {
            if let Some(span) = spans.get_mut(index as usize) {
                span.holders += 1;
            }
            return Sym::at(index);
        }
        // A string of 2 GB or more is cut (none reaches the index: uris, ids, sources), and
        // filed under the hash of what is held, which is what a table that grows recomputes.
        let len = bytes.len().min(PACKED as usize - 1);
        let hashed = if len < bytes.len() {
            hash(&bytes[..len], packed)
        } else {
            hashed
        };
        let held = Span {
            start: self.buffer.len() as u32,
            len: len as u32 | if packed { PACKED } else { 0 },
            holders: 1,
        };
        if self.buffer.capacity() - self.buffer.len() < len {
            // Grows by an eighth, not double: the buffer lives as long as the window.
            self.buffer.reserve_exact(len.max(self.buffer.len() / 8));
        }
        self.buffer.extend_from_slice(&bytes[..len]);
        let index = match self.free.pop() {
            Some(index) => {
                self.spans[index as usize] = held;
                index
            }
            None => {
                self.spans.push(held);
                (self.spans.len() - 1) as u32
            }
        };
        let (buffer, spans) = (&self.buffer, &self.spans);
        self.table
            .insert_unique(hashed, index, |&other| hash_at(buffer, spans, other));
        Sym::at(index)
    }

    /// The text of `sym` (empty if it was freed: a holder released it too often); a packed
    /// id is spelled out again.
    pub fn resolve(&self, sym: Sym) -> Cow<'_, str> {
        match held_at(&self.buffer, &self.spans, sym.index()) {
            (bytes, false) => Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default()),
            (bytes, true) => {
                let prefix = bytes
                    .first()
                    .and_then(|at| PACKED_PREFIXES.get(usize::from(*at)))
                    .unwrap_or(&"");
                // One allocation: the digits are spelled on the stack.
                let mut digits = [0u8; PACKED_HEX];
                let packed_bytes = bytes.get(1..).unwrap_or_default();
                let digits = match hex::encode_to_slice(packed_bytes, &mut digits) {
                    Ok(()) => std::str::from_utf8(&digits).unwrap_or_default(),
                    Err(_) => "",
                };
                let mut text = String::with_capacity(prefix.len() + digits.len());
                text.push_str(prefix);
                text.push_str(digits);
                Cow::Owned(text)
            }
        }
    }

    /// How many hold `sym` (0 once it was freed).
    pub fn holders(&self, sym: Sym) -> u32 {
        self.spans
            .get(sym.index() as usize)
            .map_or(0, |span| span.holders)
    }

    /// One holder fewer for `sym`; the string is freed with its last holder.
    pub fn release(&mut self, sym: Sym) {
        let index = sym.index();
        let Some(span) = self
            .spans
            .get_mut(index as usize)
            .filter(|span| span.holders > 0)
        else {
            return;
        };
        if span.holders > 1 {
            span.holders -= 1;
            return;
        }
        let hashed = hash_at(&self.buffer, &self.spans, index);
        if let Ok(found) = self.table.find_entry(hashed, |&other| other == index) {
            found.remove();
        }
        let span = &mut self.spans[index as usize];
        span.holders = 0;
        self.gaps += (span.len & !PACKED) as usize;
        self.free.push(index);
        if self.gaps >= MIN_GAPS && self.gaps * GAP_SHARE >= self.buffer.len() {
            self.close_gaps();
        }
    }

    /// Copies the live strings into a fresh buffer, in the order they sit.
    fn close_gaps(&mut self) {
        let mut buffer = Vec::with_capacity(self.buffer.len() - self.gaps);
        let mut live: Vec<u32> = (0..self.spans.len() as u32)
            .filter(|&index| self.spans[index as usize].holders > 0)
            .collect();
        live.sort_unstable_by_key(|&index| self.spans[index as usize].start);
        for index in live {
            let span = &mut self.spans[index as usize];
            let start = span.start as usize;
            let held = self
                .buffer
                .get(start..start + (span.len & !PACKED) as usize)
                .unwrap_or_default();
            span.start = buffer.len() as u32;
            buffer.extend_from_slice(held);
        }
        self.buffer = buffer;
        self.gaps = 0;
    }

    /// Distinct strings held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.table.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_shared_and_freed_with_their_last_holder() {
        let mut strings = Interner::default();
        let a = strings.intern("urn:a");
        let b = strings.intern("urn:b");
        assert_eq!(strings.intern("urn:a"), a);
        assert_ne!(a, b);
        assert_eq!(strings.resolve(a), "urn:a");
        assert_eq!(strings.get("urn:b"), Some(b));
        strings.release(a);
        assert_eq!(strings.get("urn:a"), Some(a));
        strings.release(a);
        assert_eq!(strings.get("urn:a"), None);
        // The freed symbol is reused.
        let c = strings.intern("urn:c");
        assert_eq!(c, a);
        assert_eq!(strings.resolve(c), "urn:c");
        assert_eq!(strings.len(), 2);
        for i in 0..1000 {
            strings.intern(&format!("urn:{i}"));
        }
        assert_eq!(strings.resolve(b), "urn:b");
        assert_eq!(
            strings
                .get("urn:999")
                .map(|s| strings.resolve(s).into_owned()),
            Some("urn:999".to_owned())
        );
    }

    #[test]
    fn wirefeed_ids_are_held_packed_and_spelled_out_again() {
        let mut strings = Interner::default();
        let ids = [
            "urn:wirefeed:article:0123456789abcdef01234567",
            "family:0123456789abcdef01234567",
            "story:fedcba9876543210fedcba98",
        ];
        let syms: Vec<Sym> = ids.iter().map(|id| strings.intern(id)).collect();
        assert_eq!(strings.buffer.len(), 3 * PACKED_BYTES);
        for (id, sym) in ids.iter().zip(&syms) {
            assert_eq!(strings.resolve(*sym), *id);
            assert_eq!(strings.get(id), Some(*sym));
            assert_eq!(strings.intern(id), *sym);
        }
        // Near misses are held as they are written.
        let near = [
            "urn:wirefeed:article:0123456789ABCDEF01234567",
            "family:0123456789abcdef0123456",
            "family:0123456789abcdef012345678",
            "story:0123456789abcdef0123456g",
            "family:",
            "\u{0}0123456789abcdef0",
        ];
        for text in near {
            let sym = strings.intern(text);
            assert_eq!(strings.resolve(sym), text);
            assert_eq!(strings.get(text), Some(sym));
        }
        assert_eq!(strings.len(), ids.len() + near.len());
        // Released, a packed id is gone like any string.
        strings.release(syms[1]);
        strings.release(syms[1]);
        assert_eq!(strings.get(ids[1]), None);
        assert_eq!(strings.resolve(syms[0]), ids[0]);
    }

    #[test]
    fn closing_the_gaps_of_freed_strings_keeps_every_symbol() {
        let mut strings = Interner::default();
        let text = |i: usize| format!("urn:wirefeed:test:{i:08}:a-longer-uri-than-most");
        let syms: Vec<Sym> = (0..20_000).map(|i| strings.intern(&text(i))).collect();
        let full = strings.buffer.len();
        // Three in four leave: the gaps pass a quarter of the buffer and are closed.
        for (i, sym) in syms.iter().enumerate() {
            if i % 4 != 0 {
                strings.release(*sym);
            }
        }
        assert!(
            strings.buffer.len() < full / 2,
            "{} of {full}",
            strings.buffer.len()
        );
        for (i, sym) in syms.iter().enumerate().filter(|(i, _)| i % 4 == 0) {
            assert_eq!(strings.resolve(*sym), text(i));
            assert_eq!(strings.get(&text(i)), Some(*sym));
        }
        assert_eq!(strings.get(&text(1)), None);
        assert_eq!(strings.len(), 5_000);
        // Freed symbols are reused, and the strings before them stay where they were.
        let again = strings.intern("urn:again");
        assert_eq!(strings.resolve(again), "urn:again");
        assert_eq!(strings.resolve(syms[0]), text(0));
    }
}
