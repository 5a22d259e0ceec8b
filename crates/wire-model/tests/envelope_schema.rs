//! Every fixture envelope round-trips through the typed model without losing a field, and its
//! `article` validates against the official IPTC ninjs 3.1 JSON schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::{Path, PathBuf};

// `jsonschema` is reached through wire-model's `ninjs-validate` feature.
use wire_model::ninjs_schema::jsonschema;
use wire_model::{ARTICLE_SCHEMA, DecodeError, Envelope};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 3, "expected fixtures in {}", dir.display());
    paths
}

fn ninjs_validator() -> jsonschema::Validator {
    wire_model::ninjs_schema::validator().unwrap()
}

#[test]
fn every_fixture_round_trips_without_losing_fields() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let original: Value = serde_json::from_str(&text).unwrap();
        let envelope =
            Envelope::decode(text.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let round_tripped: Value = serde_json::from_slice(&envelope.encode()).unwrap();
        assert_eq!(
            round_tripped,
            original,
            "{} changed on round trip",
            path.display()
        );
    }
}

#[test]
fn article_of_every_fixture_is_valid_ninjs_3_1() {
    let validator = ninjs_validator();
    for path in fixtures() {
        let envelope = Envelope::decode(&std::fs::read(&path).unwrap()).unwrap();
        let article = serde_json::to_value(&envelope.article).unwrap();
        let errors = wire_model::ninjs_schema::violations(&validator, &article);
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn the_validator_rejects_what_ninjs_forbids() {
    // Guards the test above: a validator that accepts everything would prove nothing.
    let validator = ninjs_validator();
    let no_uri = serde_json::json!({ "headlines": [{ "value": "x" }] });
    let bad_urgency = serde_json::json!({ "uri": "urn:x", "urgency": 12 });
    let unknown_property = serde_json::json!({ "uri": "urn:x", "wire": {} });
    for value in [no_uri, bad_urgency, unknown_property] {
        assert!(!validator.is_valid(&value), "accepted {value}");
    }
}

#[test]
fn decode_errors_say_what_is_wrong() {
    assert!(matches!(
        Envelope::decode(b"<rss/>"),
        Err(DecodeError::NotJson(_))
    ));
    let wrong = br#"{"article":{"uri":"u"},"wire":{},"schema":"wirefeed.article/9"}"#;
    match Envelope::decode(wrong) {
        Err(DecodeError::WrongSchema { found, expected }) => {
            assert_eq!(found, "wirefeed.article/9");
            assert_eq!(expected, ARTICLE_SCHEMA);
        }
        other => panic!("unexpected {other:?}"),
    }
    let missing_wire = br#"{"article":{"uri":"u"},"schema":"wirefeed.article/1"}"#;
    let error = Envelope::decode(missing_wire).unwrap_err();
    assert!(
        error.to_string().contains("missing field `wire`"),
        "{error}"
    );
}

#[test]
fn decoding_without_evidence_leaves_only_the_evidence_out() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/envelope-enriched.json");
    let mut envelope = Envelope::decode(&std::fs::read(path).unwrap()).unwrap();
    envelope.wire.evidence = vec![wire_model::Evidence {
        uri: "http://sws.geonames.org/163843/".to_owned(),
        matches: vec![wire_model::EvidenceMatch {
            term: "Syria".to_owned(),
            field: "body".to_owned(),
            start: 4,
            end: 9,
        }],
        note: None,
    }];
    let payload = envelope.encode();

    let without = Envelope::decode_without_evidence(&payload).unwrap();
    assert!(without.wire.evidence.is_empty());
    let mut expected = envelope.clone();
    expected.wire.evidence.clear();
    assert_eq!(without, expected);

    // The skip ends with the call, also when the call fails.
    assert!(Envelope::decode_without_evidence(b"{not json").is_err());
    assert_eq!(Envelope::decode(&payload).unwrap(), envelope);
}
