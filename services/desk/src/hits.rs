//! Pure: what the API shows of an article, a family and a story, built from envelopes.

use crate::schema::{article_time, story_of, version_of};
use chrono::{DateTime, Utc};
use serde::Serialize;
use wire_model::{Envelope, PubStatus};

/// One article version as a search hit or a list entry.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleHit {
    pub uri: String,
    pub version: u64,
    pub headline: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<u8>,
    /// The article's own time.
    pub time: DateTime<Utc>,
    pub fetched_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enriched_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    pub story: String,
    pub is_original: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    pub killed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embargoed_until: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
}

impl ArticleHit {
    pub fn of(envelope: &Envelope) -> Self {
        let article = &envelope.article;
        let wire = &envelope.wire;
        Self {
            uri: article.uri.clone(),
            version: version_of(envelope),
            headline: article.headline().unwrap_or_default().to_owned(),
            source: wire.source.as_str().to_owned(),
            agency: wire.agency.clone().or_else(|| wire.credit.clone()),
            language: article.language.clone(),
            urgency: article.urgency,
            time: article_time(envelope),
            fetched_at: wire.fetched_at,
            enriched_at: wire.enriched_at,
            family: wire
                .family
                .as_ref()
                .map(|family| family.as_str().to_owned()),
            story: story_of(envelope).to_owned(),
            is_original: wire.is_original == Some(true),
            duplicate_of: wire.duplicate_of.clone(),
            killed: article.pub_status == Some(PubStatus::Canceled),
            embargoed_until: article.embargoed_until,
            link: wire.link.clone(),
            signals: wire.signals.clone(),
            topics: article
                .subjects
                .iter()
                .filter_map(|subject| subject.name.clone().or_else(|| subject.literal.clone()))
                .collect(),
            places: article
                .places
                .iter()
                .filter_map(|place| place.name.clone().or_else(|| place.literal.clone()))
                .collect(),
        }
    }
}

/// A family: its original, the original's versions, its pickups and whether it was killed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FamilyView {
    pub family: String,
    pub original: ArticleHit,
    /// Every version of the original, oldest first.
    pub versions: Vec<ArticleHit>,
    /// The newest version of every other copy, in time order.
    pub pickups: Vec<ArticleHit>,
    pub killed: bool,
}

impl FamilyView {
    /// The family `id` from the newest version of each of its copies and every version of
    /// its original; `None` without any copy.
    pub fn of(
        id: &str,
        latest: Vec<ArticleHit>,
        original_versions: Vec<ArticleHit>,
    ) -> Option<Self> {
        let original = latest
            .iter()
            .find(|hit| hit.is_original)
            .or_else(|| latest.iter().min_by_key(|hit| hit.time))?
            .clone();
        let mut versions = original_versions;
        versions.sort_by_key(|hit| hit.version);
        let mut pickups: Vec<ArticleHit> = latest
            .into_iter()
            .filter(|hit| hit.uri != original.uri)
            .collect();
        pickups.sort_by_key(|hit| hit.time);
        let killed = original.killed || pickups.iter().any(|hit| hit.killed);
        Some(Self {
            family: id.to_owned(),
            original,
            versions,
            pickups,
            killed,
        })
    }
}

/// One family of a story.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoryFamily {
    pub family: String,
    /// The family's original (else its earliest copy).
    pub first: ArticleHit,
    /// How many copies it has, the original included.
    pub copies: usize,
    /// The sources of the copies, in time order.
    pub sources: Vec<String>,
}

/// A story: its families in time order (the first is who had it first).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoryView {
    pub story: String,
    pub families: Vec<StoryFamily>,
    /// Stories merged into this one (their ids name it now).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
}

impl StoryView {
    /// The story `id` from the newest version of each of its copies; `None` without any.
    pub fn of(id: &str, mut latest: Vec<ArticleHit>) -> Option<Self> {
        if latest.is_empty() {
            return None;
        }
        latest.sort_by_key(|hit| hit.time);
        let mut families: Vec<StoryFamily> = Vec::new();
        for hit in latest {
            let family = hit.family.clone().unwrap_or_else(|| hit.uri.clone());
            match families.iter_mut().find(|entry| entry.family == family) {
                Some(entry) => {
                    entry.copies += 1;
                    entry.sources.push(hit.source.clone());
                    if hit.is_original && !entry.first.is_original {
                        entry.first = hit;
                    }
                }
                None => families.push(StoryFamily {
                    family,
                    copies: 1,
                    sources: vec![hit.source.clone()],
                    first: hit,
                }),
            }
        }
        families.sort_by_key(|entry| entry.first.time);
        Some(Self {
            story: id.to_owned(),
            families,
            merged: Vec::new(),
        })
    }

    /// The same, naming the stories merged into it.
    pub fn with_merged(mut self, merged: Vec<String>) -> Self {
        self.merged = merged;
        self
    }
}
