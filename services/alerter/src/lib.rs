//! The alerter: reads `wire.enriched.v1`, matches every article against the subscriptions'
//! queries ([`query`], indexed by [`matcher`]), decides once per story ([`ledger`]: new,
//! update, kill) and publishes one [`wire_model::Alert`] per decision to `wire.alerts.v1`
//! (and prints it, when `alerter.print_alerts` is set). [`channels`] posts the alerts of
//! `wire.alerts.v1` to the subscriptions' webhooks and e-mail channels, paced by
//! [`throttle`] (a cap per minute, the rest batched) and [`digest`] (one message per
//! period, or at set times of day in a time zone). [`subscriptions`] holds the live set of subscriptions and serves `/subscriptions`
//! on the admin port.
//!
//! Entry: [`run`]`(config, context)`, the same in every service: `main.rs` calls it with the
//! context of its [`wire_runtime::Process`], `wirefeed run` through the in-process pipeline.
//! [`Alerter`] is the same with a subscription registry of the caller's.
//!
//! Delivery guarantee and state: at-least-once. The alerted (subscription, family) pairs
//! live in memory and in the state store (`s:<subscription>:<family>`: a compacted topic in
//! Kafka mode, a file in one process), restored at start-up. A pair is written after the
//! alert is acknowledged by the bus and before the input is committed (the state writes of
//! its [`Outcome`], see [`wire_runtime::Stage::handle`]): a crash before the write redelivers the
//! input and the alert can appear twice (consumers deduplicate by `subscription`, `family`,
//! `kind`, `version_seq`); a crash after it finds the pair alerted and stays quiet. The
//! once-per-story state is durable, and so are the alerts the channels hold for a batch (by
//! the per-minute cap or for a digest: `h:<alert id>`, see [`channels`]).

pub mod changes;
pub mod channels;
pub mod config;
pub mod digest;
pub mod embargo;
pub mod events;
pub mod ledger;
pub mod matcher;
/// The query language (`wire-query`, shared with searches of the archive).
pub use wire_query as query;
pub mod subscriptions;
#[cfg(test)]
mod testkit;
pub mod throttle;

pub use config::AlerterConfig;
pub use subscriptions::SubscriptionRegistry;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use ledger::{AlertLedger, Alerted, Planned};
use std::sync::Arc;
use std::time::Duration;
use wire_model::{ALERT_SCHEMA, Alert, Envelope, topics};
use wire_runtime::stage::profile::{Phase, scope};
use wire_runtime::stage::{Prepare, Prepared};
use wire_runtime::state::{self, SharedStateStore};
use wire_runtime::{Delivery, Outcome, Record, ServiceContext, Stage, StageError, StateWrite};

/// Everything in a state store, as `load_all` returns it.
pub type StateValues = std::collections::HashMap<String, Vec<u8>>;

/// The alerter as a [`Stage`].
pub struct AlerterStage {
    registry: SubscriptionRegistry,
    ledger: AlertLedger,
    print_alerts: bool,
    store: Option<SharedStateStore>,
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
            ledger: AlertLedger::new(config.alerted_window_hours, config.update_min_body_change),
            print_alerts: config.print_alerts,
            store: None,
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
            if key.starts_with(ledger::ALERTED_PAIR_KEY_PREFIX) {
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
        self.alerts_for(envelope, now, None)
    }

    /// [`AlerterStage::alerts`] for subscription `only` alone when given (a replay): its
    /// once-per-story rule holds as for live articles.
    pub fn alerts_for(
        &mut self,
        envelope: &Envelope,
        now: DateTime<Utc>,
        only: Option<&str>,
    ) -> Alerts {
        let current = self.registry.current();
        let mut matches = current.matcher.matches(envelope);
        if let Some(only) = only {
            matches.retain(|found| found.id == only);
        }
        let subscribed = |id: &str| current.by_id.contains_key(id);
        let decision = self.ledger.decide(envelope, &matches, &subscribed);
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

/// The alert of `planned`, raised at `now` (wall-clock time: the embargo is lifted by the
/// real clock). A kill carries no embargo: a desk must act on it at once.
fn alert(envelope: &Envelope, planned: Planned, now: DateTime<Utc>) -> Alert {
    let is_kill = planned.kind == ledger::Kind::Kill;
    let embargoed_until = envelope
        .article
        .embargoed_until
        .filter(|until| *until > now && !is_kill);
    let mut evidence = planned.evidence;
    if envelope.wire.embargo_broken && !is_kill {
        let until = envelope
            .article
            .embargoed_until
            .map(|until| format!(" (embargoed until {})", embargo_time(until)))
            .unwrap_or_default();
        evidence.push(format!(
            "published by {} before the embargo{until}",
            envelope.wire.source
        ));
    }
    Alert {
        schema: ALERT_SCHEMA.to_owned(),
        subscription: planned.subscription,
        evidence,
        family: ledger::family_of(envelope),
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
        embargoed_until,
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

/// An embargo time as every channel shows it: `2026-12-07 05:00 UTC`.
pub fn embargo_time(until: DateTime<Utc>) -> String {
    until.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `EMBARGOED until 2026-12-07 05:00 UTC: ` for an alert under embargo, else empty: the
/// prefix of its line, Slack text and e-mail subject.
pub fn embargo_label(alert: &Alert) -> String {
    alert
        .embargoed_until
        .map(|until| format!("EMBARGOED until {}: ", embargo_time(until)))
        .unwrap_or_default()
}

/// One alert as a line for a terminal: `ALERT [desk] ...` for new stories, `ALERT UPDATE
/// [desk]` and `ALERT KILL [desk]` for the others; an embargoed story's headline follows
/// `EMBARGOED until <time>: `.
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
        "{label} [{}] {}{}{changes} — {} ({}; {})",
        alert.subscription,
        embargo_label(alert),
        alert.headline,
        alert.link.as_deref().unwrap_or(&alert.article_uri),
        alert.source,
        alert.evidence.join(", ")
    )
}

/// The alerter's input decoded (without `wire.evidence`, which it neither reads nor passes on).
type Decoded = Result<Envelope, wire_model::DecodeError>;

/// Decodes inputs on the stage's worker threads (`stage.workers`).
struct Decode;

fn decode(delivery: &Delivery) -> Decoded {
    Envelope::decode_without_evidence(&delivery.record.payload)
}

impl Prepare for Decode {
    fn prepare(&self, delivery: &Delivery, _now: DateTime<Utc>) -> Prepared {
        Box::new(decode(delivery))
    }
}

impl AlerterStage {
    /// [`Stage::handle`] after the decode.
    fn handle_decoded(
        &mut self,
        delivery: &Delivery,
        decoded: Decoded,
        now: DateTime<Utc>,
    ) -> Outcome {
        let envelope = match decoded {
            Ok(envelope) => envelope,
            Err(error) => return Outcome::Reject(StageError::decode(error)),
        };
        let found = if delivery.record.topic == topics::REPLAY {
            match delivery.record.header(topics::REPLAY_SUBSCRIPTION) {
                Some(subscription) => self.alerts_for(&envelope, now, Some(subscription)),
                None => {
                    return Outcome::Reject(StageError::new(
                        "replay",
                        format!(
                            "a replayed article without the {} header",
                            topics::REPLAY_SUBSCRIPTION
                        ),
                    ));
                }
            }
        } else {
            self.alerts(&envelope, now)
        };
        // Without a store the alerted pairs live in memory only.
        let state_writes = if self.store.is_some() {
            found.writes
        } else {
            Vec::new()
        };
        if found.alerts.is_empty() {
            // An article without an alert can still record state (pairs the window evicts).
            return Outcome::Drop {
                reason: found.reason,
                state_writes,
            };
        }
        let records = found
            .alerts
            .iter()
            .map(|alert| {
                scope(Phase::Telemetry, || events::AlertRaised { alert }.emit());
                if self.print_alerts {
                    println!("{}", alert_line(alert));
                }
                let payload = scope(Phase::Encode, || alert.encode());
                Record::new(topics::ALERTS, alert.family.as_str(), payload)
            })
            .collect();
        Outcome::Emit {
            records,
            state_writes,
        }
    }
}

impl Stage for AlerterStage {
    fn name(&self) -> &'static str {
        "alerter"
    }

    fn input_topics(&self) -> Vec<&'static str> {
        vec![topics::ENRICHED, topics::REPLAY]
    }

    fn handle(&mut self, delivery: &Delivery, now: DateTime<Utc>) -> Outcome {
        let decoded = scope(Phase::Decode, || decode(delivery));
        self.handle_decoded(delivery, decoded, now)
    }

    fn preparer(&self) -> Option<Arc<dyn Prepare>> {
        Some(Arc::new(Decode))
    }

    fn handle_prepared(
        &mut self,
        delivery: &Delivery,
        prepared: Prepared,
        now: DateTime<Utc>,
    ) -> Outcome {
        match prepared.downcast::<Decoded>() {
            Ok(decoded) => self.handle_decoded(delivery, *decoded, now),
            Err(_) => self.handle(delivery, now),
        }
    }

    fn state_store(&self) -> Option<SharedStateStore> {
        self.store.clone()
    }

    /// Alerted pairs other instances recorded (a rebalance moves a family's partition here
    /// after another instance alerted it). Deletions (the window's) are this ledger's own
    /// business; subscriptions another instance's API added arrive at the next start.
    fn apply_state_changes(&mut self, changes: Vec<StateWrite>) {
        let entries = state::decode_values::<Alerted>(changes, ledger::ALERTED_PAIR_KEY_PREFIX);
        for entry in entries.flatten() {
            self.ledger.merge_remote(entry);
        }
    }
}

/// The alerter with what it shares with whoever starts it: the live subscriptions behind
/// `/subscriptions`. [`run`] starts one with a fresh registry.
pub struct Alerter {
    config: AlerterConfig,
    registry: SubscriptionRegistry,
}

impl std::fmt::Debug for Alerter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alerter").finish_non_exhaustive()
    }
}

impl Alerter {
    pub fn new(config: AlerterConfig) -> Self {
        Self {
            config,
            registry: SubscriptionRegistry::new(),
        }
    }

    /// Keeps the subscriptions in `registry` (a caller reading or changing them directly).
    pub fn with_registry(mut self, registry: SubscriptionRegistry) -> Self {
        self.registry = registry;
        self
    }

    /// Runs the alerter stage and the webhook delivery loop; see [`run`].
    pub async fn run(self, context: ServiceContext) -> anyhow::Result<()> {
        let Self { config, registry } = self;
        context.mount_admin_routes("alerter", registry.router());
        let state = context.open_state_store("alerter").await?;
        // Loaded once for both: the alerted pairs and subscriptions, and the held alerts.
        let values = state
            .load_all()
            .await
            .context("failed to load the alerter state")?;
        // Changes through the API wait for the table (a change kept in the state store
        // meanwhile would reach no other instance, and could be moved over a newer one).
        registry.expect_table();
        let stage = AlerterStage::restored(&config, registry.clone(), state.clone(), &values)?;
        let (logical, partitions) = wire_runtime::bus::topic_plan::TABLES[1];
        let table = wire_runtime::table::Table::open(
            &context.runtime,
            logical,
            partitions,
            Some(state.clone()),
        )
        .await
        .context("failed to open the subscriptions table")?;
        registry
            .follow_table(table, context.shutdown.clone())
            .await
            .context("failed to follow the subscriptions table")?;
        watch_configured_subscriptions(
            context.config_file.clone(),
            Duration::from_secs(config.reload_interval_secs),
            registry.clone(),
            context.shutdown.clone(),
        );
        // Subscribe the webhook consumer before the stage can publish anything.
        let webhooks =
            channels::AlertDelivery::subscribe(&config.webhook, registry, context.bus.clone())
                .await?
                .with_smtp(config.smtp.as_ref())?
                .with_held(state, &values)
                .await?;
        let stop_delivering = context.shutdown.child_token();
        let delivering = tokio::spawn(webhooks.run(stop_delivering.clone()));
        let staged = context.run_stage(stage).await;
        stop_delivering.cancel();
        let delivered = delivering.await.context("the webhook task panicked")?;
        staged?;
        delivered?;
        Ok(())
    }
}

/// Checks `config_file` every `every` and applies its `[alerter]` subscriptions to `registry`
/// when the file changed and still loads and validates; a broken edit is logged and ignored.
fn watch_configured_subscriptions(
    config_file: Option<std::path::PathBuf>,
    every: Duration,
    registry: SubscriptionRegistry,
    shutdown: tokio_util::sync::CancellationToken,
) {
    let initial = registry.configured();
    let Some(mut changes) = wire_runtime::config_watch::watch_section(
        config_file,
        every,
        "alerter",
        |config: AlerterConfig| config.subscriptions,
        initial,
        shutdown,
    ) else {
        return;
    };
    tokio::spawn(async move {
        while changes.changed().await.is_ok() {
            let configured = changes.borrow_and_update().clone();
            let count = configured.len();
            match registry.reload_configured(configured) {
                Ok(()) => events::ConfiguredSubscriptionsReloaded {
                    subscriptions: count,
                    error: None,
                }
                .emit(),
                Err(error) => events::ConfiguredSubscriptionsReloaded {
                    subscriptions: count,
                    error: Some(&error.to_string()),
                }
                .emit(),
            }
        }
    });
}

/// Runs the alerter stage and the webhook delivery loop until the context's shutdown, with
/// alerted pairs, API subscriptions and held alerts in the `alerter` state store and the
/// subscriptions behind `/subscriptions` on the admin port.
pub async fn run(config: AlerterConfig, context: ServiceContext) -> anyhow::Result<()> {
    Alerter::new(config).run(context).await
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
