//! The live set of subscriptions: those in the config file (reloaded when it changes), plus
//! those added over the admin API (`GET/POST /subscriptions`, `DELETE /subscriptions/{id}`),
//! which take effect at once, without a restart.
//!
//! API subscriptions live in the subscriptions table ([`wire_runtime::table`]:
//! `wire.subscriptions.v1` in Kafka mode, compacted, keyed by id; in the process, the state
//! store): every alerter instance follows the whole table, so a subscription added through one
//! instance applies on all of them within a second. Without a table (a stage built directly,
//! in tests), they are kept in the state store under `subscription:<id>`, as older versions
//! did; [`SubscriptionRegistry::follow_table`] moves those into the table.

use crate::config::SubscriptionConfig;
use crate::events;
use crate::matcher::Matcher;
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use tokio_util::sync::CancellationToken;
use wire_runtime::state::SharedStateStore;
use wire_runtime::table::{Table, TableError};

/// The state-store key prefix of an API-added subscription.
pub const KEY_PREFIX: &str = "subscription:";

/// What the alerter currently matches against.
#[derive(Debug)]
pub struct Current {
    pub matcher: Matcher,
    pub by_id: HashMap<String, SubscriptionConfig>,
}

/// Shared handle on the subscriptions.
#[derive(Clone, Default)]
pub struct SubscriptionRegistry {
    inner: Arc<Mutex<Inner>>,
    /// Serialises API changes (store write, then swap) without holding `inner` across await.
    writes: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for SubscriptionRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubscriptionRegistry")
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Inner {
    configured: Vec<SubscriptionConfig>,
    added: BTreeMap<String, SubscriptionConfig>,
    current: Option<Arc<Current>>,
    store: Option<SharedStateStore>,
    table: Option<Table>,
    /// Set when a table will be attached ([`SubscriptionRegistry::expect_table`]): changes
    /// wait for it rather than go to the state store, where other instances never see them.
    table_expected: bool,
}

/// Why a subscription change was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("subscription {0:?} is set in the config file; change it there")]
    Configured(String),
    #[error("no subscription {0:?}")]
    NotFound(String),
    #[error("invalid subscription: {0}")]
    Invalid(String),
    #[error("subscriptions cannot be changed before the alerter has started")]
    NotStarted,
    #[error("failed to store the subscription: {0}")]
    Store(#[from] wire_runtime::state::StateError),
    #[error("failed to write the subscriptions table: {0}")]
    Table(#[from] TableError),
}

/// How a subscription is shown by `GET /subscriptions`: secrets hidden.
#[derive(Debug, Serialize)]
struct Shown {
    #[serde(flatten)]
    subscription: SubscriptionConfig,
    origin: &'static str,
}

impl SubscriptionRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the config file's subscriptions and the API-added ones read from the store.
    pub fn load(
        &self,
        configured: Vec<SubscriptionConfig>,
        added: Vec<SubscriptionConfig>,
        store: Option<SharedStateStore>,
    ) -> Result<(), RegistryError> {
        let mut inner = self.lock();
        inner.configured = configured;
        inner.added = added
            .into_iter()
            .filter(|s| !inner.configured.iter().any(|c| c.id == s.id))
            .filter(|s| match s.compile() {
                Ok(_) => true,
                Err(error) => {
                    tracing::warn!(subscription = %s.id, error = %error, "stored subscription ignored");
                    false
                }
            })
            .map(|s| (s.id.clone(), s))
            .collect();
        inner.store = store;
        let current = build(&inner.configured, &inner.added)?;
        inner.current = Some(Arc::new(current));
        Ok(())
    }

    /// The subscriptions now (empty before [`SubscriptionRegistry::load`]).
    pub fn current(&self) -> Arc<Current> {
        let mut inner = self.lock();
        if let Some(current) = &inner.current {
            return current.clone();
        }
        let empty = Arc::new(Current {
            matcher: Matcher::empty(),
            by_id: HashMap::new(),
        });
        inner.current = Some(empty.clone());
        empty
    }

    /// Adds or replaces an API subscription, durably, and applies it.
    /// A webhook secret given as [`HIDDEN_SECRET`] (as the list shows it) keeps the secret
    /// the subscription's webhook with the same URL has now.
    pub async fn upsert(
        &self,
        mut subscription: SubscriptionConfig,
    ) -> Result<bool, RegistryError> {
        subscription
            .compile()
            .map_err(|error| RegistryError::Invalid(error.to_string()))?;
        if let Some(index) = subscription
            .webhooks
            .iter()
            .position(|webhook| webhook.secret_file.is_some())
        {
            // A file path from an API caller would make any file the alerter can read a
            // signing key, with signatures sent where the caller chose.
            return Err(RegistryError::Invalid(format!(
                "webhooks[{index}].secret_file: only subscriptions in the config file may read a secret file; send the secret itself"
            )));
        }
        let _writing = self.writes.lock().await;
        let (store, replaced) = {
            let inner = self.lock();
            if inner.configured.iter().any(|c| c.id == subscription.id) {
                return Err(RegistryError::Configured(subscription.id));
            }
            let current = inner.added.get(&subscription.id).cloned();
            keep_hidden_secrets(&mut subscription, current.as_ref())?;
            let mut added = inner.added.clone();
            added.insert(subscription.id.clone(), subscription.clone());
            build(&inner.configured, &added)?;
            let store = inner.writer()?;
            (store, inner.added.contains_key(&subscription.id))
        };
        let value = serde_json::to_vec(&subscription).unwrap_or_default();
        store.put(&subscription.id, Some(value)).await?;
        let mut inner = self.lock();
        inner
            .added
            .insert(subscription.id.clone(), subscription.clone());
        let current = build(&inner.configured, &inner.added)?;
        inner.current = Some(Arc::new(current));
        events::SubscriptionChanged {
            subscription: &subscription.id,
            change: if replaced { "replaced" } else { "added" },
        }
        .emit();
        Ok(replaced)
    }

    /// Deletes an API subscription, durably.
    pub async fn remove(&self, id: &str) -> Result<(), RegistryError> {
        let _writing = self.writes.lock().await;
        let store = {
            let inner = self.lock();
            if inner.configured.iter().any(|c| c.id == id) {
                return Err(RegistryError::Configured(id.to_owned()));
            }
            if !inner.added.contains_key(id) {
                return Err(RegistryError::NotFound(id.to_owned()));
            }
            inner.writer()?
        };
        store.put(id, None).await?;
        let mut inner = self.lock();
        inner.added.remove(id);
        let current = build(&inner.configured, &inner.added)?;
        inner.current = Some(Arc::new(current));
        events::SubscriptionChanged {
            subscription: id,
            change: "deleted",
        }
        .emit();
        Ok(())
    }

    fn list(&self) -> Vec<Shown> {
        let inner = self.lock();
        let configured = inner.configured.iter().map(|s| (s, "config"));
        let added = inner.added.values().map(|s| (s, "api"));
        configured
            .chain(added)
            .map(|(subscription, origin)| {
                let mut subscription = subscription.clone();
                for webhook in &mut subscription.webhooks {
                    if webhook.secret.is_some() {
                        webhook.secret = Some(HIDDEN_SECRET.to_owned());
                    }
                }
                Shown {
                    subscription,
                    origin,
                }
            })
            .collect()
    }

    /// `GET /subscriptions`, `POST /subscriptions` (a subscription as JSON: 201 added, 200
    /// replaced), `DELETE /subscriptions/{id}` (204), for the admin server.
    pub fn router(&self) -> axum::Router {
        let (list, post, remove) = (self.clone(), self.clone(), self.clone());
        axum::Router::new()
            .route(
                "/subscriptions",
                get(move || async move { Json(list.list()) }).post(
                    move |body: Result<
                        Json<SubscriptionConfig>,
                        axum::extract::rejection::JsonRejection,
                    >| async move {
                        let Json(subscription) = body.map_err(|rejection| {
                            (StatusCode::BAD_REQUEST, rejection.body_text())
                        })?;
                        match post.upsert(subscription).await {
                            Ok(true) => Ok((StatusCode::OK, "replaced\n".to_owned())),
                            Ok(false) => Ok((StatusCode::CREATED, "created\n".to_owned())),
                            Err(error) => Err(refusal(&error)),
                        }
                    },
                ),
            )
            .route(
                "/subscriptions/{id}",
                delete(move |Path(id): Path<String>| async move {
                    remove
                        .remove(&id)
                        .await
                        .map(|()| StatusCode::NO_CONTENT)
                        .map_err(|error| refusal(&error))
                }),
            )
    }

    /// Makes changes wait (`NotStarted`) until [`SubscriptionRegistry::follow_table`] attached
    /// the table: call before the state store is loaded.
    pub fn expect_table(&self) {
        self.lock().table_expected = true;
    }

    /// Writes API subscriptions to `table` from now on (moving those kept in the state store
    /// there), and applies every change of it, from any instance, until `shutdown`.
    pub async fn follow_table(
        &self,
        table: Table,
        shutdown: CancellationToken,
    ) -> Result<(), RegistryError> {
        let (store, added) = {
            let inner = self.lock();
            (inner.store.clone(), inner.added.clone())
        };
        let in_table = table.read_all().await?;
        for (id, subscription) in &added {
            if !in_table.contains_key(id) {
                let value = serde_json::to_vec(subscription).unwrap_or_default();
                table.put(id, Some(value)).await?;
            }
            if let Some(store) = &store {
                store.put(&format!("{KEY_PREFIX}{id}"), None).await?;
            }
        }
        let mut changes = table.follow_all(shutdown.clone())?;
        self.apply_table(&table.read_all().await?);
        self.lock().table = Some(table);
        let registry = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    changed = changes.changed() => {
                        if changed.is_err() {
                            return;
                        }
                    }
                }
                let entries = changes.borrow_and_update().entries.clone();
                registry.apply_table(&entries);
            }
        });
        Ok(())
    }

    /// Makes the API subscriptions those of the table's `entries` (an entry that does not
    /// decode or compile, or names a config subscription, is left out with an event).
    pub fn apply_table(&self, entries: &BTreeMap<String, Vec<u8>>) {
        let mut inner = self.lock();
        let mut added = BTreeMap::new();
        for (id, value) in entries {
            let subscription = match serde_json::from_slice::<SubscriptionConfig>(value) {
                Ok(subscription) if subscription.id == *id => subscription,
                Ok(_) => {
                    events::SubscriptionEntryRejected {
                        id,
                        reason: "filed under another id",
                    }
                    .emit();
                    continue;
                }
                Err(error) => {
                    events::SubscriptionEntryRejected {
                        id,
                        reason: &error.to_string(),
                    }
                    .emit();
                    continue;
                }
            };
            if inner.configured.iter().any(|c| c.id == *id) {
                continue;
            }
            if let Err(error) = subscription.compile() {
                events::SubscriptionEntryRejected {
                    id,
                    reason: &error.to_string(),
                }
                .emit();
                continue;
            }
            added.insert(id.clone(), subscription);
        }
        if added == inner.added {
            return;
        }
        match build(&inner.configured, &added) {
            Ok(current) => {
                events::SubscriptionsFollowed { added: added.len() }.emit();
                inner.added = added;
                inner.current = Some(Arc::new(current));
            }
            Err(error) => {
                events::SubscriptionEntryRejected {
                    id: "(all)",
                    reason: &error.to_string(),
                }
                .emit();
            }
        }
    }

    /// The config file's subscriptions now.
    pub fn configured(&self) -> Vec<SubscriptionConfig> {
        self.lock().configured.clone()
    }

    /// Replaces the config file's subscriptions (a reloaded file); an invalid set keeps the
    /// previous one.
    pub fn reload_configured(
        &self,
        configured: Vec<SubscriptionConfig>,
    ) -> Result<(), RegistryError> {
        let mut inner = self.lock();
        if inner.configured == configured {
            return Ok(());
        }
        let mut added = inner.added.clone();
        added.retain(|id, _| configured.iter().all(|c| c.id != *id));
        let current = build(&configured, &added)?;
        inner.configured = configured;
        inner.added = added;
        inner.current = Some(Arc::new(current));
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How `GET /subscriptions` shows a webhook secret; sent back in a change, it keeps the secret.
pub const HIDDEN_SECRET: &str = "(hidden)";

/// Replaces each [`HIDDEN_SECRET`] in `subscription` by the secret the `current` version's
/// webhook with the same URL has; a hidden secret without one is refused.
fn keep_hidden_secrets(
    subscription: &mut SubscriptionConfig,
    current: Option<&SubscriptionConfig>,
) -> Result<(), RegistryError> {
    for webhook in &mut subscription.webhooks {
        if webhook.secret.as_deref() != Some(HIDDEN_SECRET) {
            continue;
        }
        let kept = current
            .into_iter()
            .flat_map(|current| &current.webhooks)
            .find(|old| old.url == webhook.url)
            .and_then(|old| old.secret.clone());
        match kept {
            Some(secret) => webhook.secret = Some(secret),
            None => {
                return Err(RegistryError::Invalid(format!(
                    "webhook {}: secret {HIDDEN_SECRET:?} keeps a stored secret, and there is none for this URL",
                    webhook.url
                )));
            }
        }
    }
    Ok(())
}

fn refusal(error: &RegistryError) -> (StatusCode, String) {
    let status = match error {
        RegistryError::Configured(_) => StatusCode::CONFLICT,
        RegistryError::NotFound(_) => StatusCode::NOT_FOUND,
        RegistryError::Invalid(_) => StatusCode::BAD_REQUEST,
        RegistryError::NotStarted | RegistryError::Store(_) | RegistryError::Table(_) => {
            StatusCode::SERVICE_UNAVAILABLE
        }
    };
    (status, format!("{error}\n"))
}

/// Where API subscriptions are written: the table, else the state store.
enum Writer {
    Table(Table),
    Store(SharedStateStore),
}

impl Writer {
    async fn put(&self, id: &str, value: Option<Vec<u8>>) -> Result<(), RegistryError> {
        match self {
            Self::Table(table) => table.put(id, value).await?,
            Self::Store(store) => store.put(&format!("{KEY_PREFIX}{id}"), value).await?,
        }
        Ok(())
    }
}

impl Inner {
    fn writer(&self) -> Result<Writer, RegistryError> {
        match (&self.table, &self.store) {
            (Some(table), _) => Ok(Writer::Table(table.clone())),
            (None, Some(store)) if !self.table_expected => Ok(Writer::Store(store.clone())),
            (None, _) => Err(RegistryError::NotStarted),
        }
    }
}

fn build(
    configured: &[SubscriptionConfig],
    added: &BTreeMap<String, SubscriptionConfig>,
) -> Result<Current, RegistryError> {
    let all: Vec<&SubscriptionConfig> = configured.iter().chain(added.values()).collect();
    let mut queries = Vec::with_capacity(all.len());
    for subscription in &all {
        queries.push(
            subscription
                .compile()
                .map_err(|error| RegistryError::Invalid(error.to_string()))?,
        );
    }
    let matcher =
        Matcher::new(queries).map_err(|error| RegistryError::Invalid(error.to_string()))?;
    Ok(Current {
        matcher,
        by_id: all.into_iter().map(|s| (s.id.clone(), s.clone())).collect(),
    })
}
