//! Cross-validation: every example is predicted by a model trained without it.

use crate::error::Result;
use crate::metrics::{MultiLabelScores, score_multi_label};
use crate::train::{PreparedExamples, TrainingConfig, fold_assignment, parallel_map};
use crate::training_data::TrainingExample;

/// Scores `config` by `folds`-fold cross-validation on `examples` (each model tunes its own
/// thresholds on its own training folds, so the figures are honest held-out figures).
pub fn cross_validate(
    examples: &[TrainingExample],
    config: &TrainingConfig,
    folds: usize,
) -> Result<MultiLabelScores> {
    let prepared = PreparedExamples::new(examples, &config.features)?;
    let predictions = cross_validated_predictions(&prepared, config, folds, |_| true)?;
    let (gold, predicted): (Vec<Vec<usize>>, Vec<Vec<usize>>) = predictions
        .into_iter()
        .map(|(example, guess)| (prepared.targets[example].clone(), guess))
        .unzip();
    Ok(score_multi_label(&prepared.labels, &gold, &predicted))
}

/// `(example, predicted label indices)` for every prepared example, in example order; models
/// train only on the examples of the other folds that `trainable` accepts.
pub(crate) fn cross_validated_predictions(
    prepared: &PreparedExamples,
    config: &TrainingConfig,
    folds: usize,
    trainable: impl Fn(usize) -> bool + Sync,
) -> Result<Vec<(usize, Vec<usize>)>> {
    let everything: Vec<usize> = (0..prepared.vectors.len()).collect();
    let groups = fold_assignment(&everything, folds.max(2), !config.seed);
    let per_fold = parallel_map(&groups, |held_out| -> Result<Vec<(usize, Vec<usize>)>> {
        let training: Vec<usize> = groups
            .iter()
            .filter(|group| !std::ptr::eq(*group, held_out))
            .flatten()
            .copied()
            .filter(|&example| trainable(example))
            .collect();
        let model = prepared.train(&training, config)?;
        Ok(held_out
            .iter()
            .map(|&example| {
                let guess = model.predict_indices_of_vector(&prepared.vectors[example]);
                (example, guess)
            })
            .collect())
    });
    let mut predictions = Vec::with_capacity(everything.len());
    for fold in per_fold {
        predictions.extend(fold?);
    }
    predictions.sort_unstable_by_key(|(example, _)| *example);
    Ok(predictions)
}
