//! Pure: what the duplicate index compares. Words, word shingles (hashed), the "key tokens"
//! (numbers and names) that tell templated stories apart, paragraph fingerprints for change
//! summaries, and agency update markers in headlines.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 4;
/// Below this many words an article is matched by exact text only.
pub const MIN_WORDS_FOR_NEAR_DUPLICATES: usize = 12;
/// Key tokens kept per article (the smallest hashes).
pub const MAX_KEY_TOKENS: usize = 192;

/// Lowercase words of `text`, accents and Arabic letter forms folded ([`wire_model::fold`]),
/// typographic, spelling and house-style variants folded (see [`fold`]), punctuation dropped.
pub fn words(text: &str) -> Vec<String> {
    Words::of(text).iter().map(str::to_owned).collect()
}

/// The [`words`] of a text in one buffer, one space apart (the text `words(..).join(" ")`
/// gives), with where each word starts: shingles and paragraph fingerprints hash slices of it,
/// so no word is a string of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    joined: String,
    starts: Vec<u32>,
}

impl Words {
    pub fn of(text: &str) -> Self {
        let mut words = Self::default();
        words.push_text(text);
        words
    }

    /// Words already read (as [`Words::iter`] gives them), as they are.
    pub fn from_read<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut all = Self::default();
        for word in words {
            if !all.is_empty() {
                all.joined.push(' ');
            }
            all.starts.push(all.joined.len() as u32);
            all.joined.push_str(word);
        }
        all
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The words, one space apart.
    pub fn joined(&self) -> &str {
        &self.joined
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|at| self.word(at))
    }

    fn last(&self) -> Option<&str> {
        self.len().checked_sub(1).map(|at| self.word(at))
    }

    fn word(&self, at: usize) -> &str {
        &self.joined[self.starts[at] as usize..self.end(at)]
    }

    /// Where word `at` ends (exclusive).
    fn end(&self, at: usize) -> usize {
        self.starts
            .get(at + 1)
            .map_or(self.joined.len(), |next| *next as usize - 1)
    }

    /// Words `from..to`, one space apart.
    fn span(&self, from: usize, to: usize) -> &str {
        &self.joined[self.starts[from] as usize..self.end(to - 1)]
    }

    fn clear(&mut self) {
        self.joined.clear();
        self.starts.clear();
    }

    /// Appends the words of `text` (a "per" before its first "cent" included).
    fn push_text(&mut self, text: &str) {
        // Folded first: an Arabic short vowel or a tatweel is no word character, and must not
        // split the word it is written in.
        let text = wire_model::fold::fold(text);
        for token in text
            .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == ',' || c == '%'))
            .map(|token| token.trim_matches(|c: char| c == '.' || c == ','))
            .filter(|token| !token.is_empty())
        {
            self.push_token(token);
        }
    }

    /// Appends one token lowercased and folded; "per cent" is one word in other house styles.
    fn push_token(&mut self, token: &str) {
        let separator = usize::from(!self.is_empty());
        let start = self.joined.len() + separator;
        if separator == 1 {
            self.joined.push(' ');
        }
        if token.is_ascii() {
            self.joined.push_str(token);
            self.joined[start..].make_ascii_lowercase();
        } else {
            // Not char by char: a final sigma lowercases by its place in the word. Accents and
            // Arabic letter forms are folded already (outlets drop accents, or add them).
            self.joined.push_str(&token.to_lowercase());
        }
        fold_tail(&mut self.joined, start);
        let previous = self
            .starts
            .last()
            .map(|at| &self.joined[*at as usize..start - separator]);
        if &self.joined[start..] == "cent" && previous == Some("per") {
            self.joined.truncate(start - separator);
            self.replace_last("percent");
            return;
        }
        self.starts.push(start as u32);
    }

    fn replace_last(&mut self, word: &str) {
        if let Some(start) = self.starts.last() {
            self.joined.truncate(*start as usize);
            self.joined.push_str(word);
        }
    }

    /// Appends the words of `other` from its word `from` on.
    fn append_from(&mut self, other: &Words, from: usize) {
        if from >= other.len() {
            return;
        }
        if !self.is_empty() {
            self.joined.push(' ');
        }
        let shift = self.joined.len() as i64 - i64::from(other.starts[from]);
        self.joined
            .push_str(&other.joined[other.starts[from] as usize..]);
        self.starts.extend(
            other.starts[from..]
                .iter()
                .map(|start| (i64::from(*start) + shift) as u32),
        );
    }

    /// Appends the words of `other` as they are.
    pub fn append(&mut self, other: &Words) {
        self.append_from(other, 0);
    }
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
    let mut word = word;
    fold_tail(&mut word, 0);
    word
}

/// The longest abbreviation in [`HOUSE_STYLE_VARIANTS`]: longer words are not looked up.
const LONGEST_VARIANT: usize = {
    let mut longest = 0;
    let mut at = 0;
    while at < HOUSE_STYLE_VARIANTS.len() {
        if HOUSE_STYLE_VARIANTS[at].0.len() > longest {
            longest = HOUSE_STYLE_VARIANTS[at].0.len();
        }
        at += 1;
    }
    longest
};

/// British endings and their American forms, tried in this order ([`fold`]).
const BRITISH_ENDINGS: [(&str, &str); 11] = [
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
];

/// Whether `byte` ends some ending of [`BRITISH_ENDINGS`]: most words end otherwise and are
/// passed over without comparing the endings.
const fn ends_a_british_ending(byte: u8) -> bool {
    let mut at = 0;
    while at < BRITISH_ENDINGS.len() {
        let british = BRITISH_ENDINGS[at].0.as_bytes();
        if british[british.len() - 1] == byte {
            return true;
        }
        at += 1;
    }
    false
}

/// [`ends_a_british_ending`] of every byte, looked up.
const BRITISH_LAST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = ends_a_british_ending(byte as u8);
        byte += 1;
    }
    table
};

/// [`fold`] of the word `text[start..]`, in place.
fn fold_tail(text: &mut String, start: usize) {
    let word = &text[start..];
    let variant = (word.len() <= LONGEST_VARIANT)
        .then(|| HOUSE_STYLE_VARIANTS.iter().find(|(from, _)| *from == word))
        .flatten();
    if let Some((_, to)) = variant {
        text.truncate(start);
        text.push_str(to);
        return;
    }
    let last = word.as_bytes().last().copied().unwrap_or_default();
    if word.len() < 5 || !BRITISH_LAST_BYTES[usize::from(last)] || !word.is_ascii() {
        return;
    }
    for (british, american) in BRITISH_ENDINGS {
        if word.ends_with(british) {
            text.truncate(text.len() - british.len());
            text.push_str(american);
            return;
        }
    }
}

/// The distinct hashes of every run of [`SHINGLE_WORDS`] consecutive words, sorted (one hash
/// of all the words for fewer).
pub fn shingles(words: &Words) -> Vec<u64> {
    let mut hashes: Vec<u64> = if words.len() < SHINGLE_WORDS {
        vec![xxh3_64(words.joined().as_bytes())]
    } else {
        (0..=words.len() - SHINGLE_WORDS)
            .map(|at| xxh3_64(words.span(at, at + SHINGLE_WORDS).as_bytes()))
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

/// The same in German, French, Spanish, Italian, Portuguese and Dutch (folded, lowercase;
/// Arabic has no capitals), for articles in that language only: `Le` and `Al` start names in
/// English.
const OTHER_SENTENCE_STARTERS: &[(&str, &str)] = &[
    (
        "de",
        "der die das ein eine einen dem den des er sie es wir ich im am auf in mit nach bei vor \
         und aber auch nun dabei zudem laut wie zum zur vom beim aus an um bis seit nach nachdem \
         als wenn weil doch noch so diese dieser dieses jetzt heute gestern damit zuvor zwar \
         dies man sein seine ihr ihre unter zwischen gegen ohne",
    ),
    (
        "fr",
        "le la les l un une du de des il elle ils elles nous on en au aux dans pour par avec \
         selon mais et ce cette ces son sa ses leur d apres avant depuis pendant sans sur sous \
         entre vers lors si quand alors aussi cela ceci mardi lundi a qui tous toutes plusieurs",
    ),
    (
        "es",
        "el la los las un una unos unas del al en por para con segun pero y este esta su sus lo \
         de a tras ante sin sobre desde durante entre hasta hoy ayer ademas mientras tambien \
         cuando como si ya esto eso ello otro otra todos cada varios estos estas mas muy solo",
    ),
    (
        "it",
        "il lo la i gli le un uno una del della dei nel nella per con secondo ma e questo \
         questa suo sua di a da in su al alla allo ai agli alle dal dalla nei negli nelle sul \
         sulla dopo prima durante tra fra senza oggi ieri anche inoltre mentre quando come se \
         gia questi queste ogni altri tutti",
    ),
    (
        "pt",
        "o a os as um uma do da dos das no na em por para com segundo mas e este esta seu sua \
         de ao aos nos nas pelo pela pelos pelas apos antes durante entre sem sobre desde ate \
         hoje ontem tambem alem enquanto quando como se ja isto isso outro outra todos cada",
    ),
    (
        "nl",
        "de het een en in op met voor van volgens maar ook dat die deze hij zij ze wij bij na \
         naar uit over onder tussen tegen zonder sinds tijdens om aan door toen als nu vandaag \
         gisteren daarna eerder wel dit zo er hun zijn haar",
    ),
];

/// Whether a folded, lowercase word is a function word of `language` (an article, pronoun,
/// preposition, conjunction, common adverb: the words [`key_tokens`] does not take for names
/// at a sentence start), which says nothing of what a story is about.
pub(crate) fn is_function_word(word: &str, language: Option<&str>) -> bool {
    is_sentence_starter(word, language)
}

/// Whether a folded, lowercase word is capitalised at a sentence start only by its place there,
/// in an article in `language` (a BCP 47 tag, or none).
fn is_sentence_starter(word: &str, language: Option<&str>) -> bool {
    // Sets, not the lists: a sentence start looked through the English list word by word was
    // about a hundredth of the core's time.
    type Starters = foldhash::HashMap<&'static str, foldhash::HashSet<&'static str>>;
    static ENGLISH: std::sync::LazyLock<foldhash::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| SENTENCE_STARTERS.iter().copied().collect());
    static OTHERS: std::sync::LazyLock<Starters> = std::sync::LazyLock::new(|| {
        OTHER_SENTENCE_STARTERS
            .iter()
            .map(|(language, words)| (*language, words.split_whitespace().collect()))
            .collect()
    });
    if ENGLISH.contains(word) {
        return true;
    }
    let Some(primary) = language.and_then(|tag| tag.split(['-', '_']).next()) else {
        return false;
    };
    // Tags are mostly lowercase already: lowercased (a string of its own) only when not.
    let starters = if primary.bytes().any(|b| b.is_ascii_uppercase()) {
        OTHERS.get(primary.to_ascii_lowercase().as_str())
    } else {
        OTHERS.get(primary)
    };
    starters.is_some_and(|starters| starters.contains(word))
}

/// Hashes of the tokens that make a story this story and not another from the same template:
/// numbers (with their units, e.g. `12.5`, `3-1`, `28.4%`) and capitalised names (a word
/// capitalised only because it starts a sentence, like "The", or "Die" in an article in German,
/// is not a name). Sorted, distinct, at most [`MAX_KEY_TOKENS`].
pub fn key_tokens(text: &str, language: Option<&str>) -> Vec<u32> {
    let mut tokens = Vec::new();
    let mut sentence_start = true;
    // One buffer for every folded token (most are ASCII: folded in place, no allocation).
    let mut lowercase = String::new();
    for raw in text.split_whitespace() {
        let token = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if token.is_empty() {
            continue;
        }
        let has_digit = token.bytes().any(|b| b.is_ascii_digit());
        let capitalised = token.chars().next().is_some_and(char::is_uppercase);
        // Most words are neither: they are not folded at all.
        if has_digit || capitalised {
            lowercase.clear();
            if token.is_ascii() {
                lowercase.push_str(token);
                lowercase.make_ascii_lowercase();
            } else {
                lowercase.push_str(&wire_model::fold::fold_lowercase(token));
            }
            let ordinary_start = sentence_start && is_sentence_starter(&lowercase, language);
            if has_digit || !ordinary_start {
                fold_tail(&mut lowercase, 0);
                tokens.push(xxh3_64(lowercase.as_bytes()) as u32);
            }
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

/// The paragraphs of a plain-text body, as `body.split("\n\n")` gives them, found by
/// `memchr`'s vectorised substring search (std's two-way search for the two bytes cost 2% of
/// the enricher's instructions).
fn paragraphs(body: &str) -> impl Iterator<Item = &str> {
    let mut breaks = memchr::memmem::find_iter(body.as_bytes(), b"\n\n");
    let mut from = Some(0);
    std::iter::from_fn(move || {
        let start = from?;
        // A break is two ASCII bytes: both its ends are character boundaries.
        match breaks.next() {
            Some(at) => {
                from = Some(at + 2);
                body.get(start..at)
            }
            None => {
                from = None;
                body.get(start..)
            }
        }
    })
}

/// Fingerprints of the paragraphs (for "paragraphs added/removed" in change summaries).
pub fn paragraph_hashes(body: &str) -> Vec<u32> {
    paragraphs(body)
        .map(Words::of)
        .filter(|words| !words.is_empty())
        .map(|words| xxh3_64(words.joined().as_bytes()) as u32)
        .collect()
}

/// [`words`] of `body` and its [`paragraph_hashes`], tokenizing the text once: the body's
/// words are its paragraphs' words in order (no word spans a paragraph break), except that a
/// `per` ending one paragraph and a `cent` starting the next are one word, as [`words`] reads
/// them.
pub fn body_words_and_paragraphs(body: &str) -> (Words, Vec<u32>) {
    let body = BodyWords::of(body);
    (body.words, body.paragraphs)
}

/// What the index reads of a body, tokenizing it once: its [`words`], its
/// [`paragraph_hashes`] and its [`lede_sketch`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyWords {
    pub words: Words,
    pub paragraphs: Vec<u32>,
    pub lede: Vec<u8>,
}

impl BodyWords {
    pub fn of(body: &str) -> Self {
        let mut all = Words::default();
        let mut hashes = Vec::new();
        let mut lede = Vec::new();
        let mut paragraph = Words::default();
        for text in paragraphs(body) {
            paragraph.clear();
            paragraph.push_text(text);
            if paragraph.is_empty() {
                continue;
            }
            if hashes.is_empty() {
                lede = sketch(&paragraph);
            }
            hashes.push(xxh3_64(paragraph.joined().as_bytes()) as u32);
            let mut from = 0;
            if paragraph.word(0) == "cent" && all.last() == Some("per") {
                all.replace_last("percent");
                from = 1;
            }
            all.append_from(&paragraph, from);
        }
        Self {
            words: all,
            paragraphs: hashes,
            lede,
        }
    }
}

/// Values in a lede sketch ([`lede_sketch`]).
pub const LEDE_SKETCH: usize = 16;

/// The chance that two different minimums agree on a lede sketch value (values 1..=255).
const LEDE_CHANCE_AGREEMENT: f64 = 1.0 / 255.0;

/// A MinHash sketch of the words of `body`'s first paragraph (the lede): for each of
/// [`LEDE_SKETCH`] seeds, the low 8 bits of the smallest seeded word hash, never 0. Empty
/// when the body has no words.
pub fn lede_sketch(body: &str) -> Vec<u8> {
    paragraphs(body)
        .map(Words::of)
        .find(|words| !words.is_empty())
        .map(|lede| sketch(&lede))
        .unwrap_or_default()
}

/// The [`lede_sketch`] of the words of a lede.
fn sketch(lede: &Words) -> Vec<u8> {
    if lede.is_empty() {
        return Vec::new();
    }
    let mut smallest = [u64::MAX; LEDE_SKETCH];
    for word in lede.iter() {
        for (seed, value) in smallest.iter_mut().enumerate() {
            *value = (*value).min(xxh3_64_with_seed(word.as_bytes(), seed as u64));
        }
    }
    smallest.iter().map(|value| (*value as u8).max(1)).collect()
}

/// The estimated share of the lede's words that changed between two [`lede_sketch`]es (one
/// minus their Jaccard similarity); `None` when either has no lede.
pub fn lede_change(before: &[u8], after: &[u8]) -> Option<f64> {
    if before.len() != LEDE_SKETCH || after.len() != LEDE_SKETCH {
        return None;
    }
    let agreeing = before.iter().zip(after).filter(|(a, b)| a == b).count();
    let share = agreeing as f64 / LEDE_SKETCH as f64;
    let similarity =
        ((share - LEDE_CHANCE_AGREEMENT) / (1.0 - LEDE_CHANCE_AGREEMENT)).clamp(0.0, 1.0);
    Some(1.0 - similarity)
}

/// A hash of a headline's words (headline changes in change summaries).
pub fn headline_hash(headline: &str) -> u32 {
    xxh3_64(Words::of(headline).joined().as_bytes()) as u32
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

    proptest::proptest! {
        #[test]
        fn paragraphs_are_what_splitting_at_blank_lines_gives(
            parts in proptest::collection::vec("(\n|\n\n|\n\n\n|a|\u{e9}|\u{1f600}| )", 0..40),
        ) {
            let body = parts.concat();
            let found: Vec<&str> = paragraphs(&body).collect();
            let split: Vec<&str> = body.split("\n\n").collect();
            proptest::prop_assert_eq!(found, split, "{:?}", body);
        }
    }

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
    fn accents_and_arabic_letter_forms_fold_and_marks_do_not_split_words() {
        assert_eq!(
            words("Les négociations à GENÈVE"),
            words("Les negociations a Geneve")
        );
        assert_eq!(
            words("استئناف عمليّة السـلام في سوريّة"),
            ["استيناف", "عمليه", "السلام", "في", "سوريه"]
        );
        assert_eq!(
            key_tokens("Le processus reprend à Genève.", Some("fr")),
            key_tokens("Le processus reprend a GENEVE.", Some("fr-FR"))
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
            let (all, hashes) = body_words_and_paragraphs(body);
            assert_eq!(
                (all.iter().map(str::to_owned).collect::<Vec<_>>(), hashes),
                (words(body), paragraph_hashes(body)),
                "{body:?}"
            );
        }
    }

    /// [`fold`] as it was before it looked at a word's last byte first.
    fn fold_every_ending_tried(word: String) -> String {
        if let Some((_, to)) = HOUSE_STYLE_VARIANTS.iter().find(|(from, _)| *from == word) {
            return (*to).to_owned();
        }
        if !word.is_ascii() || word.len() < 5 {
            return word;
        }
        for (british, american) in BRITISH_ENDINGS {
            if let Some(stem) = word.strip_suffix(british) {
                return format!("{stem}{american}");
            }
        }
        word
    }

    #[test]
    fn a_words_last_byte_passes_over_only_words_no_ending_folds() {
        let stems = [
            "",
            "a",
            "org",
            "colo",
            "programme",
            "travel",
            "centre",
            "Ü",
            "é",
        ];
        let endings = [
            "", "isation", "ising", "ised", "ise", "our", "ours", "tre", "tres", "mme", "lled",
            "lling", "s", "e", "d", "g", "n", "r", "x", "ré", "pct", "mln", "co",
        ];
        for stem in stems {
            for ending in endings {
                let word = format!("{stem}{ending}");
                assert_eq!(
                    fold(word.clone()),
                    fold_every_ending_tried(word.clone()),
                    "{word}"
                );
            }
        }
        for byte in 0..=255u8 {
            let word = format!("abcde{}", char::from(byte));
            assert_eq!(
                fold(word.clone()),
                fold_every_ending_tried(word.clone()),
                "{word}"
            );
        }
    }

    /// [`is_sentence_starter`] as it was: the lists read word by word.
    fn is_listed_sentence_starter(word: &str, language: Option<&str>) -> bool {
        if SENTENCE_STARTERS.contains(&word) {
            return true;
        }
        let primary = language.and_then(|tag| tag.split(['-', '_']).next());
        primary.is_some_and(|primary| {
            OTHER_SENTENCE_STARTERS.iter().any(|(code, words)| {
                *code == primary.to_ascii_lowercase() && words.split_whitespace().any(|w| w == word)
            })
        })
    }

    #[test]
    fn sentence_starters_are_the_listed_words() {
        let mut words: Vec<&str> = SENTENCE_STARTERS.to_vec();
        for (_, listed) in OTHER_SENTENCE_STARTERS {
            words.extend(listed.split_whitespace());
        }
        words.extend(["", "acme", "paris", "The", "DER", "el\u{301}", "x"]);
        let languages = [
            None,
            Some(""),
            Some("en"),
            Some("de"),
            Some("DE-at"),
            Some("fr_FR"),
            Some("Es"),
            Some("it"),
            Some("pt-BR"),
            Some("nl"),
            Some("ar"),
            Some("-de"),
        ];
        for word in words {
            for language in languages {
                assert_eq!(
                    is_sentence_starter(word, language),
                    is_listed_sentence_starter(word, language),
                    "{word:?} {language:?}"
                );
            }
        }
    }

    #[test]
    fn shingles_are_distinct_and_short_texts_get_one() {
        let w = Words::of("a b c d e a b c d");
        assert_eq!(shingles(&w).len(), 5);
        assert_eq!(shingles(&Words::of("only two")).len(), 1);
    }

    /// The word functions as they were before [`Words`]: a string per word.
    mod one_string_per_word {
        use super::super::{SHINGLE_WORDS, fold};
        use xxhash_rust::xxh3::xxh3_64;

        pub fn words(text: &str) -> Vec<String> {
            let text = wire_model::fold::fold(text);
            let mut words: Vec<String> = Vec::new();
            for token in text
                .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == ',' || c == '%'))
                .map(|token| token.trim_matches(|c: char| c == '.' || c == ','))
                .filter(|token| !token.is_empty())
            {
                let word = fold(token.to_lowercase());
                if word == "cent" && words.last().is_some_and(|w| w == "per") {
                    words.pop();
                    words.push("percent".to_owned());
                    continue;
                }
                words.push(word);
            }
            words
        }

        /// [`super::super::key_tokens`] as it was: a string per folded token.
        pub fn key_tokens(text: &str, language: Option<&str>) -> Vec<u32> {
            let mut tokens = Vec::new();
            let mut sentence_start = true;
            for raw in text.split_whitespace() {
                let token = raw.trim_matches(|c: char| !c.is_alphanumeric());
                if token.is_empty() {
                    continue;
                }
                let has_digit = token.chars().any(|c| c.is_ascii_digit());
                let capitalised = token.chars().next().is_some_and(char::is_uppercase);
                if has_digit || capitalised {
                    let lowercase = wire_model::fold::fold_lowercase(token);
                    let ordinary_start =
                        sentence_start && super::super::is_sentence_starter(&lowercase, language);
                    if has_digit || !ordinary_start {
                        tokens.push(xxh3_64(fold(lowercase).as_bytes()) as u32);
                    }
                }
                sentence_start = raw.ends_with(['.', '!', '?', ':', '"', '\u{201D}']);
            }
            tokens.sort_unstable();
            tokens.dedup();
            tokens.truncate(super::super::MAX_KEY_TOKENS);
            tokens
        }

        /// [`super::super::lede_sketch`] as it was: a string per word, seed by seed.
        pub fn lede_sketch(body: &str) -> Vec<u8> {
            let Some(lede) = body
                .split("\n\n")
                .map(words)
                .find(|words| !words.is_empty())
            else {
                return Vec::new();
            };
            (0..super::super::LEDE_SKETCH as u64)
                .map(|seed| {
                    let smallest = lede
                        .iter()
                        .map(|word| xxhash_rust::xxh3::xxh3_64_with_seed(word.as_bytes(), seed))
                        .min()
                        .unwrap_or(0);
                    (smallest as u8).max(1)
                })
                .collect()
        }

        pub fn shingles(words: &[String]) -> Vec<u64> {
            let mut hashes: Vec<u64> = if words.len() < SHINGLE_WORDS {
                vec![xxh3_64(words.join(" ").as_bytes())]
            } else {
                words
                    .windows(SHINGLE_WORDS)
                    .map(|window| xxh3_64(window.join(" ").as_bytes()))
                    .collect()
            };
            hashes.sort_unstable();
            hashes.dedup();
            hashes
        }
    }

    #[test]
    fn one_buffer_gives_the_words_and_shingles_of_a_string_per_word() {
        let vocabulary = [
            "Per",
            "cent",
            "per",
            "CENT",
            "U.S.",
            "mln",
            "Labour",
            "centre",
            "organisation",
            "programmes",
            "ΟΔΥΣΣΕΥΣ",
            "Straße",
            "İstanbul",
            "12.5%",
            "3,200",
            "...",
            ",",
            "-",
            "\u{2014}",
            "Zürich",
            "says",
            "Co.",
            "travelling",
            "a",
            "The",
            "\n\n",
            "\n",
            "  ",
            "Die",
            "Le",
            "ÉTATS-UNIS",
            "Pct",
            "Says:",
            "\"Hello!\"",
        ];
        let mut state = 7_u64;
        for _ in 0..2_000 {
            let mut text = String::new();
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for _ in 0..(state >> 59) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(vocabulary[(state >> 33) as usize % vocabulary.len()]);
                text.push(if state & 1 == 0 { ' ' } else { '.' });
            }
            let expected = one_string_per_word::words(&text);
            let buffered = Words::of(&text);
            assert_eq!(buffered.iter().collect::<Vec<_>>(), expected, "{text:?}");
            assert_eq!(buffered.joined(), expected.join(" "), "{text:?}");
            assert_eq!(
                shingles(&buffered),
                one_string_per_word::shingles(&expected),
                "{text:?}"
            );
            for language in [None, Some("de"), Some("fr-FR")] {
                assert_eq!(
                    key_tokens(&text, language),
                    one_string_per_word::key_tokens(&text, language),
                    "{text:?}"
                );
            }
            let body = BodyWords::of(&text);
            assert_eq!(
                body.lede,
                one_string_per_word::lede_sketch(&text),
                "{text:?}"
            );
            assert_eq!(body.lede, lede_sketch(&text), "{text:?}");
            assert_eq!(body.paragraphs, paragraph_hashes(&text), "{text:?}");
            let (body_words, _) = body_words_and_paragraphs(&text);
            let mut appended = body_words.clone();
            appended.append(&buffered);
            let mut expected_appended = body_words.iter().map(str::to_owned).collect::<Vec<_>>();
            expected_appended.extend(expected);
            assert_eq!(appended.iter().collect::<Vec<_>>(), expected_appended);
            assert_eq!(appended.joined(), expected_appended.join(" "));
        }
    }

    #[test]
    fn key_tokens_are_numbers_and_names_not_sentence_starts() {
        let a = key_tokens(
            "Acme Corp said net profit was 12 mln dlrs. The Board met in Paris.",
            None,
        );
        let b = key_tokens(
            "Acme Corp said net profit was 12 mln dlrs. The Board met in Paris.",
            None,
        );
        let other = key_tokens(
            "Widget Inc said net profit was 7 mln dlrs. The Board met in Oslo.",
            None,
        );
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
