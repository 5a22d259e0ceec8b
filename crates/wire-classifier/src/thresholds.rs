//! Decision thresholds chosen on held-out scores: the cut of a ranked list that maximises F1.

/// The threshold (a logit) that maximises F1 when `(logit, is_positive)` pairs at or above it
/// are predicted positive, and that F1. `None` when there is no positive pair.
pub(crate) fn best_f1_threshold(pairs: &mut [(f32, bool)]) -> Option<(f32, f64)> {
    let positives = pairs.iter().filter(|(_, positive)| *positive).count();
    if positives == 0 {
        return None;
    }
    pairs.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let mut true_positives = 0usize;
    let mut false_positives = 0usize;
    let mut best: Option<(f32, f64)> = None;
    for index in 0..pairs.len() {
        let (score, positive) = pairs[index];
        if positive {
            true_positives += 1;
        } else {
            false_positives += 1;
        }
        let next = pairs.get(index + 1).map(|(next_score, _)| *next_score);
        if next == Some(score) {
            continue; // a cut can only fall between different scores
        }
        let f1 = 2.0 * true_positives as f64
            / (2 * true_positives + false_positives + (positives - true_positives)) as f64;
        if best.is_none_or(|(_, best_f1)| f1 > best_f1) {
            let threshold = match next {
                Some(next_score) => (score + next_score) / 2.0,
                None => score - 1.0,
            };
            best = Some((threshold, f1));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_cut_between_classes_when_separable() {
        let mut pairs = vec![(3.0, true), (-1.0, false), (1.0, true), (0.0, false)];
        let (threshold, f1) = best_f1_threshold(&mut pairs).unwrap();
        assert_eq!(threshold, 0.5);
        assert_eq!(f1, 1.0);
    }

    #[test]
    fn trades_a_false_positive_for_a_recovered_positive() {
        // Cutting below -2 gains one true positive for one false positive: F1 4/5 -> 6/7.
        let mut pairs = vec![(2.0, true), (1.0, true), (-1.0, false), (-2.0, true)];
        let (threshold, f1) = best_f1_threshold(&mut pairs).unwrap();
        assert_eq!(threshold, -3.0);
        assert!((f1 - 6.0 / 7.0).abs() < 1e-9);
    }

    #[test]
    fn no_positive_gives_no_threshold() {
        assert!(best_f1_threshold(&mut [(1.0, false)]).is_none());
        assert!(best_f1_threshold(&mut []).is_none());
    }
}
