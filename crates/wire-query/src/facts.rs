//! Pure: what an article offers a query ([`Facts`]) and whether the query holds for it
//! ([`evaluate`]): the one meaning of a query, for a subscription and a search alike.
//!
//! Words and phrases are found with one Aho-Corasick automaton of every text the queries
//! asked name ([`Texts`]), run once over the headline and once over the body (folded: case,
//! accents and Arabic letter forms do not matter), at word boundaries; `word*` also matches
//! longer words.

use crate::language::{Expr, Field, Text, normalize_text};
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::{BTreeSet, HashMap, HashSet};
use wire_model::Envelope;

/// The words and phrases of the queries to be asked, as one automaton.
pub struct Texts {
    automaton: Option<AhoCorasick>,
    /// Pattern index → the pattern (lower-case text).
    patterns: Vec<String>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("patterns", &self.patterns.len())
            .finish_non_exhaustive()
    }
}

impl Texts {
    /// The texts of `queries`.
    pub fn of<'a>(
        queries: impl IntoIterator<Item = &'a Expr>,
    ) -> Result<Self, aho_corasick::BuildError> {
        let mut patterns = BTreeSet::new();
        for expr in queries {
            collect_texts(expr, &mut patterns);
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
            automaton,
            patterns,
        })
    }

    /// How many distinct words and phrases it looks for.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// No texts (queries of fields alone).
    pub fn none() -> Self {
        Self {
            automaton: None,
            patterns: Vec::new(),
        }
    }
}

/// What an article offers a query.
#[derive(Debug, Default)]
pub struct Facts {
    /// Texts present, with where: bit 1 headline, bit 2 body.
    pub texts: HashMap<Text, u8>,
    pub fields: HashSet<(Field, String)>,
    pub urgency: Option<u8>,
}

impl Facts {
    /// What `envelope` offers the queries whose words and phrases `texts` holds.
    pub fn of(envelope: &Envelope, texts: &Texts) -> Self {
        let article = &envelope.article;
        let mut facts = Facts {
            urgency: article.urgency,
            ..Facts::default()
        };
        if let Some(automaton) = &texts.automaton {
            let headline = normalize_text(article.headline().unwrap_or_default());
            let body = normalize_text(article.body_text().unwrap_or_default());
            for (bit, text) in [(1u8, headline), (2u8, body)] {
                for hit in automaton.find_overlapping_iter(&text) {
                    let (start, end) = (hit.start(), hit.end());
                    if !boundary_before(&text, start) {
                        continue;
                    }
                    let pattern = &texts.patterns[hit.pattern().as_usize()];
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

/// Every word and phrase of `expr`.
pub fn collect_texts(expr: &Expr, into: &mut BTreeSet<String>) {
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

/// Whether `expr` holds for the article `facts` describe.
pub fn evaluate(expr: &Expr, facts: &Facts) -> bool {
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

/// The positive terms of a matching query that are present, in words (`"peace talks" in
/// headline`, `topic:syria-peace-process`), each once.
pub fn collect_evidence(expr: &Expr, facts: &Facts, into: &mut Vec<String>) {
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
mod tests {
    use super::*;
    use crate::language::parse;
    use wire_model::{Article, Body, Headline, WireMeta};

    fn article(headline: &str, body: &str, language: &str) -> Envelope {
        Envelope::new(
            Article {
                uri: "urn:a".to_owned(),
                headlines: vec![Headline::new(headline)],
                bodies: vec![Body::plain_text(body)],
                language: Some(language.to_owned()),
                ..Article::default()
            },
            WireMeta::default(),
        )
    }

    #[test]
    fn a_query_holds_for_what_the_article_says_with_evidence() {
        let query = parse("(\"peace talks\" OR truce*) lang:fr -sport").unwrap();
        let texts = Texts::of([&query]).unwrap();
        let yes = Facts::of(
            &article(
                "Genève: Peace  Talks resume",
                "A truce was agreed.",
                "fr-CH",
            ),
            &texts,
        );
        assert!(evaluate(&query, &yes));
        let mut evidence = Vec::new();
        collect_evidence(&query, &yes, &mut evidence);
        assert_eq!(
            evidence,
            ["\"peace talks\" in headline", "truce* in body", "lang:fr"]
        );
        // A word inside another word is not the word; the language must match.
        let no = Facts::of(&article("Peacetalks", "Untruce.", "fr"), &texts);
        assert!(!evaluate(&query, &no));
        let english = Facts::of(&article("Peace talks", "", "en"), &texts);
        assert!(!evaluate(&query, &english));
        assert!(
            Facts::of(&article("x", "", "en"), &Texts::none())
                .texts
                .is_empty()
        );
    }
}
