//! Language detection with whatlang, reported as a BCP 47 tag (ISO 639-1 where one exists),
//! and the choice between the language a provider declares and the one the text is in.
//!
//! Measured on one- and two-sentence wire items in en, de, fr, es, it, pt, nl and ar (the table
//! in the tests): whatlang is right and confident (1.0) on most full sentences, unsure (below
//! 0.5) on headlines of three or four words, and never confidently wrong there; on short Arabic
//! it hesitates between Arabic, Persian and Urdu (0.1), which the script settles: Arabic letters
//! without the letters only Persian and Urdu use are Arabic. So: a declared language is kept
//! unless its script is not the text's or whatlang reliably says another language; without
//! one, the detected language is set only at or above the configured confidence, and below it
//! the article has no language and says it is unsure.
//!
//! whatlang costs about as much as the rest of normalizing a story, whatever its length, so a
//! declared language its own everyday words confirm ([`FUNCTION_WORDS`]: more of them than of
//! any other wire language's) is kept without running it. Hand-written: a count of a dozen
//! words per language, which no detector crate offers as a cheap confirmation.

/// The language an article gets, how sure the detector was, and whether it was unsure.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageChoice {
    /// BCP 47: the declared tag (`en-GB`), or the detected language (`de`).
    pub language: Option<String>,
    /// The detector's confidence (0.0 to 1.0) when the language is the detected one.
    pub confidence: Option<f64>,
    /// Detection ran and found no language confident enough to set.
    pub unsure: bool,
}

/// A detection that contradicts a declared language must be this sure (and whatlang reliable).
const OVERRULE_CONFIDENCE: f64 = 0.9;
/// Words frequent in each language's running text and rare in the others' (no `de`, `en`,
/// `que`, `con`, `una`, shared by several).
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "is", "was", "that", "for", "with", "said", "has",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "den", "nicht", "mit", "ist", "von", "sich", "wurde",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "et", "des", "du", "une", "est", "dans", "pour", "qui",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "y", "por", "para", "fue", "según", "este", "sus", "lo",
        ],
    ),
    (
        "it",
        &[
            "il", "della", "che", "di", "gli", "nel", "sono", "alla", "dei", "anche", "è",
        ],
    ),
    (
        "pt",
        &[
            "os", "das", "uma", "não", "dos", "pelo", "foi", "são", "à", "ao", "também",
        ],
    ),
    (
        "nl",
        &[
            "het", "een", "van", "niet", "dat", "op", "voor", "zijn", "werd", "ook", "bij",
        ],
    ),
];
/// Each function word with the languages whose list holds it (bit `i`: `FUNCTION_WORDS[i]`):
/// one lookup per word of the text, where reading the lists compared each word with all 88
/// (callgrind, `wirefeed-bench core --articles 3000`: `choose` 262.9 → 252.0 million
/// instructions, about 3,600 fewer per article, the same choices).
static FUNCTION_WORD_LANGUAGES: std::sync::LazyLock<foldhash::HashMap<&'static str, u8>> =
    std::sync::LazyLock::new(|| {
        let mut languages = foldhash::HashMap::default();
        for (index, (_, words)) in FUNCTION_WORDS.iter().enumerate() {
            for word in *words {
                *languages.entry(*word).or_insert(0u8) |= 1 << index;
            }
        }
        languages
    });
const _: () = assert!(FUNCTION_WORDS.len() <= u8::BITS as usize);
/// Function words a declared language needs in the text before it is kept undetected.
const MIN_FUNCTION_WORDS: usize = 3;

/// Whether `text` has at least [`MIN_FUNCTION_WORDS`] of `language`'s function words and more
/// of them than of any other language's.
fn function_words_confirm(language: &str, text: &str) -> bool {
    let Some(own) = FUNCTION_WORDS
        .iter()
        .position(|(code, _)| *code == language)
    else {
        return false;
    };
    let mut counts = [0usize; FUNCTION_WORDS.len()];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && word.len() <= 7)
    {
        // Most words are ASCII: lowercased on the stack, no String per word.
        let mut ascii = [0u8; 7];
        let lowered;
        let word = if word.is_ascii() {
            let ascii = &mut ascii[..word.len()];
            ascii.copy_from_slice(word.as_bytes());
            ascii.make_ascii_lowercase();
            std::str::from_utf8(ascii).unwrap_or_default()
        } else {
            lowered = word.to_lowercase();
            lowered.as_str()
        };
        let languages = FUNCTION_WORD_LANGUAGES.get(word).copied().unwrap_or(0);
        for (index, count) in counts.iter_mut().enumerate() {
            *count += usize::from(languages >> index & 1);
        }
    }
    counts[own] >= MIN_FUNCTION_WORDS
        && counts
            .iter()
            .enumerate()
            .all(|(index, &count)| index == own || count < counts[own])
}

/// A script contradicts a declared language only over this many letters.
const MIN_SCRIPT_LETTERS: usize = 12;

/// The article's language: the `declared` one when it is plausible for `text`, else (with
/// `detect` on) the detected one when its confidence is at least `min_confidence`.
pub fn choose(
    declared: Option<&str>,
    text: &str,
    detect_language: bool,
    min_confidence: f64,
) -> LanguageChoice {
    let declared = declared.map(str::trim).filter(|tag| !tag.is_empty());
    let given = |tag: &str| LanguageChoice {
        language: Some(bcp47(tag)),
        confidence: None,
        unsure: false,
    };
    if !detect_language {
        return match declared {
            Some(tag) => given(tag),
            None => LanguageChoice {
                language: None,
                confidence: None,
                unsure: false,
            },
        };
    }
    if let Some(tag) = declared {
        let primary = bcp47(tag);
        let primary = primary.split('-').next().unwrap_or_default();
        if function_words_confirm(primary, text) && !script_contradicts(primary, text) {
            return given(tag);
        }
    }
    let detected = detect_with_reliability(text);
    if let Some(tag) = declared {
        let primary = bcp47(tag);
        let primary = primary.split('-').next().unwrap_or_default();
        let script_disagrees = script_contradicts(primary, text);
        // Only a language wire services publish in overrules (placeholder Latin does not).
        let detector_disagrees = detected.as_ref().is_some_and(|found| {
            found.reliable
                && found.confidence >= OVERRULE_CONFIDENCE
                && found.code != primary
                && found.code.len() == 2
        });
        if !script_disagrees && !detector_disagrees {
            return given(tag);
        }
    }
    match detected {
        Some(found) if found.confidence >= min_confidence => LanguageChoice {
            language: Some(found.code),
            confidence: Some(found.confidence),
            unsure: false,
        },
        _ => LanguageChoice {
            language: None,
            confidence: None,
            unsure: true,
        },
    }
}

/// The language of `text` and the detector's confidence (0.0 to 1.0).
pub fn detect(text: &str) -> Option<(String, f64)> {
    detect_with_reliability(text).map(|found| (found.code, found.confidence))
}

struct Detected {
    code: String,
    confidence: f64,
    reliable: bool,
}

fn detect_with_reliability(text: &str) -> Option<Detected> {
    if let Some(confidence) = arabic_confidence(text) {
        return Some(Detected {
            code: "ar".to_owned(),
            confidence,
            reliable: true,
        });
    }
    let info = whatlang::detect(text)?;
    let code = info.lang().code();
    Some(Detected {
        code: iso_639_1(code).unwrap_or(code).to_owned(),
        confidence: info.confidence(),
        reliable: info.is_reliable(),
    })
}

/// Text in Arabic letters without the letters only Persian, Urdu and Pashto use (`پ چ ژ گ ک
/// ی ٹ ڈ ڑ ں ے ہ`) is Arabic: the share of its letters that are Arabic, when most of them are.
fn arabic_confidence(text: &str) -> Option<f64> {
    let mut letters = 0usize;
    let mut arabic = 0usize;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if crate::arabic::is_arabic(c) {
            if "\u{067E}\u{0686}\u{0698}\u{06AF}\u{06A9}\u{06CC}\u{0679}\u{0688}\u{0691}\u{06BA}\u{06D2}\u{06C1}"
                .contains(c)
            {
                return None;
            }
            arabic += 1;
        }
    }
    let share = arabic as f64 / letters.max(1) as f64;
    (arabic >= 3 && share >= 0.6).then_some(share)
}

/// Writing systems, as far as telling a declared language from the text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Arabic,
    Cyrillic,
    Greek,
    Hebrew,
}

fn script_of(c: char) -> Option<Script> {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
            Some(Script::Latin)
        }
        _ if crate::arabic::is_arabic(c) => Some(Script::Arabic),
        '\u{0400}'..='\u{04FF}' => Some(Script::Cyrillic),
        '\u{0370}'..='\u{03FF}' => Some(Script::Greek),
        '\u{0590}'..='\u{05FF}' => Some(Script::Hebrew),
        _ => None,
    }
}

/// The script a language (ISO 639-1) is written in, for the languages where there is one.
fn script_for(language: &str) -> Option<Script> {
    Some(match language {
        "ar" | "fa" | "ur" | "ps" => Script::Arabic,
        "ru" | "uk" | "bg" | "be" | "mk" | "kk" => Script::Cyrillic,
        "el" => Script::Greek,
        "he" | "yi" => Script::Hebrew,
        "en" | "de" | "fr" | "es" | "it" | "pt" | "nl" | "pl" | "cs" | "sk" | "hu" | "ro"
        | "hr" | "sl" | "tr" | "sv" | "da" | "nb" | "nn" | "no" | "fi" | "et" | "lv" | "lt"
        | "ca" | "af" | "sw" | "id" | "ms" | "vi" | "ga" | "is" | "sq" | "eu" | "gl" => {
            Script::Latin
        }
        _ => return None,
    })
}

/// True when most letters of `text` are in a script `language` is not written in.
fn script_contradicts(language: &str, text: &str) -> bool {
    let Some(expected) = script_for(language) else {
        return false;
    };
    let mut letters = 0usize;
    let mut in_expected = 0usize;
    for script in text
        .chars()
        .filter(|c| c.is_alphabetic())
        .filter_map(script_of)
    {
        letters += 1;
        if script == expected {
            in_expected += 1;
        }
    }
    letters >= MIN_SCRIPT_LETTERS && in_expected * 2 < letters
}

/// A language tag as feeds write it (`en_US`, `EN-gb`, `de`) in BCP 47 form (`en-US`, `en-GB`).
pub fn bcp47(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .filter(|part| !part.is_empty())
        .enumerate()
        .map(|(index, part)| match (index, part.len()) {
            (0, _) => part.to_ascii_lowercase(),
            (_, 2) => part.to_ascii_uppercase(),
            (_, 4) => {
                let mut script = part.to_ascii_lowercase();
                script[..1].make_ascii_uppercase();
                script
            }
            _ => part.to_ascii_lowercase(),
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// ISO 639-3 (whatlang) to ISO 639-1, for the languages wire services publish in.
fn iso_639_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "eng" => "en",
        "deu" => "de",
        "fra" => "fr",
        "spa" => "es",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "rus" => "ru",
        "ukr" => "uk",
        "pol" => "pl",
        "ces" => "cs",
        "slk" => "sk",
        "hun" => "hu",
        "ron" => "ro",
        "bul" => "bg",
        "hrv" => "hr",
        "srp" => "sr",
        "slv" => "sl",
        "ell" => "el",
        "tur" => "tr",
        "ara" => "ar",
        "heb" => "he",
        "pes" => "fa",
        "hin" => "hi",
        "ben" => "bn",
        "urd" => "ur",
        "cmn" => "zh",
        "jpn" => "ja",
        "kor" => "ko",
        "vie" => "vi",
        "tha" => "th",
        "ind" => "id",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "nb",
        "fin" => "fi",
        "est" => "et",
        "lav" => "lv",
        "lit" => "lt",
        "cat" => "ca",
        "afr" => "af",
        "swa" => "sw",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_language_tags_become_bcp47() {
        assert_eq!(bcp47("en_US"), "en-US");
        assert_eq!(bcp47("EN-gb"), "en-GB");
        assert_eq!(bcp47("de"), "de");
        assert_eq!(bcp47("zh-hant-tw"), "zh-Hant-TW");
    }

    #[test]
    fn detects_english_and_german_with_two_letter_codes() {
        let (code, confidence) = detect(
            "The foreign ministers met in Geneva on Tuesday to discuss a ceasefire and the \
             next round of negotiations.",
        )
        .unwrap();
        assert_eq!(code, "en");
        assert!(confidence > 0.5);
        let (code, _) = detect(
            "Die Außenminister trafen sich am Dienstag in Genf, um über eine Waffenruhe und \
             die nächste Verhandlungsrunde zu sprechen.",
        )
        .unwrap();
        assert_eq!(code, "de");
    }

    /// One- and two-sentence items as the agencies file them: detection names each one's
    /// language, or says it is unsure; it is never confidently wrong.
    const SHORT_ITEMS: &[(&str, &str)] = &[
        (
            "en",
            "The Federal Reserve held interest rates steady on Wednesday.",
        ),
        (
            "en",
            "Syria peace talks resumed in Geneva on Thursday. The UN envoy said both sides had agreed to meet again.",
        ),
        ("de", "Die beiden sprachen über die Lage in Syrien."),
        (
            "de",
            "Der Bundestag hat am Donnerstag den Haushalt für 2027 beschlossen. Die Opposition stimmte dagegen.",
        ),
        (
            "de",
            "In Brüssel beginnen am Montag die Verhandlungen über den EU-Haushalt.",
        ),
        (
            "fr",
            "Les pourparlers de paix sur la Syrie ont repris jeudi à Genève.",
        ),
        (
            "fr",
            "Le gouvernement a présenté son budget mercredi. L'opposition dénonce des coupes dans la santé.",
        ),
        (
            "es",
            "La India registró 300 muertos por el calor. Las autoridades piden calma.",
        ),
        (
            "es",
            "El presidente del Gobierno viajará el lunes a Bruselas para la cumbre europea.",
        ),
        (
            "it",
            "Il governo ha approvato la manovra in consiglio dei ministri.",
        ),
        (
            "it",
            "Riprendono a Ginevra i colloqui di pace sulla Siria. L'inviato dell'Onu si dice ottimista.",
        ),
        (
            "pt",
            "O Governo aprovou hoje o Orçamento do Estado para 2027.",
        ),
        (
            "pt",
            "O primeiro-ministro disse que não haverá aumento de impostos. A oposição criticou.",
        ),
        (
            "nl",
            "Het kabinet heeft vrijdag de begroting gepresenteerd.",
        ),
        (
            "nl",
            "De politie heeft een man aangehouden. Hij wordt verdacht van brandstichting.",
        ),
        ("ar", "استؤنفت محادثات السلام حول سوريا في جنيف."),
        (
            "ar",
            "قال المبعوث الأممي إن الطرفين وافقا على اللقاء. وتأتي المحادثات بعد أشهر من التوقف.",
        ),
        (
            "ar",
            "أعلنت وزارة الصحة اللبنانية الخميس مقتل ثلاثة أشخاص في غارة.",
        ),
    ];

    /// Headlines of a few words: too short to tell, or told right.
    const HEADLINES: &[(&str, &str)] = &[
        ("de", "Bundeskanzler trifft Macron in Berlin"),
        ("de", "Scholz in Brüssel"),
        ("fr", "Macron à Bruxelles"),
        ("es", "Sánchez viaja a Bruselas"),
        ("it", "Meloni a Bruxelles"),
        ("pt", "Marcelo promulga lei"),
        ("nl", "Rutte naar Brussel"),
        ("ar", "غارة على بيروت"),
    ];

    #[test]
    fn short_items_in_each_language_are_told_right() {
        for (language, text) in SHORT_ITEMS {
            let choice = choose(None, text, true, 0.5);
            assert_eq!(choice.language.as_deref(), Some(*language), "{text}");
            assert!(choice.confidence.is_some_and(|c| c >= 0.5), "{text}");
            assert!(!choice.unsure, "{text}");
        }
    }

    #[test]
    fn headlines_are_told_right_or_left_unsure_never_wrong() {
        let mut unsure = 0;
        for (language, text) in HEADLINES {
            let choice = choose(None, text, true, 0.5);
            match choice.language.as_deref() {
                Some(found) => assert_eq!(found, *language, "{text}"),
                None => {
                    assert!(choice.unsure && choice.confidence.is_none(), "{text}");
                    unsure += 1;
                }
            }
        }
        // Most of them are too short for whatlang: it says so.
        assert!(unsure >= HEADLINES.len() / 2, "{unsure}");
    }

    #[test]
    fn a_declared_language_holds_on_short_items() {
        for (language, text) in HEADLINES.iter().chain(SHORT_ITEMS) {
            let choice = choose(Some(language), text, true, 0.5);
            assert_eq!(choice.language.as_deref(), Some(*language), "{text}");
            assert_eq!(choice.confidence, None, "given, not detected: {text}");
        }
        // The region stays as the provider wrote it.
        let choice = choose(
            Some("pt_BR"),
            "O Governo aprovou hoje o Orçamento.",
            true,
            0.5,
        );
        assert_eq!(choice.language.as_deref(), Some("pt-BR"));
    }

    #[test]
    fn the_function_word_map_holds_every_list_word_under_exactly_its_languages() {
        for (word, languages) in FUNCTION_WORD_LANGUAGES.iter() {
            for (index, (_, words)) in FUNCTION_WORDS.iter().enumerate() {
                assert_eq!(languages >> index & 1 == 1, words.contains(word), "{word}");
            }
        }
        let listed: std::collections::HashSet<&str> = FUNCTION_WORDS
            .iter()
            .flat_map(|(_, words)| words.iter().copied())
            .collect();
        assert_eq!(FUNCTION_WORD_LANGUAGES.len(), listed.len());
    }

    #[test]
    fn function_words_confirm_only_the_language_they_belong_to() {
        let english = "The Federal Reserve held interest rates steady and said that inflation \
                       was still above its goal for the year.";
        let german = "Die Regierung hat am Donnerstag den Haushalt beschlossen, der nicht von \
                      allen Parteien mitgetragen wird.";
        assert!(function_words_confirm("en", english));
        assert!(!function_words_confirm("de", english));
        assert!(function_words_confirm("de", german));
        assert!(!function_words_confirm("en", german));
        // Too few words to say: detection decides.
        assert!(!function_words_confirm("en", "Fed holds rates"));
        assert!(!function_words_confirm("sv", english));
    }

    #[test]
    fn a_declared_language_the_text_is_not_in_gives_way() {
        // A feed that declares English for everything, with a German story.
        let german = SHORT_ITEMS[3].1;
        let choice = choose(Some("en"), german, true, 0.5);
        assert_eq!(choice.language.as_deref(), Some("de"));
        assert!(choice.confidence.is_some());
        // Declared English over Arabic text: the script says no.
        let choice = choose(Some("en"), SHORT_ITEMS[15].1, true, 0.5);
        assert_eq!(choice.language.as_deref(), Some("ar"));
        // Declared Arabic over a Latin-script item too short to detect: unsure, not Arabic.
        let choice = choose(Some("ar"), "Scholz trifft Macron in Berlin", true, 0.5);
        assert_eq!(choice.language, None);
        assert!(choice.unsure);
        // A short item the detector is unsure about keeps its declared language.
        let choice = choose(Some("es"), "Sánchez viaja a Bruselas", true, 0.5);
        assert_eq!(choice.language.as_deref(), Some("es"));
        // Placeholder Latin does not overrule the declared language.
        let lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod \
                     tempor incididunt ut labore et dolore magna aliqua.";
        let choice = choose(Some("en-US"), lorem, true, 0.5);
        assert_eq!(choice.language.as_deref(), Some("en-US"));
    }

    #[test]
    fn without_detection_the_declared_language_is_taken_as_it_is() {
        let choice = choose(Some("en"), SHORT_ITEMS[3].1, false, 0.5);
        assert_eq!(choice.language.as_deref(), Some("en"));
        let choice = choose(None, SHORT_ITEMS[3].1, false, 0.5);
        assert_eq!(choice.language, None);
        assert!(!choice.unsure);
    }

    #[test]
    fn persian_is_not_taken_for_arabic() {
        let (code, _) =
            detect("وزیر امور خارجه ایران روز پنجشنبه گفت که گفتگوها ادامه خواهد یافت").unwrap();
        assert_eq!(code, "fa");
    }
}
