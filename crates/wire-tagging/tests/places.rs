//! Place tagging end to end: roles, uris, literals, regions and evidence offsets.

mod common;

use common::{country_role, places_named, tag, tagger};
use wire_tagging::{PlaceRole, TagInput, tag_places};

/// An original wire story with the features of the AFP sample: a Moscow dateline, the US,
/// Russia and Syria in the headline and throughout, a few other places mentioned once or twice.
const HEADLINE: &str = "US and Russia agree to push for new Syria peace talks";
const BODY: &str = "MOSCOW (Wirefeed) - The US secretary of state met Russia's foreign minister in Moscow on Tuesday to revive the stalled Syria peace process, officials said.

The two sides discussed a ceasefire across Syria and a political transition in Damascus, a senior US official said after the meeting at the Kremlin.

Washington and Moscow want UN-backed talks in Geneva to resume next month. Russian officials said Syrian government forces would respect the truce.

The proposal would set up a joint monitoring centre in Jordan. Fighting near the border with Iraq continued, while the US and Russia also discussed Ukraine.

Syria's war has killed hundreds of thousands of people. A Russian diplomat said the Kremlin saw a chance for peace in Syria.";

#[test]
fn the_syria_story_gets_its_places_roles_and_topic() {
    let tags = tag(HEADLINE, BODY);
    for code in ["SY", "RU", "US"] {
        assert_eq!(country_role(&tags, code), Some(PlaceRole::About), "{code}");
    }
    assert_eq!(
        places_named(&tags, "Moscow"),
        vec![("dateline".to_owned(), "RU".to_owned())]
    );
    for code in ["JO", "IQ", "UA"] {
        assert_eq!(
            country_role(&tags, code),
            Some(PlaceRole::Mentioned),
            "{code}"
        );
    }
    let syria = tags
        .places
        .iter()
        .find(|p| p.literal.as_deref() == Some("SY") && p.name.as_deref() == Some("Syria"));
    assert_eq!(
        syria.and_then(|p| p.uri.as_deref()),
        Some("http://sws.geonames.org/163843/")
    );
    assert!(
        tags.regions
            .iter()
            .any(|r| r.country == "SY" && r.region == "Asia" && r.subregion == "Western Asia")
    );
    assert!(
        tags.regions
            .iter()
            .any(|r| r.country == "RU" && r.subregion == "Eastern Europe")
    );

    assert!(tags.story_topic_ids().contains(&"syria-peace-process"));
    let evidence = tags
        .evidence
        .iter()
        .find(|e| e.uri == "urn:wirefeed:topic:syria-peace-process");
    let terms: Vec<&str> = evidence
        .map(|e| e.matches.iter().map(|m| m.term.as_str()).collect())
        .unwrap_or_default();
    assert!(
        terms.contains(&"peace process") && terms.contains(&"ceasefire"),
        "{terms:?}"
    );
}

#[test]
fn evidence_offsets_are_characters_of_the_named_field() {
    let headline = "Élysée talks: Zürich hosts Syria envoys";
    let tags = tag(headline, "");
    let syria = tags
        .evidence
        .iter()
        .find(|e| e.uri == "http://sws.geonames.org/163843/");
    let found = syria.and_then(|e| e.matches.first());
    let found = found.map(|m| (m.field.as_str(), m.start, m.end, m.term.as_str()));
    assert_eq!(found, Some(("headline", 27, 32, "Syria")));
    let chars: Vec<char> = headline.chars().collect();
    assert_eq!(chars[27..32].iter().collect::<String>(), "Syria");
}

#[test]
fn cities_imply_their_country_and_metonyms_name_it() {
    let tags = tag(
        "Talks in Damascus",
        "Officials in Damascus met the envoy. The Kremlin and the White House both welcomed it.",
    );
    assert_eq!(
        places_named(&tags, "Damascus")
            .first()
            .map(|p| p.1.as_str()),
        Some("SY")
    );
    assert!(country_role(&tags, "SY").is_some());
    assert!(country_role(&tags, "RU").is_some());
    assert!(country_role(&tags, "US").is_some());
}

#[test]
fn datelines_with_a_state_pick_the_city_in_that_state() {
    let input = TagInput {
        headline: "COBANCO INC YEAR NET",
        body: "Shr 34 cts vs 1.19 dlrs.",
        dateline: Some("SANTA CRUZ, Calif., Feb 26 -"),
        located: None,
        language: None,
    };
    let tags = tag_places(tagger().gazetteer(), &input);
    let dateline: Vec<_> = tags
        .places
        .iter()
        .filter(|p| p.rel.as_deref() == Some("dateline"))
        .collect();
    assert_eq!(
        dateline.first().and_then(|p| p.literal.as_deref()),
        Some("US")
    );
    assert!(tags.countries.iter().any(|c| c.code == "US" && c.dateline));
}

/// The dateline place tagged for `located` (and a printed `dateline`, if any): its name and
/// country.
fn dateline_place(dateline: Option<&str>, located: Option<&str>) -> Option<(String, String)> {
    let input = TagInput {
        headline: "Ministers meet on the budget",
        body: "The ministers met on Tuesday and agreed to talk again next week.",
        dateline,
        located,
        language: None,
    };
    let tags = tag_places(tagger().gazetteer(), &input);
    tags.places
        .iter()
        .find(|p| p.rel.as_deref() == Some("dateline"))
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.literal.clone().unwrap_or_default(),
            )
        })
}

#[test]
fn a_provider_located_is_the_dateline_place_without_its_date() {
    let cases: &[(&str, &str, &str)] = &[
        ("PARIS", "Paris", "FR"),
        ("Paris, France", "Paris", "FR"),
        ("PARIS, April 8", "Paris", "FR"),
        ("WASHINGTON, Dec 5", "Washington", "US"),
        ("Paris, Texas", "Paris", "US"),
        ("  Geneva ", "Geneva", "CH"),
    ];
    for (located, name, country) in cases {
        assert_eq!(
            dateline_place(None, Some(located)),
            Some(((*name).to_owned(), (*country).to_owned())),
            "{located}"
        );
    }
    assert_eq!(dateline_place(None, Some(", April 8")), None);
}

#[test]
fn a_printed_dateline_wins_over_a_conflicting_located() {
    assert_eq!(
        dateline_place(Some("LONDON, April 8 (Reuters) -"), Some("Paris, France")),
        Some(("London".to_owned(), "GB".to_owned()))
    );
}

#[test]
fn text_without_places_or_odd_bytes_yields_nothing_and_no_panic() {
    for text in [
        "",
        " ",
        "the of and",
        "\u{0}\u{1}ÿ\u{feff}",
        "ALL CAPS WITH NOTHING",
        "-- , ( ) -",
    ] {
        let tags = tag(text, text);
        assert!(tags.places.is_empty(), "{text:?}: {:?}", tags.places);
    }
}

#[test]
fn the_sample_article_from_shared_samples_if_present() {
    let path =
        common::config_dir().join("../../shared/samples/afp-kerry-putin-syria-straitstimes.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is not there", path.display());
        return;
    };
    let (headline, body) = text.split_once('\n').unwrap_or((&text, ""));
    let tags = tag(headline, body);
    for code in ["SY", "RU", "US"] {
        assert_eq!(country_role(&tags, code), Some(PlaceRole::About), "{code}");
    }
    assert_eq!(
        places_named(&tags, "Moscow"),
        vec![("dateline".to_owned(), "RU".to_owned())]
    );
    assert!(tags.story_topic_ids().contains(&"syria-peace-process"));
    let topic_evidence = tags
        .evidence
        .iter()
        .find(|e| e.uri == "urn:wirefeed:topic:syria-peace-process");
    assert!(topic_evidence.is_some_and(|e| !e.matches.is_empty()));
}

#[test]
fn a_national_agency_writes_its_own_cities_without_a_country() {
    let place = |dateline: &str, located: &str| {
        dateline_place(Some(dateline), Some(located)).map(|(_, country)| country)
    };
    // EFE and Europa Press: León alone is León in Spain; León in Mexico carries its country.
    assert_eq!(
        place("LEÓN, 23 feb (EUROPA PRESS) - La Policía", "León").as_deref(),
        Some("ES")
    );
    assert_eq!(
        place("LEÓN, 23 feb (EFE).- La Policía", "León").as_deref(),
        Some("ES")
    );
    assert_eq!(
        place("LEÓN (México), 23 feb (EFE).- La Policía", "León, México").as_deref(),
        Some("MX")
    );
    assert_eq!(
        place(
            "MÉRIDA (Venezuela), 6 jul (EFE).- Las lluvias",
            "Mérida, Venezuela"
        )
        .as_deref(),
        Some("VE")
    );
    // The credit first: the place is the one the normalizer read.
    assert_eq!(
        place("(AGI) - Milano, 10 dic. - Seduta positiva", "Milano").as_deref(),
        Some("IT")
    );
    // The world agencies name foreign capitals alone: ATHENS is Greece's, for AP too.
    assert_eq!(
        place("ATHENS (AP) - The government", "Athens").as_deref(),
        Some("GR")
    );
    assert_eq!(
        place("ALEPPO, Syria, June 9 (Reuters) - A group", "Aleppo, Syria").as_deref(),
        Some("SY")
    );
}
