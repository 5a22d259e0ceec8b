//! Agency JSON of the ninjs family other than ninjs 3 (IPTC ninjs 1.x, Superdesk ninjs 2.x and
//! its list envelope, AP Media API items and feed pages), normalized as the newsroom receives
//! it: sniffed from the content, checked field by field and against the ninjs 3.1 schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use wire_model::{Envelope, PubStatus, RawFormat};
use wirefeed_normalizer::parse::sniff;
use wirefeed_normalizer::{NormalizerConfig, normalize};

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap())
}

/// The fixture normalized as a fetcher that did not know the format delivers it.
fn normalized(name: &str) -> Envelope {
    sniffed_fixture(&format!("agency-json/{name}"))
}

fn subject_names(envelope: &Envelope) -> Vec<&str> {
    envelope
        .article
        .subjects
        .iter()
        .filter(|s| s.creator.as_deref() == Some("provider"))
        .filter_map(|s| s.name.as_deref())
        .collect()
}

#[test]
fn every_agency_json_shape_is_sniffed_as_ninjs() {
    for name in [
        "ninjs1-iptc.json",
        "ninjs2-superdesk.json",
        "superdesk-list.json",
        "ap-media-item.json",
        "ap-media-feed.json",
    ] {
        let text = String::from_utf8(read_fixture(&format!("agency-json/{name}"))).unwrap();
        assert_eq!(sniff(&text), Some(RawFormat::Ninjs), "{name}");
    }
    // JSON of no news shape stays unknown.
    assert_eq!(sniff(r#"{"data": {"items": [1, 2]}}"#), None);
    assert_eq!(sniff(r#"{"total": 0, "item": [{"id": 1}]}"#), None);
}

#[test]
fn an_iptc_ninjs_1_item_keeps_its_fields() {
    let envelope = normalized("ninjs1-iptc.json");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Harbour cranes idle as dock workers strike in Genoa")
    );
    let body = article.body_text().unwrap();
    assert!(body.starts_with("Cranes stood idle in Genoa"), "{body}");
    assert!(body.ends_with("would last two days."), "{body}");
    assert_eq!(article.first_created, at(2026, 11, 24, 9, 15));
    assert_eq!(article.version_created, at(2026, 11, 24, 10, 37));
    assert_eq!(article.embargoed_until, at(2026, 11, 24, 12, 0));
    assert_eq!(article.urgency, Some(4));
    assert_eq!(article.pub_status, Some(PubStatus::Usable));
    assert_eq!(article.version.as_deref(), Some("2"));
    assert_eq!(article.located.as_deref(), Some("Genoa, Italy"));
    assert_eq!(article.by.as_deref(), Some("Maria Costa and Tom Reed"));
    assert_eq!(article.language.as_deref(), Some("en"));
    assert_eq!(article.copyright_holder.as_deref(), Some("The News Agency"));
    assert!(
        article.subjects.iter().any(|s| s.uri.as_deref()
            == Some("http://cv.iptc.org/newscodes/subjectcode/09003000")
            && s.name.as_deref() == Some("labour dispute")),
        "{:?}",
        article.subjects
    );
    assert!(subject_names(&envelope).contains(&"port"));
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("http://agency.example/newsitems/20261124-harbour")
    );
}

#[test]
fn a_superdesk_ninjs_2_item_reads_its_guid_priority_and_coded_subjects() {
    let envelope = normalized("ninjs2-superdesk.json");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Wheat harvest beats forecasts after late rains")
    );
    let body = article.body_text().unwrap();
    assert!(body.starts_with("The national wheat harvest"), "{body}");
    // The picture association is not text: neither its caption nor its byline enters.
    assert!(!body.contains("harvester"), "{body}");
    assert_eq!(article.by.as_deref(), Some("By Sam Okafor"));
    assert_eq!(article.first_created, at(2026, 11, 24, 2, 38));
    assert_eq!(article.version_created, at(2026, 11, 24, 3, 58));
    // No urgency given: the 1-9 priority stands in.
    assert_eq!(article.urgency, Some(2));
    assert_eq!(article.located.as_deref(), Some("Canberra"));
    assert_eq!(article.embargoed_until, None);
    assert_eq!(article.slugline.as_deref(), Some("WHEAT-HARVEST"));
    assert_eq!(
        article.copyright_holder.as_deref(),
        Some("Australian Associated Press")
    );
    // A bare eight-digit code is an IPTC Subject Code; another scheme qualifies the code.
    let agriculture = article
        .subjects
        .iter()
        .find(|s| s.name.as_deref() == Some("agriculture"))
        .unwrap();
    assert_eq!(
        agriculture.uri.as_deref(),
        Some("http://cv.iptc.org/newscodes/subjectcode/04001000")
    );
    let harvest = article
        .subjects
        .iter()
        .find(|s| s.name.as_deref() == Some("Harvest"))
        .unwrap();
    assert_eq!(harvest.literal.as_deref(), Some("topic:harvest"));
    assert_eq!(envelope.wire.signals, vec!["correction"]);
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("tag:localhost:2026:5b1c0e7e-2f35-4c8e-9a53-0d6a1f3e9b21")
    );
}

#[test]
fn a_superdesk_list_envelope_yields_its_first_item_and_says_more_were_sent() {
    let envelope = normalized("superdesk-list.json");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Council approves new library for Ebbw Vale")
    );
    assert!(
        article
            .body_text()
            .unwrap()
            .starts_with("Councillors approved plans for a new library"),
    );
    assert_eq!(article.by.as_deref(), Some("Rhys Morgan"));
    assert_eq!(article.urgency, Some(3));
    assert_eq!(article.first_created, at(2026, 11, 23, 16, 40));
    assert_eq!(subject_names(&envelope), vec!["Planning Permission"]);
    assert!(
        envelope
            .wire
            .flags
            .iter()
            .any(|f| f == "more_items_in_message")
    );
}

#[test]
fn an_ap_media_item_carries_its_summary_as_the_body() {
    let envelope = normalized("ap-media-item.json");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Storm knocks out power to 200,000 in Ohio")
    );
    let body = article.body_text().unwrap();
    assert!(body.starts_with("A fast-moving storm cut power"), "{body}");
    assert!(body.contains("restore most service by Thursday"), "{body}");
    assert_eq!(article.first_created, at(2026, 11, 24, 13, 50));
    assert_eq!(article.version_created, at(2026, 11, 24, 14, 5));
    assert_eq!(article.embargoed_until, at(2026, 11, 24, 16, 0));
    assert_eq!(article.urgency, Some(2));
    assert_eq!(article.pub_status, Some(PubStatus::Usable));
    assert_eq!(article.located.as_deref(), Some("Columbus, Ohio"));
    assert_eq!(article.by.as_deref(), Some("Dana Whitfield"));
    assert_eq!(article.version.as_deref(), Some("1"));
    assert!(
        article.subjects.iter().any(|s| s.uri.as_deref()
            == Some("http://cv.ap.org/id/86aad5207dac100488ecba7fa5283c3e")
            && s.name.as_deref() == Some("Weather")),
        "{:?}",
        article.subjects
    );
    assert!(subject_names(&envelope).contains(&"Domestic News"));
    // AP's technical signal `newscontent` is dropped, `update` kept.
    assert_eq!(envelope.wire.signals, vec!["update"]);
    assert_eq!(envelope.wire.format.as_deref(), Some("ap-media"));
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("3f1e2d4c5b6a79880716253443526170")
    );
}

#[test]
fn an_ap_media_feed_page_yields_its_first_item_and_says_more_were_sent() {
    let envelope = normalized("ap-media-feed.json");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Ferry service resumes on Lake Erie")
    );
    assert_eq!(
        article.body_text(),
        Some("Ferries returned to service on Lake Erie after a week of ice.")
    );
    assert_eq!(article.pub_status, Some(PubStatus::Canceled));
    assert_eq!(article.urgency, Some(4));
    assert_eq!(article.version_created, at(2026, 11, 24, 15, 5));
    assert!(
        envelope
            .wire
            .flags
            .iter()
            .any(|f| f == "more_items_in_message")
    );
}

#[test]
fn a_feed_declared_as_ninjs_is_read_without_sniffing() {
    let bytes = read_fixture("agency-json/ap-media-item.json");
    let envelope = normalize(
        &raw(RawFormat::Ninjs, "ap", &bytes),
        &NormalizerConfig::default(),
        fetched_at(),
    )
    .unwrap();
    assert_eq!(
        envelope.article.headline(),
        Some("Storm knocks out power to 200,000 in Ohio")
    );
}
