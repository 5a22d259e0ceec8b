//! IPTC NewsML 1.x documents (AFP NewsML 1.2, ANA, older dpa and Reuters): a `NewsML` root
//! holding one or more `NewsItem`s. Each has `Identification/NewsIdentifier` (the public
//! identifier and revision), `NewsManagement` (dates, status, urgency, a future status change)
//! and nested `NewsComponent`s with `NewsLines` (headline, byline, dateline, credit,
//! copyright), `DescriptiveMetadata` (language, subject codes, location) and `ContentItem`s
//! whose `DataContent` holds the text: NITF markup, bare `<p>` paragraphs, or escaped HTML.
//!
//! Belga's NewsML 1.2 splits the text over components whose `Role` is `Title`, `Lead` and
//! `Body`, each with plain or escaped-HTML `DataContent`; those are read as the headline and the
//! body. An item whose news lines carry no headline (AFP's alerts) is headlined by its first
//! paragraph when that is short enough to be one.
//!
//! A document with several news items is read as its first text item; the others are counted in
//! [`NewsItem::others`].

use super::newsml::NewsItem;
use super::xml::{self, Element};
use super::{ParseError, ParsedItem, first_text, markup, nitf, provider_subject, pub_status};
use crate::dates;
use wire_model::Subject;

/// Parses a NewsML 1.x document.
pub fn parse(text: &str) -> Result<NewsItem, ParseError> {
    let root = xml::parse(text)?;
    if root.name != "NewsML" {
        return Err(ParseError::NoItem);
    }
    let items: Vec<&Element> = root.children_named("NewsItem").collect();
    let chosen = items
        .iter()
        .copied()
        .find(|item| text_content(item).is_some() || role_parts(item).is_some())
        .or_else(|| items.first().copied())
        .ok_or(ParseError::NoItem)?;
    Ok(NewsItem {
        item: parse_news_item(chosen),
        others: items.len() - 1,
    })
}

/// The largest number of characters a first paragraph may have to stand as the headline of an
/// item that has none: a one-line alert fits, a story's lead paragraph does not.
const MAX_HEADLINE_FROM_BODY_CHARS: usize = 200;

fn parse_news_item(item: &Element) -> ParsedItem {
    let identifier = item.path(&["Identification", "NewsIdentifier"]);
    let management = item.child("NewsManagement");
    let component = item.child("NewsComponent");
    let lines = component.and_then(|c| find_in_components(c, "NewsLines"));
    let mut described = Vec::new();
    if let Some(component) = component {
        all_in_components(component, "DescriptiveMetadata", &mut described);
    }
    let roles = role_parts(item);
    let content = text_content(item).or_else(|| {
        roles
            .is_none()
            .then(|| item.descendant("ContentItem"))
            .flatten()
    });
    let data = content.and_then(|c| c.child("DataContent"));
    let nitf_root = data.and_then(|d| d.descendant("nitf"));
    let body_head = nitf_root.and_then(|n| n.path(&["body", "body.head"]));

    let line = |name: &str| lines.and_then(|l| l.path_text(&[name]));
    let formal = |element: Option<&Element>| {
        element
            .and_then(|e| e.attr("FormalName"))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let management_date = |name: &str| {
        management
            .and_then(|m| m.path_text(&[name]))
            .as_deref()
            .and_then(dates::parse)
    };

    let public_identifier = identifier.and_then(|i| i.path_text(&["PublicIdentifier"]));
    let revision = identifier.and_then(|i| i.path_text(&["RevisionId"]));
    let guid = public_identifier.or_else(|| identifier.and_then(built_identifier));
    let (body_html, body_text) = match &roles {
        Some(roles) => joined_body(&roles.body),
        None => data.map(body).unwrap_or_default(),
    };
    let dateline = line("DateLine").map(|d| crate::text::clean_inline(&d));
    let language_of = |element: &Element| formal(element.child("Language"));

    ParsedItem {
        headline: first_text([
            line("HeadLine"),
            body_head.and_then(|h| h.path_text(&["hedline", "hl1"])),
            roles
                .as_ref()
                .and_then(|r| r.title)
                .and_then(Element::text_nonempty),
        ])
        .or_else(|| short_first_paragraph(body_html.as_deref(), body_text.as_deref())),
        body_html,
        body_text,
        summary: line("SubHeadLine"),
        first_created: management_date("FirstCreated"),
        version_created: management_date("ThisRevisionCreated"),
        embargoed_until: management.and_then(embargo),
        language: first_text([
            described
                .iter()
                .find_map(|d| language_of(d))
                .map(|l| l.to_lowercase()),
            item.attr("xml:lang").map(str::to_owned),
            component.and_then(component_language),
            lines
                .and_then(|l| l.child("HeadLine"))
                .and_then(|h| h.attr("xml:lang"))
                .filter(|lang| !lang.starts_with("x-"))
                .map(str::to_owned),
        ]),
        by: first_text([
            line("ByLine"),
            body_head
                .and_then(|h| h.child("byline"))
                .and_then(nitf::byline),
        ]),
        link: None,
        provider_uri: guid.clone(),
        guid,
        version: revision,
        // `FormalName`, or the element's text (TASS); the envelope's `Priority` is the
        // transmission's, not the story's urgency.
        urgency: management
            .and_then(|m| m.child("Urgency"))
            .and_then(|u| first_text([formal(Some(u)), u.text_nonempty()]))
            .and_then(|u| u.parse().ok())
            .and_then(super::urgency),
        pub_status: formal(management.and_then(|m| m.child("Status")))
            .as_deref()
            .and_then(pub_status),
        kind: content.and_then(|c| kind(formal(c.child("MediaType")).as_deref())),
        signals: Vec::new(),
        slugline: line("SlugLine"),
        located: described
            .iter()
            .find_map(|d| city(d))
            .or_else(|| dateline.clone().filter(|d| crate::dateline::is_place(d))),
        dateline,
        credit: line("CreditLine"),
        copyright_holder: None,
        copyright_notice: line("CopyrightLine"),
        subjects: component.map(subjects).unwrap_or_default(),
        categories: Vec::new(),
    }
}

/// The first `name` element in a component or its nested components, outer ones first.
fn find_in_components<'a>(component: &'a Element, name: &str) -> Option<&'a Element> {
    component.child(name).or_else(|| {
        component
            .children_named("NewsComponent")
            .find_map(|nested| find_in_components(nested, name))
    })
}

/// Every `name` element in a component and its nested components, outer ones first.
fn all_in_components<'a>(component: &'a Element, name: &'a str, found: &mut Vec<&'a Element>) {
    found.extend(component.children_named(name));
    for nested in component.children_named("NewsComponent") {
        all_in_components(nested, name, found);
    }
}

/// The `xml:lang` of a component or of its first nested component that has one.
fn component_language(component: &Element) -> Option<String> {
    component.attr("xml:lang").map(str::to_owned).or_else(|| {
        component
            .children_named("NewsComponent")
            .find_map(component_language)
    })
}

/// The text of an item split over components by `Role`: the `Title`'s data and the `Lead`
/// and `Body` data, in document order.
struct RoleParts<'a> {
    title: Option<&'a Element>,
    body: Vec<&'a Element>,
}

/// The first (outermost, then document order) set of sibling components that has a `Body`
/// role, as [`RoleParts`]; `None` when no component has that role.
fn role_parts(element: &Element) -> Option<RoleParts<'_>> {
    let role = |component: &Element| {
        component
            .child("Role")
            .and_then(|r| r.attr("FormalName"))
            .map(str::trim)
            .map(str::to_ascii_lowercase)
    };
    let components: Vec<&Element> = element.children_named("NewsComponent").collect();
    let has_body = components
        .iter()
        .any(|c| role(c).as_deref() == Some("body"));
    if !has_body {
        return components.into_iter().find_map(role_parts);
    }
    Some(RoleParts {
        title: components
            .iter()
            .filter(|c| role(c).as_deref() == Some("title"))
            .find_map(|c| c.descendant("DataContent")),
        body: components
            .iter()
            .filter(|c| matches!(role(c).as_deref(), Some("lead" | "body")))
            .filter_map(|c| c.descendant("DataContent"))
            .collect(),
    })
}

/// The bodies of several `DataContent`s as one `(html, text)`: HTML when any part is markup
/// (the plain parts become paragraphs), else the texts one after the other.
fn joined_body(parts: &[&Element]) -> (Option<String>, Option<String>) {
    let bodies: Vec<(Option<String>, Option<String>)> =
        parts.iter().map(|data| body(data)).collect();
    if bodies.iter().all(|(html, _)| html.is_none()) {
        let texts: Vec<String> = bodies.into_iter().filter_map(|(_, text)| text).collect();
        return (None, (!texts.is_empty()).then(|| texts.join("\n\n")));
    }
    let html: String = bodies
        .into_iter()
        .filter_map(|(html, text)| {
            html.or_else(|| {
                text.map(|t| crate::text::paragraphs_to_html(&crate::text::text_to_paragraphs(&t)))
            })
        })
        .collect();
    (Some(html), None)
}

/// The body's first paragraph, when it is short enough to stand as a headline
/// ([`MAX_HEADLINE_FROM_BODY_CHARS`]).
fn short_first_paragraph(html: Option<&str>, text: Option<&str>) -> Option<String> {
    let paragraphs = match (html, text) {
        (Some(html), _) => crate::text::html_to_paragraphs(html),
        (None, Some(text)) => crate::text::text_to_paragraphs(text),
        (None, None) => return None,
    };
    paragraphs
        .into_iter()
        .next()
        .filter(|first| first.chars().count() <= MAX_HEADLINE_FROM_BODY_CHARS)
}

/// The item's text `ContentItem`: its media type is `Text` and it carries its data inline.
fn text_content(item: &Element) -> Option<&Element> {
    fn walk(element: &Element) -> Option<&Element> {
        element.elements().find_map(|child| {
            if child.name == "ContentItem" {
                let is_text = child
                    .child("MediaType")
                    .and_then(|m| m.attr("FormalName"))
                    .is_some_and(|m| m.eq_ignore_ascii_case("text"));
                (is_text && child.child("DataContent").is_some()).then_some(child)
            } else {
                walk(child)
            }
        })
    }
    walk(item)
}

/// The body of a `DataContent`, as `(html, text)`: NITF's `body.content`, bare markup
/// (`<p>`), or text that is escaped HTML (ANA's CDATA) or plain text.
fn body(data: &Element) -> (Option<String>, Option<String>) {
    if data.elements().next().is_some() {
        let body = data
            .descendant("body.content")
            .or_else(|| data.descendant("body"))
            .unwrap_or(data);
        let skip = |element: &Element| matches!(element.name.as_str(), "body.head" | "body.end");
        return (Some(markup::inner_html(body, &skip)), None);
    }
    match data.text_nonempty() {
        Some(text) if text.contains('<') => (Some(text), None),
        Some(text) => (None, Some(text)),
        None => (None, None),
    }
}

/// `urn:newsml:{provider}:{date}:{item}:{revision}`, for an identifier without a
/// `PublicIdentifier`.
fn built_identifier(identifier: &Element) -> Option<String> {
    let part = |name: &str| identifier.path_text(&[name]);
    Some(format!(
        "urn:newsml:{}:{}:{}:{}",
        part("ProviderId")?,
        part("DateId")?,
        part("NewsItemId")?,
        part("RevisionId").unwrap_or_else(|| "1".to_owned())
    ))
}

/// When a withheld or embargoed item becomes usable (`StatusWillChange`).
fn embargo(management: &Element) -> Option<chrono::DateTime<chrono::Utc>> {
    let change = management.child("StatusWillChange")?;
    let becomes_usable = change
        .child("FutureStatus")
        .and_then(|s| s.attr("FormalName"))
        .is_none_or(|s| s.eq_ignore_ascii_case("usable"));
    if !becomes_usable {
        return None;
    }
    change
        .path_text(&["DateAndTime"])
        .as_deref()
        .and_then(dates::parse)
}

/// The city of `Location` (AFP) or of the metadata's own `City` property (ANA).
fn city(described: &Element) -> Option<String> {
    let city_of = |element: &Element| {
        element
            .children_named("Property")
            .find(|p| p.attr("FormalName") == Some("City"))
            .and_then(|p| p.attr("Value"))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    described
        .children_named("Location")
        .find_map(city_of)
        .or_else(|| city_of(described))
}

/// The ninjs `type` of a NewsML 1 `MediaType`.
fn kind(media_type: Option<&str>) -> Option<String> {
    let kind = match media_type?.to_ascii_lowercase().as_str() {
        "text" => "text",
        "photo" | "picture" => "picture",
        "video" => "video",
        "audio" => "audio",
        "graphic" => "graphic",
        _ => return None,
    };
    Some(kind.to_owned())
}

/// The subject codes (`SubjectCode/Subject|SubjectMatter|SubjectDetail`), named from the
/// component's `TopicSet` when it names them (ANA), each code once. An eight-digit code is an
/// IPTC Subject Code; any other (ANP's `ECO` in its own `Vocabulary`) is kept as the provider's
/// literal, prefixed with its vocabulary when it names one.
fn subjects(component: &Element) -> Vec<Subject> {
    let mut codes: Vec<(String, Option<String>)> = Vec::new();
    collect_codes(component, &mut codes);
    codes
        .iter()
        .filter_map(|(code, vocabulary)| {
            let is_subject_code = code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit());
            let qcode = match vocabulary {
                _ if is_subject_code => format!("subj:{code}"),
                Some(vocabulary) => format!("{vocabulary}:{code}"),
                None => code.clone(),
            };
            provider_subject(Some(&qcode), None, topic_name(component, code))
        })
        .collect()
}

fn collect_codes(element: &Element, codes: &mut Vec<(String, Option<String>)>) {
    for child in element.elements() {
        match child.name.as_str() {
            "SubjectCode" => {
                for subject in child.elements() {
                    let Some(code) = subject.attr("FormalName").map(str::trim) else {
                        continue;
                    };
                    let vocabulary = ["Vocabulary", "Scheme"]
                        .into_iter()
                        .filter_map(|name| subject.attr(name))
                        .map(str::trim)
                        .find(|v| !v.is_empty() && !v.eq_ignore_ascii_case("IptcSubjectCodes"))
                        .map(str::to_owned);
                    if !code.is_empty() && !codes.iter().any(|(known, _)| known == code) {
                        codes.push((code.to_owned(), vocabulary));
                    }
                }
            }
            "DescriptiveMetadata" | "NewsComponent" => collect_codes(child, codes),
            _ => {}
        }
    }
}

/// The English (else first) name a `TopicSet` gives a subject code.
fn topic_name(component: &Element, code: &str) -> Option<String> {
    let topic = component
        .children_named("TopicSet")
        .flat_map(|set| set.children_named("Topic"))
        .find(|topic| topic.path_text(&["FormalName"]).as_deref() == Some(code))?;
    let names: Vec<&Element> = topic
        .children_named("Description")
        .filter(|d| d.attr("Variant") == Some("Name"))
        .collect();
    names
        .iter()
        .find(|d| d.attr("xml:lang") == Some("en"))
        .or_else(|| names.first())
        .and_then(|d| d.text_nonempty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_text_item_is_read_and_the_others_counted() {
        let document = r#"<NewsML><NewsEnvelope/>
            <NewsItem><NewsComponent><ContentItem Href="photo.jpg"><MediaType FormalName="Photo"/></ContentItem></NewsComponent></NewsItem>
            <NewsItem><Identification><NewsIdentifier><ProviderId>p.example</ProviderId><DateId>20260101</DateId>
              <NewsItemId>42</NewsItemId><RevisionId>3</RevisionId></NewsIdentifier></Identification>
              <NewsComponent><NewsLines><HeadLine>Second</HeadLine></NewsLines>
              <ContentItem><MediaType FormalName="Text"/><DataContent>plain words</DataContent></ContentItem></NewsComponent></NewsItem>
            </NewsML>"#;
        let parsed = parse(document).unwrap();
        assert_eq!(parsed.item.headline.as_deref(), Some("Second"));
        assert_eq!(parsed.item.body_text.as_deref(), Some("plain words"));
        assert_eq!(
            parsed.item.guid.as_deref(),
            Some("urn:newsml:p.example:20260101:42:3")
        );
        assert_eq!(parsed.item.version.as_deref(), Some("3"));
        assert_eq!(parsed.item.kind.as_deref(), Some("text"));
        assert_eq!(parsed.others, 1);
    }

    #[test]
    fn an_embargo_is_the_time_the_item_becomes_usable() {
        let document = r#"<NewsML><NewsItem><NewsManagement><Status FormalName="Embargoed"/>
            <StatusWillChange><FutureStatus FormalName="Usable"/><DateAndTime>20261124T100000Z</DateAndTime></StatusWillChange>
            </NewsManagement></NewsItem></NewsML>"#;
        let item = parse(document).unwrap().item;
        assert_eq!(item.pub_status, Some(wire_model::PubStatus::Withheld));
        assert_eq!(
            item.embargoed_until.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-11-24T10:00:00+00:00")
        );
    }

    #[test]
    fn documents_without_news_items_are_refused() {
        assert!(matches!(
            parse("<NewsML><NewsEnvelope/></NewsML>"),
            Err(ParseError::NoItem)
        ));
        assert!(matches!(parse("<nitf/>"), Err(ParseError::NoItem)));
        assert!(matches!(
            parse("<NewsML><NewsItem>"),
            Err(ParseError::Xml(_))
        ));
    }
}
