//! Training: the configuration, threshold tuning on out-of-fold scores, and `Model::train`.

use crate::error::{ClassifierError, Result};
use crate::features::{FeatureConfig, SparseVector, extract_features};
use crate::linear::{LinearWeights, SgdSettings, SplitMix64, fit, quantize};
use crate::model::Model;
use crate::thresholds::best_f1_threshold;
use crate::training_data::TrainingExample;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Training refuses `labels * 2^bucket_bits` above this (two f32 tables of this many cells are
/// held while training): lower `bucket_bits` for archives with many labels.
pub(crate) const MAX_WEIGHT_CELLS: usize = 1 << 28;

/// How a label's decision threshold is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum ThresholdRule {
    /// Predict a label when its probability is at least `probability`.
    Fixed { probability: f32 },
    /// One threshold for every label, maximising micro-F1 on out-of-fold scores.
    Global,
    /// One threshold per label maximising its F1 on out-of-fold scores; labels with fewer
    /// than `min_positives` examples use the global threshold.
    PerLabel { min_positives: usize },
}

/// Everything that decides what `Model::train` learns. The defaults are the settings chosen
/// by cross-validation on the Reuters-21578 ModApte TRAIN split (see the crate documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingConfig {
    pub features: FeatureConfig,
    /// Passes over the training set.
    pub epochs: usize,
    /// AdaGrad base learning rate.
    pub learning_rate: f32,
    /// L2 penalty, applied to the weights an example touches.
    pub l2: f32,
    /// Seeds the shuffles: the same examples and config give the same model.
    pub seed: u64,
    pub threshold: ThresholdRule,
    /// Folds of the training set whose out-of-fold scores tune the thresholds (>= 2 unless the
    /// rule is `Fixed`).
    pub threshold_folds: usize,
    /// When no label passes its threshold, predict the best-scoring one anyway.
    pub at_least_one_label: bool,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        TrainingConfig {
            features: FeatureConfig::default(),
            epochs: 10,
            learning_rate: 0.5,
            l2: 1e-3,
            seed: 1987,
            threshold: ThresholdRule::PerLabel { min_positives: 5 },
            threshold_folds: 3,
            at_least_one_label: false,
        }
    }
}

impl TrainingConfig {
    /// Checks the ranges; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        self.features.validate()?;
        if self.epochs == 0 {
            return Err("epochs must be at least 1".into());
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(format!(
                "learning_rate must be > 0, not {}",
                self.learning_rate
            ));
        }
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(format!("l2 must be >= 0, not {}", self.l2));
        }
        match self.threshold {
            ThresholdRule::Fixed { probability } if !(probability > 0.0 && probability < 1.0) => {
                Err(format!(
                    "threshold probability must be in (0, 1), not {probability}"
                ))
            }
            ThresholdRule::Global | ThresholdRule::PerLabel { .. } if self.threshold_folds < 2 => {
                Err(format!(
                    "threshold_folds must be at least 2, not {}",
                    self.threshold_folds
                ))
            }
            _ => Ok(()),
        }
    }

    fn sgd(&self) -> SgdSettings {
        SgdSettings {
            epochs: self.epochs,
            learning_rate: self.learning_rate,
            l2: self.l2,
            seed: self.seed,
        }
    }
}

impl Model {
    /// Learns a model from `examples`. Labels are every label seen, sorted.
    pub fn train(examples: &[TrainingExample], config: &TrainingConfig) -> Result<Model> {
        let prepared = PreparedExamples::new(examples, &config.features)?;
        let everything: Vec<usize> = (0..examples.len()).collect();
        prepared.train(&everything, config)
    }
}

/// Examples turned into feature vectors and label indices once, so cross-validation and
/// threshold tuning train many times without extracting again.
pub(crate) struct PreparedExamples {
    pub labels: Vec<String>,
    pub features: FeatureConfig,
    pub vectors: Vec<SparseVector>,
    pub targets: Vec<Vec<usize>>,
}

impl PreparedExamples {
    pub fn new(examples: &[TrainingExample], features: &FeatureConfig) -> Result<Self> {
        features.validate().map_err(ClassifierError::CannotTrain)?;
        let labels: Vec<String> = examples
            .iter()
            .flat_map(|example| example.labels.iter().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let vectors = examples
            .iter()
            .map(|example| extract_features(features, &example.text))
            .collect();
        let targets = examples
            .iter()
            .map(|example| {
                let mut indices: Vec<usize> = example
                    .labels
                    .iter()
                    .filter_map(|label| labels.binary_search(label).ok())
                    .collect();
                indices.sort_unstable();
                indices.dedup();
                indices
            })
            .collect();
        Ok(PreparedExamples {
            labels,
            features: features.clone(),
            vectors,
            targets,
        })
    }

    /// Trains on the examples `subset`.
    pub fn train(&self, subset: &[usize], config: &TrainingConfig) -> Result<Model> {
        config.validate().map_err(ClassifierError::CannotTrain)?;
        if config.features != self.features {
            return Err(ClassifierError::CannotTrain(
                "feature config differs from the one the examples were prepared with".into(),
            ));
        }
        if subset.is_empty() {
            return Err(ClassifierError::CannotTrain("no training examples".into()));
        }
        if self.labels.is_empty() {
            return Err(ClassifierError::CannotTrain(
                "no example has a label".into(),
            ));
        }
        let buckets = config.features.buckets();
        if self.labels.len().saturating_mul(buckets) > MAX_WEIGHT_CELLS {
            return Err(ClassifierError::CannotTrain(format!(
                "{} labels x 2^{} buckets is too large; lower features.bucket_bits",
                self.labels.len(),
                config.features.bucket_bits
            )));
        }
        let thresholds = self.thresholds(subset, config);
        let mut linear = self.fit(subset, config);
        let steps = quantize(&mut linear);
        Ok(Model {
            labels: self.labels.clone(),
            features: config.features.clone(),
            linear,
            steps,
            thresholds,
            at_least_one_label: config.at_least_one_label,
        })
    }

    fn fit(&self, subset: &[usize], config: &TrainingConfig) -> LinearWeights {
        fit(
            &self.vectors,
            &self.targets,
            subset,
            self.labels.len(),
            config.features.buckets(),
            config.sgd(),
        )
    }

    /// Logit thresholds, one per label.
    fn thresholds(&self, subset: &[usize], config: &TrainingConfig) -> Vec<f32> {
        let labels = self.labels.len();
        let min_positives = match config.threshold {
            ThresholdRule::Fixed { probability } => {
                return vec![(probability / (1.0 - probability)).ln(); labels];
            }
            ThresholdRule::Global => usize::MAX,
            ThresholdRule::PerLabel { min_positives } => min_positives,
        };
        let scored = self.out_of_fold_logits(subset, config);
        let mut all_pairs = Vec::with_capacity(scored.len() * labels);
        for (example, logits) in &scored {
            for (label, &logit) in logits.iter().enumerate() {
                all_pairs.push((logit, self.targets[*example].contains(&label)));
            }
        }
        let global = best_f1_threshold(&mut all_pairs).map_or(0.0, |(threshold, _)| threshold);
        (0..labels)
            .map(|label| {
                let mut pairs: Vec<(f32, bool)> = scored
                    .iter()
                    .map(|(example, logits)| {
                        (logits[label], self.targets[*example].contains(&label))
                    })
                    .collect();
                let positives = pairs.iter().filter(|(_, positive)| *positive).count();
                if positives < min_positives.max(1) {
                    return global;
                }
                best_f1_threshold(&mut pairs).map_or(global, |(threshold, _)| threshold)
            })
            .collect()
    }

    /// `(example, logits)` for every example of `subset`, each scored by a model that did not
    /// see it.
    pub fn out_of_fold_logits(
        &self,
        subset: &[usize],
        config: &TrainingConfig,
    ) -> Vec<(usize, Vec<f32>)> {
        let folds = fold_assignment(subset, config.threshold_folds, config.seed);
        let per_fold = parallel_map(&folds, |held_out| {
            let training: Vec<usize> = folds
                .iter()
                .filter(|fold| !std::ptr::eq(*fold, held_out))
                .flatten()
                .copied()
                .collect();
            let model = self.fit(&training, config);
            held_out
                .iter()
                .map(|&example| (example, model.logits(&self.vectors[example])))
                .collect::<Vec<_>>()
        });
        let mut scored: Vec<(usize, Vec<f32>)> = per_fold.into_iter().flatten().collect();
        scored.sort_unstable_by_key(|(example, _)| *example);
        scored
    }
}

/// Splits `subset` into `folds` groups after a seeded shuffle.
pub(crate) fn fold_assignment(subset: &[usize], folds: usize, seed: u64) -> Vec<Vec<usize>> {
    let folds = folds.max(1);
    let mut order = subset.to_vec();
    SplitMix64(seed ^ 0x666f_6c64).shuffle(&mut order);
    let mut groups = vec![Vec::new(); folds];
    for (position, example) in order.into_iter().enumerate() {
        groups[position % folds].push(example);
    }
    groups
}

/// Maps `items` with `work` on up to `available_parallelism` threads, keeping the order.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut results = Vec::with_capacity(items.len());
    for chunk in items.chunks(threads.max(1)) {
        let chunk_results: Vec<Option<R>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|item| scope.spawn(|| work(item)))
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().ok())
                .collect()
        });
        results.extend(chunk_results.into_iter().flatten());
    }
    results
}
