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

/// An item too large for the bus: dead-lettered (cut) instead of published.
pub struct ItemTooLarge<'a> {
    pub source: &'a str,
    pub bytes: usize,
    pub limit: &'a str,
}

impl ItemTooLarge<'_> {
    pub fn emit(self) {
        warn!(
            source = self.source,
            bytes = self.bytes,
            limit = self.limit,
            "item too large for the bus; sent to the dead-letter topic"
        );
        metrics::counter!("wirefeed_fetcher_errors_total", "source" => self.source.to_owned(), "class" => "too_large")
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

pub struct FetchMeasured<'a> {
    pub source: &'a str,
    pub seconds: f64,
    pub bytes: usize,
}

impl FetchMeasured<'_> {
    pub fn emit(self) {
        metrics::histogram!("wirefeed_fetcher_fetch_seconds", "source" => self.source.to_owned())
            .record(self.seconds);
        metrics::counter!("wirefeed_fetcher_bytes_total", "source" => self.source.to_owned())
            .increment(self.bytes as u64);
    }
}

pub struct PermanentRedirect<'a> {
    pub source: &'a str,
    pub to: &'a str,
}

impl PermanentRedirect<'_> {
    pub fn emit(self) {
        info!(
            source = self.source,
            to = self.to,
            "permanent redirect: polling the new url from now on"
        );
    }
}

pub struct ValidatorsUnreliable<'a> {
    pub source: &'a str,
}

impl ValidatorsUnreliable<'_> {
    pub fn emit(self) {
        warn!(
            source = self.source,
            "the server answered 304 while the feed had changed: conditional get switched off for this source"
        );
        metrics::counter!("wirefeed_fetcher_stale_validators_total", "source" => self.source.to_owned())
            .increment(1);
    }
}

pub struct PossibleMiss<'a> {
    pub source: &'a str,
}

impl PossibleMiss<'_> {
    pub fn emit(self) {
        warn!(
            source = self.source,
            "poll shares no item with the previous one: items may have been missed; polling sooner"
        );
        metrics::counter!("wirefeed_fetcher_possible_missed_total", "source" => self.source.to_owned())
            .increment(1);
    }
}

pub struct SourceIdleChanged<'a> {
    pub source: &'a str,
    pub idle: bool,
    pub silent_secs: u64,
}

impl SourceIdleChanged<'_> {
    pub fn emit(self) {
        if self.idle {
            warn!(
                source = self.source,
                silent_secs = self.silent_secs,
                "source is idle: no new item for longer than its idle alarm"
            );
        } else {
            info!(source = self.source, "source is active again");
        }
    }
}

pub struct SourceIdleGauge<'a> {
    pub source: &'a str,
    pub idle: bool,
}

impl SourceIdleGauge<'_> {
    pub fn emit(self) {
        metrics::gauge!("wirefeed_fetcher_source_idle", "source" => self.source.to_owned())
            .set(if self.idle { 1.0 } else { 0.0 });
    }
}

pub struct StateSaveFailed<'a> {
    pub source: &'a str,
    pub error: &'a str,
}

impl StateSaveFailed<'_> {
    pub fn emit(self) {
        warn!(
            source = self.source,
            error = self.error,
            "failed to save source state; it will be retried after the next poll"
        );
        metrics::counter!("wirefeed_fetcher_state_errors_total").increment(1);
    }
}

pub struct SourceStarted<'a> {
    pub source: &'a str,
    pub remembered_items: usize,
}

impl SourceStarted<'_> {
    pub fn emit(self) {
        if self.remembered_items > 0 {
            info!(
                source = self.source,
                remembered_items = self.remembered_items,
                "source started; items remembered from earlier runs are not published again"
            );
        } else {
            info!(source = self.source, "source started");
        }
    }
}

pub struct SourceStopped<'a> {
    pub source: &'a str,
    pub reason: &'static str,
}

impl SourceStopped<'_> {
    pub fn emit(self) {
        info!(source = self.source, reason = self.reason, "source stopped");
    }
}

/// A source's state was over the size a state record may take: the least recently seen items
/// were left out of the saved copy.
pub struct StateTrimmed<'a> {
    pub source: &'a str,
    pub remembered: usize,
    pub saved: usize,
}

impl StateTrimmed<'_> {
    pub fn emit(self) {
        debug!(
            source = self.source,
            remembered = self.remembered,
            saved = self.saved,
            "source state trimmed to fit a state record"
        );
        metrics::counter!("wirefeed_fetcher_state_trimmed_total", "source" => self.source.to_owned())
            .increment(1);
    }
}

/// A proxy is configured in the environment: the SSRF guard resolves and checks each target
/// itself before the request goes to the proxy (see [`crate::guard`]).
pub struct GuardThroughProxy;

impl GuardThroughProxy {
    pub fn emit(self) {
        info!(
            "a proxy is set (HTTP_PROXY/HTTPS_PROXY/ALL_PROXY): the ssrf guard resolves and checks every target before the proxy is asked"
        );
    }
}

/// A sources-table entry that does not decode or validate was left out.
pub struct SourceEntryRejected<'a> {
    pub id: &'a str,
    pub reason: &'a str,
}

impl SourceEntryRejected<'_> {
    pub fn emit(self) {
        tracing::warn!(
            source = self.id,
            reason = self.reason,
            "sources table: entry left out"
        );
        metrics::counter!("wirefeed_fetcher_source_entries_rejected_total").increment(1);
    }
}

/// A source was added, replaced or deleted through the sources API.
pub struct SourceChanged<'a> {
    pub source: &'a str,
    /// `upserted` or `deleted`.
    pub change: &'static str,
}

impl SourceChanged<'_> {
    pub fn emit(self) {
        tracing::info!(
            source = self.source,
            change = self.change,
            "sources API: source changed"
        );
    }
}

/// The config file's sources were written to the sources table.
pub struct ConfiguredSourcesSynced {
    pub written: usize,
    pub deleted: usize,
    pub table: &'static str,
}

impl ConfiguredSourcesSynced {
    pub fn emit(self) {
        tracing::info!(
            written = self.written,
            deleted = self.deleted,
            table = self.table,
            "sources table: config file applied"
        );
    }
}

/// This instance's share of the sources table changed (partitions assigned or handed over).
pub struct OwnedSourcesChanged {
    pub generation: u64,
    pub sources: usize,
}

impl OwnedSourcesChanged {
    pub fn emit(self) {
        tracing::info!(
            generation = self.generation,
            sources = self.sources,
            "sources table: the sources this instance polls changed"
        );
        metrics::gauge!("wirefeed_fetcher_owned_sources").set(self.sources as f64);
    }
}
