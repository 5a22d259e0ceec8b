//! Readers for the labelled corpora that the `wirefeed-eval` tool measures against: Reuters-21578 (the
//! original SGML, with its ModApte `LEWISSPLIT`, `PLACES` and `TOPICS`) and ECB+ (news articles
//! clustered by the real-world event they report).
//!
//! Pure parsing over bytes plus a thin loader per corpus that reads the files. No delivery
//! guarantee applies: these are offline readers for evaluation, never part of the pipeline.

pub mod ecbplus;
pub mod reuters;

use std::path::PathBuf;

/// Why a corpus could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {message}")]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("no {what} found in {path}")]
    Empty { what: &'static str, path: PathBuf },
}
