//! Media Topics, provider Subject Codes, the operator catalog and backtests.

mod common;

use common::{config_dir, tag, tagger};
use wire_tagging::{
    BacktestArticle, StoryTopic, TagInput, TaggingError, TopicCatalog, backtest, tag_places,
};

const TOPIC: &str = r#"
id = "test-topic"
name = "Test topic"
threshold = 3.0
[terms]
"peace talks" = 3.0
[[require]]
any = ["syria"]
"#;

#[test]
fn the_shipped_catalog_loads_and_names_real_media_topics() {
    let catalog = TopicCatalog::from_dir(&config_dir().join("topics")).unwrap();
    assert!(catalog.topics.len() >= 12);
    for id in [
        "syria-peace-process",
        "russia-ukraine-war",
        "israel-gaza",
        "climate-talks",
        "us-elections",
    ] {
        assert!(catalog.topics.iter().any(|t| t.id == id), "{id}");
    }
    for topic in &catalog.topics {
        let code = topic.media_topic.as_deref().unwrap_or_default();
        assert!(
            tagger().media_topics().get(code).is_some(),
            "{}: media topic {code}",
            topic.id
        );
    }
}

#[test]
fn bad_topic_files_name_the_key() {
    let error = |text: &str| match StoryTopic::from_toml_str(text) {
        Err(TaggingError::Invalid { key, message, .. }) => format!("{key}: {message}"),
        Err(TaggingError::Parse { message, .. }) => format!("does not parse: {message}"),
        other => panic!("expected an error, got {other:?}"),
    };
    assert!(error(&TOPIC.replace("test-topic", "Test Topic")).starts_with("id:"));
    assert!(error(&TOPIC.replace("threshold = 3.0", "threshold = -1.0")).starts_with("threshold:"));
    assert!(error(&TOPIC.replace("= 3.0\n[[", "= 0.0\n[[")).starts_with("terms.peace talks:"));
    assert!(
        error(&format!("{TOPIC}\n[places]\nabout = [\"Syria\"]\n")).starts_with("places.about:")
    );
    assert!(error(&format!("{TOPIC}\nunknown_key = 1\n")).contains("unknown_key"));
    assert!(error("id = \"x\"\nthreshold = \"high\"\n").starts_with("does not parse:"));
    assert!(error("id = [").starts_with("does not parse:"));
    assert!(
        error(&TOPIC.replace("\"peace talks\" = 3.0", "")).starts_with("terms: needs at least one")
    );
    assert!(error(&TOPIC.replace("[\"syria\"]", "[]")).starts_with("require[0].any:"));
    assert!(error(&TOPIC.replace("name = \"Test topic\"", "name = \" \"")).starts_with("name:"));
    assert!(
        error(&TOPIC.replace("threshold", "media_topic = \"2000\"\nthreshold"))
            .starts_with("media_topic:")
    );
    assert!(
        error(&TOPIC.replace("\"peace talks\"", "\"pe*\""))
            .starts_with("terms: the prefix term \"pe*\" needs at least 4 characters")
    );
    assert!(error(&TOPIC.replace("[\"syria\"]", "[\"*\"]")).starts_with("require[0].any:"));
    assert!(StoryTopic::from_toml_str(TOPIC).is_ok());
}

#[test]
fn a_catalog_refuses_a_topic_id_twice_and_a_term_that_folds_to_nothing() {
    let topic = StoryTopic::from_toml_str(TOPIC).unwrap();
    let twice = TopicCatalog::from_topics(vec![topic.clone(), topic.clone()]);
    assert!(
        matches!(&twice, Err(TaggingError::Invalid { key, message, .. })
            if key == "id" && message.contains("defined twice")),
        "{twice:?}"
    );
    // Valid as written, but nothing is left to match once folded: refused when compiled.
    let mut empty_term = topic;
    empty_term.terms.insert("\u{301}".to_owned(), 1.0);
    let catalog = TopicCatalog::from_topics(vec![empty_term]).unwrap();
    assert!(wire_tagging::CompiledCatalog::new(&catalog).is_err());
}

#[test]
fn topics_need_their_required_groups_and_places() {
    let tags = tag(
        "Peace talks resume",
        "Negotiators said the peace talks and a ceasefire would resume next week.",
    );
    assert!(
        tags.story_topic_ids().is_empty(),
        "no Syria: {:?}",
        tags.story_topic_ids()
    );
}

#[test]
fn media_topics_are_tagged_with_evidence_and_subject_codes_mapped() {
    let tags = tag(
        "Rebels and troops clash as war spreads",
        "Fighting between rebels and government troops spread as the war entered its third year; air strikes and shelling hit the military base, and the ceasefire collapsed.",
    );
    let conflict = tags
        .subjects
        .iter()
        .find(|s| s.uri.as_deref() == Some("http://cv.iptc.org/newscodes/mediatopic/16000000"));
    assert!(conflict.is_some_and(
        |s| s.creator.as_deref() == Some("wirefeed/mediatopics") && s.confidence.is_some()
    ));
    assert!(
        tags.evidence
            .iter()
            .any(|e| e.uri.ends_with("/16000000") && !e.matches.is_empty())
    );

    let topics = tagger().media_topics();
    let mapped = |code: &str| topics.for_subject_code(code).map(|t| t.code.clone());
    let sport = mapped("subj:15000000");
    assert_eq!(sport.as_deref(), Some("15000000"));
    assert_eq!(
        mapped("http://cv.iptc.org/newscodes/subjectcode/15000000"),
        sport
    );
    assert!(mapped("subj:15054000").is_some());
    assert_eq!(mapped("not a code"), None);
}

#[test]
fn backtest_reports_hits_gains_and_losses() {
    let gazetteer = tagger().gazetteer();
    let old = StoryTopic::from_toml_str(TOPIC).unwrap();
    let new = StoryTopic::from_toml_str(
        &TOPIC.replace("[[require]]", "\"ceasefire\" = 3.0\n[[require]]"),
    )
    .unwrap();
    let article = |id: &str, body: &str| BacktestArticle {
        id: id.into(),
        headline: String::new(),
        body: body.into(),
        dateline: None,
    };
    let articles = vec![
        article("a1", "Peace talks on Syria resumed in Geneva."),
        article("a2", "A ceasefire in Syria held overnight."),
        article("a3", "Markets rose on Tuesday."),
    ];
    let report = backtest(gazetteer, Some(&old), &new, &articles).unwrap();
    assert_eq!(report.hits, 2);
    assert_eq!(report.gained, Some(vec!["a2".to_owned()]));
    assert_eq!(report.lost, Some(vec![]));
    let printed = report.to_string();
    assert!(
        printed.contains("2 of 3 articles tagged") && printed.contains("\"ceasefire\" (body"),
        "{printed}"
    );

    let line = r#"{"article": {"uri": "urn:x:1", "headlines": [{"value": "Syria peace talks"}], "bodies": [{"contentType": "text/plain", "value": "Talks on Syria."}]}}"#;
    let parsed = BacktestArticle::from_json_line(line).unwrap();
    assert_eq!(
        (parsed.id.as_str(), parsed.headline.as_str()),
        ("urn:x:1", "Syria peace talks")
    );
    assert!(BacktestArticle::from_json_line("not json").is_err());
}

#[test]
fn a_story_topic_brings_the_media_topic_it_names() {
    let tags = tagger().tag_input(
        &wire_tagging::TagInput {
            headline: "Syrien: Neue Runde in Genf",
            body: "GENF (dpa) - Unter Vermittlung der Vereinten Nationen haben Vertreter der \
                   syrischen Regierung und der Opposition in Genf über einen politischen \
                   Übergang und eine Waffenruhe verhandelt. Die Gespräche sollen am Montag \
                   weitergehen.",
            dateline: Some("GENF (dpa) - Unter Vermittlung"),
            located: Some("Genf"),
            language: Some("de"),
        },
        &[],
    );
    assert!(
        tags.story_topic_ids().contains(&"syria-peace-process"),
        "{:?}",
        tags.story_topic_ids()
    );
    let at = tags
        .subjects
        .iter()
        .position(|s| s.uri.as_deref() == Some("http://cv.iptc.org/newscodes/mediatopic/20000073"))
        .expect("the Media Topic the catalog names for the topic");
    assert_eq!(
        tags.subjects[at].creator.as_deref(),
        Some("wirefeed/topics")
    );
    let note = tags
        .evidence
        .iter()
        .find(|e| e.uri == "http://cv.iptc.org/newscodes/mediatopic/20000073")
        .and_then(|e| e.note.as_deref())
        .unwrap_or_default();
    assert!(
        note.contains("urn:wirefeed:topic:syria-peace-process"),
        "{note}"
    );
}

/// `tag` writes matches only for the topics that pass; they are the ones `evaluate` says pass,
/// in the same order (best first).
#[test]
fn tagged_topics_are_the_evaluated_topics_that_pass() {
    let catalog = tagger().catalog();
    let texts = [
        (
            "Syria peace talks resume in Geneva",
            "GENEVA (Reuters) - Syrian government and opposition delegates met on Monday for \
             peace talks under U.N. auspices, the first round since the ceasefire.",
        ),
        (
            "Russian strikes hit Kyiv",
            "Russian missiles struck Kyiv overnight, Ukraine's military said, as the war \
             entered its third winter. Moscow said it hit military targets.",
        ),
        (
            "Climate talks stall",
            "Negotiators at the U.N. climate talks (COP) failed to agree on emissions targets \
             and climate finance; Israel and Gaza were not discussed.",
        ),
        (
            "Fed holds rates",
            "The Federal Reserve held interest rates steady.",
        ),
        ("", ""),
    ];
    let mut passed_somewhere = false;
    for (headline, body) in texts {
        let input = TagInput {
            headline,
            body,
            dateline: None,
            located: None,
            language: None,
        };
        let places = tag_places(tagger().gazetteer(), &input);
        let mut expected: Vec<_> = catalog
            .evaluate(&input, &places)
            .into_iter()
            .filter_map(|(found, passed)| passed.then_some(found))
            .collect();
        expected.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        passed_somewhere |= !expected.is_empty();
        assert_eq!(catalog.tag(&input, &places), expected, "{headline}");
    }
    assert!(passed_somewhere);
}
