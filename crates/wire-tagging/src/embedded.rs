//! The shipped data compiled into the binary, so `wirefeed run` tags articles on a fresh
//! machine with no files beside it: the gazetteer, the IPTC Media Topics subset and the starter
//! topic catalog of `config/`. The enricher reads the catalog from a `topics/` folder instead
//! when it finds one (see `wirefeed_enricher::catalog`); this copy is the fallback.

use crate::{Gazetteer, MediaTopics, StoryTopic, Tagger, TaggingError, TopicCatalog};

const GAZETTEER: &str = include_str!("../../../config/gazetteer/gazetteer.json");
const MEDIA_TOPICS: &str = include_str!("../../../config/topics/iptc/mediatopics.json");
/// Every file of `config/topics/` (a test keeps this list complete).
pub const STORY_TOPICS: &[(&str, &str)] = &[
    (
        "ai-regulation.toml",
        include_str!("../../../config/topics/ai-regulation.toml"),
    ),
    (
        "china-taiwan.toml",
        include_str!("../../../config/topics/china-taiwan.toml"),
    ),
    (
        "climate-talks.toml",
        include_str!("../../../config/topics/climate-talks.toml"),
    ),
    (
        "ecb-interest-rates.toml",
        include_str!("../../../config/topics/ecb-interest-rates.toml"),
    ),
    (
        "fed-interest-rates.toml",
        include_str!("../../../config/topics/fed-interest-rates.toml"),
    ),
    (
        "iran-nuclear.toml",
        include_str!("../../../config/topics/iran-nuclear.toml"),
    ),
    (
        "israel-gaza.toml",
        include_str!("../../../config/topics/israel-gaza.toml"),
    ),
    (
        "north-korea-missiles.toml",
        include_str!("../../../config/topics/north-korea-missiles.toml"),
    ),
    (
        "opec-oil-output.toml",
        include_str!("../../../config/topics/opec-oil-output.toml"),
    ),
    (
        "russia-ukraine-war.toml",
        include_str!("../../../config/topics/russia-ukraine-war.toml"),
    ),
    (
        "sudan-war.toml",
        include_str!("../../../config/topics/sudan-war.toml"),
    ),
    (
        "syria-peace-process.toml",
        include_str!("../../../config/topics/syria-peace-process.toml"),
    ),
    (
        "us-elections.toml",
        include_str!("../../../config/topics/us-elections.toml"),
    ),
];

impl Tagger {
    /// The tagger on the data compiled into the binary.
    pub fn embedded() -> Result<Self, TaggingError> {
        let topics = STORY_TOPICS
            .iter()
            .map(|(_, text)| StoryTopic::from_toml_str(text))
            .collect::<Result<Vec<_>, _>>()?;
        Tagger::new(
            Gazetteer::from_json(GAZETTEER)?,
            MediaTopics::from_json(MEDIA_TOPICS)?,
            &TopicCatalog::from_topics(topics)?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_file_is_embedded_and_the_embedded_tagger_loads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/topics");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| name.ends_with(".toml"))
                    .collect()
            })
            .unwrap_or_default();
        on_disk.sort();
        let mut embedded: Vec<String> = STORY_TOPICS.iter().map(|(n, _)| (*n).to_owned()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
        let tagger = Tagger::embedded();
        assert!(tagger.is_ok(), "{:?}", tagger.err());
    }
}
