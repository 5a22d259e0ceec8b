//! Fetcher telemetry: one struct per occurrence; `emit()` logs and counts.

use tracing::{debug, info, warn};

pub struct PollSucceeded<'a> {
    pub source: &'a str,
    pub documents: usize,
    pub new_items: usize,
    pub changed_items: usize,
    pub unchanged_items: usize,
}

impl PollSucceeded<'_> {
    pub fn emit(self) {
        let published = self.new_items + self.changed_items;
        if published > 0 {
            info!(
                source = self.source,
                documents = self.documents,
                new = self.new_items,
                changed = self.changed_items,
                unchanged = self.unchanged_items,
                "poll published items"
            );
        } else {
            debug!(
                source = self.source,
                unchanged = self.unchanged_items,
                "poll found nothing new"
            );
        }
        let source = self.source.to_owned();
        metrics::counter!("wirefeed_fetcher_polls_total", "source" => source.clone(), "result" => "ok")
            .increment(1);
        metrics::counter!("wirefeed_fetcher_items_total", "source" => source.clone(), "kind" => "new")
            .increment(self.new_items as u64);
        metrics::counter!("wirefeed_fetcher_items_total", "source" => source, "kind" => "changed")
            .increment(self.changed_items as u64);
    }
}

pub struct NotModified<'a> {
    pub source: &'a str,
}

impl NotModified<'_> {
    pub fn emit(self) {
        debug!(source = self.source, "not modified");
        metrics::counter!("wirefeed_fetcher_polls_total", "source" => self.source.to_owned(), "result" => "not_modified")
            .increment(1);
    }
}

pub struct PollFailed<'a> {
    pub source: &'a str,
    pub class: &'static str,
    pub error: &'a str,
    pub consecutive_failures: u32,
    pub retry_in_secs: u64,
}

impl PollFailed<'_> {
    pub fn emit(self) {
        warn!(
            source = self.source,
            class = self.class,
            error = self.error,
            consecutive_failures = self.consecutive_failures,
            retry_in_secs = self.retry_in_secs,
            "poll failed"
        );
        metrics::counter!("wirefeed_fetcher_polls_total", "source" => self.source.to_owned(), "result" => "error")
            .increment(1);
        metrics::counter!("wirefeed_fetcher_errors_total", "source" => self.source.to_owned(), "class" => self.class)
            .increment(1);
    }
}

/// A document that could not be split into items: published whole, so the normalizer can
/// dead-letter it with the reason, and reported here.
pub struct DocumentUnsplittable<'a> {
    pub source: &'a str,
    pub origin: &'a str,
    pub error: &'a str,
}

impl DocumentUnsplittable<'_> {
    pub fn emit(self) {
        warn!(
            source = self.source,
            origin = self.origin,
            error = self.error,
            "document could not be split into items; published whole"
        );
        metrics::counter!("wirefeed_fetcher_errors_total", "source" => self.source.to_owned(), "class" => "parse")
            .increment(1);
    }
}

/// An item whose identity already occurred earlier in the same document: skipped.
pub struct RepeatedItemSkipped<'a> {
    pub source: &'a str,
    pub origin: &'a str,
}

impl RepeatedItemSkipped<'_> {
    pub fn emit(self) {
        debug!(
            source = self.source,
            origin = self.origin,
            "item identity repeated in one document; later occurrence skipped"
        );
        metrics::counter!("wirefeed_fetcher_items_total", "source" => self.source.to_owned(), "kind" => "repeated")
            .increment(1);
    }
}
