//! The raw item the fetcher publishes on `wire.raw.v1`: the provider's bytes, untouched, plus
//! where and when they were fetched. Replaying raw items through a newer normalizer is how a
//! parsing fix reaches articles already fetched.

use crate::envelope::{DecodeError, Schema, decode_with_schema};
use crate::{ArticleId, SourceId};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The schema string of [`RawItem`] messages.
pub const RAW_SCHEMA: &str = "wirefeed.raw/1";

/// One item as fetched. For feeds, `payload` is a complete single-item feed document: the
/// original feed header and exactly one `<item>`/`<entry>`, so any feed parser reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawItem {
    pub schema: String,
    pub source: SourceId,
    /// The provider's identity of the item (see [`crate::WireMeta::item_identity`]).
    pub item_identity: String,
    /// [`ArticleId::for_item`] of `source` and `item_identity`; the message key.
    pub article_id: ArticleId,
    pub format: RawFormat,
    /// The media type the server or file name gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    pub payload_encoding: PayloadEncoding,
    /// The item's bytes: UTF-8 text, or base64 when the bytes are not UTF-8.
    pub payload: String,
    /// Fingerprint of the payload bytes, to tell a changed item from a re-sent one.
    pub payload_hash: String,
    pub fetched_at: DateTime<Utc>,
    pub origin: OriginInfo,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The format the fetcher sniffed from the content (not from the URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RawFormat {
    Rss,
    Atom,
    Rdf,
    JsonFeed,
    Ninjs,
    #[serde(rename = "newsml-g2")]
    NewsmlG2,
    /// IPTC NewsML 1.x (`<NewsML>` root: AFP NewsML 1.2, ANA, older dpa and Reuters).
    #[serde(rename = "newsml-1")]
    Newsml1,
    Nitf,
    Text,
    Unknown,
}

impl RawFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rss => "rss",
            Self::Atom => "atom",
            Self::Rdf => "rdf",
            Self::JsonFeed => "json-feed",
            Self::Ninjs => "ninjs",
            Self::NewsmlG2 => "newsml-g2",
            Self::Newsml1 => "newsml-1",
            Self::Nitf => "nitf",
            Self::Text => "text",
            Self::Unknown => "unknown",
        }
    }
}

/// How [`RawItem::payload`] holds the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayloadEncoding {
    Utf8,
    Base64,
}

/// Where an item came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OriginInfo {
    Http {
        url: String,
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        etag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_modified: Option<String>,
    },
    Dir {
        path: String,
    },
}

impl RawItem {
    /// Builds a raw item, choosing the payload encoding from the bytes.
    pub fn new(
        source: SourceId,
        item_identity: String,
        format: RawFormat,
        content_type: Option<String>,
        bytes: &[u8],
        fetched_at: DateTime<Utc>,
        origin: OriginInfo,
    ) -> Self {
        let (payload_encoding, payload) = match std::str::from_utf8(bytes) {
            Ok(text) => (PayloadEncoding::Utf8, text.to_owned()),
            Err(_) => (
                PayloadEncoding::Base64,
                base64::engine::general_purpose::STANDARD.encode(bytes),
            ),
        };
        Self {
            schema: RAW_SCHEMA.to_owned(),
            article_id: ArticleId::for_item(&source, &item_identity),
            source,
            item_identity,
            format,
            content_type,
            payload_encoding,
            payload,
            payload_hash: hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(bytes)[..16]),
            fetched_at,
            origin,
            extra: Map::new(),
        }
    }

    /// The original bytes.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, base64::DecodeError> {
        match self.payload_encoding {
            PayloadEncoding::Utf8 => Ok(self.payload.as_bytes().to_vec()),
            PayloadEncoding::Base64 => {
                base64::engine::general_purpose::STANDARD.decode(&self.payload)
            }
        }
    }

    pub fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        decode_with_schema(payload, RAW_SCHEMA)
    }

    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Schema for RawItem {
    fn schema(&self) -> &str {
        &self.schema
    }
}

#[cfg(test)]
mod tests {
    use super::RawFormat;

    #[test]
    fn each_format_serializes_as_its_name() {
        for format in [
            RawFormat::Rss,
            RawFormat::Atom,
            RawFormat::Rdf,
            RawFormat::JsonFeed,
            RawFormat::Ninjs,
            RawFormat::NewsmlG2,
            RawFormat::Newsml1,
            RawFormat::Nitf,
            RawFormat::Text,
            RawFormat::Unknown,
        ] {
            let json = serde_json::to_value(format).unwrap_or_default();
            assert_eq!(json.as_str(), Some(format.as_str()));
            let back: Option<RawFormat> = serde_json::from_value(json).ok();
            assert_eq!(back, Some(format));
        }
        assert_eq!(RawFormat::Newsml1.as_str(), "newsml-1");
    }
}
