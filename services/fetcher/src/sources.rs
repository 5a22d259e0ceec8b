//! The live health table of all sources, served as JSON at `GET /sources` on the admin port.

use crate::record::SourceStatus;
use axum::Json;
use axum::routing::get;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Source id → status, shared by the source tasks and the admin server.
#[derive(Clone, Default)]
pub struct SourceRegistry {
    inner: Arc<Mutex<BTreeMap<String, SourceStatus>>>,
}

impl std::fmt::Debug for SourceRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceRegistry").finish_non_exhaustive()
    }
}

impl SourceRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&self, status: &SourceStatus) {
        self.lock().insert(status.id.clone(), status.clone());
    }

    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Every source's status, ordered by id.
    pub fn snapshot(&self) -> Vec<SourceStatus> {
        self.lock().values().cloned().collect()
    }

    /// `GET /sources`: the table as a JSON array.
    pub fn router(&self) -> axum::Router {
        let registry = self.clone();
        axum::Router::new().route(
            "/sources",
            get(move || {
                let registry = registry.clone();
                async move { Json(registry.snapshot()) }
            }),
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, SourceStatus>> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
