//! The article message: `{ "article": <ninjs>, "wire": <WireMeta>, "schema": "wirefeed.article/1" }`.

use crate::{Article, FamilyId, SourceId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The schema string of [`Envelope`] messages.
pub const ARTICLE_SCHEMA: &str = "wirefeed.article/1";

/// The value of every message on `wire.articles.v1` and `wire.enriched.v1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// An IPTC ninjs 3.x object: a consumer that only wants ninjs takes this and is done.
    pub article: Article,
    /// What ninjs has no slot for: provenance, lineage and tagging evidence.
    pub wire: WireMeta,
    /// Always [`ARTICLE_SCHEMA`] for this version.
    pub schema: String,
}

/// wirefeed's own metadata about an article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireMeta {
    /// The configured source the item was fetched from.
    pub source: SourceId,
    /// The provider's identity of the item (guid, canonical link, or a title + date hash):
    /// the same for every version of the item.
    pub item_identity: String,
    /// The input format the article was normalized from (`rss`, `atom`, `ninjs`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The article's web page, as given by the feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// When the fetcher got the item.
    pub fetched_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enriched_at: Option<DateTime<Utc>>,
    /// True when the item carried no usable date and `firstCreated`/`versionCreated` are the
    /// fetch time.
    #[serde(default, skip_serializing_if = "is_false")]
    pub date_from_fetch_time: bool,
    /// Fingerprint of the normalized headline and body text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    /// The story family (set by the enricher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<FamilyId>,
    /// 1 for the first version of an item seen, then 2, 3, ... (set by the enricher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_seq: Option<u32>,
    /// The `uri` of the original this article duplicates (set by the enricher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Similarity to the original, 0.0 to 1.0 (set by the enricher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
    /// True for the first copy of a story family, false for duplicates (set by the enricher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_original: Option<bool>,
    /// For an agency update sent as a new item (`UPDATE 2-...`): the `uri` of the item it
    /// updates (set by the enricher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_of: Option<String>,
    /// The event cluster: different write-ups of the same event (by different agencies or
    /// outlets) share it; set when the enricher is confident, else the family's own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<String>,
    /// How similar the family's first copy was to the story it joined, 0.0 to 1.0 (set by the
    /// enricher when a new family joined a story; none when it started one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story_confidence: Option<f32>,
    /// What changed since the previous version (set by the enricher on versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    /// Language detection confidence, 0.0 to 1.0, when the language was detected, not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_confidence: Option<f64>,
    /// The provider's own id of the item as it sent it (feed guid, NewsML-G2 guid, ninjs
    /// `uri`, NITF doc-id, dpa urn), when it has one (set by the normalizer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    /// Signals the provider sent with this version: `update`, `correction`, ... (NewsML-G2
    /// `signal`, dpa `signal`; set by the normalizer). Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<String>,
    /// The agency the story is credited to: the dateline's `(AFP)`, else the provider's
    /// credit line (set by the normalizer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// The dateline as the provider wrote it: the body's whole first paragraph before the
    /// dateline was cut from it, else the provider's dateline field (set by the normalizer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<String>,
    /// Republisher boilerplate the normalizer removed from the body (photo captions and
    /// credits, `Read more:` lines, share-widget text), in order. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// The encoding the item's bytes were decoded from, when it was not UTF-8
    /// (`windows-1252`, `UTF-16LE`, ...; set by the normalizer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// What the normalizer had to be lenient about, from a fixed set: `headline_truncated`,
    /// `body_truncated`, `invalid_bytes_replaced`, `more_items_in_message`. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// Why each place and subject tag is there (set by the enricher): the tag's `uri`, the
    /// terms that matched and where. Absent when the article has no tags.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "evidence_unless_skipped"
    )]
    pub evidence: Vec<Evidence>,
    /// The UN M49 region and subregion of each country the article is tagged with (set by the
    /// enricher). Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// The wire agency whose story this is, by its short name (`AFP`, `Reuters`, `dpa`, ...),
    /// recognised from the credit, the dateline and the provider (set by the enricher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// True when this copy came from the agency itself (its feed, its provider name), not from
    /// an outlet that republished it (set by the enricher). The family's original is the
    /// earliest agency copy, else the earliest copy.
    #[serde(default, skip_serializing_if = "is_false")]
    pub from_agency: bool,
    /// On every canceled record of a killed family: the `uri` of the item whose kill it carries
    /// (the agency's kill). Kill notices, late copies of a killed story and the kill itself
    /// carry it (set by the enricher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub killed_by: Option<String>,
    /// Set on records the enricher publishes for a copy that did not arrive (no content of
    /// their own: keep the copy's earlier content): `kill` (the family was killed: the copy is
    /// withdrawn, the headline and body are the kill's) or `original_handover` (the copy is no
    /// longer its family's original: only the lineage fields changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// A copy of an embargoed story published (by an outlet) before the embargo lifted. Its
    /// `embargoedUntil` is the family's (set by the enricher).
    #[serde(default, skip_serializing_if = "is_false")]
    pub embargo_broken: bool,
    /// Fields added by newer wirefeed versions, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What [`WireMeta::notice`] says a record is.
pub mod notice {
    /// The family was killed; this record withdraws a copy that was already published.
    pub const KILL: &str = "kill";
    /// The copy lost its place as the family's original to an earlier or agency copy.
    pub const ORIGINAL_HANDOVER: &str = "original_handover";
}

/// The evidence for one tag of `article.places` or `article.subjects`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The tag's `uri` (a GeoNames, IPTC Media Topic, `urn:wirefeed:topic:` or
    /// `urn:wirefeed:classifier:` uri).
    pub uri: String,
    /// What matched, in text order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<EvidenceMatch>,
    /// How the tag was decided when no term explains it alone, e.g. `classifier score 0.93`,
    /// `provider subject code 15054000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One matched term: `text[start..end]` of the named field (character offsets, not bytes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvidenceMatch {
    /// The term as it appears in the text.
    pub term: String,
    /// `headline`, `body` or `dateline`.
    pub field: String,
    pub start: usize,
    pub end: usize,
}

/// A country's place in the UN M49 geoscheme.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// e.g. `Asia`.
    pub region: String,
    /// e.g. `Western Asia`.
    pub subregion: String,
}

/// What changed from one version of an item to the next.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The previous version's `version_seq`.
    pub from_version: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub headline_changed: bool,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub paragraphs_added: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub paragraphs_removed: u32,
    /// Urgency raised (a lower number: 1 is the highest).
    #[serde(default, skip_serializing_if = "is_false")]
    pub urgency_raised: bool,
    /// The item was killed (`pubStatus: canceled`); the kill applies to the whole family.
    #[serde(default, skip_serializing_if = "is_false")]
    pub kill: bool,
    /// The provider marked it a correction.
    #[serde(default, skip_serializing_if = "is_false")]
    pub correction: bool,
    /// The first paragraph (the lede) was rewritten, not just touched up.
    #[serde(default, skip_serializing_if = "is_false")]
    pub lede_rewritten: bool,
    /// The share of the new version's wording that the previous version did not have, 0.0 to
    /// 1.0 (an estimate over 4-word sequences: a one-word fix in a 400-word story is about
    /// 0.01, a trimmed story 0.0, a new paragraph its share of the text).
    #[serde(default, skip_serializing_if = "is_zero_share")]
    pub body_changed: f32,
    /// The agency lifted a kill: the story is usable again.
    #[serde(default, skip_serializing_if = "is_false")]
    pub reinstated: bool,
    /// Worth telling a desk about: urgency raised, kill, correction, reinstatement, headline
    /// changed in its words, lede rewritten, paragraphs added, or a real share of new wording
    /// in the body (see the README's "Material change"). A typo fix, a trim or a new byline is
    /// not.
    pub material: bool,
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

fn is_zero_share(value: &f32) -> bool {
    *value == 0.0
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Why a message could not be read as a wirefeed message.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("message is not valid json: {0}")]
    NotJson(#[source] serde_json::Error),
    #[error("unsupported schema {found:?}, expected {expected:?}")]
    WrongSchema {
        found: String,
        expected: &'static str,
    },
    #[error("message does not match schema {schema}: {source}")]
    Invalid {
        schema: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

/// A message that names its schema in a `schema` string.
pub(crate) trait Schema {
    fn schema(&self) -> &str;
}

/// Decodes a message value that carries a `schema` string. A wrong version gets a clear error
/// (`WrongSchema`) instead of a field-level one. The value is read straight into `T` (going
/// through a `serde_json::Value` tree first cost as much again in allocations, in every
/// stage), and only a value that fails is read again to say why.
pub(crate) fn decode_with_schema<T: serde::de::DeserializeOwned + Schema>(
    payload: &[u8],
    expected: &'static str,
) -> Result<T, DecodeError> {
    let source = match serde_json::from_slice::<T>(payload) {
        Ok(decoded) if decoded.schema() == expected => return Ok(decoded),
        Ok(decoded) => {
            return Err(DecodeError::WrongSchema {
                found: decoded.schema().to_owned(),
                expected,
            });
        }
        Err(source) => source,
    };
    let value: Value = serde_json::from_slice(payload).map_err(DecodeError::NotJson)?;
    let found = value.get("schema").and_then(Value::as_str).unwrap_or("");
    if found != expected {
        return Err(DecodeError::WrongSchema {
            found: found.to_owned(),
            expected,
        });
    }
    Err(DecodeError::Invalid {
        schema: expected,
        source,
    })
}

thread_local! {
    /// Set while [`Envelope::decode_without_evidence`] decodes on this thread. A flag rather
    /// than a second envelope type: serde has no per-call field selection, and a mirror of
    /// [`WireMeta`] would have to follow every field added to it.
    static SKIP_EVIDENCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `wire.evidence`, or nothing (the value skipped unread) inside
/// [`Envelope::decode_without_evidence`].
fn evidence_unless_skipped<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Evidence>, D::Error> {
    if SKIP_EVIDENCE.with(std::cell::Cell::get) {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Vec::new())
    } else {
        Vec::deserialize(deserializer)
    }
}

impl Schema for Envelope {
    fn schema(&self) -> &str {
        &self.schema
    }
}

impl Envelope {
    /// A new envelope around `article` with the current schema string.
    pub fn new(article: Article, wire: WireMeta) -> Self {
        Self {
            article,
            wire,
            schema: ARTICLE_SCHEMA.to_owned(),
        }
    }

    /// Reads an envelope from a message value.
    pub fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        decode_with_schema(payload, ARTICLE_SCHEMA)
    }

    /// Reads an envelope from a message value without its `wire.evidence`, which is left
    /// empty: for a consumer that neither reads the evidence nor publishes the envelope again
    /// (the alerter). The parser steps over the evidence without allocating anything for it:
    /// 16.5 instead of 23.5 µs for the sample article's enriched envelope, whose evidence is
    /// a third of its bytes (BENCHMARKS.md, issue 23).
    pub fn decode_without_evidence(payload: &[u8]) -> Result<Self, DecodeError> {
        /// Puts the flag back however decoding ends.
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                SKIP_EVIDENCE.with(|skip| skip.set(false));
            }
        }
        SKIP_EVIDENCE.with(|skip| skip.set(true));
        let _reset = Reset;
        Self::decode(payload)
    }

    /// The message value: the JSON `serde_json` would write, byte for byte, written by
    /// sonic-rs, whose string escaping goes 16 bytes at a time (an envelope is mostly the body
    /// twice, as text and as HTML): 3.7 instead of 6.8 µs for a 10 KB envelope. Decoding stays
    /// with `serde_json`: sonic-rs read the same envelopes no faster (BENCHMARKS.md, issue 23).
    pub fn encode(&self) -> Vec<u8> {
        // Serializing plain data with string keys cannot fail.
        sonic_rs::to_vec(self).unwrap_or_default()
    }
}
