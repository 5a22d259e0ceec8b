//! `wirefeed-alerter`: the alerter as a service.

use clap::Parser;

#[derive(Parser)]
#[command(about = "Alerts subscribers once per story family from wire.enriched.v1")]
struct Args {
    /// A config file layered over the built-in defaults.
    #[arg(long, env = "WIREFEED_CONFIG")]
    config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let registry = wirefeed_alerter::SubscriptionRegistry::new();
    let process =
        wire_runtime::Process::start(args.config.as_deref(), Some(registry.router())).await?;
    let config = process.config.section("alerter")?;
    let state = wire_runtime::open_state_store(&process.runtime, "alerter").await?;
    let deps = wirefeed_alerter::AlerterDeps {
        bus: process.bus.clone(),
        state,
        registry,
        health: process.health.clone(),
    };
    wirefeed_alerter::run(
        config,
        &process.runtime.stage,
        deps,
        process.shutdown.clone(),
    )
    .await?;
    process.finish().await
}
