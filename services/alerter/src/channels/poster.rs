//! Sending: one alert or batch to every channel of its subscription, with the held-alert
//! state writes and dead letters around it.

use super::{GROUP, HeldAlert, Outgoing, STATE_RETRY, WEBHOOK_HEADER, email, webhook};
use crate::config::ChannelKind;
use crate::subscriptions::SubscriptionRegistry;
use tokio_util::sync::CancellationToken;
use webhook::Posted;
use wire_model::topics;
use wire_runtime::bus::publish;
use wire_runtime::state::SharedStateStore;
use wire_runtime::{BusError, Delivery, Record, RetryPolicy, SharedBus, StageError};

/// What sending needs (shared across awaits, apart from the consumer).
pub(super) struct Poster {
    /// How a webhook post is retried (`[alerter.webhook]`).
    pub(super) webhook_retries: RetryPolicy,
    pub(super) registry: SubscriptionRegistry,
    pub(super) bus: SharedBus,
    pub(super) client: reqwest::Client,
    pub(super) mailer: Option<email::Mailer>,
    /// Where held alerts survive restarts (none: in memory only).
    pub(super) store: Option<SharedStateStore>,
}

/// Why a channel failed, for the dead-letter record.
pub(super) struct ChannelFailure {
    pub(super) header: String,
    pub(super) error: String,
}

impl Poster {
    /// Writes a held alert to the store (retrying until it is durable); `false` when shutdown
    /// came first (the alert's input is then not committed, and it is read again).
    pub(super) async fn keep(&self, held: &HeldAlert, shutdown: &CancellationToken) -> bool {
        match serde_json::to_vec(held) {
            Ok(value) => self.put(&held.state_key(), Some(value), shutdown).await,
            Err(_) => true, // an Alert always serializes; nothing to keep otherwise
        }
    }

    /// Deletes a held alert from the store once its batch was sent.
    pub(super) async fn forget(&self, held: &HeldAlert, shutdown: &CancellationToken) -> bool {
        self.put(&held.state_key(), None, shutdown).await
    }

    async fn put(&self, key: &str, value: Option<Vec<u8>>, shutdown: &CancellationToken) -> bool {
        let Some(store) = &self.store else {
            return true;
        };
        loop {
            match store.put(key, value.clone()).await {
                Ok(()) => return true,
                Err(error) => crate::events::HeldStateFailed {
                    key,
                    error: &error.to_string(),
                }
                .emit(),
            }
            tokio::select! {
                _ = shutdown.cancelled() => return false,
                _ = tokio::time::sleep(STATE_RETRY) => {}
            }
        }
    }

    /// Dead-letters one alert of a batch that failed on a channel.
    pub(super) async fn dead_letter(
        &self,
        held: &HeldAlert,
        failure: &ChannelFailure,
    ) -> Result<(), BusError> {
        let Some(alert) = &held.alert else {
            return Ok(()); // trimmed: only counted in the batch, as it was not shown either
        };
        let delivery = Delivery {
            record: Record::new(topics::ALERTS, alert.family.as_str(), alert.encode()),
            partition: held.partition,
            offset: held.offset,
        };
        let record = wire_runtime::stage::dead_letter(
            GROUP,
            &delivery,
            &StageError::new("webhook", &failure.error),
        )
        .with_header(WEBHOOK_HEADER, failure.header.as_str());
        publish(self.bus.as_ref(), record).await
    }

    /// Sends `outgoing` to every channel of its subscription: the failures, or `None` when
    /// shutdown interrupted it.
    pub(super) async fn send(
        &self,
        outgoing: &Outgoing<'_>,
        shutdown: &CancellationToken,
    ) -> Option<Vec<ChannelFailure>> {
        let id = outgoing.subscription();
        let Some(subscription) = self.registry.current().by_id.get(id).cloned() else {
            return Some(Vec::new());
        };
        let mut failures = Vec::new();
        for (index, target) in subscription.webhooks.iter().enumerate() {
            let error = match webhook::post(
                &self.client,
                &self.webhook_retries,
                target,
                outgoing,
                shutdown,
            )
            .await
            {
                Posted::Delivered => continue,
                Posted::Interrupted => return None,
                Posted::Failed(error) => error,
            };
            let attempts = match &error {
                webhook::WebhookError::Exhausted { attempts, .. } => *attempts,
                webhook::WebhookError::Refused { .. } => 1,
                webhook::WebhookError::Secret(_) => 0,
            };
            crate::events::WebhookFailed {
                subscription: id,
                channel: target.kind.as_str(),
                attempts,
                error: &error.to_string(),
            }
            .emit();
            failures.push(ChannelFailure {
                header: format!("{id}#{index}"),
                error: error.to_string(),
            });
        }
        for (index, channel) in subscription.channels.iter().enumerate() {
            let ChannelKind::Email = channel.kind;
            let sent = match &self.mailer {
                Some(mailer) => mailer.send(id, &channel.to, outgoing, shutdown).await,
                None => email::Sent::Failed {
                    attempts: 0,
                    error: "no [alerter.smtp] server is configured".to_owned(),
                },
            };
            let (attempts, error) = match sent {
                email::Sent::Delivered => continue,
                email::Sent::Interrupted => return None,
                email::Sent::Failed { attempts, error } => (attempts, error),
            };
            crate::events::WebhookFailed {
                subscription: id,
                channel: email::CHANNEL,
                attempts,
                error: &error,
            }
            .emit();
            failures.push(ChannelFailure {
                header: format!("{id}#email{index}"),
                error,
            });
        }
        Some(failures)
    }
}
