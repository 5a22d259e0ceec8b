//! The enricher: reads articles from `wire.articles.v1`, works out their lineage ([`lineage`]:
//! re-sends, versions with change summaries, near-duplicate pickups found with MinHash LSH and
//! verified, story families, kills) and publishes them to `wire.enriched.v1` keyed by family
//! id; originals and material new versions also go to `wire.stories.v1`.
//!
//! When `[enricher.tagging]` is on (the default), every enriched article is also tagged
//! ([`tagging`]): places with roles, IPTC Media Topics, operator story topics and trained
//! classifiers, with `wire.evidence` and `wire.regions`; configured routes copy it to a desk's
//! topic (`wire.topic.<id>.v1`).
//!
//! Modules: [`features`] (pure: words, shingles, numbers and names, update markers),
//! [`minhash`] (pure: signatures, LSH bands), [`story`] (pure: event clusters), [`index`] (the window: exact and LSH lookups,
//! eviction; its compact parts in [`slim`], [`interner`], [`bands`]), [`lineage`] (pure: the
//! decision), [`config`].
//!
//! Entry: [`run`]`(config, context)`, the same in every service: `main.rs` calls it with the
//! context of its [`wire_runtime::Process`], `wirefeed run` through the in-process pipeline; the
//! index is in the context's `enricher` state store.
//!
//! Delivery guarantee and state: at-least-once. The index lives in memory and in the state
//! store (one entry per article: a compacted topic in Kafka mode, a file in one process), and
//! is restored at start-up, so a restarted enricher still recognises yesterday's copy. Several
//! instances share the store: each takes in the entries the others write (every
//! `stage.state_refresh_ms`, and before handling the partitions a rebalance assigns it), so an
//! update reaching a new owner of its partition is still a version, and a pickup handled by
//! one instance finds its original indexed by another. An article's index entry is written after its outputs are acknowledged and before its
//! input is committed (see [`wire_runtime::Stage::take_state_writes`]): after a crash before
//! the write, the input is redelivered and processed again (its outputs may appear twice;
//! consumers dedupe by `uri` + `wire.content_hash`); after a crash between the write and the
//! commit, the redelivered input is recognised as a re-send and dropped, its outputs already
//! being out.

pub mod bands;
pub mod config;
pub mod features;
pub mod index;
pub mod interner;
pub mod lineage;
pub mod minhash;
pub mod postings;
pub mod slim;
pub mod story;
pub mod tagging;

pub use config::EnricherConfig;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use lineage::{Lineage, Verdict};
use std::collections::VecDeque;
use wire_model::{Envelope, topics};
use wire_runtime::state::SharedStateStore;
use wire_runtime::{Delivery, Outcome, Record, ServiceContext, Stage, StageError, StateWrite};

/// The state-store key of an article's index entry.
fn entry_key(uri: &str) -> String {
    format!("a:{uri}")
}

type Position = (String, i32, i64);

/// The enricher as a [`Stage`].
pub struct EnricherStage {
    lineage: Lineage,
    tagging: Option<tagging::Tagging>,
    stories_route: bool,
    store: Option<SharedStateStore>,
    /// State writes waiting for their delivery's outputs to be acknowledged.
    pending: VecDeque<(Position, Vec<StateWrite>)>,
}

impl EnricherStage {
    pub fn new(config: &EnricherConfig) -> Self {
        Self {
            lineage: Lineage::new(config.clone()),
            tagging: None,
            stories_route: config.stories_route,
            store: None,
            pending: VecDeque::new(),
        }
    }

    /// An enricher that also tags articles as `config.tagging` says (loads the gazetteer, topic
    /// catalog and classifiers: a second or two).
    pub fn with_tagging(config: &EnricherConfig) -> anyhow::Result<Self> {
        let mut stage = Self::new(config);
        stage.tagging = tagging::Tagging::load(&config.tagging)?;
        Ok(stage)
    }

    /// An enricher whose index is restored from, and kept in, `store`.
    pub async fn with_state(
        config: &EnricherConfig,
        store: SharedStateStore,
    ) -> anyhow::Result<Self> {
        let mut stage = Self::with_tagging(config)?;
        let values = store
            .load_all()
            .await
            .context("failed to load the duplicate index")?;
        let mut restored = 0usize;
        for (key, value) in values {
            if !key.starts_with("a:") {
                continue;
            }
            match serde_json::from_slice(&value) {
                Ok(entry) => {
                    stage.lineage.restore(entry);
                    restored += 1;
                }
                Err(error) => tracing::warn!(key, error = %error, "unreadable index entry ignored"),
            }
        }
        tracing::info!(articles = restored, "duplicate index restored");
        stage.store = Some(store);
        Ok(stage)
    }

    /// Articles in the index.
    pub fn indexed(&self) -> usize {
        self.lineage.len()
    }

    /// The pure core on a decoded envelope: `None` for a re-send. State writes are returned
    /// by the stage loop's hook; this entry point (CLI, evaluation) keeps them in memory only.
    pub fn enrich(&mut self, envelope: Envelope, now: DateTime<Utc>) -> Option<Envelope> {
        match self.lineage.process(envelope, now) {
            Verdict::Resend => None,
            Verdict::Enriched { mut envelope, .. } => {
                if let Some(tagging) = &mut self.tagging {
                    tagging.reload_if_changed();
                    tagging.apply(&mut envelope);
                }
                Some(*envelope)
            }
        }
    }
}

fn writes(changed: &[index::Entry], evicted: &[String]) -> Vec<StateWrite> {
    let mut writes: Vec<StateWrite> = changed
        .iter()
        .map(|entry| StateWrite {
            key: entry_key(&entry.uri),
            value: serde_json::to_vec(entry).ok(),
        })
        .collect();
    writes.extend(evicted.iter().map(|uri| StateWrite {
        key: entry_key(uri),
        value: None,
    }));
    writes
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
        tracing::Span::current().record("source", envelope.wire.source.as_str());
        let (mut enriched, changed, evicted) = match self.lineage.process(envelope, now) {
            Verdict::Resend => return Outcome::Drop { reason: "resend" },
            Verdict::Enriched {
                envelope,
                changed,
                evicted,
            } => (envelope, changed, evicted),
        };
        if self.store.is_some() {
            let position = (
                delivery.record.topic.clone(),
                delivery.partition,
                delivery.offset,
            );
            self.pending
                .push_back((position, writes(&changed, &evicted)));
        }
        let routes = self
            .tagging
            .as_mut()
            .map(|tagging| {
                tagging.reload_if_changed();
                tagging.apply(&mut enriched)
            })
            .unwrap_or_default();
        let key = enriched
            .wire
            .family
            .as_ref()
            .map(|f| f.as_str().to_owned())
            .unwrap_or_else(|| enriched.article.uri.clone());
        let payload = enriched.encode();
        let mut records = vec![Record::new(topics::ENRICHED, key.clone(), payload.clone())];
        let is_story = enriched.wire.is_original == Some(true)
            && enriched
                .wire
                .change
                .as_ref()
                .is_none_or(|change| change.material);
        if self.stories_route && is_story {
            records.push(Record::new(topics::STORIES, key.clone(), payload.clone()));
        }
        for route in routes {
            records.push(Record::new(&route, key.clone(), payload.clone()));
        }
        Outcome::Emit(records)
    }

    fn state_store(&self) -> Option<SharedStateStore> {
        self.store.clone()
    }

    /// Entries other instances indexed. Their deletions (window evictions) are not applied:
    /// this index evicts by the same window on its own, and a late deletion must not remove
    /// an entry that was written again since.
    fn apply_state_changes(&mut self, changes: Vec<StateWrite>) {
        let (mut taken, mut unreadable) = (0usize, 0usize);
        for change in changes {
            let (true, Some(value)) = (change.key.starts_with("a:"), change.value) else {
                continue;
            };
            match serde_json::from_slice(&value) {
                Ok(entry) => taken += usize::from(self.lineage.merge_remote(entry)),
                Err(_) => unreadable += 1,
            }
        }
        tracing::debug!(
            taken,
            unreadable,
            "index entries of other instances taken in"
        );
    }

    fn take_state_writes(&mut self, delivery: &Delivery) -> Vec<StateWrite> {
        let position = (
            delivery.record.topic.clone(),
            delivery.partition,
            delivery.offset,
        );
        match self.pending.iter().position(|(p, _)| *p == position) {
            Some(index) => self
                .pending
                .remove(index)
                .map(|(_, writes)| writes)
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

/// Runs the enricher until the context's shutdown, with its index in the `enricher` state
/// store.
pub async fn run(config: EnricherConfig, context: ServiceContext) -> anyhow::Result<()> {
    let store = context.open_state_store("enricher").await?;
    let stage = EnricherStage::with_state(&config, store).await?;
    wire_runtime::run_stage(
        stage,
        context.bus,
        &context.runtime.stage,
        context.health,
        context.shutdown,
    )
    .await?;
    Ok(())
}
