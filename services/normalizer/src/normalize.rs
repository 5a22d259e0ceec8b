//! Pure: one raw item in, one canonical envelope out (ninjs `article` + `wire`).

use crate::body::{self, CleanBody};
use crate::config::NormalizerConfig;
use crate::parse::{self, ParseError, ParsedItem};
use crate::{charset, dateline, language, text};
use chrono::{DateTime, Utc};
use wire_model::{
    AltId, Article, Body, Envelope, Headline, OriginInfo, PubStatus, RawFormat, RawItem, Rendition,
    Subject, WireMeta, content_hash,
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

/// Normalizes `raw` at time `now`, reading it as the format the fetcher sniffed.
pub fn normalize(
    raw: &RawItem,
    config: &NormalizerConfig,
    now: DateTime<Utc>,
) -> Result<Envelope, NormalizeError> {
    normalize_as(raw, raw.format, config, now)
}

/// Normalizes `raw` at time `now`, reading it as `format` whatever the fetcher sniffed (for
/// `wirefeed parse --format`). [`RawFormat::Unknown`] sniffs the content.
pub fn normalize_as(
    raw: &RawItem,
    format: RawFormat,
    config: &NormalizerConfig,
    now: DateTime<Utc>,
) -> Result<Envelope, NormalizeError> {
    let bytes = raw.payload_bytes()?;
    let decoded = charset::decode(&bytes);
    let parsed = parse_as(format, &decoded.text)?;
    let mut flags = Vec::new();
    if decoded.had_errors {
        flags.push("invalid_bytes_replaced");
    }
    if parsed.more_items {
        flags.push("more_items_in_message");
    }
    let input = Input {
        format: parsed.format,
        charset: (decoded.encoding != "UTF-8").then(|| decoded.encoding.to_owned()),
        flags,
    };
    build_envelope(raw, parsed.item, input, config, now)
}

/// A parsed item and what the parse found out about the input.
struct Parsed {
    item: ParsedItem,
    /// The format actually read (`dpa-digitalwires` for dpa JSON).
    format: &'static str,
    more_items: bool,
}

/// What the envelope says about the input.
struct Input {
    format: &'static str,
    charset: Option<String>,
    flags: Vec<&'static str>,
}

fn parse_as(format: RawFormat, text: &str) -> Result<Parsed, ParseError> {
    let parsed = |item: ParsedItem| Parsed {
        item,
        format: format.as_str(),
        more_items: false,
    };
    match format {
        RawFormat::Rss | RawFormat::Atom | RawFormat::Rdf | RawFormat::JsonFeed => {
            parse::feed::parse(text).map(parsed)
        }
        RawFormat::Ninjs => {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| ParseError::Json(e.to_string()))?;
            if parse::dpa::is_digitalwires(&value) {
                Ok(Parsed {
                    item: parse::dpa::parse(&value)?,
                    format: "dpa-digitalwires",
                    more_items: false,
                })
            } else {
                let read = parse::ninjs::parse_document(&value)?;
                Ok(Parsed {
                    format: read.format.unwrap_or(format.as_str()),
                    more_items: read.others > 0,
                    ..parsed(read.item)
                })
            }
        }
        RawFormat::NewsmlG2 => {
            let news_item = parse::newsml::parse(text)?;
            Ok(Parsed {
                more_items: news_item.others > 0,
                ..parsed(news_item.item)
            })
        }
        RawFormat::Newsml1 => {
            let news_item = parse::newsml1::parse(text)?;
            Ok(Parsed {
                more_items: news_item.others > 0,
                ..parsed(news_item.item)
            })
        }
        RawFormat::Nitf => parse::nitf::parse(text).map(parsed),
        RawFormat::Text => Ok(parsed(parse::text::parse(text))),
        RawFormat::Unknown => match parse::sniff(text) {
            Some(sniffed) if sniffed != RawFormat::Unknown => parse_as(sniffed, text),
            _ => Err(ParseError::Unsupported(parse::describe_unknown(text))),
        },
    }
}

/// Builds the envelope from a parsed item: cleans the headline and body, takes the dateline,
/// place and credit, detects the language, dates the item and fills the ninjs fields. Over 100
/// lines because it ends in the two struct literals that fill every `article` and `wire` field in
/// one place; each step before them is a named function.
fn build_envelope(
    raw: &RawItem,
    parsed: ParsedItem,
    input: Input,
    config: &NormalizerConfig,
    now: DateTime<Utc>,
) -> Result<Envelope, NormalizeError> {
    let mut flags = input.flags;
    let headline = clean_headline(parsed.headline.as_deref(), config, &mut flags);
    let link = parsed
        .link
        .as_deref()
        .and_then(|link| resolve_url(link, document_url(raw)));
    let CleanBody {
        paragraphs,
        removed,
        dateline: body_dateline,
        dateline_paragraph,
        truncated,
        html: body_html,
    } = body::clean(
        parsed.body_text.as_deref(),
        parsed.body_html.as_deref(),
        headline.as_deref(),
        document_url(raw).or(link.as_deref()),
        config.max_body_chars,
    );
    if truncated {
        flags.push("body_truncated");
    }
    if headline.is_none() && paragraphs.is_empty() {
        return Err(NormalizeError::Empty);
    }
    // The dateline from the body, else from the provider's dateline field.
    let provider_dateline = parsed.dateline.as_deref().map(text::clean_inline);
    let dateline = body_dateline.or_else(|| {
        provider_dateline
            .as_deref()
            .and_then(|d| dateline::split(&format!("{} -", d.trim_end_matches([' ', '-']))))
    });
    let located = located(parsed.located.as_deref(), dateline.as_ref());
    let credit = dateline
        .as_ref()
        .and_then(|d| d.credit.clone())
        .or_else(|| parsed.credit.as_deref().map(text::clean_inline))
        .filter(|c| !c.is_empty());

    let headline_text = headline.clone().unwrap_or_default();
    let body_text = paragraphs.join("\n\n");
    let summary = parsed
        .summary
        .as_deref()
        .map(|s| text::clean_field(body::cut_at_char(s, config.max_body_chars)))
        .filter(|s| !s.is_empty());
    let (language, language_confidence) = article_language(
        parsed.language.as_deref(),
        &headline_text,
        &body_text,
        config,
        &mut flags,
    );

    let date_missing = parsed.first_created.is_none() && parsed.version_created.is_none();
    let first_created = parsed
        .first_created
        .or(parsed.version_created)
        .unwrap_or(raw.fetched_at);
    let version_created = parsed.version_created.unwrap_or(first_created);

    let alt_ids = alt_ids(raw, parsed.provider_uri.clone());
    let bodies = text_bodies(&body_text, body_html);
    let subjects = provider_subjects(parsed.subjects, parsed.categories);
    let article = Article {
        uri: raw.article_id.as_str().to_owned(),
        kind: Some(parsed.kind.unwrap_or_else(|| "text".to_owned())),
        version: parsed.version,
        first_created: Some(first_created),
        version_created: Some(version_created),
        embargoed_until: parsed.embargoed_until,
        pub_status: Some(parsed.pub_status.unwrap_or(PubStatus::Usable)),
        urgency: parsed.urgency,
        language,
        headlines: plain_headlines(headline, "main"),
        descriptions: plain_headlines(summary, "summary"),
        bodies,
        by: parsed
            .by
            .as_deref()
            .map(text::clean_byline)
            .filter(|by| !by.is_empty()),
        slugline: clean_optional(parsed.slugline),
        located,
        subjects,
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
        copyright_holder: clean_optional(parsed.copyright_holder),
        copyright_notice: clean_optional(parsed.copyright_notice),
        ..Article::default()
    };
    let wire = WireMeta {
        source: raw.source.clone(),
        item_identity: raw.item_identity.clone(),
        format: Some(input.format.to_owned()),
        link,
        fetched_at: raw.fetched_at,
        normalized_at: Some(now),
        date_from_fetch_time: date_missing,
        content_hash: Some(content_hash(&text::fingerprint_text(
            &headline_text,
            &body_text,
        ))),
        language_confidence,
        guid: parsed.guid,
        signals: parsed.signals,
        credit,
        dateline: dateline_paragraph.or(provider_dateline),
        removed,
        charset: input.charset,
        flags: flags.into_iter().map(str::to_owned).collect(),
        ..WireMeta::default()
    };
    Ok(Envelope::new(article, wire))
}

/// The headline cleaned and cut to `max_headline_chars` (flagged when cut); `None` when empty.
fn clean_headline(
    headline: Option<&str>,
    config: &NormalizerConfig,
    flags: &mut Vec<&'static str>,
) -> Option<String> {
    headline
        .map(|h| text::clean_field(body::cut_at_char(h, config.max_headline_chars * 8)))
        .filter(|h| !h.is_empty())
        .map(|h| {
            if h.chars().count() > config.max_headline_chars {
                flags.push("headline_truncated");
                body::cut_chars(&h, config.max_headline_chars)
            } else {
                h
            }
        })
}

/// The provider's `located` without a date after its place (`PARIS, April 8` to `Paris`; a
/// region or country stays: `Paris, France`), title-cased when given in capitals; else the
/// dateline's place.
fn located(
    provider_located: Option<&str>,
    dateline: Option<&dateline::Dateline>,
) -> Option<String> {
    provider_located
        .map(text::clean_inline)
        .map(|l| without_dates(&l).to_owned())
        .filter(|l| !l.is_empty())
        .map(|l| {
            if l.chars().any(char::is_lowercase) {
                l
            } else {
                dateline::title_case(&l)
            }
        })
        .or_else(|| dateline.map(|d| d.place.clone()))
}

/// `located` up to the first of its comma-separated parts that is a date (`WASHINGTON, Dec 5`,
/// `Paris, France, April 8`, `LONDON, Monday`).
fn without_dates(located: &str) -> &str {
    let mut end = located.len();
    for (at, _) in located.match_indices(',') {
        let part = located[at + 1..]
            .split(',')
            .next()
            .unwrap_or_default()
            .trim();
        if dateline::is_day_or_date(part) {
            end = at;
            break;
        }
    }
    located[..end].trim_end()
}

/// How much of the body language detection reads: its cost grows with the text (it was a fifth
/// of an article's normalizing and enriching on whole stories), and a wire story's language is
/// settled within its first paragraphs (the tests tell one-sentence items apart).
const LANGUAGE_SAMPLE_BYTES: usize = 2_000;
/// The same when the provider declared a language, which detection only has to confirm: a
/// lede is enough to contradict it.
const DECLARED_LANGUAGE_SAMPLE_BYTES: usize = 400;

/// The language the provider gave (as BCP 47) when the text can be in it, else the detected
/// one when detection is on and confident enough, with its confidence ([`language::choose`]);
/// `wire.flags` gets `language_unsure` when detection found no language sure enough.
fn article_language(
    given: Option<&str>,
    headline_text: &str,
    body_text: &str,
    config: &NormalizerConfig,
    flags: &mut Vec<&'static str>,
) -> (Option<String>, Option<f64>) {
    let sample_bytes = if given.is_some() {
        DECLARED_LANGUAGE_SAMPLE_BYTES
    } else {
        LANGUAGE_SAMPLE_BYTES
    };
    let sample = body::cut_at_char(body_text, sample_bytes);
    let choice = language::choose(
        given,
        &format!("{headline_text}\n{sample}"),
        config.detect_language,
        config.min_language_confidence,
    );
    if choice.unsure {
        flags.push("language_unsure");
    }
    (choice.language, choice.confidence)
}

/// The item identity, and the provider's own uri when it differs.
fn alt_ids(raw: &RawItem, provider_uri: Option<String>) -> Vec<AltId> {
    let mut alt_ids = vec![AltId {
        role: Some("item-identity".to_owned()),
        value: raw.item_identity.clone(),
    }];
    if let Some(provider_uri) = provider_uri.filter(|uri| *uri != raw.item_identity) {
        alt_ids.push(AltId {
            role: Some("provider-uri".to_owned()),
            value: provider_uri,
        });
    }
    alt_ids
}

/// The body as plain text and as safe HTML ([`CleanBody::html`]); none without text.
fn text_bodies(body_text: &str, body_html: String) -> Vec<Body> {
    if body_text.is_empty() {
        return Vec::new();
    }
    vec![
        Body {
            role: Some("main".to_owned()),
            content_type: Some("text/plain".to_owned()),
            char_count: Some(body_text.chars().count() as u64),
            word_count: Some(text::word_count(body_text) as u64),
            value: body_text.to_owned(),
        },
        Body {
            role: Some("main".to_owned()),
            content_type: Some("text/html".to_owned()),
            char_count: None,
            word_count: None,
            value: body_html,
        },
    ]
}

/// A plain-text ninjs headline (or description) with `role`, when there is one.
fn plain_headlines(value: Option<String>, role: &str) -> Vec<Headline> {
    value
        .into_iter()
        .map(|value| Headline {
            role: Some(role.to_owned()),
            content_type: Some("text/plain".to_owned()),
            value,
        })
        .collect()
}

fn clean_optional(value: Option<String>) -> Option<String> {
    value
        .map(|v| text::clean_field(&v))
        .filter(|v| !v.is_empty())
}

/// The provider's coded subjects, then its free-text categories as subjects with a name only;
/// each once.
fn provider_subjects(coded: Vec<Subject>, categories: Vec<String>) -> Vec<Subject> {
    let mut subjects: Vec<Subject> = Vec::with_capacity(coded.len() + categories.len());
    let named = categories.into_iter().filter_map(|category| {
        let name = text::clean_field(&category);
        (!name.is_empty()).then(|| Subject {
            name: Some(name),
            creator: Some("provider".to_owned()),
            ..Subject::default()
        })
    });
    for subject in coded.into_iter().chain(named) {
        let seen = subjects.iter().any(|s| {
            s.uri == subject.uri && s.name == subject.name && s.literal == subject.literal
        });
        if !seen {
            subjects.push(subject);
        }
    }
    subjects
}

/// The address the document was fetched from, when it came over HTTP: the base of its
/// relative links.
pub fn document_url(raw: &RawItem) -> Option<&str> {
    match &raw.origin {
        OriginInfo::Http { url, .. } => Some(url.as_str()),
        OriginInfo::Dir { .. } => None,
    }
}

/// `href` as an absolute http(s) URL: as written when absolute, else resolved against `base`
/// (the document's address); `None` when it cannot be made one (a relative link in a dropped
/// file, a `mailto:` or `javascript:` link).
pub fn resolve_url(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_owned());
    }
    let url = match url::Url::parse(href) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            url::Url::parse(base?).ok()?.join(href).ok()?
        }
        Err(_) => return None,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}
