//! `Envelope::encode` writes with sonic-rs; consumers were promised the JSON serde_json
//! writes. These tests hold the two to the same bytes: on every fixture, and on envelopes
//! whose text and numbers are drawn at random (control characters, quotes, backslashes, any
//! Unicode, line and paragraph separators, `f32` and `f64` scores).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use wire_model::Envelope;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(path: &Path) -> Envelope {
    Envelope::decode(&std::fs::read(path).unwrap()).unwrap()
}

fn assert_same_bytes(envelope: &Envelope) {
    let expected = serde_json::to_vec(envelope).unwrap();
    let written = envelope.encode();
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(written, expected);
}

#[test]
fn every_fixture_encodes_to_the_bytes_serde_json_writes() {
    let mut tested = 0;
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "json") {
            assert_same_bytes(&fixture(&path));
            tested += 1;
        }
    }
    assert!(
        tested >= 3,
        "expected fixtures in {}",
        fixtures_dir().display()
    );
}

/// Text with what JSON must escape, and what it must not.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\u{0}-\u{1f}\"\\\\/<>&'\u{7f}\u{80}-\u{ff}\u{2028}\u{2029}\u{fffd}a-z ]{0,300}",
    ]
}

proptest! {
    #[test]
    fn random_text_and_scores_encode_to_the_bytes_serde_json_writes(
        headline in hostile_text(),
        body in hostile_text(),
        extra in hostile_text(),
        similarity in any::<f32>(),
        language_confidence in any::<f64>(),
        urgency in any::<u8>(),
    ) {
        let mut envelope = fixture(&fixtures_dir().join("envelope-enriched.json"));
        envelope.article.headlines[0].value = headline;
        for text in &mut envelope.article.bodies {
            text.value = body.clone();
        }
        envelope.article.urgency = Some(urgency);
        envelope.article.extra.insert(extra.clone(), Value::String(extra));
        envelope.wire.similarity = Some(similarity);
        envelope.wire.language_confidence = Some(language_confidence);
        assert_same_bytes(&envelope);
    }
}
