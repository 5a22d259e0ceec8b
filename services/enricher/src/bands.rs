//! Pure: the LSH band tables of the duplicate index: for each of the [`BANDS`] bands, which
//! indexed articles have a given band key.
//!
//! One `hashbrown::HashTable` of 4-byte slots per band, hashed by the band key, which is not
//! stored: whoever asks passes a function that recomputes the key of a slot's band from the
//! article's signature (three rows, a few nanoseconds), used to confirm a match and when a
//! table grows. A posting costs about 7 bytes (4 bytes, a control byte, the free share of the
//! table), against about 26 for a `HashMap<u64, u32>` entry. Most keys have one member; keys
//! shared by copies of one story simply hold one cell per member.
//!
//! Hand-written over `HashTable` because no multimap crate stores values without their keys.

use crate::minhash::BANDS;
use hashbrown::HashTable;

/// An article's place in the index.
pub type Slot = u32;

/// The band tables.
#[derive(Debug)]
pub struct Bands {
    tables: Vec<HashTable<Slot>>,
}

impl Default for Bands {
    fn default() -> Self {
        Self {
            tables: (0..BANDS).map(|_| HashTable::new()).collect(),
        }
    }
}

impl Bands {
    /// Adds `slot` under each of its band `keys`. `key_of(slot, band)` gives the key of an
    /// indexed slot's band (called when a table grows).
    pub fn insert(&mut self, slot: Slot, keys: &[u64; BANDS], key_of: impl Fn(Slot, usize) -> u64) {
        for (band, (table, key)) in self.tables.iter_mut().zip(keys).enumerate() {
            table.insert_unique(*key, slot, |&other| key_of(other, band));
        }
    }

    /// Removes `slot` from under its band `keys`.
    pub fn remove(&mut self, slot: Slot, keys: &[u64; BANDS]) {
        for (table, key) in self.tables.iter_mut().zip(keys) {
            if let Ok(found) = table.find_entry(*key, |&other| other == slot) {
                found.remove();
            }
        }
    }

    /// The slots sharing at least one band key with `keys` (with repeats), appended to `out`.
    pub fn matches(
        &self,
        keys: &[u64; BANDS],
        key_of: impl Fn(Slot, usize) -> u64,
        out: &mut Vec<Slot>,
    ) {
        for (band, (table, key)) in self.tables.iter().zip(keys).enumerate() {
            // `iter_hash` also yields cells of other keys that share a 7-bit tag: confirm.
            out.extend(
                table
                    .iter_hash(*key)
                    .copied()
                    .filter(|&slot| key_of(slot, band) == *key),
            );
        }
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.tables.iter().all(HashTable::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slot `s` has key `s / 2` in every band (pairs of slots share their keys).
    fn keys_of(slot: Slot) -> [u64; BANDS] {
        let mut keys = [0; BANDS];
        for (band, key) in keys.iter_mut().enumerate() {
            *key = key_of(slot, band);
        }
        keys
    }

    fn key_of(slot: Slot, band: usize) -> u64 {
        (u64::from(slot / 2) ^ (band as u64) << 40).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    #[test]
    fn shared_keys_find_every_member_and_removal_forgets_one() {
        let mut bands = Bands::default();
        for slot in 0..10_000 {
            bands.insert(slot, &keys_of(slot), key_of);
        }
        let mut found = Vec::new();
        bands.matches(&keys_of(4), key_of, &mut found);
        found.sort_unstable();
        found.dedup();
        assert_eq!(found, [4, 5]);
        bands.remove(4, &keys_of(4));
        found.clear();
        bands.matches(&keys_of(5), key_of, &mut found);
        assert_eq!(found.len(), BANDS);
        assert!(found.iter().all(|&slot| slot == 5));
        for slot in (0..10_000).filter(|&slot| slot != 4) {
            bands.remove(slot, &keys_of(slot));
        }
        assert!(bands.is_empty());
    }
}
