//! Agency variants of the formats wirefeed reads, in the shapes an evaluation on real items the
//! project had not seen found read wrongly or not at all (Belga's role components, AFP's
//! headline-less alerts, text urgencies and agencies' own subject vocabularies). The fixtures
//! are written for these tests in those shapes; each is sniffed from its content, as the
//! fetcher's `unknown` items are, and must become a valid ninjs 3.1 article.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use wire_model::{Envelope, PubStatus, RawFormat};
use wirefeed_normalizer::{NormalizerConfig, normalize_as};

fn sniffed(relative: &str) -> Envelope {
    sniffed_fixture(relative)
}

#[test]
fn a_newsml_1_item_split_into_title_lead_and_body_components_reads_as_one_story() {
    let envelope = sniffed("unseen-shapes/newsml-1-role-components.xml");
    assert_eq!(envelope.wire.format.as_deref(), Some("newsml-1"));
    let article = &envelope.article;
    // The news lines' headline is empty; the `Title` component's text is the headline.
    assert_eq!(
        article.headline(),
        Some("Nieuwe brug over de Leie gaat in maart open")
    );
    // The lead then the body, of the first language version only; the escaped bold is markup.
    let body = article.body_text().unwrap();
    assert!(
        body.starts_with("De stad opent de fietsbrug drie maanden later dan gepland."),
        "{body}"
    );
    assert!(body.contains("De aannemer wijt de vertraging"), "{body}");
    assert!(
        body.contains("nieuwe datum definitief; de planning wordt niet opnieuw geëvalueerd."),
        "the escaped <b> is markup, not text, and ë is read from ISO-8859-15: {body}"
    );
    assert!(!body.contains("<b>"), "{body}");
    assert!(
        !body.contains("passerelle"),
        "the French version follows: {body}"
    );
    // Only the components say the language; only the inner metadata says the city.
    assert_eq!(article.language.as_deref(), Some("nl"));
    assert_eq!(article.located.as_deref(), Some("Gent"));
    assert_eq!(article.version.as_deref(), Some("2"));
    assert_eq!(article.pub_status, Some(PubStatus::Usable));
    assert_eq!(
        article.version_created,
        Some(Utc.with_ymd_and_hms(2026, 11, 30, 8, 15, 0).unwrap())
    );
    assert_eq!(envelope.wire.charset.as_deref(), Some("ISO-8859-15"));
}

#[test]
fn an_alert_without_a_headline_is_headlined_by_its_one_line() {
    let envelope = sniffed("unseen-shapes/newsml-1-alert-no-headline.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("El puerto de Valparaíso suspende sus operaciones por un temporal")
    );
    assert_eq!(article.urgency, Some(1));
    assert_eq!(article.language.as_deref(), Some("es"));
    assert_eq!(article.located.as_deref(), Some("Valparaíso"));
    assert_eq!(
        article.first_created,
        Some(Utc.with_ymd_and_hms(2026, 12, 1, 6, 45, 0).unwrap())
    );
}

#[test]
fn a_long_first_paragraph_is_not_made_a_headline() {
    // A story (not an alert) that lost its headline: its lead paragraph is too long to stand
    // as one, so the item has a body and no invented headline.
    let long = "Una frase larga que sigue y sigue ".repeat(10);
    let document = format!(
        r#"<NewsML Version="1.2"><NewsItem><NewsComponent><NewsLines><HeadLine/></NewsLines>
        <ContentItem><MediaType FormalName="Text"/><DataContent><nitf><body><body.content>
        <p>{long}</p><p>Segundo párrafo.</p></body.content></body></nitf></DataContent></ContentItem>
        </NewsComponent></NewsItem></NewsML>"#
    );
    let item = raw(RawFormat::Unknown, "long-lead", document.as_bytes());
    let envelope = normalize_as(
        &item,
        RawFormat::Unknown,
        &NormalizerConfig::default(),
        fetched_at(),
    )
    .unwrap();
    assert_eq!(envelope.article.headline(), None);
    assert!(
        envelope
            .article
            .body_text()
            .unwrap()
            .contains("Segundo párrafo.")
    );
}

#[test]
fn an_urgency_given_as_text_and_an_agencys_own_subject_codes_are_read() {
    let envelope = sniffed("unseen-shapes/newsml-1-text-urgency-vocabulary.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Havenstaking legt containerverkeer stil")
    );
    assert_eq!(article.urgency, Some(2));
    assert_eq!(article.language.as_deref(), Some("nl-NL"));
    // The IPTC code resolves; the agency's `ECO` is its own literal, not an IPTC uri; the
    // empty code is no subject.
    let uris: Vec<_> = article
        .subjects
        .iter()
        .filter_map(|s| s.uri.as_deref())
        .collect();
    assert_eq!(
        uris,
        vec!["http://cv.iptc.org/newscodes/subjectcode/09002000"]
    );
    let literals: Vec<_> = article
        .subjects
        .iter()
        .filter_map(|s| s.literal.as_deref())
        .collect();
    assert_eq!(literals, vec!["urn:newsml:agency.example:Categories:ECO"]);
    assert_eq!(article.subjects.len(), 2);
}
