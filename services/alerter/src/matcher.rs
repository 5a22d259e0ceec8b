//! Pure: which subscriptions' queries an enriched article matches, with evidence.
//!
//! Cheap for thousands of subscriptions: every word and phrase of every query is one pattern
//! of a single Aho-Corasick automaton, run once over the headline and once over the body. Each
//! query has a trigger set, positive terms of which at least one must be present for the query
//! to be true (`a AND b` needs `a`; `a OR b` needs `a` or `b`). Only subscriptions with a
//! present trigger are evaluated in full; those without one (`NOT topic:sport`,
//! `urgency:<=2`) are evaluated for every article.

use std::collections::HashMap;
use wire_model::Envelope;
use wire_query::{Expr, Facts, Field, Text, Texts, collect_evidence, evaluate};

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
    /// Every word and phrase of every query, as one automaton.
    texts: Texts,
    by_trigger: HashMap<Trigger, Vec<usize>>,
    /// Queries without a trigger set: evaluated for every article.
    always: Vec<usize>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("queries", &self.queries.len())
            .field("texts", &self.texts)
            .field("always", &self.always.len())
            .finish_non_exhaustive()
    }
}

impl Matcher {
    pub fn new(queries: Vec<CompiledQuery>) -> Result<Self, aho_corasick::BuildError> {
        let mut by_trigger: HashMap<Trigger, Vec<usize>> = HashMap::new();
        let mut always = Vec::new();
        for (index, query) in queries.iter().enumerate() {
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
        let texts = Texts::of(queries.iter().map(|query| &query.expr))?;
        Ok(Self {
            queries,
            texts,
            by_trigger,
            always,
        })
    }

    /// A matcher without subscriptions.
    pub fn empty() -> Self {
        Self {
            queries: Vec::new(),
            texts: Texts::none(),
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
        let facts = Facts::of(envelope, &self.texts);
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

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
