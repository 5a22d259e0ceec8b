//! `wirefeed-bench fetch`.

use std::path::PathBuf;
use std::process::ExitCode;
use wirefeed_bench::fetch::{self, FetchOptions};
use wirefeed_bench::write_json;

/// The fetcher (real polling code, one thread) against a local HTTP server serving N small
/// RSS feeds with ETag/304: polls/s, CPU per poll, peak memory.
#[derive(clap::Args)]
pub struct FetchArgs {
    /// Feeds served and sources polled.
    #[arg(long, default_value_t = 10_000)]
    feeds: usize,
    /// How long to poll.
    #[arg(long, default_value_t = 30)]
    secs: u64,
    /// Each source's polling interval (1: saturate the fetcher).
    #[arg(long, default_value_t = 1)]
    interval: u64,
    /// Polls in flight at a time.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Each feed gets a new item this often.
    #[arg(long, default_value_t = 60)]
    change_secs: u64,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

impl FetchArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let options = FetchOptions {
            feeds: self.feeds,
            secs: self.secs,
            interval_secs: self.interval,
            concurrency: self.concurrency,
            change_secs: self.change_secs,
        };
        let report = fetch::run(&options)?;
        fetch::print(&report);
        if let Some(path) = &self.json {
            write_json(path, &report)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}
