//! Pure: a fetched document to the raw items it holds (sniff, split, identify).

use crate::{identity, split};
use chrono::{DateTime, Utc};
use wire_model::{OriginInfo, RawItem, SourceId};

/// The raw items of `bytes`. A document that cannot be split is kept whole as one item (so
/// the normalizer dead-letters it with its reason and nothing is lost), and the split error is
/// returned beside it for reporting.
pub fn raw_items(
    source: &SourceId,
    bytes: &[u8],
    content_type: Option<&str>,
    origin: &OriginInfo,
    fallback_identity: &str,
    fetched_at: DateTime<Utc>,
) -> (Vec<RawItem>, Option<split::SplitError>) {
    let format = split::sniff_format(bytes);
    let (items, error) = match split::split(format, bytes) {
        Ok(items) => (items, None),
        Err(error) => (
            vec![split::SplitItem {
                bytes: bytes.to_vec(),
                hints: split::ItemHints::default(),
            }],
            Some(error),
        ),
    };
    let raws = items
        .into_iter()
        .map(|item| {
            RawItem::new(
                source.clone(),
                identity::item_identity(&item.hints, fallback_identity),
                format,
                content_type.map(str::to_owned),
                &item.bytes,
                fetched_at,
                origin.clone(),
            )
        })
        .collect();
    (raws, error)
}
