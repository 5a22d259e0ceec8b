//! Table of raw items in several formats, normalized and checked field by field, and against
//! the official ninjs 3.1 schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, TimeZone, Utc};
use wire_model::{OriginInfo, PubStatus, RawFormat, RawItem, SourceId};
use wirefeed_normalizer::{NormalizeError, NormalizerConfig, normalize};

fn fetched_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap()
}

fn raw(format: RawFormat, identity: &str, payload: &[u8]) -> RawItem {
    RawItem::new(
        SourceId::from("test"),
        identity.to_owned(),
        format,
        None,
        payload,
        fetched_at(),
        OriginInfo::Dir {
            path: "inbox/x".to_owned(),
        },
    )
}

fn assert_valid_ninjs(envelope: &wire_model::Envelope) {
    let validator = wire_model::ninjs_schema::validator().unwrap();
    let article = serde_json::to_value(&envelope.article).unwrap();
    let violations = wire_model::ninjs_schema::violations(&validator, &article);
    assert!(violations.is_empty(), "{violations:?}\n{article:#}");
}

const RSS_ITEM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Agency</title><link>https://agency.example/</link><language>en-gb</language>
<item><title>Envoys meet in Geneva &amp; agree on a timetable</title>
<guid isPermaLink="false">tag:agency.example,2026:1</guid>
<link>https://agency.example/world/1</link>
<pubDate>Tue, 24 Nov 2026 10:00:00 +0100</pubDate>
<dc:creator>Jane Doe</dc:creator><category>World</category>
<description><![CDATA[<p>GENEVA - The envoys met on&nbsp;Tuesday.</p><p>They agreed on a <b>timetable</b>.</p>]]></description>
</item></channel></rss>"#;

#[test]
fn an_rss_item_becomes_a_valid_ninjs_article() {
    let item = raw(
        RawFormat::Rss,
        "tag:agency.example,2026:1",
        RSS_ITEM.as_bytes(),
    );
    let envelope = normalize(&item, &NormalizerConfig::default(), fetched_at()).unwrap();
    let article = &envelope.article;
    assert_eq!(article.uri, item.article_id.as_str());
    assert_eq!(
        article.headline(),
        Some("Envoys meet in Geneva & agree on a timetable")
    );
    assert_eq!(
        article.body_text(),
        Some("The envoys met on Tuesday.\n\nThey agreed on a timetable.")
    );
    assert_eq!(article.located.as_deref(), Some("Geneva"));
    assert_eq!(
        envelope.wire.dateline.as_deref(),
        Some("GENEVA - The envoys met on Tuesday.")
    );
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("tag:agency.example,2026:1")
    );
    assert_eq!(article.subjects.len(), 1);
    assert_eq!(article.subjects[0].name.as_deref(), Some("World"));
    assert_eq!(article.subjects[0].creator.as_deref(), Some("provider"));
    assert!(envelope.wire.extra.is_empty());
    assert_eq!(
        article.first_created,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap())
    );
    assert_eq!(article.language.as_deref(), Some("en-GB"));
    assert_eq!(article.by.as_deref(), Some("Jane Doe"));
    assert_eq!(article.web_link(), Some("https://agency.example/world/1"));
    assert_eq!(article.pub_status, Some(PubStatus::Usable));
    assert_eq!(envelope.wire.format.as_deref(), Some("rss"));
    assert_eq!(
        envelope.wire.link.as_deref(),
        Some("https://agency.example/world/1")
    );
    assert!(!envelope.wire.date_from_fetch_time);
    assert!(envelope.wire.content_hash.is_some());
    assert_valid_ninjs(&envelope);
}

#[test]
fn the_same_text_in_other_markup_has_the_same_content_hash() {
    let first = raw(RawFormat::Rss, "a", RSS_ITEM.as_bytes());
    let republished = RSS_ITEM
        .replace("<p>GENEVA", "<div><p class=\"lead\">GENEVA")
        .replace("Tuesday.</p>", "Tuesday.</p></div>")
        .replace("on&nbsp;Tuesday", "on   Tuesday");
    let second = raw(RawFormat::Rss, "b", republished.as_bytes());
    let config = NormalizerConfig::default();
    let a = normalize(&first, &config, fetched_at()).unwrap();
    let b = normalize(&second, &config, fetched_at()).unwrap();
    assert_ne!(a.article.uri, b.article.uri);
    assert_eq!(a.wire.content_hash, b.wire.content_hash);
}

#[test]
fn an_item_without_a_date_gets_the_fetch_time_and_a_flag() {
    let without_date = RSS_ITEM.replace("<pubDate>Tue, 24 Nov 2026 10:00:00 +0100</pubDate>", "");
    let item = raw(RawFormat::Rss, "a", without_date.as_bytes());
    let envelope = normalize(&item, &NormalizerConfig::default(), fetched_at()).unwrap();
    assert_eq!(envelope.article.first_created, Some(fetched_at()));
    assert_eq!(envelope.article.version_created, Some(fetched_at()));
    assert!(envelope.wire.date_from_fetch_time);
}

#[test]
fn ninjs_input_keeps_provider_fields_and_detects_language_when_missing() {
    let ninjs = br#"{
        "uri": "urn:newsml:agency.example:20261124:1", "version": "3",
        "versionCreated": "2026-11-24T10:05:00+01:00", "firstCreated": "2026-11-24T09:00:00Z",
        "pubStatus": "usable", "urgency": 2, "slugline": "Minister-resigns", "located": "Vienna",
        "headlines": [{ "role": "main", "value": "Finance minister resigns" }],
        "bodies": [{ "role": "main", "contentType": "text/html",
                     "value": "<p>The finance minister resigned on Tuesday after a vote of no confidence in parliament.</p>" }],
        "by": "Demo Desk"
    }"#;
    let item = raw(
        RawFormat::Ninjs,
        "urn:newsml:agency.example:20261124:1",
        ninjs,
    );
    let envelope = normalize(&item, &NormalizerConfig::default(), fetched_at()).unwrap();
    let article = &envelope.article;
    assert_eq!(article.version.as_deref(), Some("3"));
    assert_eq!(article.urgency, Some(2));
    assert_eq!(article.slugline.as_deref(), Some("Minister-resigns"));
    assert_eq!(article.located.as_deref(), Some("Vienna"));
    assert_eq!(
        article.version_created,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 9, 5, 0).unwrap())
    );
    assert_eq!(article.language.as_deref(), Some("en"));
    assert!(envelope.wire.language_confidence.unwrap() > 0.5);
    assert_valid_ninjs(&envelope);
}

#[test]
fn plain_text_copy_is_headline_then_body() {
    let item = raw(
        RawFormat::Text,
        "inbox/a.txt",
        b"Quake hits coast\n\nA strong earthquake struck the coast on Monday.\n\nNo damage was reported.",
    );
    let envelope = normalize(&item, &NormalizerConfig::default(), fetched_at()).unwrap();
    assert_eq!(envelope.article.headline(), Some("Quake hits coast"));
    assert_eq!(
        envelope.article.body_text(),
        Some("A strong earthquake struck the coast on Monday.\n\nNo damage was reported.")
    );
    assert_valid_ninjs(&envelope);
}

#[test]
fn bad_items_are_errors_with_a_kind_not_panics() {
    let config = NormalizerConfig::default();
    let cases: Vec<(RawItem, &str)> = vec![
        (
            raw(RawFormat::Rss, "a", &RSS_ITEM.as_bytes()[..200]),
            "parse",
        ),
        (raw(RawFormat::Atom, "a", b"\x00\x01binary"), "parse"),
        (raw(RawFormat::Ninjs, "a", b"{\"uri\": "), "parse"),
        (raw(RawFormat::Ninjs, "a", br#"{"uri":"u"}"#), "empty"),
        (raw(RawFormat::Unknown, "a", b"\xff\xfe"), "unsupported"),
        (
            raw(
                RawFormat::Rss,
                "a",
                b"<rss><channel><title>t</title></channel></rss>",
            ),
            "parse",
        ),
    ];
    for (item, kind) in cases {
        let error: NormalizeError = normalize(&item, &config, fetched_at()).unwrap_err();
        assert_eq!(error.kind(), kind, "{error}");
        assert!(!error.to_string().is_empty());
    }
}
