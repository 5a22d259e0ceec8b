//! dpa digitalwires JSON items (`"format": "digitalwires@..."`). The fetcher sends them as
//! `unknown` (they have a `urn`, not a ninjs `uri`), so the normalizer tells them by shape.
//!
//! The body is `article_html` (and `infobox_html`) as dpa's own NewsML-G2 converter writes it: when the dateline is
//! a separate field and not yet in the text, it goes at the start of the first paragraph, so
//! the same story normalizes to the same text from either format.

use super::{ParseError, ParsedItem, first_text, provider_subject, pub_status};
use crate::{dates, text};
use serde_json::Value;

/// True when `value` is a digitalwires item.
pub fn is_digitalwires(value: &Value) -> bool {
    value
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|format| format.starts_with("digitalwires"))
        || (value.get("urn").is_some()
            && value.get("entry_id").is_some()
            && value.get("uri").is_none())
}

/// Parses a digitalwires item.
pub fn parse(value: &Value) -> Result<ParsedItem, ParseError> {
    if !value.is_object() {
        return Err(ParseError::Json(
            "a digitalwires item is a json object".to_owned(),
        ));
    }
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let date = |key: &str| text(key).as_deref().and_then(dates::parse);
    let dateline = text("dateline");
    // The infobox follows the story, as in dpa's NewsML-G2; the link box is left out there too.
    let body_html = text("article_html").map(|html| {
        let html = with_dateline(&html, dateline.as_deref());
        match text("infobox_html") {
            Some(infobox) => format!("{html}{infobox}"),
            None => html,
        }
    });
    let categories = value
        .get("categories")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let subjects = categories
        .iter()
        .filter(|category| {
            matches!(
                category.get("type").and_then(Value::as_str),
                Some(
                    "dnltype:dpasubject"
                        | "dnltype:geosubject"
                        | "dnltype:keyword"
                        | "dnltype:category"
                )
            )
        })
        .filter_map(|category| {
            provider_subject(
                category.get("qcode").and_then(Value::as_str),
                None,
                category
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            )
        })
        .collect();
    let version = super::version_text(value.get("version"));
    Ok(ParsedItem {
        headline: text("headline"),
        body_html,
        body_text: None,
        summary: first_text([
            text("teaser"),
            value
                .pointer("/descriptions/0/description")
                .and_then(Value::as_str)
                .map(str::to_owned),
        ]),
        first_created: date("content_created").or_else(|| date("version_created")),
        version_created: date("version_created").or_else(|| date("updated")),
        embargoed_until: date("embargoed"),
        language: text("language"),
        by: text("byline"),
        link: None,
        provider_uri: text("urn"),
        guid: text("urn"),
        version,
        urgency: value
            .get("urgency")
            .and_then(Value::as_u64)
            .and_then(super::urgency),
        pub_status: text("pubstatus").as_deref().and_then(pub_status),
        kind: None,
        signals: text("signal")
            .map(|signal| signal.rsplit(':').next().unwrap_or(&signal).to_owned())
            .into_iter()
            .collect(),
        slugline: None,
        located: None,
        dateline,
        credit: text("creditline"),
        copyright_holder: None,
        copyright_notice: text("copyrightnotice"),
        subjects,
        categories: Vec::new(),
    })
}

/// `html` with `dateline` at the start of its first paragraph, unless the text starts with it.
fn with_dateline(html: &str, dateline: Option<&str>) -> String {
    let Some(dateline) = dateline.map(text::clean_inline).filter(|d| !d.is_empty()) else {
        return html.to_owned();
    };
    let starts_with_dateline = text::html_to_paragraphs(html)
        .first()
        .is_some_and(|first| first.starts_with(&dateline));
    if starts_with_dateline {
        return html.to_owned();
    }
    let Some(paragraph) = html.find("<p>").or_else(|| html.find("<p ")) else {
        return format!("<p>{}</p>{html}", escape(&dateline));
    };
    let Some(open_end) = html.get(paragraph..).and_then(|rest| rest.find('>')) else {
        return html.to_owned();
    };
    let insert_at = paragraph + open_end + 1;
    format!(
        "{}{} {}",
        html.get(..insert_at).unwrap_or_default(),
        escape(&dateline),
        html.get(insert_at..).unwrap_or_default()
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dateline_field_goes_into_the_first_paragraph_once() {
        let cases = [
            (
                "<p>Text.</p>",
                Some("Berlin (dpa) - "),
                "<p>Berlin (dpa) - Text.</p>",
            ),
            (
                "<p></p><p>Text.</p>",
                Some("MADRID (EP) -"),
                "<p>MADRID (EP) - </p><p>Text.</p>",
            ),
            (
                "<p>Berlin (dpa) - Text.</p>",
                Some("Berlin (dpa) - "),
                "<p>Berlin (dpa) - Text.</p>",
            ),
            ("<p>Text.</p>", None, "<p>Text.</p>"),
        ];
        for (html, dateline, expected) in cases {
            assert_eq!(with_dateline(html, dateline), expected);
        }
    }
}
