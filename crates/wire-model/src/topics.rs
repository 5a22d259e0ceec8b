//! Kafka topic names and message header names. Versioned: a breaking change of a topic's
//! message format gets a new topic (`.v2`), never a silent change of `.v1`.

/// Raw items as fetched: [`crate::RawItem`], keyed by the source item id.
pub const RAW: &str = "wire.raw.v1";
/// Canonical articles: [`crate::Envelope`], keyed by the article's provisional family id.
pub const ARTICLES: &str = "wire.articles.v1";
/// Enriched articles: [`crate::Envelope`] with dedup and family set, keyed by family id.
pub const ENRICHED: &str = "wire.enriched.v1";
/// Originals and material new versions only (what most newsroom consumers want):
/// [`crate::Envelope`], keyed by family id.
pub const ORIGINALS: &str = "wire.originals.v1";
/// One record per change of an event cluster (new story, new member family, merge):
/// [`crate::StoryRecord`], keyed by story id.
pub const STORIES: &str = "wire.stories.v1";
/// Alerts for subscribers: [`crate::Alert`], keyed by family id.
pub const ALERTS: &str = "wire.alerts.v1";
/// Articles re-sent to one subscription (`wirefeed replay --send`): [`crate::Envelope`], keyed
/// by family id, the subscription in the header [`REPLAY_SUBSCRIPTION`]. The alerter matches
/// them against that subscription only, under its once-per-story rule.
pub const REPLAY: &str = "wire.replay.v1";
/// The header naming the subscription a [`REPLAY`] record is for.
pub const REPLAY_SUBSCRIPTION: &str = "wirefeed.replay.subscription";
/// What a stage could not process: the original payload, with the reason in headers.
pub const DLQ: &str = "wire.dlq.v1";

/// The fetcher's sources, a table (compacted, keyed by source id): what every fetcher instance
/// polls, shared out between them by partition. Written from the config file at start-up and
/// by the sources API; the value is a `wirefeed_fetcher::table::SourceEntry` as JSON.
pub const SOURCES: &str = "wire.sources.v1";
/// The alerter's subscriptions, a table (compacted, keyed by subscription id) every alerter
/// instance follows whole; the value is a `wirefeed_alerter::subscriptions::Entry` as JSON.
pub const SUBSCRIPTIONS: &str = "wire.subscriptions.v1";

/// Every data topic this version of wirefeed reads or writes.
pub const ALL: [&str; 8] = [
    RAW, ARTICLES, ENRICHED, ORIGINALS, STORIES, ALERTS, REPLAY, DLQ,
];

/// The compacted topic holding the durable state of stage `name` (e.g. `wire.state.fetcher.v1`).
pub fn state_topic(name: &str) -> String {
    format!("wire.state.{name}.v1")
}

/// Headers a stage sets on a dead-letter record.
pub mod dlq_headers {
    /// Why the message was rejected (the error message, lowercase, one line).
    pub const REASON: &str = "wirefeed.dlq.reason";
    /// A bounded classification of the error, fit for a metric label (e.g. `decode`).
    pub const KIND: &str = "wirefeed.dlq.kind";
    /// The stage that rejected it (`normalizer`, `enricher`, ...).
    pub const STAGE: &str = "wirefeed.dlq.stage";
    /// Where the message came from: topic, partition and offset.
    pub const SOURCE_TOPIC: &str = "wirefeed.dlq.source.topic";
    pub const SOURCE_PARTITION: &str = "wirefeed.dlq.source.partition";
    pub const SOURCE_OFFSET: &str = "wirefeed.dlq.source.offset";
    /// When it was rejected, RFC 3339 UTC.
    pub const REJECTED_AT: &str = "wirefeed.dlq.rejected_at";
    /// Set when the payload was cut: the original size in bytes.
    pub const TRUNCATED_FROM_BYTES: &str = "wirefeed.dlq.truncated_from_bytes";
}
