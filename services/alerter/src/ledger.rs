//! Pure: the alert ledger, which keeps alerts to once per story. Which (subscription, story
//! family) pairs were alerted, and what a new record of a family means for each subscription.
//!
//! - **New**: the first usable article of a family that matches a subscription alerts it,
//!   whether it is the family's original or a pickup (a pickup of a story whose original did
//!   not match, e.g. because the outlet added the words the desk looks for, is still news to
//!   the desk). Later copies of the family do not alert again.
//! - **Update**: a new version (`wire.change`) of the article that alerted, or of the family's
//!   original, re-alerts every subscription already alerted about the family (matching or
//!   not: a desk follows its story) when the enricher found the change material and, for
//!   changes to the body only, at least `update_min_body_change` of the wording changed
//!   ([`crate::changes`]). A version of a family not yet alerted that matches alerts as new.
//!   Versions of pickups do not re-alert.
//! - **Kill**: a kill applies to the whole family. Any canceled record of it (the kill itself,
//!   a kill notice for a copy already published, a copy that arrived after the kill: see
//!   [`crate::changes::is_canceled`]) alerts every subscription alerted about any copy of the
//!   family, once; a canceled record never alerts as new or as an update.
//! - **Reinstated**: when the agency sends the story again as usable
//!   (`wire.change.reinstated`), the subscriptions told of the kill get an update and the
//!   story flows again.
//! - A record that only hands the family's original over to another copy
//!   (`wire.notice = "original_handover"`) never alerts.
//!
//! Time is the stream's own: an article's event time is its `versionCreated`, else its
//! `firstCreated`, capped at when it was fetched (a wrong clock cannot put it in the future),
//! and the ledger's time is the latest event time seen. Entries are evicted
//! `alerted_window_hours` of stream time after their last alert, so a replay of last year's
//! archive alerts as the same copy did live.

use crate::changes;
use crate::matcher::Match;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use wire_model::{Envelope, FamilyId};

/// The prefix of every alerted pair's state-store key: `s:<subscription>:<family>`.
pub const ALERTED_PAIR_KEY_PREFIX: &str = "s:";

/// The state-store key of an alerted pair.
pub fn state_key(subscription: &str, family: &FamilyId) -> String {
    format!(
        "{ALERTED_PAIR_KEY_PREFIX}{subscription}:{}",
        family.as_str()
    )
}

/// What is remembered about an alerted (subscription, family) pair. Its times are stream
/// times (see the module doc), not when the alert was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alerted {
    pub subscription: String,
    pub family: FamilyId,
    /// The article whose alert was the first one.
    pub article_uri: String,
    /// The article and `version_seq` of the last alert: a redelivered version stays quiet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_seq: Option<u32>,
    pub first_alerted_at: DateTime<Utc>,
    pub last_alerted_at: DateTime<Utc>,
    /// The subscription was told the story was killed (and not yet that it was reinstated).
    #[serde(default)]
    pub killed: bool,
}

/// The kind of an alert: the `kind` field of [`wire_model::Alert`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    New,
    Update,
    Kill,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Update => "update",
            Self::Kill => "kill",
        }
    }
}

/// One alert to raise.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub subscription: String,
    pub kind: Kind,
    pub evidence: Vec<String>,
    /// What changed, for updates and kills: `headline rewritten`, `killed by AFP`, ...
    pub changes: Vec<String>,
}

/// What an article means: alerts to raise, state to write, or why nothing.
#[derive(Debug, Default, PartialEq)]
pub struct Decision {
    pub alerts: Vec<Planned>,
    /// Keys to set (`Some`) or delete (`None`), in order.
    pub writes: Vec<(String, Option<Alerted>)>,
    /// Why there is no alert (a bounded label), when `alerts` is empty.
    pub reason: &'static str,
}

/// The alerted pairs, by family.
#[derive(Debug)]
pub struct AlertLedger {
    entries: HashMap<FamilyId, BTreeMap<String, Alerted>>,
    /// (last alerted at, family, subscription) in the order written; stale items are skipped.
    order: VecDeque<(DateTime<Utc>, FamilyId, String)>,
    window: Duration,
    min_body_change: f64,
    /// The latest event time seen (or restored): the ledger's clock.
    stream_time: Option<DateTime<Utc>>,
}

impl AlertLedger {
    pub fn new(window_hours: u64, min_body_change: f64) -> Self {
        Self {
            entries: HashMap::new(),
            order: VecDeque::new(),
            window: i64::try_from(window_hours)
                .ok()
                .and_then(Duration::try_hours)
                .unwrap_or(Duration::MAX),
            min_body_change,
            stream_time: None,
        }
    }

    /// The ledger's clock: the latest event time seen, or of the entries restored.
    pub fn stream_time(&self) -> Option<DateTime<Utc>> {
        self.stream_time
    }

    /// Moves the clock to `at` when it is later; the clock now.
    fn advance(&mut self, at: DateTime<Utc>) -> DateTime<Utc> {
        let now = self.stream_time.map_or(at, |time| time.max(at));
        self.stream_time = Some(now);
        now
    }

    /// Puts back the entries read from the state store.
    pub fn restore(&mut self, entries: impl IntoIterator<Item = Alerted>) {
        for entry in entries {
            self.advance(entry.last_alerted_at);
            self.remember(entry);
        }
        self.order.make_contiguous().sort_by_key(|item| item.0);
    }

    /// Takes in a pair another alerter instance recorded (see
    /// [`wire_runtime::Stage::apply_state_changes`]), unless this ledger holds the same or a
    /// later alert of the pair. Returns whether it was taken.
    pub fn merge_remote(&mut self, entry: Alerted) -> bool {
        if self
            .get(&entry.subscription, &entry.family)
            .is_some_and(|held| held.last_alerted_at >= entry.last_alerted_at)
        {
            return false;
        }
        let out_of_order = self
            .order
            .back()
            .is_some_and(|(last, _, _)| *last > entry.last_alerted_at);
        self.advance(entry.last_alerted_at);
        self.remember(entry);
        if out_of_order {
            self.order.make_contiguous().sort_by_key(|item| item.0);
        }
        true
    }

    /// Alerted pairs remembered.
    pub fn len(&self) -> usize {
        self.entries.values().map(BTreeMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `subscription` was alerted about `family`.
    pub fn get(&self, subscription: &str, family: &FamilyId) -> Option<&Alerted> {
        self.entries.get(family)?.get(subscription)
    }

    /// Decides about `envelope`, which matched `matches`, at its event time. `subscribed`
    /// tells whether a subscription still exists (deleted ones get no updates or kills).
    pub fn decide(
        &mut self,
        envelope: &Envelope,
        matches: &[Match],
        subscribed: &dyn Fn(&str) -> bool,
    ) -> Decision {
        let now = self.advance(event_time(envelope));
        let mut decision = Decision {
            reason: "no_match",
            ..Decision::default()
        };
        self.evict(now, &mut decision.writes);
        if changes::is_lineage_notice(envelope) {
            decision.reason = "lineage_notice";
            return decision;
        }
        let family = family_of(envelope);
        if changes::is_canceled(envelope) {
            self.decide_kill(envelope, &family, subscribed, now, &mut decision);
            return decision;
        }
        if changes::is_reinstatement(envelope) {
            self.decide_reinstated(envelope, &family, subscribed, now, &mut decision);
        }
        let is_version = envelope.wire.change.is_some();
        let candidates = self.candidates(&family, matches, is_version, subscribed);
        if !candidates.is_empty() && decision.alerts.is_empty() {
            decision.reason = "already_alerted";
        }
        for (subscription, evidence) in candidates {
            self.decide_for(
                envelope,
                &family,
                subscription,
                evidence,
                now,
                &mut decision,
            );
        }
        decision
    }

    /// A canceled record: alerts every still subscribed subscription alerted about `family`
    /// and not yet told of the kill.
    fn decide_kill(
        &mut self,
        envelope: &Envelope,
        family: &FamilyId,
        subscribed: &dyn Fn(&str) -> bool,
        now: DateTime<Utc>,
        decision: &mut Decision,
    ) {
        let alerted: Vec<String> = self
            .entries
            .get(family)
            .map(|all| all.keys().cloned().collect())
            .unwrap_or_default();
        decision.reason = if alerted.is_empty() {
            "kill_not_alerted"
        } else {
            "killed"
        };
        for subscription in alerted {
            if !subscribed(&subscription) {
                continue;
            }
            let Some(entry) = self.touch(&subscription, family, now, |entry| {
                (!entry.killed).then(|| entry.killed = true).is_some()
            }) else {
                continue;
            };
            let copies: Vec<&str> = [Some(entry.article_uri.as_str()), entry.last_uri.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let evidence = changes::kill_evidence(envelope, &copies);
            decision
                .writes
                .push((state_key(&subscription, family), Some(entry)));
            decision.alerts.push(Planned {
                subscription,
                kind: Kind::Kill,
                evidence,
                changes: vec![changes::killed_by(envelope)],
            });
        }
    }

    /// The agency sent a killed story again as usable: an update to every still subscribed
    /// subscription told of the kill, which no longer holds for them.
    fn decide_reinstated(
        &mut self,
        envelope: &Envelope,
        family: &FamilyId,
        subscribed: &dyn Fn(&str) -> bool,
        now: DateTime<Utc>,
        decision: &mut Decision,
    ) {
        let Some(change) = envelope.wire.change.as_ref() else {
            return;
        };
        let told: Vec<String> = self
            .entries
            .get(family)
            .map(|all| {
                all.values()
                    .filter(|entry| entry.killed)
                    .map(|entry| entry.subscription.clone())
                    .collect()
            })
            .unwrap_or_default();
        for subscription in told {
            if !subscribed(&subscription) {
                continue;
            }
            let (seq, uri) = (envelope.wire.version_seq, envelope.article.uri.clone());
            let Some(entry) = self.touch(&subscription, family, now, |entry| {
                entry.killed = false;
                entry.version_seq = seq;
                entry.last_uri = Some(uri);
                true
            }) else {
                continue;
            };
            decision
                .writes
                .push((state_key(&subscription, family), Some(entry)));
            decision.alerts.push(Planned {
                subscription,
                kind: Kind::Update,
                evidence: vec!["the story you were told was killed is usable again".to_owned()],
                changes: changes::describe(change, envelope),
            });
        }
    }

    /// Subscriptions to consider, with their evidence: the matching ones, and for versions
    /// (`is_version`) those already alerted about the family.
    fn candidates(
        &self,
        family: &FamilyId,
        matches: &[Match],
        is_version: bool,
        subscribed: &dyn Fn(&str) -> bool,
    ) -> BTreeMap<String, Vec<String>> {
        let mut candidates: BTreeMap<String, Vec<String>> = matches
            .iter()
            .map(|m| (m.id.clone(), m.evidence.clone()))
            .collect();
        if is_version && let Some(alerted) = self.entries.get(family) {
            for subscription in alerted.keys() {
                if subscribed(subscription) {
                    candidates
                        .entry(subscription.clone())
                        .or_insert_with(|| vec!["an update of a story alerted before".to_owned()]);
                }
            }
        }
        candidates
    }

    /// What `envelope` means to one candidate subscription: a new alert, an update, or nothing
    /// (with the reason in `decision`). An alert is added to `decision` with its state write.
    fn decide_for(
        &mut self,
        envelope: &Envelope,
        family: &FamilyId,
        subscription: String,
        evidence: Vec<String>,
        now: DateTime<Utc>,
        decision: &mut Decision,
    ) {
        let change = envelope.wire.change.as_ref();
        let (kind, changes) = match (self.get(&subscription, family), change) {
            (None, _) => (Kind::New, Vec::new()),
            (Some(entry), _) if entry.killed => {
                decision.reason = "killed";
                return;
            }
            (Some(entry), Some(_)) if already_sent(envelope, entry) => return,
            (Some(entry), Some(change)) if self.continues(envelope, entry) => {
                if !changes::worth_an_update(change, self.min_body_change) {
                    decision.reason = "immaterial_update";
                    return;
                }
                (Kind::Update, changes::describe(change, envelope))
            }
            (Some(_), _) => return,
        };
        let entry = match kind {
            Kind::New => {
                let entry = Alerted {
                    subscription: subscription.clone(),
                    family: family.clone(),
                    article_uri: envelope.article.uri.clone(),
                    last_uri: Some(envelope.article.uri.clone()),
                    version_seq: envelope.wire.version_seq,
                    first_alerted_at: now,
                    last_alerted_at: now,
                    killed: false,
                };
                self.remember(entry.clone());
                entry
            }
            _ => {
                let seq = envelope.wire.version_seq;
                let uri = envelope.article.uri.clone();
                match self.touch(&subscription, family, now, |entry| {
                    entry.version_seq = seq;
                    entry.last_uri = Some(uri);
                    true
                }) {
                    Some(entry) => entry,
                    None => return,
                }
            }
        };
        decision
            .writes
            .push((state_key(&subscription, family), Some(entry)));
        decision.alerts.push(Planned {
            subscription,
            kind,
            evidence,
            changes,
        });
    }

    /// Whether a version continues the alerted line of the story: a version of the article
    /// that alerted, or of the family's original.
    fn continues(&self, envelope: &Envelope, entry: &Alerted) -> bool {
        envelope.wire.is_original == Some(true)
            || envelope.article.uri == entry.article_uri
            || envelope.wire.version_of.as_deref() == Some(entry.article_uri.as_str())
    }

    fn remember(&mut self, entry: Alerted) {
        self.order.push_back((
            entry.last_alerted_at,
            entry.family.clone(),
            entry.subscription.clone(),
        ));
        self.entries
            .entry(entry.family.clone())
            .or_default()
            .insert(entry.subscription.clone(), entry);
    }

    /// Applies `update` to an entry; when it returns true, marks the entry alerted `now`.
    fn touch(
        &mut self,
        subscription: &str,
        family: &FamilyId,
        now: DateTime<Utc>,
        update: impl FnOnce(&mut Alerted) -> bool,
    ) -> Option<Alerted> {
        let entry = self.entries.get_mut(family)?.get_mut(subscription)?;
        if !update(entry) {
            return None;
        }
        entry.last_alerted_at = now;
        let entry = entry.clone();
        self.order
            .push_back((now, family.clone(), subscription.to_owned()));
        Some(entry)
    }

    fn evict(&mut self, now: DateTime<Utc>, writes: &mut Vec<(String, Option<Alerted>)>) {
        while let Some((at, _, _)) = self.order.front() {
            if at
                .checked_add_signed(self.window)
                .is_none_or(|end| end > now)
            {
                break;
            }
            let Some((at, family, subscription)) = self.order.pop_front() else {
                break;
            };
            let Some(all) = self.entries.get_mut(&family) else {
                continue;
            };
            if all
                .get(&subscription)
                .is_some_and(|entry| entry.last_alerted_at <= at)
            {
                all.remove(&subscription);
                writes.push((state_key(&subscription, &family), None));
            }
            if all.is_empty() {
                self.entries.remove(&family);
            }
        }
    }
}

/// Whether this version of this article was alerted already (a redelivery).
fn already_sent(envelope: &Envelope, entry: &Alerted) -> bool {
    let last_uri = entry.last_uri.as_deref().unwrap_or(&entry.article_uri);
    envelope.article.uri == last_uri
        && envelope.wire.version_seq.unwrap_or(1) <= entry.version_seq.unwrap_or(1)
}

/// An article's event time: its `versionCreated`, else its `firstCreated`, capped at when it
/// was fetched (an article dated in the future by a wrong clock counts as fetched); the fetch
/// time when it has neither.
pub fn event_time(envelope: &Envelope) -> DateTime<Utc> {
    let fetched = envelope.wire.fetched_at;
    envelope
        .article
        .version_created
        .or(envelope.article.first_created)
        .map_or(fetched, |created| created.min(fetched))
}

/// The article's story family (its own uri when the enricher set none).
pub fn family_of(envelope: &Envelope) -> FamilyId {
    envelope
        .wire
        .family
        .clone()
        .unwrap_or_else(|| FamilyId::new(envelope.article.uri.clone()))
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
