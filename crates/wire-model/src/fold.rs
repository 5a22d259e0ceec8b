//! Text folded for matching, the one folding every stage compares words by (place names, topic
//! terms, alert queries, duplicate features): Latin diacritics removed (`Genève` → `Geneve`,
//! `Síria` → `Siria`, `ß` → `ss`) with the letter's case kept, and Arabic normalised: short
//! vowels, shadda, sukun, superscript alef and tatweel removed, the alef forms `أ` `إ` `آ` `ٱ`
//! written as bare alef, alef maqsura as yeh, teh marbuta as heh, hamza carriers `ؤ` `ئ` as
//! their letter, direction marks (LRM, RLM, ALM) dropped and Arabic-Indic digits written as
//! ASCII digits. Articles keep their text as it came; only comparisons use the folded form.

use std::borrow::Cow;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Appends the folded form of `c` (possibly nothing) to `out`.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c);
        return;
    }
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
        '\u{200E}' | '\u{200F}' | '\u{061C}' => {}
        'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
        'ى' => out.push('ي'),
        'ة' => out.push('ه'),
        'ؤ' => out.push('و'),
        'ئ' => out.push('ي'),
        '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
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

/// A piece of a text: a run of ASCII characters (which fold to themselves), or one other
/// character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Ascii(&'a str),
    Other(char),
}

/// The pieces of `text` in order, each with its byte offset: what folding walks, copying the
/// ASCII runs whole instead of char by char (most wire copy is ASCII but for a quote mark or
/// an accent here and there).
pub fn pieces(text: &str) -> impl Iterator<Item = (usize, Piece<'_>)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = text.get(at..)?;
        let start = at;
        let run = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        if run > 0 {
            at += run;
            return rest.get(..run).map(|ascii| (start, Piece::Ascii(ascii)));
        }
        let c = rest.chars().next()?;
        at += c.len_utf8();
        Some((start, Piece::Other(c)))
    })
}

/// `text` folded ([`fold_char`]); ASCII text is returned as it is.
pub fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut folded = String::with_capacity(text.len());
    for (_, piece) in pieces(text) {
        match piece {
            Piece::Ascii(run) => folded.push_str(run),
            Piece::Other(c) => fold_char(c, &mut folded),
        }
    }
    Cow::Owned(folded)
}

/// `text` folded and lowercased: the key two spellings of one word share
/// (`"Processus de PAIX"` and `"processus de paix"`, `"Genève"` and `"GENEVE"`).
pub fn fold_lowercase(text: &str) -> String {
    let folded = fold(text);
    if folded.is_ascii() {
        folded.to_ascii_lowercase()
    } else {
        folded.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_accents_go_and_case_stays() {
        assert_eq!(
            fold("GENÈVE et Genève, Síria, Großbritannien"),
            "GENEVE et Geneve, Siria, Grossbritannien"
        );
        assert_eq!(
            fold_lowercase("Processus de PAIX à Genève"),
            "processus de paix a geneve"
        );
    }

    #[test]
    fn arabic_forms_are_one() {
        assert_eq!(fold("سوريّة"), fold("سورية"));
        assert_eq!(fold("سـوريا"), "سوريا");
        assert_eq!(fold("إيران"), fold("ايران"));
        assert_eq!(fold("أَيضاً"), fold("ايضا"));
        assert_eq!(fold("\u{200F}٢٠٢٦"), "2026");
    }

    #[test]
    fn pieces_are_the_text_in_runs_of_ascii_and_single_other_characters() {
        let text = "Zürich, «Genève» — 2026";
        let found: Vec<(usize, Piece<'_>)> = pieces(text).collect();
        assert_eq!(
            found,
            [
                (0, Piece::Ascii("Z")),
                (1, Piece::Other('ü')),
                (3, Piece::Ascii("rich, ")),
                (9, Piece::Other('«')),
                (11, Piece::Ascii("Gen")),
                (14, Piece::Other('è')),
                (16, Piece::Ascii("ve")),
                (18, Piece::Other('»')),
                (20, Piece::Ascii(" ")),
                (21, Piece::Other('—')),
                (24, Piece::Ascii(" 2026")),
            ]
        );
        let mut char_by_char = String::new();
        for c in text.chars() {
            fold_char(c, &mut char_by_char);
        }
        assert_eq!(fold(text), char_by_char);
    }

    #[test]
    fn ascii_text_is_not_copied() {
        assert!(matches!(fold("Syria and Jordan"), Cow::Borrowed(_)));
    }
}
