//! Case-insensitive whole-word phrase matching over many terms at once (one Aho-Corasick
//! automaton), shared by IPTC Media Topics and the operator topic catalog.

use std::collections::HashMap;

use crate::TaggingError;
use crate::text::{CharCounter, Field, TagInput, at_word_boundaries, whole_word_matches};
use crate::word_automaton::WordAutomaton;

/// One occurrence of a term: which term, in which field, at which byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TermHit {
    pub term: u32,
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

/// A compiled set of distinct lowercase terms.
pub(crate) struct TermMatcher {
    automaton: WordAutomaton,
}

/// Collects terms before compiling; the same term added twice gets one index.
#[derive(Default)]
pub(crate) struct TermTable {
    index: HashMap<String, u32>,
    terms: Vec<String>,
}

/// The form a term is matched in: lowercase, single spaces.
pub(crate) fn normalise_term(term: &str) -> String {
    term.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl TermTable {
    pub(crate) fn add(&mut self, term: &str) -> u32 {
        let term = normalise_term(term);
        let next = self.terms.len() as u32;
        *self.index.entry(term.clone()).or_insert_with(|| {
            self.terms.push(term);
            next
        })
    }

    pub(crate) fn compile(self) -> Result<TermMatcher, TaggingError> {
        let automaton = WordAutomaton::new(&self.terms).map_err(|e| TaggingError::Invalid {
            file: None,
            key: "terms".into(),
            message: format!("cannot build the term automaton: {e}"),
        })?;
        Ok(TermMatcher { automaton })
    }
}

impl TermMatcher {
    /// Every whole-word occurrence in the headline and body, in text order.
    pub(crate) fn find(&self, input: &TagInput<'_>) -> Vec<TermHit> {
        let mut hits = Vec::new();
        for (field, text) in [(Field::Headline, input.headline), (Field::Body, input.body)] {
            whole_word_matches(
                &self.automaton,
                text,
                |_, _| true,
                |start, end, term| {
                    let accepted = at_word_boundaries(text, start, end);
                    if accepted {
                        hits.push(TermHit {
                            term,
                            field,
                            start,
                            end,
                        });
                    }
                    accepted
                },
            );
        }
        hits
    }
}

/// Evidence matches (character offsets) for hits, in text order.
pub(crate) fn evidence_matches(
    input: &TagInput<'_>,
    hits: &[TermHit],
) -> Vec<wire_model::EvidenceMatch> {
    let mut sorted: Vec<&TermHit> = hits.iter().collect();
    sorted.sort_by_key(|h| (h.field, h.start));
    sorted.dedup_by_key(|h| (h.field, h.start));
    let mut headline = CharCounter::new(input.headline);
    let mut body = CharCounter::new(input.body);
    sorted
        .into_iter()
        .filter_map(|h| {
            let (text, counter) = match h.field {
                Field::Headline => (input.headline, &mut headline),
                _ => (input.body, &mut body),
            };
            Some(wire_model::EvidenceMatch {
                term: text.get(h.start..h.end)?.to_owned(),
                field: h.field.as_str().to_owned(),
                start: counter.chars_at(h.start),
                end: counter.chars_at(h.end),
            })
        })
        .collect()
}
