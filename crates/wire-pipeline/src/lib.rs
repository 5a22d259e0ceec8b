//! The wirefeed stages in one process, started by one launcher: `wirefeed run` and the
//! integration tests that run the pipeline in-process use it (the soak runs the service
//! binaries as processes), and each stage runs through the same `run(config, context)` entry
//! its own binary calls. [`Pipeline::start`] starts the normalizer, enricher, alerter and
//! (when configured) the desk, waits until they joined their consumer groups, then starts the
//! fetcher; the [`PipelineHandle`] it returns waits for them and stops them all when one fails.
//!
//! Delivery guarantee: the stages' own (at-least-once through the stage loop). Starting the
//! consumers before the fetcher means nothing it publishes reaches a topic before its
//! consumers.

use anyhow::Context as _;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::task::{JoinError, JoinSet};
use wire_runtime::{Health, LoadedConfig, ServiceContext};
use wirefeed_alerter::{Alerter, AlerterConfig, SubscriptionRegistry};
use wirefeed_desk::{Desk, DeskConfig};
use wirefeed_enricher::EnricherConfig;
use wirefeed_fetcher::{Fetcher, FetcherConfig, SourceRegistry};
use wirefeed_normalizer::NormalizerConfig;

/// The stages that consume a topic, by the name they register in [`Health`].
const CONSUMING_STAGES: [&str; 3] = ["normalizer", "enricher", "alerter"];

/// How long [`Pipeline::start`] waits for the consumers before it starts the fetcher anyway.
const SUBSCRIBE_WAIT: Duration = Duration::from_secs(30);

/// Each stage's config section.
#[derive(Debug, Clone, Default)]
pub struct PipelineConfig {
    pub fetcher: FetcherConfig,
    pub normalizer: NormalizerConfig,
    pub enricher: EnricherConfig,
    pub alerter: AlerterConfig,
    /// The archive and its API; `None` runs without it (the default, so that tests running
    /// pipelines side by side do not share a port and an index).
    pub desk: Option<DeskConfig>,
}

impl PipelineConfig {
    /// The `[fetcher]`, `[normalizer]`, `[enricher]`, `[alerter]` and `[desk]` sections of
    /// `config`.
    pub fn from_loaded(config: &LoadedConfig) -> anyhow::Result<Self> {
        Ok(Self {
            fetcher: config.section("fetcher")?,
            normalizer: config.section("normalizer")?,
            enricher: config.section("enricher")?,
            alerter: config.section("alerter")?,
            desk: Some(config.section("desk")?),
        })
    }
}

/// The launcher.
#[derive(Debug)]
pub struct Pipeline;

impl Pipeline {
    /// Starts every stage with `context` (one bus, health table and shutdown token for all;
    /// each opens its own state store), the consumers first. The fetcher's `/sources` and the
    /// alerter's `/subscriptions` are mounted on the context's admin routes. A desk that
    /// cannot take its address is an error before anything starts.
    pub async fn start(
        config: PipelineConfig,
        context: ServiceContext,
    ) -> anyhow::Result<PipelineHandle> {
        let desk = match config.desk {
            Some(desk) => Some(Desk::new(desk).bind().await?),
            None => None,
        };
        let sources = SourceRegistry::new();
        let subscriptions = SubscriptionRegistry::new();
        let mut handle = PipelineHandle {
            tasks: JoinSet::new(),
            failure: None,
            context: context.clone(),
            sources: sources.clone(),
            subscriptions: subscriptions.clone(),
            desk_address: desk.as_ref().map(|desk| desk.address()),
        };
        handle
            .tasks
            .spawn(wirefeed_normalizer::run(config.normalizer, context.clone()));
        handle
            .tasks
            .spawn(wirefeed_enricher::run(config.enricher, context.clone()));
        handle.tasks.spawn(
            Alerter::new(config.alerter)
                .with_registry(subscriptions)
                .run(context.clone()),
        );
        if let Some(desk) = desk {
            handle.tasks.spawn(desk.run(context.clone()));
        }
        handle.wait_until_subscribed().await;
        if !context.shutdown.is_cancelled() {
            handle.tasks.spawn(
                Fetcher::new(config.fetcher)
                    .with_registry(sources)
                    .run(context),
            );
        }
        Ok(handle)
    }
}

/// The running stages.
#[derive(Debug)]
pub struct PipelineHandle {
    tasks: JoinSet<anyhow::Result<()>>,
    /// The first stage failure, reported by [`PipelineHandle::join`].
    failure: Option<anyhow::Error>,
    context: ServiceContext,
    sources: SourceRegistry,
    subscriptions: SubscriptionRegistry,
    desk_address: Option<SocketAddr>,
}

impl PipelineHandle {
    /// Where the desk's API listens, when the desk runs.
    pub fn desk_address(&self) -> Option<SocketAddr> {
        self.desk_address
    }

    /// The fetcher's source table (behind `GET /sources`).
    pub fn sources(&self) -> &SourceRegistry {
        &self.sources
    }

    /// The alerter's live subscriptions (behind `/subscriptions`).
    pub fn subscriptions(&self) -> &SubscriptionRegistry {
        &self.subscriptions
    }

    /// Waits until every stage stopped (after the context's shutdown, or after one failed,
    /// which stops the others); the first failure.
    pub async fn join(mut self) -> anyhow::Result<()> {
        while let Some(joined) = self.tasks.join_next().await {
            self.record(joined);
        }
        self.failure.map_or(Ok(()), Err)
    }

    /// Cancels the context's shutdown and waits for every stage; the first failure.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.context.shutdown.cancel();
        self.join().await
    }

    /// Waits (bounded) until every consuming stage has joined its group; stops waiting when
    /// shutdown begins or a stage fails.
    async fn wait_until_subscribed(&mut self) {
        let deadline = tokio::time::Instant::now() + SUBSCRIBE_WAIT;
        let desk = self.desk_address.is_some();
        while !all_subscribed(&self.context.health, desk) {
            if tokio::time::Instant::now() > deadline || self.context.shutdown.is_cancelled() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(10)) => {}
                Some(joined) = self.tasks.join_next() => self.record(joined),
            }
        }
    }

    /// Keeps the first failure and stops every stage on any failure.
    fn record(&mut self, joined: Result<anyhow::Result<()>, JoinError>) {
        let result = joined.context("a stage task panicked").and_then(|r| r);
        if let Err(error) = result {
            if self.failure.is_none() {
                tracing::error!(error = %format!("{error:#}"), "a stage failed; stopping");
                self.failure = Some(error);
            }
            self.context.shutdown.cancel();
        }
    }
}

fn all_subscribed(health: &Health, desk: bool) -> bool {
    CONSUMING_STAGES
        .iter()
        .all(|stage| health.is_registered(stage))
        && (!desk || health.is_registered("desk"))
}
