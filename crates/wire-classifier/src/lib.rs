//! A fast multi-label linear text classifier over hashed word and character n-grams.
//! (Documentation written at the end.)

mod commands;
mod error;
mod features;
mod format;
mod linear;
mod metrics;
mod model;
mod reuters_eval;
mod thresholds;
mod train;
mod training_data;
mod validation;

pub use commands::{TrainReport, predict_lines, train_command};
pub use error::{ClassifierError, Result};
pub use features::{FeatureConfig, SparseVector, extract_features};
pub use format::MODEL_FORMAT_VERSION;
pub use metrics::{LabelScores, MultiLabelScores, PrecisionRecallF1, score_multi_label};
pub use model::{Model, Prediction};
pub use reuters_eval::{
    REUTERS_TOP_TOPICS, SplitScores, TopicsEvalOptions, TopicsReport, eval_reuters_topics,
    eval_reuters_topics_with,
};
pub use train::{ThresholdRule, TrainingConfig};
pub use training_data::{TrainingExample, parse_example_line, read_examples};
pub use validation::cross_validate;
