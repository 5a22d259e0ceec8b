//! The library side of `wirefeed classifier train` and `wirefeed classifier predict`.

use crate::error::{ClassifierError, Result};
use crate::model::Model;
use crate::train::TrainingConfig;
use crate::training_data::{parse_example_line, read_examples};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// What `train_command` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainReport {
    pub examples: usize,
    /// Each label with the number of examples that carry it.
    pub label_examples: BTreeMap<String, usize>,
    /// Each label's decision threshold as a probability.
    pub thresholds: BTreeMap<String, f32>,
    pub model_path: PathBuf,
    pub model_bytes: usize,
    pub training_seconds: f64,
    pub config: TrainingConfig,
}

/// Reads JSON-lines examples from `input`, trains with `config` and saves the model to `output`.
pub fn train_command(input: &Path, output: &Path, config: &TrainingConfig) -> Result<TrainReport> {
    let file = std::fs::File::open(input).map_err(|source| ClassifierError::Io {
        action: "open",
        path: input.to_owned(),
        source,
    })?;
    let examples = read_examples(BufReader::new(file))?;
    let started = std::time::Instant::now();
    let model = Model::train(&examples, config)?;
    let training_seconds = started.elapsed().as_secs_f64();
    let bytes = model.to_bytes()?;
    model.save(output)?;
    let mut label_examples: BTreeMap<String, usize> = BTreeMap::new();
    for example in &examples {
        let mut labels: Vec<&String> = example.labels.iter().collect();
        labels.sort_unstable();
        labels.dedup();
        for label in labels {
            *label_examples.entry(label.clone()).or_default() += 1;
        }
    }
    Ok(TrainReport {
        examples: examples.len(),
        label_examples,
        thresholds: model.thresholds(),
        model_path: output.to_owned(),
        model_bytes: bytes.len(),
        training_seconds,
        config: config.clone(),
    })
}

/// Reads JSON lines `{"text": "...", "labels": [...]}` (labels optional, other fields ignored)
/// and writes one `{"labels": [...], "scores": {...}}` line per non-blank input line. Returns
/// how many lines were predicted; stops at the first bad line with its number.
pub fn predict_lines(model: &Model, reader: impl BufRead, mut writer: impl Write) -> Result<usize> {
    let mut predicted = 0;
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let example = parse_example_line(&line, index + 1)?;
        let prediction = model.predict(&example.text);
        serde_json::to_writer(&mut writer, &prediction).map_err(std::io::Error::other)?;
        writer.write_all(b"\n")?;
        predicted += 1;
    }
    writer.flush()?;
    Ok(predicted)
}
