//! The wirefeed message schema, and nothing else: the IPTC ninjs 3.x [`Article`], the
//! [`Envelope`] every article message carries (`article` + `wire` + `schema`), the raw item the
//! fetcher publishes ([`RawItem`]), alerts ([`Alert`]), story changes ([`StoryRecord`]), typed ids and the versioned topic names.
//!
//! Delivery guarantee: none by itself; this crate only defines what travels. Readers accept
//! unknown fields everywhere (forward compatibility), so a newer producer never breaks an older
//! consumer, and unknown ninjs fields survive a round trip through [`Article::extra`].

mod alert;
mod article;
mod envelope;
pub mod fold;
mod ids;
#[cfg(feature = "ninjs-validate")]
pub mod ninjs_schema;
mod raw;
mod story;
pub mod topics;

pub use alert::{ALERT_SCHEMA, Alert};
pub use article::{
    AltId, Article, Body, Headline, Place, PubStatus, Rendition, Subject, TextValue,
};
pub use envelope::{
    ARTICLE_SCHEMA, Change, DecodeError, Envelope, Evidence, EvidenceMatch, Region, WireMeta,
    notice,
};
pub use ids::{ArticleId, FamilyId, SourceId, content_hash, made as made_ids};
pub use raw::{OriginInfo, PayloadEncoding, RAW_SCHEMA, RawFormat, RawItem};
pub use story::{STORY_SCHEMA, StoryChange, StoryMember, StoryRecord};
