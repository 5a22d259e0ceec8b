//! Every copied real-world fixture normalizes (format sniffed from the content, as the fetcher
//! does), and every article validates against the official ninjs 3.1 schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use wire_model::RawFormat;
use wirefeed_normalizer::{NormalizerConfig, normalize_as};

/// Fixtures that are not news articles and are refused, with the error kind.
const REFUSED: &[(&str, &str)] = &[
    // A news message whose news items are placeholders (` ..... `).
    (
        "iptc-newsml-g2/LISTING_24_News_Message_conveying_a_complete_News_Package.xml",
        "empty",
    ),
    // Metadata only (a video's subjects and rights), no headline and no text.
    ("iptc-newsml-g2/ap_metadata_example.xml", "empty"),
    // Plain XML, no news format.
    ("feed-rs/xml_iso8859.xml", "unsupported"),
];

#[test]
fn every_fixture_normalizes_to_valid_ninjs() {
    let config = NormalizerConfig::default();
    let files = fixture_files();
    assert!(files.len() > 50, "{}", files.len());
    for file in files {
        let name = file.to_string_lossy().to_string();
        let bytes = read_fixture(&name);
        // The fetcher sniffs the format; `Unknown` makes the normalizer sniff it the same way.
        let item = raw(RawFormat::Unknown, &name, &bytes);
        let result = normalize_as(&item, RawFormat::Unknown, &config, fetched_at());
        match REFUSED.iter().find(|(refused, _)| *refused == name) {
            Some((_, kind)) => {
                let error = result.expect_err(&name);
                assert_eq!(error.kind(), *kind, "{name}: {error}");
            }
            None => {
                let envelope = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_valid_ninjs(&envelope);
                assert!(
                    envelope.article.headline().is_some() || envelope.article.body_text().is_some(),
                    "{name}"
                );
                if std::env::var_os("SHOW").is_some() {
                    println!(
                        "{name}\n  {:?} | {:?} | {:?} | {:?}\n  {:?}\n  wire: {}",
                        envelope.article.headline(),
                        envelope.article.located,
                        envelope.article.first_created,
                        envelope.article.language,
                        envelope
                            .article
                            .body_text()
                            .map(|b| b.chars().take(160).collect::<String>()),
                        serde_json::to_string(&envelope.wire).unwrap(),
                    );
                }
            }
        }
    }
}

/// What a fixture's article must say: (file, field, value). Fields: `headline`, `located`,
/// `language`, `first_created`, `version`, `urgency`, `by`, `credit`, `charset`, `guid`,
/// `body_starts`, `subject_uri`, `kind`, `date_from_fetch_time`.
const EXPECTED: &[(&str, &str, &str)] = &[
    // NBC writes `Sat, Dec 16 2023 02:02:33 PM`, which feed-rs alone does not read.
    (
        "feed-rs/rss_2.0_nbcny.xml",
        "first_created",
        "2023-12-16T14:02:33+00:00",
    ),
    ("feed-rs/rss_2.0_nbcny.xml", "date_from_fetch_time", "false"),
    // ISO-8859-1 without a declaration, `<rss>` without a version, Portuguese dates.
    ("rss-parser/uolNoticias.rss", "charset", "windows-1252"),
    (
        "rss-parser/uolNoticias.rss",
        "first_created",
        "2018-09-24T22:42:40+00:00",
    ),
    (
        "rss-parser/uolNoticias.rss",
        "headline",
        "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
    ),
    (
        "feed-rs/rss_1.0_iso8859.xml",
        "headline",
        "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse",
    ),
    ("feed-rs/rss_1.0_iso8859.xml", "charset", "windows-1252"),
    // NewsML-G2 guideline examples.
    (
        "iptc-newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml",
        "version",
        "11",
    ),
    (
        "iptc-newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml",
        "located",
        "Berlin",
    ),
    (
        "iptc-newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml",
        "embargoed_until",
        "2018-10-23T12:00:00+00:00",
    ),
    (
        "iptc-newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml",
        "signals",
        "update",
    ),
    (
        "iptc-newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml",
        "subject_uri",
        "http://cv.iptc.org/newscodes/mediatopic/20000523",
    ),
    (
        "iptc-newsml-g2/LISTING_2_NewsML-G2_Text_Document.xml",
        "headline",
        "Fed to halt QE to avert \"bubble\"",
    ),
    (
        "iptc-newsml-g2/LISTING_2_NewsML-G2_Text_Document.xml",
        "first_created",
        "2016-11-21T20:21:06+00:00",
    ),
    (
        "iptc-newsml-g2/LISTING_2_NewsML-G2_Text_Document.xml",
        "language",
        "en-US",
    ),
    (
        "iptc-newsml-g2/LISTING_2_NewsML-G2_Text_Document.xml",
        "body_starts",
        "(New York, NY - October 21) Et, sent luptat",
    ),
    (
        "iptc-newsml-g2/LISTING_3_Photo_in_NewsML-G2.xml",
        "kind",
        "picture",
    ),
    (
        "iptc-newsml-g2/LISTING_22_Sports_story_in_NewsML-G2NITF.xml",
        "located",
        "Philadelphia",
    ),
    // NITF from NTB.
    (
        "iptc-ninjs/NTB_nitf_sample.xml",
        "headline",
        "Pandemien herjer på den legeløse indiske landsbygda",
    ),
    ("iptc-ninjs/NTB_nitf_sample.xml", "located", "Unnao"),
    (
        "iptc-ninjs/NTB_nitf_sample.xml",
        "guid",
        "NTB5df9281a-a270-4dc5-a618-869bbc3bbca7_00",
    ),
    (
        "iptc-ninjs/NTB_nitf_sample.xml",
        "first_created",
        "2021-05-16T09:00:04+00:00",
    ),
    // ninjs with an AP dateline in the body.
    ("iptc-ninjs/ninjsExSimpleText_3.json", "credit", "AP"),
    (
        "iptc-ninjs/ninjsExSimpleText_3.json",
        "body_starts",
        "The trial of the captain",
    ),
    // dpa JSON (sent as `unknown`, told by its shape).
    ("dpa-digitalwires/json/eil.json", "urgency", "2"),
    ("dpa-digitalwires/json/eil.json", "located", "Berlin"),
    (
        "dpa-digitalwires/json/empty_paragraph.json",
        "credit",
        "Europa Press",
    ),
    (
        "dpa-digitalwires/json/empty_paragraph.json",
        "body_starts",
        "El primer ministro israelí",
    ),
];

#[test]
fn fixtures_say_what_their_providers_wrote() {
    let config = NormalizerConfig::default();
    for (file, field, expected) in EXPECTED {
        let item = raw(RawFormat::Unknown, file, &read_fixture(file));
        let envelope = normalize_as(&item, RawFormat::Unknown, &config, fetched_at())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let article = &envelope.article;
        let wire = &envelope.wire;
        let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339());
        let actual: Option<String> = match *field {
            "headline" => article.headline().map(str::to_owned),
            "located" => article.located.clone(),
            "language" => article.language.clone(),
            "first_created" => time(article.first_created),
            "embargoed_until" => time(article.embargoed_until),
            "version" => article.version.clone(),
            "urgency" => article.urgency.map(|u| u.to_string()),
            "by" => article.by.clone(),
            "kind" => article.kind.clone(),
            "credit" => wire.credit.clone(),
            "charset" => wire.charset.clone(),
            "guid" => wire.guid.clone(),
            "signals" => Some(wire.signals.join(",")),
            "date_from_fetch_time" => Some(wire.date_from_fetch_time.to_string()),
            "body_starts" => article
                .body_text()
                .map(|b| b.chars().take(expected.chars().count()).collect()),
            "subject_uri" => article
                .subjects
                .iter()
                .filter_map(|s| s.uri.clone())
                .find(|uri| uri == expected),
            other => panic!("unknown field {other}"),
        };
        assert_eq!(actual.as_deref(), Some(*expected), "{file} {field}");
    }
}
