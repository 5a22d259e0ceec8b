//! The shipped configuration, loaded once per test binary.

use std::path::PathBuf;
use std::sync::OnceLock;
use wire_tagging::{PlaceRole, TagInput, Tagger, Tags};

#[allow(dead_code)]
pub fn config_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config")
}

#[allow(clippy::panic)] // a test helper: a shipped config that does not load must fail the tests
pub fn tagger() -> &'static Tagger {
    static TAGGER: OnceLock<Tagger> = OnceLock::new();
    TAGGER.get_or_init(|| match Tagger::load(&config_dir()) {
        Ok(tagger) => tagger,
        Err(e) => panic!("the shipped config must load: {e}"),
    })
}

#[allow(dead_code)]
pub fn tag(headline: &str, body: &str) -> Tags {
    tagger().tag_input(
        &TagInput {
            headline,
            body,
            dateline: None,
            located: None,
            language: None,
        },
        &[],
    )
}

/// The role of the country with this code, if tagged.
#[allow(dead_code)]
pub fn country_role(tags: &Tags, code: &str) -> Option<PlaceRole> {
    tags.countries
        .iter()
        .find(|c| c.code == code)
        .map(|c| c.role)
}

/// The places with this name, as (rel, literal).
#[allow(dead_code)]
pub fn places_named(tags: &Tags, name: &str) -> Vec<(String, String)> {
    tags.places
        .iter()
        .filter(|p| p.name.as_deref() == Some(name))
        .map(|p| {
            (
                p.rel.clone().unwrap_or_default(),
                p.literal.clone().unwrap_or_default(),
            )
        })
        .collect()
}
