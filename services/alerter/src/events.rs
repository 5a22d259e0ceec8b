//! Alerter telemetry: one struct per event; `emit` logs and counts.

use tracing::{debug, info, warn};
use wire_model::Alert;

pub struct AlertRaised<'a> {
    pub alert: &'a Alert,
}

impl AlertRaised<'_> {
    pub fn emit(self) {
        let alert = self.alert;
        let kind = alert.kind.as_deref().unwrap_or("new");
        info!(
            subscription = %alert.subscription,
            kind,
            family = %alert.family,
            source = %alert.source,
            evidence = ?alert.evidence,
            changes = ?alert.changes,
            "alert raised"
        );
        let kind_label = match kind {
            "update" => "update",
            "kill" => "kill",
            _ => "new",
        };
        metrics::counter!(
            "wirefeed_alerter_alerts_total",
            "subscription" => alert.subscription.clone(),
            "kind" => kind_label
        )
        .increment(1);
        let latency = (alert.alerted_at - alert.fetched_at)
            .num_milliseconds()
            .max(0) as f64
            / 1000.0;
        metrics::histogram!("wirefeed_alerter_fetch_to_alert_seconds").record(latency);
    }
}

/// The alerted pairs and API subscriptions were read back from the state store.
pub struct StateRestored {
    pub alerted: usize,
    pub subscriptions: usize,
    pub unreadable: usize,
}

impl StateRestored {
    pub fn emit(self) {
        info!(
            alerted = self.alerted,
            subscriptions = self.subscriptions,
            unreadable = self.unreadable,
            "alerter state restored"
        );
        metrics::gauge!("wirefeed_alerter_alerted_pairs").set(self.alerted as f64);
    }
}

/// A subscription was added, replaced or deleted over the admin API.
pub struct SubscriptionChanged<'a> {
    pub subscription: &'a str,
    /// `added`, `replaced` or `deleted`.
    pub change: &'static str,
}

impl SubscriptionChanged<'_> {
    pub fn emit(self) {
        info!(
            subscription = self.subscription,
            change = self.change,
            "subscription changed"
        );
        metrics::counter!("wirefeed_alerter_subscription_changes_total", "change" => self.change)
            .increment(1);
    }
}

/// A webhook accepted an alert.
pub struct WebhookDelivered<'a> {
    pub subscription: &'a str,
    pub channel: &'static str,
    pub attempts: u32,
}

impl WebhookDelivered<'_> {
    pub fn emit(self) {
        debug!(
            subscription = self.subscription,
            channel = self.channel,
            attempts = self.attempts,
            "webhook delivered"
        );
        metrics::counter!(
            "wirefeed_alerter_webhook_deliveries_total",
            "channel" => self.channel,
            "result" => "delivered"
        )
        .increment(1);
    }
}

/// A webhook attempt failed and will be retried.
pub struct WebhookRetry<'a> {
    pub subscription: &'a str,
    pub channel: &'static str,
    pub attempt: u32,
    pub backoff_ms: u64,
    pub error: &'a str,
}

impl WebhookRetry<'_> {
    pub fn emit(self) {
        warn!(
            subscription = self.subscription,
            channel = self.channel,
            attempt = self.attempt,
            backoff_ms = self.backoff_ms,
            error = self.error,
            "webhook attempt failed; retrying"
        );
        metrics::counter!("wirefeed_alerter_webhook_retries_total", "channel" => self.channel)
            .increment(1);
    }
}

/// A webhook gave up: the alert goes to the dead-letter topic.
pub struct WebhookFailed<'a> {
    pub subscription: &'a str,
    pub channel: &'static str,
    pub attempts: u32,
    pub error: &'a str,
}

impl WebhookFailed<'_> {
    pub fn emit(self) {
        warn!(
            subscription = self.subscription,
            channel = self.channel,
            attempts = self.attempts,
            error = self.error,
            "webhook failed; alert dead-lettered"
        );
        metrics::counter!(
            "wirefeed_alerter_webhook_deliveries_total",
            "channel" => self.channel,
            "result" => "dead_lettered"
        )
        .increment(1);
    }
}

/// A batch (throttled or digest) could not be sent to one channel.
pub struct BatchFailed<'a> {
    pub subscription: &'a str,
    pub alerts: usize,
    /// `<subscription>#<index>` (webhook) or `<subscription>#email<index>`.
    pub channel: &'a str,
    pub error: &'a str,
}

impl BatchFailed<'_> {
    pub fn emit(self) {
        warn!(
            subscription = self.subscription,
            alerts = self.alerts,
            channel = self.channel,
            error = self.error,
            "batch of alerts could not be sent"
        );
        metrics::counter!("wirefeed_alerter_batch_failures_total").increment(1);
    }
}

/// Held alerts (throttled or waiting for a digest) were restored from the state store.
pub struct HeldRestored {
    pub alerts: usize,
    /// Stored held alerts dropped: unreadable, or their subscription is gone.
    pub dropped: usize,
}

impl HeldRestored {
    pub fn emit(self) {
        info!(
            alerts = self.alerts,
            dropped = self.dropped,
            "held alerts restored"
        );
        metrics::gauge!("wirefeed_alerter_held_alerts").set(self.alerts as f64);
    }
}

/// A held alert could not be written to (or deleted from) the state store; retried.
pub struct HeldStateFailed<'a> {
    pub key: &'a str,
    pub error: &'a str,
}

impl HeldStateFailed<'_> {
    pub fn emit(self) {
        warn!(
            key = self.key,
            error = self.error,
            "held alert state write failed; retrying"
        );
        metrics::counter!("wirefeed_alerter_state_failures_total").increment(1);
    }
}

/// A subscriptions-table entry that does not decode or compile was left out.
pub struct SubscriptionEntryRejected<'a> {
    pub id: &'a str,
    pub reason: &'a str,
}

impl SubscriptionEntryRejected<'_> {
    pub fn emit(self) {
        tracing::warn!(
            subscription = self.id,
            reason = self.reason,
            "subscriptions table: entry left out"
        );
        metrics::counter!("wirefeed_alerter_subscription_entries_rejected_total").increment(1);
    }
}

/// The API subscriptions changed to those of the subscriptions table (a change from any
/// instance).
pub struct SubscriptionsFollowed {
    pub added: usize,
}

impl SubscriptionsFollowed {
    pub fn emit(self) {
        tracing::info!(
            api_subscriptions = self.added,
            "subscriptions table: applied"
        );
        metrics::gauge!("wirefeed_alerter_api_subscriptions").set(self.added as f64);
    }
}

/// The config file's subscriptions were reloaded (or a reload was refused).
pub struct ConfiguredSubscriptionsReloaded<'a> {
    pub subscriptions: usize,
    pub error: Option<&'a str>,
}

impl ConfiguredSubscriptionsReloaded<'_> {
    pub fn emit(self) {
        match self.error {
            None => tracing::info!(
                subscriptions = self.subscriptions,
                "config file subscriptions reloaded"
            ),
            Some(error) => tracing::error!(
                error,
                "config reload refused; keeping the running subscriptions"
            ),
        }
    }
}
