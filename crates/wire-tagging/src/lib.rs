//! Region and topic tagging of articles (issue 6): where a story is about and what it is about,
//! with the evidence an editor needs to trust a tag.
//!
//! Pure core, no IO: every tagging function takes text and returns tags. Loading the data files
//! is a thin separate step (`load`/`from_dir` take a path; `from_json`/`from_toml_str` take the
//! text). Delivery guarantee: none; this crate never touches the bus. Nothing here panics on
//! input: unknown text yields fewer tags, bad data files yield a [`TaggingError`] naming the file
//! and the key.
//!
//! - [`Gazetteer`]: GeoNames countries, US states and cities over 15,000 people with their
//!   alternate names, demonyms, metonyms (`Kremlin` → RU) and UN M49 regions, from
//!   `config/gazetteer/gazetteer.json`, matched with one leftmost-longest Aho-Corasick automaton
//!   and word-boundary checks. Names, adjectives and demonyms in German, French, Spanish,
//!   Italian, Portuguese, Dutch and Arabic count only in articles in that language
//!   ([`TagInput::language`], from ninjs `language`); names and text are folded alike (Latin
//!   accents, Arabic letter forms, tatweel and short vowels), German and Dutch names take a
//!   genitive `s` (`Syriens`), Arabic names the attached prefixes (`وسوريا`, `بسوريا`,
//!   `السوري`). Each language's locative words (`in`, `à`, `nella`, `في`) make a name a place,
//!   its about words (`über`, `sur la`) make a country one the story is about, and its
//!   common-word place names (`Lage`, `Essen`, `Tours`, `Natal`, `المدينة`) count only right
//!   after a locative word or as the dateline. Without a language (or in English) only the
//!   language-neutral names and English rules apply, as before.
//! - [`tag_places`]: ninjs places with `rel` `dateline` | `about` | `mentioned`, GeoNames `uri`
//!   and ISO 3166-1 alpha-2 `literal`; M49 [`wire_model::Region`]s; [`wire_model::Evidence`] with
//!   character offsets. Ambiguous names (Georgia, Jordan, Nice, Turkey, ...) are decided from
//!   capitalisation, neighbouring words and the other places in the story.
//!
//! - [`MediaTopics`]: IPTC Media Topics (top two levels) tagged from weighted terms derived from
//!   the vocabulary's labels (`config/topics/iptc/mediatopics.json`), and provider Subject Codes
//!   (`subj:15054000`, `http://cv.iptc.org/newscodes/subjectcode/15054000`) mapped through its
//!   exactMatch/closeMatch links.
//! - [`TopicCatalog`]: operator story topics, one TOML file each in `config/topics/` (weighted
//!   terms, required and excluded groups, place constraints, parent Media Topic, threshold),
//!   tagged as `urn:wirefeed:topic:<id>`; [`backtest`] shows what a new version of a topic
//!   tags, gains and loses on past articles ([`BacktestReport`] implements `Display`).
//!
//! The one entry point for the enricher is [`Tagger`]:
//!
//! ```no_run
//! # fn main() -> Result<(), wire_tagging::TaggingError> {
//! let tagger = wire_tagging::Tagger::load(std::path::Path::new("config"))?;
//! let article = wire_model::Article::default();
//! let tags = tagger.tag(&article, Some("MOSCOW (AFP) -"));
//! // tags.places -> article.places, tags.subjects -> article.subjects,
//! // tags.regions -> wire.regions, tags.evidence -> wire.evidence,
//! // tags.story_topic_ids() and tags.countries -> topic and region routes.
//! # Ok(()) }
//! ```
//!
//! Every data structure is read-only after loading; share one `Tagger` across threads (it is
//! `Send + Sync`) and build a new one, or call [`Tagger::set_catalog`], to reload topics.

mod backtest;
mod catalog;
mod dateline;
mod disambiguate;
pub mod embedded;
mod fold;
mod gazetteer;
mod media_topics;
mod places;
mod roles;
mod scan;
mod story_topics;
mod tagger;
mod terms;
mod text;
mod word_automaton;

pub use backtest::{BacktestArticle, BacktestReport, SAMPLE_SIZE, backtest};
pub use catalog::{PlaceConstraint, STORY_TOPIC_CREATOR, StoryTopic, TermGroup, TopicCatalog};
pub use gazetteer::{Gazetteer, NameKind, PlaceEntity, PlaceKind};
pub use media_topics::{MEDIA_TOPIC_CREATOR, MediaTopic, MediaTopics, SUBJECT_CODE_CREATOR};
pub use places::{CountryTag, PlaceRole, PlaceTags, tag_places};
pub use scan::DEFAULT_PARAGRAPH_CACHE;
pub use story_topics::{CompiledCatalog, TopicMatch};
pub use tagger::{Tagger, Tags};
pub use text::{Field, TagInput};

use std::path::PathBuf;

/// Single-word names of cities smaller than this need support from the story (another place in
/// the same country, a locative word) before they count: most such names are also surnames or
/// words.
pub(crate) const SMALL_CITY_POPULATION: u64 = 100_000;

/// The same for a city's alternate (foreign, historical) names, which collide with English
/// words and surnames far more often.
pub(crate) const SMALL_CITY_POPULATION_BY_ALTERNATE_NAME: u64 = 1_000_000;

/// Why tagging data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TaggingError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file that is not the TOML (or JSON) it should be: a syntax error, a value of the
    /// wrong type, an unknown key.
    #[error("{}does not parse: {message}", file.as_ref().map(|f| format!("{}: ", f.display())).unwrap_or_default())]
    Parse {
        file: Option<PathBuf>,
        message: String,
    },
    #[error("{}{key}: {message}", file.as_ref().map(|f| format!("{}: ", f.display())).unwrap_or_default())]
    Invalid {
        file: Option<PathBuf>,
        key: String,
        message: String,
    },
}

impl TaggingError {
    /// The same error, naming the file it came from.
    pub fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            TaggingError::Parse { message, .. } => TaggingError::Parse {
                file: Some(path.to_path_buf()),
                message,
            },
            TaggingError::Invalid { key, message, .. } => TaggingError::Invalid {
                file: Some(path.to_path_buf()),
                key,
                message,
            },
            other => other,
        }
    }

    /// The file (or directory) at fault, when one is known.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            TaggingError::Io { path, .. } => Some(path),
            TaggingError::Parse { file, .. } | TaggingError::Invalid { file, .. } => {
                file.as_deref()
            }
        }
    }

    /// A short, bounded name for the kind of error (a metric label): `unreadable`,
    /// `does_not_parse` or `invalid`.
    pub fn kind(&self) -> &'static str {
        match self {
            TaggingError::Io { .. } => "unreadable",
            TaggingError::Parse { .. } => "does_not_parse",
            TaggingError::Invalid { .. } => "invalid",
        }
    }
}
