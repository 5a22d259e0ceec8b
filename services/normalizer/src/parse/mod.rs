//! Format parsers: each turns one raw item's text into a [`ParsedItem`], the common shape the
//! normalizer builds the ninjs article from. [`sniff`] tells a format from the content when the
//! fetcher could not (JSON that is not ninjs, XML it did not know).

pub mod ap_media;
pub mod dpa;
pub mod dtd_entities;
pub mod feed;
pub mod feed_item;
pub mod markup;
pub mod newsml;
pub mod newsml1;
pub mod ninjs;
pub mod nitf;
pub mod text;
pub mod wire_text;
pub mod xml;

use chrono::{DateTime, Utc};
use wire_model::{PubStatus, Subject};

/// What a format parser found in one item. Text fields are as the provider wrote them (HTML
/// allowed); cleaning happens once, in [`crate::normalize`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedItem {
    pub headline: Option<String>,
    /// The body as HTML (feeds, ninjs `text/html` bodies, XML bodies written back as HTML).
    pub body_html: Option<String>,
    /// The body as plain text (plain-text items, ninjs `text/plain` bodies).
    pub body_text: Option<String>,
    pub summary: Option<String>,
    pub first_created: Option<DateTime<Utc>>,
    pub version_created: Option<DateTime<Utc>>,
    pub embargoed_until: Option<DateTime<Utc>>,
    pub language: Option<String>,
    pub by: Option<String>,
    pub link: Option<String>,
    /// The provider's own identifier of the item (ninjs `uri`, NewsML-G2 `guid`, dpa `urn`):
    /// goes to `altIds[role=provider-uri]`.
    pub provider_uri: Option<String>,
    /// The provider's guid as it sent it (feed guid, NewsML-G2 guid, NITF doc-id):
    /// `wire.guid`.
    pub guid: Option<String>,
    pub version: Option<String>,
    pub urgency: Option<u8>,
    pub pub_status: Option<PubStatus>,
    /// The ninjs `type` when the item says (`text`, `picture`, ...).
    pub kind: Option<String>,
    /// Provider signals: `update`, `correction`, ...
    pub signals: Vec<String>,
    pub slugline: Option<String>,
    pub located: Option<String>,
    /// The provider's dateline field (`MOSCOW, Monday (Reuters)`), when it has one.
    pub dateline: Option<String>,
    /// The provider's credit line (`dpa`, `ASSOCIATED PRESS`).
    pub credit: Option<String>,
    pub copyright_holder: Option<String>,
    pub copyright_notice: Option<String>,
    /// Subjects the provider coded (NewsML-G2, NITF, dpa), `creator: "provider"`.
    pub subjects: Vec<Subject>,
    /// Free-text provider categories (feeds): become subjects with a name only.
    pub categories: Vec<String>,
}

/// Why an item could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("feed could not be parsed: {0}")]
    Feed(String),
    #[error("feed document holds no item")]
    NoItem,
    #[error("json could not be parsed: {0}")]
    Json(String),
    #[error(transparent)]
    Xml(#[from] xml::XmlError),
    #[error("unsupported format {0}")]
    Unsupported(&'static str),
}

/// The format a document's content shows, for items the fetcher sent as `unknown` (or whose
/// declared format does not fit the content): `None` when it is none wirefeed reads.
pub fn sniff(text: &str) -> Option<wire_model::RawFormat> {
    use wire_model::RawFormat;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(trimmed).ok()?;
        if dpa::is_digitalwires(&value) {
            return Some(RawFormat::Ninjs);
        }
        return if value
            .get("version")
            .and_then(|v| v.as_str())
            .is_some_and(|v| v.contains("jsonfeed.org"))
        {
            Some(RawFormat::JsonFeed)
        } else if ap_media::is_ap_media(&value) || ninjs::looks_like_ninjs(&value) {
            Some(RawFormat::Ninjs)
        } else {
            None
        };
    }
    if wire_text::is_wire_message(text) {
        return Some(RawFormat::Text);
    }
    if trimmed.starts_with('<') {
        return match xml::root_name(trimmed)?.as_str() {
            "newsItem" | "newsMessage" | "packageItem" | "conceptItem" | "knowledgeItem"
            | "planningItem" => Some(RawFormat::NewsmlG2),
            "NewsML" => Some(RawFormat::Newsml1),
            "nitf" => Some(RawFormat::Nitf),
            "rss" => Some(RawFormat::Rss),
            "feed" => Some(RawFormat::Atom),
            "RDF" => Some(RawFormat::Rdf),
            // Microsoft CDF, read with the feeds.
            name if name.eq_ignore_ascii_case("channel") => Some(RawFormat::Rss),
            _ => None,
        };
    }
    None
}

/// What a document of no format wirefeed reads looks like, for the dead-letter reason
/// (`unsupported format unknown: an HTML page, not a feed`).
pub fn describe_unknown(text: &str) -> &'static str {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return "unknown: an empty document";
    }
    let sample: Vec<char> = trimmed.chars().take(4096).collect();
    let unreadable = sample
        .iter()
        .filter(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || **c == '\u{FFFD}')
        .count();
    if unreadable * 20 > sample.len() {
        return "unknown: binary data, not text";
    }
    let lowered: String = sample.iter().take(512).collect::<String>().to_lowercase();
    if lowered.starts_with("<!doctype html") || lowered.contains("<html") {
        return "unknown: an HTML page, not a feed";
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return "unknown: JSON that is neither a JSON Feed nor ninjs";
    }
    if trimmed.starts_with('<') {
        return "unknown: XML whose root element is no feed or news format";
    }
    "unknown: text that is no feed or news format"
}

/// The first non-empty trimmed text among `values`.
pub(crate) fn first_text<I: IntoIterator<Item = Option<String>>>(values: I) -> Option<String> {
    values
        .into_iter()
        .flatten()
        .map(|value| value.trim().to_owned())
        .find(|value| !value.is_empty())
}

/// A JSON `version`, given as a string or a number, as text.
pub(crate) fn version_text(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(version) => Some(version.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// An IPTC urgency, 1 (most urgent) to 9; `None` for any other number.
pub(crate) fn urgency(value: u64) -> Option<u8> {
    u8::try_from(value).ok().filter(|u| (1..=9).contains(u))
}

/// ninjs `pubStatus` from a status word or qcode (`usable`, `stat:canceled`).
pub(crate) fn pub_status(value: &str) -> Option<PubStatus> {
    let word = value.rsplit(':').next().unwrap_or(value).trim();
    match word.to_ascii_lowercase().as_str() {
        "usable" => Some(PubStatus::Usable),
        "withheld" | "embargoed" => Some(PubStatus::Withheld),
        "canceled" | "cancelled" | "kill" | "killed" => Some(PubStatus::Canceled),
        _ => None,
    }
}

/// A provider subject from a qcode (`medtop:04000000`) and a name; the uri is expanded for
/// the IPTC schemes whose catalog address is known (Media Topics, Subject Codes).
pub(crate) fn provider_subject(
    qcode: Option<&str>,
    uri: Option<&str>,
    name: Option<String>,
) -> Option<Subject> {
    let qcode = qcode.map(str::trim).filter(|q| !q.is_empty());
    let expanded = qcode.and_then(|qcode| {
        let (scheme, code) = qcode.split_once(':')?;
        let base = match scheme {
            "medtop" => "http://cv.iptc.org/newscodes/mediatopic/",
            "subj" => "http://cv.iptc.org/newscodes/subjectcode/",
            _ => return None,
        };
        // IPTC Subject Codes and Media Topics are 8-digit codes; an agency that writes its
        // own words under these schemes (NTB's `subj:Utenriks`) keeps them as a literal.
        let code = code.trim();
        (code.len() == 8 && code.chars().all(|c| c.is_ascii_digit()))
            .then(|| format!("{base}{code}"))
    });
    let uri = expanded.or_else(|| {
        uri.map(str::trim)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .map(str::to_owned)
    });
    let name = name
        .map(|n| crate::text::clean_inline(&n))
        .filter(|n| !n.is_empty());
    if name.is_none() && uri.is_none() && qcode.is_none() {
        return None;
    }
    Some(Subject {
        name,
        // With no resolvable uri, the provider's code is kept as the literal.
        literal: if uri.is_none() {
            qcode.map(str::to_owned)
        } else {
            None
        },
        uri,
        creator: Some("provider".to_owned()),
        ..Subject::default()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unknown_document_is_described_for_the_dead_letter_reason() {
        use super::describe_unknown;
        assert_eq!(describe_unknown("  \n"), "unknown: an empty document");
        assert!(describe_unknown("<!DOCTYPE html><html><body>x</body></html>").contains("HTML"));
        assert!(describe_unknown(r#"{"status": "ok"}"#).contains("JSON"));
        assert!(describe_unknown("<catalog><book/></catalog>").contains("XML"));
        assert!(describe_unknown("\u{1}\u{2}\u{3}ab\u{0}\u{7}\u{FFFD}").contains("binary"));
        assert!(describe_unknown("just some words").contains("text"));
    }

    use super::*;
    use wire_model::RawFormat;

    #[test]
    fn sniffing_table() {
        let cases: &[(&str, Option<RawFormat>)] = &[
            (
                r#"{"format":"digitalwires@0.9.1","urn":"u","article_html":"<p>x</p>"}"#,
                Some(RawFormat::Ninjs),
            ),
            (r#"{"uri":"u","headlines":[]}"#, Some(RawFormat::Ninjs)),
            (
                r#"{"version":"https://jsonfeed.org/version/1.1","items":[]}"#,
                Some(RawFormat::JsonFeed),
            ),
            (r#"{"hello":"world"}"#, None),
            (
                "<?xml version=\"1.0\"?>\n<newsMessage xmlns=\"x\"/>",
                Some(RawFormat::NewsmlG2),
            ),
            ("<newsItem/>", Some(RawFormat::NewsmlG2)),
            (
                "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<NewsML Version=\"1.2\"><NewsItem/></NewsML>",
                Some(RawFormat::Newsml1),
            ),
            ("<!-- AFP --><NewsML/>", Some(RawFormat::Newsml1)),
            ("<newsml/>", None),
            ("<!DOCTYPE nitf><nitf><head/></nitf>", Some(RawFormat::Nitf)),
            ("<rdf:RDF xmlns:rdf=\"r\"/>", Some(RawFormat::Rdf)),
            ("<html/>", None),
            ("plain text", None),
        ];
        for (text, format) in cases {
            assert_eq!(sniff(text), *format, "{text}");
        }
    }

    #[test]
    fn subjects_expand_iptc_qcodes() {
        let subject =
            provider_subject(Some("medtop:04000000"), None, Some(" economy ".into())).unwrap();
        assert_eq!(
            subject.uri.as_deref(),
            Some("http://cv.iptc.org/newscodes/mediatopic/04000000")
        );
        assert_eq!(subject.name.as_deref(), Some("economy"));
        assert_eq!(subject.creator.as_deref(), Some("provider"));
        let subject = provider_subject(Some("subj:15054000"), None, None).unwrap();
        assert_eq!(
            subject.uri.as_deref(),
            Some("http://cv.iptc.org/newscodes/subjectcode/15054000")
        );
        let subject =
            provider_subject(Some("dpasubject:377"), None, Some("Internet".into())).unwrap();
        assert_eq!(
            (subject.uri, subject.literal.as_deref()),
            (None, Some("dpasubject:377"))
        );
        assert!(provider_subject(None, None, Some("  ".into())).is_none());
    }
}
