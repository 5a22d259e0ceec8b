//! Pure: a fetched document to the raw items it holds (sniff, split, identify).

use crate::identity;
use crate::split::{self, ItemHints};
use chrono::{DateTime, Utc};
use wire_model::{ArticleId, OriginInfo, RawItem, SourceId};

/// One item of a document, with what the fetcher needs to keep identities stable.
#[derive(Debug, Clone)]
pub struct DocumentItem {
    pub raw: RawItem,
    /// Title and canonical link, when the item's identity is a guid: recognises the item when
    /// its guid rotates.
    pub alias_key: Option<String>,
    /// The identity without the guid (link, or title + date): used when a feed reuses one guid
    /// for different items.
    pub identity_without_guid: String,
}

/// The items of `bytes`. A document that cannot be split is kept whole as one item (so the
/// normalizer dead-letters it with its reason and nothing is lost), and the split error is
/// returned beside it for reporting.
pub fn items(
    source: &SourceId,
    bytes: &[u8],
    content_type: Option<&str>,
    origin: &OriginInfo,
    fallback_identity: &str,
    fetched_at: DateTime<Utc>,
) -> (Vec<DocumentItem>, Option<split::SplitError>) {
    let format = split::sniff_format(bytes);
    let (items, error) = match split::split(format, bytes) {
        Ok(items) => (items, None),
        Err(error) => (
            vec![split::SplitItem {
                bytes: bytes.to_vec(),
                hints: ItemHints::default(),
            }],
            Some(error),
        ),
    };
    let items = items
        .into_iter()
        .map(|item| {
            let identity = identity::item_identity(&item.hints, fallback_identity);
            let without_guid = ItemHints {
                guid: None,
                ..item.hints.clone()
            };
            let alias_key = match (&item.hints.guid, &item.hints.title, &item.hints.link) {
                (Some(_), Some(title), Some(link)) => Some(format!(
                    "{}|{}",
                    title
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase(),
                    identity::canonical_link(link).unwrap_or_else(|| link.clone())
                )),
                _ => None,
            };
            DocumentItem {
                raw: RawItem::new(
                    source.clone(),
                    identity,
                    format,
                    content_type.map(str::to_owned),
                    &item.bytes,
                    fetched_at,
                    origin.clone(),
                ),
                alias_key,
                identity_without_guid: identity::item_identity(&without_guid, fallback_identity),
            }
        })
        .collect();
    (items, error)
}

/// The payload hash `raw` would have if its guid were `identity` (every occurrence of its own
/// identity in the payload replaced): an item whose guid rotates carries the new guid in its
/// payload, so only this hash tells whether anything but the guid changed.
pub fn payload_hash_as(raw: &RawItem, identity: &str) -> String {
    let Ok(bytes) = raw.payload_bytes() else {
        return raw.payload_hash.clone();
    };
    let own = raw.item_identity.as_bytes();
    let mut replaced = Vec::with_capacity(bytes.len());
    let mut rest = bytes.as_slice();
    while !own.is_empty() && !rest.is_empty() {
        match rest.windows(own.len()).position(|window| window == own) {
            Some(at) => {
                replaced.extend_from_slice(&rest[..at]);
                replaced.extend_from_slice(identity.as_bytes());
                rest = &rest[at + own.len()..];
            }
            None => break,
        }
    }
    replaced.extend_from_slice(rest);
    RawItem::new(
        raw.source.clone(),
        identity.to_owned(),
        raw.format,
        None,
        &replaced,
        raw.fetched_at,
        raw.origin.clone(),
    )
    .payload_hash
}

/// Gives `raw` another identity (and so another article id).
pub fn reidentify(raw: &mut RawItem, identity: String) {
    raw.article_id = ArticleId::for_item(&raw.source, &identity);
    raw.item_identity = identity;
}
