//! AP Media API JSON: one item (`{"data": {"item": {...}}}`) or a feed page
//! (`{"data": {"items": [{"item": {...}}, ...]}}`, first item read). The story text itself is
//! a rendition download (NITF, ANPA); what the item carries inline is its headline and its
//! `headline_extended` / `description_summary`, which make the body, and a picture's
//! `description_caption`, which becomes its description. A story delivered beside the item
//! (`nitf.body_html`) is its body.

use super::{ParseError, ParsedItem};
use serde_json::Value;

/// Whether `value` is an AP Media API item or feed page.
pub fn is_ap_media(value: &Value) -> bool {
    value
        .pointer("/data/item")
        .is_some_and(|item| item.get("altids").is_some() || item.get("renditions").is_some())
        || value
            .pointer("/data/items")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(|entry| entry.get("item").is_some()))
}

/// The document's item (a feed page's first), with how many more the page held.
pub fn parse(value: &Value) -> Result<(ParsedItem, usize), ParseError> {
    if let Some(item) = value.pointer("/data/item") {
        let mut parsed = parse_item(item)?;
        // A distributor that delivers the story beside the item (`{"data": {"item": ...},
        // "nitf": {"body_html": ...}}`, as Canadian Press does) gives the text itself: it is
        // the body, and the inline abstract stays the description.
        let inline_story = value
            .pointer("/nitf/body_html")
            .and_then(Value::as_str)
            .filter(|html| !html.trim().is_empty());
        if let Some(html) = inline_story {
            parsed.body_html = Some(html.to_owned());
            parsed.body_text = None;
        }
        return Ok((parsed, 0));
    }
    let items: Vec<&Value> = value
        .pointer("/data/items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.get("item"))
        .collect();
    let first = items.first().ok_or(ParseError::NoItem)?;
    Ok((parse_item(first)?, items.len() - 1))
}

fn parse_item(item: &Value) -> Result<ParsedItem, ParseError> {
    if !item.is_object() {
        return Err(ParseError::Json("an AP item is a json object".to_owned()));
    }
    let text = |key: &str| -> Option<String> {
        item.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let date = |key: &str| text(key).as_deref().and_then(crate::dates::parse);
    let headline = text("headline").or_else(|| text("title"));
    let extended = text("headline_extended");
    let summary = text("description_summary");
    let caption = text("description_caption");
    let body_text = match (&extended, &summary) {
        (Some(extended), Some(summary)) if extended != summary => {
            Some(format!("{extended}\n\n{summary}"))
        }
        _ => extended.clone().or(summary.clone()),
    };
    let item_id = item.pointer("/altids/itemid").and_then(Value::as_str);
    let pub_status = text("pubstatus").as_deref().and_then(super::pub_status);
    Ok(ParsedItem {
        headline,
        body_text,
        // A picture's caption is its description, as NewsML-G2 pictures give theirs.
        summary: summary.or(extended).or(caption),
        first_created: date("firstcreated"),
        version_created: date("versioncreated"),
        embargoed_until: date("embargoed"),
        language: text("language"),
        by: bylines(item),
        link: None,
        provider_uri: item_id.map(|id| format!("urn:ap:{id}")),
        guid: item_id.map(str::to_owned).or_else(|| text("uri")),
        version: super::version_text(item.get("version")),
        urgency: item
            .get("urgency")
            .and_then(Value::as_u64)
            .and_then(super::urgency),
        pub_status,
        kind: text("type").as_deref().and_then(super::ninjs::news_type),
        signals: signals(item),
        slugline: text("slugline"),
        located: text("located").or_else(|| dateline_location(item)),
        credit: text("description_creditline"),
        copyright_notice: text("copyrightnotice"),
        subjects: super::ninjs::coded_subjects(item.get("subject")),
        ..ParsedItem::default()
    })
}

/// The `bylines` names joined (`by`), else the photographer's name.
fn bylines(item: &Value) -> Option<String> {
    let names: Vec<&str> = item
        .get("bylines")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|b| b.get("by").and_then(Value::as_str))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if !names.is_empty() {
        return Some(names.join(", "));
    }
    item.pointer("/photographer/name")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The `datelinelocation` city (AP sends area and country names in capitals, so they are left
/// to the place tagger), else the country name.
fn dateline_location(item: &Value) -> Option<String> {
    let location = item.get("datelinelocation")?;
    ["city", "countryname"].iter().find_map(|key| {
        location
            .get(*key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
    })
}

/// The AP signals that change what the item means for a newsroom (`update`, `correction`,
/// `kill`, `withhold`); AP's technical ones (`newscontent`, `isnotdigitized`) are dropped.
fn signals(item: &Value) -> Vec<String> {
    item.get("signals")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| {
            matches!(
                s.as_str(),
                "update" | "correction" | "kill" | "withhold" | "corrected" | "updated"
            )
        })
        .map(|s| match s.as_str() {
            "corrected" => "correction".to_owned(),
            "updated" => "update".to_owned(),
            _ => s,
        })
        .collect()
}
