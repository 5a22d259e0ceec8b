//! Channels besides `wire.alerts.v1` (which the stage itself publishes to): webhooks, generic
//! (the alert as signed JSON) and Slack-compatible (`{"text": ...}`), and e-mail over SMTP
//! ([`email`]).
//!
//! Channels are served outside the pure stage, by a second consumer of `wire.alerts.v1` (group
//! `alerter-webhooks`) in the alerter process: for each alert it sends to every webhook and
//! e-mail channel of the alert's subscription, retrying with backoff, dead-letters to
//! `wire.dlq.v1` what still fails, and only then commits. At-least-once: after a crash, an
//! alert can be posted again with the same `X-Wirefeed-Alert-Id`.
//!
//! Pacing: a realtime subscription gets at most `max_per_minute` messages a minute
//! ([`crate::throttle`]); the alerts beyond it go out as one batch per channel when the
//! minute ends. A digest subscription gets one batch per channel every `every_minutes`
//! ([`crate::digest`]). Held alerts (throttled or waiting for their digest) live in memory
//! only: their input is committed when they are held, so a stop or crash loses them from the
//! channels (they stay in `wire.alerts.v1`). A batch that still fails after its retries is
//! logged and counted, not dead-lettered.

pub mod email;
pub mod webhook;

use crate::config::{ChannelKind, DEFAULT_MAX_PER_MINUTE, Mode, SmtpConfig, WebhookDeliveryConfig};
use crate::digest::Digest;
use crate::subscriptions::SubscriptionRegistry;
use crate::throttle::{Batch, Throttle};
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use webhook::Posted;
use wire_model::{Alert, topics};
use wire_runtime::bus::publish;
use wire_runtime::{BusError, Delivery, SharedBus, StageError, Subscription};

/// The consumer group (and dead-letter stage name) of webhook delivery.
pub const GROUP: &str = "alerter-webhooks";
/// The dead-letter header naming the channel that failed: `<subscription>#<index>` for a
/// webhook, `<subscription>#email<index>` for an e-mail channel.
pub const WEBHOOK_HEADER: &str = "wirefeed.alerter.webhook";
/// How often held batches are checked for being due.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

/// What one send carries: one alert, or a batch (throttled or digest) of one subscription.
#[derive(Debug, Clone, Copy)]
pub enum Outgoing<'a> {
    One(&'a Alert),
    Batch {
        subscription: &'a str,
        alerts: &'a [Alert],
        /// Alerts left out of the batch (beyond its size limit).
        omitted: usize,
        /// A digest (true) or the overflow of the per-minute cap (false).
        digest: bool,
    },
}

impl Outgoing<'_> {
    pub fn subscription(&self) -> &str {
        match self {
            Self::One(alert) => &alert.subscription,
            Self::Batch { subscription, .. } => subscription,
        }
    }
}

/// The delivery loop, subscribed.
pub struct WebhookChannel {
    poster: Poster,
    subscription: Box<dyn Subscription>,
    throttle: Throttle<Alert>,
    digest: Digest<Alert>,
}

/// What sending needs (shared across awaits, apart from the consumer).
struct Poster {
    config: WebhookDeliveryConfig,
    registry: SubscriptionRegistry,
    bus: SharedBus,
    client: reqwest::Client,
    mailer: Option<email::Mailer>,
}

/// Why a channel failed, for the dead-letter record.
struct ChannelFailure {
    header: String,
    error: String,
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
                mailer: None,
            },
            subscription,
            throttle: Throttle::new(),
            digest: Digest::new(),
        })
    }

    /// Sends e-mail channels through `smtp` (without it, e-mail channels fail).
    pub fn with_smtp(mut self, smtp: Option<&SmtpConfig>) -> anyhow::Result<Self> {
        self.poster.mailer = smtp.map(email::Mailer::new).transpose()?;
        Ok(self)
    }

    /// Delivers alerts until `shutdown`.
    pub async fn run(mut self, shutdown: CancellationToken) -> Result<(), BusError> {
        let mut flush = tokio::time::interval(FLUSH_INTERVAL);
        flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let result = loop {
            let delivery = tokio::select! {
                _ = shutdown.cancelled() => break Ok(()),
                _ = flush.tick() => {
                    if !self.flush(Utc::now(), &shutdown).await {
                        break Ok(());
                    }
                    continue;
                }
                received = self.subscription.recv() => match received {
                    Ok(delivery) => delivery,
                    Err(BusError::Closed) => break Ok(()),
                    Err(error) => break Err(error),
                },
            };
            match self.deliver(&delivery, Utc::now(), &shutdown).await {
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

    /// Sends one alert now, or holds it for its batch; `false` when shutdown interrupted it.
    async fn deliver(
        &mut self,
        delivery: &Delivery,
        now: DateTime<Utc>,
        shutdown: &CancellationToken,
    ) -> Result<bool, BusError> {
        let Ok(alert) = Alert::decode(&delivery.record.payload) else {
            // Not ours to judge: the stage wrote it; nothing to post.
            return Ok(true);
        };
        let current = self.poster.registry.current();
        let Some(subscription) = current.by_id.get(&alert.subscription) else {
            return Ok(true);
        };
        if subscription.webhooks.is_empty() && subscription.channels.is_empty() {
            return Ok(true);
        }
        // A kill is never held back by a digest or the throttle: desks must pull the story now.
        let is_kill = alert.kind.as_deref() == Some("kill");
        let alert = match (subscription.mode, subscription.every_minutes) {
            _ if is_kill => alert,
            (Mode::Digest, every) => {
                let every = every.unwrap_or(60);
                self.digest
                    .offer(&alert.subscription.clone(), every, alert, now);
                return Ok(true);
            }
            (Mode::Realtime, _) => {
                let cap = subscription
                    .max_per_minute
                    .unwrap_or(DEFAULT_MAX_PER_MINUTE);
                match self
                    .throttle
                    .offer(&alert.subscription.clone(), cap, alert, now)
                {
                    Some(alert) => alert,
                    None => return Ok(true),
                }
            }
        };
        let failures = match self.poster.send(&Outgoing::One(&alert), shutdown).await {
            Some(failures) => failures,
            None => return Ok(false),
        };
        for failure in failures {
            let record = wire_runtime::stage::dead_letter(
                GROUP,
                delivery,
                &StageError::new("webhook", failure.error),
            )
            .with_header(WEBHOOK_HEADER, failure.header);
            publish(self.poster.bus.as_ref(), record).await?;
        }
        Ok(true)
    }

    /// Sends the batches due by `now`; `false` when shutdown interrupted it.
    async fn flush(&mut self, now: DateTime<Utc>, shutdown: &CancellationToken) -> bool {
        let mut due: Vec<(Batch<Alert>, bool)> = self
            .throttle
            .due(now)
            .into_iter()
            .map(|batch| (batch, false))
            .collect();
        due.extend(self.digest.due(now).into_iter().map(|batch| (batch, true)));
        for (batch, digest) in due {
            let outgoing = Outgoing::Batch {
                subscription: &batch.key,
                alerts: &batch.items,
                omitted: batch.omitted,
                digest,
            };
            match self.poster.send(&outgoing, shutdown).await {
                Some(failures) => {
                    for failure in failures {
                        crate::events::BatchFailed {
                            subscription: &batch.key,
                            alerts: batch.items.len() + batch.omitted,
                            channel: &failure.header,
                            error: &failure.error,
                        }
                        .emit();
                    }
                }
                None => return false,
            }
        }
        true
    }
}

impl Poster {
    /// Sends `outgoing` to every channel of its subscription: the failures, or `None` when
    /// shutdown interrupted it.
    async fn send(
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
            let error =
                match webhook::post(&self.client, &self.config, target, outgoing, shutdown).await {
                    Posted::Delivered => continue,
                    Posted::Interrupted => return None,
                    Posted::Failed(error) => error,
                };
            let attempts = match &error {
                webhook::WebhookError::Exhausted { attempts, .. } => *attempts,
                webhook::WebhookError::Refused { .. } => 1,
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
