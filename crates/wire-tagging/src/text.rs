//! The text a tagger reads, and small helpers over it: word boundaries, neighbouring words,
//! character offsets, capitalisation.

/// What the taggers read from one article. Every field is plain text (no markup).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagInput<'a> {
    pub headline: &'a str,
    pub body: &'a str,
    /// The dateline as printed (`MOSCOW (AFP) -`, `SALVADOR, Feb 26 -`), if the caller has one.
    pub dateline: Option<&'a str>,
    /// ninjs `located`: the dateline place name, if the provider sent one.
    pub located: Option<&'a str>,
    /// The article's language (ninjs `language`: `de`, `fr-CH`, `ar`), if known. Names,
    /// locative words and common-word lists of that language apply; without it (or for
    /// English) only the language-neutral names do.
    pub language: Option<&'a str>,
}

/// Which part of the article a match is in; the evidence names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Headline,
    Body,
    Dateline,
}

impl Field {
    /// The name used in [`wire_model::EvidenceMatch::field`].
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Headline => "headline",
            Field::Body => "body",
            Field::Dateline => "dateline",
        }
    }
}

/// A letter, digit or apostrophe-free word character: what may not touch a matched name.
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    match BELOW_U0800_WORD_CHARS.get(c as usize / 64) {
        Some(bits) => bits & (1 << (c as usize % 64)) != 0,
        None => c.is_alphanumeric(),
    }
}

/// `char::is_alphanumeric` for every code point below U+0800 (Latin, Greek, Cyrillic, Hebrew,
/// Arabic), one bit each: the standard library answers these by a search in its Unicode
/// tables, which was half the tagging time of an Arabic story.
static BELOW_U0800_WORD_CHARS: std::sync::LazyLock<[u64; 32]> = std::sync::LazyLock::new(|| {
    let mut bits = [0u64; 32];
    for (code, word) in (0..0x800u32)
        .filter_map(char::from_u32)
        .map(|c| (c as usize, c.is_alphanumeric()))
    {
        if word {
            bits[code / 64] |= 1 << (code % 64);
        }
    }
    bits
});

/// Every whole-word match of `automaton` in `text`, left to right: at each position where a
/// word may start (the text's start, or after a character that is not a word character), the
/// longest pattern starting there; `accept(start, end, pattern)` says whether it counts, and
/// the scan resumes after an accepted match, else at the next possible word start. A position
/// for which `worth_trying(position, first_character)` is false is skipped: the caller knows
/// `accept` would reject whatever starts there.
///
/// This is what a leftmost-longest search restarted one character after every rejected match
/// finds (a match inside a word never stands alone), but each search is anchored at a word
/// start, so it walks only as far as the name could go instead of scanning on to the next
/// candidate anywhere in the text, and only where the word there is some pattern's first word
/// ([`crate::word_automaton::WordAutomaton::may_start_at`]).
///
/// The taggers now walk through `crate::scan` (candidates once per paragraph, then replayed);
/// this walk stays as the reference its tests compare against.
///
/// `genitive_s` also walks the automaton at words that are a pattern's first word only without
/// a final `s` (`Deutschlands`): `accept` then decides whether the `s` may follow the name.
#[cfg(test)]
pub(crate) fn whole_word_matches(
    automaton: &crate::word_automaton::WordAutomaton,
    text: &str,
    genitive_s: bool,
    worth_trying: impl Fn(usize, char) -> bool,
    mut accept: impl FnMut(usize, usize, u32) -> bool,
) {
    let mut resume = 0;
    let mut after_word_char = false;
    for (position, c) in text.char_indices() {
        let word_start = !after_word_char && position >= resume;
        after_word_char = is_word_char(c);
        if !word_start || !worth_trying(position, c) {
            continue;
        }
        let may_start = automaton.may_start_at(text, position)
            || (genitive_s && automaton.may_start_at_without_final_s(text, position));
        if !may_start {
            continue;
        }
        if let Some(found) = automaton.longest_at(text, position)
            && accept(found.start(), found.end(), found.pattern().as_u32())
        {
            resume = found.end();
        }
    }
}

/// Converts ascending byte offsets of one text into character offsets, in one pass overall.
pub(crate) struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of `byte` (a char boundary). Cheap when called with ascending
    /// offsets; a smaller offset restarts from the beginning.
    pub(crate) fn chars_at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        let byte = byte.min(self.text.len());
        self.chars += self
            .text
            .get(self.byte..byte)
            .map_or(0, |s| s.chars().count());
        self.byte = byte;
        self.chars
    }
}

/// The word right before byte `start` (skipping spaces only; `None` across punctuation).
pub(crate) fn word_before(text: &str, start: usize) -> Option<&str> {
    let head = text[..start].trim_end_matches([' ', '\t', '\u{a0}']);
    if head.len() == start && start > 0 {
        return None; // the name is glued to something that is not a space
    }
    let word_start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(is_word_char(c) || c == '-' || c == '.' || c == '\''))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = head[word_start..].trim_end_matches('.');
    (!word.is_empty()).then_some(word)
}

/// The word right after byte `end` (skipping spaces only; `None` across punctuation).
pub(crate) fn word_after(text: &str, end: usize) -> Option<&str> {
    let tail = text[end..].trim_start_matches([' ', '\t', '\u{a0}']);
    if tail.len() == text.len() - end && !tail.is_empty() {
        return None;
    }
    let word_end = tail
        .char_indices()
        .find(|&(_, c)| !(is_word_char(c) || c == '-'))
        .map_or(tail.len(), |(i, _)| i);
    let word = &tail[..word_end];
    (!word.is_empty()).then_some(word)
}

/// Up to `n` lowercase words on each side of `text[start..end]`, for context vetoes.
pub(crate) fn window_words(text: &str, start: usize, end: usize, n: usize) -> Vec<String> {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let before = words(safe_slice_before(text, start, 160));
    let after = words(safe_slice_after(text, end, 160));
    let keep_before = before.len().saturating_sub(n);
    before
        .into_iter()
        .skip(keep_before)
        .chain(after.into_iter().take(n))
        .collect()
}

fn safe_slice_before(text: &str, start: usize, max: usize) -> &str {
    let mut from = start.saturating_sub(max);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    &text[from..start]
}

fn safe_slice_after(text: &str, end: usize, max: usize) -> &str {
    let mut to = (end + max).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    &text[end..to]
}

/// Whether the words around `text[start..end]` are in capitals (a headline or dateline set in
/// capitals), so capitalisation says nothing about them.
pub(crate) fn in_capitals_context(text: &str, start: usize, end: usize) -> bool {
    let matched = &text[start..end];
    if matched.chars().any(char::is_lowercase) {
        return false;
    }
    let before = safe_slice_before(text, start, 40);
    let after = safe_slice_after(text, end, 40);
    let (mut upper, mut lower) = (0usize, 0usize);
    for c in before.chars().chain(after.chars()) {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    upper >= 3 && upper > lower * 3
}

/// Whether a word starts with a capital letter.
pub(crate) fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_characters_are_the_standard_librarys_alphanumerics() {
        let every_char = (0..0x3000u32)
            .chain([0x1_F600, 0x2_0000])
            .filter_map(char::from_u32);
        for c in every_char {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn char_counter_counts_characters_not_bytes() {
        let text = "Zürich – Genève";
        let mut counter = CharCounter::new(text);
        let geneve = text.find("Genève").unwrap_or(0);
        assert_eq!(counter.chars_at(geneve), 9);
        assert_eq!(counter.chars_at(text.len()), 15);
        assert_eq!(counter.chars_at(0), 0);
    }

    #[test]
    fn neighbouring_words() {
        let text = "said Michael Jordan, who";
        let start = 13;
        assert_eq!(word_before(text, start), Some("Michael"));
        assert_eq!(word_after(text, start + 6), None);
        assert_eq!(word_after("Paris Hilton arrived", 5), Some("Hilton"));
    }

    #[test]
    fn capitals_context() {
        assert!(in_capitals_context("ROAST TURKEY FOR ALL", 6, 12));
        assert!(!in_capitals_context("in Turkey today", 3, 9));
    }

    #[test]
    fn windows_survive_multibyte_text() {
        let text = "ééééééééééééééééééééééééééééééééééééééééééé roast Turkey ééé";
        let start = text.find("Turkey").unwrap_or(0);
        let words = window_words(text, start, start + 6, 3);
        assert!(words.contains(&"roast".to_owned()));
    }
}
