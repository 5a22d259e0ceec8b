//! Agency items in the shapes real deliveries showed the readers (AP ANPA-1312 alerts, digests
//! and agate tables, NewsML-G2 with only an inline NITF head, packages, AP Media pictures),
//! normalized as the newsroom receives them: sniffed from the content, checked field by field
//! and against the ninjs 3.1 schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use wire_model::{Envelope, PubStatus, RawFormat};
use wirefeed_normalizer::{NormalizeError, NormalizerConfig, normalize_as};

fn sniffed_bytes(name: &str, bytes: &[u8]) -> Result<Envelope, NormalizeError> {
    normalize_as(
        &raw(RawFormat::Unknown, name, bytes),
        RawFormat::Unknown,
        &NormalizerConfig::default(),
        fetched_at(),
    )
}

fn sniffed(name: &str) -> Envelope {
    sniffed_fixture(&format!("agency-shapes/{name}"))
}

fn paragraphs(envelope: &Envelope) -> Vec<String> {
    envelope
        .article
        .body_text()
        .unwrap_or_default()
        .split("\n\n")
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_anpa_news_alert_is_headlined_by_its_one_sentence() {
    let envelope = sniffed("anpa-news-alert.tst");
    let article = &envelope.article;
    assert_eq!(envelope.wire.format.as_deref(), Some("text"));
    assert_eq!(
        article.headline(),
        Some("Portugal's parliament rejects the budget, forcing early elections")
    );
    let body = article.body_text().unwrap();
    assert!(
        body.contains("Portugal's parliament rejects the budget"),
        "{body}"
    );
    // Priority `b` (bulletin) is urgency 2; the keyword line is the slugline.
    assert_eq!(article.urgency, Some(2));
    assert_eq!(article.slugline.as_deref(), Some("BC-EU--APNewsAlert"));
}

#[test]
fn an_anpa_digest_keeps_its_headline_and_its_list_as_the_body() {
    let envelope = sniffed("anpa-digest.tst");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("AP Top Science News at 9:05 a.m. EDT")
    );
    assert_eq!(
        paragraphs(&envelope),
        [
            "Comet fragment lands in Atacama desert",
            "Coral reefs recover off Mauritius after warm year",
            "Probe sends first images from Jupiter moon",
        ]
    );
    // The selector code before the keyword line is no part of it.
    assert_eq!(
        article.slugline.as_deref(),
        Some("AP-Top-Science-Headlines")
    );
    assert_eq!(article.urgency, Some(5));
}

#[test]
fn an_anpa_agate_table_is_named_by_its_keyword_and_keeps_its_headings_and_rows() {
    let envelope = sniffed("anpa-agate-table.tst");
    let article = &envelope.article;
    assert_eq!(article.headline(), Some("League Glance"));
    let paragraphs = paragraphs(&envelope);
    // The table's rows and its headings inside the body, each a line of its own, without the
    // line markers; the END marker is neither headline nor body.
    for expected in [
        "EASTERN CONFERENCE",
        ";W;L;Pts",
        "Boston;40;18;85",
        "Toronto;37 21;78",
        "WESTERN CONFERENCE",
        "Denver;39;20;82",
    ] {
        assert!(
            paragraphs.iter().any(|p| p == expected),
            "{expected}: {paragraphs:?}"
        );
    }
    assert!(
        paragraphs
            .iter()
            .all(|p| !p.contains('^') && !p.ends_with('<') && p != "END"),
        "{paragraphs:?}"
    );
    assert_eq!(article.slugline.as_deref(), Some("BC-HKN--League Glance"));
}

#[test]
fn a_newsml_g2_item_takes_headline_byline_and_dateline_from_its_inline_nitf() {
    let envelope = sniffed("newsml-g2-inline-nitf.xml");
    let article = &envelope.article;
    assert_eq!(envelope.wire.format.as_deref(), Some("newsml-g2"));
    assert_eq!(
        article.headline(),
        Some("Administrators appoint interim chief as appliance chain is put up for sale")
    );
    // `By<person>Ana Torres</person>`: the words stay apart, the title (`byttl`) goes.
    assert_eq!(article.by.as_deref(), Some("By Ana Torres"));
    assert_eq!(article.located.as_deref(), Some("Wellington"));
    assert_eq!(
        article.descriptions.first().map(|d| d.value.as_str()),
        Some("The chain's administrators named an interim chief and began a sale.")
    );
    let body = article.body_text().unwrap();
    assert!(body.contains("The chain runs 120 stores"), "{body}");
    assert_eq!(article.urgency, Some(4));
    assert_eq!(article.version.as_deref(), Some("4"));
    assert_eq!(article.pub_status, Some(PubStatus::Usable));
    assert_eq!(
        article.version_created,
        Some(Utc.with_ymd_and_hms(2026, 3, 11, 9, 30, 0).unwrap())
    );
    assert_eq!(envelope.wire.guid.as_deref(), Some("EBD-20260311093000"));
    assert_eq!(envelope.wire.signals, ["update"]);
    assert_eq!(
        article.subjects.first().and_then(|s| s.uri.as_deref()),
        Some("http://cv.iptc.org/newscodes/mediatopic/04000000")
    );
}

#[test]
fn a_newsml_g2_package_is_refused_as_a_package() {
    let package = r#"<?xml version="1.0"?>
<packageItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="tag:example.com,2026:top" version="3">
  <itemMeta><itemClass qcode="ninat:composite"/></itemMeta>
  <contentMeta><headline>Top stories</headline></contentMeta>
  <groupSet root="G1"><group id="G1" role="group:main">
    <itemRef residref="urn:example:text-1"><itemClass qcode="ninat:text"/><title>One</title></itemRef>
    <itemRef residref="urn:example:photo-1"><itemClass qcode="ninat:picture"/><title>Two</title></itemRef>
  </group></groupSet>
</packageItem>"#;
    let message = format!(
        r#"<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>{}</itemSet></newsMessage>"#,
        package.trim_start_matches(r#"<?xml version="1.0"?>"#)
    );
    for document in [package.to_owned(), message] {
        let error = sniffed_bytes("package.xml", document.as_bytes()).unwrap_err();
        assert_eq!(error.kind(), "unsupported", "{error}");
        let reason = error.to_string();
        assert!(reason.contains("packageItem"), "{reason}");
        assert!(reason.contains("package of references"), "{reason}");
    }
}

#[test]
fn an_ap_media_picture_becomes_a_picture_article_with_its_caption_as_description() {
    let envelope = sniffed("ap-media-picture.json");
    let article = &envelope.article;
    assert_eq!(envelope.wire.format.as_deref(), Some("ap-media"));
    assert_eq!(article.kind.as_deref(), Some("picture"));
    assert_eq!(
        article.headline(),
        Some("Flooded vineyards in the Douro valley")
    );
    let description = article.descriptions.first().map(|d| d.value.as_str());
    assert!(
        description.is_some_and(|d| d.starts_with("Vineyards stand under water")),
        "{description:?}"
    );
    // A caption is no story: the picture has no body.
    assert_eq!(article.body_text(), None);
    assert_eq!(article.by.as_deref(), Some("Rui Matos"));
    assert_eq!(article.located.as_deref(), Some("Peso da Regua"));
    assert_eq!(article.slugline.as_deref(), Some("Portugal Floods"));
    assert_eq!(article.version.as_deref(), Some("1"));
    assert_eq!(envelope.wire.credit.as_deref(), Some("Rui Matos/AP"));
}
