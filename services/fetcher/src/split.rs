//! Pure: sniff a fetched document's format and split a feed into single-item documents.
//!
//! A feed item travels as a complete single-item feed: the original bytes before the first
//! item (XML declaration, root, channel metadata), the item's own bytes unchanged, and the bytes
//! after the last item. Any feed parser reads it, and nothing the provider sent in the item is
//! re-serialized or lost. Written by hand on quick-xml's event positions because feed parsers
//! (feed-rs and others) parse into their own model and do not give the item's original bytes.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;
use wire_model::RawFormat;

/// What the fetcher could tell about one item without parsing it fully.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemHints {
    /// RSS `guid`, Atom `id`, JSON Feed `id`, ninjs `uri`, NewsML-G2 `guid`.
    pub guid: Option<String>,
    /// RSS `link`, Atom `link[rel=alternate]`, JSON Feed `url`.
    pub link: Option<String>,
    pub title: Option<String>,
    /// The item's date as written (RSS `pubDate`, Atom `published`/`updated`, `dc:date`).
    pub date: Option<String>,
}

/// One item, ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitItem {
    pub bytes: Vec<u8>,
    pub hints: ItemHints,
}

/// Why a document could not be split.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    #[error("malformed xml at byte {position}: {message}")]
    Xml { position: u64, message: String },
    #[error("malformed json: {0}")]
    Json(String),
}

/// Sniffs the format from the content: the root element of XML, the shape of JSON.
pub fn sniff_format(bytes: &[u8]) -> RawFormat {
    let text = strip_bom(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| text[i]) {
        Some(b'<') => sniff_xml_root(text),
        Some(b'{') => match serde_json::from_slice::<Value>(text) {
            Ok(value) => sniff_json(&value),
            Err(_) => RawFormat::Unknown,
        },
        Some(_) if std::str::from_utf8(text).is_ok() => RawFormat::Text,
        _ => RawFormat::Unknown,
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn sniff_json(value: &Value) -> RawFormat {
    let is_json_feed = value
        .get("version")
        .and_then(Value::as_str)
        .is_some_and(|v| v.contains("jsonfeed.org"));
    if is_json_feed {
        RawFormat::JsonFeed
    } else if value.get("uri").is_some_and(Value::is_string) {
        RawFormat::Ninjs
    } else {
        RawFormat::Unknown
    }
}

fn sniff_xml_root(bytes: &[u8]) -> RawFormat {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(start) | Event::Empty(start)) => {
                let name = start.local_name();
                return match name.as_ref() {
                    b"rss" => RawFormat::Rss,
                    b"feed" => RawFormat::Atom,
                    b"RDF" => RawFormat::Rdf,
                    // Microsoft CDF: a `CHANNEL` of `ITEM`s, read with the feeds.
                    name if name.eq_ignore_ascii_case(b"channel") => RawFormat::Rss,
                    b"newsItem" | b"newsMessage" | b"packageItem" => RawFormat::NewsmlG2,
                    b"nitf" => RawFormat::Nitf,
                    _ => RawFormat::Unknown,
                };
            }
            Ok(Event::Eof) | Err(_) => return RawFormat::Unknown,
            Ok(_) => buf.clear(),
        }
    }
}

/// Splits a document of `format` into items. Feeds give one item per entry; every other
/// format is one item (the whole document).
pub fn split(format: RawFormat, bytes: &[u8]) -> Result<Vec<SplitItem>, SplitError> {
    match format {
        RawFormat::Rss | RawFormat::Atom | RawFormat::Rdf => split_xml_feed(bytes),
        RawFormat::JsonFeed => split_json_feed(bytes),
        RawFormat::Ninjs => Ok(vec![SplitItem {
            bytes: bytes.to_vec(),
            hints: ninjs_hints(bytes),
        }]),
        RawFormat::NewsmlG2 => Ok(vec![SplitItem {
            bytes: bytes.to_vec(),
            hints: ItemHints {
                guid: newsml_guid(bytes),
                ..ItemHints::default()
            },
        }]),
        RawFormat::Newsml1 | RawFormat::Nitf | RawFormat::Text | RawFormat::Unknown => {
            Ok(vec![SplitItem {
                bytes: bytes.to_vec(),
                hints: ItemHints::default(),
            }])
        }
    }
}

/// RSS and RDF `item`, Atom `entry`, CDF `ITEM` (CDF names are case-insensitive).
fn is_item(local_name: &[u8]) -> bool {
    local_name.eq_ignore_ascii_case(b"item") || local_name == b"entry"
}

/// The child element of an item whose text fills a hint.
#[derive(Clone, Copy, PartialEq)]
enum HintField {
    Guid,
    Link,
    Title,
    Date,
}

fn hint_field(local_name: &[u8]) -> Option<HintField> {
    match local_name {
        b"guid" | b"id" => Some(HintField::Guid),
        b"link" => Some(HintField::Link),
        b"title" => Some(HintField::Title),
        b"pubDate" | b"published" | b"updated" | b"date" | b"issued" | b"modified" => {
            Some(HintField::Date)
        }
        _ => None,
    }
}

struct OpenItem {
    start: usize,
    depth: usize,
    hints: ItemHints,
    field: Option<(HintField, String)>,
}

fn split_xml_feed(bytes: &[u8]) -> Result<Vec<SplitItem>, SplitError> {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut spans: Vec<(usize, usize, ItemHints)> = Vec::new();
    let mut open: Option<OpenItem> = None;
    loop {
        let before = to_usize(reader.buffer_position());
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|error| SplitError::Xml {
                position: reader.error_position(),
                message: error.to_string(),
            })?;
        let after = to_usize(reader.buffer_position());
        match event {
            Event::Start(start) => {
                depth += 1;
                let name = start.local_name();
                match &mut open {
                    None if is_item(name.as_ref()) => {
                        open = Some(OpenItem {
                            start: before,
                            depth,
                            hints: ItemHints::default(),
                            field: None,
                        });
                    }
                    Some(item) if depth == item.depth + 1 => {
                        if let Some(field) = hint_field(name.as_ref()) {
                            item.field = Some((field, String::new()));
                        }
                        if field_is_link(name.as_ref()) {
                            take_link_href(&start, &mut item.hints);
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(start) => {
                let name = start.local_name();
                match &mut open {
                    None if is_item(name.as_ref()) => {
                        spans.push((before, after, ItemHints::default()));
                    }
                    Some(item) if depth == item.depth && field_is_link(name.as_ref()) => {
                        take_link_href(&start, &mut item.hints);
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                if let Some(item) = &mut open {
                    if depth == item.depth {
                        if let Some(item) = open.take() {
                            spans.push((item.start, after, item.hints));
                        }
                    } else if depth == item.depth + 1
                        && let Some((field, text)) = item.field.take()
                    {
                        set_hint(&mut item.hints, field, text);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(text) => append_field_text(&mut open, &text.decode().unwrap_or_default()),
            Event::CData(data) => append_field_text(&mut open, &data.decode().unwrap_or_default()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = reference.decode().unwrap_or_default();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .map(str::to_owned)
                            .unwrap_or_default()
                    }
                };
                append_field_text(&mut open, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if open.is_some() {
        return Err(SplitError::Xml {
            position: to_usize(reader.buffer_position()) as u64,
            message: "document ends inside an item".to_owned(),
        });
    }
    let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
        return Ok(Vec::new());
    };
    let header = &bytes[..first.0];
    let trailer = &bytes[last.1..];
    Ok(spans
        .into_iter()
        .map(|(start, end, hints)| {
            let mut item = Vec::with_capacity(header.len() + (end - start) + trailer.len());
            item.extend_from_slice(header);
            item.extend_from_slice(&bytes[start..end]);
            item.extend_from_slice(trailer);
            SplitItem { bytes: item, hints }
        })
        .collect())
}

fn to_usize(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

fn field_is_link(local_name: &[u8]) -> bool {
    local_name == b"link"
}

/// Atom links: `<link rel="alternate" href="..."/>` (no `rel` means alternate).
fn take_link_href(start: &quick_xml::events::BytesStart<'_>, hints: &mut ItemHints) {
    let mut href = None;
    let mut rel = None;
    for attribute in start.attributes().flatten() {
        let value = attribute.unescape_value().unwrap_or_default().into_owned();
        match attribute.key.local_name().as_ref() {
            b"href" => href = Some(value),
            b"rel" => rel = Some(value),
            _ => {}
        }
    }
    if let Some(href) = href
        && rel.as_deref().is_none_or(|r| r == "alternate")
        && hints.link.is_none()
    {
        hints.link = Some(href);
    }
}

fn append_field_text(open: &mut Option<OpenItem>, text: &str) {
    if let Some(OpenItem {
        field: Some((_, value)),
        ..
    }) = open
    {
        value.push_str(text);
    }
}

fn set_hint(hints: &mut ItemHints, field: HintField, text: String) {
    let text = text.trim().to_owned();
    if text.is_empty() {
        return;
    }
    let slot = match field {
        HintField::Guid => &mut hints.guid,
        HintField::Link => &mut hints.link,
        HintField::Title => &mut hints.title,
        HintField::Date => &mut hints.date,
    };
    if slot.is_none() {
        *slot = Some(text);
    }
}

fn split_json_feed(bytes: &[u8]) -> Result<Vec<SplitItem>, SplitError> {
    let mut feed: Value =
        serde_json::from_slice(strip_bom(bytes)).map_err(|e| SplitError::Json(e.to_string()))?;
    let items = match feed.get_mut("items").map(Value::take) {
        Some(Value::Array(items)) => items,
        _ => return Ok(Vec::new()),
    };
    Ok(items
        .into_iter()
        .map(|item| {
            let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
            let hints = ItemHints {
                guid: text("id"),
                link: text("url"),
                title: text("title"),
                date: text("date_published").or_else(|| text("date_modified")),
            };
            let mut single = feed.clone();
            single["items"] = Value::Array(vec![item]);
            SplitItem {
                bytes: serde_json::to_vec(&single).unwrap_or_default(),
                hints,
            }
        })
        .collect())
}

fn ninjs_hints(bytes: &[u8]) -> ItemHints {
    let value: Value = serde_json::from_slice(strip_bom(bytes)).unwrap_or_default();
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    ItemHints {
        guid: text("uri"),
        link: None,
        title: value
            .pointer("/headlines/0/value")
            .and_then(Value::as_str)
            .map(str::to_owned),
        date: text("versionCreated").or_else(|| text("firstCreated")),
    }
}

/// The polling period a feed asks for in its header: RSS `<ttl>` (minutes) or the
/// syndication module's `sy:updatePeriod` / `sy:updateFrequency`.
pub fn feed_period(bytes: &[u8]) -> Option<std::time::Duration> {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut current: Option<&'static str> = None;
    let (mut ttl, mut period, mut frequency) = (None, None, None);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(start)) => {
                let name = start.local_name();
                if is_item(name.as_ref()) {
                    break;
                }
                current = match name.as_ref() {
                    b"ttl" => Some("ttl"),
                    b"updatePeriod" => Some("period"),
                    b"updateFrequency" => Some("frequency"),
                    _ => None,
                };
            }
            Ok(Event::Text(text)) => {
                let value = text.decode().map(|t| t.trim().to_owned()).ok();
                match current.take() {
                    Some("ttl") => ttl = value,
                    Some("period") => period = value,
                    Some("frequency") => frequency = value,
                    _ => {}
                }
            }
            Ok(Event::End(_)) => current = None,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    crate::schedule::feed_period(ttl.as_deref(), period.as_deref(), frequency.as_deref())
}

fn newsml_guid(bytes: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(start) | Event::Empty(start))
                if matches!(start.local_name().as_ref(), b"newsItem" | b"packageItem") =>
            {
                return start
                    .try_get_attribute("guid")
                    .ok()
                    .flatten()
                    .and_then(|a| a.unescape_value().ok())
                    .map(|v| v.into_owned());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => buf.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Demo</title><link>https://example.org/</link>
<item><title>First &amp; foremost</title><guid isPermaLink="false">tag:x,1</guid>
<link>https://example.org/1?utm_source=rss</link><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate>
<description><![CDATA[<p>One</p>]]></description></item>
<item><title><![CDATA[Second]]></title><link>https://example.org/2</link><dc:date>2026-11-24T11:00:00Z</dc:date></item>
</channel></rss>"#;

    const ATOM: &str = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><id>urn:a:1</id><title type="html">Entry one</title>
<link rel="self" href="https://a.example/self"/><link href="https://a.example/1"/>
<updated>2026-11-24T10:00:00Z</updated><content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry>
</feed>"#;

    #[test]
    fn sniffs_formats_from_content() {
        assert_eq!(sniff_format(RSS.as_bytes()), RawFormat::Rss);
        assert_eq!(sniff_format(ATOM.as_bytes()), RawFormat::Atom);
        assert_eq!(
            sniff_format(b"\xEF\xBB\xBF<?xml version='1.0'?><rdf:RDF xmlns:rdf='r'/>"),
            RawFormat::Rdf
        );
        assert_eq!(
            sniff_format(br#"<newsItem guid="g"/>"#),
            RawFormat::NewsmlG2
        );
        assert_eq!(sniff_format(b"<nitf><head/></nitf>"), RawFormat::Nitf);
        assert_eq!(
            sniff_format(br#"{"version":"https://jsonfeed.org/version/1.1","items":[]}"#),
            RawFormat::JsonFeed
        );
        assert_eq!(sniff_format(br#"{"uri":"urn:x"}"#), RawFormat::Ninjs);
        assert_eq!(sniff_format(b"MOSCOW (AFP) - text"), RawFormat::Text);
        assert_eq!(sniff_format(b"\xff\xfe\x00garbage"), RawFormat::Unknown);
        assert_eq!(sniff_format(b"{not json"), RawFormat::Unknown);
    }

    #[test]
    fn splits_rss_into_single_item_feeds_with_hints() {
        let items = split(RawFormat::Rss, RSS.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        let first = String::from_utf8(items[0].bytes.clone()).unwrap();
        assert!(first.starts_with("<?xml"));
        assert!(first.contains("<title>Demo</title>"), "channel header kept");
        assert!(first.contains("tag:x,1") && !first.contains("Second"));
        assert!(first.trim_end().ends_with("</channel></rss>"));
        assert_eq!(items[0].hints.guid.as_deref(), Some("tag:x,1"));
        assert_eq!(items[0].hints.title.as_deref(), Some("First & foremost"));
        assert_eq!(
            items[0].hints.link.as_deref(),
            Some("https://example.org/1?utm_source=rss")
        );
        assert_eq!(
            items[0].hints.date.as_deref(),
            Some("Tue, 24 Nov 2026 10:00:00 GMT")
        );
        assert_eq!(items[1].hints.guid, None);
        assert_eq!(items[1].hints.title.as_deref(), Some("Second"));
        assert_eq!(items[1].hints.date.as_deref(), Some("2026-11-24T11:00:00Z"));
        // Each single-item document is itself a well-formed feed.
        assert_eq!(split(RawFormat::Rss, &items[1].bytes).unwrap().len(), 1);
    }

    #[test]
    fn splits_atom_and_prefers_the_alternate_link() {
        let items = split(RawFormat::Atom, ATOM.as_bytes()).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].hints.guid.as_deref(), Some("urn:a:1"));
        assert_eq!(items[0].hints.link.as_deref(), Some("https://a.example/1"));
    }

    #[test]
    fn splits_json_feed_items() {
        let feed = br#"{"version":"https://jsonfeed.org/version/1.1","title":"J",
            "items":[{"id":"1","url":"https://j.example/1","content_text":"a"},{"id":"2"}]}"#;
        let items = split(RawFormat::JsonFeed, feed).unwrap();
        assert_eq!(items.len(), 2);
        let single: Value = serde_json::from_slice(&items[1].bytes).unwrap();
        assert_eq!(single["title"], "J");
        assert_eq!(single["items"].as_array().unwrap().len(), 1);
        assert_eq!(items[0].hints.link.as_deref(), Some("https://j.example/1"));
    }

    #[test]
    fn malformed_xml_is_an_error_with_a_position_not_a_panic() {
        let truncated = &RSS.as_bytes()[..RSS.len() / 2];
        let error = split(RawFormat::Rss, truncated).unwrap_err();
        assert!(matches!(error, SplitError::Xml { .. }), "{error}");
        let mismatched = b"<rss><channel><item><title>x</wrong></item></channel></rss>";
        assert!(split(RawFormat::Rss, mismatched).is_err());
    }

    #[test]
    fn reads_the_feeds_polling_period_from_its_header() {
        let ttl = b"<rss><channel><ttl>15</ttl><item><ttl>1</ttl></item></channel></rss>";
        assert_eq!(feed_period(ttl), Some(std::time::Duration::from_secs(900)));
        let sy = br#"<rdf:RDF xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
            <sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>
            </channel></rdf:RDF>"#;
        assert_eq!(feed_period(sy), Some(std::time::Duration::from_secs(900)));
        assert_eq!(feed_period(RSS.as_bytes()), None);
    }

    #[test]
    fn a_cdf_channel_splits_into_its_items() {
        let cdf = b"<CHANNEL><TITLE>t</TITLE><ITEM HREF=\"https://a.example/1\"><TITLE>one</TITLE></ITEM><ITEM HREF=\"https://a.example/2\"/></CHANNEL>";
        assert_eq!(sniff_format(cdf), RawFormat::Rss);
        let items = split(RawFormat::Rss, cdf).unwrap();
        assert_eq!(items.len(), 2);
        let second = String::from_utf8(items[1].bytes.clone()).unwrap();
        assert!(
            second.contains("<ITEM HREF=\"https://a.example/2\"/>"),
            "{second}"
        );
        assert!(!second.contains("one"), "{second}");
    }

    #[test]
    fn a_feed_without_items_gives_no_items() {
        let empty = b"<rss><channel><title>t</title></channel></rss>";
        assert!(split(RawFormat::Rss, empty).unwrap().is_empty());
    }

    #[test]
    fn single_documents_are_one_item() {
        let g2 = br#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:x:1" version="2"/>"#;
        let items = split(RawFormat::NewsmlG2, g2).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].hints.guid.as_deref(), Some("urn:newsml:x:1"));
        let ninjs = br#"{"uri":"urn:n:1","headlines":[{"value":"H"}]}"#;
        let items = split(RawFormat::Ninjs, ninjs).unwrap();
        assert_eq!(items[0].hints.guid.as_deref(), Some("urn:n:1"));
        assert_eq!(items[0].hints.title.as_deref(), Some("H"));
    }
}
