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
//! A kill (`pubStatus: canceled`) marks the whole family. The original is the earliest agency
//! copy, else the earliest copy.

use crate::config::EnricherConfig;
use crate::features::{self, UpdateMarker};
use crate::index::{EARLIER_VERSIONS_KEPT, Entry, Index};
use crate::minhash;
use crate::story::Stories;
use chrono::{DateTime, Utc};
use wire_model::{ArticleId, Change, Envelope, FamilyId, PubStatus, content_hash};

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
}

struct Features {
    state_hash: String,
    signature: Vec<minhash::Value>,
    shingle_count: u32,
    key_tokens: Vec<u32>,
    headline_hash: u32,
    paragraphs: Vec<u32>,
    marker: Option<UpdateMarker>,
    exact_only: bool,
}

fn features(envelope: &Envelope) -> Features {
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
    let (mut words, paragraphs) = features::body_words_and_paragraphs(body);
    let exact_only = words.len() < features::MIN_WORDS_FOR_NEAR_DUPLICATES;
    if exact_only {
        words.append(&features::Words::of(&stripped_headline));
    }
    let shingles = features::shingles(&words);
    Features {
        state_hash,
        signature: minhash::signature(&shingles),
        shingle_count: shingles.len() as u32,
        key_tokens: features::key_tokens(body),
        headline_hash: features::headline_hash(&stripped_headline),
        paragraphs,
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
            config,
            index: Index::default(),
            stories: Stories::default(),
        }
    }

    /// Articles in the index.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Puts back an entry persisted by an earlier run.
    pub fn restore(&mut self, entry: Entry) {
        self.stories.observe(&entry.key_tokens);
        if entry.is_original
            && let Some(story) = &entry.story
        {
            self.stories
                .add(story, &entry.key_tokens, entry.first_created);
        }
        self.index.upsert(entry);
    }

    /// Takes in an entry another enricher instance wrote (see
    /// [`wire_runtime::Stage::apply_state_changes`]), unless this index already holds the same
    /// or a later version of the article (a late echo of a write the partition's new owner has
    /// since superseded). Returns whether it was taken.
    pub fn merge_remote(&mut self, entry: Entry) -> bool {
        if self
            .index
            .by_uri(&entry.uri)
            .is_some_and(|held| held.version_seq() >= entry.version_seq)
        {
            return false;
        }
        self.restore(entry);
        true
    }

    /// Classifies `envelope` and returns it with `wire.family`, `version_seq`, `duplicate_of`,
    /// `similarity`, `is_original`, `version_of`, `change` and `enriched_at` set.
    pub fn process(&mut self, mut envelope: Envelope, now: DateTime<Utc>) -> Verdict {
        let features = features(&envelope);
        let uri = envelope.article.uri.clone();
        let source = envelope.wire.source.as_str().to_owned();
        let agency = self.config.agency_sources.contains(&source);
        let first_created = envelope
            .article
            .first_created
            .unwrap_or(envelope.wire.fetched_at)
            .timestamp();
        let canceled = envelope.article.pub_status == Some(PubStatus::Canceled);

        let relation = match self.index.by_uri(&uri) {
            // The current version again, or an earlier one re-sent late: nothing new.
            Some(known) if known.has_content(&features.state_hash) => return Verdict::Resend,
            Some(known) => Relation::VersionOfSameUri(known.entry()),
            None => self.match_other(&features, &source),
        };

        let mut changed = Vec::new();
        let wire = &mut envelope.wire;
        wire.enriched_at = Some(now);
        wire.content_hash
            .get_or_insert_with(|| features.state_hash.clone());
        let mut entry = Entry {
            uri: uri.clone(),
            family: FamilyId::founded_by(&ArticleId::new(uri.clone())),
            source,
            agency,
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
            urgency: envelope.article.urgency,
            canceled,
            first_created,
            indexed_at: now.timestamp(),
            exact_only: features.exact_only,
            story: None,
        };
        let mut kinship = match relation {
            Relation::VersionOfSameUri(_) => Kinship::Version,
            Relation::VersionOfUpdatedItem(_) => Kinship::UpdatedItem,
            Relation::DuplicateOf(..) => Kinship::Pickup,
            Relation::New => Kinship::NewFamily,
        };
        let new_article = !matches!(relation, Relation::VersionOfSameUri(_));
        if new_article {
            self.stories.observe(&features.key_tokens);
        }
        match relation {
            Relation::VersionOfSameUri(previous) | Relation::VersionOfUpdatedItem(previous) => {
                let change = change_summary(&previous, &entry, features.marker, canceled);
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
                    wire.version_of = Some(previous.uri.clone());
                }
                entry.story = previous.story.clone();
                wire.change = Some(change);
            }
            Relation::DuplicateOf(matched, similarity) => {
                entry.family = matched.family.clone();
                entry.story = matched.story.clone();
                let original_uri = matched.duplicate_of.clone().unwrap_or(matched.uri.clone());
                let original = self.index.by_uri(&original_uri).map(|view| view.entry());
                let replaces_original = original
                    .as_ref()
                    .is_some_and(|o| (agency, -first_created) > (o.agency, -o.first_created));
                match original {
                    Some(mut old) if replaces_original => {
                        // This copy is earlier (or the agency's own): it is the original now.
                        old.is_original = false;
                        old.duplicate_of = Some(uri.clone());
                        changed.push(old.clone());
                        self.index.upsert(old);
                    }
                    _ => {
                        entry.is_original = false;
                        entry.duplicate_of = Some(original_uri);
                        wire.similarity = Some(similarity);
                    }
                }
            }
            Relation::New => {
                let window = self.config.story_window_hours as i64 * 3600;
                let joined = self
                    .stories
                    .best_match(
                        &features.key_tokens,
                        first_created,
                        window,
                        self.config.story_min_coverage,
                    )
                    .map(|(story, _)| story);
                if joined.is_some() {
                    kinship = Kinship::StoryJoined;
                }
                let story = joined
                    .unwrap_or_else(|| entry.family.as_str().replacen("family:", "story:", 1));
                self.stories
                    .add(&story, &features.key_tokens, first_created);
                entry.story = Some(story);
            }
        }
        wire.story = entry.story.clone();
        wire.family = Some(entry.family.clone());
        wire.version_seq = Some(entry.version_seq);
        wire.is_original = Some(entry.is_original);
        wire.duplicate_of = entry.duplicate_of.clone();
        if canceled {
            self.index.cancel_family(&entry.family);
        }
        changed.push(entry.clone());
        self.index.upsert(entry);
        let oldest = now.timestamp() - (self.config.window_hours as i64) * 3600;
        let evicted = self.index.evict(oldest, self.config.dedup_capacity);
        self.stories.evict(oldest);
        Verdict::Enriched {
            envelope: Box::new(envelope),
            kinship,
            changed,
            evicted,
        }
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

fn change_summary(
    previous: &Entry,
    current: &Entry,
    marker: Option<UpdateMarker>,
    canceled: bool,
) -> Change {
    let added = current
        .paragraphs
        .iter()
        .filter(|p| !previous.paragraphs.contains(p))
        .count() as u32;
    let removed = previous
        .paragraphs
        .iter()
        .filter(|p| !current.paragraphs.contains(p))
        .count() as u32;
    let headline_changed = previous.headline_hash != current.headline_hash;
    let urgency_raised = match (previous.urgency, current.urgency) {
        (Some(before), Some(after)) => after < before,
        (None, Some(_)) => false,
        _ => false,
    };
    let kill = canceled && !previous.canceled;
    let correction = marker == Some(UpdateMarker::Correction);
    Change {
        from_version: previous.version_seq,
        headline_changed,
        paragraphs_added: added,
        paragraphs_removed: removed,
        urgency_raised,
        kill,
        correction,
        material: headline_changed || urgency_raised || kill || correction || added + removed > 0,
        ..Change::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_verdict_labels_are_a_small_fixed_set() {
        let mut labels: Vec<&str> = Kinship::ALL.iter().map(|kinship| kinship.label()).collect();
        labels.push(Verdict::Resend.label());
        let distinct: HashSet<&str> = labels.iter().copied().collect();
        assert_eq!(distinct.len(), labels.len(), "{labels:?}");
        assert_eq!(
            distinct,
            HashSet::from([
                "resend",
                "version",
                "updated_item",
                "pickup",
                "new_family",
                "story_joined"
            ])
        );
    }
}
