//! Language detection with whatlang, reported as a BCP 47 tag (ISO 639-1 where one exists).

/// The language of `text` and the detector's confidence (0.0 to 1.0).
pub fn detect(text: &str) -> Option<(String, f64)> {
    let info = whatlang::detect(text)?;
    let code = info.lang().code();
    Some((iso_639_1(code).unwrap_or(code).to_owned(), info.confidence()))
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
