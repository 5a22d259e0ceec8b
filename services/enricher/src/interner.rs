//! Pure: the strings the duplicate index names (uris, families, stories, sources, the status
//! part of content hashes), each held once however many entries name it, and freed when the
//! last entry naming it leaves the window.
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

/// Reference-counted strings.
#[derive(Debug, Default)]
pub struct Interner {
    /// The string and how many holders it has, at its symbol's index; `None` when free.
    strings: Vec<Option<(Box<str>, u32)>>,
    free: Vec<u32>,
    /// Indices into `strings`, hashed by their string.
    table: HashTable<u32>,
}

fn hash(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

fn text_at(strings: &[Option<(Box<str>, u32)>], index: u32) -> &str {
    strings
        .get(index as usize)
        .and_then(Option::as_ref)
        .map_or("", |(text, _)| text)
}

impl Interner {
    /// The symbol of `text`, if something holds it.
    pub fn get(&self, text: &str) -> Option<Sym> {
        self.table
            .find(hash(text), |&index| text_at(&self.strings, index) == text)
            .map(|&index| Sym::at(index))
    }

    /// The symbol of `text`, with one more holder.
    pub fn intern(&mut self, text: &str) -> Sym {
        let hashed = hash(text);
        let strings = &mut self.strings;
        if let Some(&index) = self
            .table
            .find(hashed, |&index| text_at(strings, index) == text)
        {
            if let Some((_, holders)) = strings.get_mut(index as usize).and_then(Option::as_mut) {
                *holders += 1;
            }
            return Sym::at(index);
        }
        let held = Some((Box::from(text), 1));
        let index = match self.free.pop() {
            Some(index) => {
                strings[index as usize] = held;
                index
            }
            None => {
                strings.push(held);
                (strings.len() - 1) as u32
            }
        };
        let strings = &self.strings;
        self.table
            .insert_unique(hashed, index, |&other| hash(text_at(strings, other)));
        Sym::at(index)
    }

    /// The text of `sym` (empty if it was freed: a holder released it too often).
    pub fn resolve(&self, sym: Sym) -> &str {
        text_at(&self.strings, sym.index())
    }

    /// One holder fewer for `sym`; the string is freed with its last holder.
    pub fn release(&mut self, sym: Sym) {
        let index = sym.index();
        let Some((text, holders)) = self
            .strings
            .get_mut(index as usize)
            .and_then(Option::as_mut)
        else {
            return;
        };
        *holders -= 1;
        if *holders > 0 {
            return;
        }
        if let Ok(found) = self.table.find_entry(hash(text), |&other| other == index) {
            found.remove();
        }
        self.strings[index as usize] = None;
        self.free.push(index);
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
}
