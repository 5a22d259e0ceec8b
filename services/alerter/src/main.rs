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
    let process = wire_runtime::Process::start(args.config.as_deref()).await?;
    let config = process.config.section("alerter")?;
    wirefeed_alerter::run(config, process.context()).await?;
    process.finish().await
}
