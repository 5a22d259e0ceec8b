//! The Python baseline of `wirefeed-bench core`: runs `bench/baselines/core.py` (feedparser,
//! datasketch MinHashLSH, pyahocorasick) in the venv `bench/setup.sh` makes, on the same corpus
//! file, and reads its figures (one JSON object on standard output).

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::{Command, Stdio};

/// How to get the baseline running, for messages.
pub const SETUP_HINT: &str = "create it with `bench/setup.sh` (a Python venv in target/bench-venv with bench/baselines/requirements.txt), or pass --no-baseline";

/// The figures `core.py` prints.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineRun {
    pub articles: usize,
    pub seconds: f64,
    pub articles_per_second: f64,
    /// Articles per CPU second of the baseline's thread (`time.thread_time`).
    pub articles_per_cpu_second: Option<f64>,
    pub cpu_seconds: Option<f64>,
    pub p50_micros: f64,
    pub p99_micros: f64,
    pub peak_rss_bytes: Option<u64>,
    pub parsed: usize,
    pub near_duplicates: usize,
    pub with_places: usize,
    /// The packages and versions, e.g. `feedparser 6.0.14, datasketch 2.0.0, ...`.
    pub stack: String,
}

/// Runs `script` with `python` on `corpus`.
pub fn run(
    python: &Path,
    script: &Path,
    corpus: &Path,
    gazetteer: &Path,
) -> anyhow::Result<BaselineRun> {
    if !python.exists() {
        anyhow::bail!(
            "skipped: no baseline Python at {}; {SETUP_HINT}",
            python.display()
        );
    }
    if !script.exists() {
        anyhow::bail!(
            "skipped: no baseline script at {} (run from the repository root, or pass --baselines)",
            script.display()
        );
    }
    eprintln!("python baseline: {} {}", python.display(), script.display());
    let output = Command::new(python)
        .arg(script)
        .arg("--corpus")
        .arg(corpus)
        .arg("--gazetteer")
        .arg(gazetteer)
        // The shingle hash is Python's string hash: a fixed seed makes runs repeatable.
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("failed to start {}", python.display()))?;
    if !output.status.success() {
        anyhow::bail!("the baseline failed ({}); {SETUP_HINT}", output.status);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'));
    serde_json::from_str(last.unwrap_or_default())
        .with_context(|| format!("unreadable baseline output: {}", stdout.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_venv_says_how_to_make_it() {
        let error = run(
            Path::new("/nonexistent/bin/python"),
            Path::new("core.py"),
            Path::new("corpus.jsonl"),
            Path::new("gazetteer.json"),
        )
        .expect_err("no python there");
        assert!(error.to_string().contains("bench/setup.sh"), "{error}");
    }
}
