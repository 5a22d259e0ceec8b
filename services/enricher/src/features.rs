//! Pure: what the duplicate index compares. Words, word shingles (hashed), the "key tokens"
//! (numbers and names) that tell templated stories apart, paragraph fingerprints for change
//! summaries, and agency update markers in headlines.

use xxhash_rust::xxh3::xxh3_64;

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 4;
/// Below this many words an article is matched by exact text only.
pub const MIN_WORDS_FOR_NEAR_DUPLICATES: usize = 12;
/// Key tokens kept per article (the smallest hashes).
pub const MAX_KEY_TOKENS: usize = 192;

/// Lowercase words of `text`, typographic, spelling and house-style variants folded (see
/// [`fold`]), punctuation dropped.
pub fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for token in text
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == ',' || c == '%'))
        .map(|token| token.trim_matches(|c: char| c == '.' || c == ','))
        .filter(|token| !token.is_empty())
    {
        let word = fold(token.to_lowercase());
        // "per cent" is one word in other house styles.
        if word == "cent" && words.last().is_some_and(|w| w == "per") {
            words.pop();
            words.push("percent".to_owned());
            continue;
        }
        words.push(word);
    }
    words
}

/// Wire abbreviations and their spelled-out forms, folded to one form (outlets rewrite agency
/// shorthand into their house style).
const HOUSE_STYLE_VARIANTS: &[(&str, &str)] = &[
    ("pct", "percent"),
    ("mln", "million"),
    ("mn", "million"),
    ("bln", "billion"),
    ("bn", "billion"),
    ("dlrs", "dollars"),
    ("dlr", "dollar"),
    ("cts", "cents"),
    ("says", "said"),
    ("u.s", "us"),
    ("u.k", "uk"),
    ("corp", "corporation"),
    ("co", "company"),
    ("inc", "incorporated"),
    ("ltd", "limited"),
];

/// One lowercase word in a canonical spelling: wire abbreviations expanded
/// ([`HOUSE_STYLE_VARIANTS`]) and British spellings folded to American ones by their endings
/// (`-our`, `-tre`, `-ise`, `-isation`, `-mme`, `-lled`). Applied alike to both texts being
/// compared, so a fold that also catches an unrelated word does no harm.
pub fn fold(word: String) -> String {
    if let Some((_, to)) = HOUSE_STYLE_VARIANTS.iter().find(|(from, _)| *from == word) {
        return (*to).to_owned();
    }
    if !word.is_ascii() || word.len() < 5 {
        return word;
    }
    for (british, american) in [
        ("isation", "ization"),
        ("ising", "izing"),
        ("ised", "ized"),
        ("ise", "ize"),
        ("our", "or"),
        ("ours", "ors"),
        ("tre", "ter"),
        ("tres", "ters"),
        ("mme", "m"),
        ("lled", "led"),
        ("lling", "ling"),
    ] {
        if let Some(stem) = word.strip_suffix(british) {
            return format!("{stem}{american}");
        }
    }
    word
}

/// The distinct hashes of every run of [`SHINGLE_WORDS`] consecutive words, sorted.
pub fn shingles(words: &[String]) -> Vec<u64> {
    let mut hashes: Vec<u64> = if words.len() < SHINGLE_WORDS {
        vec![xxh3_64(words.join(" ").as_bytes())]
    } else {
        // One buffer for every window's text (the same bytes `window.join(" ")` gives).
        let mut joined = String::new();
        words
            .windows(SHINGLE_WORDS)
            .map(|window| {
                joined.clear();
                for (at, word) in window.iter().enumerate() {
                    if at > 0 {
                        joined.push(' ');
                    }
                    joined.push_str(word);
                }
                xxh3_64(joined.as_bytes())
            })
            .collect()
    };
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// Capitalised only because they start a sentence: not names.
const SENTENCE_STARTERS: &[&str] = &[
    "a",
    "an",
    "the",
    "in",
    "on",
    "at",
    "of",
    "for",
    "to",
    "by",
    "with",
    "from",
    "and",
    "but",
    "or",
    "as",
    "if",
    "when",
    "while",
    "after",
    "before",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "its",
    "their",
    "our",
    "some",
    "many",
    "most",
    "no",
    "not",
    "one",
    "all",
    "both",
    "more",
    "speaking",
    "asked",
    "however",
    "meanwhile",
    "also",
    "earlier",
    "later",
    "last",
    "next",
    "on",
    "according",
];

/// Hashes of the tokens that make a story this story and not another from the same template:
/// numbers (with their units, e.g. `12.5`, `3-1`, `28.4%`) and capitalised names (a word
/// capitalised only because it starts a sentence, like "The", is not a name). Sorted, distinct, at most [`MAX_KEY_TOKENS`].
pub fn key_tokens(text: &str) -> Vec<u32> {
    let mut tokens = Vec::new();
    let mut sentence_start = true;
    for raw in text.split_whitespace() {
        let token = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if token.is_empty() {
            continue;
        }
        let has_digit = token.chars().any(|c| c.is_ascii_digit());
        let capitalised = token.chars().next().is_some_and(char::is_uppercase);
        let ordinary_start =
            sentence_start && SENTENCE_STARTERS.contains(&token.to_lowercase().as_str());
        if has_digit || (capitalised && !ordinary_start) {
            tokens.push(xxh3_64(fold(token.to_lowercase()).as_bytes()) as u32);
        }
        sentence_start = raw.ends_with(['.', '!', '?', ':', '"', '\u{201D}']);
    }
    tokens.sort_unstable();
    tokens.dedup();
    tokens.truncate(MAX_KEY_TOKENS);
    tokens
}

/// The share of the smaller key-token set found in the larger (1.0 when either is empty).
pub fn key_token_containment(a: &[u32], b: &[u32]) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 1.0;
    }
    // Both are truncated to the smallest hashes: compare only below the larger's cut-off.
    let cutoff = if large.len() == MAX_KEY_TOKENS {
        large.last().copied().unwrap_or(u32::MAX)
    } else {
        u32::MAX
    };
    let considered: Vec<u32> = small.iter().copied().filter(|t| *t <= cutoff).collect();
    if considered.is_empty() {
        return 1.0;
    }
    let found = considered
        .iter()
        .filter(|t| large.binary_search(t).is_ok())
        .count();
    found as f64 / considered.len() as f64
}

/// Fingerprints of the paragraphs (for "paragraphs added/removed" in change summaries).
pub fn paragraph_hashes(body: &str) -> Vec<u32> {
    body.split("\n\n")
        .map(|p| words(p).join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| xxh3_64(p.as_bytes()) as u32)
        .collect()
}

/// [`words`] of `body` and its [`paragraph_hashes`], tokenizing the text once: the body's
/// words are its paragraphs' words in order (no word spans a paragraph break), except that a
/// `per` ending one paragraph and a `cent` starting the next are one word, as [`words`] reads
/// them.
pub fn body_words_and_paragraphs(body: &str) -> (Vec<String>, Vec<u32>) {
    let mut all: Vec<String> = Vec::new();
    let mut hashes = Vec::new();
    let mut joined = String::new();
    for paragraph in body.split("\n\n") {
        let mut paragraph_words = words(paragraph);
        if paragraph_words.is_empty() {
            continue;
        }
        joined.clear();
        for (at, word) in paragraph_words.iter().enumerate() {
            if at > 0 {
                joined.push(' ');
            }
            joined.push_str(word);
        }
        hashes.push(xxh3_64(joined.as_bytes()) as u32);
        if paragraph_words[0] == "cent" && all.last().is_some_and(|w| w == "per") {
            all.pop();
            paragraph_words[0] = "percent".to_owned();
        }
        all.append(&mut paragraph_words);
    }
    (all, hashes)
}

/// A hash of a headline's words (headline changes in change summaries).
pub fn headline_hash(headline: &str) -> u32 {
    xxh3_64(words(headline).join(" ").as_bytes()) as u32
}

/// An agency update marker on a headline or slugline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMarker {
    /// `UPDATE 2-`, `WRAPUP 1-`, `(Writethru)`, `REFILE-`, `RPT-`.
    Update,
    /// `CORRECTED-`, `CORRECTION`.
    Correction,
}

/// The headline without a leading agency marker (`UPDATE 2-`, `REFILE-`, `CORRECTED-`,
/// `WRAPUP 1-`, `RPT-`, `URGENT-`) or a trailing `(Writethru)` / `(UPDATE)` / `(CORRECTED)`,
/// and the marker found. Written by hand: the markers are a closed, well-known list.
pub fn strip_update_marker(headline: &str) -> (String, Option<UpdateMarker>) {
    let trimmed = headline.trim();
    if let Some((prefix, rest)) = trimmed.split_once('-') {
        let prefix_upper = prefix.trim();
        let is_upper = prefix_upper.chars().all(|c| !c.is_lowercase());
        let word = prefix_upper.split_whitespace().next().unwrap_or("");
        let marker = match word {
            "UPDATE" | "WRAPUP" | "REFILE" | "RPT" | "URGENT" | "WRITETHRU" => {
                Some(UpdateMarker::Update)
            }
            "CORRECTED" | "CORRECTION" => Some(UpdateMarker::Correction),
            _ => None,
        };
        if let (true, Some(marker)) = (is_upper && prefix_upper.len() <= 14, marker) {
            return (rest.trim().to_owned(), Some(marker));
        }
    }
    if let Some(open) = trimmed.rfind('(')
        && trimmed.ends_with(')')
    {
        let inside = trimmed[open + 1..trimmed.len() - 1].to_lowercase();
        let marker = if inside.contains("writethru") || inside.contains("update") {
            Some(UpdateMarker::Update)
        } else if inside.contains("correct") {
            Some(UpdateMarker::Correction)
        } else {
            None
        };
        if let Some(marker) = marker {
            return (trimmed[..open].trim().to_owned(), Some(marker));
        }
    }
    (trimmed.to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_case_and_punctuation_but_keep_numbers() {
        assert_eq!(
            words("Profit rose 12.5% to $3,200 mln, Reuters said."),
            [
                "profit", "rose", "12.5%", "to", "3,200", "million", "reuters", "said"
            ]
        );
    }

    #[test]
    fn house_style_and_british_spellings_fold_to_one_form() {
        assert_eq!(
            words("Output rose 5 per cent to 3 mln dlrs, the U.S. Labour centre says"),
            words("Output rose 5 pct to 3 million dollars, the US labor center said")
        );
        assert_eq!(fold("organisation".to_owned()), "organization");
        assert_eq!(fold("programme".to_owned()), "program");
        assert_eq!(fold("four".to_owned()), "four");
        assert_ne!(words("the percentage"), words("the per cent"));
    }

    #[test]
    fn body_words_and_paragraphs_tokenize_once_as_each_would() {
        for body in [
            "",
            "\n\n",
            "Profit rose 12.5% to 3 mln dlrs.\n\nThe U.K. Labour centre says so.",
            "Output rose 5 per\n\ncent today\n\n\n\nper cent cent",
            "per\n\n\n\ncent\n\n.\n\ncent",
        ] {
            assert_eq!(
                body_words_and_paragraphs(body),
                (words(body), paragraph_hashes(body)),
                "{body:?}"
            );
        }
    }

    #[test]
    fn shingles_are_distinct_and_short_texts_get_one() {
        let w = words("a b c d e a b c d");
        assert_eq!(shingles(&w).len(), 5);
        assert_eq!(shingles(&words("only two")).len(), 1);
    }

    #[test]
    fn key_tokens_are_numbers_and_names_not_sentence_starts() {
        let a = key_tokens("Acme Corp said net profit was 12 mln dlrs. The Board met in Paris.");
        let b = key_tokens("Acme Corp said net profit was 12 mln dlrs. The Board met in Paris.");
        let other = key_tokens("Widget Inc said net profit was 7 mln dlrs. The Board met in Oslo.");
        assert_eq!(a, b);
        assert_eq!(key_token_containment(&a, &b), 1.0);
        assert!(key_token_containment(&a, &other) < 0.5);
        // "The" only starts a sentence; "Acme", "Corp", "12", "Board", "Paris" are key tokens.
        assert_eq!(a.len(), 5);
    }

    #[test]
    fn update_markers_are_recognised_and_stripped() {
        for (headline, stripped, marker) in [
            (
                "UPDATE 2-Kerry meets Putin",
                "Kerry meets Putin",
                Some(UpdateMarker::Update),
            ),
            (
                "REFILE-Kerry meets Putin",
                "Kerry meets Putin",
                Some(UpdateMarker::Update),
            ),
            (
                "CORRECTED-Kerry meets Putin",
                "Kerry meets Putin",
                Some(UpdateMarker::Correction),
            ),
            (
                "Kerry meets Putin (Writethru)",
                "Kerry meets Putin",
                Some(UpdateMarker::Update),
            ),
            ("Kerry meets Putin", "Kerry meets Putin", None),
            ("Anti-war protest grows", "Anti-war protest grows", None),
            (
                "US-Russia talks (analysis)",
                "US-Russia talks (analysis)",
                None,
            ),
        ] {
            assert_eq!(
                strip_update_marker(headline),
                (stripped.to_owned(), marker),
                "{headline}"
            );
        }
    }
}
