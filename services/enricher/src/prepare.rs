//! The enricher's work on an article that reads none of its index: decoding, tagging and the
//! lineage's features. Pure but for the shared taggers; run on the stage's worker threads
//! (`stage.workers`) ahead of the loop, which then decides the lineage one article at a time.

use crate::events;
use crate::lineage::{self, Features};
use crate::tagging::Tagging;
use chrono::{DateTime, Utc};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use wire_model::{DecodeError, Envelope};
use wire_runtime::Delivery;
use wire_runtime::stage::profile::{Phase, scope};
use wire_runtime::stage::{Prepare, Prepared};

/// An article ready for the lineage: tagged, with the desk topics its tags route it to, and its
/// features.
pub struct Article {
    pub envelope: Envelope,
    pub routes: Vec<String>,
    pub features: Features,
}

/// What preparing an input gives: the article, or why its payload is no envelope.
pub type PreparedArticle = Result<Article, DecodeError>;

/// The taggers (when tagging is on), shared by the loop and the workers. A new story topic
/// catalog is put in use by whichever thread sees it first, under the write lock; tagging
/// takes the read lock.
#[derive(Debug, Default, Clone)]
pub struct SharedTagging {
    tagging: Option<Arc<RwLock<Tagging>>>,
}

impl SharedTagging {
    pub fn new(tagging: Option<Tagging>) -> Self {
        Self {
            tagging: tagging.map(|tagging| Arc::new(RwLock::new(tagging))),
        }
    }

    /// The taggers, to change them (the catalog watcher, the admin routes); `None` when tagging
    /// is off.
    pub fn write(&self) -> Option<RwLockWriteGuard<'_, Tagging>> {
        let tagging = self.tagging.as_ref()?;
        Some(tagging.write().unwrap_or_else(PoisonError::into_inner))
    }

    /// The taggers with the latest story topic catalog in use.
    fn current(&self) -> Option<RwLockReadGuard<'_, Tagging>> {
        let tagging = self.tagging.as_ref()?;
        let read = || tagging.read().unwrap_or_else(PoisonError::into_inner);
        let current = read();
        // The common case: no new catalog offered, one read lock per article.
        if !current.catalog().has_next() {
            return Some(current);
        }
        drop(current);
        tagging
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .use_latest_catalog();
        Some(read())
    }

    /// Tags `envelope` when tagging is on: the desk topics its tags route it to.
    pub fn tag(&self, envelope: &mut Envelope) -> Vec<String> {
        self.current()
            .map(|tagging| tagging.apply(envelope))
            .unwrap_or_default()
    }
}

/// Prepares articles: decode, tag, features.
#[derive(Debug, Clone)]
pub struct ArticlePreparer {
    pub tagging: SharedTagging,
}

impl ArticlePreparer {
    pub fn prepare_article(&self, payload: &[u8]) -> PreparedArticle {
        let mut envelope = scope(Phase::Decode, || Envelope::decode(payload))?;
        scope(Phase::Telemetry, || {
            events::ArticleReceived {
                source: envelope.wire.source.as_str(),
            }
            .emit()
        });
        let routes = self.tagging.tag(&mut envelope);
        let features = lineage::features(&envelope);
        Ok(Article {
            envelope,
            routes,
            features,
        })
    }
}

impl Prepare for ArticlePreparer {
    fn prepare(&self, delivery: &Delivery, _now: DateTime<Utc>) -> Prepared {
        Box::new(self.prepare_article(&delivery.record.payload))
    }
}
