//! The fetcher: polls HTTP feeds and drop folders and publishes every new or changed item to
//! `wire.raw.v1` as a [`wire_model::RawItem`], keyed by its article id.
//!
//! Modules, pure first: [`split`] (sniff formats, split feeds into single-item documents, read
//! a feed's polling period), [`identity`] (the stable item identity chain), [`document`] (a
//! document to its items), [`schedule`] (intervals, hints, backoff, jitter), [`guard`] (SSRF),
//! [`record`] (what is remembered per source); then [`http`] (conditional GET, redirects, capped
//! body, classified errors), [`inbox`] (drop folders), [`poll_once`] (one poll of one source:
//! fetch, publish, remember), [`source_task`] (one task per source: its polls until shutdown),
//! [`sources`] (`GET /sources`), [`source_table`] (the sources as a table shared by every
//! fetcher instance, and the sources API), [`config`], [`events`].
//!
//! Scale-out: the sources live in a table (`wire.sources.v1` in Kafka mode, compacted, keyed by
//! source id), written from the config file and by the sources API. Fetcher instances share its
//! partitions in one consumer group: each polls the sources of the partitions it owns, with
//! their records from the shared state store; a dead instance's sources move to the others
//! within the group's session timeout, and a partition is handed over only after its owner
//! stopped its sources and saved their records.
//!
//! Entry: [`run`]`(config, context)`, the same in every service: `main.rs` calls it with the
//! context of its [`wire_runtime::Process`], `wirefeed run` through the in-process pipeline.
//! [`Fetcher`] is the same with a source table or source updates of the caller's.
//!
//! Delivery guarantee: at-least-once. An item is remembered as published only after the bus
//! acknowledged it, and the source's record (validators, item hashes, schedule) is saved to the
//! state store after each poll; a crash between the two re-publishes at most that poll's items,
//! which the enricher drops as re-sends. A restart neither re-publishes old items nor misses
//! new ones.

pub mod config;
pub mod document;
pub mod events;
pub mod guard;
pub mod http;
pub mod identity;
pub mod inbox;
pub mod poll_once;
pub mod record;
pub mod schedule;
pub mod source_table;
pub mod source_task;
pub mod sources;
pub mod split;

pub use config::FetcherConfig;
pub use sources::SourceRegistry;

use anyhow::Context as _;
use config::SourceConfig;
use record::SourceRecord;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use wire_runtime::ServiceContext;
use wire_runtime::state::SharedStateStore;

/// The fetcher with what it shares with whoever starts it: the table behind `GET /sources`
/// and, optionally, the source lists to apply while it runs. [`run`] starts one with a fresh
/// table and the process's config file watched for source changes.
pub struct Fetcher {
    config: FetcherConfig,
    registry: SourceRegistry,
    updates: Option<watch::Receiver<Vec<SourceConfig>>>,
    guard_exemptions: Vec<SocketAddr>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher").finish_non_exhaustive()
    }
}

impl Fetcher {
    pub fn new(config: FetcherConfig) -> Self {
        Self {
            config,
            registry: SourceRegistry::new(),
            updates: None,
            guard_exemptions: Vec::new(),
        }
    }

    /// Keeps source health in `registry` (a caller reading it while the fetcher runs).
    pub fn with_registry(mut self, registry: SourceRegistry) -> Self {
        self.registry = registry;
        self
    }

    /// Applies every source list from `updates`, instead of watching the config file.
    pub fn with_source_updates(mut self, updates: watch::Receiver<Vec<SourceConfig>>) -> Self {
        self.updates = Some(updates);
        self
    }

    /// Lets the SSRF guard pass these exact socket addresses when a URL names them as IP
    /// literals: for tests, whose servers listen on 127.0.0.1, to run with the guard on. Not a
    /// config key (a source opts out of the guard with `allow_private_network`).
    pub fn with_guard_exemptions(mut self, addresses: Vec<SocketAddr>) -> Self {
        self.guard_exemptions = addresses;
        self
    }

    /// Polls every configured source until the context's shutdown; see [`run`].
    pub async fn run(self, context: ServiceContext) -> anyhow::Result<()> {
        let Self {
            config,
            registry,
            updates,
            guard_exemptions,
        } = self;
        let state = context.open_state_store("fetcher").await?;
        let feed = match updates {
            Some(updates) => {
                context.mount_admin_routes("fetcher", registry.router());
                SourceFeed::List(updates)
            }
            None => {
                let table = open_source_table(&config, &context, &state).await?;
                context.mount_admin_routes(
                    "fetcher",
                    source_table::router(table.clone(), config.clone(), registry.clone()),
                );
                let owned = table
                    .follow_owned(source_table::GROUP, context.shutdown.clone())
                    .context("failed to follow the sources table")?;
                SourceFeed::Table(owned)
            }
        };
        let guard = guard::Guard::from_environment().exempting(&guard_exemptions);
        if guard.proxied() {
            events::GuardThroughProxy.emit();
        }
        poll_sources(config, context, state, registry, feed, guard).await
    }
}

/// Where the fetcher learns which sources to poll.
enum SourceFeed {
    /// Every source of each list (a caller's, or the config file's).
    List(watch::Receiver<Vec<SourceConfig>>),
    /// The sources of this instance's share of the sources table.
    Table(wire_runtime::table::OwnedView),
}

/// Opens the sources table, writes the config file's sources to it, and keeps writing them
/// whenever the file changes (and still validates).
async fn open_source_table(
    config: &FetcherConfig,
    context: &ServiceContext,
    state: &SharedStateStore,
) -> anyhow::Result<wire_runtime::table::Table> {
    let (logical, partitions) = wire_runtime::bus::topic_plan::TABLES[0];
    let table = wire_runtime::table::Table::open(
        &context.runtime,
        logical,
        partitions,
        Some(state.clone()),
    )
    .await
    .context("failed to open the sources table")?;
    let sync = |synced: source_table::Synced, table: &wire_runtime::table::Table| {
        events::ConfiguredSourcesSynced {
            written: synced.written,
            deleted: synced.deleted,
            table: table.kind(),
        }
        .emit();
    };
    let synced = source_table::sync_configured(&table, &config.sources)
        .await
        .context("failed to write the configured sources to the sources table")?;
    sync(synced, &table);
    if let Some(mut changes) = watch_sources(
        context.config_file.clone(),
        Duration::from_secs(config.reload_interval_secs),
        config.sources.clone(),
        context.shutdown.clone(),
    ) {
        let table = table.clone();
        tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                let configured = changes.borrow_and_update().clone();
                match source_table::sync_configured(&table, &configured).await {
                    Ok(synced) => sync(synced, &table),
                    Err(error) => {
                        tracing::error!(error = %error, "failed to write the reloaded sources to the sources table")
                    }
                }
            }
        });
    }
    Ok(table)
}

struct RunningSource {
    config: SourceConfig,
    stop: CancellationToken,
    task: JoinHandle<SourceRecord>,
}

/// Polls every configured source until the context's shutdown, with source records in the
/// `fetcher` state store and source health behind `GET /sources` on the admin port. When the
/// process loaded a config file (and `fetcher.reload_interval_secs` is not zero), a changed
/// source list in it starts added sources, stops removed ones and restarts changed ones
/// (keeping what they remember).
pub async fn run(config: FetcherConfig, context: ServiceContext) -> anyhow::Result<()> {
    Fetcher::new(config).run(context).await
}

async fn poll_sources(
    config: FetcherConfig,
    context: ServiceContext,
    state: SharedStateStore,
    registry: SourceRegistry,
    feed: SourceFeed,
    guard: guard::Guard,
) -> anyhow::Result<()> {
    let shutdown = context.shutdown;
    let builder = || {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(config.timeout_secs.min(10)))
            .redirect(reqwest::redirect::Policy::none())
    };
    let guarded_client = builder()
        .dns_resolver(Arc::new(guard.resolver()))
        .build()
        .context("failed to build the http client")?;
    let open_client = builder()
        .build()
        .context("failed to build the http client")?;
    let mut records: HashMap<String, SourceRecord> = HashMap::new();
    for (key, value) in state
        .load_all()
        .await
        .context("failed to load fetcher state")?
    {
        let Some(id) = key.strip_prefix(source_task::SOURCE_RECORD_KEY_PREFIX) else {
            continue;
        };
        match serde_json::from_slice::<SourceRecord>(&value) {
            Ok(record) => {
                records.insert(id.to_owned(), record);
            }
            Err(error) => {
                tracing::warn!(source = id, error = %error, "unreadable source state ignored")
            }
        }
    }
    let shared = Arc::new(poll_once::Shared {
        permits: tokio::sync::Semaphore::new(config.max_concurrent_polls),
        host_permits: Default::default(),
        bus: context.bus,
        guard,
        guarded_client,
        open_client,
        state,
        registry,
        config,
    });
    context.health.set("fetcher", None);
    let mut running: HashMap<String, RunningSource> = HashMap::new();
    match feed {
        SourceFeed::List(mut updates) => {
            if shared.config.sources.is_empty() {
                tracing::warn!("no sources configured: the fetcher has nothing to poll");
            }
            let mut sources = shared.config.sources.clone();
            loop {
                apply_sources(sources, &mut running, &mut records, &shared, &shutdown).await;
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    changed = updates.changed() => {
                        if changed.is_err() {
                            shutdown.cancelled().await;
                            break;
                        }
                        sources = updates.borrow_and_update().clone();
                    }
                }
            }
        }
        SourceFeed::Table(mut owned) => loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                changed = owned.entries.changed() => {
                    if changed.is_err() {
                        shutdown.cancelled().await;
                        break;
                    }
                    let snapshot = owned.entries.borrow_and_update().clone();
                    let sources = source_table::decode(&snapshot);
                    events::OwnedSourcesChanged { generation: snapshot.generation, sources: sources.len() }.emit();
                    // Sources this instance takes over start from what their last owner saved.
                    take_records_of_others(&shared, &running, &mut records).await;
                    apply_sources(sources, &mut running, &mut records, &shared, &shutdown).await;
                    owned.applied.send_replace(snapshot.generation);
                }
            }
        },
    }
    // Stop every source and write what it remembers, so the next run starts from here.
    for (_, source) in running.drain() {
        source.stop.cancel();
        let record = source.task.await.context("a source task panicked")?;
        source_task::save(&shared, &source.config, &record).await;
    }
    Ok(())
}

/// Takes the source records other instances saved since the last look, for the sources this
/// one does not poll now (a record of a running source is this instance's own, and newer).
async fn take_records_of_others(
    shared: &poll_once::Shared,
    running: &HashMap<String, RunningSource>,
    records: &mut HashMap<String, SourceRecord>,
) {
    let changes = match shared.state.changes_from_others().await {
        Ok(changes) => changes,
        Err(error) => {
            tracing::warn!(error = %error, "cannot read the source records other instances saved");
            return;
        }
    };
    for change in changes {
        let Some(id) = change
            .key
            .strip_prefix(source_task::SOURCE_RECORD_KEY_PREFIX)
        else {
            continue;
        };
        if running.contains_key(id) {
            continue;
        }
        match change
            .value
            .map(|value| serde_json::from_slice::<SourceRecord>(&value))
        {
            Some(Ok(record)) => {
                records.insert(id.to_owned(), record);
            }
            Some(Err(error)) => {
                tracing::warn!(source = id, error = %error, "unreadable source state ignored")
            }
            None => {
                records.remove(id);
            }
        }
    }
}

async fn apply_sources(
    wanted: Vec<SourceConfig>,
    running: &mut HashMap<String, RunningSource>,
    records: &mut HashMap<String, SourceRecord>,
    shared: &Arc<poll_once::Shared>,
    shutdown: &CancellationToken,
) {
    let wanted_ids: Vec<String> = wanted.iter().map(|s| s.id().to_owned()).collect();
    let stale: Vec<String> = running
        .iter()
        .filter(|(id, source)| {
            wanted
                .iter()
                .all(|w| w.id() != id.as_str() || *w != source.config)
        })
        .map(|(id, _)| id.clone())
        .collect();
    for id in stale {
        if let Some(source) = running.remove(&id) {
            source.stop.cancel();
            if let Ok(record) = source.task.await {
                records.insert(id.clone(), record);
            }
            let reason = if wanted_ids.contains(&id) {
                "reconfigured"
            } else {
                "removed"
            };
            if reason == "removed" {
                shared.registry.remove(&id);
            }
            events::SourceStopped {
                source: &id,
                reason,
            }
            .emit();
        }
    }
    for source in wanted {
        let id = source.id().to_owned();
        if running.contains_key(&id) {
            continue;
        }
        let record = records.remove(&id).unwrap_or_default();
        events::SourceStarted {
            source: &id,
            remembered_items: record.published.len(),
        }
        .emit();
        let stop = shutdown.child_token();
        let task = tokio::spawn(source_task::poll_forever(
            source.clone(),
            record,
            shared.clone(),
            stop.clone(),
        ));
        running.insert(
            id,
            RunningSource {
                config: source,
                stop,
                task,
            },
        );
    }
}

/// Watches `config_file` (checked every `every`) and sends the fetcher's source list whenever
/// the file changes and still loads and validates; a broken edit is logged and ignored.
/// `None` without a file or with a zero interval.
pub fn watch_sources(
    config_file: Option<PathBuf>,
    every: Duration,
    initial: Vec<SourceConfig>,
    shutdown: CancellationToken,
) -> Option<watch::Receiver<Vec<SourceConfig>>> {
    wire_runtime::config_watch::watch_section(
        config_file,
        every,
        "fetcher",
        |config: FetcherConfig| config.sources,
        initial,
        shutdown,
    )
}
