//! Pure: the archive's tantivy schema and the index document of an article or an alert.
//!
//! One document per article version (`key` = uri + version) and one per alert. `text` holds
//! the headline and body folded as the query language folds them ([`wire_query::normalize_text`])
//! and split at every character that is not a letter or digit, the word boundary the alerter's
//! matcher uses, so a word of a query is a term of this field. `facts` holds every
//! `field:value` a query can ask (`topic:`, `place:`, `source:`, ...) exactly as
//! [`wire_query::Facts`] lists them. The `f_*` fields are what the search shows as facets.

use chrono::{DateTime, Utc};
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use wire_model::{Alert, Envelope, PubStatus};
use wire_query::{Facts, Texts};

/// The tokenizer of `text`: [`crate::words::WireWords`] (words at the query language's
/// boundaries; a gap in positions where the separator is not a single space).
pub const WORDS: &str = "wire_words";

/// `doc_type` of an article version.
pub const ARTICLE: &str = "article";
/// `doc_type` of an alert.
pub const ALERT: &str = "alert";
/// `doc_type` of a story merged into another (`wire.stories.v1`, change `merged`): `story` is
/// the merged story, the body `{"story": merged, "into": story}`.
pub const ALIAS: &str = "alias";

/// Every field of the archive.
#[derive(Debug, Clone)]
pub struct ArchiveSchema {
    pub schema: Schema,
    /// `article` or `alert`.
    pub doc_type: Field,
    /// Idempotency: an article's `uri` and version, an alert's subscription, family, kind and
    /// version. A document written again replaces the one with its key.
    pub key: Field,
    pub uri: Field,
    /// The enricher's `version_seq` (1, 2, ...).
    pub version: Field,
    /// 1 for the newest version of its uri in the archive, 0 for the ones it replaced.
    pub latest: Field,
    pub family: Field,
    pub story: Field,
    /// 1 for the original of its family.
    pub original: Field,
    /// 1 once the article is killed (ninjs `pubStatus: canceled`).
    pub killed: Field,
    pub text: Field,
    pub facts: Field,
    pub urgency: Field,
    /// The article's own time (`versionCreated`, else `firstCreated`, else the fetch time), µs
    /// since 1970: the search's sort and histogram.
    pub time: Field,
    /// When the archive took it in, µs since 1970: retention.
    pub indexed: Field,
    /// The archive's own sequence number of the document: the live stream's event id.
    pub seq: Field,
    pub subscription: Field,
    pub f_topic: Field,
    pub f_place: Field,
    pub f_source: Field,
    pub f_lang: Field,
    /// The envelope (or alert) as JSON, as it came from the topic.
    pub body: Field,
}

impl Default for ArchiveSchema {
    fn default() -> Self {
        Self::new()
    }
}

impl ArchiveSchema {
    pub fn new() -> Self {
        let mut builder = Schema::builder();
        let keyword = STRING | FAST;
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORDS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let number = INDEXED | FAST;
        Self {
            doc_type: builder.add_text_field("doc_type", STRING),
            key: builder.add_text_field("key", STRING),
            uri: builder.add_text_field("uri", keyword.clone()),
            version: builder.add_u64_field("version", number.clone()),
            latest: builder.add_u64_field("latest", INDEXED),
            family: builder.add_text_field("family", keyword.clone()),
            story: builder.add_text_field("story", keyword.clone()),
            original: builder.add_u64_field("original", INDEXED),
            killed: builder.add_u64_field("killed", INDEXED),
            text: builder.add_text_field("text", words),
            facts: builder.add_text_field("facts", STRING),
            urgency: builder.add_u64_field("urgency", number.clone()),
            time: builder.add_u64_field("time", number.clone()),
            indexed: builder.add_u64_field("indexed", INDEXED),
            seq: builder.add_u64_field("seq", number),
            subscription: builder.add_text_field("subscription", STRING),
            f_topic: builder.add_text_field("f_topic", keyword.clone()),
            f_place: builder.add_text_field("f_place", keyword.clone()),
            f_source: builder.add_text_field("f_source", keyword.clone()),
            f_lang: builder.add_text_field("f_lang", keyword),
            body: builder.add_bytes_field("body", STORED),
            schema: builder.build(),
        }
    }

    /// Registers the `text` tokenizer.
    pub fn register_tokenizer(tokenizers: &TokenizerManager) {
        tokenizers.register(
            WORDS,
            TextAnalyzer::from(crate::words::WireWords::default()),
        );
    }

    /// The index document of one article version, the `seq`-th the archive took in, at `now`.
    pub fn article(
        &self,
        envelope: &Envelope,
        payload: &[u8],
        seq: u64,
        latest: bool,
        now: DateTime<Utc>,
    ) -> TantivyDocument {
        let article = &envelope.article;
        let wire = &envelope.wire;
        let mut doc = TantivyDocument::default();
        doc.add_text(self.doc_type, ARTICLE);
        doc.add_text(self.key, article_key(&article.uri, version_of(envelope)));
        doc.add_text(self.uri, &article.uri);
        doc.add_u64(self.version, version_of(envelope));
        doc.add_u64(self.latest, u64::from(latest));
        if let Some(family) = &wire.family {
            doc.add_text(self.family, family.as_str());
        }
        doc.add_text(self.story, story_of(envelope));
        doc.add_u64(self.original, u64::from(wire.is_original == Some(true)));
        doc.add_u64(
            self.killed,
            u64::from(article.pub_status == Some(PubStatus::Canceled)),
        );
        let headline = wire_query::normalize_text(article.headline().unwrap_or_default());
        let body = wire_query::normalize_text(article.body_text().unwrap_or_default());
        doc.add_text(self.text, format!("{headline}\n{body}"));
        for (field, value) in Facts::of(envelope, &Texts::none()).fields {
            doc.add_text(self.facts, fact_term(field, &value));
        }
        if let Some(urgency) = article.urgency {
            doc.add_u64(self.urgency, u64::from(urgency));
        }
        doc.add_u64(self.time, micros(article_time(envelope)));
        doc.add_u64(self.indexed, micros(now));
        doc.add_u64(self.seq, seq);
        for subject in &article.subjects {
            if let Some(name) = subject.name.as_deref().or(subject.literal.as_deref()) {
                doc.add_text(self.f_topic, name);
            }
        }
        for place in &article.places {
            if let Some(name) = place.name.as_deref().or(place.literal.as_deref()) {
                doc.add_text(self.f_place, name);
            }
        }
        doc.add_text(self.f_source, wire.source.as_str());
        if let Some(language) = &article.language {
            doc.add_text(self.f_lang, language);
        }
        doc.add_bytes(self.body, payload);
        doc
    }

    /// The index document of an alert, the `seq`-th the archive took in, at `now`.
    pub fn alert(
        &self,
        alert: &Alert,
        payload: &[u8],
        seq: u64,
        now: DateTime<Utc>,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.doc_type, ALERT);
        doc.add_text(self.key, alert_key(alert));
        doc.add_text(self.subscription, &alert.subscription);
        doc.add_text(self.family, alert.family.as_str());
        doc.add_text(self.uri, &alert.article_uri);
        doc.add_u64(self.time, micros(alert.alerted_at));
        doc.add_u64(self.indexed, micros(now));
        doc.add_u64(self.seq, seq);
        doc.add_bytes(self.body, payload);
        doc
    }
}

impl ArchiveSchema {
    /// The index document saying that story `merged` is story `into` from now on.
    pub fn alias(&self, merged: &str, into: &str, seq: u64, now: DateTime<Utc>) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.doc_type, ALIAS);
        doc.add_text(self.key, alias_key(merged));
        doc.add_text(self.story, merged);
        doc.add_u64(self.indexed, micros(now));
        doc.add_u64(self.seq, seq);
        let body = serde_json::json!({ "story": merged, "into": into }).to_string();
        doc.add_bytes(self.body, body.as_bytes());
        doc
    }
}

/// The `key` of a story alias.
pub fn alias_key(merged: &str) -> String {
    format!("s\u{1f}{merged}")
}

/// The version number of an envelope (1 when the enricher set none).
pub fn version_of(envelope: &Envelope) -> u64 {
    u64::from(envelope.wire.version_seq.unwrap_or(1))
}

/// The story an article belongs to: the enricher's story, else its family, else its uri.
pub fn story_of(envelope: &Envelope) -> &str {
    envelope
        .wire
        .story
        .as_deref()
        .or(envelope.wire.family.as_ref().map(|family| family.as_str()))
        .unwrap_or(&envelope.article.uri)
}

/// The article's own time: `versionCreated`, else `firstCreated`, else when it was fetched.
pub fn article_time(envelope: &Envelope) -> DateTime<Utc> {
    envelope
        .article
        .version_created
        .or(envelope.article.first_created)
        .unwrap_or(envelope.wire.fetched_at)
}

/// The `key` of an article version.
pub fn article_key(uri: &str, version: u64) -> String {
    format!("a\u{1f}{uri}\u{1f}{version}")
}

/// The `key` of an alert: one per (subscription, family, kind, version), as consumers
/// deduplicate alerts.
pub fn alert_key(alert: &Alert) -> String {
    format!(
        "l\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
        alert.subscription,
        alert.family.as_str(),
        alert.kind.as_deref().unwrap_or("new"),
        alert.version_seq.unwrap_or(1)
    )
}

/// The `facts` term of a query field and its (folded) value.
pub fn fact_term(field: wire_query::Field, value: &str) -> String {
    format!("{}:{value}", field.name())
}

/// µs since 1970, 0 before it.
pub fn micros(time: DateTime<Utc>) -> u64 {
    u64::try_from(time.timestamp_micros()).unwrap_or(0)
}

/// The time `micros` µs after 1970.
pub fn from_micros(micros: u64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(i64::try_from(micros).unwrap_or(i64::MAX)).unwrap_or_default()
}
