//! The fetcher: polls HTTP feeds and drop folders and publishes every new or changed item to
//! `wire.raw.v1` as a [`wire_model::RawItem`], keyed by its article id.
//!
//! Modules: [`document`] (pure: a document to its raw items), [`split`] (pure: sniff formats, split feeds into single-item documents),
//! [`identity`] (pure: the stable item identity chain), [`http`] (conditional GET with a capped
//! body), [`inbox`] (drop folders), [`poller`] (one task per source: schedule, backoff,
//! publish), [`config`], [`events`].
//!
//! Delivery guarantee: at-least-once. An item is remembered as published only after the bus
//! acknowledged it, so a crash re-publishes it; the enricher drops exact re-sends. The memory
//! of published items is per process for now (a restart re-publishes each source's current
//! items once).

pub mod config;
pub mod document;
pub mod events;
pub mod http;
pub mod identity;
pub mod inbox;
pub mod poller;
pub mod split;

pub use config::FetcherConfig;

use anyhow::Context as _;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_runtime::{Health, SharedBus};

/// Polls every configured source until `shutdown` is cancelled.
pub async fn run(
    config: FetcherConfig,
    bus: SharedBus,
    health: Health,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .user_agent(&config.user_agent)
        .timeout(Duration::from_secs(config.timeout_secs))
        .connect_timeout(Duration::from_secs(config.timeout_secs.min(10)))
        .redirect(reqwest::redirect::Policy::limited(10))
        .build()
        .context("failed to build the http client")?;
    let shared = Arc::new(poller::Shared {
        permits: tokio::sync::Semaphore::new(config.max_concurrent_polls),
        config,
        bus,
        client,
    });
    if shared.config.sources.is_empty() {
        tracing::warn!("no sources configured: the fetcher has nothing to poll");
    }
    health.set("fetcher", None);
    let mut tasks = tokio::task::JoinSet::new();
    for source in shared.config.sources.clone() {
        tasks.spawn(poller::poll_forever(
            source,
            shared.clone(),
            shutdown.clone(),
        ));
    }
    while let Some(joined) = tasks.join_next().await {
        joined.context("a source task panicked")?;
    }
    Ok(())
}
