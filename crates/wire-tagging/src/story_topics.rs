//! Matching articles against the operator topic catalog: every topic's terms in one automaton,
//! then per topic the weighted score, the required and excluded groups and the place
//! constraints.

use std::collections::HashMap;
use wire_model::{Evidence, Subject};

use crate::TaggingError;
use crate::catalog::{STORY_TOPIC_CREATOR, StoryTopic, TopicCatalog};
use crate::media_topics::percent;
use crate::places::{PlaceRole, PlaceTags};
use crate::scan::{Prepared, ScanKind};
use crate::terms::{TermHit, TermMatcher, TermTable, evidence_matches};
use crate::text::{Field, TagInput};

/// A term counts at most this many times towards a topic's score.
const MAX_COUNT_PER_TERM: usize = 3;

#[derive(Debug, Clone, Copy)]
enum TermUse {
    Weight(f64),
    Require(usize),
    Exclude,
}

/// A catalog compiled for matching. Rebuild it when the catalog is reloaded.
pub struct CompiledCatalog {
    topics: Vec<StoryTopic>,
    matcher: TermMatcher,
    /// Per term: (topic index, use).
    uses: Vec<Vec<(usize, TermUse)>>,
}

impl std::fmt::Debug for CompiledCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledCatalog")
            .field("topics", &self.topics.len())
            .finish()
    }
}

/// Why a topic matched (or, in a backtest, how close it came).
#[derive(Debug, Clone, PartialEq)]
pub struct TopicMatch {
    pub id: String,
    pub score: f64,
    pub threshold: f64,
    pub subject: Subject,
    pub evidence: Evidence,
}

impl CompiledCatalog {
    pub fn new(catalog: &TopicCatalog) -> Result<Self, TaggingError> {
        let mut table = TermTable::default();
        let mut uses: Vec<Vec<(usize, TermUse)>> = Vec::new();
        let mut add = |table: &mut TermTable, term: &str, topic: usize, term_use: TermUse| {
            let index = table.add(term) as usize;
            if uses.len() <= index {
                uses.resize(index + 1, Vec::new());
            }
            // Two spellings that fold alike (`réconciliation`, `reconciliation`) are one term:
            // it weighs once, as much as the heavier.
            if let TermUse::Weight(weight) = term_use
                && let Some((_, TermUse::Weight(known))) = uses[index]
                    .iter_mut()
                    .find(|(t, u)| *t == topic && matches!(u, TermUse::Weight(_)))
            {
                *known = known.max(weight);
                return;
            }
            uses[index].push((topic, term_use));
        };
        for (i, topic) in catalog.topics.iter().enumerate() {
            for (term, &weight) in &topic.terms {
                add(&mut table, term, i, TermUse::Weight(weight));
            }
            for (g, group) in topic.require.iter().enumerate() {
                for term in &group.any {
                    add(&mut table, term, i, TermUse::Require(g));
                }
            }
            for group in &topic.exclude {
                for term in &group.any {
                    add(&mut table, term, i, TermUse::Exclude);
                }
            }
        }
        Ok(Self {
            topics: catalog.topics.clone(),
            matcher: table.compile()?,
            uses,
        })
    }

    pub fn topics(&self) -> &[StoryTopic] {
        &self.topics
    }

    /// The topics the article matches, best first.
    pub fn tag(&self, input: &TagInput<'_>, places: &PlaceTags) -> Vec<TopicMatch> {
        self.tag_prepared(input, places, &Prepared::new(input, None))
    }

    /// [`CompiledCatalog::tag`] over text folded (and walked) once for every tagger.
    pub(crate) fn tag_prepared(
        &self,
        input: &TagInput<'_>,
        places: &PlaceTags,
        prepared: &Prepared<'_>,
    ) -> Vec<TopicMatch> {
        let mut matches: Vec<TopicMatch> = self
            .evaluate_prepared(input, places, prepared, true)
            .into_iter()
            .map(|(m, _)| m)
            .collect();
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        matches
    }

    /// Every topic with any hit, whether it passed (score, groups, places) or not.
    pub fn evaluate(&self, input: &TagInput<'_>, places: &PlaceTags) -> Vec<(TopicMatch, bool)> {
        self.evaluate_prepared(input, places, &Prepared::new(input, None), false)
    }

    /// Every topic with any hit and whether it passed; only those that passed when
    /// `passed_only` (the match, its evidence and note, is not written for the others).
    fn evaluate_prepared(
        &self,
        input: &TagInput<'_>,
        places: &PlaceTags,
        prepared: &Prepared<'_>,
        passed_only: bool,
    ) -> Vec<(TopicMatch, bool)> {
        #[derive(Default)]
        struct State {
            score: f64,
            counts: HashMap<u32, usize>,
            groups_met: Vec<bool>,
            excluded: bool,
            hits: Vec<TermHit>,
        }
        let mut states: HashMap<usize, State> = HashMap::new();
        for hit in self.matcher.find_prepared(prepared, ScanKind::StoryTopics) {
            for &(topic, term_use) in self.uses.get(hit.term as usize).into_iter().flatten() {
                let state = states.entry(topic).or_default();
                match term_use {
                    TermUse::Weight(weight) => {
                        let count = state.counts.entry(hit.term).or_default();
                        *count += 1;
                        if *count <= MAX_COUNT_PER_TERM {
                            let factor = if hit.field == Field::Headline {
                                2.0
                            } else {
                                1.0
                            };
                            state.score += weight * factor;
                        }
                        state.hits.push(hit);
                    }
                    TermUse::Require(group) => {
                        if state.groups_met.len() <= group {
                            state.groups_met.resize(group + 1, false);
                        }
                        state.groups_met[group] = true;
                        state.hits.push(hit);
                    }
                    TermUse::Exclude => state.excluded = true,
                }
            }
        }
        let mut out: Vec<(TopicMatch, bool)> = states
            .into_iter()
            .filter_map(|(i, state)| {
                let topic = &self.topics[i];
                let groups_ok = (0..topic.require.len())
                    .all(|g| state.groups_met.get(g).copied().unwrap_or(false));
                let passed = state.score >= topic.threshold
                    && groups_ok
                    && !state.excluded
                    && places_fit(topic, places);
                (passed || !passed_only)
                    .then(|| (to_match(topic, state.score, input, &state.hits), passed))
            })
            .collect();
        out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        out
    }
}

/// A country named this many times is more than a passing mention, whatever its role.
const MENTIONS_BEYOND_PASSING: usize = 2;

fn places_fit(topic: &StoryTopic, places: &PlaceTags) -> bool {
    let about_ok = topic.places.about.is_empty()
        || places.countries.iter().any(|c| {
            (c.role == PlaceRole::About || c.dateline || c.mentions >= MENTIONS_BEYOND_PASSING)
                && topic.places.about.contains(&c.code)
        });
    let any_ok = topic.places.any.is_empty()
        || places
            .countries
            .iter()
            .any(|c| topic.places.any.contains(&c.code));
    about_ok && any_ok
}

fn to_match(topic: &StoryTopic, score: f64, input: &TagInput<'_>, hits: &[TermHit]) -> TopicMatch {
    let uri = topic.uri();
    TopicMatch {
        id: topic.id.clone(),
        score,
        threshold: topic.threshold,
        subject: Subject {
            name: Some(topic.name.clone()),
            uri: Some(uri.clone()),
            creator: Some(STORY_TOPIC_CREATOR.to_owned()),
            confidence: Some(percent(score / (2.0 * topic.threshold))),
            relevance: Some(percent(score / (4.0 * topic.threshold))),
            ..Subject::default()
        },
        evidence: Evidence {
            uri,
            matches: evidence_matches(input, hits),
            note: Some(format!(
                "score {score:.1} of threshold {:.1}",
                topic.threshold
            )),
        },
    }
}
