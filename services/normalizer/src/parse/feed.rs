//! RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed items, parsed with feed-rs and, where feed-rs
//! cannot read a construct, with our own reader ([`super::feed_item`]); entities the DOCTYPE
//! declares are expanded first ([`super::dtd_entities`]). feed-rs's generated ids are
//! never used (the id generator here returns nothing): the item identity comes from the
//! fetcher's identity chain, and `guid` is only what the provider wrote.
//!
//! Dates go through [`crate::dates::parse`] as feed-rs's timestamp parser, so a date feed-rs
//! alone would drop (`Sat, Dec 16 2023 02:02:33 PM`, `CEST`, a wrong weekday) is read from the
//! item's own `pubDate`/`dc:date`/`published`/`updated` text where feed-rs found it.

use super::{ParseError, ParsedItem};

/// Parses a single-item feed document (as the fetcher publishes them), as UTF-8 text.
///
/// feed-rs reads the item first. Where it fails or finds no item (Atom 0.3, RSS 0.90, a text
/// construct with an empty or unknown `type`), [`super::feed_item`] reads the whole item; where
/// it succeeds, that reader fills what feed-rs left empty (`dc:title`, `dc:description`, a
/// permalink `guid` as the link) and replaces a body feed-rs left base64-encoded.
pub fn parse(text: &str) -> Result<ParsedItem, ParseError> {
    let references = super::dtd_entities::lowercase_hex_references(text);
    let text = references.as_deref().unwrap_or(text);
    let closed = with_last_end_tag_closed(text);
    let text = closed.as_deref().unwrap_or(text);
    let expanded = super::dtd_entities::expand(text);
    let text = expanded.as_deref().unwrap_or(text);
    match parse_with_feed_rs(text) {
        // The second reading costs a parse of the document: it runs only when it can add
        // something.
        Ok((item, encoded)) if encoded || has_gaps(&item, text) => {
            Ok(match super::feed_item::read(text) {
                Some(own) => fill_gaps(item, own),
                None => item,
            })
        }
        Ok((item, _)) => Ok(item),
        Err(error) => super::feed_item::read(text)
            .map(|own| own.item)
            .ok_or(error),
    }
}

/// Whether the feed-rs item lacks a field our reader may find: a headline, a body or a link
/// (`dc:title`, `dc:description`, a permalink `guid`), an author or categories the document
/// gives in Dublin Core, a language `xml:lang` declares on the item or its text, a `summary`
/// beside an RSS `description` (feed-rs reads one of the two).
fn has_gaps(item: &ParsedItem, text: &str) -> bool {
    item.headline.is_none()
        || item.body_html.is_none()
        || item.link.is_none()
        || (item.by.is_none() && text.contains("creator>"))
        || (item.categories.is_empty() && text.contains("subject>"))
        || item_declares_language(text)
        || (item.summary.is_none() && text.contains("summary>"))
}

/// Whether an `xml:lang` stands inside the item (on the entry or one of its texts): feed-rs
/// reads the feed's own, so a document that declares it only on its root needs no second read.
fn item_declares_language(text: &str) -> bool {
    ["<entry", "<item", "<ITEM"]
        .iter()
        .filter_map(|tag| text.find(tag))
        .min()
        .is_some_and(|start| text[start..].contains("xml:lang"))
}

/// The feed-rs item with the gaps our reader can fill filled from `own`.
fn fill_gaps(mut item: ParsedItem, own: super::feed_item::FeedItem) -> ParsedItem {
    let super::feed_item::FeedItem {
        item: own,
        body_was_base64,
    } = own;
    if body_was_base64 {
        item.body_html = own.body_html;
        item.summary = own.summary.or(item.summary);
    } else if item.body_html.is_none() || (item.summary.is_none() && own.summary.is_some()) {
        // With no body, or with two summaries feed-rs read one of as the body: our reader's
        // body and summary.
        item.body_html = own.body_html.or(item.body_html);
        item.summary = item.summary.or(own.summary);
    }
    item.headline = item
        .headline
        .filter(|h| !h.trim().is_empty())
        .or(own.headline);
    item.link = item.link.or(own.link);
    item.by = item.by.or(own.by);
    // Our reader honours the most specific `xml:lang` (a title's, a content's); feed-rs only
    // the feed's and the entry's.
    item.language = own.language.or(item.language);
    item.first_created = item.first_created.or(own.first_created);
    item.version_created = item.version_created.or(own.version_created);
    if item.categories.is_empty() && item.subjects.is_empty() {
        item.categories = own.categories;
    }
    item
}

/// The item as feed-rs reads it, and whether its content may still be base64 (a non-text
/// MIME type, or a `mode="base64"` feed-rs does not look at).
fn parse_with_feed_rs(text: &str) -> Result<(ParsedItem, bool), ParseError> {
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(crate::dates::parse)
        .build();
    // feed-rs 3.0 asserts (panics) on some malformed Atom, found by fuzzing
    // (`tests/regressions/feed-rs-mediarss-assert.bin`): a panic inside the parser is this
    // item's parse error, not a crash of the stage.
    let parse = |bytes: &[u8]| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
            .map_err(|_| ParseError::Feed("the feed parser failed on malformed input".to_owned()))?
            .map_err(|e| ParseError::Feed(e.to_string()))
    };
    let feed = match parse(text.as_bytes()) {
        Ok(feed) => feed,
        // feed-rs reads `<rss>` only with a version it knows; RSS without one (a real
        // Brazilian news feed in the fixtures) or with `2.01` is RSS 2.0 for every reader.
        Err(error) => match with_rss_version(text) {
            Some(fixed) => parse(fixed.as_bytes())?,
            None => return Err(error),
        },
    };
    let language = feed.language.clone();
    let is_atom = feed.feed_type == feed_rs::model::FeedType::Atom;
    // The fields of ParsedItem are HTML. Atom says when a construct is plain text
    // (`type="text"`), so its `<` is a character, not markup; RSS does not say, and its text
    // is read as HTML as every reader does.
    let html = |text: feed_rs::model::Text| {
        if is_atom && text.content_type.essence().to_string() == "text/plain" {
            quick_xml::escape::escape(&text.content).into_owned()
        } else {
            text.content
        }
    };
    let copyright_notice = feed.rights.clone().map(html);
    let entry = feed.entries.into_iter().next().ok_or(ParseError::NoItem)?;
    let encoded = text.contains("base64")
        || entry.content.as_ref().is_some_and(|content| {
            content.body.is_some()
                && super::feed_item::is_binary_mime(
                    &content
                        .content_type
                        .essence()
                        .to_string()
                        .to_ascii_lowercase(),
                )
        });
    let body_html = entry
        .content
        .as_ref()
        .and_then(|content| {
            let plain = is_atom && content.content_type.essence().to_string() == "text/plain";
            let body = content.body.as_deref()?;
            Some(if plain {
                quick_xml::escape::escape(body).into_owned()
            } else {
                body.to_owned()
            })
        })
        .filter(|body| !body.trim().is_empty());
    let summary = entry
        .summary
        .clone()
        .map(html)
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
    let item = ParsedItem {
        headline: entry.title.map(html),
        body_html,
        body_text: None,
        summary,
        first_created: entry
            .published
            .or(entry.updated)
            .or_else(|| item_date(text)),
        version_created: entry
            .updated
            .or(entry.published)
            .or_else(|| item_date(text)),
        language: entry.language.or(language),
        by: (!by.is_empty()).then_some(by),
        link,
        provider_uri: None,
        guid: Some(entry.id.trim().to_owned()).filter(|id| !id.is_empty()),
        copyright_notice: entry.rights.map(html).or(copyright_notice),
        // A category with a label is a subject named by its label, its term kept as the
        // provider's code; one without is a name only.
        subjects: entry
            .categories
            .iter()
            .filter_map(|c| {
                let label = c
                    .label
                    .as_deref()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())?;
                let term = c.term.trim();
                (!term.is_empty() && term != label).then(|| wire_model::Subject {
                    name: Some(label.to_owned()),
                    literal: Some(term.to_owned()),
                    creator: Some("provider".to_owned()),
                    ..wire_model::Subject::default()
                })
            })
            .collect(),
        categories: entry
            .categories
            .into_iter()
            .filter(|c| {
                c.label
                    .as_deref()
                    .is_none_or(|l| l.trim().is_empty() || l.trim() == c.term.trim())
            })
            .map(|c| c.term)
            .filter(|c| !c.trim().is_empty())
            .collect(),
        ..ParsedItem::default()
    };
    Ok((item, encoded))
}

/// The item's date read straight from its XML, for when feed-rs reports none (it ignores date
/// elements it does not map, such as `<dc:date>` in some RSS 2.0 dialects or a lower-case
/// `<pubdate>`): the first date-like element inside the first `item`/`entry`, read leniently.
fn item_date(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use quick_xml::events::Event;
    const DATE_ELEMENTS: &[&str] = &[
        "pubdate",
        "date",
        "published",
        "updated",
        "issued",
        "modified",
        "created",
    ];
    let mut reader = quick_xml::Reader::from_str(text);
    let mut in_item = false;
    let mut in_date = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).to_lowercase();
                if name == "item" || name == "entry" {
                    in_item = true;
                } else if in_item && DATE_ELEMENTS.contains(&name.as_str()) {
                    in_date = true;
                }
            }
            Event::Text(date) if in_date => {
                if let Some(date) = date.decode().ok().as_deref().and_then(crate::dates::parse) {
                    return Some(date);
                }
                in_date = false;
            }
            Event::End(end) => {
                let name = String::from_utf8_lossy(end.local_name().as_ref()).to_lowercase();
                if in_item && (name == "item" || name == "entry") {
                    return None;
                }
                in_date = false;
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The document with a `>` after its last end tag, when the document stops before it
/// (`...</entry>\n</feed`: a truncated transfer or a careless template); `None` otherwise.
fn with_last_end_tag_closed(text: &str) -> Option<String> {
    let trimmed = text.trim_end();
    let start = trimmed.rfind("</")?;
    let name = trimmed.get(start + 2..)?;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'));
    is_name.then(|| format!("{trimmed}>"))
}

/// The document with its `<rss>` start tag saying `version="2.0"`, when its version is missing
/// or one feed-rs does not know; `None` when it is not RSS or already says a known version.
fn with_rss_version(text: &str) -> Option<String> {
    let start = text.find("<rss")?;
    let tag_end = start + text.get(start..)?.find('>')?;
    let tag = text.get(start..tag_end)?;
    if !tag
        .get(4..)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace) || rest == "/")
    {
        return None;
    }
    let rewritten = match tag.find("version=") {
        None => format!("<rss version=\"2.0\"{}", tag.get(4..)?),
        Some(at) => {
            let value_start = at + "version=".len();
            let quote = tag.get(value_start..)?.chars().next()?;
            let value_end = value_start + 1 + tag.get(value_start + 1..)?.find(quote)?;
            let value = tag.get(value_start + 1..value_end)?;
            if ["2.0", "0.91", "0.92", ""].contains(&value) {
                return None;
            }
            format!(
                "{}\"2.0\"{}",
                tag.get(..value_start)?,
                tag.get(value_end + 1..)?
            )
        }
    };
    Some(format!(
        "{}{rewritten}{}",
        text.get(..start)?,
        text.get(tag_end..)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_xml_lang_inside_the_item_asks_for_the_second_reading() {
        let root_only = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><entry><title>a</title></entry></feed>"#;
        assert!(!item_declares_language(root_only));
        let on_title = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><entry><title xml:lang="en">a</title></entry></feed>"#;
        assert!(item_declares_language(on_title));
    }

    #[test]
    fn dates_feed_rs_leaves_out_are_read_from_the_item() {
        let cases = [
            (
                "<rss version=\"2.0\"><channel><title>t</title><item><title>a</title><pubdate>Sat, Dec 16 2023 02:02:33 PM</pubdate></item></channel></rss>",
                Some("2023-12-16T14:02:33+00:00"),
            ),
            (
                "<rss version=\"2.0\"><channel><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate><item><title>a</title></item></channel></rss>",
                None,
            ),
            (
                "<rss version=\"2.0\"><channel><item><title>a</title><date>soon</date><dc:created xmlns:dc=\"x\">2024-02-03</dc:created></item></channel></rss>",
                Some("2024-02-03T00:00:00+00:00"),
            ),
        ];
        for (text, expected) in cases {
            let item = parse(text).unwrap();
            assert_eq!(
                item.first_created.map(|d| d.to_rfc3339()).as_deref(),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn a_panic_inside_feed_rs_is_a_parse_error() {
        // A second XML declaration naming another encoding, after the start: quick-xml (inside
        // feed-rs) asserts. Found by fuzzing; feed-rs's own Atom assertion is in
        // `tests/regressions`.
        let text = format!(
            "<rss version=\"2.0\"><channel><title>{}</title><?xml version=\"1.0\" encoding=\"ISO-8859-1\"?></channel></rss>",
            "x".repeat(10_000)
        );
        match parse(&text) {
            Err(ParseError::Feed(message)) => assert!(!message.is_empty()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_document_cut_before_its_last_end_tag_closes_is_read() {
        let text =
            "<rss version=\"2.0\"><channel><item><title>&#X41;B</title></item></channel></rss";
        assert_eq!(parse(text).unwrap().headline.as_deref(), Some("AB"));
        assert_eq!(with_last_end_tag_closed("<a></a>"), None);
        assert_eq!(
            with_last_end_tag_closed("<a>x</a"),
            Some("<a>x</a>".to_owned())
        );
        assert_eq!(with_last_end_tag_closed("<a>x</"), None);
    }

    #[test]
    fn rss_without_a_known_version_is_read_as_rss_2() {
        let cases = [
            (
                "<rss><channel/></rss>",
                Some("<rss version=\"2.0\"><channel/></rss>"),
            ),
            (
                "<?xml?><rss version='2.01' a='b'>",
                Some("<?xml?><rss version=\"2.0\" a='b'>"),
            ),
            ("<rss version=\"2.0\">", None),
            ("<rssx>", None),
            ("<feed>", None),
        ];
        for (text, expected) in cases {
            assert_eq!(with_rss_version(text).as_deref(), expected, "{text}");
        }
    }
}
