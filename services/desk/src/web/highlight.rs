//! Pure: an article's text as HTML with the evidence of its place and topic tags marked.
//! The enricher gives each match as character offsets into the headline, the plain-text body
//! or the dateline; a match whose offsets do not hold its term (an older enricher, another
//! body) is found by its term instead, or left unmarked. Everything else is escaped.

use serde::Serialize;
use wire_model::Envelope;

/// One tag of the article and what made it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tag {
    /// Its number in the page: marks name it in `data-tag`.
    pub number: usize,
    /// `place` or `topic`.
    pub kind: &'static str,
    pub name: String,
    pub uri: String,
    /// The terms that matched, as written.
    pub terms: Vec<String>,
    /// How it was decided when no term explains it (`classifier score 0.93`).
    pub note: Option<String>,
    /// How many of its matches are marked in the text.
    pub marked: usize,
}

/// The article's text, marked.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Marked {
    pub headline: String,
    pub dateline: Option<String>,
    pub body: String,
    pub tags: Vec<Tag>,
}

struct Span {
    start: usize,
    end: usize,
    tag: usize,
}

/// The headline, dateline and plain-text body of `envelope` as HTML, each tag's evidence in a
/// `<mark class="ev ev-{kind}" data-tag="{number}">`.
pub fn mark(envelope: &Envelope) -> Marked {
    let article = &envelope.article;
    let mut tags: Vec<Tag> = Vec::new();
    let texts = [
        ("headline", article.headline().unwrap_or_default()),
        ("body", article.body_text().unwrap_or_default()),
        (
            "dateline",
            envelope.wire.dateline.as_deref().unwrap_or_default(),
        ),
    ];
    let mut spans: [Vec<Span>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for evidence in &envelope.wire.evidence {
        let place = article
            .places
            .iter()
            .find(|place| place.uri.as_deref() == Some(evidence.uri.as_str()))
            .map(|place| place.name.clone().or_else(|| place.literal.clone()));
        let subject = article
            .subjects
            .iter()
            .find(|subject| subject.uri.as_deref() == Some(evidence.uri.as_str()))
            .map(|subject| subject.name.clone().or_else(|| subject.literal.clone()));
        let (kind, name) = match (place, subject) {
            (Some(name), _) => ("place", name),
            (None, Some(name)) => ("topic", name),
            (None, None) => continue,
        };
        let number = tags.len() + 1;
        let mut tag = Tag {
            number,
            kind,
            name: name.unwrap_or_else(|| evidence.uri.clone()),
            uri: evidence.uri.clone(),
            terms: Vec::new(),
            note: evidence.note.clone(),
            marked: 0,
        };
        for found in &evidence.matches {
            if !tag.terms.contains(&found.term) {
                tag.terms.push(found.term.clone());
            }
            let Some(slot) = texts.iter().position(|(field, _)| *field == found.field) else {
                continue;
            };
            if let Some((start, end)) = locate(texts[slot].1, found.start, found.end, &found.term) {
                spans[slot].push(Span {
                    start,
                    end,
                    tag: number,
                });
                tag.marked += 1;
            }
        }
        tags.push(tag);
    }
    let kinds: Vec<&'static str> = tags.iter().map(|tag| tag.kind).collect();
    let [headline, body, dateline] = spans;
    let dateline_text = texts[2].1;
    Marked {
        headline: render(texts[0].1, headline, &kinds),
        body: render(texts[1].1, body, &kinds),
        dateline: (!dateline_text.is_empty()).then(|| render(dateline_text, dateline, &kinds)),
        tags,
    }
}

/// The byte range of a match given in characters, checked against its term; else the term's
/// first whole occurrence.
fn locate(text: &str, start: usize, end: usize, term: &str) -> Option<(usize, usize)> {
    let byte_at = |chars: usize| -> Option<usize> {
        text.char_indices()
            .map(|(at, _)| at)
            .chain(std::iter::once(text.len()))
            .nth(chars)
    };
    if let (Some(from), Some(to)) = (byte_at(start), byte_at(end))
        && from < to
        && text[from..to].to_lowercase() == term.to_lowercase()
    {
        return Some((from, to));
    }
    if term.is_empty() {
        return None;
    }
    let from = text.find(term)?;
    Some((from, from + term.len()))
}

fn render(text: &str, mut spans: Vec<Span>, kinds: &[&str]) -> String {
    spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
    let mut out = String::with_capacity(text.len() + spans.len() * 48);
    let mut at = 0;
    for span in spans {
        if span.start < at {
            continue; // overlaps a mark already made
        }
        out.push_str(&escape(&text[at..span.start]));
        let kind = kinds.get(span.tag - 1).copied().unwrap_or("topic");
        out.push_str(&format!(
            "<mark class=\"ev ev-{kind}\" data-tag=\"{}\">{}</mark>",
            span.tag,
            escape(&text[span.start..span.end])
        ));
        at = span.end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// Text made safe inside HTML elements and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_model::{Article, Body, Evidence, EvidenceMatch, Headline, Place, WireMeta};

    fn envelope(body: &str, matches: Vec<EvidenceMatch>) -> Envelope {
        Envelope::new(
            Article {
                uri: "urn:test:1".to_owned(),
                headlines: vec![Headline {
                    role: None,
                    content_type: None,
                    value: "Talks in <Geneva>".to_owned(),
                }],
                bodies: vec![Body::plain_text(body)],
                places: vec![Place {
                    name: Some("Damascus".to_owned()),
                    uri: Some("http://sws.geonames.org/170654/".to_owned()),
                    ..Place::default()
                }],
                ..Article::default()
            },
            WireMeta {
                evidence: vec![Evidence {
                    uri: "http://sws.geonames.org/170654/".to_owned(),
                    matches,
                    note: None,
                }],
                ..WireMeta::default()
            },
        )
    }

    fn found(term: &str, start: usize, end: usize) -> EvidenceMatch {
        EvidenceMatch {
            term: term.to_owned(),
            field: "body".to_owned(),
            start,
            end,
        }
    }

    #[test]
    fn a_place_match_is_marked_at_its_character_offsets() {
        let marked = mark(&envelope(
            "Über Damascus, <b>",
            vec![found("Damascus", 5, 13)],
        ));
        assert_eq!(
            marked.body,
            "Über <mark class=\"ev ev-place\" data-tag=\"1\">Damascus</mark>, &lt;b&gt;"
        );
        assert_eq!(marked.headline, "Talks in &lt;Geneva&gt;");
        assert_eq!(marked.tags[0].kind, "place");
        assert_eq!(marked.tags[0].marked, 1);
    }

    #[test]
    fn wrong_offsets_fall_back_to_the_term_and_overlaps_are_marked_once() {
        let marked = mark(&envelope(
            "In Damascus today",
            vec![
                found("Damascus", 0, 2),
                found("Damascus", 3, 11),
                found("Dam", 3, 6),
            ],
        ));
        assert_eq!(marked.body.matches("<mark").count(), 1, "{}", marked.body);
        let missing = mark(&envelope("Nothing here", vec![found("Damascus", 0, 8)]));
        assert_eq!(missing.tags[0].marked, 0);
        assert_eq!(missing.body, "Nothing here");
    }
}
