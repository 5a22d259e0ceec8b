//! Pure: exact duplicates, re-sends and versions, by the normalized text fingerprint.
//!
//! - the same article (`uri`) with the same content: a re-send, dropped;
//! - the same article with new content: its next version, in the same family;
//! - another article with the same content as one seen: a duplicate (pickup) of it, in its
//!   family, `is_original = false`;
//! - anything else: the original of a new family.
//!
//! Memory is bounded: the oldest articles are forgotten beyond `capacity`.

use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use wire_model::{ArticleId, Envelope, FamilyId, content_hash};

/// What the index decided about an article.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The same content of the same article again.
    Resend,
    /// An enriched envelope to publish.
    Enriched(Box<Envelope>),
}

struct KnownArticle {
    family: FamilyId,
    content_hash: String,
    version_seq: u32,
    duplicate_of: Option<String>,
}

/// The exact-duplicate index.
pub struct ExactDedup {
    capacity: usize,
    articles: HashMap<String, KnownArticle>,
    /// Content hash → the uri of the first article seen with it.
    first_with_content: HashMap<String, String>,
    /// Article uris, oldest first, for eviction.
    order: VecDeque<String>,
}

impl ExactDedup {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            articles: HashMap::new(),
            first_with_content: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Articles remembered now.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// Classifies `envelope` and returns it with `wire.family`, `version_seq`, `duplicate_of`,
    /// `similarity`, `is_original` and `enriched_at` set.
    pub fn process(&mut self, mut envelope: Envelope, now: DateTime<Utc>) -> Verdict {
        let uri = envelope.article.uri.clone();
        let hash = envelope.wire.content_hash.clone().unwrap_or_else(|| {
            content_hash(&format!(
                "{}\n{}",
                envelope
                    .article
                    .headline()
                    .unwrap_or_default()
                    .to_lowercase(),
                envelope
                    .article
                    .body_text()
                    .unwrap_or_default()
                    .to_lowercase()
            ))
        });
        let wire = &mut envelope.wire;
        wire.content_hash = Some(hash.clone());
        wire.enriched_at = Some(now);
        if let Some(known) = self.articles.get_mut(&uri) {
            if known.content_hash == hash {
                return Verdict::Resend;
            }
            known.version_seq += 1;
            known.content_hash = hash.clone();
            wire.family = Some(known.family.clone());
            wire.version_seq = Some(known.version_seq);
            wire.duplicate_of = known.duplicate_of.clone();
            wire.is_original = Some(known.duplicate_of.is_none());
            wire.similarity = known.duplicate_of.as_ref().map(|_| 1.0);
            self.first_with_content.entry(hash).or_insert(uri);
            return Verdict::Enriched(Box::new(envelope));
        }
        let original = self
            .first_with_content
            .get(&hash)
            .and_then(|first| self.articles.get(first).map(|known| (first.clone(), known)));
        let known = match original {
            Some((original_uri, original)) => KnownArticle {
                family: original.family.clone(),
                content_hash: hash.clone(),
                version_seq: 1,
                duplicate_of: Some(original_uri),
            },
            None => KnownArticle {
                family: FamilyId::founded_by(&ArticleId::new(uri.clone())),
                content_hash: hash.clone(),
                version_seq: 1,
                duplicate_of: None,
            },
        };
        wire.family = Some(known.family.clone());
        wire.version_seq = Some(1);
        wire.is_original = Some(known.duplicate_of.is_none());
        wire.similarity = known.duplicate_of.as_ref().map(|_| 1.0);
        wire.duplicate_of = known.duplicate_of.clone();
        self.first_with_content
            .entry(hash)
            .or_insert_with(|| uri.clone());
        self.articles.insert(uri.clone(), known);
        self.order.push_back(uri);
        self.evict();
        Verdict::Enriched(Box::new(envelope))
    }

    fn evict(&mut self) {
        while self.articles.len() > self.capacity {
            let Some(oldest) = self.order.pop_front() else {
                return;
            };
            if let Some(known) = self.articles.remove(&oldest)
                && self.first_with_content.get(&known.content_hash) == Some(&oldest)
            {
                self.first_with_content.remove(&known.content_hash);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_model::{Article, WireMeta};

    fn envelope(uri: &str, hash: &str) -> Envelope {
        Envelope::new(
            Article {
                uri: uri.to_owned(),
                ..Article::default()
            },
            WireMeta {
                content_hash: Some(hash.to_owned()),
                ..WireMeta::default()
            },
        )
    }

    fn enriched(verdict: Verdict) -> Envelope {
        match verdict {
            Verdict::Enriched(envelope) => *envelope,
            Verdict::Resend => panic!("unexpected resend"),
        }
    }

    #[test]
    fn original_resend_version_and_pickup() {
        let now = Utc::now();
        let mut index = ExactDedup::new(100);
        let original = enriched(index.process(envelope("agency:1", "h1"), now));
        assert_eq!(original.wire.is_original, Some(true));
        assert_eq!(original.wire.version_seq, Some(1));
        assert_eq!(original.wire.duplicate_of, None);
        assert_eq!(original.wire.enriched_at, Some(now));
        let family = original.wire.family.clone().unwrap();

        assert_eq!(
            index.process(envelope("agency:1", "h1"), now),
            Verdict::Resend
        );

        let pickup = enriched(index.process(envelope("outlet:9", "h1"), now));
        assert_eq!(pickup.wire.is_original, Some(false));
        assert_eq!(pickup.wire.duplicate_of.as_deref(), Some("agency:1"));
        assert_eq!(pickup.wire.similarity, Some(1.0));
        assert_eq!(pickup.wire.family.as_ref(), Some(&family));

        let update = enriched(index.process(envelope("agency:1", "h2"), now));
        assert_eq!(update.wire.version_seq, Some(2));
        assert_eq!(update.wire.is_original, Some(true));
        assert_eq!(update.wire.family.as_ref(), Some(&family));

        // A pickup of the updated text joins the same family.
        let late_pickup = enriched(index.process(envelope("outlet:10", "h2"), now));
        assert_eq!(late_pickup.wire.family.as_ref(), Some(&family));
        assert_eq!(late_pickup.wire.duplicate_of.as_deref(), Some("agency:1"));

        let other = enriched(index.process(envelope("agency:2", "h3"), now));
        assert_ne!(other.wire.family.as_ref(), Some(&family));
        assert_eq!(index.len(), 4);
    }

    #[test]
    fn memory_is_bounded_and_the_oldest_are_forgotten() {
        let now = Utc::now();
        let mut index = ExactDedup::new(2);
        for n in 0..5 {
            enriched(index.process(envelope(&format!("a:{n}"), &format!("h{n}")), now));
        }
        assert_eq!(index.len(), 2);
        // a:0 was forgotten: the same content again is a new original, not a duplicate.
        let again = enriched(index.process(envelope("b:0", "h0"), now));
        assert_eq!(again.wire.is_original, Some(true));
        // a:4 is remembered.
        assert_eq!(index.process(envelope("a:4", "h4"), now), Verdict::Resend);
    }
}
