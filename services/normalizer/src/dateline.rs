//! Datelines at the start of a story's first paragraph: `MOSCOW (AFP) -`,
//! `WASHINGTON, July 14 (Reuters) -`, `Berlin (dpa) -`, `MADRID, 21 Nov. 2024 (Europa Press) -`,
//! `LONDON -`. Written by hand (no crate knows wire datelines); kept strict, because a sentence
//! that merely starts with a capitalised word must not lose its first words.
//!
//! The shape: a place (one to five capitalised words, `/` allowed: `Tel Aviv/Beirut`), an
//! optional date after a comma, an optional agency in parentheses, then a dash and the story.
//! Without an agency the place must be written in capitals (`GENEVA -`).

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

/// Dashes that end a dateline.
const DASHES: &[&str] = &[
    " -- ",
    " - ",
    " \u{2013} ",
    " \u{2014} ",
    "\u{2014}",
    " \u{2013}",
];
/// A dateline is short: the place, a date and an agency.
const MAX_PREFIX_CHARS: usize = 90;
/// Capitalised words that start sentences, not place names.
const NOT_PLACES: &[&str] = &[
    "A", "An", "The", "This", "That", "These", "Those", "In", "On", "At", "For", "But", "And",
    "It", "He", "She", "We", "They", "I", "If", "When", "As", "After", "Before", "Der", "Die",
    "Das", "Ein", "Eine", "El", "La", "Le", "Les", "Los", "Un", "Une",
];

/// The dateline at the start of `paragraph`, if it has one.
pub fn split(paragraph: &str) -> Option<Dateline> {
    let trimmed = paragraph.trim_end();
    // A paragraph that is only a dateline (`MADRID, 21 Nov. 2024 (Europa Press) -`).
    let alone = trimmed
        .strip_suffix(['-', '\u{2013}', '\u{2014}'])
        .filter(|prefix| prefix.ends_with([' ', ')']))
        .map(|prefix| (prefix.trim_end_matches('-'), ""));
    let (prefix, rest) = match alone {
        Some(split) => split,
        None => DASHES
            .iter()
            .filter_map(|dash| Some((paragraph.find(dash)?, dash.len())))
            .min_by_key(|(at, _)| *at)
            .and_then(|(at, length)| Some((paragraph.get(..at)?, paragraph.get(at + length..)?)))?,
    };
    if prefix.chars().count() > MAX_PREFIX_CHARS {
        return None;
    }
    let rest = rest.trim_start();
    if alone.is_none() && !rest.chars().next().is_some_and(starts_story) {
        return None;
    }
    let prefix = prefix.trim();
    let (before_agency, credit) = match prefix.strip_suffix(')') {
        Some(open) => {
            let at = open.rfind('(')?;
            let agency = open.get(at + 1..)?.trim();
            (open.get(..at)?.trim_end(), Some(agency))
        }
        None => (prefix, None),
    };
    let (place, date) = match before_agency.split_once(',') {
        Some((place, date)) => (place.trim(), Some(date.trim())),
        None => (before_agency, None),
    };
    // After the comma: a date (`July 14`, `21 Nov. 2024`) or a region (`Mo.`, `Calif.`).
    if !is_place(place) || date.is_some_and(|date| !is_date(date) && !is_place(date)) {
        return None;
    }
    let all_caps = place.chars().any(char::is_alphabetic)
        && place
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    // After a place in capitals any capitalised name is an agency (`TOKYO (Kyodo) -`); after
    // a place in normal case (`Berlin (dpa) -`) it must look like one.
    if credit.is_some_and(|agency| !is_agency(agency, all_caps)) {
        return None;
    }
    if credit.is_none() && !all_caps {
        return None;
    }
    Some(Dateline {
        place: if all_caps {
            title_case(place)
        } else {
            place.to_owned()
        },
        credit: credit.map(str::to_owned),
        rest: rest.to_owned(),
    })
}

fn starts_story(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || "\"'\u{201C}\u{201E}\u{00AB}\u{2018}\u{00BB}(".contains(c)
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
        )
    };
    words.iter().enumerate().all(|(index, word)| {
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
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
        && (text.chars().any(|c| c.is_ascii_digit())
            || weekdays.contains(&text.trim_end_matches('.').to_lowercase().as_str()))
}

fn is_date(date: &str) -> bool {
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "mär",
        "mai", "okt", "dez", "ene", "abr", "ago", "dic",
    ];
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let words: Vec<&str> = date.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|word| {
            let word = word.trim_end_matches(['.', ',']).to_lowercase();
            (word.len() <= 4 && !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()))
                || months.iter().any(|m| word.starts_with(m)) && word.len() <= 9
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
                "St. Louis",
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
        for date in ["April 8", "Dec 5", "21 Nov. 2024", "Monday"] {
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
