//! A trained model and what it predicts.

use crate::features::{FeatureConfig, SparseVector, extract_features};
use crate::linear::{LinearWeights, sigmoid};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A trained one-vs-rest linear classifier with its feature settings and per-label thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub(crate) labels: Vec<String>,
    pub(crate) features: FeatureConfig,
    /// Weights already rounded to `steps` (see `linear::quantize`).
    pub(crate) linear: LinearWeights,
    /// Quantisation step of each label's weights.
    pub(crate) steps: Vec<f32>,
    /// Decision thresholds, as logits.
    pub(crate) thresholds: Vec<f32>,
    pub(crate) at_least_one_label: bool,
}

/// The labels predicted for a text, best first, and the probability of every label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub labels: Vec<String>,
    pub scores: BTreeMap<String, f32>,
}

impl Model {
    /// The labels the model knows, sorted.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The feature settings the model was trained with.
    pub fn feature_config(&self) -> &FeatureConfig {
        &self.features
    }

    /// Each label's decision threshold as a probability.
    pub fn thresholds(&self) -> BTreeMap<String, f32> {
        self.labels
            .iter()
            .cloned()
            .zip(self.thresholds.iter().map(|&logit| sigmoid(logit)))
            .collect()
    }

    /// Predicts the labels of `text`.
    pub fn predict(&self, text: &str) -> Prediction {
        let logits = self.linear.logits(&extract_features(&self.features, text));
        let labels = self
            .decide(&logits)
            .into_iter()
            .filter_map(|label| self.labels.get(label).cloned())
            .collect();
        let scores = self
            .labels
            .iter()
            .cloned()
            .zip(logits.iter().map(|&logit| sigmoid(logit)))
            .collect();
        Prediction { labels, scores }
    }

    /// Indices of the predicted labels of `text`, best first.
    pub(crate) fn predict_indices(&self, text: &str) -> Vec<usize> {
        self.predict_indices_of_vector(&extract_features(&self.features, text))
    }

    /// Indices of the predicted labels of an extracted feature vector, best first.
    pub(crate) fn predict_indices_of_vector(&self, vector: &SparseVector) -> Vec<usize> {
        self.decide(&self.linear.logits(vector))
    }

    /// Labels whose logit reaches the threshold, by decreasing margin; the best label alone when
    /// none does and `at_least_one_label` is set.
    fn decide(&self, logits: &[f32]) -> Vec<usize> {
        let mut passing: Vec<(usize, f32)> = logits
            .iter()
            .zip(&self.thresholds)
            .enumerate()
            .filter(|(_, (logit, threshold))| logit >= threshold)
            .map(|(label, (logit, threshold))| (label, logit - threshold))
            .collect();
        if passing.is_empty() && self.at_least_one_label {
            passing = logits
                .iter()
                .zip(&self.thresholds)
                .map(|(logit, threshold)| logit - threshold)
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .into_iter()
                .collect();
        }
        passing.sort_by(|a, b| b.1.total_cmp(&a.1));
        passing.into_iter().map(|(label, _)| label).collect()
    }
}
