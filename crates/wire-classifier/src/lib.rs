//! A fast multi-label linear text classifier over hashed word and character n-grams, for
//! newsrooms with labelled archives (`wirefeed classifier train` / `predict`, and the enricher's
//! `urn:wirefeed:classifier:<model>:<label>` tags).
//!
//! # Features
//!
//! Text is lowercased (ASCII digits folded to `0`) and split into words at every
//! non-alphanumeric character. Three feature groups can be switched on in [`FeatureConfig`]:
//! word unigrams, word bigrams and character n-grams of the `<word>`-padded words (fastText
//! style, 3-5 characters by default). Every feature is hashed with xxh3 (one seed per group)
//! into `2^bucket_bits` buckets; each group is weighted by sublinear term frequency
//! (`1 + ln tf`), L2-normalised and scaled by its group weight, and the groups are summed.
//! Hashing is unsigned: collisions add up, and the model learns around them.
//!
//! # Model
//!
//! One-vs-rest logistic regression per label, trained by AdaGrad SGD over a few epochs, each
//! a seeded Fisher-Yates shuffle (the same examples and [`TrainingConfig`] give the same model,
//! byte for byte), with L2 regularisation on the weights an example touches. Each label gets
//! the decision threshold that maximises its F1 on out-of-fold scores of the training set
//! (`threshold_folds` folds; labels with fewer than 5 positives use one global threshold).
//! Optionally (`at_least_one_label`) the best label is predicted when none passes.
//!
//! Choices, made by 5-fold cross-validation on Reuters-21578 ModApte TRAIN only, ten most
//! frequent topics (micro-F1 over all 9,603 TRAIN documents / over the 6,490 with a top-ten
//! label; the sweep ran on a reader that also kept the text of `TYPE="UNPROC"` stories):
//! - L2 1e-3 with 10 epochs at AdaGrad rate 0.5: 0.915 / 0.936. L2 1e-5: 0.903 / 0.924;
//!   1e-4: 0.911 / 0.931; 3e-4: 0.915 / 0.935; 3e-3: 0.910 / 0.932; 1e-2: 0.899 / 0.926.
//!   20 epochs: 0.914 / 0.935.
//! - word unigrams alone in 2^18 buckets. At L2 1e-3, adding bigrams gave 0.914 / 0.934 and
//!   adding character 3-5-grams 0.916 / 0.936 (a tie) for 3 and 10 times the training time;
//!   at L2 1e-5, 2^20 buckets gave no gain either. Sub-word features are one setting away
//!   ([`FeatureConfig::words_bigrams_and_char_ngrams`]) for noisy text or inflected languages,
//!   where they carry more than on clean English wire copy.
//! - per-label thresholds; one global threshold scored the same within noise.
//! - `at_least_one_label` off. It lifts the figure over documents known to carry a label
//!   (0.938 against 0.921 at L2 1e-6) but collapses precision on the documents that carry
//!   none (0.770 against 0.900 over all of TRAIN); a wire stream is mostly the latter. Turn it
//!   on only when every input is known to have one of the labels.
//!
//! With these defaults and the repository's reader, `wirefeed-eval topics` prints TRAIN
//! cross-validation micro-F1 0.912 (all documents) / 0.933 (with a top-ten label) and TEST
//! micro-F1 0.913 / 0.930, macro-F1 0.853 / 0.879.
//!
//! # Evaluation
//!
//! [`evaluate_holdout`] cross-validates on training examples, trains on all of them and scores
//! test examples, both over the test examples with at least one label and over all of them.
//! The `wirefeed-eval topics` tool runs it on Reuters-21578 ModApte (the ten most frequent
//! TRAIN TOPICS) and prints the figures.
//!
//! # Model file (format version 1)
//!
//! A signature, the format version, a small JSON header (labels, feature settings, flags),
//! per-label bias, quantisation step and threshold as f32, then only the buckets with a
//! non-zero weight and their weights as i16 (each label's weights are rounded to 16-bit steps
//! at the end of training, so a loaded model predicts exactly like the trained one), and an
//! xxh3 checksum of everything before it. A Reuters top-ten model takes 0.6 MB (word unigrams;
//! 8.8 MB with bigrams and character n-grams in 2^20 buckets). Loading
//! checks signature, version, checksum, lengths and ranges and returns
//! [`ClassifierError::InvalidModel`], never panics. See `format.rs` for the byte layout.
//!
//! # Speed
//!
//! One core, 1,000 Reuters TEST stories (0.8 MB), `cargo bench -p wire-classifier --bench
//! classifier`: word unigrams predict about 86,000 documents/s (70 MiB/s), feature
//! extraction being four fifths of it; with bigrams and character n-grams about 7,500
//! documents/s (6 MiB/s). Training the default on all 9,603 TRAIN stories, threshold folds
//! included, takes about 2 s on two cores.
//!
//! # Delivery guarantee
//!
//! None applies: everything here is pure computation over values, plus [`Model::save`],
//! [`Model::load`], [`train_command`] and [`predict_lines`], which read and write the paths
//! and streams they are given. Nothing consumes or produces bus messages.
//!
//! Memory: training holds two f32 tables of `labels x 2^bucket_bits` cells (20 MB for ten
//! labels at 2^18); prediction holds one.

mod commands;
mod error;
mod features;
mod format;
mod holdout;
mod linear;
mod metrics;
mod model;
mod thresholds;
mod train;
mod training_data;
mod validation;

pub use commands::{TrainReport, predict_lines, train_command};
pub use error::{ClassifierError, Result};
pub use features::{FeatureConfig, SparseVector, extract_features};
pub use format::MODEL_FORMAT_VERSION;
pub use holdout::{HoldoutScores, SplitScores, TopicsEvalOptions, evaluate_holdout};
pub use metrics::{LabelScores, MultiLabelScores, PrecisionRecallF1, score_multi_label};
pub use model::{Model, Prediction};
pub use train::{ThresholdRule, TrainingConfig};
pub use training_data::{TrainingExample, parse_example_line, read_examples};
pub use validation::cross_validate;
