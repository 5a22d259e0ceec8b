//! Folding for name and term matching ([`wire_model::fold`]: Latin diacritics removed with the
//! letter's case kept, Arabic letter forms made one), with the way back to the original text.
//! The gazetteer's names and the text are folded alike, so the ASCII-case-insensitive name automaton matches `GENÈVE`, `Genève` and `Geneve`, and
//! `سوريّة` and `سورية`. A folded text keeps a map back to the original's byte offsets, so
//! mentions and evidence always point into the text as it came.

use std::borrow::Cow;
use wire_model::fold::{Piece, fold_char, pieces};

/// A text folded for matching, with the way back to the original's byte offsets.
pub(crate) struct Folded<'a> {
    text: Cow<'a, str>,
    /// Per byte of the folded text (and one past its end): the original byte offset. `None`
    /// when folding changed nothing.
    origin: Option<Vec<u32>>,
    original_len: usize,
}

impl<'a> Folded<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let unchanged = Self {
            text: Cow::Borrowed(text),
            origin: None,
            original_len: text.len(),
        };
        if text.is_ascii() {
            return unchanged;
        }
        let mut folded = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len() + 1);
        for (at, piece) in pieces(text) {
            match piece {
                Piece::Ascii(run) => {
                    folded.push_str(run);
                    origin.extend(at as u32..(at + run.len()) as u32);
                }
                Piece::Other(c) => {
                    let before = folded.len();
                    fold_char(c, &mut folded);
                    origin.extend(std::iter::repeat_n(at as u32, folded.len() - before));
                }
            }
        }
        origin.push(text.len() as u32);
        Self {
            text: Cow::Owned(folded),
            origin: Some(origin),
            original_len: text.len(),
        }
    }

    /// The folded text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The original byte offset of folded byte offset `at` (a char boundary or the end).
    pub(crate) fn original(&self, at: usize) -> usize {
        match &self.origin {
            None => at,
            Some(origin) => origin.get(at).map_or(self.original_len, |&o| o as usize),
        }
    }
}

/// The key a name is found by: folded, then ASCII-lowercased (as the automaton compares).
pub(crate) fn name_key(name: &str) -> String {
    let mut folded = wire_model::fold::fold(name).into_owned();
    folded.make_ascii_lowercase();
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_accents_go_and_case_stays() {
        let folded = Folded::new("GENÈVE et Genève, Síria, Großbritannien");
        assert_eq!(folded.text(), "GENEVE et Geneve, Siria, Grossbritannien");
        let at = folded.text().find("Siria").unwrap_or(0);
        assert_eq!(folded.original(at), "GENÈVE et Genève, ".len());
        assert_eq!(name_key("Genève"), "geneve");
    }

    #[test]
    fn arabic_forms_are_normalised() {
        assert_eq!(name_key("سوريّة"), name_key("سورية"));
        assert_eq!(name_key("سـوريا"), name_key("سوريا"));
        assert_eq!(name_key("إيران"), name_key("ايران"));
        let text = "في سـوريا";
        let folded = Folded::new(text);
        let end = folded.text().len();
        assert_eq!(folded.original(end), text.len());
    }

    proptest::proptest! {
        #[test]
        fn folding_in_runs_gives_the_text_and_offsets_of_folding_char_by_char(
            text in "([A-Za-z ,.]|\u{e8}|\u{df}|\u{1e9e}|\u{301}|\u{2014}|\u{640}|\u{651}|\u{623}|\u{661}|\u{200f}|\u{1f600}){0,60}",
        ) {
            let mut folded = String::new();
            let mut origin = Vec::new();
            for (at, c) in text.char_indices() {
                let before = folded.len();
                fold_char(c, &mut folded);
                origin.extend(std::iter::repeat_n(at as u32, folded.len() - before));
            }
            origin.push(text.len() as u32);
            let in_runs = Folded::new(&text);
            proptest::prop_assert_eq!(in_runs.text(), folded.as_str());
            for (at, &expected) in origin.iter().enumerate() {
                proptest::prop_assert_eq!(in_runs.original(at), expected as usize);
            }
        }
    }

    #[test]
    fn ascii_text_is_not_copied() {
        let folded = Folded::new("Syria and Jordan");
        assert!(matches!(folded.text, Cow::Borrowed(_)));
        assert_eq!(folded.original(6), 6);
    }
}
