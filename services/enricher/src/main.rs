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
    let process = wire_runtime::Process::start(args.config.as_deref()).await?;
    let config = process.config.section("enricher")?;
    wirefeed_enricher::run(config, process.context()).await?;
    process.finish().await
}
