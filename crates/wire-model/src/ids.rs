//! Typed identifiers. Ids are opaque strings on the wire; the newtypes keep a family id from
//! being passed where an article id is expected.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

string_id!(
    /// A configured source: a feed or a drop folder (`afp-world`, `demo-inbox`).
    SourceId
);
string_id!(
    /// One provider item across all its versions: `urn:wirefeed:article:<hex>`, derived from the
    /// source and the provider's item identity (guid, canonical link or title + date hash).
    ArticleId
);
string_id!(
    /// A story family: the original, its versions and every pickup share it.
    FamilyId
);

/// What the ids wirefeed makes look like: a prefix, then [`ID_DIGEST_BYTES`] of a SHA-256
/// digest in lowercase hex (the enricher's index holds them packed by these).
pub mod made {
    /// Of an [`super::ArticleId`].
    pub const ARTICLE_PREFIX: &str = "urn:wirefeed:article:";
    /// Of a [`super::FamilyId`].
    pub const FAMILY_PREFIX: &str = "family:";
    /// Of the story a family starts ([`super::FamilyId::own_story`]).
    pub const STORY_PREFIX: &str = "story:";
    /// The digest bytes after the prefix.
    pub const ID_DIGEST_BYTES: usize = 12;
}

impl ArticleId {
    /// The stable article id of a provider item: the same source and item identity always give
    /// the same id, whatever the content of the current version.
    pub fn for_item(source: &SourceId, item_identity: &str) -> Self {
        let digest = Sha256::new()
            .chain_update(source.as_str().as_bytes())
            .chain_update([0u8])
            .chain_update(item_identity.as_bytes())
            .finalize();
        Self(format!(
            "{}{}",
            made::ARTICLE_PREFIX,
            hex::encode(&digest[..made::ID_DIGEST_BYTES])
        ))
    }
}

impl FamilyId {
    /// A new family founded by `article`: `family:<hex>` from the article id.
    pub fn founded_by(article: &ArticleId) -> Self {
        let digest = Sha256::digest(article.as_str().as_bytes());
        Self(format!(
            "{}{}",
            made::FAMILY_PREFIX,
            hex::encode(&digest[..made::ID_DIGEST_BYTES])
        ))
    }

    /// The id of the story (`wire.story`) this family starts when it joins none:
    /// `story:<hex>` of the family's own.
    pub fn own_story(&self) -> String {
        self.0.replacen(made::FAMILY_PREFIX, made::STORY_PREFIX, 1)
    }
}

/// A short stable hash of some text (hex of the first 16 bytes of SHA-256), used for content
/// fingerprints that travel in messages.
pub fn content_hash(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_starts_the_story_of_its_own_hex() {
        let family = FamilyId::from("family:0a1b2c");
        assert_eq!(family.own_story(), "story:0a1b2c");
    }

    #[test]
    fn article_id_is_stable_and_depends_on_source_and_identity() {
        let afp = SourceId::from("afp");
        let reuters = SourceId::from("reuters");
        let a = ArticleId::for_item(&afp, "urn:newsml:afp.com:1");
        assert_eq!(a, ArticleId::for_item(&afp, "urn:newsml:afp.com:1"));
        assert_ne!(a, ArticleId::for_item(&reuters, "urn:newsml:afp.com:1"));
        assert_ne!(a, ArticleId::for_item(&afp, "urn:newsml:afp.com:2"));
        assert!(a.as_str().starts_with("urn:wirefeed:article:"));
        assert_eq!(a.as_str().len(), "urn:wirefeed:article:".len() + 24);
    }

    #[test]
    fn ids_serialize_as_plain_strings() {
        let family = FamilyId::from("family:abc");
        assert_eq!(serde_json::to_string(&family).unwrap(), "\"family:abc\"");
        let back: FamilyId = serde_json::from_str("\"family:abc\"").unwrap();
        assert_eq!(back, family);
    }
}
