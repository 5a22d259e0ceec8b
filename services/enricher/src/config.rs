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
    /// Sources whose copies are agency copies, beside those whose provider names an agency
    /// (the original of a family is the earliest agency copy, else the earliest copy).
    pub agency_sources: Vec<String>,
    /// Also publish originals and material new versions to `wire.originals.v1` (named
    /// `stories_route` before `wire.stories.v1` carried story records).
    #[serde(alias = "stories_route")]
    pub originals_route: bool,
    /// Event clusters (`wire.story`) on; off, every family is a story of its own (and costs
    /// nothing more).
    pub story_clusters: bool,
    /// A new story family joins the event cluster (`wire.story`) most similar to it when that
    /// similarity (0 to 1: the cosines of names and numbers and of content words, weighted by
    /// rarity) is at least this...
    pub story_min_similarity: f64,
    /// ...and the cluster was seen within this many hours.
    pub story_window_hours: u64,
    /// The share of names and numbers in the similarity (content words weigh the rest).
    pub story_names_weight: f64,
    /// Taken off the similarity when a family and a cluster name years near their top and
    /// share none (two like events years apart).
    pub story_year_penalty: f64,
    /// A new story family also joins a cluster whose names, numbers and places alone are at
    /// least this similar (0 to 1): the path of a write-up in another language.
    pub story_min_names_similarity: f64,
    /// Two live clusters with no language in common merge when the names, numbers and places
    /// of one reach this share of `story_min_names_similarity` against the other's (1.0: what
    /// a write-up would join by); 0 never merges.
    pub story_merge_ratio: f64,
    /// Two live clusters in one language merge when the weighted cosines of one's centroid
    /// against the other's reach this share of `story_min_similarity` and the years most of
    /// their members name near their top are not different ones; 0 never merges.
    pub story_same_language_merge_ratio: f64,
    /// A story of one family merges into a live story in its language that has grown since,
    /// when that family would now join it at this share of `story_min_similarity`; 0 never.
    pub story_rejoin_ratio: f64,
    /// A new version whose body changed by at least this share of its wording (4-word
    /// sequences) is material.
    pub material_body_change: f64,
    /// A new version whose lede lost at least this share of its words has its lede rewritten
    /// (material).
    pub material_lede_change: f64,
    /// Wire agencies beside the built-in list (`[enricher.agencies]`).
    pub agencies: AgencyConfig,
    /// Region and topic tags (`[enricher.tagging]`).
    pub tagging: TaggingConfig,
}

/// `[enricher.agencies]`: the wire agencies the enricher recognises.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyConfig {
    /// Use only `extra`, not the built-in list.
    pub replace_built_in: bool,
    /// More agencies.
    pub extra: Vec<AgencyName>,
}

/// `[enricher.agencies]` of the embedded `config/wirefeed.toml`.
impl Default for AgencyConfig {
    fn default() -> Self {
        wire_runtime::config::embedded_section("enricher.agencies")
    }
}

/// An agency and the names it is credited by.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyName {
    /// Its short name, as `wire.agency` gives it.
    pub name: String,
    /// Other names it is credited by (its short name is one already).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// `[enricher.tagging]`: places, IPTC Media Topics, operator story topics, classifiers, routes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaggingConfig {
    /// Tag articles at all.
    pub enabled: bool,
    /// A directory laid out like `config/` (`gazetteer/gazetteer.json`,
    /// `topics/iptc/mediatopics.json`, `topics/*.toml`); empty: the gazetteer and Media Topics
    /// built into the binary, and the story topic catalog of a `topics/` folder beside the
    /// config file, else of `config/topics/` in the working directory, else built in (see
    /// [`crate::catalog`]).
    pub config_dir: String,
    /// How often (seconds) the enricher looks for changed files in the story topic folder and
    /// reloads the catalog (one that fails a check is reported and the previous one kept);
    /// 0: read once at start-up.
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
            ("enricher.material_body_change", self.material_body_change),
            ("enricher.material_lede_change", self.material_lede_change),
            (
                "enricher.min_key_token_containment",
                self.min_key_token_containment,
            ),
            ("enricher.story_min_similarity", self.story_min_similarity),
            ("enricher.story_names_weight", self.story_names_weight),
            ("enricher.story_year_penalty", self.story_year_penalty),
            (
                "enricher.story_min_names_similarity",
                self.story_min_names_similarity,
            ),
        ] {
            require_share(key, value)?;
        }
        for (key, value) in [
            ("enricher.story_merge_ratio", self.story_merge_ratio),
            (
                "enricher.story_same_language_merge_ratio",
                self.story_same_language_merge_ratio,
            ),
            ("enricher.story_rejoin_ratio", self.story_rejoin_ratio),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(ConfigError::invalid(key, value, "must be 0 or more"));
            }
        }
        if !crate::agencies::Agencies::new(&self.agencies, &self.agency_sources).usable() {
            return Err(ConfigError::invalid(
                "enricher.agencies.extra",
                "",
                "the agency names are too many or too long to match",
            ));
        }
        for (index, agency) in self.agencies.extra.iter().enumerate() {
            if agency.name.trim().is_empty() {
                return Err(ConfigError::invalid(
                    &format!("enricher.agencies.extra[{index}].name"),
                    "",
                    "must name the agency",
                ));
            }
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
