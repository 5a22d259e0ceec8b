//! The enricher: reads articles from `wire.articles.v1`, recognises re-sends, versions and exact
//! duplicates ([`dedup`]), sets the story family, and publishes to `wire.enriched.v1` keyed by
//! family id.
//!
//! Delivery guarantee: at-least-once through the shared stage loop. The dedup index lives in
//! memory for now: a redelivered article after a crash is recognised as a re-send only if the
//! index still holds it (within one process lifetime); consumers of `wire.enriched.v1` should
//! treat (`uri`, `wire.content_hash`) as the idempotence key.

pub mod config;
pub mod dedup;

pub use config::EnricherConfig;

use chrono::{DateTime, Utc};
use dedup::{ExactDedup, Verdict};
use tokio_util::sync::CancellationToken;
use wire_model::{Envelope, topics};
use wire_runtime::config::StageConfig;
use wire_runtime::{Delivery, Health, Outcome, Record, SharedBus, Stage, StageError};

/// The enricher as a [`Stage`].
pub struct EnricherStage {
    dedup: ExactDedup,
}

impl EnricherStage {
    pub fn new(config: &EnricherConfig) -> Self {
        Self {
            dedup: ExactDedup::new(config.dedup_capacity),
        }
    }

    /// The pure core on a decoded envelope: `None` for a re-send.
    pub fn enrich(&mut self, envelope: Envelope, now: DateTime<Utc>) -> Option<Envelope> {
        match self.dedup.process(envelope, now) {
            Verdict::Resend => None,
            Verdict::Enriched(envelope) => Some(*envelope),
        }
    }
}

impl Stage for EnricherStage {
    fn name(&self) -> &'static str {
        "enricher"
    }

    fn input_topics(&self) -> Vec<&'static str> {
        vec![topics::ARTICLES]
    }

    fn handle(&mut self, delivery: &Delivery, now: DateTime<Utc>) -> Outcome<Vec<Record>> {
        let envelope = match Envelope::decode(&delivery.record.payload) {
            Ok(envelope) => envelope,
            Err(error) => return Outcome::Reject(StageError::new("decode", error.to_string())),
        };
        match self.enrich(envelope, now) {
            None => Outcome::Drop { reason: "resend" },
            Some(enriched) => {
                let key = enriched
                    .wire
                    .family
                    .as_ref()
                    .map(|f| f.as_str().to_owned())
                    .unwrap_or_else(|| enriched.article.uri.clone());
                Outcome::Emit(vec![Record::new(topics::ENRICHED, key, enriched.encode())])
            }
        }
    }
}

/// Runs the enricher until `shutdown`.
pub async fn run(
    config: EnricherConfig,
    stage_config: &StageConfig,
    bus: SharedBus,
    health: Health,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    wire_runtime::run_stage(
        EnricherStage::new(&config),
        bus,
        stage_config,
        health,
        shutdown,
    )
    .await?;
    Ok(())
}
