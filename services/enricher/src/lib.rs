//! The enricher: reads articles from `wire.articles.v1`, works out their lineage ([`lineage`]:
//! re-sends, versions with change summaries, near-duplicate pickups found with MinHash LSH and
//! verified, story families, kills) and publishes them to `wire.enriched.v1` keyed by family
//! id; originals and material new versions also go to `wire.originals.v1`, and every change of
//! an event cluster (new story, new member family, merge, kill) to `wire.stories.v1` as a
//! [`wire_model::StoryRecord`] keyed by story id. A kill also publishes
//! a kill notice for every copy of the family already out, and a copy that takes the family's
//! original from another publishes a handover record for it (see the README's "Editorial
//! signals").
//!
//! When `[enricher.tagging]` is on (the default), every enriched article is also tagged
//! ([`tagging`]): places with roles, IPTC Media Topics, operator story topics and trained
//! classifiers, with `wire.evidence` and `wire.regions`; configured routes copy it to a desk's
//! topic (`wire.topic.<id>.v1`).
//!
//! Modules: [`features`] (pure: words, shingles, numbers and names, update markers),
//! [`minhash`] (pure: signatures, LSH bands), `story` (pure: event clusters), `index` (the
//! window: exact and LSH lookups, eviction; its compact parts in `compact_entry`, `interner`,
//! `bands`, `postings`), `lineage` (pure: the decision), `change` (pure: what a new version
//! changed, material or not), `agencies` (pure: which wire agency a copy is), `newsroom` (pure:
//! stream time, embargoes, kill notices and original handovers), `events` (telemetry),
//! [`tagging`], [`catalog`] (where the story topic catalog comes from, the one in use, its
//! reloads) with [`catalog_watch`] (the folder watcher and `GET /story-topics` on the admin
//! port), [`config`].
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
//! input is committed (the state writes of its [`Outcome`], see [`wire_runtime::Stage::handle`]): after a crash before
//! the write, the input is redelivered and processed again (its outputs may appear twice;
//! consumers dedupe by `uri` + `wire.content_hash`); after a crash between the write and the
//! commit, the redelivered input is recognised as a re-send and dropped, its outputs already
//! being out.

mod agencies;
mod bands;
pub mod catalog;
pub mod catalog_watch;
mod change;
mod compact_entry;
pub mod config;
mod events;
pub mod features;
mod index;
mod interner;
mod lineage;
pub mod minhash;
mod newsroom;
mod postings;
mod prepare;
mod story;
mod story_record;
mod story_terms;
pub mod tagging;

pub use config::EnricherConfig;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use lineage::{Lineage, Verdict};
use prepare::{Article, ArticlePreparer, PreparedArticle, SharedTagging};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLockWriteGuard};
use wire_model::{Envelope, topics};
use wire_runtime::stage::profile::{Phase, scope};
use wire_runtime::stage::{Prepare, Prepared};
use wire_runtime::state::{self, SharedStateStore};
use wire_runtime::{Delivery, Outcome, Record, ServiceContext, Stage, StageError, StateWrite};

/// The prefix of every article's index entry key in the state store: `a:<uri>`.
const ARTICLE_ENTRY_KEY_PREFIX: &str = "a:";

/// The prefix of a story merge's key in the state store: `s:<merged story id>`, whose value
/// is the story it was merged into.
const STORY_MERGE_KEY_PREFIX: &str = "s:";

/// The prefix of a family's story terms' key in the state store: `w:<family id>`, whose
/// value is the JSON of [`index::StoryTerms`] (kept apart from the entries holding them, which
/// the index holds without them).
const STORY_TERMS_KEY_PREFIX: &str = "w:";

/// The state-store key of a family's story terms.
fn story_terms_key(family: &str) -> String {
    format!("{STORY_TERMS_KEY_PREFIX}{family}")
}

/// The story terms among `values`, by family.
fn story_terms_in<'a>(
    values: impl Iterator<Item = (&'a String, &'a [u8])>,
) -> HashMap<String, index::StoryTerms> {
    values
        .filter_map(|(key, value)| {
            let family = key.strip_prefix(STORY_TERMS_KEY_PREFIX)?;
            Some((family.to_owned(), serde_json::from_slice(value).ok()?))
        })
        .collect()
}

/// The state-store key of a story merge.
fn story_merge_key(merged: &str) -> String {
    format!("{STORY_MERGE_KEY_PREFIX}{merged}")
}

/// The state-store key of an article's index entry.
fn entry_key(uri: &str) -> String {
    format!("{ARTICLE_ENTRY_KEY_PREFIX}{uri}")
}

/// The enricher as a [`Stage`].
pub struct EnricherStage {
    lineage: Lineage,
    /// Decoding, tagging and features, on the stage's worker threads when it has several.
    preparer: Arc<ArticlePreparer>,
    originals_route: bool,
    /// Every desk topic the routes name, once: kills go to all of them.
    route_topics: Vec<String>,
    store: Option<SharedStateStore>,
}

impl EnricherStage {
    pub fn new(config: &EnricherConfig) -> Self {
        Self {
            lineage: Lineage::new(config.clone()),
            preparer: Arc::new(ArticlePreparer {
                tagging: SharedTagging::default(),
            }),
            originals_route: config.originals_route,
            route_topics: route_topics(config),
            store: None,
        }
    }

    /// An enricher that also tags articles as `config.tagging` says (loads the gazetteer, topic
    /// catalog and classifiers: a second or two), with the story topic catalog from where
    /// [`catalog::CatalogSource::find`] says with no config file.
    pub fn with_tagging(config: &EnricherConfig) -> anyhow::Result<Self> {
        let source = catalog::CatalogSource::find(&config.tagging.config_dir, None);
        Self::with_tagging_from(config, &source)
    }

    /// [`EnricherStage::with_tagging`] with the story topic catalog of `source`.
    pub fn with_tagging_from(
        config: &EnricherConfig,
        source: &catalog::CatalogSource,
    ) -> anyhow::Result<Self> {
        let mut stage = Self::new(config);
        stage.preparer = Arc::new(ArticlePreparer {
            tagging: SharedTagging::new(tagging::Tagging::load_from(&config.tagging, source)?),
        });
        Ok(stage)
    }

    /// The taggers, when tagging is on (under their lock: the stage's workers share them).
    pub fn tagging_mut(&mut self) -> Option<RwLockWriteGuard<'_, tagging::Tagging>> {
        self.preparer.tagging.write()
    }

    /// An enricher whose index is restored from, and kept in, `store`.
    pub async fn with_state(
        config: &EnricherConfig,
        store: SharedStateStore,
    ) -> anyhow::Result<Self> {
        let source = catalog::CatalogSource::find(&config.tagging.config_dir, None);
        Self::with_state_from(config, store, &source).await
    }

    /// [`EnricherStage::with_state`] with the story topic catalog of `source`.
    pub async fn with_state_from(
        config: &EnricherConfig,
        store: SharedStateStore,
        source: &catalog::CatalogSource,
    ) -> anyhow::Result<Self> {
        let mut stage = Self::with_tagging_from(config, source)?;
        let values = store
            .load_all()
            .await
            .context("failed to load the duplicate index")?;
        // Story merges first: a restored family joins the story its own was merged into.
        for (key, value) in &values {
            if let Some(merged) = key.strip_prefix(STORY_MERGE_KEY_PREFIX) {
                let into = String::from_utf8_lossy(value).into_owned();
                stage.lineage.restore_merge(merged.to_owned(), into);
            }
        }
        let mut story_terms =
            story_terms_in(values.iter().map(|(key, value)| (key, value.as_slice())));
        let mut families_held = HashSet::new();
        let mut entries = Vec::new();
        for (key, value) in values {
            if !key.starts_with(ARTICLE_ENTRY_KEY_PREFIX) {
                continue;
            }
            match serde_json::from_slice::<index::Entry>(&value) {
                Ok(entry) => entries.push(entry),
                Err(error) => events::IndexEntryUnreadable {
                    key: &key,
                    error: &error.to_string(),
                }
                .emit(),
            }
        }
        // In the order they were indexed, as they came in the first time: the window's
        // eviction order, and the stories rebuilt from the same statistics at each step.
        entries.sort_by_key(|entry| entry.indexed_at);
        let restored = entries.len();
        for mut entry in entries {
            let family = entry.family.as_str().to_owned();
            if !story_terms.contains_key(&family)
                && (!entry.story_words.is_empty() || !entry.story_years.is_empty())
            {
                let terms = index::StoryTerms {
                    words: entry.story_words.clone(),
                    years: entry.story_years.clone(),
                };
                // Written before story terms were kept apart: kept apart from now on.
                store
                    .put(&story_terms_key(&family), serde_json::to_vec(&terms).ok())
                    .await
                    .context("failed to keep a family's story terms")?;
                story_terms.insert(family.clone(), terms);
            }
            entry.put_back_story_terms(story_terms.get(&family));
            families_held.insert(family);
            stage.lineage.restore(entry);
        }
        for family in story_terms.keys() {
            if !families_held.contains(family) {
                store
                    .put(&story_terms_key(family), None)
                    .await
                    .context("failed to forget the story terms of a family with no entries")?;
            }
        }
        let ended = stage.lineage.finish_restore();
        if !ended.is_empty() {
            for merged in &ended {
                store
                    .put(&story_merge_key(merged), None)
                    .await
                    .context("failed to forget a story merge that has left the window")?;
            }
        }
        events::IndexRestored { articles: restored }.emit();
        stage.store = Some(store);
        Ok(stage)
    }

    /// The story a story id names now (itself, or the story it was merged into).
    pub fn current_story<'a>(&'a self, id: &'a str) -> &'a str {
        self.lineage.current_story(id)
    }

    /// Articles in the index.
    pub fn indexed(&self) -> usize {
        self.lineage.len()
    }

    /// Where a record for another copy goes: `wire.enriched.v1`; `wire.originals.v1` when it
    /// concerns a copy that was there (the original's handover, the original's kill); and a
    /// kill notice to every desk topic.
    fn notice_records(&self, notice: &Envelope) -> Vec<Record> {
        let key = record_key(notice);
        let payload = notice.encode();
        let mut records = vec![Record::new(topics::ENRICHED, key.clone(), payload.clone())];
        let handover = notice.wire.notice.as_deref() == Some(wire_model::notice::ORIGINAL_HANDOVER);
        if self.originals_route && (handover || notice.wire.is_original == Some(true)) {
            records.push(Record::new(topics::ORIGINALS, key.clone(), payload.clone()));
        }
        if !handover {
            for desk in &self.route_topics {
                records.push(Record::new(desk, key.clone(), payload.clone()));
            }
        }
        records
    }

    /// The pure core on a decoded envelope: `None` for a re-send. The stage returns its state
    /// writes to the stage loop; this entry point (evaluation) keeps them in memory only, and
    /// drops the records for other copies ([`EnricherStage::enrich_all`] keeps them).
    pub fn enrich(&mut self, envelope: Envelope, now: DateTime<Utc>) -> Option<Envelope> {
        self.enrich_all(envelope, now).into_iter().next()
    }

    /// The pure core on a decoded envelope: the enriched article first, then the records it
    /// causes for other copies of its family (kill notices, an original's handover); empty
    /// for a re-send.
    pub fn enrich_all(&mut self, envelope: Envelope, now: DateTime<Utc>) -> Vec<Envelope> {
        self.enrich_with_stories(envelope, now).0
    }

    /// [`EnricherStage::enrich_all`], and the story records the article causes
    /// (`wire.stories.v1`).
    pub fn enrich_with_stories(
        &mut self,
        mut envelope: Envelope,
        now: DateTime<Utc>,
    ) -> (Vec<Envelope>, Vec<wire_model::StoryRecord>) {
        // Tagged before its lineage: a new family's places are anchors of its story in every
        // language.
        self.preparer.tagging.tag(&mut envelope);
        match self.lineage.process(envelope, now) {
            Verdict::Resend => (Vec::new(), Vec::new()),
            Verdict::Enriched {
                envelope,
                notices,
                stories,
                ..
            } => (std::iter::once(*envelope).chain(notices).collect(), stories),
        }
    }
}

/// The desk topics of the configured routes, each once.
fn route_topics(config: &EnricherConfig) -> Vec<String> {
    let mut topics: Vec<String> = Vec::new();
    for route in &config.tagging.routes {
        if !topics.contains(&route.to) {
            topics.push(route.to.clone());
        }
    }
    topics
}

/// The family id an article's records are keyed by (its own uri before it has one).
fn record_key(envelope: &Envelope) -> String {
    envelope
        .wire
        .family
        .as_ref()
        .map(|family| family.as_str().to_owned())
        .unwrap_or_else(|| envelope.article.uri.clone())
}

/// The state writes of the entries that changed (a family's story terms apart, under its own
/// key) and of what left the window.
fn writes(
    changed: Vec<index::Entry>,
    evicted: &[String],
    ended_families: &[String],
) -> Vec<StateWrite> {
    let mut writes = Vec::with_capacity(changed.len() + evicted.len());
    for mut entry in changed {
        if let Some(terms) = entry.take_story_terms() {
            writes.push(StateWrite {
                key: story_terms_key(entry.family.as_str()),
                value: serde_json::to_vec(&terms).ok(),
            });
        }
        writes.push(StateWrite {
            key: entry_key(&entry.uri),
            value: serde_json::to_vec(&entry).ok(),
        });
    }
    writes.extend(evicted.iter().map(|uri| StateWrite {
        key: entry_key(uri),
        value: None,
    }));
    writes.extend(ended_families.iter().map(|family| StateWrite {
        key: story_terms_key(family),
        value: None,
    }));
    writes
}

impl EnricherStage {
    /// [`Stage::handle`] once the article is prepared: its lineage, state writes and records.
    fn handle_article(&mut self, article: PreparedArticle, now: DateTime<Utc>) -> Outcome {
        let Article {
            envelope,
            routes,
            features,
        } = match article {
            Ok(article) => article,
            Err(error) => return Outcome::Reject(StageError::decode(error)),
        };
        let verdict = self.lineage.process_with(envelope, features, now);
        scope(Phase::Telemetry, || {
            events::ArticleClassified {
                verdict: verdict.label(),
            }
            .emit()
        });
        let Verdict::Enriched {
            envelope: enriched,
            changed,
            evicted,
            ended_families,
            notices,
            stories,
            merges,
            ended_merges,
            ..
        } = verdict
        else {
            return Outcome::drop("resend");
        };
        let state_writes = if self.store.is_some() {
            let mut writes = scope(Phase::State, || writes(changed, &evicted, &ended_families));
            writes.extend(merges.iter().map(|(merged, into)| StateWrite {
                key: story_merge_key(merged),
                value: Some(into.as_bytes().to_vec()),
            }));
            writes.extend(ended_merges.iter().map(|merged| StateWrite {
                key: story_merge_key(merged),
                value: None,
            }));
            writes
        } else {
            Vec::new()
        };
        let key = record_key(&enriched);
        let payload = scope(Phase::Encode, || enriched.encode());
        let mut records = vec![Record::new(topics::ENRICHED, key.clone(), payload.clone())];
        let change = enriched.wire.change.as_ref();
        let is_story =
            enriched.wire.is_original == Some(true) && change.is_none_or(|change| change.material);
        if self.originals_route && is_story {
            records.push(Record::new(topics::ORIGINALS, key.clone(), payload.clone()));
        }
        // A kill goes to every desk; a copy of a killed story is no news for any desk.
        let desks = if change.is_some_and(|change| change.kill) {
            self.route_topics.clone()
        } else if enriched.wire.killed_by.is_some() {
            Vec::new()
        } else {
            routes
        };
        for desk in desks {
            records.push(Record::new(&desk, key.clone(), payload.clone()));
        }
        scope(Phase::Encode, || {
            for notice in &notices {
                records.extend(self.notice_records(notice));
            }
            for story in &stories {
                records.push(Record::new(
                    topics::STORIES,
                    story.story.clone(),
                    story.encode(),
                ));
            }
        });
        Outcome::Emit {
            records,
            state_writes,
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

    fn handle(&mut self, delivery: &Delivery, now: DateTime<Utc>) -> Outcome {
        let article = self.preparer.prepare_article(&delivery.record.payload);
        self.handle_article(article, now)
    }

    fn preparer(&self) -> Option<Arc<dyn Prepare>> {
        Some(self.preparer.clone())
    }

    fn handle_prepared(
        &mut self,
        delivery: &Delivery,
        prepared: Prepared,
        now: DateTime<Utc>,
    ) -> Outcome {
        match prepared.downcast::<PreparedArticle>() {
            Ok(article) => self.handle_article(*article, now),
            Err(_) => self.handle(delivery, now),
        }
    }

    fn state_store(&self) -> Option<SharedStateStore> {
        self.store.clone()
    }

    /// Entries other instances indexed. Their deletions (window evictions) are not applied:
    /// this index evicts by the same window on its own, and a late deletion must not remove
    /// an entry that was written again since.
    fn apply_state_changes(&mut self, changes: Vec<StateWrite>) {
        let (mut taken, mut unreadable) = (0usize, 0usize);
        let story_terms = story_terms_in(
            changes
                .iter()
                .filter_map(|change| Some((&change.key, change.value.as_deref()?))),
        );
        for entry in state::decode_values::<index::Entry>(changes, ARTICLE_ENTRY_KEY_PREFIX) {
            match entry {
                Ok(mut entry) => {
                    let terms = story_terms.get(entry.family.as_str());
                    entry.put_back_story_terms(terms);
                    taken += usize::from(self.lineage.merge_remote(entry));
                }
                Err(_) => unreadable += 1,
            }
        }
        events::EntriesOfOthersTaken { taken, unreadable }.emit();
    }
}

/// Runs the enricher until the context's shutdown, with its index in the `enricher` state
/// store. With tagging on, the story topic catalog comes from where
/// [`catalog::CatalogSource::find`] says for the context's config file, its folder is watched
/// every `reload_check_secs`, and `GET /story-topics` on the admin port shows it.
pub async fn run(config: EnricherConfig, context: ServiceContext) -> anyhow::Result<()> {
    let store = context.open_state_store("enricher").await?;
    let source =
        catalog::CatalogSource::find(&config.tagging.config_dir, context.config_file.as_deref());
    let mut stage = EnricherStage::with_state_from(&config, store, &source).await?;
    // Stops the watcher when the stage ends, whether or not the process shuts down.
    let watching = context.shutdown.child_token();
    let _stop_watching = watching.clone().drop_guard();
    if let Some(mut tagging) = stage.tagging_mut() {
        context.mount_admin_routes("enricher", catalog_watch::router(tagging.catalog().clone()));
        if let Some(watcher) = tagging.take_watcher() {
            let every = std::time::Duration::from_secs(config.tagging.reload_check_secs);
            tokio::spawn(catalog_watch::watch(watcher, every, watching));
        }
    }
    context.run_stage(stage).await?;
    Ok(())
}
