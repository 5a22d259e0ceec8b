//! Language detection with whatlang, reported as a BCP 47 tag (ISO 639-1 where one exists).

/// The language of `text` and the detector's confidence (0.0 to 1.0).
pub fn detect(text: &str) -> Option<(String, f64)> {
    let info = whatlang::detect(text)?;
    let code = info.lang().code();
    Some((
        iso_639_1(code).unwrap_or(code).to_owned(),
        info.confidence(),
    ))
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
}
