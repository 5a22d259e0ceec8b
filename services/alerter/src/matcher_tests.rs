#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::query::parse;
use crate::testkit::*;

fn matcher(queries: &[(&str, &str)]) -> Matcher {
    Matcher::new(
        queries
            .iter()
            .map(|(id, query)| CompiledQuery {
                id: (*id).to_owned(),
                expr: parse(query).unwrap_or_else(|error| panic!("{query}: {error}")),
            })
            .collect(),
    )
    .unwrap()
}

fn syria_talks() -> Envelope {
    let envelope = article(
        "urn:a:1",
        "f1",
        "UN envoy opens Syria peace talks in Geneva",
        "GENEVA - The envoy urged a nationwide ceasefire.\n\nThe Peace\n talks last until Friday.",
    );
    let envelope = with_topic(
        envelope,
        "urn:wirefeed:topic:syria-peace-process",
        "Syria peace process",
    );
    let envelope = with_topic(
        envelope,
        "http://cv.iptc.org/newscodes/mediatopic/16000000",
        "conflict, war and peace",
    );
    let mut envelope = with_place(envelope, "SY", "Syria");
    envelope.article.urgency = Some(2);
    envelope
}

fn ids(matcher: &Matcher, envelope: &Envelope) -> Vec<String> {
    matcher
        .matches(envelope)
        .into_iter()
        .map(|m| m.id)
        .collect()
}

#[test]
fn queries_match_text_and_fields() {
    let cases: [(&str, bool); 22] = [
        (
            "topic:syria-peace-process AND place:SY AND NOT topic:sport",
            true,
        ),
        ("topic:syria-peace-process AND NOT place:SY", false),
        ("\"peace talks\" OR truce", true),
        ("\"talks in geneva\"", true),
        ("ceasefire", true),
        ("ceasefires", false),
        ("cease", false),
        ("cease*", true),
        ("urgency:<=2", true),
        ("urgency:<2", false),
        ("urgency:>=3", false),
        ("source:AGENCY lang:en", true),
        ("lang:en-gb", true),
        ("lang:fr", false),
        ("topic:16000000", true),
        ("topic:medtop:16000000", true),
        ("topic:\"conflict, war and peace\"", true),
        ("place:syria", true),
        ("NOT topic:sport", true),
        ("family:F1", true),
        ("(syria OR iraq) -source:agency", false),
        ("envoy geneva -(truce OR armistice)", true),
    ];
    let envelope = syria_talks();
    for (query, expected) in cases {
        let matcher = matcher(&[("desk", query)]);
        assert_eq!(!matcher.matches(&envelope).is_empty(), expected, "{query}");
    }
}

#[test]
fn evidence_names_what_matched_and_where() {
    let matcher = matcher(&[(
        "desk",
        "topic:syria-peace-process AND (\"peace talks\" OR truce) AND ceasefire AND urgency:<=2 AND NOT topic:sport",
    )]);
    let found = matcher.matches(&syria_talks());
    assert_eq!(
        found[0].evidence,
        vec![
            "topic:syria-peace-process",
            "\"peace talks\" in headline and body",
            "ceasefire in body",
            "urgency:<=2",
        ]
    );
}

#[test]
fn only_subscriptions_with_a_present_trigger_or_none_are_evaluated() {
    let matcher = matcher(&[
        ("a", "syria AND geneva"),
        ("b", "iraq OR baghdad"),
        ("c", "NOT topic:sport"),
        ("d", "urgency:1"),
        ("e", "topic:sport OR syria"),
    ]);
    assert_eq!(matcher.always, vec![2, 3]);
    assert_eq!(ids(&matcher, &syria_talks()), vec!["a", "c", "e"]);
}

#[test]
fn thousands_of_subscriptions_share_one_automaton() {
    let queries: Vec<(String, String)> = (0..5000)
        .map(|n| (format!("desk-{n}"), format!("word{n} OR \"phrase {n}\"")))
        .collect();
    let borrowed: Vec<(&str, &str)> = queries
        .iter()
        .map(|(id, query)| (id.as_str(), query.as_str()))
        .collect();
    let matcher = matcher(&borrowed);
    assert_eq!(matcher.texts.len(), 10_000);
    let envelope = article("urn:a:2", "f2", "Word42 and phrase 4999", "word42000");
    assert_eq!(ids(&matcher, &envelope), vec!["desk-42", "desk-4999"]);
}

#[test]
fn the_keywords_sugar_matches_whole_words_case_insensitively() {
    let matcher = Matcher::new(vec![CompiledQuery {
        id: "climate".to_owned(),
        expr: crate::query::any_of(&["climate".to_owned(), "COP".to_owned()]),
    }])
    .unwrap();
    let cops = article("urn:a:3", "f3", "Cops arrest suspect", "COP31 opens");
    assert!(matcher.matches(&cops).is_empty());
    let cop = article("urn:a:4", "f4", "Deal at COP", "The cop ended.");
    assert_eq!(
        matcher.matches(&cop)[0].evidence,
        vec!["COP in headline and body"]
    );
}

#[test]
fn no_subscriptions_match_nothing() {
    let matcher = matcher(&[]);
    assert!(matcher.is_empty());
    assert!(matcher.matches(&syria_talks()).is_empty());
}

/// A Straits Times pickup of an AFP story, as the enricher publishes it: its own source, the
/// credit as the outlet wrote it, and the agency recognised from it.
fn straits_times_pickup_of_afp() -> Envelope {
    let mut envelope = pickup(syria_talks(), "urn:straitstimes:1", "straits-times");
    envelope.wire.credit = Some("AFP".to_owned());
    envelope.wire.agency = Some("AFP".to_owned());
    envelope
}

#[test]
fn credit_afp_matches_a_straits_times_pickup_credited_afp() {
    let matcher = matcher(&[
        ("afp-desk", "credit:afp"),
        ("reuters-desk", "credit:reuters"),
        ("afp-source", "source:afp"),
        ("outlet", "source:straits-times"),
        ("afp-syria", "syria credit:AFP"),
    ]);
    let pickup = straits_times_pickup_of_afp();
    assert_eq!(
        ids(&matcher, &pickup),
        vec!["afp-desk", "afp-source", "outlet", "afp-syria"]
    );
    let evidence = matcher.matches(&pickup).remove(0).evidence;
    assert_eq!(evidence, vec!["credit:afp"]);
    // The credit as written is enough when no agency was recognised, and a shared credit
    // matches each of its agencies.
    let mut credited_only = straits_times_pickup_of_afp();
    credited_only.wire.agency = None;
    credited_only.wire.credit = Some("Reuters / AFP".to_owned());
    assert_eq!(
        ids(&matcher, &credited_only),
        vec!["afp-desk", "reuters-desk", "outlet", "afp-syria"]
    );
    // The agency's own copy from its own feed: `source:afp` by the source id and the agency.
    let mut own = syria_talks();
    own.wire.source = wire_model::SourceId::from("afp");
    own.wire.agency = Some("AFP".to_owned());
    own.wire.from_agency = true;
    assert_eq!(
        ids(&matcher, &own),
        vec!["afp-desk", "afp-source", "afp-syria"]
    );
    // A story by nobody's agency matches neither.
    assert!(ids(&matcher, &syria_talks()).is_empty());
}

#[test]
fn queries_match_regardless_of_accents_case_and_arabic_forms_and_lang_filters() {
    let mut french = article(
        "urn:a:fr",
        "f2",
        "Syrie: reprise des pourparlers à GENÈVE",
        "GENÈVE, 5 déc 2026 (AFP) - Le Processus de Paix reprend; les négociations dureront.",
    );
    french.article.language = Some("fr".to_owned());
    let mut arabic = article(
        "urn:a:ar",
        "f3",
        "استئناف عمليّة السـلام في سورية",
        "بيروت (أ ف ب) - أعلن المبعوث الأممي استئناف المحادثات.",
    );
    arabic.article.language = Some("ar".to_owned());
    for (query, on_french, on_arabic) in [
        ("\"processus de paix\"", true, false),
        ("\"PROCESSUS DE PAÏX\"", true, false),
        ("geneve negociations", true, false),
        ("Genève lang:fr", true, false),
        ("\"processus de paix\" lang:de", false, false),
        ("\"عملية السلام\"", false, true),
        ("سوريه lang:ar", false, true),
        ("lang:fr OR lang:ar", true, true),
    ] {
        let matcher = matcher(&[("desk", query)]);
        assert_eq!(
            !matcher.matches(&french).is_empty(),
            on_french,
            "{query} on French"
        );
        assert_eq!(
            !matcher.matches(&arabic).is_empty(),
            on_arabic,
            "{query} on Arabic"
        );
    }
}
