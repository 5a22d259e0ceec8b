//! The one error type of the crate.

use std::path::PathBuf;

/// Why training, prediction, saving or loading failed.
#[derive(Debug, thiserror::Error)]
pub enum ClassifierError {
    /// A JSON line could not be read as a training or prediction example.
    #[error("line {line}: {message}")]
    BadLine { line: usize, message: String },
    /// Reading or writing a file failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// Reading input or writing output of a stream failed.
    #[error("stream error: {0}")]
    Stream(#[from] std::io::Error),
    /// The file is not a wirefeed classifier model, or it is damaged.
    #[error("not a valid wirefeed classifier model: {0}")]
    InvalidModel(String),
    /// The training set or the configuration cannot produce a model.
    #[error("cannot train: {0}")]
    CannotTrain(String),
}

/// Shorthand for results of this crate.
pub type Result<T, E = ClassifierError> = std::result::Result<T, E>;
