//! `[normalizer]` configuration.

use serde::Deserialize;
use wire_runtime::Validate;
use wire_runtime::config::{ConfigError, require_at_least, require_share};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormalizerConfig {
    /// Detect the language when the item does not say.
    pub detect_language: bool,
    /// Below this confidence (0.0 to 1.0) a detected language is not set.
    pub min_language_confidence: f64,
    /// A longer headline is cut to this many characters (and `wire.flags` says so).
    pub max_headline_chars: usize,
    /// A longer body text is cut to this many characters (and `wire.flags` says so).
    pub max_body_chars: usize,
}

/// `[normalizer]` of the embedded `config/wirefeed.toml`, the one place its defaults are stated
/// (see [`wire_runtime::config::embedded_section`]).
impl Default for NormalizerConfig {
    fn default() -> Self {
        wire_runtime::config::embedded_section("normalizer")
    }
}

impl Validate for NormalizerConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        require_share(
            "normalizer.min_language_confidence",
            self.min_language_confidence,
        )?;
        require_at_least("normalizer.max_headline_chars", self.max_headline_chars, 10)?;
        require_at_least("normalizer.max_body_chars", self.max_body_chars, 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_runtime::LoadedConfig;

    #[test]
    fn the_default_is_the_embedded_toml_with_no_other_rust_default() {
        let loaded: NormalizerConfig = LoadedConfig::load_from(None, &[])
            .unwrap()
            .section("normalizer")
            .unwrap();
        let default = NormalizerConfig::default();
        assert_eq!(format!("{default:?}"), format!("{loaded:?}"));
        default.validate().unwrap();
        assert_eq!(
            wire_runtime::config::keys_with_rust_defaults::<NormalizerConfig>("normalizer"),
            Vec::<String>::new()
        );
    }
}
