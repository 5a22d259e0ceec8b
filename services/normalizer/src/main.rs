//! `wirefeed-normalizer`: the normalizer as a service.

use clap::Parser;

#[derive(Parser)]
#[command(about = "Normalizes raw items from wire.raw.v1 into ninjs articles on wire.articles.v1")]
struct Args {
    /// A config file layered over the built-in defaults.
    #[arg(long, env = "WIREFEED_CONFIG")]
    config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let process = wire_runtime::Process::start(args.config.as_deref()).await?;
    let config = process.config.section("normalizer")?;
    wirefeed_normalizer::run(config, process.context()).await?;
    process.finish().await
}
