//! Pure: one raw item in, one canonical envelope out (ninjs `article` + `wire`).

use crate::config::NormalizerConfig;
use crate::parse::{self, ParseError, ParsedItem};
use crate::{language, text};
use chrono::{DateTime, Utc};
use wire_model::{
    AltId, Article, Body, Envelope, Headline, PubStatus, RawFormat, RawItem, Rendition, WireMeta,
    content_hash,
};

/// Why a raw item could not become an article. Every variant is permanent for this item and
/// this version of the normalizer: the item goes to the dead-letter topic with the message.
#[derive(Debug, thiserror::Error)]
pub enum NormalizeError {
    #[error("payload is not valid base64: {0}")]
    Payload(#[from] base64::DecodeError),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("item has neither a headline nor a body")]
    Empty,
}

impl NormalizeError {
    /// A bounded label for metrics and the dead-letter header.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Payload(_) => "payload",
            Self::Parse(ParseError::Unsupported(_)) => "unsupported",
            Self::Parse(_) => "parse",
            Self::Empty => "empty",
        }
    }
}

/// Normalizes `raw` at time `now`.
pub fn normalize(
    raw: &RawItem,
    config: &NormalizerConfig,
    now: DateTime<Utc>,
) -> Result<Envelope, NormalizeError> {
    let bytes = raw.payload_bytes()?;
    let parsed = match raw.format {
        RawFormat::Rss | RawFormat::Atom | RawFormat::Rdf | RawFormat::JsonFeed => {
            parse::feed::parse(&bytes)?
        }
        RawFormat::Ninjs => parse::ninjs::parse(&bytes)?,
        RawFormat::Text => parse::text::parse(&String::from_utf8_lossy(&bytes)),
        other @ (RawFormat::NewsmlG2 | RawFormat::Nitf | RawFormat::Unknown) => {
            return Err(ParseError::Unsupported(other.as_str()).into());
        }
    };
    build_envelope(raw, parsed, config, now)
}

fn build_envelope(
    raw: &RawItem,
    parsed: ParsedItem,
    config: &NormalizerConfig,
    now: DateTime<Utc>,
) -> Result<Envelope, NormalizeError> {
    let headline = parsed
        .headline
        .as_deref()
        .map(text::clean_field)
        .filter(|h| !h.is_empty());
    let paragraphs = match (&parsed.body_text, &parsed.body_html) {
        (Some(plain), _) => text::text_to_paragraphs(plain),
        (None, Some(html)) => text::html_to_paragraphs(html),
        (None, None) => Vec::new(),
    };
    if headline.is_none() && paragraphs.is_empty() {
        return Err(NormalizeError::Empty);
    }
    let headline_text = headline.clone().unwrap_or_default();
    let body_text = paragraphs.join("\n\n");
    let summary = parsed
        .summary
        .as_deref()
        .map(text::clean_field)
        .filter(|s| !s.is_empty());

    let (language, language_confidence) = match parsed.language.as_deref().map(str::trim) {
        Some(given) if !given.is_empty() => (Some(language::bcp47(given)), None),
        _ if config.detect_language => {
            match language::detect(&format!("{headline_text}\n{body_text}")) {
                Some((code, confidence)) if confidence >= config.min_language_confidence => {
                    (Some(code), Some(confidence))
                }
                _ => (None, None),
            }
        }
        _ => (None, None),
    };

    let date_missing = parsed.first_created.is_none() && parsed.version_created.is_none();
    let first_created = parsed
        .first_created
        .or(parsed.version_created)
        .unwrap_or(raw.fetched_at);
    let version_created = parsed.version_created.unwrap_or(first_created);

    let mut alt_ids = vec![AltId {
        role: Some("item-identity".to_owned()),
        value: raw.item_identity.clone(),
    }];
    if let Some(provider_uri) = parsed.provider_uri.filter(|uri| *uri != raw.item_identity) {
        alt_ids.push(AltId {
            role: Some("provider-uri".to_owned()),
            value: provider_uri,
        });
    }
    let link = parsed.link.filter(|l| url_is_absolute(l));
    let mut bodies = Vec::new();
    if !paragraphs.is_empty() {
        bodies.push(Body {
            role: Some("main".to_owned()),
            content_type: Some("text/plain".to_owned()),
            char_count: Some(body_text.chars().count() as u64),
            word_count: Some(body_text.split_whitespace().count() as u64),
            value: body_text.clone(),
        });
        bodies.push(Body {
            role: Some("main".to_owned()),
            content_type: Some("text/html".to_owned()),
            char_count: None,
            word_count: None,
            value: text::paragraphs_to_html(&paragraphs),
        });
    }
    let article = Article {
        uri: raw.article_id.as_str().to_owned(),
        kind: Some("text".to_owned()),
        version: parsed.version,
        first_created: Some(first_created),
        version_created: Some(version_created),
        embargoed_until: None,
        pub_status: Some(parsed.pub_status.unwrap_or(PubStatus::Usable)),
        urgency: parsed.urgency,
        language,
        headlines: headline
            .into_iter()
            .map(|value| Headline {
                role: Some("main".to_owned()),
                content_type: Some("text/plain".to_owned()),
                value,
            })
            .collect(),
        descriptions: summary
            .into_iter()
            .map(|value| Headline {
                role: Some("summary".to_owned()),
                content_type: Some("text/plain".to_owned()),
                value,
            })
            .collect(),
        bodies,
        by: parsed
            .by
            .map(|b| text::clean_field(&b))
            .filter(|b| !b.is_empty()),
        slugline: parsed.slugline,
        located: parsed.located,
        alt_ids,
        renditions: link
            .iter()
            .map(|href| Rendition {
                name: "web".to_owned(),
                href: Some(href.clone()),
                content_type: Some("text/html".to_owned()),
                extra: Default::default(),
            })
            .collect(),
        copyright_notice: parsed.copyright_notice.map(|c| text::clean_field(&c)),
        ..Article::default()
    };
    let mut extra = serde_json::Map::new();
    if !parsed.categories.is_empty() {
        extra.insert("categories".to_owned(), parsed.categories.into());
    }
    let wire = WireMeta {
        source: raw.source.clone(),
        item_identity: raw.item_identity.clone(),
        format: Some(raw.format.as_str().to_owned()),
        link,
        fetched_at: raw.fetched_at,
        normalized_at: Some(now),
        date_from_fetch_time: date_missing,
        content_hash: Some(content_hash(&text::fingerprint_text(
            &headline_text,
            &body_text,
        ))),
        language_confidence,
        extra,
        ..WireMeta::default()
    };
    Ok(Envelope::new(article, wire))
}

fn url_is_absolute(link: &str) -> bool {
    link.starts_with("http://") || link.starts_with("https://")
}
