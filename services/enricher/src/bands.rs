//! Pure: the LSH band tables of the duplicate index: for each of the [`BANDS`] bands, which
//! indexed articles have a given band key.
//!
//! One `hashbrown::HashTable` of 3-byte cells per band, hashed by the band key, which is not
//! stored: whoever asks passes a function that recomputes the key of a slot's band from the
//! article's signature (three rows, a few nanoseconds), used to confirm a match and when a
//! table grows. A cell holds the low 24 bits of a slot: slots are queue positions, and the
//! queue is kept shorter than [`SLOT_SPAN`] ([`MAX_QUEUE`]), so the oldest slot in the queue
//! (`first`, which every call passes) gives back the rest. A posting costs about 5.2 bytes
//! (3 bytes, a control byte, the free share of the table; 6.5 with 4-byte cells), against
//! about 26 for a `HashMap<u64, u32>` entry. Most keys have one member; keys shared by copies
//! of one story simply hold one cell per member.
//!
//! Hand-written over `HashTable` because no multimap crate stores values without their keys.

use crate::minhash::BANDS;
use hashbrown::HashTable;

/// An article's place in the index.
pub type Slot = u32;

/// How many consecutive slots the cells tell apart (2^24).
pub const SLOT_SPAN: usize = 1 << 24;

/// The longest the queue of slots may be (its owner evicts beyond it): well inside
/// [`SLOT_SPAN`], so slots added between two evictions still decode.
pub const MAX_QUEUE: usize = SLOT_SPAN - (1 << 16);

/// The low 24 bits of a slot.
type Cell = [u8; 3];

fn cell(slot: Slot) -> Cell {
    let [a, b, c, _] = slot.to_le_bytes();
    [a, b, c]
}

/// The slot of `cell`, given the oldest slot in the queue.
fn slot(cell: Cell, first: Slot) -> Slot {
    let low = u32::from_le_bytes([cell[0], cell[1], cell[2], 0]);
    first.wrapping_add(low.wrapping_sub(first) & (SLOT_SPAN as u32 - 1))
}

/// The band tables.
#[derive(Debug)]
pub struct Bands {
    tables: Vec<HashTable<Cell>>,
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
    /// indexed slot's band (called when a table grows); `first` is the oldest slot in the queue.
    pub fn insert(
        &mut self,
        slot: Slot,
        keys: &[u64; BANDS],
        first: Slot,
        key_of: impl Fn(Slot, usize) -> u64,
    ) {
        let new = cell(slot);
        for (band, (table, key)) in self.tables.iter_mut().zip(keys).enumerate() {
            table.insert_unique(*key, new, |&other| key_of(self::slot(other, first), band));
        }
    }

    /// Removes `slot` from under its band `keys`.
    pub fn remove(&mut self, slot: Slot, keys: &[u64; BANDS]) {
        let gone = cell(slot);
        for (table, key) in self.tables.iter_mut().zip(keys) {
            if let Ok(found) = table.find_entry(*key, |&other| other == gone) {
                found.remove();
            }
        }
    }

    /// The slots sharing at least one band key with `keys` (with repeats), appended to `out`;
    /// `first` is the oldest slot in the queue.
    pub fn matches(
        &self,
        keys: &[u64; BANDS],
        first: Slot,
        key_of: impl Fn(Slot, usize) -> u64,
        out: &mut Vec<Slot>,
    ) {
        for (band, (table, key)) in self.tables.iter().zip(keys).enumerate() {
            // `iter_hash` also yields cells of other keys that share a 7-bit tag: confirm.
            out.extend(
                table
                    .iter_hash(*key)
                    .map(|&cell| slot(cell, first))
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
            bands.insert(slot, &keys_of(slot), 0, key_of);
        }
        let mut found = Vec::new();
        bands.matches(&keys_of(4), 0, key_of, &mut found);
        found.sort_unstable();
        found.dedup();
        assert_eq!(found, [4, 5]);
        bands.remove(4, &keys_of(4));
        found.clear();
        bands.matches(&keys_of(5), 0, key_of, &mut found);
        assert_eq!(found.len(), BANDS);
        assert!(found.iter().all(|&slot| slot == 5));
        for slot in (0..10_000).filter(|&slot| slot != 4) {
            bands.remove(slot, &keys_of(slot));
        }
        assert!(bands.is_empty());
    }

    #[test]
    fn slots_past_the_24_bits_decode_from_the_oldest_slot() {
        // A queue whose slots wrap around u32 and cross a multiple of 2^24.
        let first: Slot = u32::MAX - 5;
        let mut bands = Bands::default();
        let slots: Vec<Slot> = (0..20).map(|i| first.wrapping_add(i)).collect();
        for &slot in &slots {
            bands.insert(slot, &keys_of(slot), first, key_of);
        }
        for &slot in &slots {
            let mut found = Vec::new();
            bands.matches(&keys_of(slot), first, key_of, &mut found);
            assert!(found.contains(&slot), "{slot} not found");
            assert!(found.iter().all(|other| other / 2 == slot / 2));
        }
        let far = first.wrapping_add(MAX_QUEUE as u32 - 1);
        bands.insert(far, &keys_of(far), first, key_of);
        let mut found = Vec::new();
        bands.matches(&keys_of(far), first, key_of, &mut found);
        assert!(found.contains(&far));
    }
}
