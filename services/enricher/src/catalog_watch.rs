//! The shell around [`crate::catalog`]: looks at the catalog folder every
//! `enricher.tagging.reload_check_secs`, offers a changed catalog that passes its checks to the
//! stage and reports one that does not, and serves `GET /story-topics` on the admin port.

use crate::catalog::{LiveCatalog, ReloadError, read_catalog};
use crate::events;
use axum::Json;
use axum::routing::get;
use chrono::{DateTime, Utc};
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tokio_util::sync::CancellationToken;

/// Names, sizes and modification times of the `*.toml` files of `dir`, hashed (0 when it
/// cannot be listed).
pub fn fingerprint(dir: &Path) -> u64 {
    let mut files: Vec<(String, u64, Option<SystemTime>)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                .map(|e| {
                    let metadata = e.metadata().ok();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        metadata.as_ref().map_or(0, |m| m.len()),
                        metadata.and_then(|m| m.modified().ok()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    hasher.finish()
}

/// What one look at the folder found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// No file changed since the last look.
    Unchanged,
    /// The folder changed and its catalog, checked, is offered to the stage.
    Reloaded { topics: usize },
    /// The folder changed but its catalog failed a check: the previous one stays.
    Refused,
}

/// Watches one catalog folder for the stage's [`LiveCatalog`].
#[derive(Debug)]
pub struct CatalogWatcher {
    dir: PathBuf,
    fingerprint: u64,
    live: LiveCatalog,
}

impl CatalogWatcher {
    /// A watcher of `dir` whose catalog in use was read when the folder's fingerprint was
    /// `fingerprint` (taken before reading, so an edit made during the read is seen).
    pub fn new(dir: PathBuf, fingerprint: u64, live: LiveCatalog) -> Self {
        Self {
            dir,
            fingerprint,
            live,
        }
    }

    /// Looks at the folder once; reads and checks it when a file changed. A refused folder is
    /// not read again until it changes again.
    pub fn check(&mut self, now: DateTime<Utc>) -> Check {
        let fingerprint = fingerprint(&self.dir);
        if fingerprint == self.fingerprint {
            return Check::Unchanged;
        }
        self.fingerprint = fingerprint;
        match read_catalog(&self.dir) {
            Ok((catalog, compiled)) => {
                let topics = catalog.topics.len();
                self.live.replace(catalog, compiled, now);
                events::TopicCatalogReloaded {
                    dir: &self.dir,
                    topics,
                }
                .emit();
                Check::Reloaded { topics }
            }
            Err(error) => {
                let refused = ReloadError::new(&error, now);
                events::TopicCatalogNotReloaded {
                    dir: &self.dir,
                    file: refused.file.as_deref(),
                    kind: refused.kind,
                    error: &refused.reason,
                }
                .emit();
                self.live.refuse(refused);
                Check::Refused
            }
        }
    }
}

/// Checks the folder every `every` until `shutdown` (the files are read off the async
/// threads).
pub async fn watch(mut watcher: CatalogWatcher, every: Duration, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
        let now = Utc::now();
        watcher = match tokio::task::spawn_blocking(move || {
            watcher.check(now);
            watcher
        })
        .await
        {
            Ok(watcher) => watcher,
            Err(error) => {
                events::TopicCatalogWatchStopped {
                    error: &error.to_string(),
                }
                .emit();
                return;
            }
        };
    }
}

/// `GET /story-topics`: the [`crate::catalog::CatalogStatus`] of `live` as JSON.
pub fn router(live: LiveCatalog) -> axum::Router {
    axum::Router::new().route(
        "/story-topics",
        get(move || {
            let live = live.clone();
            async move { Json(live.status()) }
        }),
    )
}
