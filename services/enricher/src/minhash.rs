//! Pure: MinHash signatures over shingle hashes and their LSH band keys.
//!
//! A signature is a one-permutation MinHash (Li, Owen and Zhang 2012) with optimal
//! densification (Shrivastava 2017): each shingle is hashed once, the hash picks one of
//! [`HASHES`] bins and the bin keeps its smallest value; an empty bin borrows the value of a
//! filled bin picked by a fixed probe sequence, so that two sets agree on a bin with
//! probability their Jaccard similarity, as with [`HASHES`] independent permutations, for one
//! hash per shingle instead of [`HASHES`]. (Hand-written: the MinHash crates compute
//! `HASHES` hashes per shingle.)
//!
//! [`HASHES`] = [`BANDS`] × [`ROWS`]: two articles become candidates when all rows of at least
//! one band agree, which for Jaccard similarity J happens with probability
//! 1 − (1 − J^ROWS)^BANDS: 0.93 at J = 0.4, 0.999 at J = 0.6, 0.12 at J = 0.15. Candidates are
//! then verified (see `index`), so the bands trade a few extra verifications for recall on
//! heavily cut pickups.

/// Values (bins) per signature.
pub const HASHES: usize = 96;
/// LSH bands.
pub const BANDS: usize = 32;
/// Signature rows per band.
pub const ROWS: usize = HASHES / BANDS;

/// The signature scheme [`signature`] computes, persisted with each index entry: signatures
/// of different schemes cannot be compared. 0 was [`HASHES`] seeded hashes per shingle.
pub const SCHEME: u8 = 1;

/// One signature value: the low 8 bits of the minimum of a 32-bit hash (b-bit minwise
/// hashing, b = 8). Two signatures agree on a value when the minimum is the same shingle
/// (probability J) or by chance (1/256 of the rest): [`jaccard`] corrects for the chance.
pub type Value = u8;

/// The chance that two different minimums agree on their [`Value`].
const CHANCE_AGREEMENT: f64 = 1.0 / 256.0;

/// The seed of the one hash of a shingle (fixed, so signatures survive restarts).
const SHINGLE_SEED: u64 = 0x5EED_0F00_D1CE_0001;
/// The seed of the probe sequence of empty bins.
const PROBE_SEED: u64 = 0xD0E5_17F1_11ED_0002;
/// Probes of an empty bin before it takes the next filled bin in order instead (reached
/// only by sets of a few shingles: with 9 filled bins of 96, 384 probes all miss with
/// probability 10⁻¹⁶).
const MAX_PROBES: u64 = 384;

const fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A 32-bit minimum as a [`Value`]: its low 8 bits (persisted signatures are lists of `u32`;
/// those written with wider values read back to the same values).
pub fn narrow(full: u32) -> Value {
    (full & 0xFF) as Value
}

/// A [`Value`] as the `u32` of the persisted form.
pub fn widen(value: Value) -> u32 {
    u32::from(value)
}

/// A bin in `0..HASHES` from 32 hash bits (multiply-shift range reduction).
fn bin_of(bits: u64) -> usize {
    (((bits & 0xFFFF_FFFF) * HASHES as u64) >> 32) as usize
}

/// The MinHash signature of a set of shingle hashes (all values `u32::MAX`, narrowed, for
/// the empty set).
pub fn signature(shingles: &[u64]) -> Vec<Value> {
    let mut minimums: [Option<u32>; HASHES] = [None; HASHES];
    for &shingle in shingles {
        let hash = splitmix64(shingle ^ SHINGLE_SEED);
        let minimum = &mut minimums[bin_of(hash >> 32)];
        let value = hash as u32;
        if minimum.is_none_or(|kept| value < kept) {
            *minimum = Some(value);
        }
    }
    if shingles.is_empty() {
        return vec![narrow(u32::MAX); HASHES];
    }
    (0..HASHES)
        .map(|bin| narrow(minimums[bin].unwrap_or_else(|| borrowed(&minimums, bin))))
        .collect()
}

/// The value an empty bin takes: that of the first filled bin of its probe sequence (the same
/// sequence in every signature), else of the next filled bin after it.
fn borrowed(minimums: &[Option<u32>; HASHES], empty_bin: usize) -> u32 {
    let probe_base = PROBE_SEED ^ ((empty_bin as u64) << 32);
    (1..=MAX_PROBES)
        .find_map(|probe| minimums[bin_of(splitmix64(probe_base ^ probe))])
        .or_else(|| (1..HASHES).find_map(|step| minimums[(empty_bin + step) % HASHES]))
        .unwrap_or(u32::MAX)
}

/// The estimated Jaccard similarity of two signatures: the share of agreeing values, less
/// the agreements expected by chance (Li and König, b-bit minwise hashing, sparse sets).
pub fn jaccard(a: &[Value], b: &[Value]) -> f64 {
    let agreeing = a.iter().zip(b).filter(|(x, y)| x == y).count();
    let share = agreeing as f64 / HASHES as f64;
    ((share - CHANCE_AGREEMENT) / (1.0 - CHANCE_AGREEMENT)).max(0.0)
}

/// The estimated share of the smaller set contained in the larger, from the Jaccard estimate
/// and the set sizes: |A ∩ B| = J (|A| + |B|) / (1 + J).
pub fn containment(jaccard: f64, size_a: usize, size_b: usize) -> f64 {
    let smaller = size_a.min(size_b).max(1) as f64;
    let intersection = jaccard * (size_a + size_b) as f64 / (1.0 + jaccard);
    (intersection / smaller).min(1.0)
}

/// The LSH bucket keys of a signature, one per band (bands past the end of a short
/// signature have the key of no rows).
pub fn band_keys(signature: &[Value]) -> [u64; BANDS] {
    let mut keys = [0; BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        *key = band_key(signature, band);
    }
    keys
}

/// The LSH bucket key of one band of a signature.
pub fn band_key(signature: &[Value], band: usize) -> u64 {
    let rows = signature.get(band * ROWS..(band + 1) * ROWS).unwrap_or(&[]);
    let mut key = splitmix64(band as u64);
    for row in rows {
        key = splitmix64(key ^ u64::from(*row));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{Words, shingles};

    fn sig(text: &str) -> (Vec<Value>, usize) {
        let s = shingles(&Words::of(text));
        (signature(&s), s.len())
    }

    const STORY: &str = "Top US envoy John Kerry met Russia's President Vladimir Putin on \
        Thursday to offer him closer military cooperation in the hope of salvaging the stalled \
        Syria peace process. Ahead of the talks, pessimistic US officials were careful to say \
        the trip was not a last chance for diplomacy to work, but stressed they were running \
        out of patience with Moscow. The key to the meeting, as revealed in a leaked document, \
        is an offer for the US military to work with Russia against militant groups.";

    #[test]
    fn identical_texts_have_identical_signatures() {
        assert_eq!(sig(STORY), sig(STORY));
        assert_eq!(jaccard(&sig(STORY).0, &sig(STORY).0), 1.0);
    }

    #[test]
    fn a_cut_pickup_is_highly_contained_in_its_original() {
        let cut = &STORY[..STORY.len() * 2 / 3];
        let (a, size_a) = sig(STORY);
        let (b, size_b) = sig(cut);
        let j = jaccard(&a, &b);
        assert!(j > 0.45 && j < 0.85, "jaccard {j}");
        assert!(containment(j, size_a, size_b) > 0.85);
        // They share a band: the index finds the pair without scanning.
        let shared = band_keys(&a)
            .iter()
            .zip(band_keys(&b))
            .filter(|(x, y)| **x == *y)
            .count();
        assert!(shared > 0);
    }

    #[test]
    fn every_bin_of_a_short_text_is_filled_from_its_own_shingles() {
        let short = "Kerry met Putin in Moscow on Thursday to discuss the Syria peace process";
        let (short_signature, shingle_count) = sig(short);
        assert!(shingle_count < HASHES / 4);
        assert_eq!(short_signature.len(), HASHES);
        let mut values: Vec<Value> = shingles(&Words::of(short))
            .iter()
            .map(|&s| narrow(splitmix64(s ^ SHINGLE_SEED) as u32))
            .collect();
        values.sort_unstable();
        assert!(
            short_signature
                .iter()
                .all(|v| values.binary_search(v).is_ok())
        );
        assert_eq!(short_signature, sig(short).0);
        assert_eq!(signature(&[]), vec![narrow(u32::MAX); HASHES]);
    }

    #[test]
    fn the_estimate_follows_the_true_jaccard_similarity() {
        // Sets of 300 shingles overlapping by a known share: the mean estimate over many
        // pairs is close to the truth (one-permutation hashing is unbiased).
        for (shared, truth) in [(300u64, 1.0), (200, 200.0 / 400.0), (100, 100.0 / 500.0)] {
            let mut total = 0.0;
            let pairs = 200u64;
            for pair in 0..pairs {
                let base = pair * 1_000_000;
                let a: Vec<u64> = (base..base + 300).map(splitmix64).collect();
                let b: Vec<u64> = (base + 300 - shared..base + 600 - shared)
                    .map(splitmix64)
                    .collect();
                total += jaccard(&signature(&a), &signature(&b));
            }
            let mean = total / pairs as f64;
            assert!(
                (mean - truth).abs() < 0.02,
                "truth {truth}, mean estimate {mean}"
            );
        }
    }

    #[test]
    fn unrelated_texts_are_far_apart() {
        let other = "The central bank left its key interest rate unchanged on Wednesday and \
            said inflation would return to target next year as energy prices ease and wage \
            growth slows across the economy, according to a statement from the governor.";
        let j = jaccard(&sig(STORY).0, &sig(other).0);
        assert!(j < 0.05, "jaccard {j}");
    }
}
