//! `wirefeed-enricher`: the enricher as a service.

use clap::Parser;

#[derive(Parser)]
#[command(
    about = "Recognises duplicates and versions in wire.articles.v1 and publishes wire.enriched.v1"
)]
struct Args {
    /// A config file layered over the built-in defaults.
    #[arg(long, env = "WIREFEED_CONFIG")]
    config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let process = wire_runtime::Process::start(args.config.as_deref(), None).await?;
    let config = process.config.section("enricher")?;
    let store = wire_runtime::open_state_store(&process.runtime, "enricher").await?;
    wirefeed_enricher::run(
        config,
        &process.runtime.stage,
        process.bus.clone(),
        store,
        process.health.clone(),
        process.shutdown.clone(),
    )
    .await?;
    process.finish().await
}
