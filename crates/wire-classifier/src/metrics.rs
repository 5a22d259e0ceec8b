//! Multi-label precision, recall and F1: per label, micro-averaged and macro-averaged.

use serde::{Deserialize, Serialize};

/// Precision, recall and F1 of one label or of an average.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PrecisionRecallF1 {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl PrecisionRecallF1 {
    /// From counts; a ratio with a zero denominator is 0.
    pub fn from_counts(
        true_positives: usize,
        false_positives: usize,
        false_negatives: usize,
    ) -> Self {
        let ratio = |numerator: usize, denominator: usize| {
            if denominator == 0 {
                0.0
            } else {
                numerator as f64 / denominator as f64
            }
        };
        PrecisionRecallF1 {
            precision: ratio(true_positives, true_positives + false_positives),
            recall: ratio(true_positives, true_positives + false_negatives),
            f1: ratio(
                2 * true_positives,
                2 * true_positives + false_positives + false_negatives,
            ),
        }
    }
}

/// The figures of one label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelScores {
    pub label: String,
    /// Documents that truly have the label.
    pub support: usize,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub scores: PrecisionRecallF1,
}

/// Micro and macro averages over labels, and each label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiLabelScores {
    pub documents: usize,
    /// Pooled counts of every label.
    pub micro: PrecisionRecallF1,
    /// Unweighted means of the per-label precision, recall and F1.
    pub macro_average: PrecisionRecallF1,
    pub per_label: Vec<LabelScores>,
}

/// Scores `predicted` against `gold`; both hold label indices into `labels` per document.
pub fn score_multi_label(
    labels: &[String],
    gold: &[Vec<usize>],
    predicted: &[Vec<usize>],
) -> MultiLabelScores {
    let mut counts = vec![(0usize, 0usize, 0usize); labels.len()];
    for (truth, guess) in gold.iter().zip(predicted) {
        for &label in guess {
            if let Some(count) = counts.get_mut(label) {
                if truth.contains(&label) {
                    count.0 += 1;
                } else {
                    count.1 += 1;
                }
            }
        }
        for &label in truth {
            if let Some(count) = counts.get_mut(label)
                && !guess.contains(&label)
            {
                count.2 += 1;
            }
        }
    }
    let per_label: Vec<LabelScores> = labels
        .iter()
        .zip(&counts)
        .map(|(label, &(tp, fp, fn_))| LabelScores {
            label: label.clone(),
            support: tp + fn_,
            true_positives: tp,
            false_positives: fp,
            false_negatives: fn_,
            scores: PrecisionRecallF1::from_counts(tp, fp, fn_),
        })
        .collect();
    let total = counts.iter().fold((0, 0, 0), |sum, count| {
        (sum.0 + count.0, sum.1 + count.1, sum.2 + count.2)
    });
    let mean = |pick: fn(&PrecisionRecallF1) -> f64| {
        if per_label.is_empty() {
            0.0
        } else {
            per_label
                .iter()
                .map(|label| pick(&label.scores))
                .sum::<f64>()
                / per_label.len() as f64
        }
    };
    MultiLabelScores {
        documents: gold.len().min(predicted.len()),
        micro: PrecisionRecallF1::from_counts(total.0, total.1, total.2),
        macro_average: PrecisionRecallF1 {
            precision: mean(|s| s.precision),
            recall: mean(|s| s.recall),
            f1: mean(|s| s.f1),
        },
        per_label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_pools_counts_and_macro_averages_labels() {
        let labels = vec!["a".to_string(), "b".to_string()];
        let gold = vec![vec![0], vec![0, 1], vec![1]];
        let predicted = vec![vec![0], vec![0], vec![0]];
        let scores = score_multi_label(&labels, &gold, &predicted);
        // a: tp 2, fp 1, fn 0 -> F1 0.8; b: tp 0, fn 2 -> F1 0.
        assert!((scores.per_label[0].scores.f1 - 0.8).abs() < 1e-12);
        assert_eq!(scores.per_label[1].scores.f1, 0.0);
        assert!((scores.macro_average.f1 - 0.4).abs() < 1e-12);
        // pooled: tp 2, fp 1, fn 2 -> F1 4/7.
        assert!((scores.micro.f1 - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(scores.per_label[1].support, 2);
    }
}
