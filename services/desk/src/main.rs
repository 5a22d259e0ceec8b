//! `wirefeed-desk`: the archive of the wire and its API as a service.

/// mimalloc instead of the system allocator: the stages allocate many small, short-lived
/// strings per article, where glibc's malloc and free were about a tenth of the core's CPU
/// and its arenas held freed memory (see BENCHMARKS.md, issue 23).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use std::path::PathBuf;
use wire_runtime::Process;

/// Archives wire.enriched.v1 and wire.alerts.v1 in a search index and serves the desk API.
#[derive(Parser)]
struct Args {
    /// A config file layered over the built-in defaults.
    #[arg(long, env = "WIREFEED_CONFIG")]
    config: Option<PathBuf>,
    /// Drop the index and read the topics again from their beginning.
    #[arg(long)]
    rebuild: bool,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    wire_runtime::binary::block_on(async move {
        let process = Process::start(args.config.as_deref()).await?;
        let mut config: wirefeed_desk::DeskConfig = process.config.section("desk")?;
        config.rebuild |= args.rebuild;
        wirefeed_desk::run(config, process.context()).await?;
        process.finish().await?;
        Ok(std::process::ExitCode::SUCCESS)
    })
}
