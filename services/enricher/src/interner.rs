//! Pure: the strings the duplicate index names (uris, families, stories, sources, the status
//! part of content hashes), each held once however many entries name it, and freed when the
//! last entry naming it leaves the window.
//!
//! The strings sit back to back in one buffer (12 bytes of bookkeeping per string, no
//! allocation of its own: a `Box<str>` each cost 24 bytes of slot and 16 to 24 of allocator
//! overhead); a freed string leaves a gap until the gaps are a quarter of the buffer, when the
//! live strings are copied into a fresh buffer (their symbols stay).
//!
//! Hand-written over `hashbrown::HashTable`, which stores only the 4-byte symbol and recomputes
//! a string's hash from the string when it grows: the interner crates (`lasso`,
//! `string-interner`) never free a string, and a sliding window must.

use hashbrown::HashTable;
use std::num::NonZeroU32;
use xxhash_rust::xxh3::xxh3_64;

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
    len: u32,
    holders: u32,
}

/// Reference-counted strings.
#[derive(Debug, Default)]
pub struct Interner {
    /// Every held string, back to back, with the gaps freed strings left.
    buffer: String,
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

fn hash(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

fn text_at<'a>(buffer: &'a str, spans: &[Span], index: u32) -> &'a str {
    spans
        .get(index as usize)
        .filter(|span| span.holders > 0)
        .and_then(|span| {
            let start = span.start as usize;
            buffer.get(start..start + span.len as usize)
        })
        .unwrap_or("")
}

impl Interner {
    /// The symbol of `text`, if something holds it.
    pub fn get(&self, text: &str) -> Option<Sym> {
        let (buffer, spans) = (&self.buffer, &self.spans);
        self.table
            .find(hash(text), |&index| text_at(buffer, spans, index) == text)
            .map(|&index| Sym::at(index))
    }

    /// The symbol of `text`, with one more holder.
    pub fn intern(&mut self, text: &str) -> Sym {
        let hashed = hash(text);
        let (buffer, spans) = (&self.buffer, &mut self.spans);
        if let Some(&index) = self
            .table
            .find(hashed, |&index| text_at(buffer, spans, index) == text)
        {
            if let Some(span) = spans.get_mut(index as usize) {
                span.holders += 1;
            }
            return Sym::at(index);
        }
        let held = Span {
            start: self.buffer.len() as u32,
            len: text.len() as u32,
            holders: 1,
        };
        if self.buffer.capacity() - self.buffer.len() < text.len() {
            // Grows by an eighth, not double: the buffer lives as long as the window.
            self.buffer
                .reserve_exact(text.len().max(self.buffer.len() / 8));
        }
        self.buffer.push_str(text);
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
            .insert_unique(hashed, index, |&other| hash(text_at(buffer, spans, other)));
        Sym::at(index)
    }

    /// The text of `sym` (empty if it was freed: a holder released it too often).
    pub fn resolve(&self, sym: Sym) -> &str {
        text_at(&self.buffer, &self.spans, sym.index())
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
        let hashed = hash(text_at(&self.buffer, &self.spans, index));
        if let Ok(found) = self.table.find_entry(hashed, |&other| other == index) {
            found.remove();
        }
        let span = &mut self.spans[index as usize];
        span.holders = 0;
        self.gaps += span.len as usize;
        self.free.push(index);
        if self.gaps >= MIN_GAPS && self.gaps * GAP_SHARE >= self.buffer.len() {
            self.close_gaps();
        }
    }

    /// Copies the live strings into a fresh buffer, in the order they sit.
    fn close_gaps(&mut self) {
        let mut buffer = String::with_capacity(self.buffer.len() - self.gaps);
        let mut live: Vec<u32> = (0..self.spans.len() as u32)
            .filter(|&index| self.spans[index as usize].holders > 0)
            .collect();
        live.sort_unstable_by_key(|&index| self.spans[index as usize].start);
        for index in live {
            let span = &mut self.spans[index as usize];
            let start = span.start as usize;
            let text = self
                .buffer
                .get(start..start + span.len as usize)
                .unwrap_or("");
            span.start = buffer.len() as u32;
            buffer.push_str(text);
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
            strings.get("urn:999").map(|s| strings.resolve(s)),
            Some("urn:999")
        );
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
