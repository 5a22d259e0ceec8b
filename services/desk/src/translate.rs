//! Pure: a parsed query ([`wire_query::Expr`]) as a tantivy query over the archive.
//!
//! The tantivy query finds a superset of what [`wire_query::evaluate`] accepts, and exactly
//! that set where it can say so ([`Translated::exact`]): a word is a term of `text` (the text
//! is folded and split at the query language's word boundaries), `word*` a prefix, a field a
//! term of `facts`, `urgency:` a range, a phrase of words single spaces apart a phrase of
//! adjacent positions ([`crate::words`] leaves a gap at any other separator). What is left
//! (a phrase with punctuation in it, `"peace talk*"`) finds a superset, and the archive checks
//! each candidate with `evaluate`. A NOT of something not exact cannot narrow anything: it
//! translates to every document, not exact.

use crate::schema::{ArchiveSchema, fact_term};
use crate::words::words;
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, InvertedIndexRangeQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::IndexRecordOption;
use wire_query::{Comparison, Expr, Text};

/// Longer words are not looked up in the index (tantivy drops terms beyond 65,530 bytes): the
/// query falls back to checking candidates.
const MAX_WORD_BYTES: usize = 1_000;

/// A tantivy query and whether it matches exactly what the query language means.
pub struct Translated {
    pub query: Box<dyn Query>,
    pub exact: bool,
}

impl std::fmt::Debug for Translated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translated")
            .field("query", &self.query)
            .field("exact", &self.exact)
            .finish()
    }
}

impl Translated {
    fn everything() -> Self {
        Self {
            query: Box::new(AllQuery),
            exact: false,
        }
    }

    fn exact(query: Box<dyn Query>) -> Self {
        Self { query, exact: true }
    }
}

/// `expr` over `schema`.
pub fn translate(expr: &Expr, schema: &ArchiveSchema) -> Translated {
    match expr {
        Expr::Text(text) => translate_text(text, schema),
        Expr::Field(field, value) => Translated::exact(Box::new(TermQuery::new(
            Term::from_field_text(schema.facts, &fact_term(*field, value)),
            IndexRecordOption::Basic,
        ))),
        Expr::Urgency(comparison, value) => {
            let value = u64::from(*value);
            let term = |v: u64| Term::from_field_u64(schema.urgency, v);
            let (lower, upper) = match comparison {
                Comparison::Less => (Bound::Unbounded, Bound::Excluded(term(value))),
                Comparison::LessOrEqual => (Bound::Unbounded, Bound::Included(term(value))),
                Comparison::Equal => (Bound::Included(term(value)), Bound::Included(term(value))),
                Comparison::GreaterOrEqual => (Bound::Included(term(value)), Bound::Unbounded),
                Comparison::Greater => (Bound::Excluded(term(value)), Bound::Unbounded),
            };
            Translated::exact(Box::new(RangeQuery::new(lower, upper)))
        }
        Expr::Not(inner) => {
            let inner = translate(inner, schema);
            if !inner.exact {
                return Translated::everything();
            }
            Translated::exact(Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery)),
                (Occur::MustNot, inner.query),
            ])))
        }
        Expr::And(items) => {
            let parts: Vec<Translated> = items.iter().map(|item| translate(item, schema)).collect();
            let exact = parts.iter().all(|part| part.exact);
            let clauses = parts
                .into_iter()
                .map(|part| (Occur::Must, part.query))
                .collect();
            Translated {
                query: Box::new(BooleanQuery::new(clauses)),
                exact,
            }
        }
        Expr::Or(items) => {
            let parts: Vec<Translated> = items.iter().map(|item| translate(item, schema)).collect();
            let exact = parts.iter().all(|part| part.exact);
            if parts.is_empty() {
                return Translated::exact(Box::new(tantivy::query::EmptyQuery));
            }
            let clauses = parts
                .into_iter()
                .map(|part| (Occur::Should, part.query))
                .collect();
            Translated {
                query: Box::new(BooleanQuery::new(clauses)),
                exact,
            }
        }
    }
}

fn translate_text(text: &Text, schema: &ArchiveSchema) -> Translated {
    let words = words(&text.text);
    if words.is_empty() || words.iter().any(|(_, word)| word.len() > MAX_WORD_BYTES) {
        return Translated::everything();
    }
    // Exact when the words are all the text and single spaces apart: a term, a prefix of
    // one, or a phrase of adjacent positions (the index leaves a gap at any other separator).
    let joined = words
        .iter()
        .map(|(_, word)| word.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let adjacent = words
        .iter()
        .enumerate()
        .all(|(index, (position, _))| *position == index);
    let exact = joined == text.text && adjacent && (words.len() == 1 || !text.prefix);
    let (whole, prefix) = match (text.prefix, words.split_last()) {
        (true, Some((last, rest))) => (rest, Some(last)),
        _ => (words.as_slice(), None),
    };
    let term = |word: &str| Term::from_field_text(schema.text, word);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    match whole {
        [] => {}
        [(_, word)] => clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term(word), IndexRecordOption::Basic)),
        )),
        several => clauses.push((
            Occur::Must,
            Box::new(PhraseQuery::new_with_offset(
                several
                    .iter()
                    .map(|(position, word)| (*position, term(word)))
                    .collect(),
            )),
        )),
    }
    if let Some((_, prefix)) = prefix {
        // Every term starting with the prefix: U+10FFFF is no letter or digit, so no word
        // of the index goes on with it.
        clauses.push((
            Occur::Must,
            Box::new(InvertedIndexRangeQuery::new(
                Bound::Included(term(prefix)),
                Bound::Excluded(term(&format!("{prefix}\u{10FFFF}"))),
            )),
        ));
    }
    let query: Box<dyn Query> = if clauses.len() == 1 {
        clauses.remove(0).1
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Translated { query, exact }
}
