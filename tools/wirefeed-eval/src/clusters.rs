//! Pure: how well a predicted clustering agrees with a gold one. Pairwise precision and recall
//! (over all pairs of items placed in one cluster) for duplicate families, B-cubed (per item,
//! averaged) for event clusters, both computed from the contingency table, never over all
//! pairs.

use std::collections::HashMap;
use std::hash::Hash;

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Scores {
    fn new(precision: f64, recall: f64) -> Self {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Self {
            precision,
            recall,
            f1,
        }
    }
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "precision {:.4}  recall {:.4}  F1 {:.4}",
            self.precision, self.recall, self.f1
        )
    }
}

/// Pair counts of a clustering against gold.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PairCounts {
    /// Pairs together in both.
    pub true_positives: u64,
    /// Pairs together in the prediction.
    pub predicted: u64,
    /// Pairs together in gold.
    pub gold: u64,
}

impl PairCounts {
    pub fn scores(&self) -> Scores {
        // No pairs predicted (or none in gold) is perfect precision (recall) by convention.
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        Scores::new(
            ratio(self.true_positives, self.predicted),
            ratio(self.true_positives, self.gold),
        )
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Pairwise counts of `items` given as (predicted cluster, gold cluster).
pub fn pair_counts<P: Eq + Hash, G: Eq + Hash>(items: &[(P, G)]) -> PairCounts {
    let mut predicted: HashMap<&P, u64> = HashMap::new();
    let mut gold: HashMap<&G, u64> = HashMap::new();
    let mut both: HashMap<(&P, &G), u64> = HashMap::new();
    for (p, g) in items {
        *predicted.entry(p).or_default() += 1;
        *gold.entry(g).or_default() += 1;
        *both.entry((p, g)).or_default() += 1;
    }
    PairCounts {
        true_positives: both.values().map(|n| pairs(*n)).sum(),
        predicted: predicted.values().map(|n| pairs(*n)).sum(),
        gold: gold.values().map(|n| pairs(*n)).sum(),
    }
}

/// B-cubed precision and recall of `items` given as (predicted cluster, gold cluster).
pub fn b_cubed<P: Eq + Hash, G: Eq + Hash>(items: &[(P, G)]) -> Scores {
    if items.is_empty() {
        return Scores::new(1.0, 1.0);
    }
    let mut predicted: HashMap<&P, f64> = HashMap::new();
    let mut gold: HashMap<&G, f64> = HashMap::new();
    let mut both: HashMap<(&P, &G), f64> = HashMap::new();
    for (p, g) in items {
        *predicted.entry(p).or_default() += 1.0;
        *gold.entry(g).or_default() += 1.0;
        *both.entry((p, g)).or_default() += 1.0;
    }
    // Each item of cell (p, g) has precision |cell| / |p| and recall |cell| / |g|.
    let (mut precision, mut recall) = (0.0, 0.0);
    for ((p, g), cell) in &both {
        precision += cell * cell / predicted[p];
        recall += cell * cell / gold[g];
    }
    let n = items.len() as f64;
    Scores::new(precision / n, recall / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_counts_match_an_enumeration_of_pairs() {
        let items = [(1, 'a'), (1, 'a'), (1, 'b'), (2, 'b'), (3, 'c'), (3, 'c')];
        let counts = pair_counts(&items);
        let mut expected = PairCounts::default();
        for i in 0..items.len() {
            for j in i + 1..items.len() {
                let same_p = items[i].0 == items[j].0;
                let same_g = items[i].1 == items[j].1;
                expected.predicted += same_p as u64;
                expected.gold += same_g as u64;
                expected.true_positives += (same_p && same_g) as u64;
            }
        }
        assert_eq!(counts, expected);
        assert_eq!(
            counts,
            PairCounts {
                true_positives: 2,
                predicted: 4,
                gold: 3
            }
        );
        let scores = counts.scores();
        assert!((scores.precision - 0.5).abs() < 1e-9);
        assert!((scores.recall - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn b_cubed_of_a_perfect_and_of_a_lumped_clustering() {
        let perfect = [(1, 'a'), (1, 'a'), (2, 'b')];
        assert_eq!(b_cubed(&perfect), Scores::new(1.0, 1.0));
        // Everything in one cluster: each 'a' has precision 2/3, 'b' 1/3; recall is 1.
        let lumped = [(1, 'a'), (1, 'a'), (1, 'b')];
        let scores = b_cubed(&lumped);
        assert!((scores.precision - 5.0 / 9.0).abs() < 1e-9);
        assert!((scores.recall - 1.0).abs() < 1e-9);
    }
}
