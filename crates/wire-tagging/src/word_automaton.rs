//! An Aho-Corasick automaton for whole-word patterns searched where words start
//! ([`crate::text::whole_word_matches`]), with the set of its patterns' first words: a word
//! start whose word is the first word of no pattern cannot begin a whole-word match, so the
//! automaton is not walked there. Most words of a story start no name or term, and a walk
//! through a large automaton misses the cache at every step; a hash lookup of the word does not
//! walk at all.
//!
//! Why the set gives the same matches: a match that stands alone (no word character before or
//! after it) and starts at a word start spells the pattern, so the text's word there is the
//! pattern's first word up to ASCII case, which is all the automaton ignores: letters and
//! digits stay word characters under ASCII case folding and everything else stays what it is.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, BuildError, MatchKind, StartKind};
use foldhash::{HashSet, HashSetExt};

use crate::text::is_word_char;

/// Words longer than this (bytes) are not looked up: the automaton is walked there.
const LONGEST_LOOKED_UP: usize = 64;

/// Patterns matched ASCII case-insensitively, longest first, anchored at word starts.
#[derive(Debug, Clone)]
pub(crate) struct WordAutomaton {
    pub(crate) automaton: AhoCorasick,
    /// Each pattern's first word (its leading word characters, possibly none), ASCII
    /// lowercase.
    first_words: HashSet<Box<[u8]>>,
}

impl WordAutomaton {
    pub(crate) fn new<P: AsRef<str>>(patterns: &[P]) -> Result<Self, BuildError> {
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // Patterns are only looked for where a word starts (`text::whole_word_matches`).
            .start_kind(StartKind::Anchored)
            .build(patterns.iter().map(|p| p.as_ref()))?;
        let mut first_words = HashSet::with_capacity(patterns.len());
        for pattern in patterns {
            let pattern = pattern.as_ref();
            let first_word = &pattern[..word_end(pattern, 0)];
            first_words.insert(
                first_word
                    .to_ascii_lowercase()
                    .into_bytes()
                    .into_boxed_slice(),
            );
        }
        Ok(Self {
            automaton,
            first_words,
        })
    }

    /// Whether a whole-word match may start at byte `position` of `text` (a char boundary):
    /// the word there is some pattern's first word, or too long to look up.
    pub(crate) fn may_start_at(&self, text: &str, position: usize) -> bool {
        let word = &text.as_bytes()[position..word_end(text, position)];
        if word.len() > LONGEST_LOOKED_UP {
            return true;
        }
        let mut lowercase = [0u8; LONGEST_LOOKED_UP];
        let lowercase = &mut lowercase[..word.len()];
        lowercase.copy_from_slice(word);
        lowercase.make_ascii_lowercase();
        self.first_words.contains(&*lowercase)
    }
}

/// The end of the run of word characters starting at byte `from` of `text`.
fn word_end(text: &str, from: usize) -> usize {
    text[from..]
        .char_indices()
        .find(|(_, c)| !is_word_char(*c))
        .map_or(text.len(), |(at, _)| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_words_of_patterns_may_start_a_match() {
        let patterns = [
            "New York",
            "St. Louis",
            "Zürich",
            "'s-Hertogenbosch",
            "Oman",
        ];
        let automaton = WordAutomaton::new(&patterns).expect("automaton");
        let text = "NEW YORK, Newark and st. louis, Zürich. Omani 's-Hertogenbosch";
        for (word, may_start) in [
            ("NEW", true),
            ("YORK", false),
            ("Newark", false),
            ("and", false),
            ("st.", true),
            ("louis", false),
            ("Zürich", true),
            ("Omani", false),
            ("'s-", true),
            ("s-H", false),
        ] {
            let at = text.find(word).expect("in the text");
            assert_eq!(automaton.may_start_at(text, at), may_start, "{word}");
        }
        let long = "a".repeat(LONGEST_LOOKED_UP + 1);
        assert!(automaton.may_start_at(&long, 0));
    }
}
