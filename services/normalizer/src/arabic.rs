//! Arabic text folded for matching: the forms one word is written in made one, so that
//! `أَيضاً`, `أيضا` and `ايضا` match, and `سوريّة` matches `سورية`. Only for comparing text
//! (fingerprints, boilerplate lead-ins, month names); the article keeps its Arabic as it came,
//! with its right-to-left marks.
//!
//! What [`fold`] does, character by character:
//! - drops the harakat and other Arabic marks (U+064B to U+065F: fathatan to wavy hamza below)
//!   and the superscript (dagger) alef U+0670, which are optional in newspaper Arabic;
//! - drops tatweel U+0640 (the stretching stroke: `ســوريا` is `سوريا`);
//! - writes the alef forms `أ` `إ` `آ` `ٱ` as the bare alef `ا`, as most wire copy does anyway;
//! - writes alef maksura `ى` as yeh `ي` (Egyptian copy writes final yeh without dots);
//! - writes teh marbuta `ة` as heh `ه`. A choice: the two are written interchangeably at the end
//!   of a word (`سورية`/`سوريه`), and a word ending in `ه` that differs from one in `ة` only there
//!   is rare, so matching them is worth more than telling them apart;
//! - drops the direction marks RLM U+200F, LRM U+200E and ALM U+061C, which carry no letters;
//! - writes the Arabic-Indic digits `٠`..`٩` and the Persian ones `۰`..`۹` as `0`..`9`.
//!
//! Hamza on waw and yeh (`ؤ`, `ئ`) stays: folding them changes words, not spellings.

use std::borrow::Cow;

/// True for a character of the Arabic blocks (letters, marks, digits, punctuation).
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}')
}

/// True when `text` has an Arabic letter.
pub fn has_arabic(text: &str) -> bool {
    // `is_ascii` reads a word at a time; most copy is ASCII, and no Arabic letter is.
    !text.is_ascii() && text.chars().any(|c| is_arabic(c) && c.is_alphabetic())
}

/// `c` folded for matching (see the module doc): `None` when it is dropped.
pub fn fold_char(c: char) -> Option<char> {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => None,
        '\u{200E}' | '\u{200F}' | '\u{061C}' => None,
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => Some('\u{0627}'),
        '\u{0649}' => Some('\u{064A}'),
        '\u{0629}' => Some('\u{0647}'),
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
        _ => Some(c),
    }
}

/// `text` folded for matching (see the module doc); text without Arabic is returned as it is.
pub fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii()
        || !text
            .chars()
            .any(|c| is_arabic(c) || c == '\u{200E}' || c == '\u{200F}')
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter_map(fold_char).collect())
}

/// `text` with Arabic-Indic and Persian digits written as ASCII digits, nothing else changed.
pub fn ascii_digits(text: &str) -> Cow<'_, str> {
    let arabic_digit = |c: char| matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}');
    if text.is_ascii() || !text.chars().any(arabic_digit) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if arabic_digit(c) {
                    fold_char(c).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// True for the marks that set the direction of text without being letters: LRM, RLM, ALM
/// and the embedding and isolate controls.
pub fn is_direction_mark(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_table() {
        let cases = [
            // Harakat, tanwin and shadda go.
            ("أَيْضاً", "ايضا"),
            ("سُورِيَّا", "سوريا"),
            // Tatweel goes.
            ("ســــوريا", "سوريا"),
            // Alef forms.
            ("إيران", "ايران"),
            ("آب", "اب"),
            ("ٱلله", "الله"),
            // Alef maksura and teh marbuta.
            ("مصطفى", "مصطفي"),
            ("سورية", "سوريه"),
            // Superscript alef (هٰذا) goes.
            ("هٰذا", "هذا"),
            // Digits and direction marks.
            ("٥ كانون الأول ٢٠٢٦", "5 كانون الاول 2026"),
            ("\u{200F}بيروت\u{200E}", "بيروت"),
            // Hamza on waw and yeh stays.
            ("مؤتمر رئيس", "مؤتمر رئيس"),
        ];
        for (text, folded) in cases {
            assert_eq!(fold(text), folded, "{text}");
        }
    }

    #[test]
    fn text_without_arabic_is_not_copied_or_changed() {
        assert!(matches!(
            fold("Genève (AFP)"),
            Cow::Borrowed("Genève (AFP)")
        ));
        assert!(matches!(ascii_digits("5 déc 2026"), Cow::Borrowed(_)));
        assert_eq!(ascii_digits("٥ ديسمبر ٢٠٢٦"), "5 ديسمبر 2026");
    }

    #[test]
    fn arabic_is_recognised_by_its_letters() {
        assert!(has_arabic("بيروت (أ ف ب)"));
        assert!(!has_arabic("Beirut (AFP) \u{200F}"));
        assert!(!has_arabic("٥"));
    }
}
