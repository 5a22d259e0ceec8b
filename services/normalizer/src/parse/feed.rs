//! RSS 0.9x/1.0/2.0, Atom and JSON Feed items, parsed with feed-rs. feed-rs's generated ids are
//! never used: the item identity comes from the fetcher's identity chain.

use super::{ParseError, ParsedItem};

/// Parses a single-item feed document (as the fetcher publishes them).
pub fn parse(bytes: &[u8]) -> Result<ParsedItem, ParseError> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| ParseError::Feed(e.to_string()))?;
    let language = feed.language.clone();
    let copyright_notice = feed.rights.as_ref().map(|t| t.content.clone());
    let entry = feed.entries.into_iter().next().ok_or(ParseError::NoItem)?;
    let body_html = entry
        .content
        .as_ref()
        .and_then(|content| content.body.clone())
        .filter(|body| !body.trim().is_empty());
    let summary = entry
        .summary
        .as_ref()
        .map(|text| text.content.clone())
        .filter(|text| !text.trim().is_empty());
    // Many RSS feeds carry the whole story in <description>: with no content, it is the body.
    let (body_html, summary) = match (body_html, summary) {
        (None, summary) => (summary, None),
        (body, summary) => (body, summary),
    };
    let link = entry
        .links
        .iter()
        .find(|link| link.rel.as_deref().is_none_or(|rel| rel == "alternate"))
        .or_else(|| entry.links.first())
        .map(|link| link.href.clone());
    let by = entry
        .authors
        .iter()
        .filter_map(|person| person.name.as_deref())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(ParsedItem {
        headline: entry.title.map(|t| t.content),
        body_html,
        body_text: None,
        summary,
        first_created: entry.published.or(entry.updated),
        version_created: entry.updated.or(entry.published),
        language: entry.language.or(language),
        by: (!by.is_empty()).then_some(by),
        link,
        provider_uri: None,
        version: None,
        urgency: None,
        pub_status: None,
        slugline: None,
        located: None,
        copyright_notice: entry.rights.map(|t| t.content).or(copyright_notice),
        categories: entry
            .categories
            .into_iter()
            .map(|c| c.label.unwrap_or(c.term))
            .collect(),
    })
}
