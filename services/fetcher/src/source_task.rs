//! One task per source: wait, poll, record the outcome (health table, state store), schedule
//! the next poll (politely on success, with capped backoff on errors: a source is never
//! disabled), until shutdown. Returns the source's record so a reconfigured source continues
//! where it was.

use crate::config::{FetcherConfig, SourceConfig};
use crate::events;
use crate::poll_once::{self, PollOutcome, Shared};
use crate::record::SourceRecord;
use crate::schedule::{self, Bounds};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The prefix of every source record's key in the state store: `source:<source id>`.
pub const SOURCE_RECORD_KEY_PREFIX: &str = "source:";

/// The state-store key of a source's record.
pub fn state_key(source_id: &str) -> String {
    format!("{SOURCE_RECORD_KEY_PREFIX}{source_id}")
}

/// Polls `source` until `shutdown`, starting from `record`.
pub async fn poll_forever(
    source: SourceConfig,
    mut record: SourceRecord,
    shared: Arc<Shared>,
    shutdown: CancellationToken,
) -> SourceRecord {
    let cadence = Cadence::of(&source, &shared.config);
    describe_source(&source, &mut record);
    let tracking_since = Utc::now();
    let mut delay = first_delay(&record, cadence.interval);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return record,
            _ = tokio::time::sleep(delay) => {}
        }
        let _permit = tokio::select! {
            _ = shutdown.cancelled() => return record,
            permit = shared.permits.acquire() => permit,
        };
        let now = Utc::now();
        record.status.last_attempt_at = Some(now);
        record.status.polls_total += 1;
        let before = Essentials::of(&record);
        let result = tokio::select! {
            _ = shutdown.cancelled() => return record,
            result = poll_source(&source, &mut record, &shared) => result,
        };
        let jitter = fastrand::f64() * 2.0 - 1.0;
        delay = match result {
            Ok(outcome) => record_success(&source, &mut record, outcome, now, &cadence, jitter),
            Err(error) => record_failure(&source, &mut record, &error, now, &cadence, jitter),
        };
        check_idle(
            &source,
            &mut record,
            cadence.idle_alarm,
            tracking_since,
            now,
        );
        refresh_status(&mut record, delay, now);
        shared.registry.update(&record.status);
        // A record holds up to max_items_remembered item hashes: write it when what it
        // remembers changed, and every tenth poll for the schedule and health.
        if Essentials::of(&record) != before || record.status.polls_total.is_multiple_of(10) {
            save(&shared, &source, &record).await;
        }
    }
}

/// How often a source is polled: its interval, the bounds of its schedule and its idle alarm.
struct Cadence {
    interval: Duration,
    bounds: Bounds,
    idle_alarm: Duration,
}

impl Cadence {
    /// The source's own settings, else the fetcher's defaults.
    fn of(source: &SourceConfig, config: &FetcherConfig) -> Self {
        let interval = Duration::from_secs(
            source
                .interval_secs()
                .unwrap_or(config.default_interval_secs),
        );
        let bounds = match source {
            SourceConfig::Http(_) => Bounds {
                min_interval: Duration::from_secs(config.min_interval_secs),
                max_interval: Duration::from_secs(config.max_interval_secs),
                max_backoff: Duration::from_secs(config.max_backoff_secs),
            },
            // A drop folder is local: its own interval is polite enough.
            SourceConfig::Dir(_) => Bounds {
                min_interval: interval.min(Duration::from_secs(config.min_interval_secs)),
                max_interval: interval.max(Duration::from_secs(config.max_interval_secs)),
                max_backoff: Duration::from_secs(config.max_backoff_secs),
            },
        };
        let idle_alarm =
            Duration::from_secs(source.idle_alarm_secs().unwrap_or(config.idle_alarm_secs));
        Self {
            interval,
            bounds,
            idle_alarm,
        }
    }
}

/// Writes what the source is (id, kind, target, conditional GET) into its status.
fn describe_source(source: &SourceConfig, record: &mut SourceRecord) {
    let status = &mut record.status;
    status.id = source.id().to_owned();
    status.kind = source.kind().to_owned();
    status.target = source.target();
    status.conditional_get = matches!(source, SourceConfig::Http(h) if h.conditional_get);
}

/// The wait before the first poll: after a restart, the schedule the last run computed (a
/// Retry-After, a backoff), else a random share of half a second, to spread the first polls of
/// many sources.
fn first_delay(record: &SourceRecord, interval: Duration) -> Duration {
    record
        .status
        .next_poll_at
        .and_then(|at| (at - Utc::now()).to_std().ok())
        .map(|wait| wait.min(interval))
        .unwrap_or_else(|| Duration::from_millis(500).mul_f64(fastrand::f64()))
}

/// Counts a successful poll in the status, reports it, and returns the wait before the next one.
fn record_success(
    source: &SourceConfig,
    record: &mut SourceRecord,
    outcome: PollOutcome,
    now: DateTime<Utc>,
    cadence: &Cadence,
    jitter: f64,
) -> Duration {
    let status = &mut record.status;
    status.last_success_at = Some(now);
    status.consecutive_errors = 0;
    match outcome {
        PollOutcome::Published {
            counts,
            hints,
            possible_miss,
        } => {
            let published = (counts.new_items + counts.changed_items) as u64;
            if published > 0 {
                status.last_new_item_at = Some(now);
                status.items_published_total += published;
            }
            status.count_published(published, now);
            if possible_miss {
                status.possible_misses_total += 1;
                events::PossibleMiss {
                    source: source.id(),
                }
                .emit();
            }
            events::PollSucceeded {
                source: source.id(),
                documents: counts.documents,
                new_items: counts.new_items,
                changed_items: counts.changed_items,
                unchanged_items: counts.unchanged_items,
            }
            .emit();
            schedule::after_success(
                cadence.interval,
                &hints,
                possible_miss,
                &cadence.bounds,
                jitter,
            )
        }
        PollOutcome::NotModified { hints } => {
            status.not_modified_total += 1;
            events::NotModified {
                source: source.id(),
            }
            .emit();
            schedule::after_success(cadence.interval, &hints, false, &cadence.bounds, jitter)
        }
    }
}

/// Counts a failed poll in the status, reports it, and returns the backoff before the next one.
fn record_failure(
    source: &SourceConfig,
    record: &mut SourceRecord,
    error: &poll_once::PollError,
    now: DateTime<Utc>,
    cadence: &Cadence,
    jitter: f64,
) -> Duration {
    let status = &mut record.status;
    status.consecutive_errors += 1;
    status.last_error_class = Some(error.class().to_owned());
    status.last_error = Some(error.to_string());
    status.last_error_at = Some(now);
    let delay = schedule::after_error(
        cadence.interval,
        status.consecutive_errors,
        error.retry_after(),
        &cadence.bounds,
        jitter,
    );
    events::PollFailed {
        source: source.id(),
        class: error.class(),
        error: &error.to_string(),
        consecutive_failures: status.consecutive_errors,
        retry_in_secs: delay.as_secs(),
    }
    .emit();
    delay
}

/// Brings the status's derived fields up to date with the record and schedules the next poll
/// `delay` after `now`.
fn refresh_status(record: &mut SourceRecord, delay: Duration, now: DateTime<Utc>) {
    record.status.conditional_get =
        record.status.conditional_get && !record.conditional_get_unreliable;
    record.status.effective_url = record.permanent_url.clone();
    record.status.items_seen = record.published.len();
    record.status.next_poll_at = chrono::Duration::from_std(delay).ok().map(|d| now + d);
}

/// What must not be lost when it changes: written at once.
#[derive(PartialEq)]
struct Essentials {
    validators: crate::http::Validators,
    permanent_url: Option<String>,
    items_published_total: u64,
    remembered: usize,
    files: usize,
    conditional_get_unreliable: bool,
    /// Every failed poll is written: its schedule (backoff, Retry-After) must survive a restart.
    consecutive_errors: u32,
    idle: bool,
}

impl Essentials {
    fn of(record: &SourceRecord) -> Self {
        Self {
            validators: record.validators.clone(),
            permanent_url: record.permanent_url.clone(),
            items_published_total: record.status.items_published_total,
            remembered: record.published.len(),
            files: record.file_stamps.len(),
            conditional_get_unreliable: record.conditional_get_unreliable,
            consecutive_errors: record.status.consecutive_errors,
            idle: record.status.idle,
        }
    }
}

async fn poll_source(
    source: &SourceConfig,
    record: &mut SourceRecord,
    shared: &Shared,
) -> Result<PollOutcome, poll_once::PollError> {
    match source {
        SourceConfig::Http(http) => poll_once::poll_http(http, record, shared).await,
        SourceConfig::Dir(dir) => poll_once::poll_dir(dir, record, shared).await,
    }
}

/// Silence is an alarm: no new item for longer than `idle_alarm`.
fn check_idle(
    source: &SourceConfig,
    record: &mut SourceRecord,
    idle_alarm: Duration,
    tracking_since: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    let reference = record.status.last_new_item_at.unwrap_or(tracking_since);
    let silent_for = (now - reference).to_std().unwrap_or_default();
    let idle = silent_for > idle_alarm;
    if idle != record.status.idle {
        events::SourceIdleChanged {
            source: source.id(),
            idle,
            silent_secs: silent_for.as_secs(),
        }
        .emit();
    }
    record.status.idle = idle;
    events::SourceIdleGauge {
        source: source.id(),
        idle,
    }
    .emit();
}

/// The most a source's saved state may take: under Kafka's default message size (1 MiB), as
/// the state store may be a Kafka topic.
pub const STATE_BUDGET_BYTES: usize = 900 * 1024;

/// `record` as saved: when it is over [`STATE_BUDGET_BYTES`] (many long item identities), the
/// least recently seen items are left out until it fits. An item forgotten this way and seen
/// again after a restart is published again, and the enricher drops it as a re-send.
fn encode_within_budget(source: &str, record: &SourceRecord) -> serde_json::Result<Vec<u8>> {
    let mut value = serde_json::to_vec(record)?;
    if value.len() <= STATE_BUDGET_BYTES {
        return Ok(value);
    }
    let mut smaller = record.clone();
    while value.len() > STATE_BUDGET_BYTES && !smaller.published.is_empty() {
        smaller.prune(shrink_limit(smaller.published.len(), value.len()));
        value = serde_json::to_vec(&smaller)?;
    }
    events::StateTrimmed {
        source,
        remembered: record.published.len(),
        saved: smaller.published.len(),
    }
    .emit();
    Ok(value)
}

/// The `prune` limit for a record of `items` items encoded in `bytes` (over the budget): in
/// proportion to the excess, and always below `items`, so every round drops at least one item.
/// (A limit that rounds up to `items` when the excess is small would keep the loop above from
/// ending: a fetcher whose drop folder has seen thousands of items would hang.)
fn shrink_limit(items: usize, bytes: usize) -> usize {
    let share = (STATE_BUDGET_BYTES as f64 / bytes as f64).min(0.9);
    let target = ((items as f64) * share) as usize;
    // `prune(limit)` keeps 90 % of `limit`.
    (target.max(1) * 10 / 9).min(items.saturating_sub(1))
}

/// Writes `record` to the state store (failures are reported, and retried with the next save).
pub async fn save(shared: &Shared, source: &SourceConfig, record: &SourceRecord) {
    let value = match encode_within_budget(source.id(), record) {
        Ok(value) => value,
        Err(error) => {
            events::StateSaveFailed {
                source: source.id(),
                error: &error.to_string(),
            }
            .emit();
            return;
        }
    };
    if let Err(error) = shared.state.put(&state_key(source.id()), Some(value)).await {
        events::StateSaveFailed {
            source: source.id(),
            error: &error.to_string(),
        }
        .emit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_too_large_for_a_state_record_is_saved_without_its_oldest_items() {
        let mut record = SourceRecord::default();
        for n in 0..20_000 {
            let identity = format!("https://outlet.example/world/2026/12/02/a-long-story-slug-{n}");
            let alias = format!("a long headline of story number {n}|{identity}");
            record.remember(&identity, &format!("{n:032x}"), Some(&alias));
        }
        assert!(serde_json::to_vec(&record).map(|v| v.len()).unwrap_or(0) > STATE_BUDGET_BYTES);
        let saved = encode_within_budget("outlet", &record).unwrap_or_default();
        assert!(saved.len() <= STATE_BUDGET_BYTES, "{}", saved.len());
        let restored: SourceRecord = serde_json::from_slice(&saved).unwrap_or_default();
        assert!(
            restored.published.len() > 1_000,
            "{}",
            restored.published.len()
        );
        // The newest items are kept, the oldest left out.
        let newest = "https://outlet.example/world/2026/12/02/a-long-story-slug-19999";
        assert!(restored.published.contains_key(newest));
        assert!(
            !restored
                .published
                .contains_key("https://outlet.example/world/2026/12/02/a-long-story-slug-0")
        );
        // A small state is saved as it is.
        let mut small = SourceRecord::default();
        small.remember("a", "h", None);
        assert_eq!(
            encode_within_budget("outlet", &small).unwrap_or_default(),
            serde_json::to_vec(&small).unwrap_or_default()
        );
    }

    #[test]
    fn every_trimming_round_drops_items_however_small_the_excess() {
        for items in 1..=12_000 {
            for bytes in [
                STATE_BUDGET_BYTES + 1,
                STATE_BUDGET_BYTES + STATE_BUDGET_BYTES / 20,
                STATE_BUDGET_BYTES * 3,
            ] {
                let limit = shrink_limit(items, bytes);
                // prune(limit) acts only when there are more items than the limit.
                assert!(limit < items, "{items} items, {bytes} bytes: limit {limit}");
            }
        }
    }
}
