//! Enricher telemetry: one struct per occurrence; `emit()` logs and counts. What the stage loop
//! counts for every stage (messages by outcome, drops by reason, dead letters) is in
//! `wire_runtime::events`.

use std::path::Path;
use tracing::{debug, info, warn};

/// An article decoded: every later log line about its message names its source.
pub struct ArticleReceived<'a> {
    pub source: &'a str,
}

impl ArticleReceived<'_> {
    pub fn emit(self) {
        tracing::Span::current().record("source", self.source);
    }
}

/// The lineage of one article decided (`verdict`: a [`crate::lineage::Verdict::label`]).
pub struct ArticleClassified {
    pub verdict: &'static str,
}

impl ArticleClassified {
    pub fn emit(self) {
        metrics::counter!("wirefeed_enricher_verdicts_total", "verdict" => self.verdict)
            .increment(1);
    }
}

/// An index entry in the state store that could not be read at start-up: left out.
pub struct IndexEntryUnreadable<'a> {
    pub key: &'a str,
    pub error: &'a str,
}

impl IndexEntryUnreadable<'_> {
    pub fn emit(self) {
        warn!(
            key = self.key,
            error = self.error,
            "unreadable index entry ignored"
        );
    }
}

/// The index restored from the state store at start-up.
pub struct IndexRestored {
    pub articles: usize,
}

impl IndexRestored {
    pub fn emit(self) {
        info!(articles = self.articles, "duplicate index restored");
    }
}

/// Index entries other instances wrote, taken in.
pub struct EntriesOfOthersTaken {
    pub taken: usize,
    pub unreadable: usize,
}

impl EntriesOfOthersTaken {
    pub fn emit(self) {
        debug!(
            taken = self.taken,
            unreadable = self.unreadable,
            "index entries of other instances taken in"
        );
    }
}

/// The story topic catalog the enricher starts with, and where it came from.
pub struct TopicCatalogInUse<'a> {
    /// The folder, or `built-in`.
    pub source: &'a str,
    /// Why that source (`config_dir`, `beside_config_file`, `working_directory`, `built_in`).
    pub origin: &'a str,
    pub topics: usize,
    /// How often the folder is looked at (none: never).
    pub reload_check_secs: Option<u64>,
}

impl TopicCatalogInUse<'_> {
    pub fn emit(self) {
        metrics::gauge!("wirefeed_enricher_catalog_topics").set(self.topics as f64);
        info!(
            source = self.source,
            origin = self.origin,
            topics = self.topics,
            reload_check_secs = self.reload_check_secs,
            "story topic catalog in use"
        );
    }
}

/// The operator's story topic catalog changed on disk, passed its checks and is in use from
/// the next article.
pub struct TopicCatalogReloaded<'a> {
    pub dir: &'a Path,
    pub topics: usize,
}

impl TopicCatalogReloaded<'_> {
    pub fn emit(self) {
        metrics::counter!("wirefeed_enricher_catalog_reloads_total").increment(1);
        metrics::gauge!("wirefeed_enricher_catalog_topics").set(self.topics as f64);
        info!(
            dir = %self.dir.display(),
            topics = self.topics,
            "story topic catalog reloaded"
        );
    }
}

/// The operator's story topic catalog changed on disk but failed a check: the previous one
/// stays in use.
pub struct TopicCatalogNotReloaded<'a> {
    pub dir: &'a Path,
    /// The file at fault, when known.
    pub file: Option<&'a str>,
    /// `unreadable`, `does_not_parse` or `invalid` (the metric's `reason`).
    pub kind: &'static str,
    pub error: &'a str,
}

impl TopicCatalogNotReloaded<'_> {
    pub fn emit(self) {
        metrics::counter!("wirefeed_enricher_catalog_reload_failures_total", "reason" => self.kind)
            .increment(1);
        warn!(
            dir = %self.dir.display(),
            file = self.file,
            reason = self.kind,
            error = self.error,
            "story topic catalog not reloaded, the previous one stays"
        );
    }
}

/// The catalog watcher's task failed: the folder is no longer looked at.
pub struct TopicCatalogWatchStopped<'a> {
    pub error: &'a str,
}

impl TopicCatalogWatchStopped<'_> {
    pub fn emit(self) {
        warn!(
            error = self.error,
            "story topic catalog no longer watched, changes need a restart"
        );
    }
}
