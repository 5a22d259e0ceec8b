//! Pure: what event clusters ("stories") compare besides names and numbers:
//! - an article's content words, stemmed in its language (Snowball stemmers,
//!   `rust-stemmers`) so that `arrested` and `arrest`, `Verhandlungen` and `Verhandlung` weigh
//!   as one, with how often each occurs (the headline and first paragraph count twice);
//! - its anchors, which every language writes alike: its places by GeoNames id and its
//!   numbers as values (`6,8` = `6.8`);
//! - its language;
//! - the years it names near its top, which tell two like events years apart from each other
//!   (`May 24, 2005` against `2008`).
//!
//! A term is kept as one `u32`: the hash of its folded stem (or anchor) in the high bits, its
//! kind in the next two, its count (at most [`MAX_COUNT`]) in the low [`COUNT_BITS`].

use foldhash::HashMap;
use rust_stemmers::{Algorithm, Stemmer};
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::features::is_function_word;
use wire_model::Place;

/// Content words kept per article: the most frequent (then the first seen).
pub const MAX_STORY_WORDS: usize = 96;
/// Low bits of a kept word holding its count.
pub const COUNT_BITS: u32 = 5;
/// The largest count a kept word holds.
pub const MAX_COUNT: u32 = (1 << COUNT_BITS) - 1;
/// How much more a word of the headline or the first paragraph counts (the event is told
/// there; the rest is detail and background).
const LEAD_WEIGHT: u32 = 2;
/// Words shorter than this carry no event (`de`, `of`, `al`).
const MIN_WORD_CHARS: usize = 3;
/// Years are read from the headline and the body's first bytes: an article's own date line
/// and the event's date stand there, older years further down are background.
const YEAR_BYTES: usize = 400;
/// Years an article may name as its event's (wire copy archives go back decades).
const YEARS: std::ops::RangeInclusive<u16> = 1950..=2099;
/// Seed of the word hashes (names and numbers use unseeded hashes: the two never compare).
const WORD_SEED: u64 = 0x5707_7e12;

/// The hash part of a kept word.
pub fn word_term(word: u32) -> u32 {
    word >> COUNT_BITS
}

/// Whether a kept term is an anchor ([`story_anchors`]) rather than a content word.
pub fn is_anchor(word: u32) -> bool {
    word_term(word) & 1 == 1
}

/// The term that says an article's language (its primary subtag), kept with its words.
pub fn language_term(language: Option<&str>) -> Option<u32> {
    let primary = language?.split(['-', '_']).next()?.to_ascii_lowercase();
    (!primary.is_empty())
        .then(|| (hash(&format!("lang:{primary}"), Kind::Language) << COUNT_BITS) | 1)
}

/// Whether a kept term says the article's language ([`language_term`]).
pub fn is_language(word: u32) -> bool {
    word_term(word) & 3 == 2
}

/// Whether a kept term is a content word.
pub fn is_word(word: u32) -> bool {
    word_term(word) & 3 == 0
}

/// Whether a kept term is a place anchor.
pub fn is_place(word: u32) -> bool {
    word_term(word) & 3 == 3
}

/// The count part of a kept word.
pub fn word_count(word: u32) -> u32 {
    word & MAX_COUNT
}

/// The content words of an article, kept as described in the module doc, sorted.
pub fn story_words(headline: &str, body: &str, language: Option<&str>) -> Vec<u32> {
    let algorithm = algorithm(language);
    let mut counts = Counts::with_room();
    let lead_end = body.find("\n\n").unwrap_or(body.len());
    let (lead, rest) = body.split_at(lead_end);
    WORD_TERMS.with_borrow_mut(|caches| {
        let cache = caches.entry(algorithm as u8).or_default();
        if cache.len() > WORD_TERMS_CACHED {
            cache.clear();
        }
        for (text, weight) in [(headline, LEAD_WEIGHT), (lead, LEAD_WEIGHT), (rest, 1)] {
            for part in text.split(|c: char| !c.is_alphanumeric()) {
                if part.chars().count() < MIN_WORD_CHARS || part.chars().any(|c| c.is_ascii_digit())
                {
                    continue;
                }
                let term = *cache
                    .entry(xxh3_64(part.as_bytes()))
                    .or_insert_with(|| word_term_of(part, algorithm, language));
                if let Some(term) = term {
                    counts.add(term, weight);
                }
            }
        }
    });
    counts.kept()
}

/// Words already stemmed, by stemmer, as written (most words of the wire recur all day):
/// stemming and folding were a quarter of the enricher's time on a new story. A word is kept
/// by the 64-bit hash of its bytes, not as a string: the lookups were a twentieth of the core's
/// time (a string's hash, then its bytes compared in another allocation), and 16-byte entries
/// with no allocation of their own keep the table small enough to stay in cache. Two of the
/// at most [`WORD_TERMS_CACHED`] words sharing a hash (odds about 3 in 10^10 per fill) would
/// share a term.
type WordTerms = HashMap<u8, HashMap<u64, Option<u32>>>;

thread_local! {
    static WORD_TERMS: std::cell::RefCell<WordTerms> = std::cell::RefCell::new(HashMap::default());
}

/// Words kept per stemmer in [`WORD_TERMS`] before it starts again (about 2 MB).
const WORD_TERMS_CACHED: usize = 100_000;

/// The term of a word as written, in `language` stemmed by `algorithm`; none for a function
/// word.
fn word_term_of(word: &str, algorithm: Algorithm, language: Option<&str>) -> Option<u32> {
    let lowercase = word.to_lowercase();
    if is_function_word(&wire_model::fold::fold_lowercase(&lowercase), language) {
        return None;
    }
    let stem = Stemmer::create(algorithm).stem(&lowercase).into_owned();
    Some(hash(&wire_model::fold::fold_lowercase(&stem), Kind::Word))
}

/// The term of a content word (its stem) or of an anchor: the hash's high bits and the
/// [`Kind`] in the lowest two.
fn hash(text: &str, kind: Kind) -> u32 {
    let hash = xxh3_64_with_seed(text.as_bytes(), WORD_SEED) as u32;
    ((hash >> (COUNT_BITS + 2)) << 2) | kind as u32
}

/// What a kept term is, in its two lowest bits.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Word = 0,
    Number = 1,
    Language = 2,
    Place = 3,
}

/// Counts of terms with where each was first seen.
#[derive(Default)]
struct Counts {
    counts: HashMap<u32, (u32, usize)>,
}

/// Distinct terms [`Counts`] makes room for at once: most articles have fewer, so the map is
/// not grown (and rehashed) term by term.
const EXPECTED_TERMS: usize = 256;

impl Counts {
    fn with_room() -> Self {
        Self {
            counts: HashMap::with_capacity_and_hasher(EXPECTED_TERMS, Default::default()),
        }
    }

    fn add(&mut self, term: u32, weight: u32) {
        let order = self.counts.len();
        self.counts.entry(term).or_insert((0, order)).0 += weight;
    }

    /// The [`MAX_STORY_WORDS`] most frequent (then the first seen), encoded and sorted.
    fn kept(self) -> Vec<u32> {
        let mut kept: Vec<(u32, u32, usize)> = self
            .counts
            .into_iter()
            .map(|(term, (count, first))| (term, count, first))
            .collect();
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        kept.truncate(MAX_STORY_WORDS);
        let mut words: Vec<u32> = kept
            .into_iter()
            .map(|(term, count, _)| (term << COUNT_BITS) | count.min(MAX_COUNT))
            .collect();
        words.sort_unstable();
        words
    }
}

/// The language-independent anchors of an article, kept as words are (sorted, with counts):
/// its places by GeoNames id (about or dateline twice, mentioned once), and its numbers as
/// values (`6,8` in German and `6.8` in English are one anchor; `1.400` in Spanish and `1,400`
/// in English another). Write-ups of one event in different languages share them.
pub fn story_anchors(places: &[Place], body: &str, language: Option<&str>) -> Vec<u32> {
    let mut counts = Counts::default();
    for place in places {
        let Some(id) = place.uri.as_deref().and_then(geonames_id) else {
            continue;
        };
        let weight = if place.rel.as_deref() == Some("mentioned") {
            1
        } else {
            2
        };
        counts.add(hash(&format!("geo:{id}"), Kind::Place), weight);
    }
    // English (and wire copy of unknown language) writes `1,400.5`; the continental
    // languages and Arabic wire copy `1.400,5`.
    let decimal_comma = !matches!(
        language.and_then(|tag| tag.split(['-', '_']).next()),
        None | Some("en" | "zh" | "ja" | "ko" | "he" | "hi")
    );
    for raw in body.split_whitespace() {
        if let Some(value) = number_value(raw, decimal_comma) {
            counts.add(hash(&format!("num:{value}"), Kind::Number), 1);
        }
    }
    counts.kept()
}

/// The GeoNames id of a place uri (`http://sws.geonames.org/3932488/`).
fn geonames_id(uri: &str) -> Option<&str> {
    let id = uri
        .strip_prefix("http://sws.geonames.org/")
        .or_else(|| uri.strip_prefix("https://sws.geonames.org/"))?
        .trim_end_matches('/');
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// A number written in `raw` as a value with a dot for decimals and no grouping (`13,50%` →
/// `13.5`, `1.400` → `1400` when the language writes a decimal comma); none for a year-like
/// or one-digit number (dates and counts such as `3` say little of the event), nor for a word.
fn number_value(raw: &str, decimal_comma: bool) -> Option<String> {
    let token = raw.trim_matches(|c: char| !c.is_ascii_digit());
    if token.is_empty()
        || !token
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let (group, decimal) = if decimal_comma {
        ('.', ',')
    } else {
        (',', '.')
    };
    let mut value = String::with_capacity(token.len());
    for c in token.chars() {
        if c == decimal {
            value.push('.');
        } else if c != group {
            value.push(c);
        }
    }
    if value.contains('.') {
        value = value.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    let integer = value.split('.').next().unwrap_or_default();
    let year_like = !value.contains('.')
        && value.len() == 4
        && (value.starts_with("19") || value.starts_with("20"));
    (value.len() >= 2 && !year_like && !integer.is_empty()).then_some(value)
}

/// The distinct years named in the headline and the body's first [`YEAR_BYTES`], ascending.
pub fn story_years(headline: &str, body: &str) -> Vec<u16> {
    let mut cut = YEAR_BYTES.min(body.len());
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut years: Vec<u16> = [headline, &body[..cut]]
        .into_iter()
        .flat_map(|text| text.split(|c: char| !c.is_ascii_digit()))
        .filter(|digits| digits.len() == 4)
        .filter_map(|digits| digits.parse::<u16>().ok())
        .filter(|year| YEARS.contains(year))
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// The Snowball stemmer of an article's language (a BCP 47 tag); English when none is known.
fn algorithm(language: Option<&str>) -> Algorithm {
    let primary = language
        .and_then(|tag| tag.split(['-', '_']).next())
        .map(str::to_ascii_lowercase);
    match primary.as_deref() {
        Some("de") => Algorithm::German,
        Some("fr") => Algorithm::French,
        Some("es") => Algorithm::Spanish,
        Some("it") => Algorithm::Italian,
        Some("pt") => Algorithm::Portuguese,
        Some("nl") => Algorithm::Dutch,
        Some("ar") => Algorithm::Arabic,
        Some("sv") => Algorithm::Swedish,
        Some("da") => Algorithm::Danish,
        Some("no" | "nb" | "nn") => Algorithm::Norwegian,
        Some("fi") => Algorithm::Finnish,
        Some("ru") => Algorithm::Russian,
        Some("tr") => Algorithm::Turkish,
        Some("ro") => Algorithm::Romanian,
        Some("hu") => Algorithm::Hungarian,
        Some("el") => Algorithm::Greek,
        _ => Algorithm::English,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(headline: &str, body: &str, language: Option<&str>) -> Vec<(u32, u32)> {
        story_words(headline, body, language)
            .into_iter()
            .map(|w| (word_term(w), word_count(w)))
            .collect()
    }

    #[test]
    fn inflections_weigh_as_one_word_and_the_headline_and_lead_count_twice() {
        let words = terms(
            "Police arrest driver",
            "The driver was arrested; arrests follow.\n\nThe driver is named.",
            None,
        );
        let count_of = |word: &str| {
            let term = terms("", word, None)[0].0;
            words
                .iter()
                .find(|(t, _)| *t == term)
                .map(|(_, count)| *count)
        };
        // arrest: 2 in the headline, 2 × 2 in the lead; driver: 2 + 2 + 1 in the rest.
        assert_eq!(count_of("arrest"), Some(6));
        assert_eq!(count_of("driver"), Some(5));
        assert_eq!(count_of("named"), Some(1));
        // Function words are not kept.
        assert!(terms("", "The and of", None).is_empty());
    }

    /// [`story_words`] as it was before its cache kept words by hash: no cache, each word
    /// stemmed where it is read.
    fn story_words_uncached(headline: &str, body: &str, language: Option<&str>) -> Vec<u32> {
        let algorithm = algorithm(language);
        let mut counts = Counts::default();
        let lead_end = body.find("\n\n").unwrap_or(body.len());
        let (lead, rest) = body.split_at(lead_end);
        for (text, weight) in [(headline, LEAD_WEIGHT), (lead, LEAD_WEIGHT), (rest, 1)] {
            for part in text.split(|c: char| !c.is_alphanumeric()) {
                if part.chars().count() < MIN_WORD_CHARS || part.chars().any(|c| c.is_ascii_digit())
                {
                    continue;
                }
                if let Some(term) = word_term_of(part, algorithm, language) {
                    counts.add(term, weight);
                }
            }
        }
        counts.kept()
    }

    #[test]
    fn cached_words_are_the_words_read_afresh() {
        let vocabulary = [
            "Police",
            "police",
            "POLICE",
            "arrest",
            "arrested",
            "Arrests",
            "the",
            "The",
            "and",
            "Verhandlungen",
            "Verhandlung",
            "négociations",
            "GENÈVE",
            "Genève",
            "سوريّة",
            "السلام",
            "Straße",
            "İstanbul",
            "12.5%",
            "x2",
            "ab",
            "per",
            "cent",
            ",",
            ".",
            "\n\n",
            " ",
            "-",
        ];
        let mut state = 11_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        for _ in 0..500 {
            let mut text = String::new();
            for _ in 0..next() % 150 {
                text.push_str(vocabulary[next() as usize % vocabulary.len()]);
                text.push(' ');
            }
            let headline = &text[..text.len().min(text.find(' ').unwrap_or(0))];
            for language in [None, Some("de"), Some("fr-FR"), Some("ar")] {
                // Twice: the second reads every word from the cache.
                for _ in 0..2 {
                    assert_eq!(
                        story_words(headline, &text, language),
                        story_words_uncached(headline, &text, language),
                        "{text:?} {language:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn german_words_are_stemmed_in_german() {
        let a = terms("", "Die Verhandlungen gehen weiter.", Some("de"));
        let b = terms("", "Die Verhandlung geht weiter.", Some("de-DE"));
        assert!(
            a.iter()
                .any(|(term, _)| b.iter().any(|(other, _)| other == term))
        );
    }

    #[test]
    fn numbers_are_values_in_every_language() {
        assert_eq!(number_value("6,8", true).as_deref(), Some("6.8"));
        assert_eq!(number_value("6.8", false).as_deref(), Some("6.8"));
        assert_eq!(number_value("1.400", true).as_deref(), Some("1400"));
        assert_eq!(number_value("1,400", false).as_deref(), Some("1400"));
        assert_eq!(number_value("13,50%", true).as_deref(), Some("13.5"));
        assert_eq!(number_value("(230)", false).as_deref(), Some("230"));
        // A year, a one-digit count and a word are no anchors.
        assert_eq!(number_value("2026", false), None);
        assert_eq!(number_value("3", false), None);
        assert_eq!(number_value("Peru", false), None);
    }

    #[test]
    fn anchors_are_places_by_id_and_numbers_and_a_language_is_its_own_term() {
        let place = |id: &str, rel: &str| Place {
            uri: Some(format!("http://sws.geonames.org/{id}/")),
            rel: Some(rel.to_owned()),
            ..Place::default()
        };
        let places = [place("3932488", "about"), place("3936456", "mentioned")];
        let german = story_anchors(&places, "Stärke 6,8; 1.400 Häuser", Some("de"));
        let english = story_anchors(&places, "magnitude 6.8; 1,400 homes", Some("en"));
        assert_eq!(german, english);
        assert_eq!(german.iter().filter(|w| is_place(**w)).count(), 2);
        // About or dateline counts twice, mentioned once.
        let mut place_counts: Vec<u32> = german
            .iter()
            .filter(|w| is_place(**w))
            .map(|w| word_count(*w))
            .collect();
        place_counts.sort_unstable();
        assert_eq!(place_counts, [1, 2]);
        let language = language_term(Some("de-DE"));
        assert_eq!(language, language_term(Some("de")));
        assert!(language.is_some_and(is_language));
        assert_ne!(language, language_term(Some("fr")));
        assert_eq!(language_term(None), None);
    }

    #[test]
    fn years_come_from_the_top_of_the_story() {
        let body = format!(
            "Posted May 24, 2005. Cheeks was named coach on 12 pages. {} Back in 1987 he played.",
            "x ".repeat(300)
        );
        assert_eq!(story_years("Sixers hire Cheeks", &body), [2005]);
        assert!(story_years("", "Shares rose 1200 points").is_empty());
    }
}
