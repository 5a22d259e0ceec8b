//! `wirefeed`: the command line. `run` starts all four stages in one process (on the in-process
//! bus, or on Kafka when `bus.kind = "kafka"`); `parse` and `enrich` run the same cores on files;
//! the rest operate a deployment. Each command's flags and code live in `commands/<command>.rs`;
//! this file only dispatches. Measurement lives in the `wirefeed-bench` and `wirefeed-eval`
//! tools, not here.

/// mimalloc instead of the system allocator: the stages allocate many small, short-lived
/// strings per article, where glibc's malloc and free were about a tenth of the core's CPU
/// and its arenas held freed memory (see BENCHMARKS.md, issue 23).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;

use clap::{Parser, Subcommand};
use commands::{classifier, dlq, enrich, parse, replay, run, sources, story_topics, topics};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "wirefeed",
    version,
    about = "A streaming news wire ingestion pipeline"
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
    Run(run::RunArgs),
    Parse(parse::ParseArgs),
    Enrich(enrich::EnrichArgs),
    Topics(topics::TopicsArgs),
    StoryTopics(story_topics::StoryTopicsArgs),
    Dlq(dlq::DlqArgs),
    Replay(replay::ReplayArgs),
    Sources(sources::SourcesArgs),
    Health(sources::HealthArgs),
    Classifier(classifier::ClassifierArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = cli.config.as_deref();
    wire_runtime::binary::block_on(async {
        match cli.command {
            Command::Run(args) => args.run(config).await,
            Command::Parse(args) => args.run(config),
            Command::Enrich(args) => args.run(config),
            Command::Topics(args) => args.run(config).await,
            Command::StoryTopics(args) => args.run(),
            Command::Dlq(args) => args.run(config).await,
            Command::Replay(args) => args.run(config).await,
            Command::Sources(args) => args.run(config).await,
            Command::Health(args) => args.run().await,
            Command::Classifier(args) => args.run(),
        }
    })
}
