//! The alert message on `wire.alerts.v1`: one per story family and subscription.

use crate::envelope::{DecodeError, Schema, decode_with_schema};
use crate::{FamilyId, SourceId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The schema string of [`Alert`] messages.
pub const ALERT_SCHEMA: &str = "wirefeed.alert/1";

/// Something new appeared for a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub schema: String,
    /// The subscription that matched.
    pub subscription: String,
    /// What matched, in words (e.g. `keyword "syria" in headline`).
    pub evidence: Vec<String>,
    pub family: FamilyId,
    /// The `uri` of the article that triggered the alert.
    pub article_uri: String,
    pub headline: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    pub source: SourceId,
    /// The article's own time (`versionCreated`, else `firstCreated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enriched_at: Option<DateTime<Utc>>,
    pub alerted_at: DateTime<Utc>,
    /// `new` (the first matching article of a story family), `update` (a material new
    /// version of an alerted story) or `kill` (an alerted story was withdrawn). Absent from
    /// older alerts, which are `new`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// For updates and kills, what changed, in a desk's words: `headline rewritten`,
    /// `urgency raised to 1`, `lede rewritten`, `2 paragraphs added`, `about 35% of the text
    /// changed`, `correction`, `reinstated`, `killed by AFP`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// The story is under embargo until this time: the desk may prepare it but must not run
    /// it before then (the article's `embargoedUntil`, while in the future).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargoed_until: Option<DateTime<Utc>>,
    /// The triggering article's `wire.version_seq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_seq: Option<u32>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Alert {
    pub fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        decode_with_schema(payload, ALERT_SCHEMA)
    }

    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Schema for Alert {
    fn schema(&self) -> &str {
        &self.schema
    }
}
