//! `wirefeed run`: all four stages in one process, with the same code paths as the services.

use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::{Envelope, topics};
use wire_runtime::{Health, LoadedConfig, Subscription, admin, shutdown, telemetry};
use wirefeed_alerter::AlerterConfig;
use wirefeed_enricher::EnricherConfig;
use wirefeed_fetcher::FetcherConfig;
use wirefeed_normalizer::NormalizerConfig;

/// Run fetcher, normalizer, enricher and alerter in one process until Ctrl-C.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Print enriched articles as JSON lines instead of one summary line each.
    #[arg(long)]
    json: bool,
}

impl RunArgs {
    pub async fn run(self, config_file: Option<&Path>) -> anyhow::Result<ExitCode> {
        run(config_file, self.json).await
    }
}

const CONSUMING_STAGES: [&str; 3] = ["normalizer", "enricher", "alerter"];

pub async fn run(config_file: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    let config = LoadedConfig::load(config_file)?;
    let runtime = config.runtime()?;
    let fetcher: FetcherConfig = config.section("fetcher")?;
    let normalizer: NormalizerConfig = config.section("normalizer")?;
    let enricher: EnricherConfig = config.section("enricher")?;
    let alerter: AlerterConfig = config.section("alerter")?;
    telemetry::init(&runtime.telemetry);
    let bus = wire_runtime::connect_bus(&runtime.bus).await?;
    let shutdown = shutdown::on_signals();
    let health = Health::new();
    let registry = wirefeed_fetcher::SourceRegistry::new();
    let subscriptions = wirefeed_alerter::SubscriptionRegistry::new();
    admin::serve(
        &runtime.admin,
        health.clone(),
        bus.clone(),
        Some(registry.router().merge(subscriptions.router())),
        shutdown.clone(),
    )
    .await?;
    let fetcher_state = wire_runtime::open_state_store(&runtime, "fetcher").await?;
    let enricher_state = wire_runtime::open_state_store(&runtime, "enricher").await?;
    let updates = wirefeed_fetcher::watch_sources(
        config_file.map(Path::to_path_buf),
        Duration::from_secs(fetcher.reload_interval_secs),
        fetcher.sources.clone(),
        shutdown.clone(),
    );
    tracing::info!(
        bus = bus.kind(),
        sources = fetcher.sources.len(),
        subscriptions = alerter.subscriptions.len(),
        "wirefeed run: fetcher, normalizer, enricher and alerter in one process; Ctrl-C stops"
    );

    // Subscribe the printer before anything is published.
    let printer = bus.subscribe("printer", &[topics::ENRICHED]).await?;
    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(print_enriched(printer, json, shutdown.clone()));
    let stage = runtime.stage.clone();
    {
        let (bus, health, shutdown, stage) =
            (bus.clone(), health.clone(), shutdown.clone(), stage.clone());
        tasks.spawn(async move {
            wirefeed_normalizer::run(normalizer, &stage, bus, health, shutdown).await
        });
    }
    {
        let (bus, health, shutdown, stage) =
            (bus.clone(), health.clone(), shutdown.clone(), stage.clone());
        tasks.spawn(async move {
            wirefeed_enricher::run(enricher, &stage, bus, enricher_state, health, shutdown).await
        });
    }
    {
        let state = wire_runtime::open_state_store(&runtime, "alerter").await?;
        let deps = wirefeed_alerter::AlerterDeps {
            bus: bus.clone(),
            state,
            registry: subscriptions,
            health: health.clone(),
        };
        let shutdown = shutdown.clone();
        tasks.spawn(async move { wirefeed_alerter::run(alerter, &stage, deps, shutdown).await });
    }
    wait_until_subscribed(&health, &shutdown).await;
    {
        let deps = wirefeed_fetcher::FetcherDeps {
            bus: bus.clone(),
            state: fetcher_state,
            registry,
            health: health.clone(),
        };
        let shutdown = shutdown.clone();
        tasks.spawn(async move { wirefeed_fetcher::run(fetcher, deps, updates, shutdown).await });
    }

    let mut outcome = Ok(());
    while let Some(joined) = tasks.join_next().await {
        let result = joined.context("a stage task panicked").and_then(|r| r);
        if let Err(error) = result {
            if outcome.is_ok() {
                tracing::error!(error = %format!("{error:#}"), "a stage failed; stopping");
                outcome = Err(error);
            }
            shutdown.cancel();
        }
    }
    let timeout = Duration::from_millis(runtime.stage.drain_timeout_ms);
    bus.flush(timeout)
        .await
        .context("failed to flush the producer")?;
    outcome.map(|()| ExitCode::SUCCESS)
}

/// Waits (bounded) until every consuming stage has joined its group, so nothing the fetcher
/// publishes reaches a topic before its consumers.
async fn wait_until_subscribed(health: &Health, shutdown: &CancellationToken) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !CONSUMING_STAGES
        .iter()
        .all(|stage| health.is_registered(stage))
    {
        if tokio::time::Instant::now() > deadline || shutdown.is_cancelled() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Prints each enriched article: one summary line, or the envelope as a JSON line.
async fn print_enriched(
    mut subscription: Box<dyn Subscription>,
    json: bool,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    loop {
        let delivery = tokio::select! {
            _ = shutdown.cancelled() => break,
            delivery = subscription.recv() => match delivery {
                Ok(delivery) => delivery,
                Err(wire_runtime::BusError::Closed) => break,
                Err(error) => return Err(error.into()),
            },
        };
        match Envelope::decode(&delivery.record.payload) {
            Ok(envelope) if json => println!("{}", String::from_utf8_lossy(&envelope.encode())),
            Ok(envelope) => println!("{}", summary_line(&envelope)),
            Err(error) => tracing::warn!(error = %error, "undecodable enriched message"),
        }
        subscription.commit(&delivery)?;
    }
    subscription.close().await?;
    Ok(())
}

fn summary_line(envelope: &Envelope) -> String {
    let wire = &envelope.wire;
    let relation = match (&wire.is_original, &wire.duplicate_of) {
        (_, Some(original)) => format!("duplicate of {original}"),
        (Some(true), None) => "original".to_owned(),
        _ => "unclassified".to_owned(),
    };
    format!(
        "ENRICHED [{}] {} | {} v{} | {} | {}",
        wire.source,
        envelope.article.headline().unwrap_or("(no headline)"),
        wire.family.as_ref().map(|f| f.as_str()).unwrap_or("-"),
        wire.version_seq.unwrap_or(1),
        relation,
        envelope.article.language.as_deref().unwrap_or("-"),
    )
}
