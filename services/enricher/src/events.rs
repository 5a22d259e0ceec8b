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

/// The operator's story topic catalog changed on disk and was loaded.
pub struct TopicCatalogReloaded<'a> {
    pub dir: &'a Path,
}

impl TopicCatalogReloaded<'_> {
    pub fn emit(self) {
        info!(dir = %self.dir.display(), "story topic catalog reloaded");
    }
}

/// The operator's story topic catalog changed on disk but could not be loaded.
pub struct TopicCatalogNotReloaded<'a> {
    pub dir: &'a Path,
    pub error: &'a str,
}

impl TopicCatalogNotReloaded<'_> {
    pub fn emit(self) {
        warn!(
            dir = %self.dir.display(),
            error = self.error,
            "story topic catalog not reloaded, the previous one stays"
        );
    }
}
