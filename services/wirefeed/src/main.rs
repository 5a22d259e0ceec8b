//! `wirefeed`: the command line. `run` starts all four stages in one process (on the in-process
//! bus, or on Kafka when `bus.kind = "kafka"`); `parse` and `enrich` run the same cores on files.

mod commands;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
    /// Run fetcher, normalizer, enricher and alerter in one process until Ctrl-C.
    Run {
        /// Print enriched articles as JSON lines instead of one summary line each.
        #[arg(long)]
        json: bool,
    },
    /// Normalize feed or article files and print the envelopes as JSON lines.
    Parse {
        /// Files: RSS/Atom/JSON Feed, ninjs JSON, plain text.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Enrich articles (JSON lines of envelopes or bare ninjs objects) in order and print the
    /// enriched envelopes as JSON lines. Reads standard input without FILE.
    Enrich { file: Option<PathBuf> },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: failed to start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Run { json } => commands::run::run(cli.config.as_deref(), json).await,
            Command::Parse { files } => commands::parse::parse(cli.config.as_deref(), &files),
            Command::Enrich { file } => {
                commands::enrich::enrich(cli.config.as_deref(), file.as_deref())
            }
        }
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
