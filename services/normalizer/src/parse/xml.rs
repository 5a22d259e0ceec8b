//! A small read-only element tree built from quick-xml's streaming events, for the XML wire
//! formats (NewsML-G2, NITF) whose fields are spread over the document.
//!
//! Why a tree and not a streaming state machine: the parsers look up a few dozen fields by
//! path (`itemMeta/pubStatus/@qcode`, `contentMeta/subject/name`) and serialize the body
//! subtree back to HTML; a tree keeps each lookup one line. Memory is bounded by the input size
//! (the fetcher caps it) and the nesting depth by [`MAX_DEPTH`].
//!
//! Names are local names (namespace prefixes dropped: `nitf:p` is `p`), except `xml:lang`,
//! which keeps its prefix. Entities: the five XML ones, character references and the HTML5
//! named entities (NITF copy is full of `&nbsp;`) are resolved; DTD-declared entities are never
//! expanded (so entity-expansion bombs cannot blow up), an unknown `&name;` stays as written.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Deeper documents are rejected: no real news item nests this deep.
pub const MAX_DEPTH: usize = 256;

/// An XML element: local name, attributes (name as written minus any prefix other than
/// `xml:`), children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// Why a document is not well-formed enough to read.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("xml is not well-formed: {0}")]
    Syntax(String),
    #[error("xml nests deeper than {MAX_DEPTH} elements")]
    TooDeep,
    #[error("xml has no root element")]
    NoRoot,
}

/// Parses `text` into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    // The stack of open elements; the bottom one is a synthetic document node.
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Syntax(e.to_string()))?;
        match event {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                stack.push(element_of(&start));
            }
            Event::Empty(start) => push_node(&mut stack, Node::Element(element_of(&start))),
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err(XmlError::Syntax("unexpected end tag".to_owned()));
                }
                if let Some(done) = stack.pop() {
                    push_node(&mut stack, Node::Element(done));
                }
            }
            Event::Text(text) => {
                let decoded = text
                    .xml10_content()
                    .map_err(|e| XmlError::Syntax(e.to_string()))?;
                push_text(&mut stack, &decoded);
            }
            Event::CData(data) => {
                let decoded = data.decode().map_err(|e| XmlError::Syntax(e.to_string()))?;
                push_text(&mut stack, &decoded);
            }
            Event::GeneralRef(reference) => {
                let name = reference
                    .decode()
                    .map_err(|e| XmlError::Syntax(e.to_string()))?;
                match reference.resolve_char_ref() {
                    Ok(Some(c)) => push_text(&mut stack, c.encode_utf8(&mut [0; 4])),
                    Ok(None) => push_text(&mut stack, &resolve_named(&name)),
                    // An invalid character reference (`&#0;`) becomes U+FFFD, not a failure.
                    Err(_) => push_text(&mut stack, "\u{FFFD}"),
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if stack.len() != 1 {
        return Err(XmlError::Syntax(
            "unclosed element at end of input".to_owned(),
        ));
    }
    stack
        .pop()
        .and_then(|document| {
            document.children.into_iter().find_map(|node| match node {
                Node::Element(root) => Some(root),
                Node::Text(_) => None,
            })
        })
        .ok_or(XmlError::NoRoot)
}

fn resolve_named(name: &str) -> String {
    quick_xml::escape::resolve_xml_entity(name)
        .or_else(|| quick_xml::escape::resolve_html5_entity(name))
        .map_or_else(|| format!("&{name};"), str::to_owned)
}

fn element_of(start: &BytesStart<'_>) -> Element {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let attributes = start
        .attributes()
        .with_checks(false)
        .filter_map(Result::ok)
        .map(|attribute| {
            let key = attribute.key;
            let key = match key.prefix() {
                Some(prefix) if prefix.as_ref() == b"xml" => {
                    String::from_utf8_lossy(key.as_ref()).into_owned()
                }
                _ => String::from_utf8_lossy(key.local_name().as_ref()).into_owned(),
            };
            let value = attribute
                .unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&attribute.value).into_owned());
            (key, value)
        })
        .collect();
    Element {
        name,
        attributes,
        children: Vec::new(),
    }
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(parent) = stack.last_mut() {
        if let Some(Node::Text(last)) = parent.children.last_mut() {
            last.push_str(text);
        } else {
            parent.children.push(Node::Text(text.to_owned()));
        }
    }
}

impl Element {
    /// The value of attribute `name` (a local name, or `xml:lang`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The child elements named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements().filter(move |element| element.name == name)
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == name)
    }

    /// The element at a path of child names (`["contentMeta", "headline"]`).
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names
            .iter()
            .try_fold(self, |element, name| element.child(name))
    }

    /// The first descendant (depth first, not `self`) named `name`.
    pub fn descendant(&self, name: &str) -> Option<&Element> {
        self.elements().find_map(|child| {
            if child.name == name {
                Some(child)
            } else {
                child.descendant(name)
            }
        })
    }

    /// All the text inside, in document order, as written (not trimmed).
    pub fn text(&self) -> String {
        let mut text = String::new();
        self.collect_text(&mut text);
        text
    }

    fn collect_text(&self, out: &mut String) {
        for node in &self.children {
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Element(element) => element.collect_text(out),
            }
        }
    }

    /// The trimmed text, `None` when empty.
    pub fn text_nonempty(&self) -> Option<String> {
        let text = self.text();
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    }

    /// The trimmed text of the element at `names`, `None` when missing or empty.
    pub fn path_text(&self, names: &[&str]) -> Option<String> {
        self.path(names).and_then(Element::text_nonempty)
    }
}

/// The root element's local name of an XML document, without building the tree: for
/// sniffing a document whose format is not known.
pub fn root_name(text: &str) -> Option<String> {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) | Event::Empty(start) => {
                return Some(String::from_utf8_lossy(start.local_name().as_ref()).into_owned());
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_tree_with_local_names_and_resolved_entities() {
        let root = parse(
            r#"<?xml version="1.0"?><n:a xmlns:n="urn:x" xml:lang="de"><n:b k="1&amp;2">x &amp; y&nbsp;&#x41;<![CDATA[<c>]]></n:b><b/></n:a>"#,
        )
        .unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.attr("xml:lang"), Some("de"));
        let b = root.child("b").unwrap();
        assert_eq!(b.attr("k"), Some("1&2"));
        assert_eq!(b.text(), "x & y\u{a0}A<c>");
        assert_eq!(root.children_named("b").count(), 2);
    }

    #[test]
    fn dtd_entities_are_not_expanded_and_bad_documents_are_errors() {
        let bomb = r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><a>&lol2;</a>"#;
        assert_eq!(parse(bomb).unwrap().text(), "&lol2;");
        for bad in ["", "<a>", "<a></b>", "</a>", "text only"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 2) + &"</a>".repeat(MAX_DEPTH + 2);
        assert!(matches!(parse(&deep), Err(XmlError::TooDeep)));
    }
}
