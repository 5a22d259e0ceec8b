//! Table of raw items in several formats, normalized and checked field by field, and against
//! the official ninjs 3.1 schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, TimeZone, Utc};
use wire_model::{OriginInfo, PubStatus, RawFormat, RawItem, SourceId};
use wirefeed_normalizer::{NormalizeError, NormalizerConfig, normalize, normalize_as};

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

#[test]
fn a_republished_agency_story_loses_captions_and_dateline_but_keeps_them_in_wire() {
    // The shape of an AFP story republished by a newspaper site: photo captions with their
    // credits before the agency's dateline, a "Read more" line, a share widget.
    let text = "US offers Russia closer cooperation to save Syria peace plan\n\n\
        Russian President Vladimir Putin meets US Secretary of State John Kerry in Moscow, July 14, 2016.\n\
        Russian President Vladimir Putin meets US Secretary of State John Kerry in Moscow, July 14, 2016.PHOTO: REUTERS\n\
        Kerry waves on his arrival in Moscow on July 14, 2016.\n\
        Kerry waves on his arrival in Moscow on July 14, 2016.PHOTO: REUTERS\n\n\
        MOSCOW (AFP) - Top US envoy John Kerry met Russia\u{2019}s President Vladimir Putin on Thursday.\n\n\
        Read more: Syria ceasefire under strain\n\n\
        Ahead of the talks, pessimistic US officials were careful to say the trip was not a last chance.\n\n\
        Facebook Twitter WhatsApp Email Print";
    let item = raw(RawFormat::Text, "inbox/kerry.txt", text.as_bytes());
    let envelope = normalize(&item, &NormalizerConfig::default(), fetched_at()).unwrap();
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("US offers Russia closer cooperation to save Syria peace plan")
    );
    assert_eq!(
        article.body_text(),
        Some(
            "Top US envoy John Kerry met Russia\u{2019}s President Vladimir Putin on Thursday.\n\n\
             Ahead of the talks, pessimistic US officials were careful to say the trip was not a last chance."
        )
    );
    assert_eq!(article.located.as_deref(), Some("Moscow"));
    assert_eq!(envelope.wire.credit.as_deref(), Some("AFP"));
    assert_eq!(
        envelope.wire.dateline.as_deref(),
        Some(
            "MOSCOW (AFP) - Top US envoy John Kerry met Russia\u{2019}s President Vladimir Putin on Thursday."
        )
    );
    assert_eq!(
        envelope.wire.removed.len(),
        3,
        "{:?}",
        envelope.wire.removed
    );
    assert!(envelope.wire.removed[0].ends_with("PHOTO: REUTERS"));
    assert_eq!(
        envelope.wire.removed[1],
        "Read more: Syria ceasefire under strain"
    );
    assert_eq!(
        envelope.wire.removed[2],
        "Facebook Twitter WhatsApp Email Print"
    );
    assert_valid_ninjs(&envelope);
}

#[test]
fn legacy_charsets_are_decoded_and_bad_bytes_flagged() {
    let utf16 = |text: &str| -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>t</title>\
        <item><title>Gen\xe8ve: accord sur le cessez-le-feu</title><description>Les n\xe9gociateurs ont sign\xe9.</description></item></channel></rss>";
    let utf16_rss = utf16(
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>t</title>\
         <item><title>Genève: accord sur le cessez-le-feu</title><description>Les négociateurs ont signé.</description></item></channel></rss>",
    );
    let bad_utf8 =
        b"Gen\xe8ve: accord sur le cessez-le-feu\n\nLes n\xc3\xa9gociateurs \xff ont sign\xc3\xa9.";
    // (format, bytes, headline, charset decoded from, bad bytes flagged)
    type Case<'a> = (RawFormat, Vec<u8>, &'a str, Option<&'a str>, bool);
    let cases: Vec<Case> = vec![
        (RawFormat::Rss, latin1.to_vec(), "Genève: accord sur le cessez-le-feu", Some("windows-1252"), false),
        (RawFormat::Rss, utf16_rss, "Genève: accord sur le cessez-le-feu", Some("UTF-16LE"), false),
        (RawFormat::Text, bad_utf8.to_vec(), "Genève: accord sur le cessez-le-feu", Some("windows-1252"), false),
        (
            RawFormat::Text,
            "Gen\u{e8}ve: accord\n\nLes n\u{e9}gociateurs ont sign\u{e9}.".as_bytes().to_vec(),
            "Genève: accord",
            None,
            false,
        ),
        (
            RawFormat::Rss,
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>t</title><item><title>Bad \xff byte</title></item></channel></rss>".to_vec(),
            "Bad \u{FFFD} byte",
            None,
            true,
        ),
    ];
    for (format, bytes, headline, charset, flagged) in cases {
        let envelope = normalize(
            &raw(format, "a", &bytes),
            &NormalizerConfig::default(),
            fetched_at(),
        )
        .unwrap();
        assert_eq!(envelope.article.headline(), Some(headline));
        assert_eq!(envelope.wire.charset.as_deref(), charset, "{headline}");
        assert_eq!(
            envelope
                .wire
                .flags
                .contains(&"invalid_bytes_replaced".to_owned()),
            flagged,
            "{headline}"
        );
    }
}

#[test]
fn newsml_g2_status_signals_and_embargo_are_kept() {
    let item = br#"<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:agency.example:20261124:kill" version="3" xml:lang="en">
 <itemMeta><itemClass qcode="ninat:text"/><versionCreated>2026-11-24T10:00:00Z</versionCreated>
  <firstCreated>2026-11-24T08:00:00+01:00</firstCreated><embargoed>2026-11-25T00:00:00Z</embargoed>
  <pubStatus qcode="stat:canceled"/><signal qcode="sig:correction"/></itemMeta>
 <contentMeta><urgency>1</urgency><located><name>Vienna</name></located>
  <subject qcode="subj:04000000"><name>economy</name></subject>
  <slugline>Minister-resigns</slugline><headline>KILL: Finance minister resigns</headline>
  <by>Jane Doe</by><creditline>Agency</creditline></contentMeta>
 <contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>
  <p>VIENNA (Agency) - The story is withdrawn.</p></body></html></inlineXML></contentSet>
</newsItem>"#;
    let envelope = normalize(
        &raw(RawFormat::NewsmlG2, "g", item),
        &NormalizerConfig::default(),
        fetched_at(),
    )
    .unwrap();
    let article = &envelope.article;
    assert_eq!(article.pub_status, Some(PubStatus::Canceled));
    assert_eq!(article.version.as_deref(), Some("3"));
    assert_eq!(article.urgency, Some(1));
    assert_eq!(article.located.as_deref(), Some("Vienna"));
    assert_eq!(article.slugline.as_deref(), Some("Minister-resigns"));
    assert_eq!(article.by.as_deref(), Some("Jane Doe"));
    assert_eq!(
        article.first_created,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 7, 0, 0).unwrap())
    );
    assert_eq!(
        article.embargoed_until,
        Some(Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap())
    );
    assert_eq!(article.body_text(), Some("The story is withdrawn."));
    assert_eq!(
        article.subjects[0].uri.as_deref(),
        Some("http://cv.iptc.org/newscodes/subjectcode/04000000")
    );
    assert_eq!(envelope.wire.signals, vec!["correction"]);
    assert_eq!(envelope.wire.credit.as_deref(), Some("Agency"));
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("urn:newsml:agency.example:20261124:kill")
    );
    assert_valid_ninjs(&envelope);
}

#[test]
fn normalize_as_reads_a_forced_format_and_unknown_sniffs() {
    let nitf = br#"<nitf><head><docdata><doc-id id-string="X-1"/></docdata></head><body><body.head><hedline><hl1>Quake</hl1></hedline></body.head><body.content><p>TOKYO (Kyodo) - A quake hit.</p></body.content></body></nitf>"#;
    let config = NormalizerConfig::default();
    // The fetcher said text; the caller knows better.
    let item = raw(RawFormat::Text, "a", nitf);
    let forced = normalize_as(&item, RawFormat::Nitf, &config, fetched_at()).unwrap();
    assert_eq!(forced.article.headline(), Some("Quake"));
    assert_eq!(forced.wire.format.as_deref(), Some("nitf"));
    let sniffed = normalize_as(&item, RawFormat::Unknown, &config, fetched_at()).unwrap();
    assert_eq!(sniffed.article.body_text(), Some("A quake hit."));
    assert_eq!(sniffed.article.located.as_deref(), Some("Tokyo"));
    assert_eq!(sniffed.wire.credit.as_deref(), Some("Kyodo"));
    let as_text = normalize(&item, &config, fetched_at()).unwrap();
    assert_eq!(as_text.wire.format.as_deref(), Some("text"));
}
