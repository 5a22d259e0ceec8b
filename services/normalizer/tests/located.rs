//! A provider's `located` is the story's dateline place when the body prints no dateline: the
//! normalized article goes through the tagger as the enricher calls it (`wire.dateline` as the
//! printed dateline), and the desk sees the place with the `dateline` role.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{fetched_at, raw};
use serde_json::json;
use std::sync::OnceLock;
use wire_model::{Envelope, RawFormat};
use wire_tagging::Tagger;
use wirefeed_normalizer::{NormalizerConfig, normalize};

fn tagger() -> &'static Tagger {
    static TAGGER: OnceLock<Tagger> = OnceLock::new();
    TAGGER.get_or_init(|| Tagger::embedded().expect("the shipped tagging data loads"))
}

/// A ninjs item from an agency that sends `located`, with `first_paragraph` opening its body.
fn ninjs_item(located: &str, first_paragraph: &str) -> Envelope {
    let item = json!({
        "uri": "urn:agency:2026:located-1",
        "type": "text",
        "versionCreated": "2026-04-08T09:30:00Z",
        "language": "en",
        "located": located,
        "headlines": [{ "role": "main", "value": "Ministers agree a budget after all-night talks" }],
        "bodies": [{
            "role": "main",
            "contentType": "text/plain",
            "value": format!("{first_paragraph}\n\nThe finance ministers met again on Tuesday and said they would publish the figures next week.")
        }]
    });
    let raw = raw(
        RawFormat::Ninjs,
        "urn:agency:2026:located-1",
        item.to_string().as_bytes(),
    );
    normalize(&raw, &NormalizerConfig::default(), fetched_at()).unwrap()
}

/// The dateline place the tagger gives the normalized article: its name and country.
fn dateline_place(envelope: &Envelope) -> Option<(String, String)> {
    let tags = tagger().tag(&envelope.article, envelope.wire.dateline.as_deref());
    tags.places
        .iter()
        .find(|p| p.rel.as_deref() == Some("dateline"))
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.literal.clone().unwrap_or_default(),
            )
        })
}

const NO_DATELINE: &str = "European finance ministers agreed the budget early on Wednesday.";

#[test]
fn located_paris_france_without_a_body_dateline_is_tagged_paris_as_the_dateline() {
    let envelope = ninjs_item("Paris, France", NO_DATELINE);
    assert_eq!(envelope.wire.dateline, None);
    assert_eq!(envelope.article.located.as_deref(), Some("Paris, France"));
    assert_eq!(
        dateline_place(&envelope),
        Some(("Paris".to_owned(), "FR".to_owned()))
    );
}

#[test]
fn located_with_a_date_is_the_place_without_the_date() {
    for (located, name, country) in [
        ("PARIS, April 8", "Paris", "FR"),
        ("WASHINGTON, Dec 5", "Washington", "US"),
        ("BRUSSELS", "Brussels", "BE"),
    ] {
        let envelope = ninjs_item(located, NO_DATELINE);
        assert_eq!(envelope.article.located.as_deref(), Some(name), "{located}");
        assert_eq!(
            dateline_place(&envelope),
            Some((name.to_owned(), country.to_owned())),
            "{located}"
        );
    }
}

#[test]
fn a_dateline_printed_in_the_body_wins_over_a_conflicting_located() {
    let envelope = ninjs_item(
        "Paris, France",
        "LONDON, April 8 (Reuters) - European finance ministers agreed the budget early on Wednesday.",
    );
    assert_eq!(
        envelope
            .article
            .body_text()
            .map(|b| b.starts_with("European")),
        Some(true)
    );
    assert_eq!(
        dateline_place(&envelope),
        Some(("London".to_owned(), "GB".to_owned()))
    );
}
