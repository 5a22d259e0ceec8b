//! Alerter telemetry.

use tracing::info;
use wire_model::Alert;

pub struct AlertRaised<'a> {
    pub alert: &'a Alert,
}

impl AlertRaised<'_> {
    pub fn emit(self) {
        let alert = self.alert;
        info!(
            subscription = %alert.subscription,
            family = %alert.family,
            source = %alert.source,
            evidence = ?alert.evidence,
            "alert raised"
        );
        metrics::counter!("wirefeed_alerter_alerts_total", "subscription" => alert.subscription.clone())
            .increment(1);
        let latency = (alert.alerted_at - alert.fetched_at)
            .num_milliseconds()
            .max(0) as f64
            / 1000.0;
        metrics::histogram!("wirefeed_alerter_fetch_to_alert_seconds").record(latency);
    }
}
