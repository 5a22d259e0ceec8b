//! One article's text folded once for every tagger, and each automaton's walk of its words
//! done once per distinct paragraph (issue 23).
//!
//! The places tagger, the story topic catalog and the Media Topics matcher each look for
//! whole-word matches of their automaton at word starts (`text::whole_word_matches`).
//! What that walk finds before any context check, the *candidates* (at every word start the
//! automaton's filter lets through, the longest pattern there), depends only on the text of the
//! paragraph the word is in: no pattern holds a line break (checked, see
//! [`WordAutomaton::spans_lines`]), so no match runs from one paragraph into the next, and a
//! paragraph's first word starts a word in the article as it does alone. So the candidates of a
//! paragraph are kept in a bounded cache keyed by a 128-bit hash of its folded text, and a
//! pickup whose paragraphs are its original's (56% of the wire) walks none of them again. The
//! context checks, scores, roles and evidence are then computed from the candidates exactly as
//! before ([`replay`]), so the tags are the same with or without the cache.
//!
//! The cache is the `lru` crate's `LruCache` behind a `Mutex` (the [`crate::Tagger`] is shared
//! read-only across threads); misses are walked outside the lock.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;
use xxhash_rust::xxh3::xxh3_128;

use crate::fold::Folded;
use crate::text::{Field, TagInput, is_word_char};
use crate::word_automaton::{WordAutomaton, WordHash};

/// Paragraph walks the [`ScanCache`] keeps by default: none. Measured on `bench core` (20,000
/// articles, 56% pickups, interleaved runs on 2026-12-07): 8,192 walks made the core about 3%
/// slower (4,100 → 3,950 articles per CPU second, within this machine's noise but in every
/// pair) and held 48 more heap bytes per article; 65,536 no faster and 270 more bytes. The
/// corpus's pickups rarely repeat a paragraph byte for byte soon enough (house style rewrites
/// every paragraph, typos, merged paragraphs, copies hours later), so the walks kept are seldom
/// read. Exact repeats (re-sends, a re-run) do gain: `eval languages`, which tags its items over
/// and over, went from 4,106 to 4,900 articles per CPU second with 8,192.
pub const DEFAULT_PARAGRAPH_CACHE: usize = 0;

/// Which automaton (and which variant of its walk) a cached candidate list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ScanKind {
    /// The gazetteer's names; `true` where names take a genitive `s`.
    Places(bool),
    /// The story topic catalog's terms.
    StoryTopics,
    /// The Media Topics terms of one language (its index).
    MediaTopics(u8),
}

/// The longest pattern at a word start that the automaton's first-word filter let through,
/// before any context check: byte offsets into the folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub pattern: u32,
}

/// A word start of a text (a char boundary after no word character), its first character
/// and the hashes every automaton's first-word filter tests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordStart {
    pub position: usize,
    pub first: char,
    pub hash: WordHash,
}

/// Bytes per word start of wire English (a word and the space after it; a space after
/// punctuation starts a "word" too): what [`word_starts`] makes room for.
const BYTES_PER_WORD: usize = 5;

/// Every word start of `text`, read once for all the automata that walk it (each used to find
/// the starts and hash the words itself).
pub(crate) fn word_starts(text: &str) -> Vec<WordStart> {
    // Room for a word every [`BYTES_PER_WORD`] bytes at once: a story's list is not grown (and
    // copied) a dozen times, start by start.
    let mut starts = Vec::with_capacity(text.len() / BYTES_PER_WORD + 1);
    let mut after_word_char = false;
    for (position, first) in text.char_indices() {
        if !after_word_char {
            starts.push(WordStart {
                position,
                first,
                hash: WordHash::at(text, position),
            });
        }
        after_word_char = is_word_char(first);
    }
    starts
}

/// Every candidate of `automaton` in `text`, in text order: at each of its word starts
/// ([`word_starts`]) for which `worth_trying(text, start)` holds and the filter lets the word
/// through (also without a final `s` where `genitive_s`), the longest pattern starting there.
/// Unlike the walk it stands for, it does not skip the word starts inside a match that the
/// caller will accept: [`replay`] skips those.
pub(crate) fn candidates(
    automaton: &WordAutomaton,
    text: &str,
    starts: &[WordStart],
    genitive_s: bool,
    worth_trying: impl Fn(&str, &WordStart) -> bool,
) -> Vec<Candidate> {
    let mut found = Vec::new();
    for start in starts {
        if !worth_trying(text, start) {
            continue;
        }
        let may_start = automaton.may_start_with(&start.hash)
            || (genitive_s && automaton.may_start_without_final_s(&start.hash));
        if !may_start {
            continue;
        }
        if let Some(hit) = automaton.longest_at(text, start.position) {
            found.push(Candidate {
                start: hit.start(),
                end: hit.end(),
                pattern: hit.pattern().as_u32(),
            });
        }
    }
    found
}

/// The whole-word walk over `candidates`: `accept(start, end, pattern)` says whether a
/// candidate counts, and the candidates starting before the end of an accepted one are
/// skipped, as `text::whole_word_matches` resumes after an accepted match.
pub(crate) fn replay(candidates: &[Candidate], mut accept: impl FnMut(usize, usize, u32) -> bool) {
    let mut resume = 0;
    for candidate in candidates {
        if candidate.start >= resume && accept(candidate.start, candidate.end, candidate.pattern) {
            resume = candidate.end;
        }
    }
}

/// A cached walk: the automaton, and the hash of the paragraph's folded text.
type WalkKey = (ScanKind, u128);

/// The candidate lists of recent paragraphs, by automaton and folded paragraph text.
pub struct ScanCache {
    entries: Mutex<LruCache<WalkKey, Box<[Candidate]>>>,
}

impl std::fmt::Debug for ScanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanCache").finish_non_exhaustive()
    }
}

impl ScanCache {
    /// A cache of `capacity` paragraph walks; `None` for 0 (no cache).
    pub fn new(capacity: usize) -> Option<Self> {
        NonZeroUsize::new(capacity).map(|capacity| Self {
            entries: Mutex::new(LruCache::new(capacity)),
        })
    }

    /// Forgets every walk (the automata changed).
    pub(crate) fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    fn get(&self, key: WalkKey) -> Option<Box<[Candidate]>> {
        self.entries.lock().ok()?.get(&key).cloned()
    }

    fn put(&self, key: WalkKey, candidates: Box<[Candidate]>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(key, candidates);
        }
    }
}

/// One field's text, folded, cut into paragraphs (lines) with the hash of each.
pub(crate) struct ScannedText<'a> {
    pub folded: Folded<'a>,
    /// The word starts of the folded text.
    starts: Vec<WordStart>,
    /// (start, end, hash of the folded text) of each line of the folded text.
    paragraphs: Vec<(usize, usize, u128)>,
}

impl<'a> ScannedText<'a> {
    fn new(text: &'a str, hashed: bool) -> Self {
        let folded = Folded::new(text);
        let mut paragraphs = Vec::new();
        if hashed {
            let matched = folded.text();
            let mut start = 0;
            for line in matched.split('\n') {
                let end = start + line.len();
                if !line.trim().is_empty() {
                    paragraphs.push((start, end, xxh3_128(line.as_bytes())));
                }
                start = end + 1;
            }
        }
        let starts = word_starts(folded.text());
        Self {
            folded,
            starts,
            paragraphs,
        }
    }
}

/// The headline and body of one article folded once, and the candidates of each automaton,
/// from the cache where a paragraph was walked before.
pub(crate) struct Prepared<'a> {
    pub headline: ScannedText<'a>,
    pub body: ScannedText<'a>,
    cache: Option<&'a ScanCache>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(input: &TagInput<'a>, cache: Option<&'a ScanCache>) -> Self {
        let hashed = cache.is_some();
        Self {
            headline: ScannedText::new(input.headline, hashed),
            body: ScannedText::new(input.body, hashed),
            cache,
        }
    }

    pub(crate) fn field(&self, field: Field) -> &ScannedText<'a> {
        match field {
            Field::Headline => &self.headline,
            _ => &self.body,
        }
    }

    /// The candidates of `field` for the automaton `kind`, walked by `walk` (over a whole
    /// field, or one paragraph of it at a time when `by_paragraph`: the automata's patterns
    /// hold no line break).
    pub(crate) fn candidates(
        &self,
        field: Field,
        kind: ScanKind,
        by_paragraph: bool,
        walk: impl Fn(&str, &[WordStart]) -> Vec<Candidate>,
    ) -> Vec<Candidate> {
        let scanned = self.field(field);
        let text = scanned.folded.text();
        let Some(cache) = self.cache.filter(|_| by_paragraph) else {
            return walk(text, &scanned.starts);
        };
        let mut found = Vec::new();
        for &(start, end, hash) in &scanned.paragraphs {
            let key = (kind, hash);
            let paragraph = match cache.get(key) {
                Some(cached) => cached,
                None => {
                    let paragraph = &text[start..end];
                    let walked: Box<[Candidate]> = walk(paragraph, &word_starts(paragraph)).into();
                    cache.put(key, walked.clone());
                    walked
                }
            };
            // A cached list is of a paragraph whose folded text hashed alike: offsets past its
            // end (a hash collision) are dropped rather than trusted.
            found.extend(
                paragraph
                    .iter()
                    .filter(|c| c.start < c.end && c.end <= end - start)
                    .filter(|c| {
                        text.is_char_boundary(start + c.start)
                            && text.is_char_boundary(start + c.end)
                    })
                    .map(|c| Candidate {
                        start: start + c.start,
                        end: start + c.end,
                        pattern: c.pattern,
                    }),
            );
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_skips_what_an_accepted_match_covers() {
        let found = [
            Candidate {
                start: 0,
                end: 8,
                pattern: 0,
            },
            Candidate {
                start: 4,
                end: 8,
                pattern: 1,
            },
            Candidate {
                start: 9,
                end: 12,
                pattern: 2,
            },
        ];
        let mut seen = Vec::new();
        replay(&found, |_, _, pattern| {
            seen.push(pattern);
            true
        });
        assert_eq!(seen, [0, 2]);
        let mut seen = Vec::new();
        replay(&found, |_, _, pattern| {
            seen.push(pattern);
            false
        });
        assert_eq!(seen, [0, 1, 2]);
    }

    #[test]
    fn paragraphs_are_cut_at_line_breaks_and_blank_lines_skipped() {
        let scanned = ScannedText::new("One.\n\nTwo é\n", true);
        let spans: Vec<(usize, usize)> = scanned.paragraphs.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(spans, [(0, 4), (6, 11)]);
        assert_eq!(&scanned.folded.text()[6..11], "Two e");
    }

    proptest::proptest! {
        /// Candidates replayed find what the walk they stand for finds, whole or by paragraph.
        #[test]
        fn replayed_candidates_are_the_whole_word_walk(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "New", "York", "new", "york", "Yorks", "New-York", "Zürich", "zurich", "s",
                    "St.", "Louis", "peace", "talks", "peacetalks", "\n", "\n\n", " ", ", ",
                ]),
                0..40,
            ),
            genitive_s in proptest::bool::ANY,
            accept_every in 1u32..4,
        ) {
            let patterns = ["new york", "new", "york", "zurich", "st. louis", "peace talks", "peace"];
            let automaton = WordAutomaton::new(&patterns).expect("automaton");
            let text = words.join(" ");
            let accept = |start: usize, end: usize, pattern: u32| (start + end + pattern as usize).is_multiple_of(accept_every as usize);
            let worth_trying = |text: &str, position: usize, first: char| {
                first != 'y' || text[position..].starts_with("york")
            };
            let worth_trying_start =
                |text: &str, start: &WordStart| worth_trying(text, start.position, start.first);
            let mut expected = Vec::new();
            // The walk as the taggers did it: over the folded text.
            let folded = Folded::new(&text);
            let matched = folded.text();
            crate::text::whole_word_matches(&automaton, matched, genitive_s, |p, c| worth_trying(matched, p, c), |s, e, p| {
                let ok = accept(s, e, p);
                if ok { expected.push((s, e, p)); }
                ok
            });
            let cache = ScanCache::new(4);
            for cache in [None, cache.as_ref()] {
                let input = TagInput { body: &text, ..TagInput::default() };
                let prepared = Prepared::new(&input, cache);
                for _ in 0..2 {
                    let found = prepared.candidates(Field::Body, ScanKind::Places(genitive_s), true, |text, starts| {
                        candidates(&automaton, text, starts, genitive_s, worth_trying_start)
                    });
                    let mut seen = Vec::new();
                    replay(&found, |s, e, p| {
                        let ok = accept(s, e, p);
                        if ok { seen.push((s, e, p)); }
                        ok
                    });
                    proptest::prop_assert_eq!(&seen, &expected);
                }
            }
        }
    }
}
