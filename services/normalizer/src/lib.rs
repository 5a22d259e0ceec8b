//! The normalizer: turns every raw item from `wire.raw.v1` into one canonical envelope on
//! `wire.articles.v1` (an IPTC ninjs 3.x `article` + wirefeed's `wire` metadata), keyed by the
//! article id so all versions of an item stay in order on one partition.
//!
//! Modules: [`charset`] (bytes to UTF-8 text), [`parse`] (one parser per input format, to a
//! common [`parse::ParsedItem`]: feeds, ninjs, dpa digitalwires, NewsML-G2, NITF, plain text),
//! [`dates`] (lenient date reading), [`body`] (clean paragraphs: [`boilerplate`] removed,
//! [`dateline`] cut, length bounded), [`sanitize`] (provider HTML by an allow-list) and
//! [`html_body`] (the safe HTML body saying what the text body says), [`normalize`] (pure: the
//! envelope from a parsed item), [`text`] (HTML to clean text, fingerprints), [`arabic`]
//! (Arabic folded for matching), [`language`] (detection), `events`
//! (telemetry), [`config`].
//!
//! Entry: [`run`]`(config, context)`, the same in every service: `main.rs` calls it with the
//! context of its [`wire_runtime::Process`], `wirefeed run` through the in-process pipeline.
//!
//! Delivery guarantee: at-least-once through the shared stage loop; normalizing is a pure
//! function of the raw item, so a redelivered item gives the same article (and the enricher
//! drops it as a re-send). Items that cannot be parsed go to `wire.dlq.v1` with the reason.

pub mod arabic;
pub mod body;
pub mod boilerplate;
pub mod charset;
pub mod config;
pub mod dateline;
pub mod dates;
mod events;
mod field_markup;
pub mod html_body;
pub mod language;
pub mod normalize;
pub mod parse;
pub mod sanitize;
pub mod sanitize_css;
pub mod self_closing;
pub mod text;

pub use config::NormalizerConfig;
pub use normalize::{NormalizeError, normalize, normalize_as};

use chrono::{DateTime, Utc};
use std::sync::Arc;
use wire_model::{RawItem, topics};
use wire_runtime::stage::profile::{Phase, scope};
use wire_runtime::stage::{Prepare, Prepared};
use wire_runtime::{Delivery, Outcome, Record, ServiceContext, Stage, StageError};

/// The normalizer as a [`Stage`]. Normalizing needs no state, so all of it runs on the stage's
/// worker threads when there are several (`stage.workers`): [`Normalize`].
pub struct NormalizerStage {
    normalize: Arc<Normalize>,
}

impl NormalizerStage {
    pub fn new(config: NormalizerConfig) -> Self {
        Self {
            normalize: Arc::new(Normalize { config }),
        }
    }
}

/// The whole of the normalizer's work on one raw item: decode, normalize, encode.
struct Normalize {
    config: NormalizerConfig,
}

impl Normalize {
    fn outcome(&self, delivery: &Delivery, now: DateTime<Utc>) -> Outcome {
        let raw = match scope(Phase::Decode, || RawItem::decode(&delivery.record.payload)) {
            Ok(raw) => raw,
            Err(error) => return Outcome::Reject(StageError::decode(error)),
        };
        scope(Phase::Telemetry, || {
            events::ItemReceived {
                source: raw.source.as_str(),
            }
            .emit()
        });
        match normalize(&raw, &self.config, now) {
            Ok(envelope) => Outcome::emit(vec![Record::new(
                topics::ARTICLES,
                raw.article_id.as_str(),
                scope(Phase::Encode, || envelope.encode()),
            )]),
            Err(error) => Outcome::Reject(StageError::new(error.kind(), error.to_string())),
        }
    }
}

impl Prepare for Normalize {
    fn prepare(&self, delivery: &Delivery, now: DateTime<Utc>) -> Prepared {
        Box::new(self.outcome(delivery, now))
    }
}

impl Stage for NormalizerStage {
    fn name(&self) -> &'static str {
        "normalizer"
    }

    fn input_topics(&self) -> Vec<&'static str> {
        vec![topics::RAW]
    }

    fn handle(&mut self, delivery: &Delivery, now: DateTime<Utc>) -> Outcome {
        self.normalize.outcome(delivery, now)
    }

    fn preparer(&self) -> Option<Arc<dyn Prepare>> {
        Some(self.normalize.clone())
    }

    fn handle_prepared(
        &mut self,
        delivery: &Delivery,
        prepared: Prepared,
        now: DateTime<Utc>,
    ) -> Outcome {
        match prepared.downcast::<Outcome>() {
            Ok(outcome) => *outcome,
            Err(_) => self.handle(delivery, now),
        }
    }
}

/// Runs the normalizer until the context's shutdown.
pub async fn run(config: NormalizerConfig, context: ServiceContext) -> anyhow::Result<()> {
    context.run_stage(NormalizerStage::new(config)).await?;
    Ok(())
}
