//! The alerter: reads `wire.enriched.v1`, matches originals against the configured
//! subscriptions ([`rules`]), and publishes one [`wire_model::Alert`] per subscription and
//! story family to `wire.alerts.v1` (and prints it, when `alerter.print_alerts` is set).
//!
//! Delivery guarantee: at-least-once through the shared stage loop. The set of alerted
//! families lives in memory for now: after a restart, a redelivered original can alert again;
//! consumers of `wire.alerts.v1` can deduplicate by (`subscription`, `family`).

pub mod config;
pub mod events;
pub mod rules;

pub use config::AlerterConfig;

use chrono::{DateTime, Utc};
use rules::Rules;
use tokio_util::sync::CancellationToken;
use wire_model::{Alert, Envelope, topics};
use wire_runtime::config::StageConfig;
use wire_runtime::{Delivery, Health, Outcome, Record, SharedBus, Stage, StageError};

/// The alerter as a [`Stage`].
pub struct AlerterStage {
    rules: Rules,
    print_alerts: bool,
}

impl AlerterStage {
    pub fn new(config: &AlerterConfig) -> anyhow::Result<Self> {
        Ok(Self {
            rules: Rules::new(&config.subscriptions)?,
            print_alerts: config.print_alerts,
        })
    }
}

/// One alert as a line for a terminal.
pub fn alert_line(alert: &Alert) -> String {
    format!(
        "ALERT [{}] {} — {} ({}; {})",
        alert.subscription,
        alert.headline,
        alert.link.as_deref().unwrap_or(&alert.article_uri),
        alert.source,
        alert.evidence.join(", ")
    )
}

impl Stage for AlerterStage {
    fn name(&self) -> &'static str {
        "alerter"
    }

    fn input_topics(&self) -> Vec<&'static str> {
        vec![topics::ENRICHED]
    }

    fn handle(&mut self, delivery: &Delivery, now: DateTime<Utc>) -> Outcome<Vec<Record>> {
        let envelope = match Envelope::decode(&delivery.record.payload) {
            Ok(envelope) => envelope,
            Err(error) => return Outcome::Reject(StageError::new("decode", error.to_string())),
        };
        match self.rules.evaluate(&envelope, now) {
            Err(no_alert) => Outcome::Drop {
                reason: no_alert.reason(),
            },
            Ok(alerts) => Outcome::Emit(
                alerts
                    .iter()
                    .map(|alert| {
                        events::AlertRaised { alert }.emit();
                        if self.print_alerts {
                            println!("{}", alert_line(alert));
                        }
                        Record::new(topics::ALERTS, alert.family.as_str(), alert.encode())
                    })
                    .collect(),
            ),
        }
    }
}

/// Runs the alerter until `shutdown`.
pub async fn run(
    config: AlerterConfig,
    stage_config: &StageConfig,
    bus: SharedBus,
    health: Health,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    wire_runtime::run_stage(
        AlerterStage::new(&config)?,
        bus,
        stage_config,
        health,
        shutdown,
    )
    .await?;
    Ok(())
}
