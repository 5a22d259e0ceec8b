//! Shared test helpers: raw items from bytes, the ninjs validator, fixture files.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, TimeZone, Utc};
use std::path::{Path, PathBuf};
use wire_model::{Envelope, OriginInfo, RawFormat, RawItem, SourceId};

pub fn fetched_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap()
}

pub fn raw(format: RawFormat, identity: &str, payload: &[u8]) -> RawItem {
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

/// The schema violations of an envelope's article (empty when valid).
pub fn ninjs_violations(envelope: &Envelope) -> Vec<String> {
    thread_local! {
        static VALIDATOR: wire_model::ninjs_schema::jsonschema::Validator =
            wire_model::ninjs_schema::validator().unwrap();
    }
    let article = serde_json::to_value(&envelope.article).unwrap();
    VALIDATOR.with(|validator| wire_model::ninjs_schema::violations(validator, &article))
}

pub fn assert_valid_ninjs(envelope: &Envelope) {
    let violations = ninjs_violations(envelope);
    assert!(
        violations.is_empty(),
        "{violations:?}\n{:#}",
        serde_json::to_value(&envelope.article).unwrap()
    );
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture file (not the license and source notes), relative to the fixtures folder,
/// sorted.
pub fn fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                if !(name.starts_with("LICENSE")
                    || name.starts_with("NOTICE")
                    || name == "SOURCE.md")
                {
                    out.push(path);
                }
            }
        }
    }
    let mut files = Vec::new();
    walk(&fixtures_dir(), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| path.strip_prefix(fixtures_dir()).unwrap().to_path_buf())
        .collect()
}

pub fn read_fixture(relative: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(relative)).unwrap()
}

/// The article the normalizer makes of the fixture at `relative`, its format sniffed from the
/// content as for the fetcher's `unknown` items; panics unless it is valid ninjs 3.1.
pub fn sniffed_fixture(relative: &str) -> Envelope {
    let item = raw(RawFormat::Unknown, relative, &read_fixture(relative));
    let envelope = wirefeed_normalizer::normalize_as(
        &item,
        RawFormat::Unknown,
        &wirefeed_normalizer::NormalizerConfig::default(),
        fetched_at(),
    )
    .unwrap_or_else(|e| panic!("{relative}: {e}"));
    assert_valid_ninjs(&envelope);
    envelope
}
