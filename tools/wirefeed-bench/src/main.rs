//! `wirefeed-bench`: speed and memory of wirefeed's components (see the library's docs for the
//! scenarios). Use a release build. Each subcommand's flags and code live in `commands/`.

/// mimalloc, as in the services, counting what it holds (`bench core`'s index memory).
#[global_allocator]
static ALLOCATOR: wirefeed_bench::heap::CountingAllocator =
    wirefeed_bench::heap::counting_allocator();

mod commands;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "wirefeed-bench",
    version,
    about = "Measure wirefeed's speed and memory: the stage cores against a Python baseline, the \
             fetcher against a local feed server, the stages over Kafka, the desk's archive. Use a release build."
)]
struct Cli {
    /// A config file layered over the built-in defaults (config/wirefeed.toml).
    #[arg(long, global = true, env = "WIREFEED_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Core(commands::core::CoreArgs),
    #[command(hide = true)]
    CoreRun(commands::core::CoreRunArgs),
    Fetch(commands::fetch::FetchArgs),
    Pipeline(commands::pipeline::PipelineArgs),
    Archive(commands::archive::ArchiveArgs),
    Stages(commands::stages::StagesArgs),
    All(commands::all::AllArgs),
    #[command(hide = true)]
    Copy(commands::copy::CopyArgs),
}

fn main() -> ExitCode {
    wirefeed_bench::heap::install(&ALLOCATOR);
    let cli = Cli::parse();
    let config = cli.config.as_deref();
    wire_runtime::binary::block_on(async {
        match cli.command {
            Command::Core(args) => args.run(config),
            Command::CoreRun(args) => args.run(config),
            Command::Fetch(args) => args.run(),
            Command::Pipeline(args) => args.run().await,
            Command::Archive(args) => args.run(config),
            Command::Stages(args) => args.run(config).await,
            Command::All(args) => args.run(config).await,
            Command::Copy(args) => args.run(config).await,
        }
    })
}
