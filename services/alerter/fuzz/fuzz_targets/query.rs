//! Any text as a subscription query: `parse` returns a query or an error with a column, never
//! panics; a query prints back to text that parses to the same query; and a compiled query
//! evaluates against an article without panicking.

#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use wire_model::{Article, Body, Envelope, Headline, SourceId, WireMeta};
use wirefeed_alerter::SubscriptionRegistry;
use wirefeed_alerter::config::SubscriptionConfig;
use wirefeed_alerter::query::parse;

fn article() -> Envelope {
    Envelope::new(
        Article {
            uri: "urn:fuzz:1".to_owned(),
            language: Some("en-GB".to_owned()),
            urgency: Some(3),
            headlines: vec![Headline {
                role: Some("main".to_owned()),
                content_type: None,
                value: "Syria peace talks resume in Geneva".to_owned(),
            }],
            bodies: vec![Body::plain_text(
                "GENEVA (AFP) - Delegations met on Tuesday; a ceasefire holds in Idlib.",
            )],
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from("afp"),
            item_identity: "urn:fuzz:1".to_owned(),
            fetched_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap(),
            ..WireMeta::default()
        },
    )
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = parse(text) else {
        return;
    };
    let printed = expr.to_string();
    match parse(&printed) {
        // `------x` nests as deep as `NOT NOT NOT NOT NOT NOT x` but is shorter to write, and
        // `(a)` adds a level that prints away: near the limit, the printed form may cross it.
        Err(error) if error.message.contains("nested too deeply") => {}
        reparsed => assert_eq!(
            reparsed,
            Ok(expr.clone()),
            "{text:?} printed as {printed:?}"
        ),
    }
    let registry = SubscriptionRegistry::new();
    let subscription = SubscriptionConfig {
        id: "fuzz".to_owned(),
        query: Some(text.to_owned()),
        ..SubscriptionConfig::default()
    };
    if registry.load(vec![subscription], Vec::new(), None).is_ok() {
        let _ = registry.current().matcher.matches(&article());
    }
});
