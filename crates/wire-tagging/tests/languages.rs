//! Places in German, French, Spanish, Italian, Portuguese, Dutch and Arabic wire copy, read the
//! way the enricher reads them: the article's `language` chooses the names, locative words and
//! common-word lists (issue 18). The first three items are the issue's; the others are written
//! in each agency's style.

mod common;

use common::{country_role, places_named, tagger};
use wire_model::Article;
use wire_tagging::{PlaceRole, Tags};

/// An article as the normalizer hands it on: a plain-text body, a language, maybe a headline.
#[allow(clippy::expect_used)] // a constant test article
fn article(language: &str, headline: &str, body: &str) -> Article {
    let mut json = serde_json::json!({
        "uri": "urn:test:1",
        "language": language,
        "bodies": [{"contentType": "text/plain", "value": body}],
    });
    if !headline.is_empty() {
        json["headlines"] = serde_json::json!([{"role": "main", "value": headline}]);
    }
    serde_json::from_value(json).expect("a valid article")
}

fn tag(language: &str, headline: &str, body: &str) -> Tags {
    tagger().tag(&article(language, headline, body), None)
}

fn codes(tags: &Tags) -> Vec<&str> {
    let mut codes: Vec<&str> = tags.countries.iter().map(|c| c.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

fn about_or_mentioned(tags: &Tags, code: &str) -> bool {
    matches!(
        country_role(tags, code),
        Some(PlaceRole::About | PlaceRole::Mentioned)
    )
}

/// The place names tagged, as they are named in the output.
fn names(tags: &Tags) -> Vec<&str> {
    tags.places
        .iter()
        .filter_map(|p| p.name.as_deref())
        .collect()
}

#[test]
fn issue_item_german_berlin_merkel_macron_syria() {
    let tags = tag(
        "de",
        "",
        "BERLIN (dpa) - Bundeskanzlerin Angela Merkel hat am Donnerstag den französischen \
         Präsidenten Emmanuel Macron in Berlin empfangen. Die beiden sprachen über die Lage in \
         Syrien.",
    );
    assert_eq!(
        places_named(&tags, "Berlin"),
        vec![("dateline".to_owned(), "DE".to_owned())]
    );
    for code in ["DE", "FR", "SY"] {
        assert!(
            about_or_mentioned(&tags, code),
            "{code}: {:?}",
            tags.countries
        );
    }
    assert_eq!(
        codes(&tags),
        ["DE", "FR", "SY"],
        "nothing else, and no Lage"
    );
    assert!(!names(&tags).contains(&"Lage"));
}

#[test]
fn issue_item_french_geneva_syria() {
    let tags = tag(
        "fr",
        "",
        "GENÈVE (AFP) - Les pourparlers de paix sur la Syrie ont repris jeudi à Genève sous \
         l'égide de l'ONU, a indiqué l'émissaire Staffan de Mistura.",
    );
    assert_eq!(
        places_named(&tags, "Geneva"),
        vec![("dateline".to_owned(), "CH".to_owned())]
    );
    assert_eq!(country_role(&tags, "SY"), Some(PlaceRole::About));
    assert!(about_or_mentioned(&tags, "CH"));
    assert_eq!(codes(&tags), ["CH", "SY"]);
    let syrie = tags
        .evidence
        .iter()
        .find(|e| e.uri == "http://sws.geonames.org/163843/")
        .map(|e| {
            e.matches
                .iter()
                .map(|m| m.term.as_str())
                .collect::<Vec<_>>()
        });
    assert_eq!(syrie, Some(vec!["Syrie"]));
}

#[test]
fn issue_item_english_is_unchanged() {
    let body = "WASHINGTON, Dec 5 (Reuters) - The Federal Reserve held interest rates steady on \
                Wednesday, saying the economy was growing at a moderate pace.";
    for language in ["en", "en-US"] {
        let tags = tag(language, "", body);
        assert_eq!(
            places_named(&tags, "Washington"),
            vec![("dateline".to_owned(), "US".to_owned())],
            "{:?}",
            tags.places
        );
        assert_eq!(codes(&tags), ["US"]);
    }
}

#[test]
fn dpa_style_german_genitive_and_adjectives() {
    let tags = tag(
        "de",
        "Außenminister warnt vor Zerfall Syriens",
        "HAMBURG (dpa) - Die Bundesregierung sieht die Zukunft Syriens mit Sorge. Die syrische \
         Opposition und die türkischen Streitkräfte kämpfen im Norden des Landes. Auch \
         Deutschlands Partner in der EU beraten. Beim Essen in Halle sprachen die Minister über \
         die Lage der Flüchtlinge.",
    );
    assert_eq!(country_role(&tags, "SY"), Some(PlaceRole::About));
    assert!(about_or_mentioned(&tags, "TR"));
    assert_eq!(
        places_named(&tags, "Hamburg"),
        vec![("dateline".to_owned(), "DE".to_owned())]
    );
    // "in Halle" is the city; "Beim Essen" (at dinner) and "die Lage" (the situation) are not.
    assert_eq!(
        places_named(&tags, "Halle (Saale)").len(),
        1,
        "{:?}",
        names(&tags)
    );
    assert!(!names(&tags).contains(&"Essen"), "{:?}", names(&tags));
    assert!(!names(&tags).contains(&"Lage"));
    let syria_terms: Vec<&str> = tags
        .evidence
        .iter()
        .filter(|e| e.uri == "http://sws.geonames.org/163843/")
        .flat_map(|e| e.matches.iter().map(|m| m.term.as_str()))
        .collect();
    assert_eq!(syria_terms, ["Syriens", "Syriens", "syrische"]);
    let germany_terms: Vec<&str> = tags
        .evidence
        .iter()
        .filter(|e| e.uri == "http://sws.geonames.org/2921044/")
        .flat_map(|e| e.matches.iter().map(|m| m.term.as_str()))
        .collect();
    assert!(germany_terms.contains(&"Deutschlands"), "{germany_terms:?}");
    // Not every name with an s is a genitive: Hamas is not Hama's.
    let tags = tag(
        "de",
        "",
        "Die Hamas lehnt den Vorschlag ab, sagte ein Sprecher in Kairo.",
    );
    assert_eq!(codes(&tags), ["EG"]);
}

#[test]
fn a_common_word_that_is_the_dateline_is_still_the_dateline() {
    let tags = tag(
        "de",
        "",
        "ESSEN (dpa) - Nach dem Essen verließen die Gäste den Saal.",
    );
    assert_eq!(
        places_named(&tags, "Essen"),
        vec![("dateline".to_owned(), "DE".to_owned())]
    );
}

#[test]
fn afp_style_french_nice_and_tours() {
    let tags = tag(
        "fr",
        "",
        "PARIS, 5 déc 2026 (AFP) - Le président syrien a reçu jeudi des émissaires turcs. \
         Nice d'abord, puis ce fut le tour des négociateurs allemands. Des manifestations ont eu \
         lieu à Nice et à Tours.",
    );
    assert_eq!(
        places_named(&tags, "Paris"),
        vec![("dateline".to_owned(), "FR".to_owned())]
    );
    for code in ["SY", "TR", "DE"] {
        assert!(
            about_or_mentioned(&tags, code),
            "{code}: {:?}",
            tags.countries
        );
    }
    let nice = tags
        .evidence
        .iter()
        .find(|e| e.uri == "http://sws.geonames.org/2990440/")
        .map(|e| e.matches.len());
    assert_eq!(nice, Some(1), "only \"à Nice\" is the city");
    assert_eq!(places_named(&tags, "Tours").len(), 1);
}

#[test]
fn efe_style_spanish() {
    let tags = tag(
        "es",
        "El enviado de la ONU viaja a Siria",
        "MADRID, 5 dic (EFE).- El Gobierno español pidió este jueves en Madrid una solución \
         política en Siria, donde los rebeldes sirios avanzan hacia Damasco. Como cada año, \
         Victoria de los Ángeles fue recordada.",
    );
    assert_eq!(
        places_named(&tags, "Madrid"),
        vec![("dateline".to_owned(), "ES".to_owned())]
    );
    assert_eq!(country_role(&tags, "SY"), Some(PlaceRole::About));
    assert_eq!(codes(&tags), ["ES", "SY"], "no Como (Italy), no Victoria");
}

#[test]
fn ansa_style_italian() {
    let tags = tag(
        "it",
        "",
        "ROMA, 5 DIC - (ANSA) - Il ministro degli Esteri ha discusso nella Siria devastata dalla \
         guerra con il collega turco. Prato di fiori e Cento anni di pace non c'entrano: \
         l'incontro si è tenuto nell'Iraq settentrionale.",
    );
    assert_eq!(
        places_named(&tags, "Rome"),
        vec![("dateline".to_owned(), "IT".to_owned())]
    );
    for code in ["SY", "TR", "IQ"] {
        assert!(
            about_or_mentioned(&tags, code),
            "{code}: {:?}",
            tags.countries
        );
    }
    assert_eq!(codes(&tags), ["IQ", "IT", "SY", "TR"]);
}

#[test]
fn lusa_style_portuguese() {
    let tags = tag(
        "pt",
        "",
        "LISBOA, 5 dez (Lusa) - O primeiro-ministro português condenou hoje os ataques na Síria \
         e pediu ao Governo sírio que respeite o cessar-fogo. Como no Natal passado, a ajuda \
         chega do Brasil.",
    );
    assert_eq!(
        places_named(&tags, "Lisbon"),
        vec![("dateline".to_owned(), "PT".to_owned())]
    );
    assert_eq!(country_role(&tags, "SY"), Some(PlaceRole::About));
    assert!(about_or_mentioned(&tags, "BR"));
    assert_eq!(codes(&tags), ["BR", "PT", "SY"], "no Natal, no Como");
}

#[test]
fn anp_style_dutch() {
    let tags = tag(
        "nl",
        "",
        "AMSTERDAM (ANP) - Nederland stuurt extra hulp naar Syrië. Het Syrische regime en de \
         Turkse regering spraken in Genève. Best mogelijk, zei de minister.",
    );
    assert_eq!(
        places_named(&tags, "Amsterdam"),
        vec![("dateline".to_owned(), "NL".to_owned())]
    );
    assert_eq!(country_role(&tags, "SY"), Some(PlaceRole::About));
    for code in ["TR", "CH"] {
        assert!(
            about_or_mentioned(&tags, code),
            "{code}: {:?}",
            tags.countries
        );
    }
    assert_eq!(codes(&tags), ["CH", "NL", "SY", "TR"], "no Best");
}

#[test]
fn afp_style_arabic_with_attached_prefixes() {
    let tags = tag(
        "ar",
        "",
        "بيروت (أ ف ب) - قال مسؤولون إن المعارك تجددت في سوريا، وإن الجيش السوري تقدم \
         بريف حلب. وأعلنت تركيا أنها ستساعد لبنان والأردن، فيما دعت فرنسا لسوريا موحدة. \
         وفي المدينة القديمة تجمع الناس.",
    );
    assert_eq!(
        places_named(&tags, "Beirut"),
        vec![("dateline".to_owned(), "LB".to_owned())]
    );
    assert_eq!(country_role(&tags, "SY"), Some(PlaceRole::About));
    for code in ["TR", "JO", "FR"] {
        assert!(
            about_or_mentioned(&tags, code),
            "{code}: {:?}",
            tags.countries
        );
    }
    assert_eq!(codes(&tags), ["FR", "JO", "LB", "SY", "TR"], "no Medina");
    // وإن ("and that") folds to وان, which is also how Arabic writes Van (Turkey).
    assert!(!names(&tags).contains(&"Van"), "{:?}", names(&tags));
    let syria_terms: Vec<&str> = tags
        .evidence
        .iter()
        .filter(|e| e.uri == "http://sws.geonames.org/163843/")
        .flat_map(|e| e.matches.iter().map(|m| m.term.as_str()))
        .collect();
    // Syria's evidence: the country, the adjective after the attached article (ال), Aleppo after
    // the attached preposition (ب), and the country after ل.
    assert_eq!(syria_terms, ["سوريا", "سوري", "حلب", "سوريا"]);
}

#[test]
fn names_of_another_language_do_not_match() {
    // "sirio" is Spanish for Syrian; in an English story it is nobody's adjective.
    let tags = tag(
        "en",
        "",
        "The sirio cargo ship docked in Rotterdam on Tuesday.",
    );
    assert_eq!(codes(&tags), ["NL"]);
    let tags = tag("es", "", "Los sirios huyeron a Turquía.");
    assert_eq!(codes(&tags), ["SY", "TR"]);
}

#[test]
fn merida_is_decided_by_the_other_places_in_the_story() {
    let venezuela = tag(
        "es",
        "",
        "CARACAS, 5 dic (EFE).- Las protestas se extendieron a Mérida, en los Andes \
         venezolanos, según el Gobierno de Venezuela.",
    );
    let merida = |tags: &Tags| -> Vec<(String, String)> {
        tags.places
            .iter()
            .filter(|p| {
                p.name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("M") && n.contains("rida"))
            })
            .map(|p| {
                (
                    p.rel.clone().unwrap_or_default(),
                    p.literal.clone().unwrap_or_default(),
                )
            })
            .collect()
    };
    assert_eq!(
        merida(&venezuela),
        [("mentioned".to_owned(), "VE".to_owned())]
    );
    let mexico = tag(
        "es",
        "",
        "MÉRIDA, México, 5 dic (EFE).- El presidente mexicano visitó Yucatán.",
    );
    assert_eq!(merida(&mexico), [("dateline".to_owned(), "MX".to_owned())]);
}

#[test]
fn a_country_the_lead_says_the_story_is_about_is_about() {
    // Filed from Berlin; Syria once, after "über" (about): the story is about Syria.
    let tags = tag(
        "de",
        "",
        "BERLIN (dpa) - Die Außenminister der EU beraten am Montag in Brüssel über Syrien. \
         Deutschland und Frankreich wollen neue Hilfen.",
    );
    assert_eq!(country_role(&tags, "SY"), Some(PlaceRole::About));
    // "in Syrien" says where, not what about: one mention among several stays mentioned.
    let tags = tag(
        "de",
        "",
        "BERLIN (dpa) - Die Bundesregierung hat am Montag in Berlin neue Hilfen beschlossen. \
         Deutschland und Frankreich wollen sie gemeinsam in Berlin und Paris vorstellen, auch \
         für Flüchtlinge in Syrien.",
    );
    assert_eq!(country_role(&tags, "SY"), Some(PlaceRole::Mentioned));
}

#[test]
fn a_feminine_adjective_spelled_like_the_country_is_read_as_the_country() {
    for (language, body) in [
        (
            "es",
            "La oposición siria rechazó hoy el plan del enviado de la ONU.",
        ),
        (
            "pt",
            "A oposição síria rejeitou hoje o plano do enviado da ONU.",
        ),
        (
            "it",
            "L'opposizione siriana ha respinto oggi il piano dell'inviato dell'Onu.",
        ),
    ] {
        let tags = tag(language, "", body);
        assert!(
            about_or_mentioned(&tags, "SY"),
            "{language}: {:?}",
            codes(&tags)
        );
    }
}
