//! An Aho-Corasick automaton for whole-word patterns searched where words start
//! (`text::whole_word_matches`), with the set of its patterns' first words: a word
//! start whose word is the first word of no pattern cannot begin a whole-word match, so the
//! automaton is not walked there. Most words of a story start no name or term, and a walk
//! through a large automaton misses the cache at every step; a hash lookup of the word does not
//! walk at all. The set is a bit array indexed by a hash of the word (a Bloom filter with one
//! hash), read in the same pass that finds the word's end: a false positive only costs the
//! walk, and one bit test costs less than a walk or a hash-table probe. (Hand-written: the
//! Bloom filter crates hash a whole key, where this hashes the word while reading it, with
//! ASCII case folded.)
//!
//! Prefix patterns (a term that may go on into a longer word, [`WordAutomaton::with_prefixes`])
//! whose first word is cut short have their own set, of their first [`PREFIX_FILTER_CHARS`]
//! characters (all of them when shorter, `cao*`): a word whose first characters are in it is
//! walked too.
//!
//! Why the set gives the same matches: a match that stands alone (no word character before or
//! after it) and starts at a word start spells the pattern, so the text's word there is the
//! pattern's first word up to ASCII case, which is all the automaton ignores: letters and
//! digits stay word characters under ASCII case folding and everything else stays what it is.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, BuildError, MatchKind, StartKind};

use crate::text::is_word_char;

/// Bits of the first-word filter per pattern (about one false positive in 16 lookups when
/// every pattern has its own first word), within the bounds below.
const BITS_PER_PATTERN: usize = 16;
const FEWEST_BITS: usize = 1 << 12;
/// 128 KiB: small enough to stay in the cache.
const MOST_BITS: usize = 1 << 20;
/// Characters of a word that the prefix patterns' filter hashes.
const PREFIX_FILTER_CHARS: usize = 4;
/// The multiplier of the word hash (FxHash's).
const HASH_MULTIPLIER: u64 = 0x517C_C1B7_2722_0A95;

/// Patterns matched ASCII case-insensitively, longest first, anchored at word starts.
#[derive(Debug, Clone)]
pub(crate) struct WordAutomaton {
    automaton: AhoCorasick,
    /// The bit of each pattern's first word (its leading word characters, possibly none)
    /// is set ([`first_word_bit`]).
    first_words: Vec<u64>,
    /// The bit of each cut-short prefix pattern's first [`PREFIX_FILTER_CHARS`] characters
    /// is set (empty when there are none).
    prefix_starts: Vec<u64>,
    /// The lengths in characters the prefix filter holds: [`PREFIX_FILTER_CHARS`], and that of
    /// any shorter prefix pattern.
    prefix_lengths: Vec<usize>,
    /// log2 of the filter's bits.
    bits_log2: u32,
    /// Some pattern holds a line break, so a match may run from one line into the next.
    spans_lines: bool,
}

impl WordAutomaton {
    pub(crate) fn new<P: AsRef<str>>(patterns: &[P]) -> Result<Self, BuildError> {
        Self::with_prefixes(patterns, |_| false)
    }

    /// Patterns of which those for which `is_prefix(index)` holds may also match the start of a
    /// longer word (the caller decides, from where the match ends, whether it counts).
    pub(crate) fn with_prefixes<P: AsRef<str>>(
        patterns: &[P],
        is_prefix: impl Fn(usize) -> bool,
    ) -> Result<Self, BuildError> {
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // Patterns are only looked for where a word starts (`text::whole_word_matches`).
            .start_kind(StartKind::Anchored)
            .build(patterns.iter().map(|p| p.as_ref()))?;
        let bits = (patterns.len() * BITS_PER_PATTERN)
            .next_power_of_two()
            .clamp(FEWEST_BITS, MOST_BITS);
        let bits_log2 = bits.trailing_zeros();
        let mut first_words = vec![0u64; bits / 64];
        let mut prefix_starts = Vec::new();
        let mut prefix_lengths: Vec<usize> = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let pattern = pattern.as_ref();
            let bit = first_word_bit(pattern, 0, bits_log2);
            first_words[bit / 64] |= 1 << (bit % 64);
            let cut_short = is_prefix(index) && pattern.chars().all(is_word_char);
            if !cut_short {
                continue;
            }
            let length = pattern.chars().count().min(PREFIX_FILTER_CHARS);
            if !prefix_lengths.contains(&length) {
                prefix_lengths.push(length);
            }
            if prefix_starts.is_empty() {
                prefix_starts = vec![0u64; bits / 64];
            }
            let bit = leading_chars_bit(pattern, 0, length, bits_log2);
            prefix_starts[bit / 64] |= 1 << (bit % 64);
        }
        let spans_lines = patterns.iter().any(|p| p.as_ref().contains('\n'));
        Ok(Self {
            automaton,
            first_words,
            prefix_starts,
            prefix_lengths,
            bits_log2,
            spans_lines,
        })
    }

    /// The longest pattern starting exactly at byte `position` of `text` (a char boundary).
    pub(crate) fn longest_at(&self, text: &str, position: usize) -> Option<aho_corasick::Match> {
        let anchored = aho_corasick::Input::new(text)
            .span(position..text.len())
            .anchored(aho_corasick::Anchored::Yes);
        self.automaton.find(anchored)
    }

    /// Whether a whole-word match may start at byte `position` of `text` once the word there
    /// loses a final `s` (German `Deutschlands` for `Deutschland`). The walks read it from
    /// the word's hashes ([`WordAutomaton::may_start_without_final_s`]); this is their
    /// reference in tests.
    #[cfg(test)]
    pub(crate) fn may_start_at_without_final_s(&self, text: &str, position: usize) -> bool {
        let word_end = text[position..]
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(text.len(), |(i, _)| position + i);
        let word = &text[position..word_end];
        if word.len() < 2 || !word.ends_with(['s', 'S']) {
            return false;
        }
        let bit = first_word_bit(&text[..word_end - 1], position, self.bits_log2);
        self.first_words[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// Whether some pattern holds a line break (then a text's lines cannot be walked apart).
    pub(crate) fn spans_lines(&self) -> bool {
        self.spans_lines
    }

    /// The heap bytes of the automaton and its first-word filter.
    pub(crate) fn memory_usage(&self) -> usize {
        self.automaton.memory_usage() + self.first_words.len() * 8
    }

    /// Whether a whole-word match may start at byte `position` of `text` (a char boundary):
    /// the word there may be some pattern's first word.
    pub(crate) fn may_start_at(&self, text: &str, position: usize) -> bool {
        let bit = first_word_bit(text, position, self.bits_log2);
        if self.first_words[bit / 64] & (1 << (bit % 64)) != 0 {
            return true;
        }
        self.prefix_lengths.iter().any(|&length| {
            let bit = leading_chars_bit(text, position, length, self.bits_log2);
            self.prefix_starts[bit / 64] & (1 << (bit % 64)) != 0
        })
    }
}

impl WordAutomaton {
    /// [`WordAutomaton::may_start_at`] from the word's hashes, computed once for every
    /// automaton's filter ([`WordHash::at`]).
    pub(crate) fn may_start_with(&self, word: &WordHash) -> bool {
        if has_bit(&self.first_words, word.word, self.bits_log2) {
            return true;
        }
        self.prefix_lengths
            .iter()
            .any(|&length| has_bit(&self.prefix_starts, word.prefix(length), self.bits_log2))
    }

    /// [`WordAutomaton::may_start_at_without_final_s`] from the word's hashes.
    pub(crate) fn may_start_without_final_s(&self, word: &WordHash) -> bool {
        word.without_final_s
            .is_some_and(|hash| has_bit(&self.first_words, hash, self.bits_log2))
    }
}

/// Whether the filter `bits` (of `2^bits_log2` bits) has the bit of the running word hash
/// `hash`.
fn has_bit(bits: &[u64], hash: u64, bits_log2: u32) -> bool {
    let bit = (hash.wrapping_mul(HASH_MULTIPLIER) >> (64 - bits_log2)) as usize;
    bits.get(bit / 64)
        .is_some_and(|word| word & (1 << (bit % 64)) != 0)
}

/// One step of the word hash: [`first_word_bit`]'s, before its final mix.
fn hash_step(hash: u64, byte: u8) -> u64 {
    (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(HASH_MULTIPLIER)
}

/// The filter hashes of the word starting at a byte of a text (its run of word characters,
/// possibly empty), read once and tested against every automaton's filters: the same bits
/// [`first_word_bit`] and [`leading_chars_bit`] give, whatever the filter's size (the size
/// only picks the final mix's high bits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WordHash {
    /// The whole word's running hash.
    word: u64,
    /// Its first 1 to [`PREFIX_FILTER_CHARS`] characters' (the whole word's when shorter).
    prefixes: [u64; PREFIX_FILTER_CHARS],
    /// The word's without its final `s` or `S`, when it ends so and is two bytes or longer.
    without_final_s: Option<u64>,
}

impl WordHash {
    /// The hashes of the word at byte `from` of `text` (a char boundary).
    pub(crate) fn at(text: &str, from: usize) -> Self {
        let bytes = text.as_bytes();
        let (mut hash, mut before_last) = (0u64, 0u64);
        let mut prefixes = [0u64; PREFIX_FILTER_CHARS];
        let (mut chars, mut ends_in_s, mut at) = (0usize, false, from);
        while let Some(&byte) = bytes.get(at) {
            let previous = hash;
            if byte.is_ascii() {
                if !byte.is_ascii_alphanumeric() {
                    break;
                }
                hash = hash_step(hash, byte.to_ascii_lowercase());
                ends_in_s = byte == b's' || byte == b'S';
                at += 1;
            } else {
                let Some(c) = text[at..].chars().next().filter(|c| is_word_char(*c)) else {
                    break;
                };
                for byte in &bytes[at..at + c.len_utf8()] {
                    hash = hash_step(hash, *byte);
                }
                ends_in_s = false;
                at += c.len_utf8();
            }
            before_last = previous;
            if let Some(prefix) = prefixes.get_mut(chars) {
                *prefix = hash;
            }
            chars += 1;
        }
        for prefix in prefixes.iter_mut().skip(chars) {
            *prefix = hash;
        }
        Self {
            word: hash,
            prefixes,
            without_final_s: (ends_in_s && at - from >= 2).then_some(before_last),
        }
    }

    /// The hash of the word's first `length` characters.
    fn prefix(&self, length: usize) -> u64 {
        match length {
            0 => 0,
            _ => self.prefixes[length.min(PREFIX_FILTER_CHARS) - 1],
        }
    }
}

/// The filter bit of the first `length` characters of the word starting at byte `from` of
/// `text` (fewer when the word is shorter), hashed as [`first_word_bit`] hashes.
fn leading_chars_bit(text: &str, from: usize, length: usize, bits_log2: u32) -> usize {
    let end = text[from..]
        .char_indices()
        .take_while(|&(_, c)| is_word_char(c))
        .nth(length)
        .map_or(text.len(), |(at, _)| from + at);
    first_word_bit(&text[..end], from, bits_log2)
}

/// The filter bit of the word starting at byte `from` of `text` (its run of word characters,
/// possibly empty), ASCII case folded, in a filter of `2^bits_log2` bits.
fn first_word_bit(text: &str, from: usize, bits_log2: u32) -> usize {
    let bytes = text.as_bytes();
    let mut hash = 0u64;
    let mut add =
        |byte: u8| hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(HASH_MULTIPLIER);
    let mut at = from;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            if !byte.is_ascii_alphanumeric() {
                break;
            }
            add(byte.to_ascii_lowercase());
            at += 1;
        } else {
            let Some(c) = text[at..].chars().next().filter(|c| is_word_char(*c)) else {
                break;
            };
            for byte in &bytes[at..at + c.len_utf8()] {
                add(*byte);
            }
            at += c.len_utf8();
        }
    }
    // The high bits of a final multiplication mix every byte in.
    (hash.wrapping_mul(HASH_MULTIPLIER) >> (64 - bits_log2)) as usize
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
    }
}

#[cfg(test)]
mod prefix_tests {
    use super::*;

    #[test]
    fn prefix_patterns_cut_short_are_walked_at_the_words_they_begin() {
        let patterns = ["friedensgespräch", "cao", "peace talk"];
        let automaton = WordAutomaton::with_prefixes(&patterns, |_| true).expect("automaton");
        let text = "Friedensgespräche, caoakkoord, peace talks, Krieg, cab";
        for (word, may_start) in [
            ("Friedensgespräche", true),
            ("caoakkoord", true),
            ("peace", true),
            ("Krieg", false),
            ("cab", false),
        ] {
            let at = text.find(word).expect("in the text");
            assert_eq!(automaton.may_start_at(text, at), may_start, "{word}");
        }
    }
}

#[cfg(test)]
mod word_hash_tests {
    use super::*;

    proptest::proptest! {
        /// A word's hashes, read once, pass every filter exactly where the filters' own reading
        /// of the text does: plain, prefix and genitive-`s` filters, at every char boundary.
        #[test]
        fn word_hashes_pass_the_filters_where_the_text_does(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "New", "York", "Yorks", "s", "S", "ss", "Zürich", "Zürichs", "é", "'s-", "cao",
                    "caoakkoord", "CAO", "Friedensgespräche", "st.", "peace", "talks", "Ω",
                    "\n", " ", ", ", "-", "12", "ab",
                ]),
                0..12,
            ),
            glue in proptest::sample::select(vec!["", " ", "-", "\n"]),
        ) {
            let plain = WordAutomaton::new(&["new york", "zurich", "zürich", "'s-hertogenbosch", "s"])
                .expect("automaton");
            let prefixes = WordAutomaton::with_prefixes(
                &["friedensgespräch", "cao", "peace talk", "ab", "z"],
                |index| index != 2,
            )
            .expect("automaton");
            let text = words.join(glue);
            for (at, _) in text.char_indices() {
                let hash = WordHash::at(&text, at);
                for automaton in [&plain, &prefixes] {
                    proptest::prop_assert_eq!(
                        automaton.may_start_with(&hash),
                        automaton.may_start_at(&text, at),
                        "{:?} at {}", text, at
                    );
                    proptest::prop_assert_eq!(
                        automaton.may_start_without_final_s(&hash),
                        automaton.may_start_at_without_final_s(&text, at),
                        "{:?} at {}", text, at
                    );
                }
            }
        }
    }
}
