//! `wirefeed-fetcher`: the fetcher as a service.

use clap::Parser;

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
    let process = wire_runtime::Process::start(args.config.as_deref()).await?;
    let config = process.config.section("fetcher")?;
    wirefeed_fetcher::run(config, process.context()).await?;
    process.finish().await
}
