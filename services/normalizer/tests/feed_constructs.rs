//! Feed constructs feed-rs alone does not read, as a newsroom receives them in real feeds: Atom
//! 0.3, base64 content, empty or unknown `type` attributes, Dublin Core fields, RSS 0.90 and RDF
//! items, `guid` as the link, entities declared in the DOCTYPE, a one-byte encoding declared
//! on UTF-8 bytes, Microsoft CDF channels, Windows-1252 smart quotes written as C1 controls,
//! capital-`X` character references in a document cut before its last `>`, per-construct
//! `xml:lang`, an RSS item with both `description` and `summary`, and a `media:group`
//! description. Each feed is sniffed from its content, normalized, and must give a valid
//! ninjs article with the fields the feed says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Utc};
use common::*;
use wire_model::Envelope;

fn normalized(name: &str) -> Envelope {
    sniffed_fixture(&format!("feed-constructs/{name}"))
}

fn date(text: &str) -> Option<DateTime<Utc>> {
    Some(DateTime::parse_from_rfc3339(text).unwrap().to_utc())
}

fn subject_names(envelope: &Envelope) -> Vec<&str> {
    envelope
        .article
        .subjects
        .iter()
        .filter_map(|s| s.name.as_deref())
        .collect()
}

#[test]
fn an_atom_0_3_entry_is_read_with_its_escaped_html_dates_author_and_link() {
    let envelope = normalized("atom-0.3.xml");
    let article = &envelope.article;
    assert_eq!(article.headline(), Some("Ferry strike ends after pay deal"));
    let body = article.body_text().unwrap();
    assert!(
        body.starts_with("Ferry crews accepted a 6 percent raise"),
        "{body}"
    );
    assert!(
        body.contains("Sailings resume on Thursday morning."),
        "{body}"
    );
    assert!(!body.contains("<p>"), "{body}");
    assert_eq!(article.first_created, date("2025-03-04T08:00:00Z"));
    assert_eq!(article.version_created, date("2025-03-04T10:15:00Z"));
    assert_eq!(article.by.as_deref(), Some("Maren Solberg"));
    assert_eq!(article.language.as_deref(), Some("en"));
    assert_eq!(
        envelope.wire.link.as_deref(),
        Some("https://harbour.example/2025/03/ferry-strike-ends")
    );
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("tag:harbour.example,2025:ferry-strike-ends")
    );
    assert_eq!(
        article.copyright_notice.as_deref(),
        Some("Copyright 2025 Harbour Desk")
    );
}

#[test]
fn atom_0_3_inline_xhtml_content_is_the_body() {
    let envelope = normalized("atom-0.3-inline-xhtml.xml");
    assert_eq!(envelope.article.headline(), Some("Port opens night shift"));
    let body = envelope.article.body_text().unwrap();
    assert!(
        body.starts_with("The container port will work around the clock from April."),
        "{body}"
    );
    assert!(body.contains("Unions agreed to the rota."), "{body}");
}

#[test]
fn base64_content_is_decoded_in_atom_0_3_and_in_atom_1_0() {
    let envelope = normalized("atom-0.3-base64.xml");
    assert_eq!(
        envelope.article.headline(),
        Some("Cruise calls hit a record")
    );
    let body = envelope.article.body_text().unwrap();
    assert!(
        body.starts_with("Harbour officials counted 412 cruise calls this year, a record."),
        "{body}"
    );
    assert!(body.contains("Residents asked for a cap."), "{body}");

    // Atom 1.0: a non-text MIME type means base64 (RFC 4287 §4.1.3.3); feed-rs reads this
    // document but hands the body over still encoded.
    let envelope = normalized("atom-1.0-octet-stream.xml");
    assert_eq!(envelope.article.headline(), Some("Tide tables"));
    let body = envelope.article.body_text().unwrap();
    assert!(body.starts_with("Tide tables for the week."), "{body}");
    assert!(body.contains("High water at 06:12 & 18:40."), "{body}");
    assert_eq!(
        envelope.wire.link.as_deref(),
        Some("https://harbour.example/tides")
    );
}

#[test]
fn an_empty_or_unknown_type_attribute_does_not_lose_the_entry() {
    let envelope = normalized("atom-1.0-odd-types.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Lighthouse keeper retires after 40 years")
    );
    let body = article.body_text().unwrap();
    assert_eq!(
        body,
        "Arne Vik climbed the 96 steps for the last time on Saturday."
    );
    assert_eq!(
        envelope.wire.link.as_deref(),
        Some("https://harbour.example/lighthouse")
    );
    assert_eq!(article.version_created, date("2025-03-08T08:00:00Z"));
}

#[test]
fn dublin_core_fields_stand_in_for_missing_rss_elements_and_the_guid_is_the_link() {
    let envelope = normalized("rss-2.0-dublin-core.xml");
    let article = &envelope.article;
    assert_eq!(article.headline(), Some("Bridge reopens to traffic"));
    assert_eq!(
        article.body_text(),
        Some("The old stone bridge reopened on Monday after two years of repairs.")
    );
    assert_eq!(article.by.as_deref(), Some("Lena Brandt"));
    assert_eq!(article.first_created, date("2025-02-10T07:45:00Z"));
    assert!(subject_names(&envelope).contains(&"Transport"));
    // A guid without `isPermaLink` is a permalink (RSS 2.0): with no <link>, it is the link.
    assert_eq!(
        envelope.wire.link.as_deref(),
        Some("https://courier.example/2025/02/bridge-reopens")
    );
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("https://courier.example/2025/02/bridge-reopens")
    );
}

#[test]
fn a_guid_that_says_it_is_no_permalink_is_never_the_link() {
    let envelope = normalized("rss-2.0-guid-not-permalink.xml");
    assert_eq!(
        envelope.article.headline(),
        Some("Council delays budget vote")
    );
    assert_eq!(envelope.wire.link, None);
    assert_eq!(
        envelope.wire.guid.as_deref(),
        Some("https://courier.example/?p=4821")
    );
}

#[test]
fn an_rss_0_90_item_is_read() {
    let envelope = normalized("rss-0.90.xml");
    assert_eq!(
        envelope.article.headline(),
        Some("Snow closes mountain pass")
    );
    assert_eq!(
        envelope.wire.link.as_deref(),
        Some("https://courier.example/2025/01/pass-closed")
    );
}

#[test]
fn an_rdf_item_with_dublin_core_title_and_encoded_content_is_read() {
    let envelope = normalized("rdf-1.0-dublin-core.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Wochenmarkt zieht auf den Rathausplatz")
    );
    assert_eq!(
        article.body_text(),
        Some("Der Wochenmarkt findet ab Februar auf dem Rathausplatz statt.")
    );
    assert_eq!(article.by.as_deref(), Some("Jonas Keller"));
    assert_eq!(article.first_created, date("2025-01-20T05:30:00Z"));
    assert_eq!(article.language.as_deref(), Some("de"));
    assert_eq!(
        envelope.wire.link.as_deref(),
        Some("https://courier.example/2025/01/markt")
    );
}

#[test]
fn entities_declared_in_the_doctype_are_expanded() {
    let envelope = normalized("rss-2.0-doctype-entities.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Valley Courier wins regional press award")
    );
    assert_eq!(
        article.body_text(),
        Some("The jury praised Valley Courier's flood coverage.")
    );
    assert_eq!(
        article.copyright_notice.as_deref(),
        Some("\u{a9} 2025 Valley Courier")
    );
}

#[test]
fn a_latin_1_declaration_on_utf_8_bytes_keeps_the_accents() {
    let envelope = normalized("rss-2.0-latin1-declared-utf8-bytes.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Procès-santé : l'hôpital de Genève condamné")
    );
    let body = article.body_text().unwrap();
    assert!(
        body.contains("retards de soins — une première en Suisse romande"),
        "{body}"
    );
    assert_eq!(envelope.wire.charset, None, "read as UTF-8");
    assert_eq!(article.language.as_deref(), Some("fr"));
}

fn description(envelope: &Envelope) -> Option<&str> {
    envelope
        .article
        .descriptions
        .first()
        .map(|d| d.value.as_str())
}

#[test]
fn a_microsoft_cdf_channel_item_is_read_whatever_the_case_of_its_names() {
    let envelope = normalized("cdf-channel.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Harbour pilots vote to accept new rota")
    );
    assert_eq!(
        article.body_text(),
        Some("Pilots at the container terminal accepted a rota that ends weekend double shifts.")
    );
    assert_eq!(article.version_created, date("2025-04-07T04:05:43Z"));
    assert_eq!(
        envelope.wire.link.as_deref(),
        Some("https://harbour.example/2025/04/pilots-vote")
    );
}

#[test]
fn windows_1252_smart_quotes_written_as_c1_controls_read_as_quotes() {
    let envelope = normalized("rss-2.0-c1-smart-quotes.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Council \u{201c}pauses\u{201d} the tram plan")
    );
    assert_eq!(
        article.body_text(),
        Some(
            "The mayor said the city \u{201c}can\u{2019}t afford\u{201d} it this year \u{2013} the vote is in May."
        )
    );
}

#[test]
fn capital_x_references_in_a_document_cut_before_its_last_bracket_are_read() {
    let envelope = normalized("atom-0.3-capital-hex-references-cut.xml");
    let article = &envelope.article;
    assert_eq!(article.headline(), Some("Ferries run Again after storm"));
    assert_eq!(
        article.body_text(),
        Some("All routes are back on the timetable \u{2014} the last one at noon.")
    );
    assert_eq!(article.first_created, date("2025-03-05T09:00:00Z"));
}

#[test]
fn the_language_is_the_story_text_s_not_a_differently_tagged_headline_s() {
    let envelope = normalized("atom-1.0-lang-per-construct.xml");
    let article = &envelope.article;
    assert_eq!(article.headline(), Some("Coup de tonnerre à Strasbourg"));
    assert_eq!(article.language.as_deref(), Some("en"));
}

#[test]
fn with_description_and_summary_the_first_is_the_summary_and_the_second_the_body() {
    let envelope = normalized("rss-2.0-description-and-summary.xml");
    assert_eq!(
        description(&envelope),
        Some("The city library opens until 10 pm from June.")
    );
    let body = envelope.article.body_text().unwrap();
    assert!(
        body.starts_with("The city library will open until 10 pm on weekdays"),
        "{body}"
    );
    assert!(body.contains("Weekend hours stay as they are."), "{body}");
}

#[test]
fn a_media_group_description_is_the_text_of_an_entry_without_one() {
    let envelope = normalized("atom-0.3-media-group.xml");
    let article = &envelope.article;
    assert_eq!(
        article.headline(),
        Some("Night shift at the container terminal")
    );
    assert_eq!(
        article.body_text(),
        Some("Crane operators at work through the night as the port runs a third shift.")
    );
}
