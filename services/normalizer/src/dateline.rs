//! Datelines at the start of a story's first paragraph: `MOSCOW (AFP) -`,
//! `WASHINGTON, July 14 (Reuters) -`, `Berlin (dpa) -`, `MADRID, 21 Nov. 2024 (Europa Press) -`,
//! `LONDON -`, and as each agency writes them in its own language: `PARIS, 5 déc 2026 (AFP) -`,
//! `MADRID, 5 dic (EFE).-`, `ROMA, 5 DIC - (ANSA) -` (and `(ANSA) - ROMA, 5 DIC -`),
//! `LISBOA, 5 dez (Lusa) -`, `AMSTERDAM (ANP) -`, `BRÜSSEL (dpa) –`, `بيروت (أ ف ب) -`,
//! `القاهرة (رويترز) -`. Written by hand (no crate knows wire datelines); kept strict, because a
//! sentence that merely starts with a capitalised word must not lose its first words.
//!
//! The shape: a place (one to five capitalised words, `/` allowed: `Tel Aviv/Beirut`), an
//! optional date after a comma (`,` or the Arabic `،`; month names in the wire's languages),
//! an optional agency in parentheses, then a separator (`-`, `--`, `–`, `—`, `.-`, or `:` after
//! the agency) and the story. Without an agency the place must be written in capitals
//! (`GENEVA -`). Arabic has no capitals: an Arabic dateline needs an agency the module knows
//! by its Arabic name (`أ ف ب`, `رويترز`), and the credit is given as the agency's name
//! ([`agency_name`]: `AFP`, `Reuters`).

use crate::{arabic, dates};
use aho_corasick::{AhoCorasick, MatchKind};
use std::borrow::Cow;
use std::sync::LazyLock;

/// A dateline found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    /// The place, title-cased when the dateline wrote it in capitals.
    pub place: String,
    /// The agency in parentheses (`AFP`, `Reuters`, `dpa/lni`), if any.
    pub credit: Option<String>,
    /// The paragraph without the dateline.
    pub rest: String,
}

/// Separators that end a dateline, and how many of their bytes belong to the dateline (the
/// `)` of `(AFP): `).
const DASHES: &[(&str, usize)] = &[
    (" -- ", 0),
    (" - ", 0),
    (" \u{2013} ", 0),
    (" \u{2014} ", 0),
    ("\u{2014}", 0),
    (" \u{2013}", 0),
    // EFE: `MADRID, 5 dic (EFE).- El Gobierno`.
    (".- ", 0),
    // `LONDRES (Reuters): Las bolsas`.
    ("): ", 1),
];
/// A dateline is short: the place, a date and an agency.
const MAX_PREFIX_CHARS: usize = 90;
/// Capitalised words that start sentences, not place names.
const NOT_PLACES: &[&str] = &[
    "A", "An", "The", "This", "That", "These", "Those", "In", "On", "At", "For", "But", "And",
    "It", "He", "She", "We", "They", "I", "If", "When", "As", "After", "Before", "Der", "Die",
    "Das", "Ein", "Eine", "El", "La", "Le", "Les", "Los", "Un", "Une", "Il", "Lo", "Gli", "Het",
    "Een", "Os", "Um", "Uma", "Des", "Du", "Im", "Am", "Auf", "Nach", "Nel", "Nella", "Dans",
    "Pour", "Para", "Per", "Con", "Mit",
];

/// The dateline at the start of `paragraph`, if it has one.
pub fn split(paragraph: &str) -> Option<Dateline> {
    // ANSA puts its credit first: `(ANSA) - ROMA, 5 DIC - Il governo`.
    if let Some((agency, after)) = leading_credit(paragraph) {
        return split_place(after, Some(agency));
    }
    split_place(paragraph, None)
}

/// `(ANSA) - ` at the start of `paragraph`: the agency and what follows the separator.
fn leading_credit(paragraph: &str) -> Option<(&str, &str)> {
    let inner = paragraph.strip_prefix('(')?;
    let close = inner.find(')')?;
    let agency = inner.get(..close)?.trim();
    let after = inner.get(close + 1..)?.trim_start();
    let after = after
        .strip_prefix(['-', '\u{2013}', '\u{2014}'])?
        .trim_start_matches('-')
        .trim_start();
    is_agency(&agency_name(agency), true).then_some((agency, after))
}

/// The dateline at the start of `paragraph`, with `leading_agency` when the agency came first.
/// The longest of the [`DASHES`], in bytes.
const LONGEST_DASH: usize = {
    let mut longest = 0;
    let mut at = 0;
    while at < DASHES.len() {
        if DASHES[at].0.len() > longest {
            longest = DASHES[at].0.len();
        }
        at += 1;
    }
    longest
};

/// The [`DASHES`] in one automaton: the leftmost dash, and of two starting at one place the
/// one listed first (as taking the earliest of the dashes' own searches did, 8 passes over the
/// paragraph's head with std's substring search, 0.6% of the core).
static DASH_FINDER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(DASHES.iter().map(|(dash, _)| dash))
        .ok()
});

/// Where the first of the [`DASHES`] ends a dateline's prefix in `paragraph`, and the length
/// of the dash after it. A dash further in than a dateline's longest prefix (in bytes, at 4 a
/// character) starts no dateline, so only that head is searched.
fn first_dash(paragraph: &str) -> Option<(usize, usize)> {
    let end = paragraph.ceil_char_boundary(MAX_PREFIX_CHARS * 4 + LONGEST_DASH);
    let head = paragraph.get(..end).unwrap_or(paragraph);
    let found = DASH_FINDER.as_ref()?.find(head)?;
    let (dash, kept) = DASHES.get(found.pattern().as_usize())?;
    Some((found.start() + kept, dash.len() - kept))
}

fn split_place(paragraph: &str, leading_agency: Option<&str>) -> Option<Dateline> {
    let trimmed = paragraph.trim_end();
    // A paragraph that is only a dateline (`MADRID, 21 Nov. 2024 (Europa Press) -`,
    // `MADRID, 5 dic (EFE).-`).
    let alone = trimmed
        .strip_suffix(['-', '\u{2013}', '\u{2014}'])
        .map(|prefix| {
            prefix
                .strip_suffix('.')
                .filter(|p| p.ends_with(')'))
                .unwrap_or(prefix)
        })
        .filter(|prefix| prefix.ends_with([' ', ')']))
        .map(|prefix| (prefix.trim_end_matches('-'), ""));
    let (prefix, rest) = match alone {
        Some(split) => split,
        None => first_dash(paragraph)
            .and_then(|(at, length)| Some((paragraph.get(..at)?, paragraph.get(at + length..)?)))?,
    };
    if prefix.chars().count() > MAX_PREFIX_CHARS {
        return None;
    }
    let mut rest = rest.trim_start();
    let prefix = prefix.trim().trim_matches(arabic::is_direction_mark).trim();
    let (before_agency, mut credit) = match prefix.strip_suffix(')') {
        Some(open) => {
            let at = open.rfind('(')?;
            let agency = open.get(at + 1..)?.trim();
            (open.get(..at)?.trim_end(), Some(agency))
        }
        None => (prefix, leading_agency),
    };
    // The credit after the date's dash: `ROMA, 5 DIC - (ANSA) - Il governo`.
    if credit.is_none() {
        if let Some((agency, after)) = leading_credit(rest) {
            credit = Some(agency);
            rest = after;
        } else if let Some((agency, after)) = credit_before_story(rest) {
            credit = Some(agency);
            rest = after;
        }
    }
    if alone.is_none() && !first_letter(rest).is_some_and(starts_story) {
        return None;
    }
    let mut parts = before_agency.split([',', '\u{060C}']).map(str::trim);
    let (place, mut qualifier) = place_and_qualifier(parts.next().unwrap_or_default());
    // After the comma: a date (`July 14`, `21 Nov. 2024`), a region (`Mo.`, `Calif.`) or a
    // country (`ALEPPO, Syria, June 9`), the first of which qualifies the place.
    for part in parts {
        if is_date(part) {
            continue;
        }
        if !is_place(part) {
            return None;
        }
        qualifier = qualifier.or(Some(part));
    }
    if !is_place(place) || qualifier.is_some_and(|q| !is_place(q)) {
        return None;
    }
    let all_caps = in_capitals(place);
    let credit = credit.map(agency_name);
    // After a place in capitals any capitalised name is an agency (`TOKYO (Kyodo) -`); after
    // a place in normal case (`Berlin (dpa) -`) it must look like one.
    if credit
        .as_deref()
        .is_some_and(|agency| !is_agency(agency, all_caps))
    {
        return None;
    }
    if credit.is_none() && !all_caps {
        return None;
    }
    let written = |name: &str| {
        if in_capitals(name) {
            title_case(name)
        } else {
            name.to_owned()
        }
    };
    Some(Dateline {
        place: match qualifier {
            Some(qualifier) => format!("{}, {}", written(place), written(qualifier)),
            None => written(place),
        },
        credit: credit.map(Cow::into_owned),
        rest: rest.to_owned(),
    })
}

/// Whether `name` has letters and all of them are capitals (`GENÈVE`, `ST. LOUIS`).
fn in_capitals(name: &str) -> bool {
    name.chars().any(char::is_alphabetic)
        && name
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

/// `MÉRIDA (Venezuela)`: the place and the country or region in parentheses after it.
fn place_and_qualifier(written: &str) -> (&str, Option<&str>) {
    written
        .strip_suffix(')')
        .and_then(|open| open.rsplit_once('('))
        .map(|(place, qualifier)| (place.trim_end(), Some(qualifier.trim())))
        .filter(|(place, _)| !place.is_empty())
        .unwrap_or((written, None))
}

/// `(ANSA) Il governo`: an agency in parentheses right before the story, without a dash.
fn credit_before_story(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('(')?;
    let close = inner.find(')')?;
    let agency = inner.get(..close)?.trim();
    let after = inner.get(close + 1..)?.trim_start();
    (is_agency(&agency_name(agency), true) && first_letter(after).is_some_and(starts_story))
        .then_some((agency, after))
}

/// The first character of `text` past direction marks (RLM before Arabic text).
fn first_letter(text: &str) -> Option<char> {
    text.chars().find(|c| !arabic::is_direction_mark(*c))
}

fn starts_story(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || is_caseless_letter(c)
        || ('\u{0660}'..='\u{0669}').contains(&c)
        || "\"'\u{201C}\u{201E}\u{00AB}\u{2018}\u{00BB}(\u{00BF}\u{00A1}".contains(c)
}

/// A letter of a script without capitals (Arabic, Hebrew, ...).
fn is_caseless_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase()
}

/// The agency's name for a credit written in another script (`أ ف ب` is `AFP`, `رويترز` is
/// `Reuters`); other credits as they are written (`AFP`, `dpa/lni`).
pub fn agency_name(credit: &str) -> Cow<'_, str> {
    let credit = credit.trim_matches(arabic::is_direction_mark).trim();
    if !arabic::has_arabic(credit) {
        return Cow::Borrowed(credit);
    }
    let folded = arabic::fold(credit);
    let spaced: String = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = match spaced.as_str() {
        "ا ف ب" | "اف ب" | "افب" | "فرانس برس" => "AFP",
        "رويترز" => "Reuters",
        "د ب ا" | "دبا" => "dpa",
        "ا ب" | "اسوشيتد برس" => "AP",
        "افي" | "اي في اي" => "EFE",
        "الاناضول" | "الاناضول للانباء" => "Anadolu",
        "شينخوا" => "Xinhua",
        "ا ش ا" => "MENA",
        "سانا" => "SANA",
        "واس" => "SPA",
        "وام" => "WAM",
        "قنا" => "QNA",
        "كونا" => "KUNA",
        "بترا" => "Petra",
        "ارنا" => "IRNA",
        _ => return Cow::Borrowed(credit),
    };
    Cow::Borrowed(name)
}

/// True when `place` reads as a place name: one to five capitalised words (`Tel Aviv/Beirut`,
/// `Frankfurt am Main`), no digits, not a sentence opener.
pub fn is_place(place: &str) -> bool {
    let words: Vec<&str> = place.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || place.chars().count() > 40 {
        return false;
    }
    if words
        .first()
        .is_some_and(|first| NOT_PLACES.contains(first))
    {
        return false;
    }
    let connector = |word: &str| {
        matches!(
            word,
            "am" | "an"
                | "der"
                | "de"
                | "del"
                | "do"
                | "da"
                | "di"
                | "la"
                | "le"
                | "el"
                | "al"
                | "upon"
                | "on"
                | "im"
                | "en"
                | "sur"
                | "of"
                | "aan"
                | "den"
                | "op"
                | "dos"
                | "das"
                | "des"
                | "du"
                | "sul"
                | "lès"
                | "y"
        )
    };
    // Arabic has no capitals: a place in Arabic letters is a place by its shape (an agency the
    // module knows must follow it).
    let caseless = place
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(is_caseless_letter);
    words.iter().enumerate().all(|(index, word)| {
        let capitalised =
            word.chars().next().is_some_and(char::is_uppercase) || (caseless && index < 3);
        let clean = word
            .chars()
            .all(|c| c.is_alphabetic() || "/.-'\u{2019}".contains(c));
        clean && (capitalised || (index > 0 && connector(word)))
    })
}

/// True when `text` is a date with a day or year (`April 8`, `21 Nov. 2024`) or a weekday
/// (`Monday`): stricter than a dateline's date, because a `located` may also end in a region.
pub fn is_day_or_date(text: &str) -> bool {
    let weekdays = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    is_date(text)
        && (dates::date_words(text).chars().any(|c| c.is_ascii_digit())
            || weekdays.contains(&text.trim_end_matches('.').to_lowercase().as_str()))
}

/// A dateline's date: a day, a month (in the wire's languages, [`dates::month_number`]) and a
/// year, in any order (`July 14`, `21 Nov. 2024`, `5 déc 2026`, `5 DIC`, `٥ كانون الأول`).
fn is_date(date: &str) -> bool {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let words = dates::date_words(date);
    let words: Vec<&str> = words.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|word| {
            let word = word.trim_end_matches(['.', ',']).to_lowercase();
            let short = word.chars().count() <= 14;
            (word.len() <= 4 && !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()))
                || short && dates::month_number(&word).is_some()
                || days.iter().any(|d| word.starts_with(d)) && word.len() <= 9
        })
}

fn is_agency(agency: &str, after_capitals: bool) -> bool {
    let words: Vec<&str> = agency.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 || agency.chars().count() > 40 {
        return false;
    }
    let known = [
        "dpa",
        "afp",
        "ap",
        "reuters",
        "efe",
        "ansa",
        "epd",
        "kna",
        "apa",
        "sda",
        "xinhua",
        "kyodo",
        "yonhap",
        "bloomberg",
        "anadolu",
        "tass",
        "interfax",
        "lusa",
        "belga",
        "anp",
        "ntb",
        "tt",
        "agi",
        "adnkronos",
        "askanews",
        "aps",
        "mena",
        "petra",
        "wafa",
        "sana",
        "qna",
        "kuna",
        "spa",
        "irna",
        "pap",
        "ctk",
        "mti",
        "hina",
        "bta",
        "ukrinform",
        "unian",
        "pti",
        "ians",
        "bernama",
        "antara",
    ];
    let first = agency
        .split(['/', ' '])
        .next()
        .unwrap_or_default()
        .to_lowercase();
    if known.contains(&first.as_str()) {
        return true;
    }
    // An acronym of two or more capitals (`UPI`, `AAP`, `RIA`), or capitalised words
    // (`Europa Press`, `Wirefeed Demo`).
    let acronym =
        |word: &str| word.chars().count() >= 2 && word.chars().all(|c| c.is_ascii_uppercase());
    words.iter().all(|word| {
        acronym(word)
            || (word.chars().next().is_some_and(char::is_uppercase)
                && word
                    .chars()
                    .all(|c| c.is_alphabetic() || "-/.&".contains(c)))
    }) && (words.len() > 1 || acronym(agency) || after_capitals)
}

/// `NEW YORK` to `New York`, `ST. LOUIS` to `St. Louis`, `TEL AVIV/GAZA` to `Tel Aviv/Gaza`.
pub fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start_of_word = true;
    for c in text.chars() {
        if c.is_alphabetic() {
            if start_of_word {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start_of_word = false;
        } else {
            out.push(c);
            start_of_word = c != '\'' && c != '\u{2019}';
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`first_dash`] as it was, over the whole paragraph, kept only when its prefix is short
    /// enough to be a dateline's (what `split_place` does with it).
    fn first_dateline_dash_searching_everything(paragraph: &str) -> Option<(usize, usize)> {
        DASHES
            .iter()
            .filter_map(|(dash, kept)| Some((paragraph.find(dash)? + kept, dash.len() - kept)))
            .min_by_key(|(at, _)| *at)
            .filter(|(at, _)| paragraph[..*at].chars().count() <= MAX_PREFIX_CHARS)
    }

    proptest::proptest! {
        #[test]
        fn the_dash_looked_for_in_the_head_is_the_dash_of_the_whole_paragraph(
            parts in proptest::collection::vec(
                "([A-Za-z ,.()]{0,40}|\u{4e2d}{0,30}|\u{1f600}{0,30}| -- | - | \u{2013} | \u{2014} |\u{2014}| \u{2013}|\\.- |\\): )",
                1..12,
            ),
        ) {
            let paragraph = parts.concat();
            let found = first_dash(&paragraph)
                .filter(|(at, _)| paragraph[..*at].chars().count() <= MAX_PREFIX_CHARS);
            proptest::prop_assert_eq!(
                found,
                first_dateline_dash_searching_everything(&paragraph),
                "{:?}",
                paragraph
            );
        }
    }

    #[test]
    fn datelines_table() {
        let cases: &[(&str, &str, Option<&str>, &str)] = &[
            (
                "MOSCOW (AFP) - Top US envoy John Kerry met.",
                "Moscow",
                Some("AFP"),
                "Top US envoy John Kerry met.",
            ),
            (
                "WASHINGTON, July 14 (Reuters) - The Fed said.",
                "Washington",
                Some("Reuters"),
                "The Fed said.",
            ),
            (
                "BERLIN (dpa) - Die Regierung hat.",
                "Berlin",
                Some("dpa"),
                "Die Regierung hat.",
            ),
            (
                "GENEVA (Wirefeed Demo) - Envoys met.",
                "Geneva",
                Some("Wirefeed Demo"),
                "Envoys met.",
            ),
            (
                "LONDON, Nov 24 (Reuters) \u{2014} Shares fell.",
                "London",
                Some("Reuters"),
                "Shares fell.",
            ),
            (
                "New York (dpa) - Ein Chatbot aus China.",
                "New York",
                Some("dpa"),
                "Ein Chatbot aus China.",
            ),
            (
                "Tel Aviv/Beirut (dpa) - Die Armee.",
                "Tel Aviv/Beirut",
                Some("dpa"),
                "Die Armee.",
            ),
            (
                "Peine (dpa/lni) - Ein Baum.",
                "Peine",
                Some("dpa/lni"),
                "Ein Baum.",
            ),
            (
                "MADRID, 21 Nov. 2024 (Europa Press) - El primer ministro.",
                "Madrid",
                Some("Europa Press"),
                "El primer ministro.",
            ),
            ("NEW YORK -- Stocks rose.", "New York", None, "Stocks rose."),
            (
                "GENEVA - The envoys met on Tuesday.",
                "Geneva",
                None,
                "The envoys met on Tuesday.",
            ),
            (
                "Frankfurt am Main (dpa) - Der DAX.",
                "Frankfurt am Main",
                Some("dpa"),
                "Der DAX.",
            ),
            (
                "ST. LOUIS, Mo. (AP) \u{2014} A judge.",
                "St. Louis, Mo.",
                Some("AP"),
                "A judge.",
            ),
            (
                "MADRID, 21 Nov. 2024 (Europa Press) -",
                "Madrid",
                Some("Europa Press"),
                "",
            ),
        ];
        for (paragraph, place, credit, rest) in cases {
            let dateline = split(paragraph).unwrap_or_else(|| panic!("no dateline in {paragraph}"));
            assert_eq!(dateline.place, *place, "{paragraph}");
            assert_eq!(dateline.credit.as_deref(), *credit, "{paragraph}");
            assert_eq!(dateline.rest, *rest, "{paragraph}");
        }
    }

    #[test]
    fn datelines_as_each_agency_writes_them() {
        // paragraph | place | credit | the story after the dateline
        let cases = [
            // dpa, in German
            "BERLIN (dpa) - Merz empfing Macron. | Berlin | dpa | Merz empfing Macron.",
            "BRÜSSEL (dpa) \u{2013} Die EU hat. | Brüssel | dpa | Die EU hat.",
            "Düsseldorf (dpa/lnw) - Ein Zug. | Düsseldorf | dpa/lnw | Ein Zug.",
            // AFP, in French
            "PARIS, 5 déc 2026 (AFP) - Le gouvernement a. | Paris | AFP | Le gouvernement a.",
            "GENÈVE (AFP) - Les pourparlers ont repris. | Genève | AFP | Les pourparlers ont repris.",
            "Saint-Étienne (AFP) - « Prêts », a dit. | Saint-Étienne | AFP | « Prêts », a dit.",
            // EFE, in Spanish, and a colon after the agency
            "MADRID, 5 dic (EFE).- El Gobierno aprobó. | Madrid | EFE | El Gobierno aprobó.",
            "Nueva Delhi, 21 ene (EFE).- La India. | Nueva Delhi | EFE | La India.",
            "BOGOTÁ, 5 dic (EFE).- ¿Qué pasó? | Bogotá | EFE | ¿Qué pasó?",
            "LONDRES (Reuters): Las bolsas cayeron. | Londres | Reuters | Las bolsas cayeron.",
            // ANSA, in Italian: the credit after the date, or first
            "ROMA, 5 DIC - (ANSA) - Il governo ha. | Roma | ANSA | Il governo ha.",
            "ROMA, 05 DIC - (ANSA) Il governo ha. | Roma | ANSA | Il governo ha.",
            "(ANSA) - MILANO, 5 DIC - La Borsa. | Milano | ANSA | La Borsa.",
            // Lusa, in Portuguese; ANP, in Dutch
            "LISBOA, 5 dez (Lusa) - O Governo aprovou. | Lisboa | Lusa | O Governo aprovou.",
            "AMSTERDAM (ANP) - Het kabinet heeft. | Amsterdam | ANP | Het kabinet heeft.",
            "DEN HAAG (ANP) - De Tweede Kamer. | Den Haag | ANP | De Tweede Kamer.",
            // Arabic: the place as written, the credit as the agency's name, marks kept
            "بيروت (أ ف ب) - أعلنت وزارة الصحة. | بيروت | AFP | أعلنت وزارة الصحة.",
            "القاهرة (رويترز) - قال مسؤول. | القاهرة | Reuters | قال مسؤول.",
            "\u{200F}دمشق، ٥ كانون الأول/ديسمبر ٢٠٢٦ (أ ف ب) - \u{200F}استؤنفت المحادثات. | دمشق | AFP | \u{200F}استؤنفت المحادثات.",
            "تل أبيب (أ ف ب) - قال الجيش. | تل أبيب | AFP | قال الجيش.",
            // A country or region after the place, by a comma or in parentheses
            "ALEPPO, Syria, June 9 (Reuters) - A Qatari-led group. | Aleppo, Syria | Reuters | A Qatari-led group.",
            "JEDDAH, Arábia Saudita, 17 fev (Lusa) - Representantes. | Jeddah, Arábia Saudita | Lusa | Representantes.",
            "MÉRIDA (Venezuela), 6 jul (EFE).- Las lluvias. | Mérida, Venezuela | EFE | Las lluvias.",
            "LEÓN (ESPAÑA), 6 jul (EFE).- La Policía. | León, España | EFE | La Policía.",
            // AGI and Adnkronos, in Italian; Europa Press, in Spanish
            "(AGI) - Milano, 10 dic. - Seduta positiva. | Milano | AGI | Seduta positiva.",
            "Roma, 3 mar. (Adnkronos) - \"L'Italia è pronta\". | Roma | Adnkronos | \"L'Italia è pronta\".",
            "MADRID, 3 Mar. (EUROPA PRESS) - El Gobierno. | Madrid | EUROPA PRESS | El Gobierno.",
        ];
        for case in cases {
            let [paragraph, place, credit, rest] = case.split(" | ").collect::<Vec<_>>()[..] else {
                panic!("{case}");
            };
            let dateline = split(paragraph).unwrap_or_else(|| panic!("no dateline in {paragraph}"));
            assert_eq!(dateline.place, place, "{paragraph}");
            assert_eq!(dateline.credit.as_deref(), Some(credit), "{paragraph}");
            assert_eq!(dateline.rest, rest, "{paragraph}");
        }
    }

    #[test]
    fn sentences_in_other_languages_are_not_datelines() {
        for paragraph in [
            "Die Lage in Syrien - so der Minister - bleibt ernst.",
            "Il governo (ANSA) - ha approvato.",
            "El Gobierno aprobó.- Luego se fue.",
            "Les pourparlers (jeudi) - Ils ont repris.",
            // Arabic needs an agency the module knows.
            "قال الوزير - إن المحادثات ستستأنف.",
            "قال الوزير (مصدر) - إن المحادثات ستستأنف.",
            "(ANSA) - e poi il governo.",
        ] {
            assert_eq!(split(paragraph), None, "{paragraph}");
        }
    }

    #[test]
    fn credits_in_arabic_are_the_agencies_names() {
        for (credit, name) in [
            ("أ ف ب", "AFP"),
            ("ا ف ب", "AFP"),
            ("رويترز", "Reuters"),
            ("د ب أ", "dpa"),
            ("\u{200F}أ ف ب\u{200F}", "AFP"),
            ("AFP", "AFP"),
            ("dpa/lni", "dpa/lni"),
            ("مصدر", "مصدر"),
        ] {
            assert_eq!(agency_name(credit), name, "{credit}");
        }
    }

    #[test]
    fn sentences_that_start_with_capitals_are_not_datelines() {
        for paragraph in [
            "Syria talks in Geneva - a new hope for peace.",
            "Kerry met Putin - and nothing changed.",
            "The President (pictured) - said nothing.",
            "Donald Trump (R) - Won the vote.",
            "Angela Merkel - Die Kanzlerin sagte.",
            "Berlin - Die Regierung hat.",
            "MOSCOW (AFP) - and then lowercase text follows.",
            "Nvidia lost 17 percent (Reuters) - Shares fell.",
            "In Berlin (dpa) - Die Regierung.",
            "It was a long night in the city of Geneva, with talks ending (late) - Then.",
            "A short paragraph without any dash at all.",
            "Kerry met Putin -",
            "The score was 3 -",
            "(New York, NY - October 21) Et, sent luptat.",
            "",
        ] {
            assert_eq!(split(paragraph), None, "{paragraph}");
        }
    }

    #[test]
    fn one_word_agencies_need_a_place_in_capitals_or_a_known_name() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("TOKYO (Kyodo) - A quake hit.", Some(("Tokyo", "Kyodo"))),
            (
                "Seoul (Yonhap) - North Korea fired.",
                Some(("Seoul", "Yonhap")),
            ),
            ("Vienna (Agency) - Text.", None),
            ("Angela Merkel (Kanzlerin) - Sagte das.", None),
            ("DONALD TRUMP (r) - Won the vote.", None),
        ];
        for (paragraph, expected) in cases {
            let found = split(paragraph);
            let found = found
                .as_ref()
                .map(|d| (d.place.as_str(), d.credit.as_deref().unwrap_or_default()));
            assert_eq!(found, *expected, "{paragraph}");
        }
    }

    #[test]
    fn days_and_dates_but_not_regions() {
        for date in [
            "April 8",
            "Dec 5",
            "21 Nov. 2024",
            "Monday",
            "5 déc 2026",
            "5 DIC",
            "21 ene",
            "5 dez",
            "٥ كانون الأول",
        ] {
            assert!(is_day_or_date(date), "{date}");
        }
        for region in ["France", "Monaco", "Calif.", "Mayotte", "Texas", ""] {
            assert!(!is_day_or_date(region), "{region}");
        }
    }

    #[test]
    fn title_case_keeps_separators() {
        assert_eq!(title_case("TEL AVIV/GAZA"), "Tel Aviv/Gaza");
        assert_eq!(title_case("SANA'A"), "Sana'a");
        assert_eq!(title_case("RIO DE JANEIRO"), "Rio De Janeiro");
    }
}
