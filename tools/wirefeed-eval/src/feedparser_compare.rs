//! Pure: a feedparser expectation against wirefeed's article for the same entry.
//!
//! feedparser's entry fields map onto ninjs as a newsroom reads them: `title` is the headline,
//! `content` the body, `summary`/`description` the description (or the body, when the entry
//! has one text only), `link` the `web` rendition, `id`/`guid` the provider's guid, `author` the
//! byline, the `*_parsed` dates `firstCreated`/`versionCreated`, `rights` the copyright notice,
//! `tags` the subjects, the `*_detail.language` the language. Fields ninjs has no place for
//! (enclosures, iTunes, GeoRSS, contributors, the entry's source feed, ...) are not compared.
//!
//! feedparser returns text fields as HTML; a headline is plain text, so they are compared as
//! the text the HTML shows. A body is compared as HTML: the same elements with the same
//! attributes and the same words, in order. Paragraph wrappers (`p`, `div`, `br`) are not
//! compared (wirefeed writes its body as paragraphs), nor the `rel` wirefeed adds to links.

use crate::feedparser_expect::{Expectation, Literal, Step};
use chrono::{DateTime, Datelike, Timelike, Utc};
use scraper::{Html, Node};
use wire_model::Envelope;
use wirefeed_normalizer::normalize::resolve_url;
use wirefeed_normalizer::parse::ParsedItem;
use wirefeed_normalizer::sanitize::sanitize_html;
use wirefeed_normalizer::text::{clean_byline, clean_field};

/// The ninjs field an expectation is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Headline,
    Description,
    Body,
    Link,
    Guid,
    Byline,
    FirstCreated,
    VersionCreated,
    Copyright,
    Subjects,
    Language,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Headline => "headline (title)",
            Field::Description => "description (summary)",
            Field::Body => "body (content)",
            Field::Link => "web link (link)",
            Field::Guid => "guid (id)",
            Field::Byline => "byline (author)",
            Field::FirstCreated => "firstCreated (published)",
            Field::VersionCreated => "versionCreated (updated)",
            Field::Copyright => "copyright (rights)",
            Field::Subjects => "subjects (tags)",
            Field::Language => "language",
        }
    }
}

/// The ninjs field for a feedparser path, or the feedparser key ninjs has no place for.
pub fn field_for(path: &[Step]) -> Result<Field, String> {
    let keys: Vec<String> = path
        .iter()
        .map(|step| match step {
            Step::Key(key) => key.clone(),
            Step::Index(_) => "#".to_owned(),
        })
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let field = match keys.as_slice() {
        ["title"] | ["title_detail", "value"] => Field::Headline,
        ["summary"] | ["description"] | ["summary_detail", "value"] => Field::Description,
        ["content", "#", "value"] => Field::Body,
        ["link"] => Field::Link,
        ["id"] | ["guid"] => Field::Guid,
        ["author"] | ["author_detail", "name"] => Field::Byline,
        ["published_parsed"] | ["created_parsed"] | ["issued_parsed"] => Field::FirstCreated,
        ["updated_parsed"] | ["modified_parsed"] => Field::VersionCreated,
        ["rights"] | ["rights_detail", "value"] => Field::Copyright,
        ["tags", "#", "term"] | ["category"] => Field::Subjects,
        [_, "language"] => Field::Language,
        _ => return Err(keys.first().copied().unwrap_or("").to_owned()),
    };
    Ok(field)
}

/// What wirefeed read of one entry, field by field: from the article it made, or from its
/// feed reader's output when the entry makes no article.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub headline: Option<String>,
    /// The description as plain text, when the entry has one beside its body.
    pub description: Option<String>,
    pub body_html: Option<String>,
    pub link: Option<String>,
    pub guid: Option<String>,
    pub byline: Option<String>,
    pub first_created: Option<DateTime<Utc>>,
    pub version_created: Option<DateTime<Utc>>,
    pub copyright: Option<String>,
    pub subjects: Vec<String>,
    pub language: Option<String>,
}

impl Reading {
    /// The article's fields.
    pub fn of_article(envelope: &Envelope) -> Self {
        let article = &envelope.article;
        Self {
            headline: article.headline().map(str::to_owned),
            description: article.descriptions.first().map(|d| d.value.clone()),
            body_html: article
                .bodies
                .iter()
                .find(|b| b.content_type.as_deref() == Some("text/html"))
                .map(|b| b.value.clone()),
            link: article.web_link().map(str::to_owned),
            guid: envelope.wire.guid.clone(),
            byline: article.by.clone(),
            first_created: article.first_created,
            version_created: article.version_created,
            copyright: article.copyright_notice.clone(),
            subjects: article
                .subjects
                .iter()
                .filter_map(|s| s.name.clone())
                .collect(),
            language: article.language.clone(),
        }
    }

    /// The feed reader's fields, cleaned as the normalizer cleans them (headline and
    /// description to plain text, the link resolved and the body sanitized against the
    /// document's address `base`).
    pub fn of_parsed(item: &ParsedItem, base: Option<&str>) -> Self {
        let link = item.link.as_deref().and_then(|l| resolve_url(l, base));
        let html_base = base.or(link.as_deref());
        Self {
            headline: item.headline.as_deref().map(clean_field),
            description: item.summary.as_deref().map(clean_field),
            body_html: item
                .body_html
                .as_deref()
                .map(|html| sanitize_html(html, html_base)),
            link,
            guid: item.guid.clone(),
            byline: item.by.as_deref().map(clean_byline),
            first_created: item.first_created.or(item.version_created),
            version_created: item.version_created.or(item.first_created),
            copyright: item.copyright_notice.as_deref().map(clean_field),
            subjects: item
                .subjects
                .iter()
                .flat_map(|s| s.name.iter().chain(s.literal.iter()).cloned())
                .chain(item.categories.iter().cloned())
                .collect(),
            language: item.language.clone(),
        }
    }

    /// What the feed-rs crate reads of the document's first entry as it is (the baseline:
    /// the best-kept Rust feed parser, without wirefeed's reader, cleaning or sanitizer).
    pub fn of_feed_rs(document: &[u8]) -> Option<Self> {
        let feed = feed_rs::parser::parse(document).ok()?;
        let language = feed.language.clone();
        let entry = feed.entries.into_iter().next()?;
        let content = entry.content.as_ref().and_then(|c| c.body.clone());
        let summary = entry.summary.as_ref().map(|t| t.content.clone());
        let (body_html, description) = match (content, summary) {
            (None, summary) => (summary, None),
            (content, summary) => (content, summary),
        };
        Some(Self {
            headline: entry.title.map(|t| t.content),
            description,
            body_html,
            link: entry.links.first().map(|l| l.href.clone()),
            guid: Some(entry.id).filter(|id| !id.is_empty()),
            byline: entry.authors.first().and_then(|a| a.name.clone()),
            first_created: entry.published.or(entry.updated),
            version_created: entry.updated.or(entry.published),
            copyright: entry.rights.map(|t| t.content),
            subjects: entry.categories.into_iter().map(|c| c.term).collect(),
            language: entry.language.or(language),
        })
    }

    /// The value for `field`, for the list of misses.
    pub fn show(&self, field: Field) -> String {
        match field {
            Field::Headline => format!("{:?}", self.headline),
            Field::Description | Field::Body => match &self.description {
                Some(description) if field == Field::Description => {
                    format!("description {description:?}")
                }
                _ => format!("{:?}", self.body_html),
            },
            Field::Link => format!("{:?}", self.link),
            Field::Guid => format!("{:?}", self.guid),
            Field::Byline => format!("{:?}", self.byline),
            Field::FirstCreated => format!("{:?}", self.first_created),
            Field::VersionCreated => format!("{:?}", self.version_created),
            Field::Copyright => format!("{:?}", self.copyright),
            Field::Subjects => format!("{:?}", self.subjects),
            Field::Language => format!("{:?}", self.language),
        }
    }
}

/// Whether `reading` meets `expectation` on `field`.
pub fn meets(field: Field, expectation: &Expectation, reading: &Reading) -> bool {
    let expected = &expectation.expected;
    match field {
        Field::Headline => same_text(expected, reading.headline.as_deref()),
        Field::Description => match &reading.description {
            Some(description) => same_text(expected, Some(description)),
            None => same_html(expected, reading.body_html.as_deref()),
        },
        Field::Body => same_html(expected, reading.body_html.as_deref()),
        Field::Link => same_link(expected, reading.link.as_deref()),
        Field::Guid => same_text(expected, reading.guid.as_deref()),
        Field::Byline => match expected {
            Literal::Str(author) => {
                same_text(&Literal::Str(byline_of(author)), reading.byline.as_deref())
            }
            other => same_text(other, reading.byline.as_deref()),
        },
        Field::FirstCreated => same_time(expected, reading.first_created),
        Field::VersionCreated => same_time(expected, reading.version_created),
        Field::Copyright => same_text(expected, reading.copyright.as_deref()),
        Field::Subjects => match expected {
            Literal::Str(term) => reading.subjects.iter().any(|s| s.trim() == term.trim()),
            _ => false,
        },
        Field::Language => match expected {
            Literal::Str(tag) => reading
                .language
                .as_deref()
                .is_some_and(|ours| primary_subtag(ours).eq_ignore_ascii_case(primary_subtag(tag))),
            Literal::None => reading.language.is_none(),
            _ => false,
        },
    }
}

fn primary_subtag(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

fn same_text(expected: &Literal, ours: Option<&str>) -> bool {
    let ours = ours.map(collapse).unwrap_or_default();
    match expected {
        // feedparser gives HTML for HTML constructs and text for plain ones: either reading.
        Literal::Str(html) => html_text(html) == ours || collapse(html) == ours,
        Literal::None => ours.is_empty(),
        Literal::Int(_) | Literal::Tuple(_) => false,
    }
}

/// Links are the same URL: scheme and host compare without case.
fn same_link(expected: &Literal, ours: Option<&str>) -> bool {
    match (expected, ours) {
        (Literal::Str(expected), Some(ours)) => {
            let expected = html_text(expected);
            match (url::Url::parse(&expected), url::Url::parse(ours.trim())) {
                (Ok(expected), Ok(ours)) => expected == ours,
                _ => expected == ours.trim(),
            }
        }
        (expected, ours) => same_text(expected, ours),
    }
}

/// feedparser's `author` as a byline: ninjs `by` names people, so an e-mail address the feed
/// gives beside the name (`Jane Doe (jane@example.com)`, `jane@example.com (Jane Doe)`) is not
/// part of it.
fn byline_of(author: &str) -> String {
    let without_addresses: Vec<&str> = author
        .split(|c: char| c.is_whitespace())
        .filter(|word| !word.trim_matches(['(', ')', '<', '>']).contains('@'))
        .collect();
    let joined = without_addresses.join(" ");
    let trimmed = joined.trim();
    let unwrapped = trimmed
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(trimmed);
    match unwrapped.trim() {
        "" => author.to_owned(),
        name => name.to_owned(),
    }
}

fn same_html(expected: &Literal, ours: Option<&str>) -> bool {
    let ours = canonical_html(ours.unwrap_or(""));
    match expected {
        Literal::Str(html) => {
            canonical_html(html) == ours || canonical_html(&escape_text(html)) == ours
        }
        Literal::None => ours.is_empty(),
        Literal::Int(_) | Literal::Tuple(_) => false,
    }
}

/// feedparser's time tuple (year, month, day, hour, minute, second, ...) in UTC.
fn same_time(expected: &Literal, ours: Option<DateTime<Utc>>) -> bool {
    match (expected, ours) {
        (Literal::Tuple(parts), Some(time)) if parts.len() >= 6 => {
            let ours = [
                time.year() as f64,
                time.month() as f64,
                time.day() as f64,
                time.hour() as f64,
                time.minute() as f64,
                time.second() as f64,
            ];
            parts[..6] == ours
        }
        (Literal::None, None) => true,
        _ => false,
    }
}

/// `text` escaped as HTML: feedparser gives a plain-text construct as text.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text an HTML fragment shows, whitespace collapsed.
fn html_text(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    let text: String = fragment.root_element().text().collect();
    collapse(&text)
}

/// An HTML fragment as a sequence of start tags (attributes sorted), end tags and words.
fn canonical_html(html: &str) -> Vec<String> {
    let fragment = Html::parse_fragment(html);
    let mut tokens = Vec::new();
    for child in fragment.root_element().children() {
        push_tokens(child, &mut tokens);
    }
    tokens
}

const NOT_COMPARED_ELEMENTS: &[&str] = &["p", "div", "br"];

fn push_tokens(node: ego_tree::NodeRef<'_, Node>, tokens: &mut Vec<String>) {
    match node.value() {
        Node::Text(text) => tokens.extend(text.split_whitespace().map(str::to_owned)),
        Node::Element(element) => {
            let name = element.name();
            let compared = !NOT_COMPARED_ELEMENTS.contains(&name);
            if compared {
                let mut attributes: Vec<String> = element
                    .attrs()
                    .filter(|(attribute, _)| *attribute != "rel")
                    .map(|(attribute, value)| format!("{attribute}={value:?}"))
                    .collect();
                attributes.sort();
                tokens.push(format!("<{name} {}>", attributes.join(" ")));
            }
            for child in node.children() {
                push_tokens(child, tokens);
            }
            if compared {
                tokens.push(format!("</{name}>"));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_compared_by_elements_attributes_and_words_not_by_spelling() {
        assert_eq!(
            canonical_html(r#"<img border="0" src="http://a/i.jpg" />"#),
            canonical_html(r#"<p><img src="http://a/i.jpg" border="0"></p>"#)
        );
        assert_ne!(
            canonical_html("<b>safe</b> text"),
            canonical_html("safe text")
        );
        assert_eq!(
            html_text("History of the &lt;blink&gt; tag"),
            "History of the <blink> tag"
        );
    }

    #[test]
    fn a_byline_leaves_out_the_address_beside_the_name() {
        assert_eq!(
            byline_of("Example author (me@example.com)"),
            "Example author"
        );
        assert_eq!(
            byline_of("me@example.com (Example editor)"),
            "Example editor"
        );
        assert_eq!(byline_of("Example editor"), "Example editor");
    }

    #[test]
    fn paths_map_to_ninjs_fields_or_name_what_ninjs_lacks() {
        let path = [
            Step::Key("content".into()),
            Step::Index(0),
            Step::Key("value".into()),
        ];
        assert_eq!(field_for(&path), Ok(Field::Body));
        assert_eq!(
            field_for(&[Step::Key("enclosures".into()), Step::Index(0)]),
            Err("enclosures".to_owned())
        );
    }
}
