//! NewsML 1.x documents (AFP NewsML 1.2, ANA) as the newsroom receives them: sniffed from the
//! content like the fetcher's `unknown` items, normalized field by field, and refused with a
//! clear reason when broken.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use wire_model::{Envelope, PubStatus, RawFormat};
use wirefeed_normalizer::{NormalizerConfig, normalize};

fn sniffed(relative: &str) -> Envelope {
    let envelope = sniffed_fixture(relative);
    assert_eq!(envelope.wire.format.as_deref(), Some("newsml-1"));
    envelope
}

#[test]
fn an_afp_newsml_1_2_story_is_read_from_its_nitf_content() {
    let envelope = sniffed("newsml-1/afp-newsml-1.2-en.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Norway approves its largest offshore wind farm")
    );
    let body = article.body_text().unwrap();
    assert!(
        body.starts_with("The Norwegian government on Tuesday approved"),
        "{body}"
    );
    assert!(body.contains("in 2030 & supply power"), "{body}");
    assert_eq!(
        article.first_created,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 9, 15, 0).unwrap())
    );
    assert_eq!(
        article.version_created,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 9, 29, 55).unwrap())
    );
    assert_eq!(article.urgency, Some(2));
    assert_eq!(article.pub_status, Some(PubStatus::Usable));
    assert_eq!(article.language.as_deref(), Some("en"));
    assert_eq!(article.by.as_deref(), Some("Ingrid Halvorsen"));
    assert_eq!(article.located.as_deref(), Some("Oslo"));
    assert_eq!(article.version.as_deref(), Some("2"));
    assert_eq!(article.slugline.as_deref(), Some("Norway-energy-wind"));
    // The economy code is sent twice; it is one subject.
    let subjects: Vec<_> = article
        .subjects
        .iter()
        .filter_map(|s| s.uri.as_deref())
        .collect();
    assert_eq!(
        subjects,
        [
            "http://cv.iptc.org/newscodes/subjectcode/04000000",
            "http://cv.iptc.org/newscodes/subjectcode/04005000"
        ]
    );
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("urn:newsml:afp.com:20261124T093000Z:TX-PAR-QZK17:2")
    );
    // The document also carries a photo item: the text one is read, the other flagged.
    assert!(
        envelope
            .wire
            .flags
            .contains(&"more_items_in_message".to_owned()),
        "{:?}",
        envelope.wire.flags
    );
}

#[test]
fn a_latin1_afp_story_with_bare_paragraphs_keeps_its_embargo() {
    let envelope = sniffed("newsml-1/afp-newsml-1.2-fr-latin1.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Budget: la Cour des comptes réclame des économies")
    );
    let body = article.body_text().unwrap();
    assert!(
        body.starts_with("La Cour des comptes a appelé mardi le gouvernement"),
        "{body}"
    );
    assert!(body.contains("près de dix milliards d'euros."), "{body}");
    assert_eq!(article.language.as_deref(), Some("fr"));
    assert_eq!(article.urgency, Some(3));
    assert_eq!(article.pub_status, Some(PubStatus::Withheld));
    assert_eq!(
        article.embargoed_until,
        Some(Utc.with_ymd_and_hms(2026, 11, 25, 6, 0, 0).unwrap())
    );
    assert_eq!(
        article.first_created,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap())
    );
    assert_eq!(envelope.wire.charset.as_deref(), Some("windows-1252"));
    assert!(
        !envelope
            .wire
            .flags
            .contains(&"more_items_in_message".to_owned())
    );
}

#[test]
fn an_ana_story_is_read_from_its_escaped_html() {
    let envelope = sniffed("newsml-1/ana-newsml-1.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Tourist arrivals up 8 pct in October")
    );
    let body = article.body_text().unwrap();
    assert!(
        body.starts_with("Arrivals at Greek airports rose by 8 percent in October"),
        "{body}"
    );
    assert!(body.contains("recorded the largest increases"), "{body}");
    assert!(!body.contains("<P>"), "{body}");
    assert_eq!(
        article.first_created,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 12, 22, 5).unwrap())
    );
    assert_eq!(article.pub_status, Some(PubStatus::Usable));
    assert_eq!(article.urgency, None);
    assert_eq!(article.language.as_deref(), Some("en"));
    assert_eq!(article.by.as_deref(), Some("Maria Papadopoulou"));
    assert_eq!(article.located.as_deref(), Some("Athens"));
    assert_eq!(envelope.wire.credit.as_deref(), Some("ΑΠΕ-ΜΠΕ"));
    assert_eq!(
        article.subjects[0].name.as_deref(),
        Some("Tourism and leisure")
    );
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("urn:newsml:ana-mpe.gr:20261124:30118842:1")
    );
}

#[test]
fn a_declared_newsml_1_item_is_read_without_sniffing() {
    let bytes = read_fixture("newsml-1/ana-newsml-1.xml");
    let envelope = normalize(
        &raw(RawFormat::Newsml1, "ana", &bytes),
        &NormalizerConfig::default(),
        fetched_at(),
    )
    .unwrap();
    assert_eq!(
        envelope.article.headline(),
        Some("Tourist arrivals up 8 pct in October")
    );
}

#[test]
fn broken_newsml_1_documents_are_refused_with_a_reason() {
    let config = NormalizerConfig::default();
    // Cut off mid-document: not well-formed.
    let bytes = read_fixture("newsml-1/afp-newsml-1.2-en.xml");
    let cut = &bytes[..bytes.len() / 2];
    for format in [RawFormat::Newsml1, RawFormat::Unknown] {
        let error = normalize(&raw(format, "cut", cut), &config, fetched_at()).unwrap_err();
        assert!(error.to_string().contains("xml"), "{format:?}: {error}");
    }
    // Well-formed, but no news item in it.
    let empty = b"<NewsML Version=\"1.2\"><NewsEnvelope><DateAndTime>20261124T093012Z</DateAndTime></NewsEnvelope></NewsML>";
    let error = normalize(
        &raw(RawFormat::Newsml1, "empty", empty),
        &config,
        fetched_at(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("no item"), "{error}");
    // No longer "XML whose root element is no feed or news format".
    let error = normalize(
        &raw(RawFormat::Unknown, "empty", empty),
        &config,
        fetched_at(),
    )
    .unwrap_err();
    assert!(
        !error.to_string().contains("no feed or news format"),
        "{error}"
    );
}
