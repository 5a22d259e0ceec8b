//! Bad input is an error or a bounded article, never a panic: arbitrary bytes in every format,
//! real fixtures cut and corrupted, entity-expansion bombs, huge headlines and bodies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use proptest::prelude::*;
use std::sync::LazyLock;
use wire_model::RawFormat;
use wirefeed_normalizer::{NormalizerConfig, normalize};

const FORMATS: [RawFormat; 10] = [
    RawFormat::Rss,
    RawFormat::Atom,
    RawFormat::Rdf,
    RawFormat::JsonFeed,
    RawFormat::Ninjs,
    RawFormat::NewsmlG2,
    RawFormat::Nitf,
    RawFormat::Text,
    RawFormat::Unknown,
    RawFormat::Newsml1,
];

static FIXTURES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    fixture_files()
        .iter()
        .map(|file| read_fixture(&file.to_string_lossy()))
        .collect()
});

fn check(format: RawFormat, bytes: &[u8]) {
    let config = NormalizerConfig::default();
    if let Ok(envelope) = normalize(&raw(format, "x", bytes), &config, fetched_at()) {
        let headline = envelope.article.headline().unwrap_or_default();
        assert!(headline.chars().count() <= config.max_headline_chars);
        let body = envelope.article.body_text().unwrap_or_default();
        assert!(body.chars().count() <= config.max_body_chars + 2 * 1000);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_bytes_in_any_format_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
        format in 0..FORMATS.len(),
    ) {
        check(FORMATS[format], &bytes);
    }

    #[test]
    fn markup_like_text_never_panics(
        text in r#"(<\??[a-zA-Z.:]{1,8}( [a-z:.-]{1,8}="[^"<]{0,8}")?/?>|</[a-zA-Z.:]{1,8}>|[^<&]{0,16}|&[a-z#0-9x]{0,7};?|<!\[CDATA\[[^\]]{0,8}\]\]>|<!--.{0,6}-->|\{"[a-z_]{1,6}":("[^"]{0,6}"|[0-9]{1,3}|null|\[\]),?){0,40}"#,
        format in 0..FORMATS.len(),
    ) {
        check(FORMATS[format], text.as_bytes());
    }

    #[test]
    fn corrupted_real_fixtures_never_panic(
        fixture in 0..64usize,
        cut in 0.0..1.0f64,
        flips in proptest::collection::vec((0.0..1.0f64, any::<u8>()), 0..4),
        format in 0..FORMATS.len(),
    ) {
        let original = &FIXTURES[fixture % FIXTURES.len()];
        let mut bytes = original[..(original.len() as f64 * cut) as usize].to_vec();
        for (at, byte) in flips {
            if !bytes.is_empty() {
                let index = ((bytes.len() - 1) as f64 * at) as usize;
                bytes[index] = byte;
            }
        }
        check(FORMATS[format], &bytes);
    }
}

const BILLION_LAUGHS: &str = r#"<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"#;

#[test]
fn entity_expansion_bombs_are_not_expanded() {
    let documents = [
        (
            RawFormat::Rss,
            format!(
                "{BILLION_LAUGHS}<rss version=\"2.0\"><channel><title>t</title><item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>"
            ),
        ),
        (
            RawFormat::NewsmlG2,
            format!(
                "{BILLION_LAUGHS}<newsItem guid=\"g\"><contentMeta><headline>&lol9;</headline></contentMeta><contentSet><inlineXML><p>&lol9;</p></inlineXML></contentSet></newsItem>"
            ),
        ),
        (
            RawFormat::Nitf,
            format!(
                "{BILLION_LAUGHS}<nitf><body><body.head><hedline><hl1>&lol9;</hl1></hedline></body.head><body.content><p>&lol9;</p></body.content></body></nitf>"
            ),
        ),
    ];
    for (format, document) in documents {
        let started = std::time::Instant::now();
        let result = normalize(
            &raw(format, "x", document.as_bytes()),
            &NormalizerConfig::default(),
            fetched_at(),
        );
        if let Ok(envelope) = result {
            let text = format!(
                "{:?}{:?}",
                envelope.article.headline(),
                envelope.article.body_text()
            );
            assert!(text.len() < 1_000, "{format:?}: {}", text.len());
        }
        // Not a timing assertion on speed, only a guard against an expansion: generous.
        assert!(started.elapsed().as_secs() < 30);
    }
}

#[test]
fn a_ten_megabyte_headline_and_body_are_cut_with_flags() {
    let huge = "Breaking ".repeat(10 * 1024 * 1024 / 9);
    let cases = [
        (
            RawFormat::Rss,
            format!(
                "<rss version=\"2.0\"><channel><title>t</title><item><title>{huge}</title><description>{huge}</description><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
            ),
        ),
        (
            RawFormat::NewsmlG2,
            format!(
                "<newsItem guid=\"g\"><contentMeta><headline>{huge}</headline></contentMeta><contentSet><inlineXML><p>{huge}</p></inlineXML></contentSet></newsItem>"
            ),
        ),
        (RawFormat::Text, format!("{huge}\n\n{huge}")),
    ];
    let config = NormalizerConfig::default();
    for (format, document) in cases {
        let envelope = normalize(
            &raw(format, "x", document.as_bytes()),
            &config,
            fetched_at(),
        )
        .unwrap();
        let headline = envelope.article.headline().unwrap();
        assert!(
            headline.chars().count() <= config.max_headline_chars,
            "{format:?}"
        );
        assert!(headline.starts_with("Breaking Breaking"));
        let body = envelope.article.body_text().unwrap();
        assert!(body.chars().count() <= config.max_body_chars, "{format:?}");
        assert!(
            envelope
                .wire
                .flags
                .contains(&"headline_truncated".to_owned()),
            "{format:?}"
        );
        assert!(
            envelope.wire.flags.contains(&"body_truncated".to_owned()),
            "{format:?}"
        );
        assert_valid_ninjs(&envelope);
    }
}

#[test]
fn deeply_nested_xml_is_an_error() {
    let deep = format!(
        "<newsItem>{}{}</newsItem>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let error = normalize(
        &raw(RawFormat::NewsmlG2, "x", deep.as_bytes()),
        &NormalizerConfig::default(),
        fetched_at(),
    )
    .unwrap_err();
    assert_eq!(error.kind(), "parse");
}

#[test]
fn inputs_the_fuzzer_found_are_errors_or_articles() {
    // Each file: the fuzz target's input (first byte = format index, then the payload).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let bytes = std::fs::read(path).unwrap();
        let (selector, payload) = bytes.split_first().unwrap();
        check(FORMATS[usize::from(*selector) % FORMATS.len()], payload);
        count += 1;
    }
    assert!(count > 0);
}
