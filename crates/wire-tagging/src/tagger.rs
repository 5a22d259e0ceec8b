//! The one entry point the enricher calls: places, regions, Media Topics, Subject Code
//! mappings and operator topics for one article, with their evidence.

use std::path::Path;
use wire_model::{Article, Evidence, Place, Region, Subject};

use crate::catalog::TopicCatalog;
use crate::media_topics::MediaTopics;
use crate::places::{CountryTag, tag_places, tag_places_prepared};
use crate::scan::{DEFAULT_PARAGRAPH_CACHE, Prepared, ScanCache};
use crate::story_topics::{CompiledCatalog, TopicMatch};
use crate::{Gazetteer, TagInput, TaggingError};

/// Everything tagged for one article. `evidence` holds one entry per place and subject uri.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags {
    pub places: Vec<Place>,
    pub subjects: Vec<Subject>,
    pub evidence: Vec<Evidence>,
    pub regions: Vec<Region>,
    /// Country-level summary of `places` (for routing on a region or country).
    pub countries: Vec<CountryTag>,
}

impl Tags {
    /// The operator topic ids tagged (`syria-peace-process`), for topic routes.
    pub fn story_topic_ids(&self) -> Vec<&str> {
        self.subjects
            .iter()
            .filter_map(|s| s.uri.as_deref())
            .filter_map(|uri| uri.strip_prefix("urn:wirefeed:topic:"))
            .collect()
    }
}

/// Gazetteer, Media Topics and the compiled topic catalog. Build once, share read-only.
///
/// It may keep the walks of recent paragraphs ([`Tagger::set_paragraph_cache`], see `scan.rs`):
/// a paragraph seen before (a re-send's) is then not walked again. The tags are the same with
/// or without them.
#[derive(Debug)]
pub struct Tagger {
    gazetteer: Gazetteer,
    media_topics: MediaTopics,
    catalog: CompiledCatalog,
    /// `None` when paragraph walks are not kept.
    paragraphs: Option<ScanCache>,
}

impl Tagger {
    pub fn new(
        gazetteer: Gazetteer,
        media_topics: MediaTopics,
        catalog: &TopicCatalog,
    ) -> Result<Self, TaggingError> {
        Ok(Self {
            gazetteer,
            media_topics,
            catalog: CompiledCatalog::new(catalog)?,
            paragraphs: ScanCache::new(DEFAULT_PARAGRAPH_CACHE),
        })
    }

    /// Loads the shipped files under `config_dir`: `gazetteer/gazetteer.json`,
    /// `topics/iptc/mediatopics.json` and the topic catalog `topics/*.toml`.
    pub fn load(config_dir: &Path) -> Result<Self, TaggingError> {
        let gazetteer = Gazetteer::load(&config_dir.join("gazetteer").join("gazetteer.json"))?;
        let media_topics = MediaTopics::load(
            &config_dir
                .join("topics")
                .join("iptc")
                .join("mediatopics.json"),
        )?;
        let catalog = TopicCatalog::from_dir(&config_dir.join("topics"))?;
        Self::new(gazetteer, media_topics, &catalog)
    }

    /// Replaces the topic catalog (a reload); the old one stays if the new one is invalid.
    pub fn set_catalog(&mut self, catalog: &TopicCatalog) -> Result<(), TaggingError> {
        self.catalog = CompiledCatalog::new(catalog)?;
        self.forget_paragraphs();
        Ok(())
    }

    /// Replaces the topic catalog with one compiled already (off the tagging path).
    pub fn set_compiled_catalog(&mut self, catalog: CompiledCatalog) {
        self.catalog = catalog;
        self.forget_paragraphs();
    }

    /// Keeps the walks of the last `paragraphs` distinct paragraphs (per automaton), or none
    /// for 0; [`DEFAULT_PARAGRAPH_CACHE`] unless set. Only speed depends on it, never the tags.
    pub fn set_paragraph_cache(&mut self, paragraphs: usize) {
        self.paragraphs = ScanCache::new(paragraphs);
    }

    fn forget_paragraphs(&self) {
        if let Some(cache) = &self.paragraphs {
            cache.clear();
        }
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    pub fn media_topics(&self) -> &MediaTopics {
        &self.media_topics
    }

    pub fn catalog(&self) -> &CompiledCatalog {
        &self.catalog
    }

    /// Tags an article: its main headline, plain-text body, `located`, and the provider's
    /// Subject Codes among its `subjects`. `dateline` is the printed dateline if the caller
    /// has one; without it a dateline at the head of the body is used.
    pub fn tag(&self, article: &Article, dateline: Option<&str>) -> Tags {
        let input = input_of(article, dateline);
        let provider_codes: Vec<&str> = article
            .subjects
            .iter()
            .flat_map(|s| [s.uri.as_deref(), s.literal.as_deref()])
            .flatten()
            .filter(|code| code.contains("subjectcode/") || code.starts_with("subj:"))
            .collect();
        self.tag_input(&input, &provider_codes)
    }

    /// Why each story topic with any term in the article did or did not tag it: its score
    /// against its threshold and the terms found, and whether it passed (score, required
    /// groups, exclusions and places), by topic id. For an editor asking why a story was
    /// (not) tagged, and for tuning a topic.
    pub fn explain_story_topics(
        &self,
        article: &Article,
        dateline: Option<&str>,
    ) -> Vec<(TopicMatch, bool)> {
        let input = input_of(article, dateline);
        let places = tag_places(&self.gazetteer, &input);
        self.catalog.evaluate(&input, &places)
    }

    /// Tags plain text; `provider_subject_codes` are mapped to Media Topics.
    pub fn tag_input(&self, input: &TagInput<'_>, provider_subject_codes: &[&str]) -> Tags {
        let prepared = Prepared::new(input, self.paragraphs.as_ref());
        let place_tags = tag_places_prepared(&self.gazetteer, input, &prepared);
        let mut tags = Tags {
            places: place_tags.places.clone(),
            regions: place_tags.regions.clone(),
            evidence: place_tags.evidence.clone(),
            countries: place_tags.countries.clone(),
            subjects: Vec::new(),
        };
        let add = |tags: &mut Tags, subject: Subject, evidence: Evidence| {
            if !tags.subjects.iter().any(|s| s.uri == subject.uri) {
                tags.subjects.push(subject);
                tags.evidence.push(evidence);
            }
        };
        let story_topics = self.catalog.tag_prepared(input, &place_tags, &prepared);
        let parents: Vec<(Subject, Evidence)> = story_topics
            .iter()
            .filter_map(|found| {
                let topic = self.catalog.topics().iter().find(|t| t.id == found.id)?;
                let code = topic.media_topic.as_deref()?;
                self.media_topics
                    .subject_for_story_topic(code, &found.subject)
            })
            .collect();
        for found in story_topics {
            add(&mut tags, found.subject, found.evidence);
        }
        for code in provider_subject_codes {
            if let Some((subject, evidence)) = self.media_topics.subject_for_code(code) {
                add(&mut tags, subject, evidence);
            }
        }
        let (subjects, evidence) = self.media_topics.tag_prepared(input, &prepared);
        for (subject, evidence) in subjects.into_iter().zip(evidence) {
            add(&mut tags, subject, evidence);
        }
        for (subject, evidence) in parents {
            add(&mut tags, subject, evidence);
        }
        tags
    }
}

/// What the taggers read from `article`, with the printed `dateline` if the caller has one.
fn input_of<'a>(article: &'a Article, dateline: Option<&'a str>) -> TagInput<'a> {
    TagInput {
        headline: article.headline().unwrap_or_default(),
        body: body_of(article),
        dateline,
        located: article.located.as_deref(),
        language: article.language.as_deref(),
    }
}

/// The plain-text body, else the first body whatever its type (offsets then refer to it).
pub(crate) fn body_of(article: &Article) -> &str {
    article
        .body_text()
        .or_else(|| article.bodies.first().map(|b| b.value.as_str()))
        .unwrap_or_default()
}
