//! ninjs items (3.x, and the 1.x/2.x names where they differ: `headline`, `body_text`,
//! `body_html`, `versioncreated`, `firstcreated`, `pubstatus`, `byline`).

use super::{ParseError, ParsedItem};
use chrono::{DateTime, Utc};
use serde_json::Value;
use wire_model::Subject;

pub fn parse(value: &Value) -> Result<ParsedItem, ParseError> {
    if !value.is_object() {
        return Err(ParseError::Json("a ninjs item is a json object".to_owned()));
    }
    let text = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .find_map(|key| value.get(*key).and_then(Value::as_str))
            .map(str::to_owned)
    };
    let date = |keys: &[&str]| -> Option<DateTime<Utc>> {
        text(keys).as_deref().and_then(crate::dates::parse)
    };
    let headline = value
        .get("headlines")
        .and_then(Value::as_array)
        .and_then(|all| {
            all.iter()
                .find(|h| h.get("role").and_then(Value::as_str) == Some("main"))
                .or_else(|| all.first())
        })
        .and_then(|h| h.get("value").and_then(Value::as_str))
        .map(str::to_owned)
        .or_else(|| text(&["headline", "title"]));
    let bodies = value.get("bodies").and_then(Value::as_array);
    let body_of = |wanted: &str| -> Option<String> {
        bodies?
            .iter()
            .find(|b| {
                b.get("contentType")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.starts_with(wanted))
            })
            .and_then(|b| b.get("value").and_then(Value::as_str))
            .map(str::to_owned)
    };
    let untyped_body = bodies
        .and_then(|all| all.first())
        .and_then(|b| b.get("value").and_then(Value::as_str))
        .map(str::to_owned);
    let body_html = body_of("text/html")
        .or_else(|| text(&["body_html"]))
        .or(untyped_body);
    let body_text = body_of("text/plain").or_else(|| text(&["body_text"]));
    let summary = value
        .pointer("/descriptions/0/value")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| text(&["description_text"]));
    let pub_status = text(&["pubStatus", "pubstatus"])
        .as_deref()
        .and_then(super::pub_status);
    // ninjs subjects are the provider's: kept as sent, marked `creator: "provider"` if unsaid.
    let subjects = value
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|subject| serde_json::from_value::<Subject>(subject.clone()).ok())
        .map(|mut subject| {
            subject.creator.get_or_insert_with(|| "provider".to_owned());
            subject
        })
        .collect();
    let version = super::version_text(value.get("version"));
    Ok(ParsedItem {
        headline,
        body_html,
        body_text,
        summary,
        first_created: date(&["firstCreated", "firstcreated"]),
        version_created: date(&["versionCreated", "versioncreated"]),
        language: text(&["language"]),
        by: text(&["by", "byline"]),
        link: None,
        provider_uri: text(&["uri"]),
        guid: text(&["uri"]),
        embargoed_until: date(&["embargoedUntil", "embargoed"]),
        version,
        urgency: value
            .get("urgency")
            .and_then(Value::as_u64)
            .and_then(super::urgency),
        pub_status,
        slugline: text(&["slugline"]),
        located: text(&["located"]),
        copyright_holder: text(&["copyrightHolder", "copyrightholder"]),
        copyright_notice: text(&["copyrightNotice", "copyrightnotice"]),
        subjects,
        ..ParsedItem::default()
    })
}
