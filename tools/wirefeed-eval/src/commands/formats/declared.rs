//! What an agency file says it holds, read from its own content and never from the
//! normalizer's result: the item's declared type (ninjs `type`, NewsML-G2 `itemClass`, AP
//! Media `type`, NewsML 1.x `MediaType`; NITF, IPTC 7901 and ANPA-1312 carry text only) and
//! whether its headline and its body are in the file. The evaluation compares the
//! normalizer's article against this, so a reader that misses a body the file holds counts as
//! a failure, and a picture or a story sent by reference does not.

use serde_json::Value;
use wire_model::RawFormat;
use wirefeed_normalizer::parse::{ap_media, dpa, ninjs, wire_text, xml};

/// Where an item's body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Text in the file.
    InFile,
    /// Only a link to a download (AP Media renditions, NewsML-G2 `remoteContent`).
    ByReference,
    /// The body element is missing or empty.
    Empty,
}

/// The declared kind of the item a file holds and where its headline and body are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// `text`, `picture`, `video`, `graphic`, `audio`, `composite`, `package`, ...
    pub kind: String,
    pub headline: bool,
    pub body: Body,
}

impl Declared {
    fn text(headline: bool, body: Body) -> Self {
        Self {
            kind: "text".to_owned(),
            headline,
            body,
        }
    }

    /// A text item with its headline and its body in the file: one the normalizer must turn
    /// into an article with both.
    pub fn is_complete_text(&self) -> bool {
        self.kind == "text" && self.headline && self.body == Body::InFile
    }

    /// What the item is, for the list of items that are not complete text items.
    pub fn describe(&self) -> String {
        if self.kind == "package" {
            return "package of references to other items, no story of its own".to_owned();
        }
        let headline = if self.headline {
            "headline in the file"
        } else {
            "headline empty in the file"
        };
        if self.kind != "text" {
            return format!("{} item, {headline}", self.kind);
        }
        let body = match self.body {
            Body::InFile => "body in the file",
            Body::ByReference => "body only by reference (a download link)",
            Body::Empty => "body empty in the file",
        };
        format!("{} item, {headline}, {body}", self.kind)
    }
}

/// The declared content of `text` read as `format` (the one sniffed from the content);
/// `None` for a format of no agency item (feeds, unknown documents).
pub fn declared(format: RawFormat, text: &str) -> Option<Declared> {
    match format {
        RawFormat::NewsmlG2 => newsml_g2(&xml::parse(text).ok()?),
        RawFormat::Newsml1 => newsml_1(&xml::parse(text).ok()?),
        RawFormat::Nitf => {
            let root = xml::parse(text).ok()?;
            Some(Declared::text(nitf_headline(&root), nitf_body(&root)))
        }
        RawFormat::Ninjs => json(&serde_json::from_str(text.trim_start()).ok()?),
        RawFormat::Text if wire_text::is_wire_message(text) => {
            let content = text.split_once('\u{2}').map_or("", |(_, rest)| rest);
            let content = content
                .split_once('\u{3}')
                .map_or(content, |(body, _)| body);
            let body = if content.trim().is_empty() {
                Body::Empty
            } else {
                Body::InFile
            };
            Some(Declared::text(true, body))
        }
        _ => None,
    }
}

/// The wire framing a plain-text item uses, for the table's format column.
pub fn wire_text_format(text: &str) -> Option<&'static str> {
    if !wire_text::is_wire_message(text) {
        return None;
    }
    let content = text.split_once('\u{2}').map_or("", |(_, rest)| rest);
    Some(if content.lines().any(|line| line.starts_with('^')) {
        "anpa-1312"
    } else {
        "iptc-7901"
    })
}

fn filled(element: Option<&xml::Element>) -> bool {
    element.and_then(xml::Element::text_nonempty).is_some()
}

fn body_of(element: Option<&xml::Element>) -> Body {
    if filled(element) {
        Body::InFile
    } else {
        Body::Empty
    }
}

fn nitf_headline(nitf: &xml::Element) -> bool {
    filled(nitf.path(&["body", "body.head", "hedline"])) || filled(nitf.path(&["head", "title"]))
}

fn nitf_body(nitf: &xml::Element) -> Body {
    body_of(nitf.path(&["body", "body.content"]))
}

/// A NewsML-G2 document: its first news item (a message's), else the package it holds.
fn newsml_g2(root: &xml::Element) -> Option<Declared> {
    let item_set: Vec<&xml::Element> = root
        .children_named("itemSet")
        .flat_map(xml::Element::elements)
        .collect();
    let item = match root.name.as_str() {
        "newsItem" => root,
        "newsMessage" => match item_set.iter().find(|item| item.name == "newsItem") {
            Some(item) => item,
            None => {
                return item_set
                    .iter()
                    .any(|item| item.name == "packageItem")
                    .then(package);
            }
        },
        "packageItem" => return Some(package()),
        _ => return None,
    };
    let kind = item
        .path(&["itemMeta", "itemClass"])
        .and_then(|class| class.attr("qcode"))
        .map_or("text", |qcode| qcode.rsplit(':').next().unwrap_or(qcode))
        .to_owned();
    let content_set = item.child("contentSet");
    let inline = content_set.and_then(|set| {
        set.children_named("inlineXML")
            .chain(set.children_named("inlineData"))
            .find(|inline| filled(Some(inline)))
    });
    let nitf = inline.and_then(|inline| inline.descendant("nitf"));
    let headline = filled(item.path(&["contentMeta", "headline"]))
        || nitf.is_some_and(nitf_headline)
        || filled(
            inline
                .and_then(|inline| inline.descendant("html"))
                .and_then(|html| html.path(&["head", "title"])),
        );
    let body = match (inline, nitf) {
        (Some(_), Some(nitf)) => nitf_body(nitf),
        (Some(inline), None) => body_of(inline.descendant("body").or(Some(inline))),
        (None, _) if content_set.is_some_and(|set| set.child("remoteContent").is_some()) => {
            Body::ByReference
        }
        (None, _) => Body::Empty,
    };
    Some(Declared {
        kind,
        headline,
        body,
    })
}

fn package() -> Declared {
    Declared {
        kind: "package".to_owned(),
        headline: false,
        body: Body::Empty,
    }
}

/// A NewsML 1.x document: text when one of its content items is text, else the first
/// content item's media type.
fn newsml_1(root: &xml::Element) -> Option<Declared> {
    let mut content_items = Vec::new();
    collect(root, "ContentItem", &mut content_items);
    let media_type = |item: &xml::Element| {
        item.child("MediaType")
            .and_then(|m| m.attr("FormalName"))
            .map(str::to_ascii_lowercase)
    };
    let text_item = content_items
        .iter()
        .find(|item| media_type(item).as_deref() == Some("text"));
    let mut headlines = Vec::new();
    collect(root, "HeadLine", &mut headlines);
    let headline = headlines.iter().any(|h| filled(Some(h)));
    Some(match text_item {
        Some(item) => Declared::text(headline, body_of(item.child("DataContent"))),
        None => Declared {
            kind: content_items
                .first()
                .and_then(|item| media_type(item))
                .map(|kind| {
                    if kind == "photo" {
                        "picture".to_owned()
                    } else {
                        kind
                    }
                })?,
            headline,
            body: Body::Empty,
        },
    })
}

fn collect<'a>(element: &'a xml::Element, name: &str, found: &mut Vec<&'a xml::Element>) {
    for child in element.elements() {
        if child.name == name {
            found.push(child);
        }
        collect(child, name, found);
    }
}

fn has_text(value: Option<&Value>) -> bool {
    match value {
        Some(Value::String(text)) => !text.trim().is_empty(),
        Some(Value::Array(values)) => values
            .iter()
            .any(|v| has_text(Some(v)) || has_text(v.get("value"))),
        _ => false,
    }
}

/// A JSON document: an AP Media item or feed page (its first item), dpa digitalwires, a ninjs
/// item or a list envelope of them (its first item).
fn json(value: &Value) -> Option<Declared> {
    if ap_media::is_ap_media(value) {
        let item = value.pointer("/data/item").or_else(|| {
            value
                .pointer("/data/items")?
                .as_array()?
                .iter()
                .find_map(|entry| entry.get("item"))
        })?;
        let inline = ["headline_extended", "description_summary"]
            .iter()
            .any(|key| has_text(item.get(*key)));
        let linked = item
            .get("renditions")
            .and_then(Value::as_object)
            .is_some_and(|renditions| {
                renditions
                    .values()
                    .any(|r| r.get("type").and_then(Value::as_str) == Some("text"))
            });
        return Some(Declared {
            kind: kind_of(item),
            headline: has_text(item.get("headline")) || has_text(item.get("title")),
            body: match (inline, linked) {
                (true, _) => Body::InFile,
                (false, true) => Body::ByReference,
                (false, false) => Body::Empty,
            },
        });
    }
    if dpa::is_digitalwires(value) {
        return Some(Declared::text(
            has_text(value.get("headline")),
            if has_text(value.get("article_html")) {
                Body::InFile
            } else {
                Body::Empty
            },
        ));
    }
    if !ninjs::looks_like_ninjs(value) {
        return None;
    }
    let item = ["item", "items", "_items"]
        .iter()
        .find_map(|key| value.get(*key)?.as_array()?.first())
        .filter(|_| value.get("headline").is_none() && value.get("headlines").is_none())
        .unwrap_or(value);
    let body = ["body_html", "body_text", "body_xhtml", "bodies"]
        .iter()
        .any(|key| has_text(item.get(*key)));
    Some(Declared {
        kind: kind_of(item),
        headline: has_text(item.get("headline")) || has_text(item.get("headlines")),
        body: if body { Body::InFile } else { Body::Empty },
    })
}

/// The ninjs `type` (the 1.x/2.x dialects' `story`, `advisory` are text), `text` when absent.
fn kind_of(item: &Value) -> String {
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("text");
    ninjs::news_type(kind).unwrap_or_else(|| kind.trim().to_ascii_lowercase())
}
