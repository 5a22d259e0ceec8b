//! `wirefeed-fetcher`: the fetcher as a service.

use clap::Parser;
use std::time::Duration;
use wirefeed_fetcher::{FetcherConfig, FetcherDeps, SourceRegistry};

#[derive(Parser)]
#[command(about = "Polls feeds and drop folders and publishes raw items to wire.raw.v1")]
struct Args {
    /// A config file layered over the built-in defaults; its sources are reloaded when it
    /// changes.
    #[arg(long, env = "WIREFEED_CONFIG")]
    config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let registry = SourceRegistry::new();
    let process =
        wire_runtime::Process::start(args.config.as_deref(), Some(registry.router())).await?;
    let config: FetcherConfig = process.config.section("fetcher")?;
    let state = wire_runtime::open_state_store(&process.runtime, "fetcher").await?;
    let updates = wirefeed_fetcher::watch_sources(
        args.config.clone(),
        Duration::from_secs(config.reload_interval_secs),
        config.sources.clone(),
        process.shutdown.clone(),
    );
    let deps = FetcherDeps {
        bus: process.bus.clone(),
        state,
        registry,
        health: process.health.clone(),
    };
    wirefeed_fetcher::run(config, deps, updates, process.shutdown.clone()).await?;
    process.finish().await
}
