//! Channels besides `wire.alerts.v1` (which the stage itself publishes to): webhooks, generic
//! (the alert as signed JSON) and Slack-compatible (`{"text": ...}`).
//!
//! Webhooks are delivered outside the pure stage, by a second consumer of `wire.alerts.v1`
//! (group `alerter-webhooks`) in the alerter process: for each alert it posts to every webhook
//! of the alert's subscription, retrying with backoff, dead-letters to `wire.dlq.v1` what still
//! fails, and only then commits. At-least-once: after a crash, an alert can be posted again
//! with the same `X-Wirefeed-Alert-Id`.

pub mod webhook;

use crate::config::WebhookDeliveryConfig;
use crate::subscriptions::SubscriptionRegistry;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use webhook::Posted;
use wire_model::{Alert, topics};
use wire_runtime::bus::publish;
use wire_runtime::{BusError, Delivery, SharedBus, StageError, Subscription};

/// The consumer group (and dead-letter stage name) of webhook delivery.
pub const GROUP: &str = "alerter-webhooks";
/// The dead-letter header naming the webhook that failed: `<subscription>#<index>`.
pub const WEBHOOK_HEADER: &str = "wirefeed.alerter.webhook";

/// The webhook delivery loop, subscribed.
pub struct WebhookChannel {
    poster: Poster,
    subscription: Box<dyn Subscription>,
}

/// What posting needs (shared across awaits, apart from the consumer).
struct Poster {
    config: WebhookDeliveryConfig,
    registry: SubscriptionRegistry,
    bus: SharedBus,
    client: reqwest::Client,
}

impl WebhookChannel {
    /// Joins the `alerter-webhooks` group on `wire.alerts.v1`.
    pub async fn subscribe(
        config: &WebhookDeliveryConfig,
        registry: SubscriptionRegistry,
        bus: SharedBus,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(config.timeout_secs))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let subscription = bus.subscribe(GROUP, &[topics::ALERTS]).await?;
        Ok(Self {
            poster: Poster {
                config: config.clone(),
                registry,
                bus,
                client,
            },
            subscription,
        })
    }

    /// Delivers alerts until `shutdown`.
    pub async fn run(mut self, shutdown: CancellationToken) -> Result<(), BusError> {
        let result = loop {
            let delivery = tokio::select! {
                _ = shutdown.cancelled() => break Ok(()),
                received = self.subscription.recv() => match received {
                    Ok(delivery) => delivery,
                    Err(BusError::Closed) => break Ok(()),
                    Err(error) => break Err(error),
                },
            };
            match self.poster.deliver(&delivery, &shutdown).await {
                Ok(true) => {}
                Ok(false) => break Ok(()), // interrupted: not committed
                Err(error) => break Err(error),
            }
            if let Err(error) = self.subscription.commit(&delivery) {
                break Err(error);
            }
        };
        self.subscription.close().await?;
        result
    }
}

impl Poster {
    /// Posts one alert to its subscription's webhooks; `false` when shutdown interrupted it.
    async fn deliver(
        &self,
        delivery: &Delivery,
        shutdown: &CancellationToken,
    ) -> Result<bool, BusError> {
        let Ok(alert) = Alert::decode(&delivery.record.payload) else {
            // Not ours to judge: the stage wrote it; nothing to post.
            return Ok(true);
        };
        let targets = self
            .registry
            .current()
            .by_id
            .get(&alert.subscription)
            .map(|s| s.webhooks.clone())
            .unwrap_or_default();
        for (index, target) in targets.iter().enumerate() {
            let error =
                match webhook::post(&self.client, &self.config, target, &alert, shutdown).await {
                    Posted::Delivered => continue,
                    Posted::Interrupted => return Ok(false),
                    Posted::Failed(error) => error,
                };
            let attempts = match &error {
                webhook::WebhookError::Exhausted { attempts, .. } => *attempts,
                webhook::WebhookError::Refused { .. } => 1,
            };
            crate::events::WebhookFailed {
                subscription: &alert.subscription,
                channel: target.kind.as_str(),
                attempts,
                error: &error.to_string(),
            }
            .emit();
            let record = wire_runtime::stage::dead_letter(
                GROUP,
                delivery,
                &StageError::new("webhook", error.to_string()),
            )
            .with_header(WEBHOOK_HEADER, format!("{}#{index}", alert.subscription));
            publish(self.bus.as_ref(), record).await?;
        }
        Ok(true)
    }
}
