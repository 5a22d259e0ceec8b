//! Pure: the newsroom invariants checked on the records an enricher published for a stream of
//! known copies (see [`crate::newsroom`]). A consumer keeps the latest record of every `uri`
//! (by `wire.version_seq`, kill notices and handovers included); on those:
//!
//! - no copy of a killed story that the enricher put in the killed family is usable (copies
//!   it did not put there are dedup misses, counted apart);
//! - every record of an embargoed story published before the lift carries `embargoedUntil`
//!   (counted apart when no copy carrying the embargo had reached the enricher yet, or dedup
//!   did not put the record in the embargoed family); every
//!   outlet pickup published before the lift is flagged `wire.embargo_broken`, and nothing else;
//! - every family has exactly one `is_original`, the agency's copy when the family holds one.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use wire_corpus::newsroom::{Role, StoryEvents};
use wire_model::{Envelope, PubStatus, notice};

/// How many examples each count keeps.
pub const EXAMPLES: usize = 3;

/// A count and its first few examples.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Count {
    pub count: usize,
    pub examples: Vec<String>,
}

impl Count {
    fn add(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(example());
        }
    }
}

/// What is known of one `uri` of the stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GoldCopy {
    pub story: u32,
    pub role: Role,
    /// Its `versionCreated` (the first version's), in the run's frame.
    pub published: DateTime<Utc>,
}

/// One record the enricher published, with the input that caused it.
#[derive(Debug, Clone)]
pub struct Published {
    /// Index of the input in the stream.
    pub input: usize,
    pub envelope: Envelope,
}

impl Published {
    fn notice(&self) -> Option<&str> {
        self.envelope.wire.notice.as_deref()
    }
}

/// The violations and the counts they are out of.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Checks {
    /// Copies (uris) of killed stories.
    pub killed_story_copies: usize,
    /// Latest records in the killed family that are not canceled.
    pub usable_copies_of_killed_stories: Count,
    /// Copies of a killed story that the enricher did not put in the killed family (dedup
    /// recall, not a kill failure); `usable` of them are still usable.
    pub killed_story_copies_outside_the_family: Count,
    /// Latest records of stories nobody killed that are canceled.
    pub canceled_without_a_kill: Count,
    /// Article records of embargoed stories published before the lift, once a copy carrying
    /// the embargo had reached the enricher.
    pub embargo_records_checked: usize,
    pub records_without_the_embargo: Count,
    /// Records of embargoed stories before the lift that the enricher did not put in the
    /// family holding the embargo (dedup misses, not embargo failures).
    pub embargo_records_outside_the_family: Count,
    /// Handover notices, in the embargoed family, of copies published before the lift,
    /// without `embargoedUntil`.
    pub notices_without_the_embargo: Count,
    /// Records published before the lift that reached the enricher before any copy carrying
    /// the embargo (nothing could know it then).
    pub embargo_not_yet_known: usize,
    pub pickups_before_the_lift: usize,
    pub broken_embargoes_not_flagged: Count,
    pub false_embargo_flags: Count,
    /// Copies of other stories flagged because dedup put them in an embargoed family.
    pub embargo_flags_from_another_story: Count,
    pub families: usize,
    pub families_without_an_original: Count,
    /// Families with several originals, besides those below.
    pub families_with_several_originals: Count,
    /// Families whose other originals are items the enricher took as the next version of
    /// another item under their own uri (`wire.version_of`: agency updates, corrected
    /// re-sends), which keep `is_original: true` beside it.
    pub agency_updates_as_second_original: Count,
    pub families_whose_original_is_not_the_agency_copy: Count,
    pub handover_notices: usize,
    /// Late agency copies that were the original of their family in the end, of all.
    pub late_agency_copies_original: (usize, usize),
    pub late_agency_copies_not_original: Count,
}

impl Checks {
    /// The sum of the violation counts (dedup misses and unknowable embargoes excluded).
    pub fn violations(&self) -> usize {
        self.usable_copies_of_killed_stories.count
            + self.records_without_the_embargo.count
            + self.notices_without_the_embargo.count
            + self.broken_embargoes_not_flagged.count
            + self.false_embargo_flags.count
            + self.families_without_an_original.count
            + self.families_with_several_originals.count
            + self.agency_updates_as_second_original.count
            + self.families_whose_original_is_not_the_agency_copy.count
    }
}

/// The latest record of every uri: the highest `version_seq`, the later of two equal ones.
pub fn latest_by_uri(records: &[Published]) -> HashMap<&str, &Published> {
    let mut latest: HashMap<&str, &Published> = HashMap::new();
    for record in records {
        let uri = record.envelope.article.uri.as_str();
        let newer = latest
            .get(uri)
            .is_none_or(|held| held.envelope.wire.version_seq <= record.envelope.wire.version_seq);
        if newer {
            latest.insert(uri, record);
        }
    }
    latest
}

/// A record as an example: what the enricher said, then what the stream knows of the copy.
fn describe(
    record: &Envelope,
    gold: &HashMap<String, GoldCopy>,
    events: &HashMap<u32, StoryEvents>,
) -> String {
    let known = gold
        .get(&record.article.uri)
        .map(|copy| {
            let story = events.get(&copy.story).copied().unwrap_or_default();
            format!(
                " [gold story {} {:?}, published {}{}{}{}]",
                copy.story,
                copy.role,
                copy.published.format("%Y-%m-%d %H:%M"),
                story
                    .killed_at
                    .map(|at| format!(", killed {}", at.format("%Y-%m-%d %H:%M")))
                    .unwrap_or_default(),
                story
                    .embargoed_until
                    .map(|at| format!(", embargoed until {}", at.format("%Y-%m-%d %H:%M")))
                    .unwrap_or_default(),
                if story.late_agency_copy {
                    ", agency copy late"
                } else {
                    ""
                }
            )
        })
        .unwrap_or_default();
    format!(
        "{} v{} family {} original {:?} status {:?}{}{}{}: {:?}{known}",
        record.article.uri,
        record.wire.version_seq.unwrap_or(0),
        record.wire.family.as_ref().map_or("-", |f| f.as_str()),
        record.wire.is_original,
        record.article.pub_status,
        record
            .wire
            .notice
            .as_deref()
            .map(|n| format!(" notice {n}"))
            .unwrap_or_default(),
        record
            .article
            .embargoed_until
            .map(|u| format!(" embargoed until {}", u.format("%Y-%m-%d %H:%M")))
            .unwrap_or_default(),
        record
            .wire
            .killed_by
            .as_deref()
            .map(|k| format!(" killed by {k}"))
            .unwrap_or_default(),
        record
            .article
            .headline()
            .unwrap_or_default()
            .chars()
            .take(50)
            .collect::<String>()
    )
}

/// Checks `records` (in publication order) against the gold copies and story events; `shift`
/// is how far the run's article times are before the events' (zero live).
pub fn check(
    records: &[Published],
    gold: &HashMap<String, GoldCopy>,
    events: &HashMap<u32, StoryEvents>,
    shift: Duration,
) -> Checks {
    let mut checks = Checks::default();
    let latest = latest_by_uri(records);
    check_kills(&mut checks, records, &latest, gold, events);
    check_embargoes(&mut checks, records, gold, events, shift);
    check_originals(&mut checks, records, &latest, gold, events);
    checks
}

fn check_kills(
    checks: &mut Checks,
    records: &[Published],
    latest: &HashMap<&str, &Published>,
    gold: &HashMap<String, GoldCopy>,
    events: &HashMap<u32, StoryEvents>,
) {
    // The family each story's kill landed in.
    let mut killed_family: HashMap<u32, &str> = HashMap::new();
    for record in records.iter().filter(|r| r.notice().is_none()) {
        let envelope = &record.envelope;
        if envelope.article.pub_status == Some(PubStatus::Canceled)
            && let Some(copy) = gold.get(&envelope.article.uri)
            && copy.role == Role::Original
            && let Some(family) = &envelope.wire.family
        {
            killed_family.entry(copy.story).or_insert(family.as_str());
        }
    }
    for (uri, copy) in gold {
        let Some(record) = latest.get(uri.as_str()) else {
            continue;
        };
        let envelope = &record.envelope;
        let canceled = envelope.article.pub_status == Some(PubStatus::Canceled);
        let killed = events
            .get(&copy.story)
            .is_some_and(|e| e.killed_at.is_some());
        if !killed {
            if canceled {
                checks
                    .canceled_without_a_kill
                    .add(|| describe(envelope, gold, events));
            }
            continue;
        }
        checks.killed_story_copies += 1;
        let family = envelope.wire.family.as_ref().map(|f| f.as_str());
        if family.is_some() && family == killed_family.get(&copy.story).copied() {
            if !canceled {
                checks
                    .usable_copies_of_killed_stories
                    .add(|| describe(envelope, gold, events));
            }
        } else {
            checks
                .killed_story_copies_outside_the_family
                .add(|| format!("{:?} {}", copy.role, describe(envelope, gold, events)));
        }
    }
}

fn check_embargoes(
    checks: &mut Checks,
    records: &[Published],
    gold: &HashMap<String, GoldCopy>,
    events: &HashMap<u32, StoryEvents>,
    shift: Duration,
) {
    // The first input that carried each story's embargo, and the family it went to.
    let mut known_from: HashMap<u32, (usize, &str)> = HashMap::new();
    for record in records.iter().filter(|r| r.notice().is_none()) {
        if let Some(copy) = gold.get(&record.envelope.article.uri)
            && copy.role == Role::Original
            && record.envelope.article.embargoed_until.is_some()
            && let Some(family) = &record.envelope.wire.family
        {
            known_from
                .entry(copy.story)
                .or_insert((record.input, family.as_str()));
        }
    }
    // The stories whose embargo each family holds.
    let embargoed_families: HashMap<&str, u32> = known_from
        .iter()
        .map(|(story, (_, family))| (*family, *story))
        .collect();
    let until_of = |story: u32| {
        events
            .get(&story)
            .and_then(|e| e.embargoed_until)
            .map(|until| until - shift)
    };
    for record in records {
        let envelope = &record.envelope;
        let Some(copy) = gold.get(&envelope.article.uri) else {
            continue;
        };
        let until = until_of(copy.story);
        let family = envelope.wire.family.as_ref().map(|f| f.as_str());
        let in_embargoed_family =
            family.is_some() && family == known_from.get(&copy.story).map(|(_, family)| *family);
        match record.notice() {
            // The copy's own publication time decides whether it was out before the lift.
            Some(notice::ORIGINAL_HANDOVER) => {
                if until.is_some_and(|until| copy.published < until)
                    && in_embargoed_family
                    && envelope.article.embargoed_until.is_none()
                {
                    checks
                        .notices_without_the_embargo
                        .add(|| describe(envelope, gold, events));
                }
                continue;
            }
            Some(_) => continue,
            None => {}
        }
        let published = envelope.article.version_created.unwrap_or(copy.published);
        let before_lift = until.is_some_and(|until| published < until);
        let broke = before_lift && copy.role == Role::Pickup;
        if envelope.wire.embargo_broken && !broke {
            // Flagged with another story's embargo: dedup put it in that story's family.
            let other_story = family
                .and_then(|family| embargoed_families.get(family))
                .is_some_and(|story| *story != copy.story)
                || envelope
                    .article
                    .embargoed_until
                    .is_some_and(|flagged| Some(flagged) != until);
            if other_story {
                checks
                    .embargo_flags_from_another_story
                    .add(|| describe(envelope, gold, events));
            } else {
                checks
                    .false_embargo_flags
                    .add(|| describe(envelope, gold, events));
            }
        }
        if !before_lift {
            continue;
        }
        if known_from
            .get(&copy.story)
            .is_none_or(|(first, _)| record.input < *first)
        {
            checks.embargo_not_yet_known += 1;
            continue;
        }
        if !in_embargoed_family {
            checks
                .embargo_records_outside_the_family
                .add(|| describe(envelope, gold, events));
            continue;
        }
        checks.embargo_records_checked += 1;
        if envelope.article.embargoed_until.is_none() {
            checks
                .records_without_the_embargo
                .add(|| describe(envelope, gold, events));
        }
        if broke {
            checks.pickups_before_the_lift += 1;
            if !envelope.wire.embargo_broken {
                checks
                    .broken_embargoes_not_flagged
                    .add(|| describe(envelope, gold, events));
            }
        }
    }
}

fn check_originals(
    checks: &mut Checks,
    records: &[Published],
    latest: &HashMap<&str, &Published>,
    gold: &HashMap<String, GoldCopy>,
    events: &HashMap<u32, StoryEvents>,
) {
    let mut families: HashMap<&str, Vec<&Envelope>> = HashMap::new();
    for record in latest.values() {
        if let Some(family) = &record.envelope.wire.family {
            families
                .entry(family.as_str())
                .or_default()
                .push(&record.envelope);
        }
    }
    checks.families = families.len();
    let versions_of_other_items: HashSet<&str> = records
        .iter()
        .filter(|r| r.envelope.wire.version_of.is_some())
        .map(|r| r.envelope.article.uri.as_str())
        .collect();
    let mut names: Vec<&&str> = families.keys().collect();
    names.sort();
    for family in names {
        let members = &families[*family];
        let originals: Vec<&&Envelope> = members
            .iter()
            .filter(|m| m.wire.is_original == Some(true))
            .collect();
        let is_agency = |uri: &str| gold.get(uri).is_some_and(|c| c.role.from_agency());
        let list = || {
            format!(
                "{family}: {}",
                members
                    .iter()
                    .map(|m| describe(m, gold, events))
                    .collect::<Vec<_>>()
                    .join(" | ")
            )
        };
        match originals.len() {
            0 => checks.families_without_an_original.add(list),
            1 => {
                if !is_agency(&originals[0].article.uri)
                    && members.iter().any(|m| is_agency(&m.article.uri))
                {
                    checks
                        .families_whose_original_is_not_the_agency_copy
                        .add(list);
                }
            }
            _ => {
                // The original plus items taken as its next versions under their own uri.
                let non_updates = originals
                    .iter()
                    .filter(|m| !versions_of_other_items.contains(m.article.uri.as_str()))
                    .count();
                if non_updates == 1 {
                    checks.agency_updates_as_second_original.add(list);
                } else {
                    checks.families_with_several_originals.add(list);
                }
            }
        }
    }
    checks.handover_notices = records
        .iter()
        .filter(|r| r.notice() == Some(notice::ORIGINAL_HANDOVER))
        .count();
    for (uri, copy) in gold {
        if copy.role == Role::Original
            && events.get(&copy.story).is_some_and(|e| e.late_agency_copy)
        {
            checks.late_agency_copies_original.1 += 1;
            let original = latest
                .get(uri.as_str())
                .is_some_and(|r| r.envelope.wire.is_original == Some(true));
            checks.late_agency_copies_original.0 += usize::from(original);
            if !original && let Some(record) = latest.get(uri.as_str()) {
                checks
                    .late_agency_copies_not_original
                    .add(|| describe(&record.envelope, gold, events));
            }
        }
    }
}

#[cfg(test)]
#[path = "newsroom_checks_tests.rs"]
mod tests;
