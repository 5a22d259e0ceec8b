//! One-vs-rest logistic regression over sparse vectors, trained with AdaGrad SGD, L2
//! regularisation applied to the weights an example touches, and a seeded shuffle per epoch.
//!
//! Weights are stored bucket-major (`weights[bucket * labels + label]`), so scoring one feature
//! reads one contiguous row for all labels.

use crate::features::SparseVector;

/// Updates whose gradient is smaller than this are skipped: the example is already classified
/// with confidence for that label, and skipping makes later epochs much cheaper.
const SKIP_GRADIENT: f32 = 1e-4;
/// Logits are clamped to this range before the sigmoid.
const MAX_LOGIT: f32 = 30.0;

/// The optimiser's settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SgdSettings {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    pub seed: u64,
}

/// Weights and biases of `labels` binary classifiers over `buckets` dimensions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinearWeights {
    pub labels: usize,
    pub buckets: usize,
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

impl LinearWeights {
    pub fn zeros(labels: usize, buckets: usize) -> Self {
        LinearWeights {
            labels,
            buckets,
            weights: vec![0.0; labels * buckets],
            bias: vec![0.0; labels],
        }
    }

    /// Writes one logit per label into `logits` (length `labels`).
    pub fn logits_into(&self, vector: &SparseVector, logits: &mut [f32]) {
        logits.copy_from_slice(&self.bias);
        for &(bucket, value) in vector {
            let start = bucket as usize * self.labels;
            if let Some(row) = self.weights.get(start..start + self.labels) {
                for (logit, weight) in logits.iter_mut().zip(row) {
                    *logit += weight * value;
                }
            }
        }
    }

    pub fn logits(&self, vector: &SparseVector) -> Vec<f32> {
        let mut logits = vec![0.0; self.labels];
        self.logits_into(vector, &mut logits);
        logits
    }
}

/// The logistic function, safe for any finite or infinite input.
pub(crate) fn sigmoid(logit: f32) -> f32 {
    1.0 / (1.0 + (-logit.clamp(-MAX_LOGIT, MAX_LOGIT)).exp())
}

/// Trains on the examples `subset` (indices into `vectors` and `targets`); `targets[i]` lists
/// the label indices of example `i`.
pub(crate) fn fit(
    vectors: &[SparseVector],
    targets: &[Vec<usize>],
    subset: &[usize],
    labels: usize,
    buckets: usize,
    settings: SgdSettings,
) -> LinearWeights {
    let mut model = LinearWeights::zeros(labels, buckets);
    let mut squared_gradients = vec![0.0f32; labels * buckets];
    let mut bias_squared_gradients = vec![0.0f32; labels];
    let mut order = subset.to_vec();
    let mut rng = SplitMix64(settings.seed);
    let mut logits = vec![0.0f32; labels];
    let mut gradients = vec![0.0f32; labels];
    let mut active: Vec<usize> = Vec::with_capacity(labels);
    let rate = settings.learning_rate;
    for _ in 0..settings.epochs {
        rng.shuffle(&mut order);
        for &example in &order {
            let (Some(vector), Some(positive)) = (vectors.get(example), targets.get(example))
            else {
                continue;
            };
            model.logits_into(vector, &mut logits);
            active.clear();
            for label in 0..labels {
                let target = if positive.contains(&label) { 1.0 } else { 0.0 };
                gradients[label] = sigmoid(logits[label]) - target;
                if gradients[label].abs() > SKIP_GRADIENT {
                    active.push(label);
                }
            }
            for &label in &active {
                let gradient = gradients[label];
                bias_squared_gradients[label] += gradient * gradient;
                model.bias[label] -=
                    rate * gradient / (bias_squared_gradients[label].sqrt() + 1e-8);
            }
            for &(bucket, value) in vector {
                let start = bucket as usize * labels;
                for &label in &active {
                    let index = start + label;
                    let weight = model.weights[index];
                    let gradient = gradients[label] * value + settings.l2 * weight;
                    squared_gradients[index] += gradient * gradient;
                    model.weights[index] =
                        weight - rate * gradient / (squared_gradients[index].sqrt() + 1e-8);
                }
            }
        }
    }
    model
}

/// Rounds each label's weights to 16-bit steps of `max |w| / 32767`, so the model written to
/// disk (as `i16`) and the model in memory predict exactly alike. Returns the steps per label.
pub(crate) fn quantize(model: &mut LinearWeights) -> Vec<f32> {
    let labels = model.labels;
    let mut steps = vec![0.0f32; labels];
    for (index, weight) in model.weights.iter().enumerate() {
        let label = index % labels;
        steps[label] = steps[label].max(weight.abs());
    }
    for step in &mut steps {
        *step = if step.is_finite() && *step > 0.0 {
            *step / f32::from(i16::MAX)
        } else {
            0.0
        };
    }
    for (index, weight) in model.weights.iter_mut().enumerate() {
        *weight = dequantize(
            quantize_one(*weight, steps[index % labels]),
            steps[index % labels],
        );
    }
    steps
}

pub(crate) fn quantize_one(weight: f32, step: f32) -> i16 {
    if step > 0.0 && weight.is_finite() {
        (weight / step)
            .round()
            .clamp(-f32::from(i16::MAX), f32::from(i16::MAX)) as i16
    } else {
        0
    }
}

pub(crate) fn dequantize(quantum: i16, step: f32) -> f32 {
    f32::from(quantum) * step
}

/// A tiny deterministic generator for the shuffle (SplitMix64).
pub(crate) struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Fisher-Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for last in (1..items.len()).rev() {
            let pick = (self.next_u64() % (last as u64 + 1)) as usize;
            items.swap(last, pick);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem() {
        let vectors: Vec<SparseVector> = vec![vec![(0, 1.0)], vec![(1, 1.0)], vec![(0, 1.0)]];
        let targets = vec![vec![0], vec![1], vec![0]];
        let settings = SgdSettings {
            epochs: 20,
            learning_rate: 0.5,
            l2: 0.0,
            seed: 7,
        };
        let model = fit(&vectors, &targets, &[0, 1, 2], 2, 4, settings);
        let first = model.logits(&vectors[0]);
        let second = model.logits(&vectors[1]);
        assert!(first[0] > 0.0 && first[1] < 0.0, "{first:?}");
        assert!(second[0] < 0.0 && second[1] > 0.0, "{second:?}");
    }

    #[test]
    fn quantized_weights_survive_a_second_quantization() {
        let mut model = LinearWeights::zeros(2, 2);
        model.weights = vec![0.5, -2.0, 0.123_456, 1.0];
        let steps = quantize(&mut model);
        let once = model.weights.clone();
        for (index, weight) in model.weights.iter_mut().enumerate() {
            *weight = dequantize(quantize_one(*weight, steps[index % 2]), steps[index % 2]);
        }
        assert_eq!(once, model.weights);
        assert!((once[2] - 0.123_456).abs() < 1e-4);
    }

    #[test]
    fn shuffle_is_deterministic_for_a_seed() {
        let mut first: Vec<u32> = (0..50).collect();
        let mut second = first.clone();
        SplitMix64(3).shuffle(&mut first);
        SplitMix64(3).shuffle(&mut second);
        assert_eq!(first, second);
        assert_ne!(first, (0..50).collect::<Vec<_>>());
    }
}
