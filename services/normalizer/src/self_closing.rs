//! Pure: XHTML's self-closing tags (`<iframe src="..."/>`, `<div/>`) written as HTML's empty
//! element pairs before the HTML parser reads them.
//!
//! Feeds carry HTML written by XHTML tools. An HTML parser ignores the `/` of a non-void
//! element, so `<iframe src="x"/> The story goes on` makes the rest of the story the iframe's
//! raw text, and the sanitizer removes it with the iframe: the text is lost. The author meant
//! an empty element, as an XML reader (and feedparser) reads it. Done on the tag syntax with one
//! regex: no HTML parser exposes the self-closing flag of a start tag to its caller.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// HTML elements that never have content: their `/>` means nothing to an HTML parser.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

static SELF_CLOSING_TAG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    // A start tag ending in `/>`: its name, then attributes with quoted values (which may hold
    // `>` or `/`), unquoted values or bare names.
    Regex::new(r#"<([A-Za-z][A-Za-z0-9:-]*)((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*)\s*/>"#)
        .ok()
});

/// `html` with every self-closing non-void element written as a start and an end tag.
pub fn expand(html: &str) -> Cow<'_, str> {
    if !html.contains("/>") {
        return Cow::Borrowed(html);
    }
    let Some(pattern) = SELF_CLOSING_TAG.as_ref() else {
        return Cow::Borrowed(html);
    };
    pattern.replace_all(html, |captures: &regex::Captures<'_>| {
        let name = &captures[1];
        let attributes = &captures[2];
        if VOID_ELEMENTS.contains(&name.to_ascii_lowercase().as_str()) {
            format!("<{name}{attributes} />")
        } else {
            format!("<{name}{attributes}></{name}>")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_closing_elements_become_empty_pairs_and_void_ones_stay() {
        assert_eq!(
            expand(r#"safe<iframe src="http://x.test/a>b"/> description"#),
            r#"safe<iframe src="http://x.test/a>b"></iframe> description"#
        );
        assert_eq!(expand("<div/><br/>"), "<div></div><br />");
        assert_eq!(expand(r#"<img src="a.jpg" />"#), r#"<img src="a.jpg" />"#);
        assert_eq!(expand("a / b > c"), "a / b > c");
    }
}
