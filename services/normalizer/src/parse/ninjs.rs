//! ninjs items: 3.x, and the 1.x/2.x names (IPTC and Superdesk dialects) where they differ:
//! `headline`, `body_text`, `body_html`/`body_xhtml`, `versioncreated`, `firstcreated`,
//! `pubstatus`, `byline`, `guid`, `subject`, `priority`, `associations`. A list envelope
//! (`{"total": 1, "item": [...]}`) yields its first item.

use super::{ParseError, ParsedItem};
use chrono::{DateTime, Utc};
use serde_json::Value;
use wire_model::Subject;

/// One item read from a JSON document of the ninjs family, with how many more it held.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonItem {
    pub item: ParsedItem,
    /// The format actually read, when it is not plain ninjs (`ap-media`).
    pub format: Option<&'static str>,
    /// Items of the same document left unread.
    pub others: usize,
}

/// Keys only a news item (of any ninjs version) carries at its top level.
const ITEM_KEYS: &[&str] = &[
    "uri",
    "guid",
    "headlines",
    "headline",
    "body_html",
    "body_html5",
    "body_text",
    "body_xhtml",
    "bodies",
];

/// Keys of a list envelope holding ninjs items.
const LIST_KEYS: &[&str] = &["item", "items", "_items"];

/// Whether `value` is a ninjs item (any version) or a list envelope of them.
pub fn looks_like_ninjs(value: &Value) -> bool {
    is_item(value) || listed_items(value).is_some_and(|items| items.first().is_some_and(is_item))
}

fn is_item(value: &Value) -> bool {
    value.is_object() && ITEM_KEYS.iter().any(|key| value.get(*key).is_some())
}

/// The items of a list envelope, when `value` is one and not an item itself.
fn listed_items(value: &Value) -> Option<&Vec<Value>> {
    if is_item(value) {
        return None;
    }
    LIST_KEYS
        .iter()
        .find_map(|key| value.get(*key).and_then(Value::as_array))
}

/// Reads a JSON document of the ninjs family: an AP Media API item or feed, a list envelope
/// of ninjs items (first item read), or one ninjs item.
pub fn parse_document(value: &Value) -> Result<JsonItem, ParseError> {
    if super::ap_media::is_ap_media(value) {
        let (item, others) = super::ap_media::parse(value)?;
        return Ok(JsonItem {
            item,
            format: Some("ap-media"),
            others,
        });
    }
    if let Some(items) = listed_items(value) {
        let first = items.first().ok_or(ParseError::NoItem)?;
        return Ok(JsonItem {
            item: parse(first)?,
            format: None,
            others: items.len() - 1,
        });
    }
    Ok(JsonItem {
        item: parse(value)?,
        format: None,
        others: 0,
    })
}

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
    let mut body_html = body_of("text/html")
        .or_else(|| {
            nonblank(text(&[
                "body_html",
                "body_xhtml",
                "body_html5",
                "body_richhtml5",
            ]))
        })
        .or(untyped_body);
    let mut body_text = body_of("text/plain").or_else(|| nonblank(text(&["body_text"])));
    if body_html.is_none() && body_text.is_none() {
        // A package whose own body is empty carries its story as a text association.
        if let Some(story) = text_association(value) {
            body_html = story.body_html;
            body_text = story.body_text;
        }
    }
    let summary = value
        .pointer("/descriptions/0/value")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| nonblank(text(&["description_text"])))
        .or_else(|| nonblank(text(&["description_html"])));
    let pub_status = text(&["pubStatus", "pubstatus"])
        .as_deref()
        .and_then(super::pub_status);
    let mut subjects: Vec<Subject> = value
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|subject| serde_json::from_value::<Subject>(subject.clone()).ok())
        .map(|mut subject| {
            // ninjs subjects are the provider's: kept as sent, marked `creator: "provider"`.
            subject.creator.get_or_insert_with(|| "provider".to_owned());
            subject
        })
        .collect();
    subjects.extend(coded_subjects(value.get("subject")));
    let version = super::version_text(value.get("version"));
    let uri = text(&["uri"]);
    let guid = text(&["guid"]).or_else(|| uri.clone());
    Ok(ParsedItem {
        headline,
        body_html,
        body_text,
        summary,
        first_created: date(&["firstCreated", "firstcreated"]),
        version_created: date(&["versionCreated", "versioncreated"]),
        language: text(&["language"]),
        by: text(&["by", "byline"]).or_else(|| author_names(value)),
        link: None,
        provider_uri: uri.or_else(|| guid.clone()),
        guid,
        embargoed_until: date(&["embargoedUntil", "embargoed"]),
        version,
        // ninjs 1.x/2.x `priority` shares urgency's 1-9 scale: it stands in when urgency is absent.
        urgency: ["urgency", "priority"]
            .iter()
            .find_map(|key| value.get(*key).and_then(Value::as_u64))
            .and_then(super::urgency),
        pub_status,
        kind: text(&["type"]).as_deref().and_then(news_type),
        signals: signals(value),
        slugline: text(&["slugline"]),
        located: text(&["located"]),
        copyright_holder: text(&["copyrightHolder", "copyrightholder"]),
        copyright_notice: text(&["copyrightNotice", "copyrightnotice"]),
        subjects,
        ..ParsedItem::default()
    })
}

/// The ninjs 3 type of a 1.x/2.x or Superdesk `type`: Superdesk's text kinds (`story`,
/// `advisory`, `preformatted`) are `text`; a type ninjs 3 does not know is dropped.
pub fn news_type(kind: &str) -> Option<String> {
    let kind = kind.trim().to_ascii_lowercase();
    match kind.as_str() {
        "text" | "audio" | "video" | "picture" | "graphic" | "composite" | "component"
        | "event" | "planning" => Some(kind),
        "story" | "advisory" | "preformatted" | "article" => Some("text".to_owned()),
        _ => None,
    }
}

fn nonblank(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

/// The first text association (pictures and other media are skipped), read as an item.
fn text_association(value: &Value) -> Option<ParsedItem> {
    let associations: Vec<&Value> = match value.get("associations")? {
        Value::Object(map) => map.values().collect(),
        Value::Array(list) => list.iter().collect(),
        _ => return None,
    };
    associations
        .into_iter()
        .filter(|a| a.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|a| parse(a).ok())
        .find(|story| story.body_html.is_some() || story.body_text.is_some())
}

/// The names in a Superdesk `authors` list, joined, for items with no `byline`.
fn author_names(value: &Value) -> Option<String> {
    let names: Vec<&str> = value
        .get("authors")?
        .as_array()?
        .iter()
        .filter_map(|a| a.get("name").and_then(Value::as_str))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// Signals as words (`correction`) or codes (`{"code": "sig:update"}`), by their code's value.
fn signals(value: &Value) -> Vec<String> {
    ["signals", "signal"]
        .iter()
        .filter_map(|key| value.get(*key).and_then(Value::as_array))
        .flatten()
        .filter_map(|s| {
            s.as_str()
                .or_else(|| s.get("code").and_then(Value::as_str))
                .or_else(|| s.get("qcode").and_then(Value::as_str))
        })
        .map(|code| code.rsplit(':').next().unwrap_or(code).trim().to_owned())
        .filter(|code| !code.is_empty())
        .collect()
}

/// Subjects of the 1.x/2.x `subject` list (`{"code", "name", "scheme"}`), as provider
/// subjects: a scheme that is an address prefixes the code into a uri; a bare eight-digit code
/// is an IPTC Subject Code; any other scheme qualifies the code (`fuzo:science`).
pub(crate) fn coded_subjects(list: Option<&Value>) -> Vec<Subject> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|subject| {
            let code = subject
                .get("code")
                .or_else(|| subject.get("qcode"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|c| !c.is_empty());
            let scheme = subject
                .get("scheme")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let name = subject
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let (qcode, uri) = match (scheme, code) {
                (Some(scheme), Some(code)) if scheme.starts_with("http") => {
                    (None, Some(format!("{scheme}{code}")))
                }
                (Some(scheme), Some(code)) => (Some(format!("{scheme}:{code}")), None),
                (None, Some(code))
                    if code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    (Some(format!("subj:{code}")), None)
                }
                (_, code) => (code.map(str::to_owned), None),
            };
            super::provider_subject(qcode.as_deref(), uri.as_deref(), name)
        })
        .collect()
}
