//! `wirefeed-bench fetch`: the fetcher's real polling code ([`wirefeed_fetcher::run`]:
//! scheduling, conditional GET, item identities and hashes, state, publishing to the in-process
//! bus) with N HTTP sources against the local feed server of [`crate::feeds`], for a bounded
//! time.
//!
//! Threads: the fetcher runs on one thread (a current-thread tokio runtime, `bench-fetcher`);
//! the feed server and a consumer draining `wire.raw.v1` run on their own runtime
//! (`bench-server`). The fetcher's CPU time is the process's minus the server threads', read
//! from `/proc` at the end of the warm-up and at the end, so the figures cover the steady
//! state after every feed's first full fetch. With the default interval of one second the
//! fetcher is saturated: polls/s is its capacity on one thread.

use crate::feeds::{FeedServer, Served};
use crate::{proc, thousands};
use anyhow::Context as _;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use wire_runtime::{ServiceContext, SharedBus, Validate as _};
use wirefeed_fetcher::config::{HttpSource, SourceConfig};
use wirefeed_fetcher::{Fetcher, FetcherConfig, SourceRegistry};

/// What `bench fetch` runs.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub feeds: usize,
    pub secs: u64,
    /// Each source's polling interval (and the fetcher's minimum interval).
    pub interval_secs: u64,
    /// `max_concurrent_polls` and `per_host_concurrency` (every feed is on 127.0.0.1).
    pub concurrency: usize,
    /// Each feed gets a new item this often.
    pub change_secs: u64,
}

impl FetchOptions {
    /// `bench fetch`'s defaults: 10,000 feeds polled every second for 30 s, 64 polls at a
    /// time, each feed changing every 60 s.
    pub fn with_defaults() -> Self {
        Self {
            feeds: 10_000,
            secs: 30,
            interval_secs: 1,
            concurrency: 64,
            change_secs: 60,
        }
    }
}

/// The figures of `bench fetch`.
#[derive(Debug, Clone, Serialize)]
pub struct FetchReport {
    pub scenario: &'static str,
    pub feeds: usize,
    pub interval_secs: u64,
    pub concurrency: usize,
    pub change_secs: u64,
    pub secs: u64,
    /// The steady-state window the rates are measured over (after the warm-up).
    pub measured_secs: f64,
    pub warmup_secs: f64,
    pub polls: u64,
    pub polls_per_second: f64,
    pub responses_200: u64,
    pub responses_304: u64,
    pub responses_404: u64,
    pub fetcher_cpu_seconds: f64,
    pub cpu_seconds_per_poll: f64,
    /// Fetcher CPU seconds per wall-clock second over the window.
    pub fetcher_cores_busy: f64,
    /// Feeds one core could poll once a minute at this cost per poll.
    pub feeds_per_core_at_one_minute: f64,
    pub items_published: i64,
    pub polls_total_all_run: u64,
    pub sources_polled: usize,
    pub sources_in_error: usize,
    pub error_classes: BTreeMap<String, usize>,
    pub peak_rss_bytes: Option<u64>,
}

fn server_cpu_seconds() -> f64 {
    proc::thread_cpu_seconds()
        .values()
        .filter(|(name, _)| name.starts_with("bench-server"))
        .map(|(_, seconds)| seconds)
        .sum()
}

fn fetcher_cpu_seconds() -> f64 {
    proc::process_cpu_seconds().unwrap_or(0.0) - server_cpu_seconds()
}

fn fetcher_config(options: &FetchOptions, port: u16) -> anyhow::Result<FetcherConfig> {
    let mut config = FetcherConfig {
        default_interval_secs: options.interval_secs.max(1),
        min_interval_secs: options.interval_secs.max(1),
        max_concurrent_polls: options.concurrency.max(1),
        per_host_concurrency: options.concurrency.max(1),
        timeout_secs: 30,
        ..FetcherConfig::default()
    };
    config.sources = (0..options.feeds)
        .map(|n| {
            let mut source = HttpSource::new(
                &format!("bench-{n}"),
                &format!("http://127.0.0.1:{port}/feeds/{n}.xml"),
            );
            source.allow_private_network = true;
            SourceConfig::Http(source)
        })
        .collect();
    config
        .validate()
        .context("invalid bench fetcher configuration")?;
    Ok(config)
}

/// Runs the scenario (blocking the calling thread for `options.secs`). Long because it is one
/// timeline: start the server and the fetcher, sample while polling, stop, read the figures;
/// the samples and the figures share its locals.
pub fn run(options: &FetchOptions) -> anyhow::Result<FetchReport> {
    anyhow::ensure!(options.secs >= 1, "--secs must be at least 1");
    let shutdown = CancellationToken::new();
    let server = FeedServer::new(options.change_secs);
    let bus_impl = Arc::new(wire_runtime::bus::MemoryBus::new(4096));
    let bus: SharedBus = bus_impl.clone();
    let (port_sender, port_receiver) = std::sync::mpsc::channel();
    let server_thread = {
        let (server, bus, shutdown) = (server.clone(), bus.clone(), shutdown.clone());
        std::thread::Builder::new()
            .name("bench-server".to_owned())
            .spawn(move || -> anyhow::Result<()> {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("bench-server")
                    .enable_all()
                    .build()?;
                runtime.block_on(serve(server, bus, shutdown, port_sender))
            })?
    };
    let port = port_receiver
        .recv_timeout(Duration::from_secs(10))
        .context("the feed server did not start")??;
    let config = fetcher_config(options, port)?;
    let registry = SourceRegistry::new();
    let fetcher_thread = {
        let context = ServiceContext::with_defaults(bus.clone())?.with_shutdown(shutdown.clone());
        let fetcher = Fetcher::new(config).with_registry(registry.clone());
        std::thread::Builder::new()
            .name("bench-fetcher".to_owned())
            .spawn(move || -> anyhow::Result<()> {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .thread_name("bench-fetcher")
                    .enable_all()
                    .build()?;
                runtime.block_on(fetcher.run(context))
            })?
    };

    let started = Instant::now();
    let warmup = Duration::from_secs_f64((options.secs as f64 / 4.0).clamp(0.25, 10.0));
    let progress = indicatif::ProgressBar::new(options.secs);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} s") {
        progress.set_style(style);
    }
    progress.set_message("polling");
    std::thread::sleep(warmup);
    let (served_start, cpu_start, window_start) =
        (server.served(), fetcher_cpu_seconds(), Instant::now());
    let end = started + Duration::from_secs(options.secs);
    while Instant::now() < end {
        std::thread::sleep((end - Instant::now()).min(Duration::from_millis(250)));
        progress.set_position(started.elapsed().as_secs());
        progress.set_message(format!("polling, {} polls", server.served().polls()));
        if server_thread.is_finished() || fetcher_thread.is_finished() {
            break;
        }
    }
    let (served_end, cpu_end, measured) = (
        server.served(),
        fetcher_cpu_seconds(),
        window_start.elapsed().as_secs_f64(),
    );
    progress.finish_and_clear();
    shutdown.cancel();
    let fetcher_result = fetcher_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the fetcher thread panicked"))?;
    let server_result = server_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the server thread panicked"))?;
    fetcher_result.context("the fetcher failed")?;
    server_result.context("the feed server failed")?;

    let window: Served = served_end.since(&served_start);
    let polls = window.polls();
    let cpu = (cpu_end - cpu_start).max(0.0);
    let statuses = registry.snapshot();
    let mut error_classes = BTreeMap::new();
    for status in statuses.iter().filter(|s| s.consecutive_errors > 0) {
        *error_classes
            .entry(status.last_error_class.clone().unwrap_or_default())
            .or_insert(0) += 1;
    }
    let cpu_per_poll = cpu / polls.max(1) as f64;
    Ok(FetchReport {
        scenario: "fetch",
        feeds: options.feeds,
        interval_secs: options.interval_secs,
        concurrency: options.concurrency,
        change_secs: options.change_secs,
        secs: options.secs,
        measured_secs: measured,
        warmup_secs: warmup.as_secs_f64(),
        polls,
        polls_per_second: polls as f64 / measured.max(1e-9),
        responses_200: window.ok,
        responses_304: window.not_modified,
        responses_404: window.not_found,
        fetcher_cpu_seconds: cpu,
        cpu_seconds_per_poll: cpu_per_poll,
        fetcher_cores_busy: cpu / measured.max(1e-9),
        feeds_per_core_at_one_minute: if cpu_per_poll > 0.0 {
            60.0 / cpu_per_poll
        } else {
            0.0
        },
        items_published: bus_impl.published_count(),
        polls_total_all_run: served_end.polls(),
        sources_polled: statuses.iter().filter(|s| s.polls_total > 0).count(),
        sources_in_error: statuses.iter().filter(|s| s.consecutive_errors > 0).count(),
        error_classes,
        peak_rss_bytes: proc::peak_rss_bytes(),
    })
}

/// Serves the feeds on 127.0.0.1 and drains `wire.raw.v1` until `shutdown`.
async fn serve(
    server: Arc<FeedServer>,
    bus: SharedBus,
    shutdown: CancellationToken,
    port: std::sync::mpsc::Sender<anyhow::Result<u16>>,
) -> anyhow::Result<()> {
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => {
            let _ = port.send(Err(anyhow::anyhow!("failed to bind 127.0.0.1: {error}")));
            return Ok(());
        }
    };
    let mut subscription = bus
        .subscribe("bench-drain", &[wire_model::topics::RAW])
        .await?;
    let _ = port.send(Ok(listener.local_addr()?.port()));
    let drain_shutdown = shutdown.clone();
    let drain = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = drain_shutdown.cancelled() => break,
                delivery = subscription.recv() => match delivery {
                    Ok(delivery) => { let _ = subscription.commit(&delivery); }
                    Err(_) => break,
                },
            }
        }
    });
    axum::serve(listener, server.router())
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
        .context("the feed server stopped")?;
    let _ = drain.await;
    Ok(())
}

/// Prints the report as a table.
pub fn print(report: &FetchReport) {
    println!(
        "fetch: {} HTTP sources on 127.0.0.1, interval {} s, concurrency {}, a new item per feed every {} s; {} s run, rates over the last {:.1} s",
        report.feeds,
        report.interval_secs,
        report.concurrency,
        report.change_secs,
        report.secs,
        report.measured_secs
    );
    let mib = |b: Option<u64>| {
        b.map_or("n/a".to_owned(), |b| {
            format!("{:.0} MiB", b as f64 / 1024.0 / 1024.0)
        })
    };
    crate::print_table(
        &["", "wirefeed fetcher, one thread"],
        &[
            vec!["polls/s".to_owned(), thousands(report.polls_per_second)],
            vec![
                "responses 200 / 304".to_owned(),
                format!(
                    "{} / {}",
                    thousands(report.responses_200 as f64),
                    thousands(report.responses_304 as f64)
                ),
            ],
            vec![
                "CPU per poll".to_owned(),
                format!("{:.1} µs", report.cpu_seconds_per_poll * 1e6),
            ],
            vec![
                "fetcher CPU busy".to_owned(),
                format!("{:.2} cores", report.fetcher_cores_busy),
            ],
            vec![
                "feeds per core at 1/min".to_owned(),
                thousands(report.feeds_per_core_at_one_minute),
            ],
            vec!["peak RSS (process)".to_owned(), mib(report.peak_rss_bytes)],
            vec![
                "items published".to_owned(),
                thousands(report.items_published as f64),
            ],
            vec![
                "sources polled / in error".to_owned(),
                format!("{} / {}", report.sources_polled, report.sources_in_error),
            ],
        ],
    );
    if !report.error_classes.is_empty() {
        println!("  errors by class: {:?}", report.error_classes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_run_polls_every_feed() {
        let report = run(&FetchOptions {
            feeds: 50,
            secs: 2,
            interval_secs: 1,
            concurrency: 8,
            change_secs: 1,
        })
        .expect("the scenario runs");
        assert_eq!(report.feeds, 50);
        assert_eq!(report.sources_polled, 50);
        assert_eq!(report.sources_in_error, 0, "{:?}", report.error_classes);
        assert!(report.polls_total_all_run >= 50);
        assert!(
            report.items_published >= 50 * 10,
            "every feed's first items"
        );
        assert!(report.measured_secs > 0.0);
        let json = serde_json::to_value(&report).expect("serializes");
        for key in [
            "polls_per_second",
            "cpu_seconds_per_poll",
            "peak_rss_bytes",
            "responses_304",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
    }
}
