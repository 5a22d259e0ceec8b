//! `[enricher]` configuration.

use serde::Deserialize;
use wire_runtime::Validate;
use wire_runtime::config::{ConfigError, require_at_least, require_share};

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
    /// Region and topic tags (`[enricher.tagging]`).
    pub tagging: TaggingConfig,
}

/// `[enricher.tagging]`: places, IPTC Media Topics, operator story topics, classifiers, routes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaggingConfig {
    /// Tag articles at all.
    pub enabled: bool,
    /// A directory laid out like `config/` (`gazetteer/gazetteer.json`,
    /// `topics/iptc/mediatopics.json`, `topics/*.toml`); empty: the data built into the binary.
    pub config_dir: String,
    /// How often the enricher looks for changed files in `config_dir/topics/` and reloads the
    /// story topic catalog (an invalid catalog is logged and the previous one kept).
    pub reload_check_secs: u64,
    /// Trained classifiers (`wirefeed classifier train`) whose labels become subjects
    /// `urn:wirefeed:classifier:<name>:<label>`.
    pub classifiers: Vec<ClassifierConfig>,
    /// Extra Kafka topics for a desk's beat: an article goes to `to` when it has the `topic`
    /// (a story topic id such as `syria-peace-process` or any subject uri) and/or is about the
    /// `country` (ISO 3166-1 alpha-2, as `about` or `dateline`).
    pub routes: Vec<RouteConfig>,
}

/// `[enricher.tagging]` of the embedded `config/wirefeed.toml`, the one place its defaults are
/// stated (see [`wire_runtime::config::embedded_section`]).
impl Default for TaggingConfig {
    fn default() -> Self {
        wire_runtime::config::embedded_section("enricher.tagging")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierConfig {
    pub name: String,
    /// The model file.
    pub path: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    /// The Kafka topic, e.g. `wire.topic.syria-peace-process.v1`.
    pub to: String,
}

/// `[enricher]` of the embedded `config/wirefeed.toml`, the one place its defaults are stated
/// (see [`wire_runtime::config::embedded_section`]).
impl Default for EnricherConfig {
    fn default() -> Self {
        wire_runtime::config::embedded_section("enricher")
    }
}

impl Validate for EnricherConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        require_at_least("enricher.dedup_capacity", self.dedup_capacity, 1)?;
        require_at_least("enricher.window_hours", self.window_hours, 1)?;
        for (key, value) in [
            ("enricher.min_containment", self.min_containment),
            (
                "enricher.min_key_token_containment",
                self.min_key_token_containment,
            ),
        ] {
            require_share(key, value)?;
        }
        for (index, route) in self.tagging.routes.iter().enumerate() {
            if route.topic.is_none() && route.country.is_none() {
                return Err(ConfigError::invalid(
                    &format!("enricher.tagging.routes[{index}]"),
                    &route.to,
                    "needs a topic, a country or both",
                ));
            }
            if route.to.trim().is_empty() {
                return Err(ConfigError::invalid(
                    &format!("enricher.tagging.routes[{index}].to"),
                    "",
                    "must name a Kafka topic",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_runtime::LoadedConfig;

    #[test]
    fn the_default_is_the_embedded_toml_with_no_other_rust_default() {
        let loaded: EnricherConfig = LoadedConfig::load_from(None, &[])
            .unwrap()
            .section("enricher")
            .unwrap();
        let default = EnricherConfig::default();
        assert_eq!(format!("{default:?}"), format!("{loaded:?}"));
        assert_eq!(
            format!("{:?}", TaggingConfig::default()),
            format!("{:?}", loaded.tagging)
        );
        default.validate().unwrap();
        assert_eq!(
            wire_runtime::config::keys_with_rust_defaults::<EnricherConfig>("enricher"),
            Vec::<String>::new()
        );
    }
}
