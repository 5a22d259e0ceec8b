//! `wirefeed-eval`: quality of wirefeed on real labelled data (see the library's docs for the
//! evaluations). Each subcommand's flags and code live in `commands/`.

/// mimalloc instead of the system allocator: the stages allocate many small, short-lived
/// strings per article, where glibc's malloc and free were about a tenth of the core's CPU
/// and its arenas held freed memory (see BENCHMARKS.md, issue 23).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "wirefeed-eval",
    version,
    about = "Measure wirefeed's quality on real labelled data (tune on TRAIN, report TEST)"
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
    Dedup(commands::dedup::DedupArgs),
    Feedparser(commands::feedparser::FeedparserArgs),
    Formats(commands::formats::FormatsArgs),
    Languages(commands::languages::LanguagesArgs),
    Newsroom(commands::newsroom::NewsroomArgs),
    Places(commands::places::PlacesArgs),
    Topics(commands::topics::TopicsArgs),
    Stories(commands::stories::StoriesArgs),
    Versions(commands::versions::VersionsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = cli.config.as_deref();
    wire_runtime::binary::exit_code(match cli.command {
        Command::Dedup(args) => args.run(config),
        Command::Feedparser(args) => args.run(),
        Command::Formats(args) => args.run(),
        Command::Languages(args) => args.run(config),
        Command::Newsroom(args) => args.run(config),
        Command::Places(args) => args.run(),
        Command::Topics(args) => args.run(),
        Command::Stories(args) => args.run(config),
        Command::Versions(args) => args.run(config),
    })
}
