//! One poll of one source: fetch (HTTP or drop folder), publish the new and changed items,
//! wait for their acknowledgements, and update what is remembered.

use crate::config::{DirSource, FetcherConfig, HttpSource};
use crate::http::{self, FetchError, RequestPlan};
use crate::record::SourceRecord;
use crate::schedule::Hints;
use crate::sources::SourceRegistry;
use crate::{document, events, inbox, split};
use chrono::Utc;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Semaphore;
use wire_model::{OriginInfo, RawItem, SourceId, topics};
use wire_runtime::bus::PendingAck;
use wire_runtime::state::SharedStateStore;
use wire_runtime::{BusError, Delivery, Record, SharedBus, StageError};

/// After this many 304s in a row, one unconditional GET checks that the validators still tell
/// the truth.
const FULL_FETCH_AFTER_NOT_MODIFIED: u32 = 24;

/// What all source tasks share.
pub struct Shared {
    pub config: FetcherConfig,
    pub bus: SharedBus,
    /// The SSRF guard of sources without `allow_private_network`.
    pub guard: crate::guard::Guard,
    /// For sources behind the SSRF guard (its resolver is the guard's).
    pub guarded_client: reqwest::Client,
    /// For sources with `allow_private_network = true`.
    pub open_client: reqwest::Client,
    pub permits: Semaphore,
    pub host_permits: Mutex<HashMap<String, Arc<Semaphore>>>,
    pub state: SharedStateStore,
    pub registry: SourceRegistry,
}

impl Shared {
    fn host_semaphore(&self, host: &str) -> Arc<Semaphore> {
        let mut hosts = self
            .host_permits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        hosts
            .entry(host.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(self.config.per_host_concurrency)))
            .clone()
    }
}

/// Why a poll failed.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("failed to read drop folder: {0}")]
    Dir(#[from] std::io::Error),
    #[error(transparent)]
    Bus(#[from] BusError),
}

impl PollError {
    pub fn class(&self) -> &'static str {
        match self {
            Self::Fetch(error) => error.class(),
            Self::Dir(_) => "dir",
            Self::Bus(_) => "bus",
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Fetch(error) => error.retry_after(),
            _ => None,
        }
    }
}

/// Item counts of one poll.
#[derive(Debug, Default, Clone, Copy)]
pub struct PollCounts {
    pub documents: usize,
    pub new_items: usize,
    pub changed_items: usize,
    pub unchanged_items: usize,
}

/// How a poll went.
#[derive(Debug)]
pub enum PollOutcome {
    Published {
        counts: PollCounts,
        hints: Hints,
        possible_miss: bool,
    },
    NotModified {
        hints: Hints,
    },
}

/// Polls an HTTP source.
pub async fn poll_http(
    source: &HttpSource,
    record: &mut SourceRecord,
    shared: &Shared,
) -> Result<PollOutcome, PollError> {
    let config = &shared.config;
    let url = record
        .permanent_url
        .clone()
        .unwrap_or_else(|| source.url.clone());
    let conditional = source.conditional_get
        && !record.conditional_get_unreliable
        && record.not_modified_streak < FULL_FETCH_AFTER_NOT_MODIFIED;
    let plan = RequestPlan {
        source,
        guard: (!source.allow_private_network).then_some(&shared.guard),
        url: &url,
        validators: conditional.then_some(&record.validators),
        user_agent: source.user_agent.as_deref().unwrap_or(&config.user_agent),
        timeout: Duration::from_secs(source.timeout_secs.unwrap_or(config.timeout_secs)),
        max_body_bytes: source.max_body_bytes.unwrap_or(config.max_body_bytes),
    };
    let client = if source.allow_private_network {
        &shared.open_client
    } else {
        &shared.guarded_client
    };
    let host = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let host_semaphore = shared.host_semaphore(&host);
    let _host_permit = host_semaphore.acquire().await;
    let started = Instant::now();
    let result = http::fetch(client, &plan).await;
    let bytes = result
        .as_ref()
        .ok()
        .and_then(|f| f.body.as_ref().map(Vec::len))
        .unwrap_or(0);
    events::FetchMeasured {
        source: &source.id,
        seconds: started.elapsed().as_secs_f64(),
        bytes,
    }
    .emit();
    let fetched = result?;
    if let Some(permanent) = &fetched.permanent_url
        && record.permanent_url.as_ref() != Some(permanent)
    {
        events::PermanentRedirect {
            source: &source.id,
            to: permanent,
        }
        .emit();
        record.permanent_url = Some(permanent.clone());
    }
    let mut hints = Hints {
        max_age: fetched.max_age,
        ..Hints::default()
    };
    let Some(body) = fetched.body else {
        record.not_modified_streak += 1;
        return Ok(PollOutcome::NotModified { hints });
    };
    hints.feed_period = split::feed_period(&body);
    let was_full_check =
        !conditional && record.not_modified_streak >= FULL_FETCH_AFTER_NOT_MODIFIED;
    let document = Document {
        bytes: body,
        content_type: fetched.content_type.clone(),
        origin: OriginInfo::Http {
            url: fetched.final_url.clone(),
            status: fetched.status,
            etag: fetched.validators.etag.clone(),
            last_modified: fetched.validators.last_modified.clone(),
        },
        fallback_identity: source.url.clone(),
    };
    let mut counts = PollCounts::default();
    let identities = publish_document(&source.id, document, record, shared, &mut counts).await?;
    if was_full_check && counts.new_items + counts.changed_items > 0 && source.conditional_get {
        events::ValidatorsUnreliable { source: &source.id }.emit();
        record.conditional_get_unreliable = true;
    }
    // Only now that every item is acknowledged: were the validators kept when publishing
    // failed, the next poll would get a 304 and the items would never be published.
    record.validators = fetched.validators;
    record.not_modified_streak = 0;
    let possible_miss = possible_miss(&record.last_identities, &identities);
    record.last_identities = identities;
    Ok(PollOutcome::Published {
        counts,
        hints,
        possible_miss,
    })
}

/// A poll that shares no item with the previous one may have missed items that came and went
/// in between.
fn possible_miss(previous: &[String], current: &[String]) -> bool {
    if previous.is_empty() || current.is_empty() {
        return false;
    }
    let previous: HashSet<&String> = previous.iter().collect();
    !current.iter().any(|identity| previous.contains(identity))
}

/// Polls a drop folder.
pub async fn poll_dir(
    source: &DirSource,
    record: &mut SourceRecord,
    shared: &Shared,
) -> Result<PollOutcome, PollError> {
    let (files, skipped) = inbox::ready_files(
        source,
        &record.file_stamps,
        SystemTime::now(),
        shared.config.max_body_bytes,
    )
    .await?;
    for file in skipped {
        events::DocumentUnsplittable {
            source: &source.id,
            origin: &file.path.display().to_string(),
            error: &file.reason,
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
                .unwrap_or_else(|| path_text.clone()),
        };
        publish_document(&source.id, document, record, shared, &mut counts).await?;
        if inbox::finish_file(source, &file.path).await? {
            record.file_stamps.remove(&path_text);
        } else {
            record.file_stamps.insert(path_text, file.stamp);
        }
    }
    // Forget files that are gone.
    record
        .file_stamps
        .retain(|path, _| std::path::Path::new(path).exists());
    Ok(PollOutcome::Published {
        counts,
        hints: Hints::default(),
        possible_miss: false,
    })
}

/// One fetched document, before splitting.
struct Document {
    bytes: Vec<u8>,
    content_type: Option<String>,
    origin: OriginInfo,
    /// The identity of the item when the document gives none (its path or URL).
    fallback_identity: String,
}

/// Splits `document`, publishes the items that are new or changed, waits for every
/// acknowledgement, and only then remembers them. Returns the identities in the document.
async fn publish_document(
    source_id: &str,
    document: Document,
    record: &mut SourceRecord,
    shared: &Shared,
    counts: &mut PollCounts,
) -> Result<Vec<String>, PollError> {
    counts.documents += 1;
    let mut pending = Vec::new();
    let mut in_document = HashMap::new();
    let mut identities = Vec::new();
    for mut item in split_document(source_id, &document) {
        let Some((identity, hash)) = identify_in_document(
            source_id,
            &document.fallback_identity,
            &mut item,
            record,
            &mut in_document,
        ) else {
            continue;
        };
        identities.push(identity.clone());
        match record.published.get(&identity) {
            Some(known) if known.hash == hash => {
                counts.unchanged_items += 1;
                record.touch(&identity);
                continue;
            }
            Some(_) => counts.changed_items += 1,
            None => counts.new_items += 1,
        }
        let ack = enqueue_or_dead_letter(source_id, &item.raw, shared).await?;
        pending.push((identity, hash, item.alias_key, ack));
    }
    for (identity, hash, alias_key, ack) in pending {
        ack.await?;
        record.remember(&identity, &hash, alias_key.as_deref());
    }
    record.prune(shared.config.max_items_remembered);
    Ok(identities)
}

/// The items of `document`; a document that cannot be split is reported (and kept whole).
fn split_document(source_id: &str, document: &Document) -> Vec<document::DocumentItem> {
    let (items, split_error) = document::items(
        &SourceId::new(source_id),
        &document.bytes,
        document.content_type.as_deref(),
        &document.origin,
        &document.fallback_identity,
        Utc::now(),
    );
    if let Some(error) = split_error {
        events::DocumentUnsplittable {
            source: source_id,
            origin: &document.fallback_identity,
            error: &error.to_string(),
        }
        .emit();
    }
    items
}

/// The identity and the hash `item` is compared and remembered under, its raw item re-identified
/// to match; `None` for a repeat of an item earlier in the same document. `in_document` holds
/// the (payload hash, alias key) of the document's items so far, by identity.
fn identify_in_document(
    source_id: &str,
    origin: &str,
    item: &mut document::DocumentItem,
    record: &SourceRecord,
    in_document: &mut HashMap<String, (String, Option<String>)>,
) -> Option<(String, String)> {
    let raw = &mut item.raw;
    let resolved = record.resolve_identity(&raw.item_identity, item.alias_key.as_deref());
    let identity = match in_document.get(&resolved) {
        // The same item twice in one document (same content, or a story and its update
        // under one guid with the same title and link): the first occurrence wins.
        Some((hash, alias_key))
            if *hash == raw.payload_hash
                || (item.alias_key.is_some() && *alias_key == item.alias_key) =>
        {
            events::RepeatedItemSkipped {
                source: source_id,
                origin,
            }
            .emit();
            return None;
        }
        // One guid reused for different stories: tell them apart without it.
        Some(_) => item.identity_without_guid.clone(),
        None => resolved.clone(),
    };
    // A rotated guid (the item was found through its title and link) is compared, and
    // remembered, as if it still had the guid it is remembered under: its payload carries
    // the new guid, so its raw hash differs on every rotation.
    let hash = if identity == resolved && identity != raw.item_identity {
        document::payload_hash_as(raw, &identity)
    } else {
        raw.payload_hash.clone()
    };
    if identity != raw.item_identity {
        document::reidentify(raw, identity.clone());
    }
    in_document.insert(
        identity.clone(),
        (raw.payload_hash.clone(), item.alias_key.clone()),
    );
    Some((identity, hash))
}

/// Enqueues `raw` on the raw topic. An item too large for the bus goes to the dead-letter topic
/// instead (cut, with the reason), and the dead letter's acknowledgement is returned: the item
/// is then remembered like a published one, so neither this poll's later items nor the next
/// polls are held up by it; a changed version is tried again.
async fn enqueue_or_dead_letter(
    source_id: &str,
    raw: &RawItem,
    shared: &Shared,
) -> Result<PendingAck, PollError> {
    let record_out = Record::new(topics::RAW, raw.article_id.as_str(), raw.encode());
    match shared.bus.enqueue(record_out).await {
        Ok(ack) => Ok(ack),
        Err(BusError::TooLarge {
            topic,
            bytes,
            limit,
        }) => {
            events::ItemTooLarge {
                source: source_id,
                bytes,
                limit: &limit,
            }
            .emit();
            let delivery = Delivery {
                record: Record::new(topics::RAW, raw.article_id.as_str(), raw.encode()),
                partition: -1,
                offset: -1,
            };
            let error = StageError::new(
                "too_large",
                format!(
                    "the raw item of {bytes} bytes for {topic} is larger than the bus \
                     accepts ({limit})"
                ),
            );
            let dead = wire_runtime::stage::dead_letter("fetcher", &delivery, &error);
            Ok(shared.bus.enqueue(dead).await?)
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_possible_miss_is_a_poll_that_shares_no_item_with_the_previous_one() {
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(possible_miss(&ids(&["a", "b"]), &ids(&["c", "d"])));
        assert!(!possible_miss(&ids(&["a", "b"]), &ids(&["b", "c"])));
        assert!(!possible_miss(&ids(&[]), &ids(&["c"])));
        assert!(!possible_miss(&ids(&["a"]), &ids(&[])));
    }
}
