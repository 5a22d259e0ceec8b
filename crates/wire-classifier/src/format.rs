//! The model file, format version 1 (all integers and floats little-endian):
//!
//! ```text
//! magic      8 bytes   "WFCLSMDL"
//! version    u32       1
//! header_len u32       length of the JSON header
//! header     JSON      {"labels": [...], "features": FeatureConfig, "at_least_one_label": bool,
//!                       "rows": N}
//! bias       f32 x L   one per label (L = number of labels)
//! steps      f32 x L   quantisation step of each label's weights
//! thresholds f32 x L   decision thresholds as logits
//! buckets    u32 x N   the buckets with a non-zero weight, strictly increasing
//! weights    i16 x N*L row by row: weight = i16 * step of the label
//! checksum   u64       xxh3-64 of every byte before it
//! ```
//!
//! Only buckets with a non-zero weight are stored, so the file is about `N * (4 + 2 L)` bytes.
//! Loading checks the magic, version, checksum, lengths and ranges and never panics.

use crate::error::{ClassifierError, Result};
use crate::features::FeatureConfig;
use crate::linear::{LinearWeights, dequantize, quantize_one};
use crate::model::Model;
use crate::train::MAX_WEIGHT_CELLS;
use serde::{Deserialize, Serialize};
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

const MAGIC: &[u8; 8] = b"WFCLSMDL";
/// The format this build writes and reads.
pub const MODEL_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    labels: Vec<String>,
    features: FeatureConfig,
    at_least_one_label: bool,
    rows: usize,
}

impl Model {
    /// Writes the model to `path` (through a temporary file renamed into place).
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = self.to_bytes()?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(format!(".tmp-{}", std::process::id()));
        let io_error = |action, source| ClassifierError::Io {
            action,
            path: path.to_owned(),
            source,
        };
        std::fs::write(&temporary, &bytes).map_err(|source| io_error("write", source))?;
        std::fs::rename(&temporary, path).map_err(|source| {
            let _ = std::fs::remove_file(&temporary);
            io_error("write", source)
        })
    }

    /// Reads a model written by `save`.
    pub fn load(path: &Path) -> Result<Model> {
        let bytes = std::fs::read(path).map_err(|source| ClassifierError::Io {
            action: "read",
            path: path.to_owned(),
            source,
        })?;
        Model::from_bytes(&bytes)
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let labels = self.labels.len();
        let quanta: Vec<i16> = self
            .linear
            .weights
            .iter()
            .enumerate()
            .map(|(index, &weight)| quantize_one(weight, self.steps[index % labels]))
            .collect();
        let rows: Vec<u32> = quanta
            .chunks(labels)
            .enumerate()
            .filter(|(_, row)| row.iter().any(|&quantum| quantum != 0))
            .map(|(bucket, _)| bucket as u32)
            .collect();
        let header = serde_json::to_vec(&Header {
            labels: self.labels.clone(),
            features: self.features.clone(),
            at_least_one_label: self.at_least_one_label,
            rows: rows.len(),
        })
        .map_err(|error| ClassifierError::InvalidModel(format!("cannot encode header: {error}")))?;
        let mut bytes = Vec::with_capacity(header.len() + rows.len() * (4 + 2 * labels) + 64);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&MODEL_FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&header);
        for value in self
            .linear
            .bias
            .iter()
            .chain(&self.steps)
            .chain(&self.thresholds)
        {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        for bucket in &rows {
            bytes.extend_from_slice(&bucket.to_le_bytes());
        }
        for &bucket in &rows {
            let start = bucket as usize * labels;
            for quantum in &quanta[start..start + labels] {
                bytes.extend_from_slice(&quantum.to_le_bytes());
            }
        }
        let checksum = xxh3_64(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
        Ok(bytes)
    }

    /// Parses the bytes of a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
        let invalid = |message: String| ClassifierError::InvalidModel(message);
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(invalid("missing the WFCLSMDL signature".into()));
        }
        let mut reader = ByteReader {
            bytes,
            position: MAGIC.len(),
        };
        let version = reader.u32()?;
        if version != MODEL_FORMAT_VERSION {
            return Err(invalid(format!(
                "format version {version}, this build reads version {MODEL_FORMAT_VERSION}"
            )));
        }
        let (content, checksum) = bytes.split_at(bytes.len().saturating_sub(8).max(12));
        let stored = checksum
            .try_into()
            .map(u64::from_le_bytes)
            .map_err(|_| invalid("truncated before the checksum".into()))?;
        if xxh3_64(content) != stored {
            return Err(invalid(
                "checksum mismatch: the file is damaged or truncated".into(),
            ));
        }
        reader.bytes = content;
        let header_length = reader.u32()? as usize;
        let header: Header = serde_json::from_slice(reader.take(header_length)?)
            .map_err(|error| invalid(format!("bad header: {error}")))?;
        header
            .features
            .validate()
            .map_err(|message| invalid(format!("bad header: {message}")))?;
        let labels = header.labels.len();
        let buckets = header.features.buckets();
        if labels == 0 || labels.saturating_mul(buckets) > MAX_WEIGHT_CELLS || header.rows > buckets
        {
            return Err(invalid(format!(
                "bad header: {labels} labels, {} rows, 2^{} buckets",
                header.rows, header.features.bucket_bits
            )));
        }
        let mut floats = |what: &str| -> Result<Vec<f32>> {
            let values: Vec<f32> = (0..labels).map(|_| reader.f32()).collect::<Result<_>>()?;
            if values.iter().all(|value| value.is_finite()) {
                Ok(values)
            } else {
                Err(invalid(format!("a {what} is not a finite number")))
            }
        };
        let bias = floats("bias")?;
        let steps = floats("quantisation step")?;
        let thresholds = floats("threshold")?;
        let rows: Vec<u32> = (0..header.rows)
            .map(|_| reader.u32())
            .collect::<Result<_>>()?;
        if rows.windows(2).any(|pair| pair[0] >= pair[1])
            || rows.last().is_some_and(|&last| last as usize >= buckets)
        {
            return Err(invalid(
                "bucket indices are not increasing or out of range".into(),
            ));
        }
        if reader.remaining() != header.rows * labels * 2 {
            return Err(invalid(format!(
                "weights take {} bytes, expected {}",
                reader.remaining(),
                header.rows * labels * 2
            )));
        }
        let mut linear = LinearWeights::zeros(labels, buckets);
        linear.bias = bias;
        for &bucket in &rows {
            let start = bucket as usize * labels;
            for (label, step) in steps.iter().enumerate() {
                linear.weights[start + label] = dequantize(reader.i16()?, *step);
            }
        }
        Ok(Model {
            labels: header.labels,
            features: header.features,
            linear,
            steps,
            thresholds,
            at_least_one_label: header.at_least_one_label,
        })
    }
}

/// Reads little-endian values, failing (never panicking) at the end of the bytes.
struct ByteReader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> ByteReader<'a> {
    fn take(&mut self, length: usize) -> Result<&'a [u8]> {
        let end = self.position.saturating_add(length);
        let slice = self.bytes.get(self.position..end).ok_or_else(|| {
            ClassifierError::InvalidModel(format!("truncated at byte {}", self.position))
        })?;
        self.position = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let slice = self.take(N)?;
        slice
            .try_into()
            .map_err(|_| ClassifierError::InvalidModel("truncated".into()))
    }

    fn u32(&mut self) -> Result<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn f32(&mut self) -> Result<f32> {
        self.array().map(f32::from_le_bytes)
    }

    fn i16(&mut self) -> Result<i16> {
        self.array().map(i16::from_le_bytes)
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.position)
    }
}
