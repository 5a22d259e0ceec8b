//! Pure: the lineage of an article. Is it a re-send, a new version of an item, a pickup
//! (near-duplicate) of a story already seen, or the original of a new story family?
//!
//! - the same `uri` with the same content (and status and urgency): a re-send;
//! - the same `uri` with new content: the item's next version, with a change summary;
//! - an agency update sent as a new item (`UPDATE 2-…`, `(Writethru)`) that matches an item of
//!   the same source: that item's next version (`wire.version_of`);
//! - the same text under another `uri`, or a near-duplicate (MinHash LSH candidates verified
//!   by shingle containment and by the numbers and names they share): a duplicate of the
//!   family's original;
//! - anything else: the original of a new family.
//!
//! Then what editors hold the wire to ([`newsroom`]): a kill by the family's original or an
//! agency withdraws every copy (kill notices for the copies already out, later copies come out
//! canceled) until the agency sends the story again as usable; a copy published before its
//! family's embargo lifts is flagged; the original is the earliest agency copy, else the
//! earliest copy, and the copy that loses it gets a record saying so.
//!
//! Time is the stream's own: an article's event time is its `versionCreated` (else
//! `firstCreated`) no later than when it was fetched, and the windows (the index, stories)
//! advance with the latest event time seen, so a replayed archive gives what live copy gave.

use crate::agencies::{Agencies, Provenance};
use crate::change;
use crate::config::EnricherConfig;
use crate::features::{self, UpdateMarker};
use crate::index::{EARLIER_VERSIONS_KEPT, Entry, Index};
use crate::minhash;
use crate::newsroom;
use crate::story::{Stories, StoryInput, StoryScoring};
use crate::story_record::{restored_member, story_member, story_record};
use crate::story_terms;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use wire_model::{
    ArticleId, Change, Envelope, FamilyId, PubStatus, StoryChange, StoryRecord, content_hash,
    notice,
};

/// What the lineage core decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The same content of the same article again: nothing to publish.
    Resend,
    /// The envelope with its lineage set, how it relates to what came before, and the index
    /// entries that changed (to persist).
    Enriched {
        envelope: Box<Envelope>,
        kinship: Kinship,
        changed: Vec<Entry>,
        evicted: Vec<String>,
        /// Families the window has no entry of any more (their story terms can go).
        ended_families: Vec<String>,
        /// Records for other copies of the family: kill notices, an original's handover.
        notices: Vec<Envelope>,
        /// What changed in the family's story (`wire.stories.v1`): a new story, a new member,
        /// a merge, a kill.
        stories: Vec<StoryRecord>,
        /// Story ids that name another story from now on (merged into it): (merged, into).
        merges: Vec<(String, String)>,
        /// Story ids merged into a story that has left the window: they name nothing now.
        ended_merges: Vec<String>,
    },
}

impl Verdict {
    /// A bounded label of the decision, for metrics: `resend` or the [`Kinship`] label.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Resend => "resend",
            Verdict::Enriched { kinship, .. } => kinship.label(),
        }
    }
}

/// How an enriched article relates to the articles the index held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kinship {
    /// The next version of an article with the same `uri`.
    Version,
    /// An agency update sent as a new item: the next version of an item of the same source
    /// (`wire.version_of`).
    UpdatedItem,
    /// A copy or near-duplicate of an article already seen: joins its family.
    Pickup,
    /// The original of a new family and of a new story.
    NewFamily,
    /// The original of a new family whose event is a story already seen.
    StoryJoined,
}

impl Kinship {
    /// Every kinship, in declaration order (the label test checks each has its own label).
    #[cfg(test)]
    const ALL: [Kinship; 5] = [
        Kinship::Version,
        Kinship::UpdatedItem,
        Kinship::Pickup,
        Kinship::NewFamily,
        Kinship::StoryJoined,
    ];

    /// A bounded label for metrics.
    pub fn label(self) -> &'static str {
        match self {
            Kinship::Version => "version",
            Kinship::UpdatedItem => "updated_item",
            Kinship::Pickup => "pickup",
            Kinship::NewFamily => "new_family",
            Kinship::StoryJoined => "story_joined",
        }
    }
}

/// The lineage core: the index and its settings.
#[derive(Debug)]
pub struct Lineage {
    config: EnricherConfig,
    index: Index,
    stories: Stories,
    agencies: Agencies,
    /// The stream's time: the latest event time seen (seconds since the epoch).
    clock: i64,
    /// The embargo of each family any copy of which carried one (seconds since the epoch),
    /// until the window passes it: every copy of the family keeps it while it holds.
    embargoes: HashMap<FamilyId, i64>,
    /// Story merges read back at a restart, until [`Lineage::finish_restore`].
    restored_merges: HashMap<String, String>,
}

/// What the lineage reads of an article's text ([`features`]): pure, so the stage computes it
/// on its worker threads ([`Lineage::process_with`]).
pub struct Features {
    /// The headline without an agency update marker (`UPDATE 2-`).
    headline: String,
    state_hash: String,
    signature: Vec<minhash::Value>,
    shingle_count: u32,
    key_tokens: Vec<u32>,
    headline_hash: u32,
    paragraphs: Vec<u32>,
    lede: Vec<u8>,
    marker: Option<UpdateMarker>,
    exact_only: bool,
}

/// The lineage's [`Features`] of `envelope` (they read no tag: tagging may come before or after).
pub fn features(envelope: &Envelope) -> Features {
    let article = &envelope.article;
    let headline = article.headline().unwrap_or_default();
    let (stripped_headline, headline_marker) = features::strip_update_marker(headline);
    let slug_marker = article
        .slugline
        .as_deref()
        .and_then(|slug| features::strip_update_marker(slug).1);
    let body = article.body_text().unwrap_or_default();
    let text_hash = envelope.wire.content_hash.clone().unwrap_or_else(|| {
        content_hash(&format!(
            "{}\n{}",
            features::Words::of(&stripped_headline).joined(),
            features::Words::of(body).joined()
        ))
    });
    // Status and urgency are part of what makes a re-send a re-send.
    let state_hash = format!(
        "{text_hash}:{:?}:{:?}",
        article.pub_status.unwrap_or(PubStatus::Usable),
        article.urgency
    );
    let features::BodyWords {
        mut words,
        paragraphs,
        lede,
    } = features::BodyWords::of(body);
    let exact_only = words.len() < features::MIN_WORDS_FOR_NEAR_DUPLICATES;
    if exact_only {
        words.append(&features::Words::of(&stripped_headline));
    }
    let shingles = features::shingles(&words);
    Features {
        state_hash,
        signature: minhash::signature(&shingles),
        shingle_count: shingles.len() as u32,
        key_tokens: features::key_tokens(body, article.language.as_deref()),
        headline_hash: features::headline_hash(&stripped_headline),
        headline: stripped_headline,
        paragraphs,
        lede,
        marker: headline_marker.or(slug_marker),
        exact_only,
    }
}

/// How a new article relates to what the index holds.
enum Relation {
    VersionOfSameUri(Entry),
    VersionOfUpdatedItem(Entry),
    DuplicateOf(Entry, f32),
    New,
}

impl Lineage {
    pub fn new(config: EnricherConfig) -> Self {
        Self {
            index: Index::default(),
            stories: Stories::default(),
            agencies: Agencies::new(&config.agencies, &config.agency_sources),
            config,
            clock: i64::MIN,
            embargoes: HashMap::new(),
            restored_merges: HashMap::new(),
        }
    }

    /// The story a story id names now (itself, or the story it was merged into).
    pub fn current_story<'a>(&'a self, id: &'a str) -> &'a str {
        self.stories.current(id).unwrap_or(id)
    }

    /// Articles in the index.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Puts back, before the entries, that story `merged` was merged into story `into`.
    pub fn restore_merge(&mut self, merged: String, into: String) {
        self.restored_merges.insert(merged, into);
    }

    /// Ends a restart: the merges put back name their stories from now on (those whose story
    /// has left the window are returned: they name nothing now).
    pub fn finish_restore(&mut self) -> Vec<String> {
        let mut ended = Vec::new();
        for (merged, into) in std::mem::take(&mut self.restored_merges) {
            if !self.stories.restore_merge(&merged, &into) {
                ended.push(merged);
            }
        }
        ended
    }

    /// Puts back an entry persisted by an earlier run (with its family's story terms put back
    /// if it holds them: [`Entry::put_back_story_terms`]).
    pub fn restore(&mut self, entry: Entry) {
        self.clock = self.clock.max(entry.indexed_at);
        if let Some(until) = entry.embargoed_until {
            self.note_embargo(&entry.family, until);
        }
        // A family's first copy and its versions hold its story terms (entries written before
        // there were any have the names and numbers alone).
        if self.config.story_clusters && (!entry.story_words.is_empty() || entry.is_original) {
            let story_input = StoryInput {
                names: &entry.key_tokens,
                words: &entry.story_words,
                years: &entry.story_years,
            };
            self.stories.observe(story_input);
            if entry.is_original
                && let Some(story) = &entry.story
            {
                let story = self.restored_merges.get(story).unwrap_or(story);
                let member = restored_member(&entry);
                self.stories
                    .add(story, story_input, &member, entry.first_created);
            }
        }
        self.index.upsert(entry);
    }

    /// Takes in an entry another enricher instance wrote (see
    /// [`wire_runtime::Stage::apply_state_changes`]), unless this index already holds a later
    /// version of the article (a late echo of a write the partition's new owner has since
    /// superseded) or the same entry. Returns whether it was taken.
    pub fn merge_remote(&mut self, entry: Entry) -> bool {
        // The same version with another status is a kill or its lifting, which leaves the
        // version number as it is.
        if self.index.by_uri(&entry.uri).is_some_and(|held| {
            held.version_seq() > entry.version_seq
                || (held.version_seq() == entry.version_seq
                    && held.entry().same_apart_from_story_terms(&entry))
        }) {
            return false;
        }
        self.restore(entry);
        true
    }

    /// Classifies `envelope` and returns it with `wire.family`, `version_seq`, `duplicate_of`,
    /// `similarity`, `is_original`, `version_of`, `change`, `agency`, `from_agency`,
    /// `killed_by`, `embargo_broken` and `enriched_at` set, and the records it causes for
    /// other copies.
    pub fn process(&mut self, envelope: Envelope, now: DateTime<Utc>) -> Verdict {
        let features = features(&envelope);
        self.process_with(envelope, features, now)
    }

    /// [`Lineage::process`] with the article's [`features`] computed already.
    pub fn process_with(
        &mut self,
        mut envelope: Envelope,
        features: Features,
        now: DateTime<Utc>,
    ) -> Verdict {
        let uri = envelope.article.uri.clone();
        let source = envelope.wire.source.as_str().to_owned();
        let provenance = self.agencies.provenance(&envelope);
        let times = newsroom::EventTimes::of(&envelope, now);
        self.clock = self.clock.max(times.event);
        let canceled = envelope.article.pub_status == Some(PubStatus::Canceled);

        let relation = match self.index.by_uri(&uri) {
            // The current version again, or an earlier one re-sent late: nothing new.
            Some(known) if known.has_content(&features.state_hash) => return Verdict::Resend,
            Some(known) => Relation::VersionOfSameUri(known.entry()),
            None => self.match_other(&features, &source),
        };

        let mut changed = Vec::new();
        let mut notices = Vec::new();
        let mut story_records = Vec::new();
        let mut merges = Vec::new();
        envelope.wire.enriched_at = Some(now);
        envelope
            .wire
            .content_hash
            .get_or_insert_with(|| features.state_hash.clone());
        envelope.wire.agency = provenance.agency.clone();
        envelope.wire.from_agency = provenance.from_agency;
        let mut entry = new_entry(&envelope, &features, &provenance, &times, canceled);
        let related = match &relation {
            Relation::VersionOfSameUri(entry)
            | Relation::VersionOfUpdatedItem(entry)
            | Relation::DuplicateOf(entry, _) => Some(Related::of(entry)),
            Relation::New => None,
        };
        let mut family_embargo = match &relation {
            Relation::VersionOfSameUri(entry)
            | Relation::VersionOfUpdatedItem(entry)
            | Relation::DuplicateOf(entry, _) => entry
                .embargoed_until
                .max(self.embargoes.get(&entry.family).copied()),
            Relation::New => None,
        };
        let mut kinship = match relation {
            Relation::VersionOfSameUri(_) => Kinship::Version,
            Relation::VersionOfUpdatedItem(_) => Kinship::UpdatedItem,
            Relation::DuplicateOf(..) => Kinship::Pickup,
            Relation::New => Kinship::NewFamily,
        };
        match relation {
            Relation::VersionOfSameUri(previous) | Relation::VersionOfUpdatedItem(previous) => {
                let change =
                    change::summary(&previous, &entry, features.marker, canceled, &self.config);
                entry.family = previous.family.clone();
                entry.version_seq = previous.version_seq + 1;
                if previous.uri == uri {
                    let mut earlier = previous.earlier_hashes.clone();
                    earlier.push(previous.content_hash.clone());
                    let excess = earlier.len().saturating_sub(EARLIER_VERSIONS_KEPT);
                    earlier.drain(..excess);
                    entry.earlier_hashes = earlier;
                }
                entry.is_original = previous.is_original;
                entry.duplicate_of = previous.duplicate_of.clone();
                if previous.uri != uri {
                    envelope.wire.version_of = Some(previous.uri.clone());
                    if previous.is_original {
                        // The agency's update under a new uri is the family's original now;
                        // the item it updates says so in its next record.
                        let embargo = own_or_family_embargo(&envelope, family_embargo);
                        let (notice, old) =
                            self.hand_over(previous.clone(), &envelope, embargo, now);
                        notices.push(notice);
                        changed.push(old);
                    }
                }
                entry.story = self.current_story_of(previous.story.as_deref());
                entry.holds_story_terms = previous.holds_story_terms();
                if canceled {
                    // A kill's text is an advisory: later copies still match the story's.
                    entry.keep_text_of(&previous);
                }
                envelope.wire.change = Some(change);
            }
            Relation::DuplicateOf(matched, similarity) => {
                entry.family = matched.family.clone();
                entry.story = self.current_story_of(matched.story.as_deref());
                let original = self.current_original(matched);
                family_embargo = family_embargo.max(original.embargoed_until);
                // When the family's original has left the window, the chain ends at a copy
                // that is not the original: the original stays the one that left.
                let original_in_window = original.is_original;
                let replaces_original = original_in_window
                    && (entry.agency, -entry.first_created)
                        > (original.agency, -original.first_created);
                if !original_in_window {
                    entry.is_original = false;
                    entry.duplicate_of = original.duplicate_of.or(Some(original.uri));
                    envelope.wire.similarity = Some(similarity);
                } else if replaces_original {
                    // This copy is earlier (or the agency's own): it is the original now, and
                    // the copy that was says so in its next record.
                    let embargo = own_or_family_embargo(&envelope, family_embargo);
                    let (notice, old) = self.hand_over(original, &envelope, embargo, now);
                    notices.push(notice);
                    changed.push(old);
                } else {
                    entry.is_original = false;
                    entry.duplicate_of = Some(original.uri);
                    envelope.wire.similarity = Some(similarity);
                }
            }
            Relation::New if !self.config.story_clusters => {
                entry.story = Some(entry.family.own_story());
            }
            Relation::New => {
                // Story terms are read for the first copy of a family only: copies and
                // versions take the family's story, and the corpus statistics count each
                // family once.
                let article = &envelope.article;
                let body = article.body_text().unwrap_or_default();
                let language = article.language.as_deref();
                let mut terms = story_terms::story_words(&features.headline, body, language);
                terms.extend(story_terms::story_anchors(&article.places, body, language));
                terms.extend(story_terms::language_term(language));
                terms.sort_unstable();
                entry.story_words = terms;
                entry.story_years = story_terms::story_years(&features.headline, body);
                let story_input = StoryInput {
                    names: &features.key_tokens,
                    words: &entry.story_words,
                    years: &entry.story_years,
                };
                self.stories.observe(story_input);
                let scoring = StoryScoring {
                    min_similarity: self.config.story_min_similarity,
                    names_weight: self.config.story_names_weight,
                    year_penalty: self.config.story_year_penalty,
                    min_names_similarity: self.config.story_min_names_similarity,
                    window: self.config.story_window_hours as i64 * 3600,
                    merge_ratio: self.config.story_merge_ratio,
                    same_language_merge_ratio: self.config.story_same_language_merge_ratio,
                    rejoin_ratio: self.config.story_rejoin_ratio,
                };
                let new_story = entry.family.own_story();
                let member = story_member(&envelope, &features.headline, &entry);
                let assignment = self.stories.assign(
                    &new_story,
                    story_input,
                    &member,
                    entry.first_created,
                    &scoring,
                );
                if assignment.story != new_story {
                    kinship = Kinship::StoryJoined;
                }
                if let Some(similarity) = assignment.similarity {
                    envelope.wire.story_confidence = Some(similarity.clamp(0.0, 1.0) as f32);
                }
                let change = if !assignment.merged.is_empty() {
                    StoryChange::Merged
                } else if assignment.story != new_story {
                    StoryChange::Joined
                } else {
                    StoryChange::New
                };
                merges.extend(
                    assignment
                        .merged
                        .iter()
                        .map(|merged| (merged.clone(), assignment.story.clone())),
                );
                story_records.push(story_record(
                    &assignment.story,
                    change,
                    member,
                    envelope.wire.story_confidence,
                    assignment.summary,
                    assignment.merged,
                    now,
                ));
                entry.story = Some(assignment.story);
            }
        }
        let wire = &mut envelope.wire;
        wire.story = entry.story.clone();
        wire.family = Some(entry.family.clone());
        wire.version_seq = Some(entry.version_seq);
        wire.is_original = Some(entry.is_original);
        wire.duplicate_of = entry.duplicate_of.clone();
        newsroom::apply_embargo(&mut envelope, &mut entry, family_embargo, &times);
        if let Some(until) = entry.embargoed_until {
            self.note_embargo(&entry.family, until);
        }
        let kill_records = self.apply_kill(&mut envelope, &mut entry, related.as_ref(), now);
        changed.extend(kill_records.changed);
        notices.extend(kill_records.notices);
        // A story page holds the family's headline: it keeps the family's embargo, and a
        // kill of the family's original takes the family off it.
        let embargoed_until = entry
            .embargoed_until
            .and_then(|until| DateTime::from_timestamp(until, 0));
        for record in &mut story_records {
            record.member.embargoed_until = embargoed_until;
        }
        let killed = envelope.wire.change.as_ref().is_some_and(|c| c.kill);
        if killed
            && entry.is_original
            && self.config.story_clusters
            && let Some(story) = &entry.story
        {
            let member = story_member(&envelope, &features.headline, &entry);
            let summary = self.stories.summary(story);
            story_records.push(story_record(
                story,
                StoryChange::Killed,
                member,
                None,
                summary,
                Vec::new(),
                now,
            ));
        }
        changed.push(entry.clone());
        self.index.upsert(entry);
        let oldest = self.clock - (self.config.window_hours as i64) * 3600;
        let evicted = self.index.evict(oldest, self.config.dedup_capacity);
        let (evicted, ended_families) = (evicted.uris, evicted.families);
        let ended_merges = self.stories.evict(oldest);
        self.embargoes.retain(|_, until| *until >= oldest);
        Verdict::Enriched {
            envelope: Box::new(envelope),
            kinship,
            changed,
            evicted,
            ended_families,
            notices,
            stories: story_records,
            merges,
            ended_merges,
        }
    }

    /// The story a family's story id names now (merges move families to the earlier story).
    fn current_story_of(&self, story: Option<&str>) -> Option<String> {
        story.map(|id| self.stories.current(id).unwrap_or(id).to_owned())
    }

    /// Keeps `until` as `family`'s embargo (the latest of those its copies carried).
    fn note_embargo(&mut self, family: &FamilyId, until: i64) {
        let held = self.embargoes.entry(family.clone()).or_insert(until);
        *held = (*held).max(until);
    }

    /// The family's current original, from one of its copies: the copy's original, followed
    /// through the handovers since (the copy itself when it is the original).
    fn current_original(&self, copy: Entry) -> Entry {
        let mut original = copy;
        // A handover chain is short; the bound only guards against a cycle in a corrupt store.
        for _ in 0..16 {
            let Some(next) = original.duplicate_of.as_deref() else {
                break;
            };
            match self.index.by_uri(next) {
                Some(view) => original = view.entry(),
                None => break,
            }
        }
        original
    }

    /// `old` is no longer its family's original: `cause` is. Updates its index entry (its
    /// next version, the new original's embargo if it has none) and returns the handover
    /// record for it and the entry as it is now.
    fn hand_over(
        &mut self,
        mut old: Entry,
        cause: &Envelope,
        embargo: Option<i64>,
        now: DateTime<Utc>,
    ) -> (Envelope, Entry) {
        old.is_original = false;
        old.duplicate_of = Some(cause.article.uri.clone());
        old.version_seq += 1;
        old.embargoed_until = old.embargoed_until.max(embargo);
        let notice = newsroom::notice(notice::ORIGINAL_HANDOVER, cause, &old, now);
        self.index.upsert(old.clone());
        (notice, old)
    }

    /// Kills: a kill by the family's original or an agency withdraws every copy already out
    /// (a kill notice each); a copy of a killed family comes out canceled, unless it is the
    /// agency that killed it sending the story again as usable (the kill is lifted).
    fn apply_kill(
        &mut self,
        envelope: &mut Envelope,
        entry: &mut Entry,
        related: Option<&Related>,
        now: DateTime<Utc>,
    ) -> KillRecords {
        let mut records = KillRecords::default();
        let uri = envelope.article.uri.clone();
        let family_killer = related.and_then(|related| related.killed_by.clone());
        if entry.canceled {
            let whole_family = entry.is_original
                || envelope.wire.from_agency
                || related.is_some_and(|related| related.is_original);
            let killer = match family_killer {
                Some(killer) => killer,
                None if whole_family => {
                    for member in self.index.kill_family(&entry.family, &uri, &uri) {
                        records.notices.push(newsroom::notice(
                            notice::KILL,
                            envelope,
                            &member,
                            now,
                        ));
                        records.changed.push(member);
                    }
                    uri
                }
                // An outlet withdrawing its own copy: that copy only.
                None => return records,
            };
            envelope.wire.killed_by = Some(killer.clone());
            entry.killed_by = Some(killer);
            return records;
        }
        let Some(killer) = family_killer else {
            return records;
        };
        let killed_by_this_source = self
            .index
            .by_uri(&killer)
            .is_none_or(|kill| kill.source() == entry.source);
        // Only the agency's next version of the very item it killed lifts the kill, not
        // another of its items that resembles it.
        let is_version_of_kill =
            entry.version_seq > 1 && related.is_some_and(|related| related.uri == killer);
        if envelope.wire.from_agency && killed_by_this_source && is_version_of_kill {
            records
                .changed
                .extend(self.index.reinstate_family(&entry.family));
            let from_version = related.map_or(0, |related| related.version_seq);
            let change = envelope.wire.change.get_or_insert_with(|| Change {
                from_version,
                ..Change::default()
            });
            change.reinstated = true;
            change.material = true;
        } else {
            envelope.article.pub_status = Some(PubStatus::Canceled);
            envelope.wire.killed_by = Some(killer.clone());
            entry.canceled = true;
            entry.killed_by = Some(killer);
        }
        records
    }

    /// An article with a new `uri`: a copy of something in the window, or new.
    fn match_other(&self, features: &Features, source: &str) -> Relation {
        if let Some(same) = self.index.by_content(&features.state_hash) {
            return match features.marker {
                Some(_) if same.source() == source => Relation::VersionOfUpdatedItem(same.entry()),
                _ => Relation::DuplicateOf(same.entry(), 1.0),
            };
        }
        if features.exact_only {
            return Relation::New;
        }
        let best = self
            .index
            .candidates(&features.signature)
            .into_iter()
            .filter_map(|candidate| {
                let jaccard = minhash::jaccard(&features.signature, candidate.signature());
                let containment = minhash::containment(
                    jaccard,
                    features.shingle_count as usize,
                    candidate.shingle_count() as usize,
                );
                let names_and_numbers =
                    features::key_token_containment(&features.key_tokens, candidate.key_tokens());
                (containment >= self.config.min_containment
                    && names_and_numbers >= self.config.min_key_token_containment)
                    .then_some((containment, jaccard, candidate))
            })
            // The most contained wins; of two fully contained, the most similar (an article
            // that quotes a whole short brief is a copy of its own story, not of the brief).
            .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        match best {
            Some((_, _, candidate))
                if features.marker.is_some() && candidate.source() == source =>
            {
                Relation::VersionOfUpdatedItem(candidate.entry())
            }
            Some((containment, _, candidate)) => {
                Relation::DuplicateOf(candidate.entry(), containment as f32)
            }
            None => Relation::New,
        }
    }
}

/// The embargo `envelope` carries, else its family's (seconds since the epoch).
fn own_or_family_embargo(envelope: &Envelope, family: Option<i64>) -> Option<i64> {
    envelope
        .article
        .embargoed_until
        .map(|until| until.timestamp())
        .or(family)
}

/// What the kill rules need of the entry an article was found to relate to.
struct Related {
    uri: String,
    version_seq: u32,
    is_original: bool,
    killed_by: Option<String>,
}

impl Related {
    fn of(entry: &Entry) -> Self {
        Self {
            uri: entry.uri.clone(),
            version_seq: entry.version_seq,
            is_original: entry.is_original,
            killed_by: entry.killed_by.clone(),
        }
    }
}

/// What a kill or its lifting changed beside the article itself.
#[derive(Default)]
struct KillRecords {
    /// Index entries of other copies that changed.
    changed: Vec<Entry>,
    /// Kill notices for the copies already out.
    notices: Vec<Envelope>,
}

/// The index entry of an article not yet related to anything: its own family, version 1.
fn new_entry(
    envelope: &Envelope,
    features: &Features,
    provenance: &Provenance,
    times: &newsroom::EventTimes,
    canceled: bool,
) -> Entry {
    let uri = &envelope.article.uri;
    Entry {
        uri: uri.clone(),
        family: FamilyId::founded_by(&ArticleId::new(uri.clone())),
        source: envelope.wire.source.as_str().to_owned(),
        agency: provenance.from_agency,
        content_hash: features.state_hash.clone(),
        earlier_hashes: Vec::new(),
        version_seq: 1,
        is_original: true,
        duplicate_of: None,
        signature: features
            .signature
            .iter()
            .map(|v| minhash::widen(*v))
            .collect(),
        signature_scheme: minhash::SCHEME,
        shingle_count: features.shingle_count,
        key_tokens: features.key_tokens.clone(),
        headline_hash: features.headline_hash,
        paragraphs: features.paragraphs.clone(),
        story_words: Vec::new(),
        story_years: Vec::new(),
        holds_story_terms: false,
        urgency: envelope.article.urgency,
        canceled,
        first_created: times.first_created,
        indexed_at: times.event,
        exact_only: features.exact_only,
        story: None,
        killed_by: None,
        embargoed_until: None,
        lede: features.lede.clone(),
    }
}

#[cfg(test)]
#[path = "lineage_tests.rs"]
mod tests;
