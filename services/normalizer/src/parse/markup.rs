//! XHTML and NITF body markup (from a parsed [`Element`] tree) back to plain HTML, so every
//! body goes through the same HTML-to-paragraphs path ([`crate::text::html_to_paragraphs`])
//! whatever format it came in: the same story in dpa JSON (HTML) and in NewsML-G2 (XHTML) gives
//! the same text.
//!
//! Only element names and text are written: attributes, scripts and styles are dropped. NITF
//! block names are mapped to their HTML equivalents (`hl2` to `h2`, `block` to `div`).

use super::xml::{Element, Node};

/// Elements whose content is never body text.
const NEVER_TEXT: &[&str] = &["head", "script", "style", "object", "iframe", "noscript"];

/// The HTML of `element`'s content (not the element itself), leaving out every element for
/// which `skip` is true.
pub fn inner_html(element: &Element, skip: &dyn Fn(&Element) -> bool) -> String {
    let mut html = String::new();
    write_children(element, skip, &mut html);
    html
}

fn write_children(element: &Element, skip: &dyn Fn(&Element) -> bool, out: &mut String) {
    for node in &element.children {
        match node {
            Node::Text(text) => out.push_str(&escape(text)),
            Node::Element(child) => {
                if skip(child) || NEVER_TEXT.contains(&child.name.as_str()) {
                    continue;
                }
                if child.name == "br" {
                    out.push_str("<br>");
                    continue;
                }
                match html_name(&child.name) {
                    Some(name) => {
                        out.push('<');
                        out.push_str(name);
                        out.push('>');
                        write_children(child, skip, out);
                        out.push_str("</");
                        out.push_str(name);
                        out.push('>');
                    }
                    None => write_children(child, skip, out),
                }
            }
        }
    }
}

/// `element`'s content written back as (X)HTML as it came: every element with its attributes
/// (namespace declarations left out), text escaped. For inline XHTML in feeds, which the
/// normalizer's sanitizer cleans afterwards.
pub fn inner_xml(element: &Element) -> String {
    let mut out = String::new();
    write_xml_children(element, &mut out);
    out
}

/// HTML elements that have no content and no end tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

fn write_xml_children(element: &Element, out: &mut String) {
    for node in &element.children {
        match node {
            Node::Text(text) => out.push_str(&escape(text)),
            Node::Element(child) => {
                out.push('<');
                out.push_str(&child.name);
                for (name, value) in &child.attributes {
                    if name == "xmlns" || name.starts_with("xmlns:") {
                        continue;
                    }
                    out.push(' ');
                    out.push_str(name);
                    out.push_str("=\"");
                    out.push_str(&escape(value).replace('"', "&quot;"));
                    out.push('"');
                }
                if VOID_ELEMENTS.contains(&child.name.as_str()) && child.children.is_empty() {
                    out.push_str(" />");
                    continue;
                }
                out.push('>');
                write_xml_children(child, out);
                out.push_str("</");
                out.push_str(&child.name);
                out.push('>');
            }
        }
    }
}

/// The HTML element an XHTML or NITF element is written as; `None` writes only its content.
fn html_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "p" => "p",
        "div" | "section" | "article" | "block" | "body.content" | "main" => "div",
        "h1" | "hl1" => "h1",
        "h2" | "hl2" => "h2",
        "h3" => "h3",
        "h4" => "h4",
        "h5" => "h5",
        "h6" => "h6",
        "ul" => "ul",
        "ol" => "ol",
        "li" => "li",
        "dl" => "dl",
        "dt" => "dt",
        "dd" => "dd",
        "blockquote" | "bq" => "blockquote",
        "pre" => "pre",
        "table" => "table",
        "thead" => "thead",
        "tbody" => "tbody",
        "tr" => "tr",
        "td" => "td",
        "th" => "th",
        "caption" | "media-caption" => "p",
        "b" | "strong" => "b",
        "i" | "em" => "i",
        _ => return None,
    })
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::xml;

    #[test]
    fn inline_xhtml_is_written_back_with_its_attributes_for_the_sanitizer() {
        let root = xml::parse(
            r#"<body xmlns="http://www.w3.org/1999/xhtml"><p class="a">A &amp; "b"<img src="http://x.test/i.jpg" alt='say "hi"'/></p></body>"#,
        )
        .unwrap();
        assert_eq!(
            inner_xml(&root),
            r#"<p class="a">A &amp; "b"<img src="http://x.test/i.jpg" alt="say &quot;hi&quot;" /></p>"#
        );
    }

    #[test]
    fn nitf_and_xhtml_become_plain_html_without_attributes() {
        let root = xml::parse(
            r#"<body.content><hl2 class="x">Sub</hl2><p onclick="evil()">A &amp; <em>b</em></p><script>x()</script><media><media-caption>Cap</media-caption></media></body.content>"#,
        )
        .unwrap();
        assert_eq!(
            inner_html(&root, &|_| false),
            "<h2>Sub</h2><p>A &amp; <i>b</i></p><p>Cap</p>"
        );
        assert_eq!(
            inner_html(&root, &|e| e.name == "hl2"),
            "<p>A &amp; <i>b</i></p><p>Cap</p>"
        );
    }
}
