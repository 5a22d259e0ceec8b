//! One task per source: poll, publish new and changed items, wait (interval with jitter, or
//! capped exponential backoff after errors; a source is never disabled), repeat until shutdown.

use crate::config::{DirSource, FetcherConfig, HttpSource, SourceConfig};
use crate::http::{self, FetchError, Validators};
use crate::{document, events, inbox};
use chrono::Utc;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use wire_model::{OriginInfo, SourceId, topics};
use wire_runtime::{BusError, Record, SharedBus};

/// What all source tasks share.
pub struct Shared {
    pub config: FetcherConfig,
    pub bus: SharedBus,
    pub client: reqwest::Client,
    pub permits: Semaphore,
}

/// One fetched document, before splitting.
struct Document {
    bytes: Vec<u8>,
    content_type: Option<String>,
    origin: OriginInfo,
    /// The identity of the item when the document gives none (its path or URL).
    fallback_identity: String,
}

/// Why a poll failed.
#[derive(Debug, thiserror::Error)]
enum PollError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("failed to read drop folder: {0}")]
    Dir(#[from] std::io::Error),
    #[error(transparent)]
    Bus(#[from] BusError),
}

impl PollError {
    fn class(&self) -> &'static str {
        match self {
            Self::Fetch(error) => error.class(),
            Self::Dir(_) => "dir",
            Self::Bus(_) => "bus",
        }
    }
}

/// Per-source memory between polls.
#[derive(Default)]
struct SourceState {
    /// Item identity → payload hash of the last published version.
    published: HashMap<String, String>,
    validators: Validators,
    file_stamps: inbox::FileStamps,
    consecutive_failures: u32,
}

#[derive(Default)]
struct PollCounts {
    documents: usize,
    new_items: usize,
    changed_items: usize,
    unchanged_items: usize,
}

/// Polls `source` until `shutdown`.
pub async fn poll_forever(source: SourceConfig, shared: Arc<Shared>, shutdown: CancellationToken) {
    let interval = Duration::from_secs(
        source
            .interval_secs()
            .unwrap_or(shared.config.default_interval_secs),
    );
    let mut state = SourceState::default();
    // Spread the first polls of many sources over a short window.
    let mut delay = jitter(Duration::from_millis(500), 1.0);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
        let permit = tokio::select! {
            _ = shutdown.cancelled() => return,
            permit = shared.permits.acquire() => permit,
        };
        let result = tokio::select! {
            _ = shutdown.cancelled() => return,
            result = poll_once(&source, &mut state, &shared) => result,
        };
        drop(permit);
        delay = match result {
            Ok(Some(counts)) => {
                state.consecutive_failures = 0;
                events::PollSucceeded {
                    source: source.id(),
                    documents: counts.documents,
                    new_items: counts.new_items,
                    changed_items: counts.changed_items,
                    unchanged_items: counts.unchanged_items,
                }
                .emit();
                jitter(interval, 0.1)
            }
            Ok(None) => {
                state.consecutive_failures = 0;
                events::NotModified {
                    source: source.id(),
                }
                .emit();
                jitter(interval, 0.1)
            }
            Err(error) => {
                state.consecutive_failures += 1;
                let backoff = backoff(interval, state.consecutive_failures);
                events::PollFailed {
                    source: source.id(),
                    class: error.class(),
                    error: &error.to_string(),
                    consecutive_failures: state.consecutive_failures,
                    retry_in_secs: backoff.as_secs(),
                }
                .emit();
                backoff
            }
        };
    }
}

/// `interval` ± `spread` (a share of it), so many sources do not poll in lockstep.
fn jitter(interval: Duration, spread: f64) -> Duration {
    let factor = 1.0 + spread * (fastrand::f64() * 2.0 - 1.0);
    interval.mul_f64(factor.max(0.0))
}

/// After `failures` consecutive errors: the interval doubled per failure, capped at the larger
/// of the interval and one hour, with jitter. Never infinite: the source is retried forever.
fn backoff(interval: Duration, failures: u32) -> Duration {
    let cap = interval.max(Duration::from_secs(3600));
    let exponential = interval.saturating_mul(1u32 << failures.min(16));
    jitter(exponential.min(cap), 0.2)
}

async fn poll_once(
    source: &SourceConfig,
    state: &mut SourceState,
    shared: &Shared,
) -> Result<Option<PollCounts>, PollError> {
    let source_id = SourceId::new(source.id());
    match source {
        SourceConfig::Http(http_source) => {
            let Some((document, validators)) = fetch_http(http_source, state, shared).await? else {
                return Ok(None);
            };
            let mut counts = PollCounts::default();
            publish_document(&source_id, document, state, shared, &mut counts).await?;
            // Only after every item was acknowledged: were the validators kept when publishing
            // failed, the next poll would get a 304 and the items would never be published.
            state.validators = validators;
            Ok(Some(counts))
        }
        SourceConfig::Dir(dir_source) => poll_dir(&source_id, dir_source, state, shared)
            .await
            .map(Some),
    }
}

/// The fetched document and the validators to send next time, or `None` on 304.
async fn fetch_http(
    source: &HttpSource,
    state: &SourceState,
    shared: &Shared,
) -> Result<Option<(Document, Validators)>, PollError> {
    let fetched = http::fetch(
        &shared.client,
        source,
        &state.validators,
        shared.config.max_body_bytes,
    )
    .await?;
    let Some(fetched) = fetched else {
        return Ok(None);
    };
    let document = Document {
        bytes: fetched.body,
        content_type: fetched.content_type,
        origin: OriginInfo::Http {
            url: source.url.clone(),
            status: fetched.status,
            etag: fetched.validators.etag.clone(),
            last_modified: fetched.validators.last_modified.clone(),
        },
        fallback_identity: source.url.clone(),
    };
    Ok(Some((document, fetched.validators)))
}

async fn poll_dir(
    source_id: &SourceId,
    source: &DirSource,
    state: &mut SourceState,
    shared: &Shared,
) -> Result<PollCounts, PollError> {
    let (files, too_large) = inbox::ready_files(
        source,
        &state.file_stamps,
        SystemTime::now(),
        shared.config.max_body_bytes,
    )
    .await?;
    for (path, reason) in too_large {
        events::DocumentUnsplittable {
            source: source_id.as_str(),
            origin: &path.display().to_string(),
            error: &reason,
        }
        .emit();
    }
    let mut counts = PollCounts::default();
    for file in files {
        let path_text = file.path.display().to_string();
        let document = Document {
            bytes: file.bytes,
            content_type: None,
            origin: OriginInfo::Dir {
                path: path_text.clone(),
            },
            fallback_identity: file
                .path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or(path_text),
        };
        publish_document(source_id, document, state, shared, &mut counts).await?;
        state.file_stamps.insert(file.path.clone(), file.stamp);
        inbox::finish_file(source, &file.path).await?;
    }
    Ok(counts)
}

/// Splits `document`, publishes the items that are new or changed, waits for every
/// acknowledgement, and only then remembers them as published.
async fn publish_document(
    source_id: &SourceId,
    document: Document,
    state: &mut SourceState,
    shared: &Shared,
    counts: &mut PollCounts,
) -> Result<(), PollError> {
    counts.documents += 1;
    let (raws, split_error) = document::raw_items(
        source_id,
        &document.bytes,
        document.content_type.as_deref(),
        &document.origin,
        &document.fallback_identity,
        Utc::now(),
    );
    if let Some(error) = split_error {
        events::DocumentUnsplittable {
            source: source_id.as_str(),
            origin: &document.fallback_identity,
            error: &error.to_string(),
        }
        .emit();
    }
    let mut pending = Vec::new();
    let mut identities_in_document = HashSet::new();
    for raw in raws {
        // A feed may repeat an item identity: the first occurrence wins. Publishing both would
        // make every later poll see the item change back and forth and publish it again.
        if !identities_in_document.insert(raw.item_identity.clone()) {
            events::RepeatedItemSkipped {
                source: source_id.as_str(),
                origin: &document.fallback_identity,
            }
            .emit();
            continue;
        }
        match state.published.get(&raw.item_identity) {
            Some(hash) if *hash == raw.payload_hash => {
                counts.unchanged_items += 1;
                continue;
            }
            Some(_) => counts.changed_items += 1,
            None => counts.new_items += 1,
        }
        let record = Record::new(topics::RAW, raw.article_id.as_str(), raw.encode());
        let ack = shared.bus.enqueue(record).await?;
        pending.push((raw.item_identity, raw.payload_hash, ack));
    }
    for (identity, hash, ack) in pending {
        ack.await?;
        state.published.insert(identity, hash);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped_but_never_stops() {
        let interval = Duration::from_secs(60);
        let first = backoff(interval, 1);
        assert!(first >= Duration::from_secs(96) && first <= Duration::from_secs(144));
        let late = backoff(interval, 30);
        assert!(late <= Duration::from_secs(3600 * 12 / 10));
        assert!(late >= Duration::from_secs(3600 * 8 / 10));
    }

    #[test]
    fn jitter_stays_within_its_spread() {
        for _ in 0..100 {
            let value = jitter(Duration::from_secs(100), 0.1);
            assert!(value >= Duration::from_secs(90) && value <= Duration::from_secs(110));
        }
    }
}
