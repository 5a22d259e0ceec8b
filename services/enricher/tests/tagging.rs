//! Tags and topic routes on enriched articles (the built-in gazetteer and topic catalog).

use chrono::{TimeZone as _, Utc};
use std::path::Path;
use wire_model::{Article, Body, Envelope, Headline, SourceId, WireMeta};
use wirefeed_enricher::catalog_watch::Check;
use wirefeed_enricher::config::{RouteConfig, TaggingConfig};
use wirefeed_enricher::tagging::Tagging;
use wirefeed_enricher::{EnricherConfig, EnricherStage};

const HEADLINE: &str = "Russia says it will host Syria peace talks with US envoys";
const BODY: &str = "Russia will host a new round of Syria peace talks next month, the Kremlin said on Tuesday, as Washington signalled it would send envoys to the meeting.\n\nThe talks aim to agree a ceasefire across Syria and a road map for a political transition, Russian Foreign Minister Sergei Lavrov told reporters.\n\nThe United States has backed a UN-led peace process for Syria, and officials in Damascus said the government would attend.";

fn article() -> Envelope {
    let time = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let mut envelope = Envelope::new(
        Article {
            uri: "urn:test:syria-talks".to_owned(),
            first_created: Some(time),
            headlines: vec![Headline::new(HEADLINE)],
            bodies: vec![Body::plain_text(BODY)],
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from("afp"),
            item_identity: "urn:test:syria-talks".to_owned(),
            fetched_at: time,
            ..WireMeta::default()
        },
    );
    envelope.wire.dateline = Some("MOSCOW, Nov 24 (AFP) -".to_owned());
    envelope
}

fn uris_with_rel(envelope: &Envelope, rel: &str) -> Vec<String> {
    envelope
        .article
        .places
        .iter()
        .filter(|p| p.rel.as_deref() == Some(rel))
        .filter_map(|p| p.literal.clone().or(p.name.clone()))
        .collect()
}

#[test]
fn an_enriched_article_carries_places_topics_evidence_and_regions() {
    let stage = EnricherStage::with_tagging(&EnricherConfig::default());
    let Ok(mut stage) = stage else {
        panic!("tagging data failed to load: {:?}", stage.err());
    };
    let enriched = stage.enrich(article(), Utc::now());
    let Some(enriched) = enriched else {
        panic!("a new article is not a re-send");
    };
    let about = uris_with_rel(&enriched, "about");
    for country in ["SY", "RU", "US"] {
        assert!(
            about.iter().any(|c| c == country),
            "{country} not about: {about:?}"
        );
    }
    let dateline: Vec<&str> = enriched
        .article
        .places
        .iter()
        .filter(|p| p.rel.as_deref() == Some("dateline"))
        .filter_map(|p| p.name.as_deref())
        .collect();
    assert!(dateline.contains(&"Moscow"), "{dateline:?}");
    let topic = "urn:wirefeed:topic:syria-peace-process";
    assert!(
        enriched
            .article
            .subjects
            .iter()
            .any(|s| s.uri.as_deref() == Some(topic)),
        "{:?}",
        enriched.article.subjects
    );
    let evidence = enriched.wire.evidence.iter().find(|e| e.uri == topic);
    assert!(evidence.is_some_and(|e| !e.matches.is_empty()));
    assert!(
        enriched
            .wire
            .regions
            .iter()
            .any(|r| r.country == "SY" && r.subregion == "Western Asia"),
        "{:?}",
        enriched.wire.regions
    );
}

#[test]
fn routes_send_a_desk_its_topic_and_its_country() {
    let config = TaggingConfig {
        routes: vec![
            RouteConfig {
                topic: Some("syria-peace-process".to_owned()),
                country: None,
                to: "wire.topic.syria-peace-process.v1".to_owned(),
            },
            RouteConfig {
                topic: None,
                country: Some("sy".to_owned()),
                to: "wire.region.sy.v1".to_owned(),
            },
            RouteConfig {
                topic: Some("sudan-war".to_owned()),
                country: None,
                to: "wire.topic.sudan-war.v1".to_owned(),
            },
        ],
        ..TaggingConfig::default()
    };
    let tagging = Tagging::load(&config);
    let Ok(Some(tagging)) = tagging else {
        panic!("tagging data failed to load: {:?}", tagging.err());
    };
    let mut envelope = article();
    assert_eq!(
        tagging.apply(&mut envelope),
        ["wire.region.sy.v1", "wire.topic.syria-peace-process.v1"]
    );
    let off = TaggingConfig {
        enabled: false,
        ..TaggingConfig::default()
    };
    assert!(matches!(Tagging::load(&off), Ok(None)));
}

#[test]
fn an_edited_topic_catalog_is_reloaded_and_a_broken_one_is_not() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let copy = |from: &str| {
        let target = dir.path().join(from);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::copy(root.join(from), &target).unwrap_or_else(|e| panic!("copy {from}: {e}"));
    };
    copy("gazetteer/gazetteer.json");
    copy("topics/iptc/mediatopics.json");
    let topic_file = dir.path().join("topics/syria-peace-process.toml");
    let original = std::fs::read_to_string(root.join("topics/syria-peace-process.toml"))
        .unwrap_or_else(|e| panic!("read: {e}"));
    std::fs::write(
        &topic_file,
        original
            .lines()
            .map(|line| {
                if line.starts_with("threshold =") {
                    "threshold = 500.0"
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let config = TaggingConfig {
        config_dir: dir.path().display().to_string(),
        ..TaggingConfig::default()
    };
    let tagging = Tagging::load(&config);
    let Ok(Some(mut tagging)) = tagging else {
        panic!("tagging failed to load: {:?}", tagging.err());
    };
    assert_eq!(tagging.catalog().status().origin, "config_dir");
    let Some(mut watcher) = tagging.take_watcher() else {
        panic!("a catalog folder is watched");
    };
    // One look at the folder, then the stage's turn to take what it offered.
    let mut reload = |tagging: &mut Tagging| {
        let check = watcher.check(Utc::now());
        (check, tagging.use_latest_catalog())
    };
    let topic = "urn:wirefeed:topic:syria-peace-process";
    let has_topic = |tagging: &Tagging| {
        let mut envelope = article();
        tagging.apply(&mut envelope);
        envelope
            .article
            .subjects
            .iter()
            .any(|s| s.uri.as_deref() == Some(topic))
    };
    assert!(!has_topic(&tagging), "threshold 500 should not tag");
    assert_eq!(reload(&mut tagging), (Check::Unchanged, false));

    std::fs::write(&topic_file, &original).unwrap_or_else(|e| panic!("write: {e}"));
    let (check, taken) = reload(&mut tagging);
    assert!(
        matches!(check, Check::Reloaded { .. }) && taken,
        "{check:?}"
    );
    assert!(has_topic(&tagging));

    std::fs::write(
        &topic_file,
        "id = \"syria-peace-process\"\nthreshold = \"high\"\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    assert_eq!(reload(&mut tagging), (Check::Refused, false));
    assert!(has_topic(&tagging), "the previous catalog stays");
    let status = tagging.catalog().status();
    let error = status
        .last_reload_error
        .unwrap_or_else(|| panic!("no error"));
    assert_eq!(error.file, Some(topic_file.display().to_string()));
    assert_eq!(error.kind, "does_not_parse");
    // Refused once, not again until the folder changes again.
    assert_eq!(reload(&mut tagging), (Check::Unchanged, false));
}
