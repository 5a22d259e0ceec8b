//! Desk telemetry: one struct per event; `emit` logs and counts.

use tracing::{debug, info, warn};

/// A commit made what was read searchable.
pub struct Committed {
    pub documents: usize,
    pub took_ms: u128,
    pub searchable: u64,
}

impl Committed {
    pub fn emit(self) {
        debug!(
            documents = self.documents,
            took_ms = self.took_ms as u64,
            searchable = self.searchable,
            "archive commit"
        );
        metrics::counter!("wirefeed_desk_commits_total").increment(1);
        metrics::counter!("wirefeed_desk_documents_indexed_total").increment(self.documents as u64);
        metrics::gauge!("wirefeed_desk_documents").set(self.searchable as f64);
        metrics::histogram!("wirefeed_desk_commit_seconds").record(self.took_ms as f64 / 1000.0);
    }
}

/// The desk opened its archive and starts reading.
pub struct Started<'a> {
    pub index_dir: &'a str,
    pub documents: u64,
    pub resumed_from: usize,
    pub rebuild: bool,
    pub listen: std::net::SocketAddr,
}

impl Started<'_> {
    pub fn emit(self) {
        info!(
            index_dir = self.index_dir,
            documents = self.documents,
            resumed_partitions = self.resumed_from,
            rebuild = self.rebuild,
            api = %format!("http://{}/api/search", self.listen),
            "desk: archive open, reading wire.enriched.v1, wire.alerts.v1 and wire.stories.v1"
        );
    }
}

/// A message the desk could not read (dead-lettered).
pub struct Unreadable<'a> {
    pub topic: &'a str,
    pub reason: &'a str,
}

impl Unreadable<'_> {
    pub fn emit(self) {
        warn!(
            topic = self.topic,
            reason = self.reason,
            "desk: unreadable message"
        );
        metrics::counter!("wirefeed_desk_unreadable_total", "topic" => self.topic.to_owned())
            .increment(1);
    }
}

/// Retention deleted what was older than the cutoff.
pub struct Expired {
    pub cutoff: chrono::DateTime<chrono::Utc>,
}

impl Expired {
    pub fn emit(self) {
        info!(cutoff = %self.cutoff, "desk: retention applied");
    }
}
