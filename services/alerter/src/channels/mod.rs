//! Channels besides `wire.alerts.v1` (which the stage itself publishes to): webhooks, generic
//! (the alert as signed JSON) and Slack-compatible (`{"text": ...}`), and e-mail over SMTP
//! ([`email`]).
//!
//! Channels are served outside the pure stage, by [`AlertDelivery`], a second consumer of
//! `wire.alerts.v1` (group `alerter-webhooks`) in the alerter process: for each alert it sends
//! to every webhook (generic or Slack) and e-mail channel of the alert's subscription, retrying
//! with backoff ([`wire_runtime::RetryPolicy`]), dead-letters to `wire.dlq.v1` what still
//! fails, and only then commits. At-least-once: after a crash, an alert can be posted again
//! with the same `X-Wirefeed-Alert-Id`.
//!
//! Pacing: a realtime subscription gets at most `max_per_minute` messages a minute
//! ([`crate::throttle`]); the alerts beyond it go out as one batch per channel when the
//! minute ends. A digest subscription gets one batch per channel every `every_minutes` or at
//! its set times of day ([`crate::digest`]). A subscription with `embargo = "hold"` gets an
//! alert under embargo when the embargo lifts ([`crate::embargo`]), then paced as any other;
//! one with `embargo = "notify"` (the default) gets it at once, marked EMBARGOED. A kill is
//! never held, and takes back the alerts of its story still held for an embargo.
//!
//! Held alerts are durable: each is written to the alerter's state store (`h:<alert id>`,
//! [`HeldAlert`]) before its input is committed, restored into its batch (or its embargo
//! hold) at start-up, and deleted once its batch was sent, so a crash or restart neither loses a digest nor sends
//! it twice (at most the batch in flight at the crash goes out again). A batch that still
//! fails on a channel after its retries dead-letters each of its alerts, as a single alert
//! would, so `wirefeed dlq replay` can send them again.

pub mod email;
mod poster;
pub mod signing;
pub mod webhook;

use crate::config::{
    DEFAULT_MAX_PER_MINUTE, Embargo, SmtpConfig, SubscriptionConfig, WebhookDeliveryConfig,
};
use crate::digest::Digest;
use crate::embargo::EmbargoHold;
use crate::subscriptions::SubscriptionRegistry;
use crate::throttle::{Batch, Batched, Throttle};
use chrono::{DateTime, Utc};
use poster::Poster;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::{Alert, topics};
use wire_runtime::bus::publish;
use wire_runtime::state::SharedStateStore;
use wire_runtime::{BusError, Delivery, SharedBus, StageError, Subscription};

/// The consumer group (and dead-letter stage name) of webhook delivery.
pub const GROUP: &str = "alerter-webhooks";
/// The dead-letter header naming the channel that failed: `<subscription>#<index>` for a
/// webhook, `<subscription>#email<index>` for an e-mail channel.
pub const WEBHOOK_HEADER: &str = "wirefeed.alerter.webhook";
/// How often held batches are checked for being due.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);
/// The state-store key prefix of held alerts: `h:<alert id>`.
pub const HELD_PREFIX: &str = "h:";
/// How long a failed state write waits before it is tried again.
const STATE_RETRY: Duration = Duration::from_secs(1);

/// An alert held for a batch (throttled or digest), as kept in the state store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldAlert {
    /// [`webhook::alert_id`] of the alert.
    pub id: String,
    /// When it was first held: its batch is the one open at that time.
    pub held_at: DateTime<Utc>,
    /// Where it was read in `wire.alerts.v1` (for its dead-letter record).
    pub partition: i32,
    pub offset: i64,
    /// The alert; `None` in memory once trimmed from an oversized batch.
    pub alert: Option<Alert>,
    /// Held for its embargo, which lifts at this time (a subscription with `embargo =
    /// "hold"`); absent once it lifted and the alert went on to its batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargo_until: Option<DateTime<Utc>>,
}

impl Batched for HeldAlert {
    fn trimmed(self) -> Self {
        Self {
            alert: None,
            ..self
        }
    }
}

impl HeldAlert {
    fn state_key(&self) -> String {
        format!("{HELD_PREFIX}{}", self.id)
    }
}

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

/// The consumer of `wire.alerts.v1` that delivers each alert to its subscription's channels:
/// webhooks (generic or Slack) and e-mail, paced by the per-minute cap and digests.
pub struct AlertDelivery {
    poster: Poster,
    subscription: Box<dyn Subscription>,
    throttle: Throttle<HeldAlert>,
    digest: Digest<HeldAlert>,
    embargoed: EmbargoHold<HeldAlert>,
}

impl AlertDelivery {
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
                webhook_retries: config.retry_policy(),
                registry,
                bus,
                client,
                mailer: None,
                store: None,
            },
            subscription,
            throttle: Throttle::new(),
            digest: Digest::new(),
            embargoed: EmbargoHold::new(),
        })
    }

    /// Sends e-mail channels through `smtp` (without it, e-mail channels fail).
    pub fn with_smtp(mut self, smtp: Option<&SmtpConfig>) -> anyhow::Result<Self> {
        self.poster.mailer = smtp.map(email::Mailer::new).transpose()?;
        Ok(self)
    }

    /// Keeps held alerts in `store`, and holds again those it kept before a restart: each goes
    /// back into the batch of its subscription that was open when it was first held (sent at
    /// the next flush when that batch is already due), or back under its embargo.
    pub async fn with_state(self, store: SharedStateStore) -> anyhow::Result<Self> {
        let values = store.load_all().await?;
        self.with_held(store, &values).await
    }

    /// [`Self::with_state`] from values already loaded from `store`.
    pub async fn with_held(
        mut self,
        store: SharedStateStore,
        values: &crate::StateValues,
    ) -> anyhow::Result<Self> {
        let mut restored: Vec<HeldAlert> = Vec::new();
        let mut orphans = Vec::new();
        for (key, value) in values {
            if !key.starts_with(HELD_PREFIX) {
                continue;
            }
            match serde_json::from_slice::<HeldAlert>(value) {
                Ok(held) if held.alert.is_some() => restored.push(held),
                _ => orphans.push(key.clone()),
            }
        }
        restored.sort_by_key(|held| held.held_at);
        let current = self.poster.registry.current();
        for held in restored {
            let Some(subscription) = held
                .alert
                .as_ref()
                .and_then(|alert| current.by_id.get(&alert.subscription))
            else {
                orphans.push(held.state_key()); // its subscription was deleted
                continue;
            };
            let (key, at) = (subscription.id.clone(), held.held_at);
            match (held.embargo_until, subscription.digest_schedule()) {
                (Some(until), _) => self.embargoed.hold(until, held),
                (None, Some(schedule)) => self.digest.offer(&key, &schedule, held, at),
                (None, None) => self.throttle.hold(&key, held, at),
            }
        }
        for key in &orphans {
            store.put(key, None).await?;
        }
        crate::events::HeldRestored {
            alerts: self.throttle.held() + self.digest.held() + self.embargoed.held(),
            dropped: orphans.len(),
        }
        .emit();
        self.poster.store = Some(store);
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
                    match self.flush(Utc::now(), &shutdown).await {
                        Ok(true) => continue,
                        Ok(false) => break Ok(()),
                        Err(error) => break Err(error),
                    }
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
        let alert = match Alert::decode(&delivery.record.payload) {
            Ok(alert) => alert,
            Err(error) => {
                // Not an alert (a foreign producer, another schema version): dead-lettered
                // with the reason, like any stage's poison input, then committed.
                let record =
                    wire_runtime::stage::dead_letter(GROUP, delivery, &StageError::decode(error));
                publish(self.poster.bus.as_ref(), record).await?;
                return Ok(true);
            }
        };
        let current = self.poster.registry.current();
        let Some(subscription) = current.by_id.get(&alert.subscription) else {
            return Ok(true);
        };
        if subscription.webhooks.is_empty() && subscription.channels.is_empty() {
            return Ok(true);
        }
        let mut held = HeldAlert {
            id: webhook::alert_id(&alert),
            held_at: now,
            partition: delivery.partition,
            offset: delivery.offset,
            alert: Some(alert),
            embargo_until: None,
        };
        if let Some(until) = embargo_hold(subscription, held.alert.as_ref(), now) {
            held.embargo_until = Some(until);
            if !self.poster.keep(&held, shutdown).await {
                return Ok(false);
            }
            self.embargoed.hold(until, held);
            return Ok(true);
        }
        if is_kill(held.alert.as_ref()) && !self.take_back_embargoed(&held, shutdown).await {
            return Ok(false);
        }
        self.route(held, subscription, now, shutdown, false).await
    }

    /// A kill takes back the alerts of its story that its subscription still holds for an
    /// embargo: the desk must not get the story after its kill. `false` when shutdown
    /// interrupted it.
    async fn take_back_embargoed(
        &mut self,
        kill: &HeldAlert,
        shutdown: &CancellationToken,
    ) -> bool {
        let Some(kill) = &kill.alert else {
            return true;
        };
        let taken = self.embargoed.take_where(|held| {
            held.alert.as_ref().is_some_and(|alert| {
                alert.subscription == kill.subscription && alert.family == kill.family
            })
        });
        for held in &taken {
            if !self.poster.forget(held, shutdown).await {
                return false;
            }
        }
        true
    }

    /// Sends `held` now (a kill, or within the per-minute cap) or holds it for its batch
    /// (digest or throttle). `in_store`: it is in the state store already (released from an
    /// embargo), and is forgotten once sent. `false` when shutdown interrupted it.
    async fn route(
        &mut self,
        held: HeldAlert,
        subscription: &SubscriptionConfig,
        now: DateTime<Utc>,
        shutdown: &CancellationToken,
        in_store: bool,
    ) -> Result<bool, BusError> {
        let key = subscription.id.clone();
        // A kill is never held back by a digest or the throttle: desks must pull the story now.
        let sent_now = match subscription.digest_schedule() {
            _ if is_kill(held.alert.as_ref()) => held,
            Some(schedule) => {
                if !self.poster.keep(&held, shutdown).await {
                    return Ok(false);
                }
                self.digest.offer(&key, &schedule, held, now);
                return Ok(true);
            }
            None => {
                let cap = subscription
                    .max_per_minute
                    .unwrap_or(DEFAULT_MAX_PER_MINUTE);
                let stored = self.poster.store.as_ref().map(|_| held.clone());
                match self.throttle.offer(&key, cap, held, now) {
                    Some(sent_now) => sent_now,
                    None => {
                        let kept = match &stored {
                            Some(held) => self.poster.keep(held, shutdown).await,
                            None => true,
                        };
                        return Ok(kept);
                    }
                }
            }
        };
        let Some(alert) = &sent_now.alert else {
            return Ok(true);
        };
        let failures = match self.poster.send(&Outgoing::One(alert), shutdown).await {
            Some(failures) => failures,
            None => return Ok(false),
        };
        for failure in &failures {
            self.poster.dead_letter(&sent_now, failure).await?;
        }
        Ok(!in_store || self.poster.forget(&sent_now, shutdown).await)
    }

    /// Sends on the alerts whose embargo lifted by `now`, as if they had just arrived: free to
    /// run, so no longer marked embargoed. `false` when shutdown interrupted it.
    async fn release_embargoed(
        &mut self,
        now: DateTime<Utc>,
        shutdown: &CancellationToken,
    ) -> Result<bool, BusError> {
        let current = self.poster.registry.current();
        for mut held in self.embargoed.due(now) {
            let subscription = held
                .alert
                .as_ref()
                .and_then(|alert| current.by_id.get(&alert.subscription));
            let Some(subscription) = subscription else {
                // Its subscription was deleted meanwhile.
                if !self.poster.forget(&held, shutdown).await {
                    return Ok(false);
                }
                continue;
            };
            held.embargo_until = None;
            held.held_at = now;
            if let Some(alert) = held.alert.as_mut() {
                alert.embargoed_until = None;
            }
            if !self.route(held, subscription, now, shutdown, true).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Sends the batches due by `now`; `false` when shutdown interrupted it.
    async fn flush(
        &mut self,
        now: DateTime<Utc>,
        shutdown: &CancellationToken,
    ) -> Result<bool, BusError> {
        if !self.release_embargoed(now, shutdown).await? {
            return Ok(false);
        }
        let mut due: Vec<(Batch<HeldAlert>, bool)> = self
            .throttle
            .due(now)
            .into_iter()
            .map(|batch| (batch, false))
            .collect();
        due.extend(self.digest.due(now).into_iter().map(|batch| (batch, true)));
        for (batch, digest) in due {
            let alerts: Vec<Alert> = batch
                .items
                .iter()
                .filter_map(|held| held.alert.clone())
                .collect();
            let outgoing = Outgoing::Batch {
                subscription: &batch.key,
                alerts: &alerts,
                omitted: batch.omitted.len(),
                digest,
            };
            let Some(failures) = self.poster.send(&outgoing, shutdown).await else {
                return Ok(false); // still held in the store: sent after the restart
            };
            for failure in &failures {
                crate::events::BatchFailed {
                    subscription: &batch.key,
                    alerts: batch.items.len() + batch.omitted.len(),
                    channel: &failure.header,
                    error: &failure.error,
                }
                .emit();
                for held in &batch.items {
                    self.poster.dead_letter(held, failure).await?;
                }
            }
            for held in batch.items.iter().chain(&batch.omitted) {
                if !self.poster.forget(held, shutdown).await {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}

/// Whether an alert is a kill.
fn is_kill(alert: Option<&Alert>) -> bool {
    alert.and_then(|alert| alert.kind.as_deref()) == Some("kill")
}

/// Until when `subscription` holds `alert` for its embargo: only with `embargo = "hold"`, an
/// embargo still ahead of `now`, and never a kill.
fn embargo_hold(
    subscription: &SubscriptionConfig,
    alert: Option<&Alert>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if subscription.embargo != Embargo::Hold || is_kill(alert) {
        return None;
    }
    alert?.embargoed_until.filter(|until| *until > now)
}
