//! The canonical article: an IPTC ninjs 3.x news object (`ninjs-schema_3.1.json`).
//!
//! Fields wirefeed reads or writes are typed; every other ninjs property is kept verbatim in
//! [`Article::extra`], so nothing a provider sent is lost on the way through the pipeline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An IPTC ninjs 3.x news object. Field names follow ninjs exactly (camelCase).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    /// The globally unique identifier of the news object (the only required ninjs property).
    pub uri: String,
    /// The generic news type (`text`, `picture`, ...).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_created: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_created: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargoed_until: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_status: Option<PubStatus>,
    /// 1 (highest) to 9 (lowest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<u8>,
    /// BCP 47 language tag (`en`, `de`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headlines: Vec<Headline>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub descriptions: Vec<TextValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bodies: Vec<Body>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slugline: Option<String>,
    /// The name of the place the content originates from (the dateline city).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub located: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alt_ids: Vec<AltId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renditions: Vec<Rendition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copyright_holder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copyright_notice: Option<String>,
    /// Every other ninjs property, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// ninjs `pubStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PubStatus {
    Usable,
    Withheld,
    Canceled,
}

/// A ninjs headline: `{ "role": "main", "value": "..." }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Headline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    pub value: String,
}

/// A ninjs description (same shape as a headline).
pub type TextValue = Headline;

/// A ninjs body: the text as `text/plain` or `text/html`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub char_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word_count: Option<u64>,
    pub value: String,
}

impl Body {
    /// A `text/plain` body.
    pub fn plain_text(value: impl Into<String>) -> Self {
        Self {
            role: None,
            content_type: Some("text/plain".to_owned()),
            char_count: None,
            word_count: None,
            value: value.into(),
        }
    }
}

impl Headline {
    /// A headline without a role.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            role: None,
            content_type: None,
            value: value.into(),
        }
    }
}

/// A ninjs place: `{ "name": "Syria", "rel": "about", "uri": "http://sws.geonames.org/163843/",
/// "literal": "SY" }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Place {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `about`, `mentioned` or `dateline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub literal: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A ninjs subject: an IPTC Media Topic or an operator topic, with who tagged it and how sure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub literal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevance: Option<u8>,
    /// 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u8>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A ninjs alternative id: `{ "role": "guid", "value": "..." }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AltId {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub value: String,
}

/// A ninjs rendition; wirefeed uses `{ "name": "web", "href": <link>, "contentType": "text/html" }`
/// for the article's web page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rendition {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Article {
    /// The main headline: the one with role `main`, else the first.
    pub fn headline(&self) -> Option<&str> {
        self.headlines
            .iter()
            .find(|h| h.role.as_deref() == Some("main"))
            .or_else(|| self.headlines.first())
            .map(|h| h.value.as_str())
    }

    /// The plain-text body, if the article has one.
    pub fn body_text(&self) -> Option<&str> {
        self.bodies
            .iter()
            .find(|b| b.content_type.as_deref() == Some("text/plain"))
            .map(|b| b.value.as_str())
    }

    /// The link to the article's web page (the `web` rendition).
    pub fn web_link(&self) -> Option<&str> {
        self.renditions
            .iter()
            .find(|r| r.name == "web")
            .and_then(|r| r.href.as_deref())
    }
}
