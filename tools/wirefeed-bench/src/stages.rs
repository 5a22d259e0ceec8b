//! `stages`: the normalizer and the enricher (tagging on) as stage loops in this one process on
//! the in-process bus, the way `wirefeed run` runs them, over the same raw items once with
//! `stage.workers = 1` (everything on each stage's loop) and once with more worker threads:
//! wall-clock articles per second, the process's CPU per article, and how many enriched
//! records came out (the same in every run, or the runs decided differently). What it shows:
//! whether one instance uses the machine's cores.

use crate::proc;
use anyhow::Context as _;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use wire_model::topics;
use wire_runtime::bus::{MemoryBus, publish};
use wire_runtime::config::StageConfig;
use wire_runtime::{Health, Record, SharedBus, run_stage};
use wirefeed_enricher::{EnricherConfig, EnricherStage};
use wirefeed_normalizer::{NormalizerConfig, NormalizerStage};

/// How long no enriched record may come before the run counts as done.
const QUIET: Duration = Duration::from_secs(3);

/// One run over the items.
#[derive(Debug, Clone, Serialize)]
pub struct StagesRun {
    pub workers: usize,
    pub items: usize,
    /// Records on `wire.enriched.v1` (re-sends are dropped, kills add notices).
    pub enriched: usize,
    /// From the first item offered to the last enriched record.
    pub seconds: f64,
    pub articles_per_second: f64,
    /// The whole process's CPU over the same span, per item offered.
    pub cpu_micros_per_article: Option<f64>,
}

/// Reads the raw items (one JSON per line) of `path`, at most `items`.
pub fn read_items(path: &Path, items: usize) -> anyhow::Result<Vec<Vec<u8>>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read {}", path.display()))?;
    Ok(text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(items)
        .map(|line| line.as_bytes().to_vec())
        .collect())
}

/// Runs the two stages over `items` with `workers` threads each; `stage` is the rest of the
/// stage settings.
pub async fn run(
    items: &[Vec<u8>],
    workers: usize,
    stage: &StageConfig,
    normalizer: &NormalizerConfig,
    enricher: &EnricherConfig,
) -> anyhow::Result<StagesRun> {
    let config = StageConfig {
        workers,
        ..stage.clone()
    };
    let mut enricher = enricher.clone();
    // Every article stays in the window, as in `bench core`.
    enricher.dedup_capacity = enricher.dedup_capacity.max(items.len());
    let enricher_stage =
        EnricherStage::with_tagging(&enricher).context("failed to load the tagger")?;
    let bus: SharedBus = Arc::new(MemoryBus::new(1024));
    let mut enriched = bus.subscribe("bench-stages", &[topics::ENRICHED]).await?;
    let shutdown = CancellationToken::new();
    let stages = [
        {
            let (stage, bus, config, shutdown) = (
                NormalizerStage::new(normalizer.clone()),
                bus.clone(),
                config.clone(),
                shutdown.clone(),
            );
            tokio::spawn(
                async move { run_stage(stage, bus, &config, Health::new(), shutdown).await },
            )
        },
        {
            let (bus, config, shutdown) = (bus.clone(), config.clone(), shutdown.clone());
            tokio::spawn(async move {
                run_stage(enricher_stage, bus, &config, Health::new(), shutdown).await
            })
        },
    ];
    let cpu_start = proc::process_cpu_seconds();
    let started = Instant::now();
    let offer = {
        let (bus, items) = (bus.clone(), items.to_vec());
        tokio::spawn(async move {
            for (n, item) in items.into_iter().enumerate() {
                publish(bus.as_ref(), Record::new(topics::RAW, n.to_string(), item)).await?;
            }
            anyhow::Ok(())
        })
    };
    let mut count = 0usize;
    let mut last = started;
    let mut cpu_end = cpu_start;
    while let Ok(received) = tokio::time::timeout(QUIET, enriched.recv()).await {
        received?;
        count += 1;
        last = Instant::now();
        if count.is_multiple_of(256) || count >= items.len() {
            cpu_end = proc::process_cpu_seconds();
        }
    }
    offer.await??;
    shutdown.cancel();
    for stage in stages {
        stage.await??;
    }
    let seconds = last.duration_since(started).as_secs_f64();
    Ok(StagesRun {
        workers,
        items: items.len(),
        enriched: count,
        seconds,
        articles_per_second: items.len() as f64 / seconds.max(1e-9),
        cpu_micros_per_article: cpu_start
            .zip(cpu_end)
            .map(|(start, end)| (end - start) * 1e6 / items.len().max(1) as f64),
    })
}
