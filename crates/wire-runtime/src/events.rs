//! Telemetry of the shared runtime: one struct per occurrence; `emit()` writes the log line and
//! bumps the metric, so the code that notices something only calls `emit`.

use tracing::{debug, info, warn};

pub struct PartitionsAssigned<'a> {
    pub group: &'a str,
    pub partitions: usize,
}

impl PartitionsAssigned<'_> {
    pub fn emit(self) {
        info!(
            group = self.group,
            partitions = self.partitions,
            "partitions assigned"
        );
        metrics::counter!("wirefeed_bus_rebalances_total", "kind" => "assign").increment(1);
    }
}

pub struct PartitionsRevoked<'a> {
    pub group: &'a str,
    pub partitions: usize,
}

impl PartitionsRevoked<'_> {
    pub fn emit(self) {
        info!(
            group = self.group,
            partitions = self.partitions,
            "partitions revoked"
        );
        metrics::counter!("wirefeed_bus_rebalances_total", "kind" => "revoke").increment(1);
    }
}

pub struct RebalanceFailed<'a> {
    pub group: &'a str,
    pub error: &'a str,
}

impl RebalanceFailed<'_> {
    pub fn emit(self) {
        warn!(group = self.group, error = self.error, "rebalance failed");
        metrics::counter!("wirefeed_bus_rebalances_total", "kind" => "error").increment(1);
    }
}

pub struct StageStarted<'a> {
    pub stage: &'a str,
    pub topics: &'a [&'a str],
    pub bus: &'a str,
}

impl StageStarted<'_> {
    pub fn emit(self) {
        info!(stage = self.stage, topics = ?self.topics, bus = self.bus, "stage started");
    }
}

pub struct StageStopped<'a> {
    pub stage: &'a str,
    pub processed: u64,
    pub undrained: usize,
}

impl StageStopped<'_> {
    pub fn emit(self) {
        if self.undrained > 0 {
            warn!(
                stage = self.stage,
                processed = self.processed,
                undrained = self.undrained,
                "stage stopped before all outputs were acknowledged; they will be redelivered"
            );
        } else {
            info!(
                stage = self.stage,
                processed = self.processed,
                "stage stopped"
            );
        }
    }
}

/// The per-message metrics of one stage, each registered at its first use and kept: a message
/// then costs no label vector, hashing or registry lookup (issue 23).
#[derive(Default)]
pub struct StageMetrics {
    handled: Vec<(&'static str, metrics::Counter)>,
    processing: Option<metrics::Histogram>,
}

/// The outcome of one input message, for the per-stage message counter.
pub struct MessageHandled<'a> {
    pub stage: &'static str,
    pub outcome: &'static str,
    pub topic: &'a str,
    pub seconds: f64,
}

impl MessageHandled<'_> {
    pub fn emit(self, metrics: &mut StageMetrics) {
        debug!(
            stage = self.stage,
            outcome = self.outcome,
            topic = self.topic,
            "message handled"
        );
        let (stage, outcome) = (self.stage, self.outcome);
        let known = metrics.handled.iter().position(|(o, _)| *o == outcome);
        let index = known.unwrap_or_else(|| {
            let counter = metrics::counter!("wirefeed_stage_messages_total", "stage" => stage, "outcome" => outcome);
            metrics.handled.push((outcome, counter));
            metrics.handled.len() - 1
        });
        metrics.handled[index].1.increment(1);
        metrics
            .processing
            .get_or_insert_with(
                || metrics::histogram!("wirefeed_stage_processing_seconds", "stage" => stage),
            )
            .record(self.seconds);
    }
}

pub struct MessageDropped {
    pub stage: &'static str,
    pub reason: &'static str,
}

impl MessageDropped {
    pub fn emit(self) {
        debug!(stage = self.stage, reason = self.reason, "message dropped");
        metrics::counter!("wirefeed_stage_dropped_total", "stage" => self.stage, "reason" => self.reason)
            .increment(1);
    }
}

pub struct MessageDeadLettered<'a> {
    pub stage: &'static str,
    pub kind: &'static str,
    pub reason: &'a str,
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
}

impl MessageDeadLettered<'_> {
    pub fn emit(self) {
        warn!(
            stage = self.stage,
            kind = self.kind,
            reason = self.reason,
            topic = self.topic,
            partition = self.partition,
            offset = self.offset,
            "message sent to the dead-letter topic"
        );
        metrics::counter!("wirefeed_dlq_messages_total", "stage" => self.stage, "kind" => self.kind)
            .increment(1);
    }
}

pub struct RetryScheduled<'a> {
    pub stage: &'static str,
    pub attempt: u32,
    pub backoff_ms: u64,
    pub error: &'a str,
}

impl RetryScheduled<'_> {
    pub fn emit(self) {
        warn!(
            stage = self.stage,
            attempt = self.attempt,
            backoff_ms = self.backoff_ms,
            error = self.error,
            "transient failure, retrying"
        );
        metrics::counter!("wirefeed_stage_retries_total", "stage" => self.stage).increment(1);
    }
}

pub struct ConsumerLag {
    pub stage: &'static str,
    pub messages: i64,
}

impl ConsumerLag {
    pub fn emit(self) {
        metrics::gauge!("wirefeed_consumer_lag_messages", "stage" => self.stage)
            .set(self.messages as f64);
    }
}

pub struct AdminListening {
    pub address: std::net::SocketAddr,
}

impl AdminListening {
    pub fn emit(self) {
        info!(address = %self.address, "admin http listening (/livez /readyz /metrics)");
    }
}

/// A request on the admin port refused by the access policy. The presented token is never
/// logged; `reason` is `missing_token`, `wrong_token` or `changes_disabled`.
pub struct AdminRequestRefused<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub reason: &'static str,
}

impl AdminRequestRefused<'_> {
    pub fn emit(self) {
        warn!(
            method = self.method,
            path = self.path,
            reason = self.reason,
            "admin request refused"
        );
        metrics::counter!("wirefeed_admin_refused_total", "reason" => self.reason).increment(1);
    }
}

/// In one process, a record for a topic no consumer group reads was dropped to make room (the
/// oldest one kept for a group that may still subscribe).
pub struct UnclaimedRecordDropped<'a> {
    pub topic: &'a str,
}

impl UnclaimedRecordDropped<'_> {
    pub fn emit(self) {
        debug!(
            topic = self.topic,
            "no consumer reads this topic in this process; its oldest record was dropped"
        );
        metrics::counter!("wirefeed_bus_unclaimed_dropped_total", "topic" => self.topic.to_owned())
            .increment(1);
    }
}

/// An offset could not be stored because its partition is no longer assigned to this
/// consumer: the message will be delivered again to the partition's owner.
pub struct OffsetNotStored<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
}

impl OffsetNotStored<'_> {
    pub fn emit(self) {
        warn!(
            topic = self.topic,
            partition = self.partition,
            offset = self.offset,
            "offset not stored: the partition was revoked; it will be redelivered"
        );
        metrics::counter!("wirefeed_bus_offsets_not_stored_total").increment(1);
    }
}

pub struct StateCaughtUp {
    pub stage: &'static str,
    /// `rebalance` or `periodic`.
    pub reason: &'static str,
    pub changes: usize,
}

impl StateCaughtUp {
    pub fn emit(self) {
        let level_info = self.reason == "rebalance";
        if level_info {
            info!(
                stage = self.stage,
                reason = self.reason,
                changes = self.changes,
                "took in state written by other instances"
            );
        } else {
            debug!(
                stage = self.stage,
                reason = self.reason,
                changes = self.changes,
                "took in state written by other instances"
            );
        }
        metrics::counter!("wirefeed_state_changes_from_others_total", "stage" => self.stage)
            .increment(self.changes as u64);
    }
}

pub struct StateCatchUpFailed<'a> {
    pub stage: &'static str,
    pub error: &'a str,
}

impl StateCatchUpFailed<'_> {
    pub fn emit(self) {
        warn!(
            stage = self.stage,
            error = self.error,
            "could not read the state other instances wrote; retrying"
        );
        metrics::counter!("wirefeed_state_catch_up_failures_total", "stage" => self.stage)
            .increment(1);
    }
}

/// A secret is written inline in the config file or a plain environment variable: it ends up
/// in backups, `ps`/`docker inspect` output and version control. Names the key, never the value.
pub struct InlineSecretConfigured<'a> {
    pub key: &'a str,
    /// The file form to use instead.
    pub instead: &'a str,
}

impl InlineSecretConfigured<'_> {
    pub fn emit(self) {
        warn!(
            key = self.key,
            instead = self.instead,
            "a secret is written inline in the configuration; read it from a file instead"
        );
        metrics::counter!("wirefeed_config_inline_secrets_total").increment(1);
    }
}

/// A config file was reloaded for `section` (or the reload was refused: `error`).
pub struct ConfigReloaded<'a> {
    pub path: &'a std::path::Path,
    pub section: &'static str,
    pub error: Option<&'a str>,
}

impl ConfigReloaded<'_> {
    pub fn emit(self) {
        match self.error {
            None => info!(path = %self.path.display(), section = self.section, "config reloaded"),
            Some(error) => warn!(
                path = %self.path.display(),
                section = self.section,
                error,
                "config reload refused; keeping the running settings"
            ),
        }
    }
}
