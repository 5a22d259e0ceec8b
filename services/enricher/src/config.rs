//! `[enricher]` configuration.

use serde::Deserialize;
use wire_runtime::Validate;
use wire_runtime::config::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnricherConfig {
    /// Articles remembered for duplicate detection; the oldest are forgotten first.
    pub dedup_capacity: usize,
}

impl Default for EnricherConfig {
    fn default() -> Self {
        Self {
            dedup_capacity: 200_000,
        }
    }
}

impl Validate for EnricherConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.dedup_capacity == 0 {
            return Err(ConfigError::invalid(
                "enricher.dedup_capacity",
                0,
                "must be at least 1",
            ));
        }
        Ok(())
    }
}
