//! Case- and accent-insensitive whole-word phrase matching over many terms at once (one
//! Aho-Corasick automaton), shared by IPTC Media Topics and the operator topic catalog.
//!
//! Terms and text are folded alike ([`crate::fold`]: Latin accents, `ß`, Arabic letter forms),
//! so `"négociations"` matches `NEGOCIATIONS` and `"processus de paix"` matches
//! `Processus de Paix`. A term ending in `*` is a prefix term: it matches any word starting
//! with it (`"friedensgespräch*"` matches `Friedensgesprächen`), for compounds and inflection.
//! Hits point into the text as it came.

use std::collections::HashMap;

use crate::TaggingError;
use crate::fold::{Folded, name_key};
use crate::scan::{Prepared, ScanKind, candidates, replay};
use crate::text::{CharCounter, Field, TagInput, is_word_char};
use crate::word_automaton::WordAutomaton;

/// One occurrence of a term: which term, in which field, at which byte range of the original
/// text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TermHit {
    pub term: u32,
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

/// A compiled set of distinct terms.
pub(crate) struct TermMatcher {
    automaton: WordAutomaton,
    /// Per automaton pattern: the terms spelled so, and whether each is a prefix term.
    pattern_terms: Vec<Vec<(u32, bool)>>,
}

/// Collects terms before compiling; the same term added twice gets one index.
#[derive(Default)]
pub(crate) struct TermTable {
    index: HashMap<(String, bool), u32>,
    /// Folded pattern -> automaton pattern index.
    patterns: HashMap<String, usize>,
    pattern_terms: Vec<Vec<(u32, bool)>>,
    pattern_texts: Vec<String>,
    count: u32,
}

/// The form a term is matched in: folded, lowercase, single spaces, and whether it is a prefix
/// term (its trailing `*` removed).
pub(crate) fn normalise_term(term: &str) -> (String, bool) {
    let term = term.trim();
    let (term, prefix) = match term.strip_suffix('*') {
        Some(stem) => (stem.trim_end(), true),
        None => (term, false),
    };
    let spaced = term.split_whitespace().collect::<Vec<_>>().join(" ");
    (name_key(&spaced).to_lowercase(), prefix)
}

impl TermTable {
    pub(crate) fn add(&mut self, term: &str) -> u32 {
        let (pattern, prefix) = normalise_term(term);
        if let Some(&index) = self.index.get(&(pattern.clone(), prefix)) {
            return index;
        }
        let index = self.count;
        self.count += 1;
        self.index.insert((pattern.clone(), prefix), index);
        let slot = *self.patterns.entry(pattern.clone()).or_insert_with(|| {
            self.pattern_texts.push(pattern);
            self.pattern_terms.push(Vec::new());
            self.pattern_texts.len() - 1
        });
        self.pattern_terms[slot].push((index, prefix));
        index
    }

    pub(crate) fn compile(self) -> Result<TermMatcher, TaggingError> {
        if self.pattern_texts.iter().any(String::is_empty) {
            return Err(TaggingError::Invalid {
                file: None,
                key: "terms".into(),
                message: "a term is empty (or only `*`)".into(),
            });
        }
        let pattern_terms = &self.pattern_terms;
        let is_prefix = |pattern: usize| pattern_terms[pattern].iter().any(|&(_, prefix)| prefix);
        let automaton =
            WordAutomaton::with_prefixes(&self.pattern_texts, is_prefix).map_err(|e| {
                TaggingError::Invalid {
                    file: None,
                    key: "terms".into(),
                    message: format!("cannot build the term automaton: {e}"),
                }
            })?;
        Ok(TermMatcher {
            automaton,
            pattern_terms: self.pattern_terms,
        })
    }
}

impl TermMatcher {
    /// Every whole-word occurrence in the headline and body, in text order. Where the longest
    /// term found at a word start does not stand alone (the word goes on) and is no prefix
    /// term, shorter terms starting there are tried.
    #[cfg(test)]
    pub(crate) fn find(&self, input: &TagInput<'_>) -> Vec<TermHit> {
        self.find_prepared(&Prepared::new(input, None), ScanKind::StoryTopics)
    }

    /// `find` over text folded once for every tagger, its paragraphs' walks
    /// cached as `kind`.
    pub(crate) fn find_prepared(&self, prepared: &Prepared<'_>, kind: ScanKind) -> Vec<TermHit> {
        let mut hits = Vec::new();
        let by_paragraph = !self.automaton.spans_lines();
        for field in [Field::Headline, Field::Body] {
            let folded = &prepared.field(field).folded;
            let matched = folded.text();
            let first_hit = hits.len();
            let found = prepared.candidates(field, kind, by_paragraph, |text, starts| {
                candidates(&self.automaton, text, starts, false, |_, _| true)
            });
            replay(&found, |start, end, pattern| {
                self.accept(folded, field, start, end, pattern, &mut hits)
            });
            if has_arabic_letters(matched) {
                self.find_after_arabic_proclitics(folded, field, first_hit, &mut hits);
                hits.sort_by_key(|hit| (hit.field, hit.start));
            }
        }
        hits
    }

    /// Records the terms of the match `start..end` (folded offsets) when it stands alone or a
    /// prefix term takes the rest of the word.
    fn accept(
        &self,
        folded: &Folded,
        field: Field,
        start: usize,
        end: usize,
        pattern: u32,
        hits: &mut Vec<TermHit>,
    ) -> bool {
        let matched = folded.text();
        let Some((end, pattern)) = self.standing_match(matched, start, end, pattern) else {
            return false;
        };
        let word_goes_on = matched[end..].chars().next().is_some_and(is_word_char);
        let word_end = word_end(matched, end);
        for &(term, prefix) in &self.pattern_terms[pattern as usize] {
            if word_goes_on && !prefix {
                continue;
            }
            hits.push(TermHit {
                term,
                field,
                start: folded.original(start),
                end: folded.original(if prefix { word_end } else { end }),
            });
        }
        true
    }

    /// Arabic writes the conjunctions و and ف, the prepositions ب, ل and ك and the article ال
    /// as one word with what follows (`والمفاوضات`, `للحوار`). Where no term matched a word
    /// as written, the word is tried again without such a prefix, so a term written once
    /// (`حوار`, `المفاوضات`) covers its prefixed forms. No stemmer crate does Arabic clitics
    /// on folded text with byte offsets kept; this is the light-stemming step of Larkey et al.
    /// (2002), limited to a term's start.
    fn find_after_arabic_proclitics(
        &self,
        folded: &Folded,
        field: Field,
        first_hit: usize,
        hits: &mut Vec<TermHit>,
    ) {
        let text = folded.text();
        let mut after_word_char = false;
        for (position, c) in text.char_indices() {
            let word_start = !after_word_char;
            after_word_char = is_word_char(c);
            if !word_start || !ARABIC_PROCLITIC_LETTERS.contains(&c) {
                continue;
            }
            let original = folded.original(position);
            if hits[first_hit..]
                .iter()
                .any(|hit| hit.start <= original && original < hit.end)
            {
                continue;
            }
            for proclitic in ARABIC_PROCLITICS {
                let Some(rest) = text[position..].strip_prefix(proclitic) else {
                    continue;
                };
                let stem_start = position + proclitic.len();
                if rest.chars().take_while(|&c| is_word_char(c)).count() < MIN_ARABIC_STEM_CHARS
                    || !self.automaton.may_start_at(text, stem_start)
                {
                    continue;
                }
                if let Some(found) = self.automaton.longest_at(text, stem_start)
                    && self.accept(
                        folded,
                        field,
                        found.start(),
                        found.end(),
                        found.pattern().as_u32(),
                        hits,
                    )
                {
                    break;
                }
            }
        }
    }

    /// The longest match at `start` that stands alone, or that a prefix term may continue:
    /// `(end, pattern)`, starting from the automaton's longest.
    fn standing_match(
        &self,
        text: &str,
        start: usize,
        mut end: usize,
        mut pattern: u32,
    ) -> Option<(usize, u32)> {
        loop {
            let word_goes_on = text[end..].chars().next().is_some_and(is_word_char);
            let any_prefix = self.pattern_terms[pattern as usize]
                .iter()
                .any(|&(_, prefix)| prefix);
            if !word_goes_on || any_prefix {
                return Some((end, pattern));
            }
            let shorter_end = text[..end].char_indices().next_back()?.0;
            if shorter_end <= start {
                return None;
            }
            let found = self.automaton.longest_at(&text[..shorter_end], start)?;
            end = found.end();
            pattern = found.pattern().as_u32();
        }
    }
}

/// The prefixes Arabic writes onto a word, longest first: conjunction, preposition and article
/// (`لل` is ل before ال, whose alef is dropped).
const ARABIC_PROCLITICS: [&str; 14] = [
    "وال", "بال", "فال", "كال", "ولل", "فلل", "لل", "ال", "وب", "ول", "و", "ف", "ب", "ل",
];
/// The first letters of [`ARABIC_PROCLITICS`], to skip other words at once.
const ARABIC_PROCLITIC_LETTERS: [char; 6] = ['و', 'ف', 'ب', 'ك', 'ل', 'ا'];
/// What must be left of a word once its prefix is taken off (Arabic roots have three letters).
const MIN_ARABIC_STEM_CHARS: usize = 3;

/// Whether `text` may hold Arabic letters: a byte that starts U+0600 to U+067F in UTF-8 (a
/// byte test, as cheap as the scan it gates is not).
fn has_arabic_letters(text: &str) -> bool {
    text.bytes().any(|b| b == 0xD8 || b == 0xD9)
}

/// Where the word containing byte `at` (or ending there) ends.
fn word_end(text: &str, at: usize) -> usize {
    text[at..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| at + i)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn found(terms: &[&str], headline: &str, body: &str) -> Vec<(String, String)> {
        let mut table = TermTable::default();
        for term in terms {
            table.add(term);
        }
        let matcher = table.compile().expect("terms compile");
        let input = TagInput {
            headline,
            body,
            ..TagInput::default()
        };
        matcher
            .find(&input)
            .into_iter()
            .map(|hit| {
                let text = if hit.field == Field::Headline {
                    headline
                } else {
                    body
                };
                (
                    terms[hit.term as usize].to_owned(),
                    text[hit.start..hit.end].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn accents_and_case_do_not_matter_and_hits_point_into_the_text() {
        let hits = found(
            &["processus de paix", "négociations"],
            "PROCESSUS DE PAIX: les negociations reprennent",
            "Les Négociations à Genève.",
        );
        assert_eq!(
            hits,
            [
                (
                    "processus de paix".to_owned(),
                    "PROCESSUS DE PAIX".to_owned()
                ),
                ("négociations".to_owned(), "negociations".to_owned()),
                ("négociations".to_owned(), "Négociations".to_owned()),
            ]
        );
    }

    #[test]
    fn prefix_terms_take_the_whole_word_and_plain_terms_stay_whole_words() {
        let hits = found(
            &["friedensgespräch*", "syrien", "wahl"],
            "",
            "Die Friedensgespräche zu Syrien; syrienweit; Wahlen und die Wahl.",
        );
        assert_eq!(
            hits,
            [
                (
                    "friedensgespräch*".to_owned(),
                    "Friedensgespräche".to_owned()
                ),
                ("syrien".to_owned(), "Syrien".to_owned()),
                ("wahl".to_owned(), "Wahl".to_owned()),
            ]
        );
    }

    #[test]
    fn a_shorter_prefix_term_is_found_where_a_longer_plain_term_does_not_stand_alone() {
        let hits = found(
            &["peace*", "peacekeeper"],
            "",
            "peacekeepers and peacekeeper",
        );
        assert_eq!(
            hits,
            [
                ("peace*".to_owned(), "peacekeepers".to_owned()),
                ("peacekeeper".to_owned(), "peacekeeper".to_owned()),
            ]
        );
    }

    #[test]
    fn arabic_forms_fold_alike() {
        let hits = found(&["عملية السلام"], "", "استئناف عمليّة السـلام في جنيف");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1, "عمليّة السـلام");
    }

    #[test]
    fn arabic_prefixes_on_a_word_do_not_hide_the_term() {
        let hits = found(
            &["حوار", "المفاوضات", "انتقال سياسي"],
            "",
            "دعا إلى الحوار وللحوار، واستمرت والمفاوضات نحو انتقال سياسي. بحر وحوارات",
        );
        let texts: Vec<&str> = hits.iter().map(|(_, text)| text.as_str()).collect();
        // The term starts after the prefix; a longer word (حوارات) is no match, and a word
        // that only starts like a prefix (بحر) is left alone.
        assert_eq!(texts, ["حوار", "حوار", "المفاوضات", "انتقال سياسي"]);
    }

    #[test]
    fn an_arabic_prefix_must_leave_a_word_behind() {
        // و + حر: two letters left, not a word of three.
        assert!(found(&["حر"], "", "وحر").is_empty());
    }

    #[test]
    fn an_empty_term_is_refused() {
        let mut table = TermTable::default();
        table.add(" * ");
        assert!(table.compile().is_err());
    }
}
