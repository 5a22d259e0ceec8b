//! Pure: the records of `wire.stories.v1` ([`StoryRecord`]), one per change of a story, and the
//! family each is about ([`StoryMember`]).

use crate::index::Entry;
use crate::story::StorySummary;
use chrono::{DateTime, Utc};
use wire_model::{Envelope, STORY_SCHEMA, StoryChange, StoryMember, StoryRecord};

/// A family's first copy as a story record shows it.
pub fn story_member(envelope: &Envelope, headline: &str, entry: &Entry) -> StoryMember {
    StoryMember {
        headline: headline.to_owned(),
        agency: envelope.wire.agency.clone(),
        language: envelope.article.language.clone(),
        ..restored_member(entry)
    }
}

/// A family's first copy as restored from the index (without its headline, agency and
/// language, which the index does not keep).
pub fn restored_member(entry: &Entry) -> StoryMember {
    StoryMember {
        family: entry.family.clone(),
        article_uri: entry.uri.clone(),
        headline: String::new(),
        source: wire_model::SourceId::from(entry.source.as_str()),
        agency: None,
        language: None,
        first_created: DateTime::from_timestamp(entry.first_created, 0).unwrap_or_default(),
        embargoed_until: None,
    }
}

/// A change of `story` about `member`: who had the story first (`member` itself when the
/// story knows no first) and how far behind it `member` came.
pub fn story_record(
    story: &str,
    change: StoryChange,
    member: StoryMember,
    confidence: Option<f32>,
    summary: StorySummary,
    merged: Vec<String>,
    now: DateTime<Utc>,
) -> StoryRecord {
    let first = summary.first.unwrap_or_else(|| member.clone());
    StoryRecord {
        schema: STORY_SCHEMA.to_owned(),
        story: story.to_owned(),
        change,
        behind_seconds: (member.first_created - first.first_created)
            .num_seconds()
            .max(0),
        member,
        confidence,
        first,
        families: summary.families,
        merged,
        enriched_at: now,
        extra: serde_json::Map::new(),
    }
}
