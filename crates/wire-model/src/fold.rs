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

/// `text` folded ([`fold_char`]); ASCII text is returned as it is.
pub fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut folded);
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
    fn ascii_text_is_not_copied() {
        assert!(matches!(fold("Syria and Jordan"), Cow::Borrowed(_)));
    }
}
