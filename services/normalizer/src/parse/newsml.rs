//! IPTC NewsML-G2 news items: a `newsItem`, or a `newsMessage` holding news items in its
//! `itemSet`. The fetcher publishes a NewsML-G2 document whole, as one raw item.
//!
//! TODO: a `newsMessage` with several news items is normalized as its first one (the fetcher
//! does not split messages yet); the others are counted in [`NewsItem::others`] only.

use super::xml::{self, Element};
use super::{ParseError, ParsedItem, first_text, markup, nitf, provider_subject, pub_status};
use crate::dates;
use wire_model::Subject;

/// A parsed news item, and how many other news items its message held.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsItem {
    pub item: ParsedItem,
    pub others: usize,
}

/// Why a package is refused: it groups references to other items (which arrive as items of
/// their own) and has no story of its own to make an article of.
pub const PACKAGE: &str =
    "newsml-g2 packageItem: a package of references to other items, with no story of its own";

/// Parses a NewsML-G2 document.
pub fn parse(text: &str) -> Result<NewsItem, ParseError> {
    let root = xml::parse(text)?;
    let (news_item, others) = match root.name.as_str() {
        "newsItem" => (&root, 0),
        "newsMessage" => {
            let item_set = || {
                root.children_named("itemSet")
                    .flat_map(|set| set.elements())
            };
            let mut items = item_set().filter(|item| item.name == "newsItem");
            let Some(first) = items.next() else {
                return Err(if item_set().any(|item| item.name == "packageItem") {
                    ParseError::Unsupported(PACKAGE)
                } else {
                    ParseError::NoItem
                });
            };
            (first, items.count())
        }
        "packageItem" => return Err(ParseError::Unsupported(PACKAGE)),
        "conceptItem" | "knowledgeItem" | "planningItem" | "catalog" => {
            return Err(ParseError::Unsupported(
                "newsml-g2 item other than a news item",
            ));
        }
        _ => return Err(ParseError::NoItem),
    };
    Ok(NewsItem {
        item: parse_news_item(news_item),
        others,
    })
}

fn parse_news_item(item: &Element) -> ParsedItem {
    let meta = item.child("itemMeta");
    let content = item.child("contentMeta");
    let meta_text = |name: &str| meta.and_then(|m| m.path_text(&[name]));
    let content_text = |name: &str| content.and_then(|c| c.path_text(&[name]));
    let date = |text: Option<String>| text.as_deref().and_then(dates::parse);

    let inline = item.child("contentSet").and_then(|set| {
        set.children_named("inlineXML")
            .find(|inline| {
                inline
                    .attr("contenttype")
                    .is_some_and(|t| t.contains("html") || t.contains("nitf"))
            })
            .or_else(|| set.child("inlineXML"))
    });
    let body_html = inline.map(|inline| body_html(inline, content));
    let body_text = if inline.is_none() {
        item.child("contentSet")
            .and_then(|set| set.child("inlineData"))
            .and_then(Element::text_nonempty)
    } else {
        None
    };
    // An inline NITF document is read as one: its title, byline, abstract and dateline fill
    // what `contentMeta` leaves empty. An XHTML one can carry the title in its `head`.
    let nitf = inline
        .and_then(|inline| inline.descendant("nitf"))
        .map(nitf::read);
    let nitf_field =
        |field: fn(&ParsedItem) -> &Option<String>| nitf.as_ref().and_then(|n| field(n).clone());
    let xhtml_title = inline
        .and_then(|inline| inline.descendant("html"))
        .and_then(|html| html.path_text(&["head", "title"]));

    let language = first_text([
        inline.and_then(|i| i.attr("xml:lang")).map(str::to_owned),
        content
            .and_then(|c| c.child("language"))
            .and_then(|l| l.attr("tag"))
            .map(str::to_owned),
        item.attr("xml:lang").map(str::to_owned),
    ]);
    let rights = item.child("rightsInfo");
    ParsedItem {
        headline: first_text([
            content_text("headline"),
            nitf_field(|n| &n.headline),
            xhtml_title,
        ]),
        body_html,
        body_text,
        summary: content
            .and_then(summary)
            .or_else(|| nitf_field(|n| &n.summary)),
        first_created: date(meta_text("firstCreated"))
            .or_else(|| date(content_text("contentCreated"))),
        version_created: date(meta_text("versionCreated")),
        embargoed_until: date(meta_text("embargoed")),
        language,
        by: first_text([content_text("by"), nitf_field(|n| &n.by)]),
        link: None,
        provider_uri: item.attr("guid").map(str::to_owned),
        guid: item.attr("guid").map(str::to_owned),
        version: item.attr("version").map(str::to_owned),
        urgency: content_text("urgency")
            .and_then(|u| u.parse().ok())
            .and_then(super::urgency),
        pub_status: meta
            .and_then(|m| m.child("pubStatus"))
            .and_then(|s| s.attr("qcode"))
            .and_then(pub_status),
        kind: item_class(meta),
        signals: signals(meta),
        slugline: content_text("slugline"),
        located: content
            .and_then(located)
            .or_else(|| nitf_field(|n| &n.located)),
        dateline: content_text("dateline").or_else(|| nitf_field(|n| &n.dateline)),
        credit: content_text("creditline"),
        copyright_holder: rights.and_then(|r| r.path_text(&["copyrightHolder", "name"])),
        copyright_notice: rights.and_then(|r| r.path_text(&["copyrightNotice"])),
        subjects: subjects(content),
        categories: Vec::new(),
    }
}

/// The item's signals (`sig:update`, `sig:correction`, ...) by their code's value.
fn signals(meta: Option<&Element>) -> Vec<String> {
    meta.into_iter()
        .flat_map(|m| m.children_named("signal"))
        .filter_map(|signal| signal.attr("qcode"))
        .map(|qcode| qcode.rsplit(':').next().unwrap_or(qcode).to_owned())
        .filter(|signal| !signal.is_empty())
        .collect()
}

/// The provider's coded subjects.
fn subjects(content: Option<&Element>) -> Vec<Subject> {
    content
        .into_iter()
        .flat_map(|c| c.children_named("subject"))
        .filter_map(|subject| {
            provider_subject(
                subject.attr("qcode"),
                subject.attr("uri"),
                subject.child("name").and_then(Element::text_nonempty),
            )
        })
        .collect()
}

/// Where the story happened: `<located>`'s name, else its code's value.
fn located(content: &Element) -> Option<String> {
    content.child("located").and_then(|located| {
        located
            .child("name")
            .and_then(Element::text_nonempty)
            .or_else(|| {
                // `<located qcode="city:Moscow">` without a name: the code's value.
                located
                    .attr("qcode")
                    .and_then(|q| q.split_once(':'))
                    .map(|(_, value)| value.to_owned())
                    .filter(|value| !value.is_empty() && !value.chars().all(|c| c.is_ascii_digit()))
            })
    })
}

/// The ninjs `type` from `itemClass` (`ninat:text` -> `text`), for the kinds ninjs knows.
fn item_class(meta: Option<&Element>) -> Option<String> {
    meta.and_then(|m| m.child("itemClass"))
        .and_then(|c| c.attr("qcode"))
        .and_then(|qcode| match qcode.rsplit(':').next() {
            Some(kind @ ("text" | "picture" | "video" | "audio" | "graphic" | "composite")) => {
                Some(kind.to_owned())
            }
            _ => None,
        })
}

/// The summary: a `description` with a summary-like role, else the first one.
fn summary(content: &Element) -> Option<String> {
    let descriptions: Vec<&Element> = content.children_named("description").collect();
    descriptions
        .iter()
        .find(|d| {
            d.attr("role")
                .is_some_and(|role| role.ends_with("summary") || role.ends_with("teaser"))
        })
        .or_else(|| descriptions.first())
        .and_then(|d| d.text_nonempty())
}

/// The body of an `inlineXML` as HTML: the XHTML `body` without its `header` (title, byline
/// and metadata repeated for display), or NITF's `body.content`; a lead paragraph that repeats
/// the item's description (dpa's teaser) is left out, as the description is kept already.
fn body_html(inline: &Element, content: Option<&Element>) -> String {
    let description = content
        .and_then(summary)
        .map(|d| crate::text::clean_inline(&d));
    let body = inline
        .descendant("body.content")
        .or_else(|| inline.descendant("body"))
        .unwrap_or(inline);
    let skip = |element: &Element| {
        matches!(element.name.as_str(), "header" | "body.head" | "body.end")
            || (element.name == "p"
                && element.attr("class") == Some("teaser")
                && description
                    .as_deref()
                    .is_some_and(|d| crate::text::clean_inline(&element.text()) == d))
    };
    markup::inner_html(body, &skip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_news_message_is_read_as_its_first_news_item() {
        let message = r#"<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>
            <newsItem guid="urn:a" version="2"><contentMeta><headline>First</headline></contentMeta></newsItem>
            <newsItem guid="urn:b"><contentMeta><headline>Second</headline></contentMeta></newsItem>
            </itemSet></newsMessage>"#;
        let parsed = parse(message).unwrap();
        assert_eq!(parsed.item.headline.as_deref(), Some("First"));
        assert_eq!(parsed.item.guid.as_deref(), Some("urn:a"));
        assert_eq!(parsed.item.version.as_deref(), Some("2"));
        assert_eq!(parsed.others, 1);
    }

    #[test]
    fn other_item_kinds_are_unsupported() {
        assert!(matches!(
            parse("<packageItem/>"),
            Err(ParseError::Unsupported(_))
        ));
        assert!(matches!(parse("<newsMessage/>"), Err(ParseError::NoItem)));
    }
}
