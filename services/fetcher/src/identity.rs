//! Pure: the stable identity of an item, the same for every version of it.
//!
//! The chain: the provider's guid/id, else the canonical link (tracking parameters and fragment
//! removed, host lowercased), else a hash of the normalized title and date, else the origin
//! (file path or URL) for single documents.

use crate::split::ItemHints;
use sha2::{Digest, Sha256};

/// Query parameters that only track the reader and never change the article.
const TRACKING_PARAMETERS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "ocid",
    "cmpid",
    "smid",
    "ito",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "at_medium",
    "at_campaign",
    "taid",
    "sr_share",
];

/// The identity of an item with `hints`, or `fallback` (e.g. the file path) when the item
/// gives nothing to go by.
pub fn item_identity(hints: &ItemHints, fallback: &str) -> String {
    if let Some(guid) = hints
        .guid
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        return guid.to_owned();
    }
    if let Some(link) = hints.link.as_deref().and_then(canonical_link) {
        return link;
    }
    if let Some(title) = hints
        .title
        .as_deref()
        .map(normalize_words)
        .filter(|t| !t.is_empty())
    {
        let date = hints.date.as_deref().map(str::trim).unwrap_or("");
        let digest = Sha256::new()
            .chain_update(title.as_bytes())
            .chain_update([0u8])
            .chain_update(date.as_bytes())
            .finalize();
        return format!("sha256:{}", hex::encode(&digest[..16]));
    }
    fallback.to_owned()
}

/// A link without tracking parameters or fragment, with scheme and host lowercased.
/// `None` when it is not an absolute http(s) URL.
pub fn canonical_link(link: &str) -> Option<String> {
    let mut url = url::Url::parse(link.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| {
            let key = key.to_ascii_lowercase();
            !key.starts_with("utm_") && !TRACKING_PARAMETERS.contains(&key.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(url.to_string())
}

fn normalize_words(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(guid: Option<&str>, link: Option<&str>, title: Option<&str>) -> ItemHints {
        ItemHints {
            guid: guid.map(str::to_owned),
            link: link.map(str::to_owned),
            title: title.map(str::to_owned),
            date: Some("Tue, 24 Nov 2026 10:00:00 GMT".to_owned()),
        }
    }

    #[test]
    fn the_guid_wins() {
        let h = hints(Some(" tag:x,1 "), Some("https://e.org/1"), Some("T"));
        assert_eq!(item_identity(&h, "file"), "tag:x,1");
    }

    #[test]
    fn else_the_canonical_link_without_tracking() {
        let h = hints(
            None,
            Some("HTTPS://Example.ORG/world/1?id=7&utm_source=rss&fbclid=abc#comments"),
            Some("T"),
        );
        assert_eq!(
            item_identity(&h, "file"),
            "https://example.org/world/1?id=7"
        );
        let only_tracking = hints(None, Some("https://e.org/a?utm_medium=x"), None);
        assert_eq!(item_identity(&only_tracking, "file"), "https://e.org/a");
    }

    #[test]
    fn else_a_hash_of_title_and_date_that_ignores_spacing_and_case() {
        let a = item_identity(&hints(None, None, Some("Quake  hits  coast")), "f");
        let b = item_identity(&hints(None, None, Some("quake hits coast")), "f");
        assert_eq!(a, b);
        assert!(a.starts_with("sha256:"));
        let c = item_identity(&hints(None, None, Some("Quake hits city")), "f");
        assert_ne!(a, c);
    }

    #[test]
    fn else_the_fallback() {
        let nothing = ItemHints::default();
        assert_eq!(
            item_identity(&nothing, "inbox/story.xml"),
            "inbox/story.xml"
        );
        let bad_link = hints(None, Some("javascript:void(0)"), None);
        assert_eq!(item_identity(&bad_link, "f"), "f");
    }
}
