//! Folding for name matching: Latin diacritics removed (`Genève` → `Geneve`, `Síria` →
//! `Siria`, `ß` → `ss`) with the letter's case kept, and Arabic normalised (short vowels and
//! tatweel removed, alef forms to bare alef, alef maqsura to yeh, teh marbuta to heh, hamza
//! carriers to their letter). The gazetteer's names and the text are folded alike, so the
//! ASCII-case-insensitive name automaton matches `GENÈVE`, `Genève` and `Geneve`, and
//! `سوريّة` and `سورية`. A folded text keeps a map back to the original's byte offsets, so
//! mentions and evidence always point into the text as it came.

use std::borrow::Cow;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

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
        for (at, c) in text.char_indices() {
            let before = folded.len();
            fold_char(c, &mut folded);
            origin.extend(std::iter::repeat_n(at as u32, folded.len() - before));
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
    let mut folded = String::with_capacity(name.len());
    for c in name.chars() {
        fold_char(c, &mut folded);
    }
    folded.make_ascii_lowercase();
    folded
}

/// Appends the folded form of `c` (possibly nothing) to `out`.
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c);
        return;
    }
    match c {
        // Arabic short vowels, shadda, sukun, superscript alef and tatweel: dropped.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
        'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
        'ى' => out.push('ي'),
        'ة' => out.push('ه'),
        'ؤ' => out.push('و'),
        'ئ' => out.push('ي'),
        'ß' => out.push_str("ss"),
        'ẞ' => out.push_str("SS"),
        _ if is_combining_mark(c) => {}
        _ => {
            let mut base = None;
            let mut marks_only = true;
            decompose_canonical(c, |d| {
                if is_combining_mark(d) {
                    return;
                }
                if base.is_none() {
                    base = Some(d);
                } else {
                    marks_only = false;
                }
            });
            match base {
                Some(b) if marks_only => out.push(b),
                _ => out.push(c),
            }
        }
    }
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

    #[test]
    fn ascii_text_is_not_copied() {
        let folded = Folded::new("Syria and Jordan");
        assert!(matches!(folded.text, Cow::Borrowed(_)));
        assert_eq!(folded.original(6), 6);
    }
}
