//! The operator topic catalog: one TOML file per long-running story topic in `config/topics/`.
//!
//! ```toml
//! id = "syria-peace-process"            # lowercase letters, digits, dashes; the file's stem
//! name = "Syria peace process"
//! media_topic = "20000073"              # parent IPTC Media Topic (optional)
//! threshold = 5.0                       # the weighted term score needed
//!
//! [terms]                               # phrase = weight (whole words; case and accents
//! "peace talks" = 3.0                   # do not matter: "négociations" = NEGOCIATIONS)
//! ceasefire = 2.0
//! "friedensgespräch*" = 3.0             # `*`: any word starting so (Friedensgesprächen)
//!
//! [[require]]                           # at least one term of each group must appear
//! any = ["syria", "syrian", "damascus"]
//!
//! [[exclude]]                           # no term of any group may appear
//! any = ["football"]
//!
//! [places]                              # country constraints, ISO 3166-1 alpha-2
//! about = ["SY"]                        # one of them tagged about or dateline, or named
//!                                       # more than once (once is in passing)
//! any = []                              # one of them tagged in any role
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

use crate::TaggingError;

/// One operator story topic, as written in its file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StoryTopic {
    pub id: String,
    pub name: String,
    /// The parent IPTC Media Topic code (`20000073`).
    #[serde(default)]
    pub media_topic: Option<String>,
    pub threshold: f64,
    pub terms: BTreeMap<String, f64>,
    #[serde(default)]
    pub require: Vec<TermGroup>,
    #[serde(default)]
    pub exclude: Vec<TermGroup>,
    #[serde(default)]
    pub places: PlaceConstraint,
}

/// A group of alternative terms.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TermGroup {
    pub any: Vec<String>,
}

/// Which countries the story must involve.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceConstraint {
    /// One of these must be tagged `about`, be the dateline's country, or be named more than
    /// once: a story filed in Amman on talks over southern Syria is about Syria even when
    /// Jordan, named in the dateline and the headline, outscores it; a country named once is
    /// in passing.
    #[serde(default)]
    pub about: Vec<String>,
    /// One of these must be tagged in any role.
    #[serde(default)]
    pub any: Vec<String>,
}

/// Shortest stem of a prefix term (`syr*` would also catch `Syracuse`... and `syrup`).
const MIN_PREFIX_CHARS: usize = 4;

/// A term is not empty, and a prefix term (`stem*`) has a stem of [`MIN_PREFIX_CHARS`] or more.
fn check_term(term: &str) -> Result<(), String> {
    let term = term.trim();
    let stem = term.strip_suffix('*').map(str::trim_end);
    if stem.unwrap_or(term).is_empty() {
        return Err("an empty term".into());
    }
    if let Some(stem) = stem
        && stem.chars().count() < MIN_PREFIX_CHARS
    {
        return Err(format!(
            "the prefix term {term:?} needs at least {MIN_PREFIX_CHARS} characters before `*`"
        ));
    }
    Ok(())
}

/// `creator` of the operator topic subjects.
pub const STORY_TOPIC_CREATOR: &str = "wirefeed/topics";

impl StoryTopic {
    /// `urn:wirefeed:topic:<id>`.
    pub fn uri(&self) -> String {
        format!("urn:wirefeed:topic:{}", self.id)
    }

    /// Parses and validates one topic file's text.
    pub fn from_toml_str(text: &str) -> Result<Self, TaggingError> {
        let topic: StoryTopic = toml::from_str(text).map_err(|e| TaggingError::Parse {
            file: None,
            message: e.to_string().trim().replace('\n', " "),
        })?;
        topic.validate()?;
        Ok(topic)
    }

    /// Reads and validates one topic file.
    pub fn load(path: &Path) -> Result<Self, TaggingError> {
        let text = std::fs::read_to_string(path).map_err(|source| TaggingError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml_str(&text).map_err(|e| e.in_file(path))
    }

    /// Checks what serde cannot: id shape, positive weights and threshold, non-empty groups,
    /// country codes, the Media Topic code.
    pub fn validate(&self) -> Result<(), TaggingError> {
        let invalid = |key: &str, message: String| TaggingError::Invalid {
            file: None,
            key: key.to_owned(),
            message,
        };
        let id_ok = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(invalid(
                "id",
                format!("{:?} must be lowercase letters, digits and dashes", self.id),
            ));
        }
        if self.name.trim().is_empty() {
            return Err(invalid("name", "must not be empty".into()));
        }
        if !(self.threshold.is_finite() && self.threshold > 0.0) {
            return Err(invalid(
                "threshold",
                format!("{} must be a positive number", self.threshold),
            ));
        }
        if self.terms.is_empty() {
            return Err(invalid("terms", "needs at least one term".into()));
        }
        for (term, weight) in &self.terms {
            check_term(term).map_err(|message| invalid("terms", message))?;
            if !(weight.is_finite() && *weight > 0.0) {
                return Err(invalid(
                    &format!("terms.{term}"),
                    format!("weight {weight} must be a positive number"),
                ));
            }
        }
        for (kind, groups) in [("require", &self.require), ("exclude", &self.exclude)] {
            for (i, group) in groups.iter().enumerate() {
                let key = format!("{kind}[{i}].any");
                if group.any.is_empty() {
                    return Err(invalid(&key, "needs non-empty terms".into()));
                }
                for term in &group.any {
                    check_term(term).map_err(|message| invalid(&key, message))?;
                }
            }
        }
        for (key, codes) in [
            ("places.about", &self.places.about),
            ("places.any", &self.places.any),
        ] {
            if let Some(bad) = codes
                .iter()
                .find(|c| !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())))
            {
                return Err(invalid(
                    key,
                    format!("{bad:?} is not an ISO 3166-1 alpha-2 code"),
                ));
            }
        }
        if let Some(code) = self
            .media_topic
            .as_ref()
            .filter(|c| !(c.len() == 8 && c.bytes().all(|b| b.is_ascii_digit())))
        {
            return Err(invalid(
                "media_topic",
                format!("{code:?} is not an 8-digit Media Topic code"),
            ));
        }
        Ok(())
    }
}

/// Every topic of a catalog directory, sorted by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicCatalog {
    pub topics: Vec<StoryTopic>,
}

impl TopicCatalog {
    /// Reads every `*.toml` file of `dir` (not its subdirectories). Each file's stem must equal
    /// its `id`; ids are unique.
    pub fn from_dir(dir: &Path) -> Result<Self, TaggingError> {
        let entries = std::fs::read_dir(dir).map_err(|source| TaggingError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        let mut topics = Vec::new();
        for path in &paths {
            let topic = StoryTopic::load(path)?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if stem != topic.id {
                return Err(TaggingError::Invalid {
                    file: Some(path.clone()),
                    key: "id".into(),
                    message: format!("{:?} differs from the file name {stem:?}", topic.id),
                });
            }
            topics.push(topic);
        }
        Self::from_topics(topics)
    }

    /// A catalog from topics already read; ids must be unique.
    pub fn from_topics(mut topics: Vec<StoryTopic>) -> Result<Self, TaggingError> {
        topics.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(pair) = topics.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(TaggingError::Invalid {
                file: None,
                key: "id".into(),
                message: format!("topic id {:?} is defined twice", pair[0].id),
            });
        }
        Ok(Self { topics })
    }
}
