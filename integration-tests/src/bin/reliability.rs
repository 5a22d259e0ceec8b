//! `wirefeed-reliability`: the fault-injection soak from the command line (see
//! `integration_tests::soak`). Needs the project's broker (`deploy/kafka/kafka.sh start`, or
//! `WIREFEED_TEST_KAFKA`); the broker fault stops and starts it with `kafka.sh`.
//!
//! `scripts/reliability` builds it in release mode and runs every fault with 10,000 items.

use clap::Parser;
use integration_tests::soak::{self, Fault, SoakOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Runs the reliability soak: faults mid-stream, then counts lost and doubled")]
struct Args {
    /// Items in the stream (re-sends included).
    #[arg(long, default_value_t = 10_000)]
    items: usize,
    /// Bad files spread through the stream (each must end in the dead-letter topic).
    #[arg(long, default_value_t = 5)]
    bad_files: usize,
    /// Faults, one run each: none, kill-fetcher, kill-normalizer, kill-enricher, kill-alerter,
    /// kill-all (each stage in turn in one run), broker, rebalance, slow, fetcher-failover,
    /// subscription-added.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "none,kill-fetcher,kill-normalizer,kill-enricher,kill-alerter,broker,rebalance,slow,fetcher-failover,subscription-added"
    )]
    faults: Vec<String>,
    /// Seconds the broker stays down in the broker fault.
    #[arg(long, default_value_t = 30)]
    broker_pause_secs: u64,
    /// Seconds the slow webhook takes to answer.
    #[arg(long, default_value_t = 5)]
    webhook_delay_secs: u64,
    /// Milliseconds between two files (of 50 items) of the stream.
    #[arg(long, default_value_t = 250)]
    file_interval_ms: u64,
    /// Skip the restart-with-state check at the end of each run.
    #[arg(long)]
    no_restart: bool,
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    /// Also write every report as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    #[arg(long, default_value_t = 21578)]
    seed: u64,
}

fn fault(name: &str, args: &Args) -> Option<Fault> {
    Some(match name {
        "none" => Fault::None,
        "kill-fetcher" => Fault::Kill(vec!["fetcher"]),
        "kill-normalizer" => Fault::Kill(vec!["normalizer"]),
        "kill-enricher" => Fault::Kill(vec!["enricher"]),
        "kill-alerter" => Fault::Kill(vec!["alerter"]),
        "kill-all" => Fault::Kill(vec!["fetcher", "normalizer", "enricher", "alerter"]),
        "broker" => Fault::BrokerStop(Duration::from_secs(args.broker_pause_secs)),
        "rebalance" => Fault::Rebalance,
        "slow" => Fault::SlowDownstream(Duration::from_secs(args.webhook_delay_secs)),
        "fetcher-failover" => Fault::FetcherFailover,
        "subscription-added" => Fault::SubscriptionAdded,
        _ => return None,
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut faults = Vec::new();
    for name in &args.faults {
        match fault(name, &args) {
            Some(fault) => faults.push(fault),
            None => {
                eprintln!("error: unknown fault {name:?}");
                return ExitCode::from(2);
            }
        }
    }
    let broker = integration_tests::require_broker();
    println!("{}", soak::TABLE_HEADER);
    let mut reports = Vec::new();
    for fault in faults {
        eprintln!("soak: {} with {} items", fault.label(), args.items);
        let options = SoakOptions {
            broker: broker.clone(),
            reuters: args.reuters.clone(),
            items: args.items,
            bad_files: args.bad_files,
            fault,
            restart_with_state: !args.no_restart,
            file_interval: Duration::from_millis(args.file_interval_ms),
            drain_timeout: Duration::from_secs(600),
            seed: args.seed,
        };
        let report = soak::run(&options);
        println!("{}", soak::table_row(&report));
        if !report.crashes.is_empty() {
            eprintln!("soak: problems: {:#?}", report.crashes);
        }
        reports.push(report);
    }
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&reports).unwrap_or_default();
        if let Err(error) = std::fs::write(path, text) {
            eprintln!("error: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if reports.iter().all(soak::SoakReport::passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
