//! Our own reader of a feed document's first item, for the constructs feed-rs cannot read and
//! cannot be taught through its API. [`super::feed`] asks feed-rs first and uses this reader
//! for the whole item when feed-rs fails or finds no item, and for the fields feed-rs leaves
//! empty otherwise.
//!
//! Why not feed-rs alone: feed-rs dispatches on fixed namespace URIs and `version` values, and
//! none of that is configurable. So it finds no item in **Atom 0.3**
//! (`http://purl.org/atom/ns#`) nor in **RSS 0.90** (`http://my.netscape.com/rdf/simple/0.9/`);
//! it rejects the whole document when a text construct has an empty or unknown `type`; it
//! returns base64 content (`mode="base64"`, or an Atom 1.0 `type` that is a non-text MIME type)
//! still encoded; it maps no `dc:title` or `dc:description` in RSS 2.0; and it never takes an
//! RSS `guid` as the item's link, even when `isPermaLink` says it is one.
//!
//! The reader works on the [`super::xml`] element tree (built from quick-xml events) with local
//! names, so `dc:title` and `title`, Atom 0.3 and 1.0, RSS 0.9x/1.0/2.0 elements are read alike.
//! The fields it fills are HTML, as feed-rs's are: text-typed constructs are escaped.

use base64::Engine;

use super::ParsedItem;
use super::xml::{Element, Node};

/// The first item of a feed document read by this module, and whether its body had to be
/// decoded from base64 (feed-rs hands such a body over still encoded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedItem {
    pub item: ParsedItem,
    pub body_was_base64: bool,
}

/// Reads the first `item`/`entry` of an RSS 0.9x/1.0/2.0, RDF or Atom 0.3/1.0 document;
/// `None` when the text is not well-formed XML or holds no item.
pub fn read(text: &str) -> Option<FeedItem> {
    let mut root = super::xml::parse(text).ok()?;
    // Microsoft CDF: a `CHANNEL` root whose `ITEM`s name their page in `HREF`, their date in
    // `LASTMOD` and their summary in `ABSTRACT`; its names are case-insensitive.
    if root.name.eq_ignore_ascii_case("channel") {
        lowercase_names(&mut root);
    }
    let root = root;
    let channel = root.child("channel");
    let entry = match root.name.as_str() {
        "entry" | "item" => &root,
        // RSS 2.0 puts items in the channel; RSS 0.90 and 1.0 (RDF) next to it.
        _ => root
            .children_named("entry")
            .chain(root.children_named("item"))
            .chain(channel.into_iter().flat_map(|c| c.children_named("item")))
            .next()?,
    };
    let headline = first_construct(entry, &["title"]).map(|c| c.html);
    let content = first_construct(entry, &["content", "encoded", "body", "fullitem"]);
    let (description, second_description) = descriptions(entry);
    // An item with two summaries (`description` and `summary`) and no content: the first is the
    // summary, the second the body, as feedparser reads them.
    let (content, description) = match (content, second_description) {
        (None, Some(second)) => (Some(second), description),
        (content, _) => (content, description),
    };
    let body_was_base64 = content
        .as_ref()
        .or(description.as_ref())
        .is_some_and(|c| c.was_base64);
    // As in the feed-rs path: with no content, the description is the body.
    let (body_html, summary) = match (content, description) {
        (None, description) => (description.map(|c| c.html), None),
        (content, description) => (content.map(|c| c.html), description.map(|c| c.html)),
    };
    let language = language(&root, channel, entry);
    let date = |names: &[&str]| {
        names
            .iter()
            .flat_map(|name| entry.children_named(name))
            .find_map(|el| crate::dates::parse(el.text().trim()))
    };
    let first_created = date(&["published", "issued", "pubDate", "created", "date"]);
    let version_created = date(&["updated", "modified"]).or_else(|| {
        entry
            .attr("lastmod")
            .and_then(|d| crate::dates::parse(d.trim()))
    });
    let feed_rights = channel
        .and_then(|c| first_text(c, &["rights", "copyright"]))
        .or_else(|| first_text(&root, &["rights", "copyright"]));
    Some(FeedItem {
        item: ParsedItem {
            headline,
            body_html,
            summary,
            first_created: first_created.or(version_created),
            version_created: version_created.or(first_created),
            language,
            by: authors(entry),
            link: link(entry),
            guid: first_text(entry, &["id", "guid"])
                .or_else(|| entry.attr("about").map(str::to_owned))
                .filter(|id| !id.trim().is_empty())
                .map(|id| id.trim().to_owned()),
            copyright_notice: first_text(entry, &["rights", "copyright"]).or(feed_rights),
            categories: categories(entry),
            ..ParsedItem::default()
        },
        body_was_base64,
    })
}

/// The language of the item's main text: the `xml:lang` of its body construct (the content,
/// else the summary, else the title) or, when that says none, the one it inherits from the
/// entry; else the language the entry or channel names, else the document's `xml:lang`. A
/// construct's `xml:lang` covers that construct only: a French title does not make the story
/// under it French. An empty `xml:lang` says the language is unknown (XML 1.0 §2.12): nothing
/// is inherited past it.
fn language(root: &Element, channel: Option<&Element>, entry: &Element) -> Option<String> {
    const CONSTRUCTS: &[&str] = &[
        "content",
        "encoded",
        "body",
        "fullitem",
        "summary",
        "description",
        "abstract",
        "title",
    ];
    let main_text = CONSTRUCTS
        .iter()
        .find_map(|name| entry.children_named(name).next());
    let declared = main_text
        .and_then(|construct| construct.attr("xml:lang"))
        .or_else(|| entry.attr("xml:lang"));
    if let Some(declared) = declared {
        return Some(declared.trim().to_owned()).filter(|l| !l.is_empty());
    }
    first_text(entry, &["language"])
        .or_else(|| channel.and_then(|c| first_text(c, &["language"])))
        .or_else(|| root.attr("xml:lang").map(str::to_owned))
        .filter(|l| !l.trim().is_empty())
}

/// The item's first non-empty summary (`summary`, `description`, `abstract`, in document
/// order) and the first one named otherwise after it (a `summary` after a `description`); a
/// `media:group`'s `media:description` when the item has none of its own. Two elements of the
/// same local name are one field written twice (or an extension module's namesake), not two.
fn descriptions(entry: &Element) -> (Option<Construct>, Option<Construct>) {
    const NAMES: &[&str] = &["summary", "description", "abstract"];
    let mut found = entry
        .elements()
        .filter(|el| NAMES.contains(&el.name.as_str()))
        .filter_map(|el| construct(el).map(|c| (el.name.as_str(), c)))
        .filter(|(_, c)| !c.html.trim().is_empty());
    let first = found.next();
    let second = first
        .as_ref()
        .and_then(|(first_name, _)| found.find(|(name, _)| name != first_name))
        .map(|(_, c)| c);
    let first = first.map(|(_, c)| c);
    let first = first.or_else(|| {
        entry
            .children_named("group")
            .flat_map(|group| group.children_named("description"))
            .filter_map(construct)
            .find(|c| !c.html.trim().is_empty())
    });
    (first, second)
}

/// Lower-cases every element and attribute name under `element` (CDF is case-insensitive).
fn lowercase_names(element: &mut Element) {
    element.name.make_ascii_lowercase();
    for (key, _) in &mut element.attributes {
        if !key.starts_with("xml:") {
            key.make_ascii_lowercase();
        }
    }
    for node in &mut element.children {
        if let Node::Element(child) = node {
            lowercase_names(child);
        }
    }
}

/// A text construct's content as HTML.
struct Construct {
    html: String,
    was_base64: bool,
}

/// The first non-empty construct among `entry`'s children named one of `names`, in the order
/// of `names` (so `content` wins over `content:encoded`).
fn first_construct(entry: &Element, names: &[&str]) -> Option<Construct> {
    names
        .iter()
        .flat_map(|name| entry.children_named(name))
        // `media:content` and `media:title` carry attributes, not text: they are skipped as
        // empty.
        .filter_map(construct)
        .find(|c| !c.html.trim().is_empty())
}

/// How a text construct's content is written, from its `type` (Atom 1.0: `text`, `html`,
/// `xhtml` or a MIME type; Atom 0.3: a MIME type) and its `mode` (Atom 0.3: `xml`, `escaped`,
/// `base64`). An empty or unknown `type` says nothing: the content shows what it is.
fn construct(element: &Element) -> Option<Construct> {
    let kind = element
        .attr("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mode = element
        .attr("mode")
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let plain = matches!(kind.as_str(), "text" | "text/plain");
    let has_markup = element
        .children
        .iter()
        .any(|node| matches!(node, Node::Element(_)));
    if mode == "base64" || is_binary_mime(&kind) {
        let encoded: String = element
            .text()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_bytes())
            .ok()?;
        let decoded = String::from_utf8_lossy(&bytes).into_owned();
        return Some(Construct {
            html: if plain { escape(&decoded) } else { decoded },
            was_base64: true,
        });
    }
    let html = if has_markup {
        // Inline XHTML (`type="xhtml"`, `mode="xml"`, or markup a feed wrote unescaped),
        // written back with its attributes: the normalizer's sanitizer decides what stays.
        super::markup::inner_xml(element)
    } else if plain {
        escape(&element.text())
    } else {
        // `html`, `escaped`, a `text/html` MIME type, or nothing said: escaped HTML or text,
        // which reads the same as HTML once entities are resolved.
        element.text()
    };
    Some(Construct {
        html,
        was_base64: false,
    })
}

/// A MIME type whose content Atom 1.0 says is base64 (RFC 4287 §4.1.3.3): neither a text nor
/// an XML type. `text`, `html`, `xhtml` and unknown words without a slash are not MIME types.
pub(crate) fn is_binary_mime(kind: &str) -> bool {
    let Some((top, sub)) = kind.split_once('/') else {
        return false;
    };
    !(top == "text" || sub == "xml" || sub.ends_with("+xml") || sub.is_empty())
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// The first non-empty trimmed text of `element`'s children named one of `names`.
fn first_text(element: &Element, names: &[&str]) -> Option<String> {
    names
        .iter()
        .flat_map(|name| element.children_named(name))
        .map(|el| el.text().trim().to_owned())
        .find(|text| !text.is_empty())
}

/// Authors: Atom `author/name` (or an `author` with text only), RSS `author`, `dc:creator`.
fn authors(entry: &Element) -> Option<String> {
    let names: Vec<String> = entry
        .children_named("author")
        .chain(entry.children_named("creator"))
        .filter_map(|person| {
            person
                .child("name")
                .map(Element::text)
                .or_else(|| Some(person.text()))
        })
        .map(|name| crate::text::clean_inline(&name))
        .filter(|name| !name.is_empty())
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// The item's link: an Atom `link` (the `alternate` one first), an RSS `link`, a CDF item's
/// `href`, else a `guid` that is a permalink (`isPermaLink` absent or `true`, and a web
/// address).
fn link(entry: &Element) -> Option<String> {
    let links: Vec<&Element> = entry.children_named("link").collect();
    let atom = links
        .iter()
        .filter(|l| l.attr("href").is_some())
        .find(|l| l.attr("rel").is_none_or(|rel| rel == "alternate"))
        .or_else(|| links.iter().find(|l| l.attr("href").is_some()))
        .and_then(|l| l.attr("href"))
        .map(str::to_owned);
    let rss = || first_text(entry, &["link"]);
    let guid = || {
        entry
            .children_named("guid")
            .filter(|guid| {
                guid.attr("isPermaLink")
                    .is_none_or(|p| p.trim().eq_ignore_ascii_case("true"))
            })
            .map(|guid| guid.text().trim().to_owned())
            .find(|guid| guid.starts_with("http://") || guid.starts_with("https://"))
    };
    let cdf = || entry.attr("href").map(|href| href.trim().to_owned());
    atom.or_else(rss)
        .or_else(cdf)
        .or_else(guid)
        .filter(|l| !l.trim().is_empty())
}

/// Categories: Atom `category` (`label`, else `term`), RSS `category` text, `dc:subject`, and
/// the subcategories an iTunes category nests.
fn categories(entry: &Element) -> Vec<String> {
    entry
        .children_named("category")
        .flat_map(|category| std::iter::once(category).chain(category.children_named("category")))
        .chain(entry.children_named("subject"))
        .filter_map(|category| {
            category
                .attr("label")
                .or(category.attr("term"))
                // iTunes categories name themselves in `text`.
                .or(category.attr("text"))
                .map(str::to_owned)
                // An element's own text only: a nesting category's text is its children's.
                .or_else(|| Some(own_text(category)))
        })
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The text directly inside `element`, without its child elements' text.
fn own_text(element: &Element) -> String {
    element
        .children
        .iter()
        .filter_map(|node| match node {
            Node::Text(text) => Some(text.as_str()),
            Node::Element(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_itunes_category_s_subcategory_is_a_category_too() {
        let text = "<rss><channel><item><title>t</title><itunes:category xmlns:itunes=\"i\" text=\"News\"><itunes:category text=\"Politics\"/></itunes:category><category>Local</category></item></channel></rss>";
        assert_eq!(
            read(text).unwrap().item.categories,
            ["News", "Politics", "Local"]
        );
    }

    #[test]
    fn mime_types_that_mean_base64() {
        for binary in ["application/octet-stream", "image/png", "application/pdf"] {
            assert!(is_binary_mime(binary), "{binary}");
        }
        for textual in [
            "text/html",
            "text/plain",
            "application/xhtml+xml",
            "application/xml",
            "html",
            "xhtml",
            "",
            "foo",
        ] {
            assert!(!is_binary_mime(textual), "{textual}");
        }
    }

    #[test]
    fn a_guid_is_the_link_only_when_it_is_a_permalink_web_address() {
        let cases = [
            (
                "<guid>https://a.example/1</guid>",
                Some("https://a.example/1"),
            ),
            (
                "<guid isPermaLink=\"true\">http://a.example/2</guid>",
                Some("http://a.example/2"),
            ),
            (
                "<guid isPermaLink=\"false\">https://a.example/3</guid>",
                None,
            ),
            ("<guid>tag:a.example,2025:4</guid>", None),
            (
                "<link>https://a.example/page</link><guid>https://a.example/5</guid>",
                Some("https://a.example/page"),
            ),
        ];
        for (fields, expected) in cases {
            let text =
                format!("<rss><channel><item><title>t</title>{fields}</item></channel></rss>");
            let item = read(&text).unwrap().item;
            assert_eq!(item.link.as_deref(), expected, "{fields}");
        }
    }

    #[test]
    fn a_text_typed_construct_is_escaped_and_an_item_root_is_read() {
        let text = "<entry xmlns=\"http://purl.org/atom/ns#\"><title type=\"text/plain\">Q&amp;A: &lt;why&gt;</title><content type=\"text/plain\" mode=\"base64\">YSA8IGI=</content></entry>";
        let read = read(text).unwrap();
        assert_eq!(read.item.headline.as_deref(), Some("Q&amp;A: &lt;why&gt;"));
        assert_eq!(read.item.body_html.as_deref(), Some("a &lt; b"));
        assert!(read.body_was_base64);
        assert_eq!(super::read("<rss><channel/></rss>"), None);
        assert_eq!(super::read("not xml <"), None);
    }
}
