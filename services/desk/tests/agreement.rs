//! One query language: for random articles and random queries, the archive's search and the
//! alerter's matcher find exactly the same articles.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use wire_model::Envelope;
use wirefeed_alerter::matcher::{CompiledQuery, Matcher};
use wirefeed_desk::search::SearchRequest;

/// Words with the traps of word boundaries, case, accents and punctuation.
const WORDS: [&str; 14] = [
    "peace", "Peace", "talks", "talks,", "Genève", "geneve", "al-Assad", "assad", "U.S.", "us",
    "quake", "quakes", "São", "sao",
];
const TOPICS: [&str; 3] = ["syria-peace-process", "climate", "sport"];
const PLACES: [(&str, &str); 3] = [
    ("SY", "Syria"),
    ("CH", "Switzerland"),
    ("US", "United States"),
];
const SOURCES: [&str; 3] = ["afp", "reuters", "straitstimes"];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS.to_vec()), 0..8)
        .prop_map(|words| words.join(" "))
}

prop_compose! {
    fn envelope(n: usize)(
        headline in text(),
        body in text(),
        topic in prop::option::of(prop::sample::select(TOPICS.to_vec())),
        place in prop::option::of(prop::sample::select(PLACES.to_vec())),
        source in prop::sample::select(SOURCES.to_vec()),
        urgency in 1u8..=5,
    ) -> Envelope {
        let mut envelope = article(&format!("urn:x:{n}"), &format!("f{n}"), &headline, &body, n as u32);
        if let Some(topic) = topic {
            envelope = with_topic(envelope, topic, topic);
        }
        if let Some((code, name)) = place {
            envelope = with_place(envelope, code, name);
        }
        envelope.wire.source = wire_model::SourceId::from(source);
        envelope.article.urgency = Some(urgency);
        envelope
    }
}

fn term() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(WORDS.to_vec()).prop_map(|w| w.trim_end_matches(',').to_owned()),
        prop::sample::select(WORDS.to_vec()).prop_map(|w| format!("{}*", &w[..w.len().min(3)])),
        (
            prop::sample::select(WORDS.to_vec()),
            prop::sample::select(WORDS.to_vec())
        )
            .prop_map(|(a, b)| format!("\"{a} {b}\"")),
        prop::sample::select(TOPICS.to_vec()).prop_map(|t| format!("topic:{t}")),
        prop::sample::select(PLACES.to_vec()).prop_map(|(code, _)| format!("place:{code}")),
        prop::sample::select(SOURCES.to_vec()).prop_map(|s| format!("source:{s}")),
        (1u8..=5).prop_map(|u| format!("urgency:<={u}")),
    ]
}

fn query() -> impl Strategy<Value = String> {
    term().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} AND {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} OR {b})")),
            inner.prop_map(|a| format!("NOT {a}")),
        ]
    })
}

fn articles() -> impl Strategy<Value = Vec<Envelope>> {
    (1usize..25).prop_flat_map(|count| (0..count).map(envelope).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn search_and_alerting_agree(articles in articles(), queries in prop::collection::vec(query(), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        let (mut writer, reader) = open(dir.path());
        add_all(&mut writer, &articles);
        for query in queries {
            let Ok(expr) = wire_query::parse(&query) else { continue };
            let matcher = Matcher::new(vec![CompiledQuery { id: "q".to_owned(), expr }]).unwrap();
            let alerted: BTreeSet<String> = articles
                .iter()
                .filter(|envelope| !matcher.matches(envelope).is_empty())
                .map(|envelope| envelope.article.uri.clone())
                .collect();
            let found = reader
                .search(&SearchRequest { query: query.clone(), limit: 500, facet_size: 1, ..SearchRequest::default() })
                .unwrap();
            let searched: BTreeSet<String> =
                found.hits.unwrap().into_iter().map(|hit| hit.uri).collect();
            prop_assert_eq!(&searched, &alerted, "query {}", query);
            prop_assert_eq!(found.total as usize, alerted.len());
        }
    }
}
