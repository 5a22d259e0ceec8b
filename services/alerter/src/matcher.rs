//! Pure: which subscriptions' queries an enriched article matches, with evidence.
//!
//! Cheap for thousands of subscriptions: every word and phrase of every query is one pattern
//! of a single Aho-Corasick automaton, run once over the headline and once over the body. Each
//! query has a trigger set, positive terms of which at least one must be present for the query
//! to be true (`a AND b` needs `a`; `a OR b` needs `a` or `b`). Only subscriptions with a
//! present trigger are evaluated in full; those without one (`NOT topic:sport`,
//! `urgency:<=2`) are evaluated for every article.

use crate::query::{Expr, Field, Text, normalize_text};
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::{BTreeSet, HashMap, HashSet};
use wire_model::Envelope;

/// A subscription's compiled query.
#[derive(Debug, Clone)]
pub struct CompiledQuery {
    pub id: String,
    pub expr: Expr,
}

/// A positive term whose presence can make a query true.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Trigger {
    Text(Text),
    Field(Field, String),
}

/// What an article offers a query.
#[derive(Debug, Default)]
struct Facts {
    /// Texts present, with where: bit 1 headline, bit 2 body.
    texts: HashMap<Text, u8>,
    fields: HashSet<(Field, String)>,
    urgency: Option<u8>,
}

/// One matching subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index into the queries the matcher was built from.
    pub index: usize,
    pub id: String,
    /// What matched, in words: `"peace talks" in headline`, `topic:syria-peace-process`.
    pub evidence: Vec<String>,
}

/// All subscriptions, indexed.
pub struct Matcher {
    queries: Vec<CompiledQuery>,
    automaton: Option<AhoCorasick>,
    /// Pattern index → the pattern (lower-case text).
    patterns: Vec<String>,
    by_trigger: HashMap<Trigger, Vec<usize>>,
    /// Queries without a trigger set: evaluated for every article.
    always: Vec<usize>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("queries", &self.queries.len())
            .field("patterns", &self.patterns.len())
            .field("always", &self.always.len())
            .finish_non_exhaustive()
    }
}

impl Matcher {
    pub fn new(queries: Vec<CompiledQuery>) -> Result<Self, aho_corasick::BuildError> {
        let mut by_trigger: HashMap<Trigger, Vec<usize>> = HashMap::new();
        let mut always = Vec::new();
        let mut patterns = BTreeSet::new();
        for (index, query) in queries.iter().enumerate() {
            collect_texts(&query.expr, &mut patterns);
            match triggers(&query.expr) {
                Some(set) if !set.is_empty() => {
                    for trigger in set {
                        let list = by_trigger.entry(trigger).or_default();
                        if list.last() != Some(&index) {
                            list.push(index);
                        }
                    }
                }
                _ => always.push(index),
            }
        }
        let patterns: Vec<String> = patterns.into_iter().collect();
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)?,
            )
        };
        Ok(Self {
            queries,
            automaton,
            patterns,
            by_trigger,
            always,
        })
    }

    /// A matcher without subscriptions.
    pub fn empty() -> Self {
        Self {
            queries: Vec::new(),
            automaton: None,
            patterns: Vec::new(),
            by_trigger: HashMap::new(),
            always: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.queries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }

    /// The subscriptions `envelope` matches, in subscription order.
    pub fn matches(&self, envelope: &Envelope) -> Vec<Match> {
        let facts = self.facts(envelope);
        let mut candidates: Vec<usize> = self.always.clone();
        for text in facts.texts.keys() {
            if let Some(list) = self.by_trigger.get(&Trigger::Text(text.clone())) {
                candidates.extend(list);
            }
        }
        for (field, value) in &facts.fields {
            if let Some(list) = self.by_trigger.get(&Trigger::Field(*field, value.clone())) {
                candidates.extend(list);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter(|&index| evaluate(&self.queries[index].expr, &facts))
            .map(|index| {
                let mut evidence = Vec::new();
                collect_evidence(&self.queries[index].expr, &facts, &mut evidence);
                Match {
                    index,
                    id: self.queries[index].id.clone(),
                    evidence,
                }
            })
            .collect()
    }

    fn facts(&self, envelope: &Envelope) -> Facts {
        let article = &envelope.article;
        let mut facts = Facts {
            urgency: article.urgency,
            ..Facts::default()
        };
        if let Some(automaton) = &self.automaton {
            let headline = normalize_text(article.headline().unwrap_or_default());
            let body = normalize_text(article.body_text().unwrap_or_default());
            for (bit, text) in [(1u8, headline), (2u8, body)] {
                for hit in automaton.find_overlapping_iter(&text) {
                    let (start, end) = (hit.start(), hit.end());
                    if !boundary_before(&text, start) {
                        continue;
                    }
                    let pattern = &self.patterns[hit.pattern().as_usize()];
                    let mut mark = |prefix: bool| {
                        let key = Text::new(pattern.clone(), prefix);
                        *facts.texts.entry(key).or_default() |= bit;
                    };
                    mark(true);
                    if boundary_after(&text, end) {
                        mark(false);
                    }
                }
            }
        }
        let mut add = |field: Field, value: &str| {
            let value = normalize_text(value);
            if !value.is_empty() {
                facts.fields.insert((field, value));
            }
        };
        for subject in &article.subjects {
            if let Some(uri) = subject.uri.as_deref() {
                if let Some(id) = uri.strip_prefix("urn:wirefeed:topic:") {
                    add(Field::Topic, id);
                } else if let Some((_, code)) = uri.rsplit_once("mediatopic/") {
                    add(Field::Topic, code);
                    add(Field::Topic, &format!("medtop:{code}"));
                }
            }
            for value in [&subject.name, &subject.literal].into_iter().flatten() {
                add(Field::Topic, value);
            }
        }
        for place in &article.places {
            for value in [&place.literal, &place.name].into_iter().flatten() {
                add(Field::Place, value);
            }
        }
        add(Field::Source, envelope.wire.source.as_str());
        // The agency that wrote the story: `credit:afp`, and `source:afp` beside the source id.
        if let Some(agency) = &envelope.wire.agency {
            add(Field::Credit, agency);
            add(Field::Source, agency);
        }
        if let Some(credit) = &envelope.wire.credit {
            add(Field::Credit, credit);
            // `AFP/Getty Images`, `dpa, AP`: each agency of a shared credit.
            for part in credit.split(['/', ',', ';', '|']) {
                add(Field::Credit, part.trim());
            }
        }
        if let Some(language) = &article.language {
            add(Field::Lang, language);
            if let Some((primary, _)) = language.split_once(['-', '_']) {
                add(Field::Lang, primary);
            }
        }
        if let Some(family) = &envelope.wire.family {
            add(Field::Family, family.as_str());
        }
        facts
    }
}

fn boundary_before(text: &str, start: usize) -> bool {
    !text[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

fn boundary_after(text: &str, end: usize) -> bool {
    !text[end..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric)
}

fn collect_texts(expr: &Expr, into: &mut BTreeSet<String>) {
    match expr {
        Expr::Text(text) => {
            into.insert(text.text.clone());
        }
        Expr::Not(inner) => collect_texts(inner, into),
        Expr::And(items) | Expr::Or(items) => {
            for item in items {
                collect_texts(item, into);
            }
        }
        Expr::Field(..) | Expr::Urgency(..) => {}
    }
}

/// Positive terms of which one is present whenever `expr` is true; `None` when there is no
/// such set (a negation, an urgency comparison).
fn triggers(expr: &Expr) -> Option<Vec<Trigger>> {
    match expr {
        Expr::Text(text) => Some(vec![Trigger::Text(text.clone())]),
        Expr::Field(field, value) => Some(vec![Trigger::Field(*field, value.clone())]),
        Expr::Urgency(..) | Expr::Not(_) => None,
        Expr::And(items) => items.iter().filter_map(triggers).min_by_key(Vec::len),
        Expr::Or(items) => {
            let mut all = Vec::new();
            for item in items {
                all.extend(triggers(item)?);
            }
            Some(all)
        }
    }
}

fn evaluate(expr: &Expr, facts: &Facts) -> bool {
    match expr {
        Expr::Text(text) => facts.texts.contains_key(text),
        Expr::Field(field, value) => facts.fields.contains(&(*field, value.clone())),
        Expr::Urgency(comparison, value) => facts
            .urgency
            .is_some_and(|urgency| comparison.holds(urgency, *value)),
        Expr::Not(inner) => !evaluate(inner, facts),
        Expr::And(items) => items.iter().all(|item| evaluate(item, facts)),
        Expr::Or(items) => items.iter().any(|item| evaluate(item, facts)),
    }
}

/// The positive terms of a matching query that are present.
fn collect_evidence(expr: &Expr, facts: &Facts, into: &mut Vec<String>) {
    let line = match expr {
        Expr::Text(text) => match facts.texts.get(text) {
            Some(bits) => {
                let shown = Expr::Text(text.clone()).to_string();
                let place = match bits {
                    1 => "headline",
                    2 => "body",
                    _ => "headline and body",
                };
                format!("{shown} in {place}")
            }
            None => return,
        },
        Expr::Field(..) | Expr::Urgency(..) if evaluate(expr, facts) => expr.to_string(),
        Expr::Field(..) | Expr::Urgency(..) | Expr::Not(_) => return,
        Expr::And(items) | Expr::Or(items) => {
            for item in items {
                collect_evidence(item, facts, into);
            }
            return;
        }
    };
    if !into.contains(&line) {
        into.push(line);
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
