//! A held-out evaluation over examples: cross-validation on the training examples and one model
//! trained on all of them scored on the test examples, each scored over the examples with at
//! least one label and over every example. Dataset readers and their conventions live in the
//! `wirefeed-eval` tool (the Reuters-21578 ModApte figure); this is the part that needs the
//! classifier's internals.

use crate::error::Result;
use crate::metrics::{MultiLabelScores, score_multi_label};
use crate::train::{PreparedExamples, TrainingConfig};
use crate::training_data::TrainingExample;
use crate::validation::cross_validated_predictions;
use serde::{Deserialize, Serialize};

/// Options of a held-out evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicsEvalOptions {
    pub config: TrainingConfig,
    /// Folds of TRAIN for the validation figures (0 or 1: no validation).
    pub validation_folds: usize,
    /// Train on TRAIN documents without any label too, as negatives for every label.
    pub train_on_unlabelled_documents: bool,
}

impl Default for TopicsEvalOptions {
    fn default() -> Self {
        TopicsEvalOptions {
            config: TrainingConfig::default(),
            validation_folds: 5,
            train_on_unlabelled_documents: true,
        }
    }
}

/// The scores of one split under both document conventions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitScores {
    /// Documents with at least one of the labels (the standard ModApte top-10 figure).
    pub with_top_label: MultiLabelScores,
    /// Every document of the split.
    pub all_documents: MultiLabelScores,
}

/// What [`evaluate_holdout`] measured.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldoutScores {
    /// Cross-validation on the training examples; `None` without validation.
    pub validation: Option<SplitScores>,
    /// The model trained on all training examples, scored on the test examples.
    pub test: SplitScores,
}

/// Cross-validates on `train` (`options.validation_folds` folds), then trains on all of `train`
/// and scores `test`. Test labels the training examples never carry are ignored.
pub fn evaluate_holdout(
    train: &[TrainingExample],
    test: &[TrainingExample],
    options: &TopicsEvalOptions,
) -> Result<HoldoutScores> {
    let prepared = PreparedExamples::new(train, &options.config.features)?;
    let trainable = |example: usize| {
        options.train_on_unlabelled_documents || !prepared.targets[example].is_empty()
    };
    let validation = if options.validation_folds >= 2 {
        let predictions = cross_validated_predictions(
            &prepared,
            &options.config,
            options.validation_folds,
            trainable,
        )?;
        let (gold, predicted): (Vec<Vec<usize>>, Vec<Vec<usize>>) = predictions
            .into_iter()
            .map(|(example, guess)| (prepared.targets[example].clone(), guess))
            .unzip();
        Some(split_scores(&prepared.labels, &gold, &predicted))
    } else {
        None
    };
    let training: Vec<usize> = (0..train.len()).filter(|&i| trainable(i)).collect();
    let model = prepared.train(&training, &options.config)?;
    let (gold, predicted): (Vec<Vec<usize>>, Vec<Vec<usize>>) = test
        .iter()
        .map(|example| {
            let gold = example
                .labels
                .iter()
                .filter_map(|label| model.labels().iter().position(|known| known == label))
                .collect();
            (gold, model.predict_indices(&example.text))
        })
        .unzip();
    Ok(HoldoutScores {
        validation,
        test: split_scores(model.labels(), &gold, &predicted),
    })
}

fn split_scores(labels: &[String], gold: &[Vec<usize>], predicted: &[Vec<usize>]) -> SplitScores {
    let (labelled_gold, labelled_predicted): (Vec<Vec<usize>>, Vec<Vec<usize>>) = gold
        .iter()
        .zip(predicted)
        .filter(|(truth, _)| !truth.is_empty())
        .map(|(truth, guess)| (truth.clone(), guess.clone()))
        .unzip();
    SplitScores {
        with_top_label: score_multi_label(labels, &labelled_gold, &labelled_predicted),
        all_documents: score_multi_label(labels, gold, predicted),
    }
}
