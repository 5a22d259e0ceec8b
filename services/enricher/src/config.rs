//! `[enricher]` configuration.

use serde::Deserialize;
use wire_runtime::Validate;
use wire_runtime::config::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnricherConfig {
    /// Articles kept in the duplicate index at most; the oldest are forgotten first.
    pub dedup_capacity: usize,
    /// How long an article stays in the index (a copy of an older story starts a new family).
    pub window_hours: u64,
    /// A candidate is a near-duplicate when at least this share of the shorter text's word
    /// shingles is in the longer one (estimated from MinHash)...
    pub min_containment: f64,
    /// ...and at least this share of its numbers and names (tells templated stories apart).
    pub min_key_token_containment: f64,
    /// Sources whose copies are agency originals (the original of a family is the earliest
    /// agency copy, else the earliest copy).
    pub agency_sources: Vec<String>,
    /// Also publish originals and material new versions to `wire.stories.v1`.
    pub stories_route: bool,
    /// A new story family joins an event cluster (`wire.story`) when the cluster holds at least
    /// this share of its names and numbers (weighted by rarity)...
    pub story_min_coverage: f64,
    /// ...and was seen within this many hours.
    pub story_window_hours: u64,
}

impl Default for EnricherConfig {
    fn default() -> Self {
        Self {
            dedup_capacity: 1_000_000,
            window_hours: 14 * 24,
            min_containment: 0.55,
            min_key_token_containment: 0.7,
            agency_sources: Vec::new(),
            stories_route: true,
            story_min_coverage: 0.3,
            story_window_hours: 72,
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
        if self.window_hours == 0 {
            return Err(ConfigError::invalid(
                "enricher.window_hours",
                0,
                "must be at least 1",
            ));
        }
        for (key, value) in [
            ("enricher.min_containment", self.min_containment),
            (
                "enricher.min_key_token_containment",
                self.min_key_token_containment,
            ),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(ConfigError::invalid(
                    key,
                    value,
                    "must be between 0.0 and 1.0",
                ));
            }
        }
        Ok(())
    }
}
