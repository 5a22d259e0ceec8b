//! Format parsers: each turns one raw item's bytes into a [`ParsedItem`], the common shape the
//! normalizer builds the ninjs article from.

pub mod feed;
pub mod ninjs;
pub mod text;

use chrono::{DateTime, Utc};
use wire_model::PubStatus;

/// What a format parser found in one item. Text fields are as the provider wrote them (HTML
/// allowed); cleaning happens once, in [`crate::normalize`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedItem {
    pub headline: Option<String>,
    /// The body as HTML (feeds, ninjs `text/html` bodies).
    pub body_html: Option<String>,
    /// The body as plain text (plain-text items, ninjs `text/plain` bodies).
    pub body_text: Option<String>,
    pub summary: Option<String>,
    pub first_created: Option<DateTime<Utc>>,
    pub version_created: Option<DateTime<Utc>>,
    pub language: Option<String>,
    pub by: Option<String>,
    pub link: Option<String>,
    /// The provider's own identifier of the item (ninjs `uri`, feed guid).
    pub provider_uri: Option<String>,
    pub version: Option<String>,
    pub urgency: Option<u8>,
    pub pub_status: Option<PubStatus>,
    pub slugline: Option<String>,
    pub located: Option<String>,
    pub copyright_notice: Option<String>,
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
    #[error("unsupported format {0}")]
    Unsupported(&'static str),
}
