//! NITF 3.x documents (News Industry Text Format): `head` (title, `docdata` with doc-id,
//! urgency, issue and release dates, `tobject.subject` codes) and `body` (`body.head` with
//! `hedline`, `byline`, `dateline`, `abstract`; `body.content` paragraphs).

use super::xml::{self, Element, Node};
use super::{ParseError, ParsedItem, first_text, markup, provider_subject};
use crate::dates;

/// Parses an NITF document.
pub fn parse(text: &str) -> Result<ParsedItem, ParseError> {
    let root = xml::parse(text)?;
    if root.name != "nitf" {
        return Err(ParseError::NoItem);
    }
    Ok(read(&root))
}

/// The item of an NITF root element (a document's, or one inline in NewsML).
pub(crate) fn read(root: &Element) -> ParsedItem {
    let head = root.child("head");
    let docdata = head.and_then(|h| h.child("docdata"));
    let body = root.child("body");
    let body_head = body.and_then(|b| b.child("body.head"));
    let docdata_attr = |element: &str, attribute: &str| {
        docdata
            .and_then(|d| d.child(element))
            .and_then(|e| e.attr(attribute))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let issued = docdata_attr("date.issue", "norm")
        .as_deref()
        .and_then(dates::parse);
    let released = docdata_attr("date.release", "norm")
        .as_deref()
        .and_then(dates::parse);
    let dateline = body_head.and_then(|h| h.child("dateline"));
    let subjects = head
        .into_iter()
        .flat_map(|h| h.children_named("tobject"))
        .flat_map(|t| t.children_named("tobject.subject"))
        .filter_map(|subject| {
            let code = subject
                .attr("tobject.subject.refnum")
                .map(|c| format!("subj:{c}"));
            let name = first_text([
                subject.attr("tobject.subject.detail").map(str::to_owned),
                subject.attr("tobject.subject.matter").map(str::to_owned),
                subject.attr("tobject.subject.type").map(str::to_owned),
            ]);
            provider_subject(code.as_deref(), None, name)
        })
        .collect();
    let doc_id = docdata_attr("doc-id", "id-string");
    ParsedItem {
        headline: first_text([
            body_head.and_then(|h| h.path_text(&["hedline", "hl1"])),
            head.and_then(|h| h.path_text(&["title"])),
        ]),
        body_html: body
            .and_then(|b| b.child("body.content"))
            .map(|content| markup::inner_html(content, &|_| false)),
        body_text: None,
        summary: body_head.and_then(|h| h.path_text(&["abstract"])),
        first_created: issued.or(released),
        version_created: released.or(issued),
        // `date.release` is when the item may be used; feeds send it once released, so it is
        // read as the version time, not as an embargo.
        embargoed_until: None,
        language: root.attr("xml:lang").map(str::to_owned),
        by: body_head.and_then(|h| h.child("byline")).and_then(byline),
        link: None,
        provider_uri: None,
        guid: doc_id,
        version: None,
        urgency: docdata_attr("urgency", "ed-urg")
            .and_then(|u| u.parse().ok())
            .and_then(super::urgency),
        pub_status: None,
        kind: None,
        signals: Vec::new(),
        slugline: docdata
            .and_then(|d| d.child("du-key"))
            .and_then(|k| k.attr("key"))
            .map(str::to_owned),
        // The dateline's city, else a dateline that is only a place name (`Unnao`).
        located: dateline
            .and_then(|d| d.descendant("city"))
            .and_then(Element::text_nonempty)
            .or_else(|| {
                dateline
                    .and_then(Element::text_nonempty)
                    .map(|d| crate::text::clean_inline(&d))
                    .filter(|d| crate::dateline::is_place(d))
            }),
        dateline: dateline
            .and_then(Element::text_nonempty)
            .map(|d| crate::text::clean_inline(&d)),
        credit: body_head
            .and_then(|h| h.child("distributor"))
            .and_then(Element::text_nonempty),
        copyright_holder: docdata_attr("doc.copyright", "holder"),
        copyright_notice: None,
        subjects,
        categories: Vec::new(),
    }
}

/// A byline's names without the title (`<byttl>`) and without a dangling comma; a word
/// written against an element (`By<person>Staff Reporter</person>`) is kept apart from it.
pub fn byline(byline: &Element) -> Option<String> {
    let mut text = String::new();
    for node in &byline.children {
        let piece = match node {
            Node::Text(text) => text.clone(),
            Node::Element(element) if element.name == "byttl" => continue,
            Node::Element(element) => element.text(),
        };
        let joins_words = text.chars().last().is_some_and(char::is_alphanumeric)
            && piece.chars().next().is_some_and(char::is_alphanumeric);
        if joins_words {
            text.push(' ');
        }
        text.push_str(&piece);
    }
    let text = crate::text::clean_inline(&text);
    let text = text.trim_end_matches([',', ';', ' ']).to_owned();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_head_docdata_and_body() {
        let nitf = r#"<?xml version="1.0"?>
<nitf xml:lang="en">
 <head><title>Title</title>
  <tobject tobject.type="news"><tobject.subject tobject.subject.refnum="15054000" tobject.subject.matter="soccer"/></tobject>
  <docdata><doc-id id-string="AP-1234"/><urgency ed-urg="2"/>
   <date.issue norm="20261124T100000Z"/><date.release norm="20261124T110000+0100"/>
   <du-key key="Syria-Talks"/></docdata></head>
 <body><body.head><hedline><hl1>Envoys meet</hl1><hl2>Sub</hl2></hedline>
  <byline>By Jane Doe, <byttl>Staff Writer</byttl></byline>
  <dateline><location><city>GENEVA</city></location>, Nov. 24</dateline>
  <abstract><p>In short.</p></abstract></body.head>
  <body.content><p>GENEVA (AP) &#8212; The envoys met.</p><p>More&nbsp;text.</p></body.content>
 </body></nitf>"#;
        let item = parse(nitf).unwrap();
        assert_eq!(item.headline.as_deref(), Some("Envoys meet"));
        assert_eq!(item.guid.as_deref(), Some("AP-1234"));
        assert_eq!(item.urgency, Some(2));
        assert_eq!(item.by.as_deref(), Some("By Jane Doe"));
        assert_eq!(item.located.as_deref(), Some("GENEVA"));
        assert_eq!(item.dateline.as_deref(), Some("GENEVA, Nov. 24"));
        assert_eq!(item.slugline.as_deref(), Some("Syria-Talks"));
        assert_eq!(item.summary.as_deref(), Some("In short."));
        assert_eq!(
            item.first_created.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-11-24T10:00:00+00:00")
        );
        assert_eq!(
            item.version_created.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-11-24T10:00:00+00:00")
        );
        assert_eq!(
            item.subjects.first().and_then(|s| s.uri.as_deref()),
            Some("http://cv.iptc.org/newscodes/subjectcode/15054000")
        );
        assert_eq!(
            item.body_html.as_deref(),
            Some("<p>GENEVA (AP) \u{2014} The envoys met.</p><p>More\u{a0}text.</p>")
        );
    }
}
