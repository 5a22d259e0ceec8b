//! The story record on `wire.stories.v1`: one per change of an event cluster (`wire.story`),
//! so a desk system can keep story pages without reading every article.

use crate::envelope::{DecodeError, Schema, decode_with_schema};
use crate::{FamilyId, SourceId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The schema string of [`StoryRecord`] messages.
pub const STORY_SCHEMA: &str = "wirefeed.story/1";

/// What changed in a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoryChange {
    /// A family started a story of its own: the first write-up of an event.
    New,
    /// A new family (another write-up of the event) joined the story.
    Joined,
    /// Stories found to tell one event became this one: every family of the stories in
    /// [`StoryRecord::merged`] belongs to [`StoryRecord::story`] from now on, and articles
    /// that carry their ids as `wire.story` are to be read as this story.
    Merged,
    /// The member family was killed: a story page must drop it (the kill itself travels on
    /// `wire.enriched.v1` to every copy).
    Killed,
}

/// A family of a story as a desk sees it: who sent it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryMember {
    pub family: FamilyId,
    /// The `uri` of the family's first copy.
    pub article_uri: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub headline: String,
    pub source: SourceId,
    /// The news agency that wrote it, when known (`afp`, `dpa`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The copy's own time (`firstCreated`, else when it was fetched).
    pub first_created: DateTime<Utc>,
    /// The family is under embargo until then: a desk must not show its headline before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargoed_until: Option<DateTime<Utc>>,
}

/// One change of one story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryRecord {
    pub schema: String,
    /// The story (`wire.story`), which is also the record's key.
    pub story: String,
    pub change: StoryChange,
    /// The family this change is about: the one that started or joined the story, or the one
    /// whose arrival showed the stories to be one.
    pub member: StoryMember,
    /// How similar the family was to the story it joined (`wire.story_confidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// Who had it first: the story's earliest family by its own time.
    pub first: StoryMember,
    /// How far behind [`StoryRecord::first`] the member came, in seconds (0 for the first).
    pub behind_seconds: i64,
    /// Families in the story now (with those of merged stories).
    pub families: u32,
    /// For [`StoryChange::Merged`]: the stories that are this one now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
    pub enriched_at: DateTime<Utc>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl StoryRecord {
    pub fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        decode_with_schema(payload, STORY_SCHEMA)
    }

    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Schema for StoryRecord {
    fn schema(&self) -> &str {
        &self.schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_record_round_trips_and_another_schema_is_refused() {
        let member = StoryMember {
            family: FamilyId::from("family:a"),
            article_uri: "urn:a".to_owned(),
            headline: "Quake hits Peru".to_owned(),
            source: SourceId::from("afp"),
            agency: Some("afp".to_owned()),
            language: Some("en".to_owned()),
            first_created: DateTime::<Utc>::UNIX_EPOCH,
            embargoed_until: None,
        };
        let record = StoryRecord {
            schema: STORY_SCHEMA.to_owned(),
            story: "story:a".to_owned(),
            change: StoryChange::Merged,
            member: member.clone(),
            confidence: Some(0.4),
            first: member,
            behind_seconds: 0,
            families: 3,
            merged: vec!["story:b".to_owned()],
            enriched_at: DateTime::<Utc>::UNIX_EPOCH,
            extra: Map::new(),
        };
        let encoded = record.encode();
        assert!(String::from_utf8_lossy(&encoded).contains(r#""change":"merged""#));
        assert_eq!(StoryRecord::decode(&encoded).ok(), Some(record));
        let article = br#"{"schema":"wirefeed.article/1","story":"x"}"#;
        assert!(StoryRecord::decode(article).is_err());
    }
}
