//! The alerter: reads `wire.enriched.v1`, matches every article against the subscriptions'
//! queries ([`query`], indexed by [`matcher`]), decides once per story ([`story`]: new,
//! update, kill) and publishes one [`wire_model::Alert`] per decision to `wire.alerts.v1`
//! (and prints it, when `alerter.print_alerts` is set). [`channels`] posts the alerts of
//! `wire.alerts.v1` to the subscriptions' webhooks and e-mail channels, paced by
//! [`throttle`] (a cap per minute, the rest batched) and [`digest`] (one message per
//! period, or at set times of day in a time zone). [`subscriptions`] holds the live set of subscriptions and serves `/subscriptions`
//! on the admin port.
//!
//! Delivery guarantee and state: at-least-once. The alerted (subscription, family) pairs
//! live in memory and in the state store (`s:<subscription>:<family>`: a compacted topic in
//! Kafka mode, a file in one process), restored at start-up. A pair is written after the
//! alert is acknowledged by the bus and before the input is committed
//! ([`wire_runtime::Stage::take_state_writes`]): a crash before the write redelivers the
//! input and the alert can appear twice (consumers deduplicate by `subscription`, `family`,
//! `kind`, `version_seq`); a crash after it finds the pair alerted and stays quiet. The
//! once-per-story state is durable, and so are the alerts the channels hold for a batch (by
//! the per-minute cap or for a digest: `h:<alert id>`, see [`channels`]).

pub mod channels;
pub mod config;
pub mod digest;
pub mod events;
pub mod matcher;
pub mod query;
pub mod story;
pub mod subscriptions;
#[cfg(test)]
mod testkit;
pub mod throttle;

pub use config::AlerterConfig;
pub use subscriptions::SubscriptionRegistry;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use story::{Alerted, Ledger, Planned};
use tokio_util::sync::CancellationToken;
use wire_model::{ALERT_SCHEMA, Alert, Envelope, topics};
use wire_runtime::config::StageConfig;
use wire_runtime::state::SharedStateStore;
use wire_runtime::{Delivery, Health, Outcome, Record, SharedBus, Stage, StageError, StateWrite};

type Position = (String, i32, i64);
/// Everything in a state store, as `load_all` returns it.
pub type StateValues = std::collections::HashMap<String, Vec<u8>>;

/// The alerter as a [`Stage`].
pub struct AlerterStage {
    registry: SubscriptionRegistry,
    ledger: Ledger,
    print_alerts: bool,
    store: Option<SharedStateStore>,
    /// State writes waiting for their delivery's outputs to be acknowledged.
    pending: VecDeque<(Position, Vec<StateWrite>)>,
}

impl AlerterStage {
    /// An alerter with the config's subscriptions and its state in memory only.
    pub fn new(config: &AlerterConfig) -> anyhow::Result<Self> {
        let registry = SubscriptionRegistry::new();
        registry
            .load(config.subscriptions.clone(), Vec::new(), None)
            .context("failed to compile the subscriptions")?;
        Ok(Self::with_registry(config, registry))
    }

    fn with_registry(config: &AlerterConfig, registry: SubscriptionRegistry) -> Self {
        Self {
            registry,
            ledger: Ledger::new(config.alerted_window_hours, config.update_min_body_change),
            print_alerts: config.print_alerts,
            store: None,
            pending: VecDeque::new(),
        }
    }

    /// An alerter whose alerted pairs and API subscriptions are restored from, and kept in,
    /// `store`; `registry` gets the config's and the stored subscriptions.
    pub async fn with_state(
        config: &AlerterConfig,
        registry: SubscriptionRegistry,
        store: SharedStateStore,
    ) -> anyhow::Result<Self> {
        let values = store
            .load_all()
            .await
            .context("failed to load the alerter state")?;
        Self::restored(config, registry, store, &values)
    }

    /// [`Self::with_state`] from values already loaded from `store`.
    pub fn restored(
        config: &AlerterConfig,
        registry: SubscriptionRegistry,
        store: SharedStateStore,
        values: &StateValues,
    ) -> anyhow::Result<Self> {
        let (mut alerted, mut added, mut unreadable) = (Vec::new(), Vec::new(), 0usize);
        for (key, value) in values {
            if key.starts_with("s:") {
                match serde_json::from_slice::<Alerted>(value) {
                    Ok(entry) => alerted.push(entry),
                    Err(_) => unreadable += 1,
                }
            } else if key.starts_with(subscriptions::KEY_PREFIX) {
                match serde_json::from_slice(value) {
                    Ok(subscription) => added.push(subscription),
                    Err(_) => unreadable += 1,
                }
            }
        }
        events::StateRestored {
            alerted: alerted.len(),
            subscriptions: added.len(),
            unreadable,
        }
        .emit();
        registry
            .load(config.subscriptions.clone(), added, Some(store.clone()))
            .context("failed to compile the subscriptions")?;
        let mut stage = Self::with_registry(config, registry);
        stage.ledger.restore(alerted);
        stage.store = Some(store);
        Ok(stage)
    }

    /// The subscriptions this stage matches against.
    pub fn registry(&self) -> &SubscriptionRegistry {
        &self.registry
    }

    /// The pure core on a decoded envelope: the alerts it raises now and the state changes.
    pub fn alerts(&mut self, envelope: &Envelope, now: DateTime<Utc>) -> Alerts {
        let current = self.registry.current();
        let matches = current.matcher.matches(envelope);
        let subscribed = |id: &str| current.by_id.contains_key(id);
        let decision = self.ledger.decide(envelope, &matches, &subscribed, now);
        Alerts {
            alerts: decision
                .alerts
                .into_iter()
                .map(|planned| alert(envelope, planned, now))
                .collect(),
            writes: decision
                .writes
                .into_iter()
                .map(|(key, value)| StateWrite {
                    key,
                    value: value.and_then(|entry| serde_json::to_vec(&entry).ok()),
                })
                .collect(),
            reason: decision.reason,
        }
    }
}

/// What one article caused.
#[derive(Debug)]
pub struct Alerts {
    pub alerts: Vec<Alert>,
    /// Alerted pairs to store (or delete, when evicted).
    pub writes: Vec<StateWrite>,
    /// Why there is no alert (a bounded label), when `alerts` is empty.
    pub reason: &'static str,
}

fn alert(envelope: &Envelope, planned: Planned, now: DateTime<Utc>) -> Alert {
    Alert {
        schema: ALERT_SCHEMA.to_owned(),
        subscription: planned.subscription,
        evidence: planned.evidence,
        family: story::family_of(envelope),
        article_uri: envelope.article.uri.clone(),
        headline: envelope.article.headline().unwrap_or_default().to_owned(),
        link: envelope.article.web_link().map(str::to_owned),
        source: envelope.wire.source.clone(),
        published_at: envelope
            .article
            .version_created
            .or(envelope.article.first_created),
        fetched_at: envelope.wire.fetched_at,
        enriched_at: envelope.wire.enriched_at,
        alerted_at: now,
        kind: Some(planned.kind.as_str().to_owned()),
        changes: planned.changes,
        version_seq: envelope.wire.version_seq,
        extra: tags(envelope),
    }
}

/// The article's places and topics (names where known), for channels that show them.
fn tags(envelope: &Envelope) -> serde_json::Map<String, serde_json::Value> {
    let article = &envelope.article;
    let mut places: Vec<String> = Vec::new();
    for place in &article.places {
        if let Some(name) = place.name.as_ref().or(place.literal.as_ref())
            && !places.contains(name)
        {
            places.push(name.clone());
        }
    }
    let mut topics: Vec<String> = Vec::new();
    for subject in &article.subjects {
        let shown = subject
            .name
            .clone()
            .or_else(|| subject.literal.clone())
            .or_else(|| {
                subject
                    .uri
                    .as_deref()
                    .and_then(|uri| uri.strip_prefix("urn:wirefeed:topic:"))
                    .map(str::to_owned)
            });
        if let Some(shown) = shown
            && !topics.contains(&shown)
        {
            topics.push(shown);
        }
    }
    let mut extra = serde_json::Map::new();
    if !places.is_empty() {
        extra.insert("places".to_owned(), places.into());
    }
    if !topics.is_empty() {
        extra.insert("topics".to_owned(), topics.into());
    }
    extra
}

/// One alert as a line for a terminal: `ALERT [desk] ...` for new stories, `ALERT UPDATE
/// [desk]` and `ALERT KILL [desk]` for the others.
pub fn alert_line(alert: &Alert) -> String {
    let label = match alert.kind.as_deref() {
        Some("update") => "ALERT UPDATE",
        Some("kill") => "ALERT KILL",
        _ => "ALERT",
    };
    let changes = if alert.changes.is_empty() {
        String::new()
    } else {
        format!(" [{}]", alert.changes.join(", "))
    };
    format!(
        "{label} [{}] {}{changes} — {} ({}; {})",
        alert.subscription,
        alert.headline,
        alert.link.as_deref().unwrap_or(&alert.article_uri),
        alert.source,
        alert.evidence.join(", ")
    )
}

fn position(delivery: &Delivery) -> Position {
    (
        delivery.record.topic.clone(),
        delivery.partition,
        delivery.offset,
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
        let found = self.alerts(&envelope, now);
        if self.store.is_some() && !found.writes.is_empty() {
            self.pending.push_back((position(delivery), found.writes));
        }
        if found.alerts.is_empty() {
            return Outcome::Drop {
                reason: found.reason,
            };
        }
        Outcome::Emit(
            found
                .alerts
                .iter()
                .map(|alert| {
                    events::AlertRaised { alert }.emit();
                    if self.print_alerts {
                        println!("{}", alert_line(alert));
                    }
                    Record::new(topics::ALERTS, alert.family.as_str(), alert.encode())
                })
                .collect(),
        )
    }

    fn state_store(&self) -> Option<SharedStateStore> {
        self.store.clone()
    }

    /// Alerted pairs other instances recorded (a rebalance moves a family's partition here
    /// after another instance alerted it). Deletions (the window's) are this ledger's own
    /// business; subscriptions another instance's API added arrive at the next start.
    fn apply_state_changes(&mut self, changes: Vec<StateWrite>) {
        for change in changes {
            let (true, Some(value)) = (change.key.starts_with("s:"), change.value) else {
                continue;
            };
            if let Ok(entry) = serde_json::from_slice::<Alerted>(&value) {
                self.ledger.merge_remote(entry);
            }
        }
    }

    fn take_state_writes(&mut self, delivery: &Delivery) -> Vec<StateWrite> {
        let position = position(delivery);
        match self.pending.iter().position(|(p, _)| *p == position) {
            Some(index) => self
                .pending
                .remove(index)
                .map(|(_, writes)| writes)
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

/// What the alerter needs besides its config.
pub struct AlerterDeps {
    pub bus: SharedBus,
    /// Where alerted pairs and API subscriptions survive restarts.
    pub state: SharedStateStore,
    /// The subscriptions behind `/subscriptions` (give its router to the admin server).
    pub registry: SubscriptionRegistry,
    pub health: Health,
}

/// Runs the alerter stage and the webhook delivery loop until `shutdown`.
pub async fn run(
    config: AlerterConfig,
    stage_config: &StageConfig,
    deps: AlerterDeps,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    // Loaded once for both: the alerted pairs and subscriptions, and the held alerts.
    let values = deps
        .state
        .load_all()
        .await
        .context("failed to load the alerter state")?;
    let stage =
        AlerterStage::restored(&config, deps.registry.clone(), deps.state.clone(), &values)?;
    // Subscribe the webhook consumer before the stage can publish anything.
    let webhooks = channels::AlertDelivery::subscribe(
        &config.webhook,
        deps.registry.clone(),
        deps.bus.clone(),
    )
    .await?
    .with_smtp(config.smtp.as_ref())?
    .with_held(deps.state, &values)
    .await?;
    let stop_delivering = shutdown.child_token();
    let delivering = tokio::spawn(webhooks.run(stop_delivering.clone()));
    let staged =
        wire_runtime::run_stage(stage, deps.bus, stage_config, deps.health, shutdown).await;
    stop_delivering.cancel();
    let delivered = delivering.await.context("the webhook task panicked")?;
    staged?;
    delivered?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SubscriptionConfig;
    use crate::testkit::*;

    #[test]
    fn alerts_carry_the_places_and_topics_for_channels_that_show_them() {
        let config = AlerterConfig {
            subscriptions: vec![SubscriptionConfig {
                id: "desk".to_owned(),
                query: Some("syria".to_owned()),
                ..SubscriptionConfig::default()
            }],
            ..AlerterConfig::default()
        };
        let Ok(mut stage) = AlerterStage::new(&config) else {
            unreachable!("the config is valid")
        };
        let envelope = with_place(
            with_topic(
                article("urn:a:1", "family:1", "Syria talks resume", "Talks."),
                "urn:wirefeed:topic:syria-peace-process",
                "Syria peace process",
            ),
            "SY",
            "Syria",
        );
        let found = stage.alerts(&envelope, at(5));
        assert_eq!(found.alerts.len(), 1);
        let extra = &found.alerts[0].extra;
        assert_eq!(extra["places"], serde_json::json!(["Syria"]));
        assert_eq!(extra["topics"], serde_json::json!(["Syria peace process"]));
    }
}
