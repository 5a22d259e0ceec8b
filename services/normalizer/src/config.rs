//! `[normalizer]` configuration.

use serde::Deserialize;
use wire_runtime::Validate;
use wire_runtime::config::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormalizerConfig {
    /// Detect the language when the item does not say.
    pub detect_language: bool,
    /// Below this confidence (0.0 to 1.0) a detected language is not set.
    pub min_language_confidence: f64,
}

impl Default for NormalizerConfig {
    fn default() -> Self {
        Self {
            detect_language: true,
            min_language_confidence: 0.5,
        }
    }
}

impl Validate for NormalizerConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if !(0.0..=1.0).contains(&self.min_language_confidence) {
            return Err(ConfigError::invalid(
                "normalizer.min_language_confidence",
                self.min_language_confidence,
                "must be between 0.0 and 1.0",
            ));
        }
        Ok(())
    }
}
