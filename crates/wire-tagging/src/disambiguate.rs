//! Reading the words around a matched name: is "Jordan" a person here, "Turkey" a bird, "Nice"
//! a sentence start? Pure functions over the text; the gazetteer's ambiguity lists say which
//! names need which checks.

use crate::gazetteer::{Gazetteer, LanguageId, NameFlags, NameKind, PlaceKind};
use crate::text::{in_capitals_context, is_capitalised, window_words, word_after, word_before};

/// What the words around one mention say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Reading {
    /// Not a place here (a surname follows, a context word vetoes it).
    pub rejected: bool,
    /// A first name precedes it ("Michael Jordan"): the name is a person in this whole story.
    pub person_in_story: bool,
    /// Kept only if other places in the story support it.
    pub needs_support: bool,
    /// A locative word precedes it ("in Nice"), or a place follows after a comma ("Mobile,
    /// Alabama"): evidence enough for a name that needs support.
    pub locative: bool,
    /// The words around it are in capitals (a headline in capitals): case says nothing.
    pub capitals: bool,
    /// A word saying what the story is about comes right before it, maybe with an article
    /// (`sur la Syrie`, `über Syrien`): in the headline or lead, the story is about it.
    pub topical: bool,
}

/// Capitalised words that do not make the next word a surname or the previous one a first name.
const FUNCTION_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "From",
    "To",
    "For",
    "And",
    "But",
    "Or",
    "Of",
    "With",
    "By",
    "As",
    "Near",
    "Into",
    "Across",
    "About",
    "After",
    "Before",
    "Both",
    "Neighbouring",
    "Neighboring",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "North",
    "South",
    "East",
    "West",
    "Greater",
    "Downtown",
    "Rural",
    "Coastal",
    "Hashemite",
    "When",
    "Where",
    "While",
    "Why",
    "How",
    "What",
    "If",
    "Although",
    "Though",
    "Since",
    "Until",
    "Because",
    "Then",
    "So",
    "Yet",
    "Also",
    "Only",
    "Even",
    "All",
    "Many",
    "Most",
    "Some",
    "Like",
    "Unlike",
    "Including",
    "Against",
    "Between",
    "Under",
    "Over",
    "Inside",
    "Outside",
    "Within",
    "Without",
    "Through",
    "Throughout",
    "During",
    "Toward",
    "Towards",
    "Via",
    "Than",
    "That",
    "This",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "Meanwhile",
    "However",
    "Today",
    "Yesterday",
    "Tomorrow",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sept",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
    "Visiting",
    "Neither",
    "Nor",
    "Not",
    "Each",
    "Every",
    "Whether",
    "Said",
    "Says",
    "Told",
    "Officials",
    "Sources",
    "Reuters",
    "AFP",
    "AP",
    "Upstate",
    "Wartime",
    "Postwar",
    "Modern",
    "Ancient",
    "Old",
    "Independent",
];

/// Capitalised words after a person-like name that keep it a place ("Paris Club", "Jordan
/// Valley", "Georgia Tech" is not here on purpose).
const PLACE_FOLLOWERS: &[&str] = &[
    "Club",
    "Bourse",
    "Exchange",
    "Stock",
    "Summit",
    "Agreement",
    "Accord",
    "Accords",
    "Conference",
    "Treaty",
    "Talks",
    "Airport",
    "Declaration",
    "Basin",
    "Region",
    "Province",
    "State",
    "City",
    "County",
    "Valley",
    "Harbour",
    "Harbor",
    "River",
    "Port",
    "Court",
    "Municipality",
    "Mayor",
    "Council",
    "Embassy",
    "Government",
    "Ministry",
    "Police",
    "Prosecutor",
    "Prosecutors",
    "Metro",
    "Games",
    "Olympics",
    "Peace",
    "Convention",
    "Commune",
    "Protocol",
    "Tribunal",
    "Authorities",
    "Officials",
    "Residents",
    "Bureau",
    "Station",
    "Stock",
    "Parliament",
    "Assembly",
    "Cabinet",
    "Prime",
    "President",
    "Foreign",
    "Interior",
    "Defence",
    "Defense",
    "Finance",
    "Economy",
    "Trade",
    "Army",
    "Armed",
    "Military",
    "Navy",
    "Air",
    "Central",
    "National",
    "Metropolitan",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "And",
    "Or",
];

const LOCATIVES: &[&str] = &[
    "in", "at", "near", "from", "outside", "to", "into", "across", "toward", "towards", "via",
    "around", "visit", "visited", "visiting", "reached", "left", "downtown", "of", "city", "port",
    "town", "suburb", "suburbs", "central", "northern", "southern", "eastern", "western",
];

const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "stated",
    "scored",
    "argued",
    "wrote",
    "explained",
    "insisted",
    "noted",
    "replied",
    "tweeted",
    "laughed",
    "smiled",
    "asked",
    "answered",
    "sang",
    "shot",
    "dunked",
    "joked",
];

/// How many words on each side of a name its context vetoes look at.
const VETO_WINDOW_WORDS: usize = 8;

/// Reads the mention `text[start..end]` of the name with automaton pattern `pattern`.
pub(crate) fn read_mention(
    gazetteer: &Gazetteer,
    pattern: u32,
    text: &str,
    start: usize,
    end: usize,
    language: LanguageId,
) -> Reading {
    let flags: &NameFlags = &gazetteer.flags[pattern as usize];
    let mut reading = Reading {
        capitals: in_capitals_context(text, start, end),
        ..Reading::default()
    };
    let before = word_before(text, start);
    let after = word_after(text, end);
    let after_locative = before.is_some_and(|w| {
        LOCATIVES.contains(&w.to_lowercase().as_str()) || gazetteer.is_locative(w, language)
    }) || elided_word_before(text, start)
        .is_some_and(|w| gazetteer.is_locative(w, language));
    reading.locative =
        after_locative || followed_by_comma_and_place(gazetteer, text, end, language);
    reading.topical = after_about_word(gazetteer, text, start, language);
    // A place name that is an everyday word of the article's language (German `Lage`, French
    // `Tours`) is a place only right after a locative word, capitalised (`in Halle`,
    // `à Tours`, `في العين`; `in der Lage` is not).
    if flags.common_word_in.contains(&language) {
        let capitalised_or_caseless = text[start..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_lowercase());
        if !(after_locative && capitalised_or_caseless) {
            reading.rejected = true;
            return reading;
        }
    }
    if !flags.vetoes.is_empty() {
        let window = window_words(text, start, end, VETO_WINDOW_WORDS);
        if window.iter().any(|w| flags.vetoes.contains(w)) {
            reading.rejected = true;
            return reading;
        }
    }
    if flags.person_name && !reading.capitals {
        if before.is_some_and(|w| looks_like_part_of_a_name(gazetteer, w, language)) {
            reading.person_in_story = true;
            reading.rejected = true;
            return reading;
        }
        if after.is_some_and(|w| {
            looks_like_part_of_a_name(gazetteer, w, language) && !PLACE_FOLLOWERS.contains(&w)
        }) {
            reading.rejected = true;
            return reading;
        }
        if !flags.speaking_capital
            && after.is_some_and(|w| SPEECH_VERBS.contains(&w.to_lowercase().as_str()))
        {
            reading.needs_support = true;
        }
    }
    // "Vladimir Putin", "John Whitney", "Tokyo Electric": a one-word city name inside a longer
    // proper name. In capitals ("QANTAS TO BUY ...") only big cities' names are trusted.
    let one_word = !text[start..end].contains(' ');
    if one_word && only_cities(gazetteer, pattern, language, &text[start..end]) {
        let inside_a_name = !reading.capitals
            && (before.is_some_and(|w| looks_like_part_of_a_name(gazetteer, w, language))
                || after.is_some_and(|w| {
                    looks_like_part_of_a_name(gazetteer, w, language)
                        && !PLACE_FOLLOWERS.contains(&w)
                }));
        let small_in_capitals = reading.capitals
            && largest_city(gazetteer, pattern, language, &text[start..end])
                < CAPITALS_CITY_POPULATION;
        if inside_a_name || small_in_capitals {
            reading.rejected = true;
            return reading;
        }
    }
    if flags.common_word {
        reading.needs_support = true;
    }
    reading
}

/// In text set in capitals, a one-word city name counts only for cities this big.
const CAPITALS_CITY_POPULATION: u64 = 250_000;

/// The population of the largest city this is the primary name of.
fn largest_city(gazetteer: &Gazetteer, pattern: u32, language: LanguageId, seen: &str) -> u64 {
    gazetteer.targets[pattern as usize]
        .iter()
        .filter(|t| t.counts(language, seen))
        .filter(|t| t.how == NameKind::Primary)
        .filter_map(|t| gazetteer.entity(t.entity))
        .map(|e| e.population)
        .max()
        .unwrap_or(0)
}

fn only_cities(gazetteer: &Gazetteer, pattern: u32, language: LanguageId, seen: &str) -> bool {
    let mut targets = gazetteer.targets[pattern as usize]
        .iter()
        .filter(|t| t.counts(language, seen));
    targets.all(|t| {
        gazetteer
            .entity(t.entity)
            .is_some_and(|e| e.kind == PlaceKind::City)
    })
}

/// A capitalised word that is neither a function word nor itself a place name.
fn looks_like_part_of_a_name(gazetteer: &Gazetteer, word: &str, language: LanguageId) -> bool {
    is_capitalised(word)
        && word.chars().any(char::is_lowercase)
        && !FUNCTION_WORDS.contains(&word)
        && !gazetteer.knows_name(word, language)
}

/// `Mobile, Alabama`: a comma, then a name the gazetteer knows.
fn followed_by_comma_and_place(
    gazetteer: &Gazetteer,
    text: &str,
    end: usize,
    language: LanguageId,
) -> bool {
    let Some(rest) = text[end..].strip_prefix(", ") else {
        return false;
    };
    let words: Vec<&str> = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .take(3)
        .collect();
    (1..=words.len()).any(|n| {
        let candidate = words[..n].join(" ");
        is_capitalised(&candidate)
            && gazetteer.knows_name(candidate.trim_end_matches('.'), language)
    })
}

/// The elided word glued to the name by an apostrophe (`d'Italie`, `nell'Iraq`), apostrophe
/// included (`d'`, `nell'`).
fn elided_word_before(text: &str, start: usize) -> Option<&str> {
    let head = &text[..start];
    let apostrophe = head
        .chars()
        .next_back()
        .filter(|c| matches!(c, '\'' | '’'))?;
    let word = head[..head.len() - apostrophe.len_utf8()]
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .filter(|w| !w.is_empty())?;
    let from = head.len() - apostrophe.len_utf8() - word.len();
    Some(&head[from..])
}

/// `sur la Syrie`, `über Syrien`, `حول سوريا`: an about word right before the name, or an about
/// word and a definite article.
fn after_about_word(gazetteer: &Gazetteer, text: &str, start: usize, language: LanguageId) -> bool {
    let Some(word) = word_before(text, start).or_else(|| elided_word_before(text, start)) else {
        return false;
    };
    if gazetteer.is_about_word(word, language) {
        return true;
    }
    if !gazetteer.is_article(word, language) {
        return false;
    }
    let word_start = word.as_ptr() as usize - text.as_ptr() as usize;
    word_before(text, word_start).is_some_and(|w| gazetteer.is_about_word(w, language))
}
