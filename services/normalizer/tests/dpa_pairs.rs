//! The same dpa stories in two formats (digitalwires JSON and the NewsML-G2 dpa made from it)
//! normalize to the same headline and body text, and to the same metadata where both carry it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use wire_model::{Envelope, PubStatus, RawFormat};
use wirefeed_normalizer::{NormalizerConfig, normalize};

fn normalize_fixture(path: &str, format: RawFormat) -> Envelope {
    let item = raw(format, path, &read_fixture(path));
    normalize(&item, &NormalizerConfig::default(), fetched_at())
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_pair_has_the_same_text_and_metadata() {
    let dir = fixtures_dir().join("dpa-digitalwires/newsml-g2");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            entry
                .unwrap()
                .file_name()
                .to_string_lossy()
                .replace(".xml", "")
        })
        .collect();
    names.sort();
    assert_eq!(names.len(), 18);
    for name in names {
        // The fetcher sends dpa JSON as `unknown` (it has no ninjs `uri`).
        let json = normalize_fixture(
            &format!("dpa-digitalwires/json/{name}.json"),
            RawFormat::Unknown,
        );
        let g2 = normalize_fixture(
            &format!("dpa-digitalwires/newsml-g2/{name}.xml"),
            RawFormat::NewsmlG2,
        );
        assert_eq!(json.article.headline(), g2.article.headline(), "{name}");
        assert_eq!(json.article.body_text(), g2.article.body_text(), "{name}");
        assert_eq!(json.wire.content_hash, g2.wire.content_hash, "{name}");
        assert_eq!(json.article.version, g2.article.version, "{name}");
        assert_eq!(
            json.article.version_created, g2.article.version_created,
            "{name}"
        );
        assert_eq!(json.article.urgency, g2.article.urgency, "{name}");
        assert_eq!(json.article.language, g2.article.language, "{name}");
        assert_eq!(
            json.article.embargoed_until, g2.article.embargoed_until,
            "{name}"
        );
        assert_eq!(json.wire.guid, g2.wire.guid, "{name}");
        assert_eq!(json.wire.credit, g2.wire.credit, "{name}");
        assert_eq!(json.wire.dateline, g2.wire.dateline, "{name}");
        assert_eq!(json.wire.format.as_deref(), Some("dpa-digitalwires"));
        assert_eq!(g2.wire.format.as_deref(), Some("newsml-g2"));
    }
}

#[test]
fn a_dpa_story_keeps_its_agency_metadata() {
    let g2 = normalize_fixture(
        "dpa-digitalwires/newsml-g2/with_dateline.xml",
        RawFormat::NewsmlG2,
    );
    let article = &g2.article;
    assert_eq!(article.located.as_deref(), Some("New York"));
    assert_eq!(g2.wire.credit.as_deref(), Some("dpa"));
    assert_eq!(g2.wire.signals, vec!["update"]);
    assert_eq!(article.version.as_deref(), Some("2"));
    assert_eq!(article.urgency, Some(3));
    assert_eq!(article.pub_status, Some(PubStatus::Usable));
    assert_eq!(article.by.as_deref(), Some("Von Andrej Sokolow, dpa"));
    assert!(
        article
            .body_text()
            .unwrap()
            .starts_with("Ein Chatbot aus China schockt die Wall Street")
    );
    assert!(!article.body_text().unwrap().contains("Notizblock"));
    assert!(
        article
            .alt_ids
            .iter()
            .any(|id| id.role.as_deref() == Some("provider-uri")
                && id.value == "urn:newsml:dpa.com:20090101:250128-930-357319")
    );
    let borse = article
        .subjects
        .iter()
        .find(|s| s.name.as_deref() == Some("Börse"))
        .unwrap();
    assert_eq!(
        borse.uri.as_deref(),
        Some("http://cv.iptc.org/newscodes/mediatopic/20000394")
    );
    assert_eq!(borse.creator.as_deref(), Some("provider"));
    assert_eq!(article.descriptions.len(), 1);

    let embargoed = normalize_fixture("dpa-digitalwires/json/embargoed.json", RawFormat::Unknown);
    assert_eq!(
        embargoed
            .article
            .embargoed_until
            .map(|d| d.to_rfc3339())
            .as_deref(),
        Some("2025-01-23T18:00:00+00:00")
    );
    let correction = normalize_fixture("dpa-digitalwires/json/dw-1.json", RawFormat::Unknown);
    assert_eq!(correction.wire.signals, vec!["correction"]);
}
