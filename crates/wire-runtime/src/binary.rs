//! What the `main` of a wirefeed binary shares: the whole `main` of a service binary
//! ([`service_main`]), and for the command-line tools, running a command on a tokio runtime
//! ([`block_on`]) and turning its result into the exit code ([`exit_code`]).

use crate::{Process, ServiceContext, Validate};
use anyhow::Context as _;
use clap::{CommandFactory, FromArgMatches, Parser};
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::process::ExitCode;

/// The command line of a service binary.
#[derive(Parser)]
struct ServiceArgs {
    /// A config file layered over the built-in defaults.
    #[arg(long, env = "WIREFEED_CONFIG")]
    config: Option<PathBuf>,
}

/// The `main` of a service binary: parses `--config FILE` (or `WIREFEED_CONFIG`), with `about`
/// as the `--help` text; starts the [`Process`]; runs the service, `run(config, context)` with
/// the config's `[section]`; then flushes the producer.
pub fn service_main<C, F, Fut>(about: &'static str, section: &str, run: F) -> anyhow::Result<()>
where
    C: DeserializeOwned + Validate,
    F: FnOnce(C, ServiceContext) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let matches = ServiceArgs::command().about(about).get_matches();
    let args = ServiceArgs::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    let runtime = runtime().context("failed to start the async runtime")?;
    runtime.block_on(async {
        let process = Process::start(args.config.as_deref()).await?;
        process.config.warn_about_inline_secrets();
        let config = process.config.section(section)?;
        run(config, process.context()).await?;
        process.finish().await
    })
}

/// Runs `command` on a multi-threaded tokio runtime, to its [`exit_code`].
pub fn block_on(command: impl Future<Output = anyhow::Result<ExitCode>>) -> ExitCode {
    match runtime() {
        Ok(runtime) => exit_code(runtime.block_on(command)),
        Err(error) => {
            eprintln!("error: failed to start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The exit code of a command: its own, or after an error (printed with its causes on stderr)
/// a failure.
pub fn exit_code(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// A multi-threaded tokio runtime with IO and timers, as `#[tokio::main]` builds.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}
