//! The one stage loop every consuming service runs: consume, decode, call the pure core, produce,
//! wait for the acknowledgements, then commit the input (at-least-once).
//!
//! Order: inputs are handled one at a time in arrival order (so in order within a partition);
//! their outputs are produced without waiting, up to `stage.max_in_flight` inputs whose
//! outputs are unacknowledged, and inputs are committed strictly in arrival order as their
//! outputs are acknowledged. A failed delivery stops the stage without committing, so the
//! input is delivered again after a restart.
//!
//! State: once an input's outputs are acknowledged its state writes are started (in input
//! order, so the store applies them in that order) without waiting for them, and the input is
//! committed when they are durable. `stage.max_in_flight` bounds both waits together. What
//! other instances of the stage wrote is read every `stage.state_refresh_ms` beside the loop
//! (inputs keep flowing while the read waits for the broker) and applied between two inputs;
//! after a rebalance it is read before the next input, which waits for it.

use crate::admin::Health;
use crate::bus::{BusError, Delivery, PendingAck, Record, SharedBus};
use crate::config::StageConfig;
use crate::events;
use crate::state::{SharedStateStore, StateAck, StateError, StateWrite};
use chrono::{DateTime, Utc};
use futures::FutureExt;
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use wire_model::topics::{self, dlq_headers};

/// What a stage decided about one input.
#[derive(Debug)]
pub enum Outcome<T> {
    /// Publish these outputs (possibly none), then commit the input.
    Emit(T),
    /// Deliberately nothing to publish (a re-send, a filtered item); commit the input.
    Drop { reason: &'static str },
    /// Permanently unprocessable: to the dead-letter topic with the reason, then commit.
    Reject(StageError),
    /// Transient failure: try again after a bounded backoff, then reject.
    Retry(StageError),
}

/// Why a stage could not process an input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct StageError {
    /// A bounded classification fit for a metric label (`decode`, `parse`, `schema`).
    pub kind: &'static str,
    /// The full reason, lowercase, for logs and dead-letter headers.
    pub message: String,
}

impl StageError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// A consuming stage: a thin adapter from bus records to a pure core.
pub trait Stage: Send + 'static {
    /// The stage name: consumer group, metric label, dead-letter header.
    fn name(&self) -> &'static str;

    /// The logical topics this stage consumes.
    fn input_topics(&self) -> Vec<&'static str>;

    /// Handles one input. No IO: decode, call the core with `now`, encode.
    fn handle(&mut self, delivery: &Delivery, now: DateTime<Utc>) -> Outcome<Vec<Record>>;

    /// The store that [`Stage::take_state_writes`] are written to.
    fn state_store(&self) -> Option<SharedStateStore> {
        None
    }

    /// The durable state changes `handle` made for `delivery`. The loop writes them after the
    /// delivery's outputs are acknowledged and before the delivery is committed: a crash before
    /// the write redelivers the input (its outputs may be sent twice; consumers are idempotent),
    /// a crash after it finds the state already updated (a redelivered input is then a re-send).
    fn take_state_writes(&mut self, _delivery: &Delivery) -> Vec<StateWrite> {
        Vec::new()
    }

    /// Takes in what other instances of this stage wrote to the shared state store: when a
    /// rebalance assigns partitions (before their next message is handled: the previous
    /// owner's state for them was written before its commits), and every
    /// `stage.state_refresh_ms` (so each instance also knows what the others saw). No IO.
    fn apply_state_changes(&mut self, _changes: Vec<StateWrite>) {}
}

/// An input whose outputs are on their way.
struct InFlight {
    delivery: Delivery,
    acks: PendingAck,
}

/// An input whose outputs are acknowledged and whose state writes are on their way.
struct Persisting {
    delivery: Delivery,
    writes: StateAck,
}

/// The largest payload copied into a dead-letter record; the rest is cut and flagged, so a
/// message too big for the topic still leaves a trace.
const DLQ_MAX_PAYLOAD_BYTES: usize = 512 * 1024;

/// Runs `stage` until `shutdown` is cancelled or the bus fails. On shutdown, waits up to
/// `stage.drain_timeout_ms` for in-flight outputs, commits what was acknowledged, and leaves the
/// consumer group.
pub async fn run_stage<S: Stage>(
    mut stage: S,
    bus: SharedBus,
    config: &StageConfig,
    health: Health,
    shutdown: CancellationToken,
) -> Result<(), BusError> {
    let name = stage.name();
    let topics = stage.input_topics();
    let mut subscription = bus.subscribe(name, &topics).await?;
    events::StageStarted {
        stage: name,
        topics: &topics,
        bus: bus.kind(),
    }
    .emit();
    health.set(name, Some("no partitions assigned yet".to_owned()));

    let mut in_flight: VecDeque<InFlight> = VecDeque::new();
    let mut persisting: VecDeque<Persisting> = VecDeque::new();
    let mut processed: u64 = 0;
    let mut lag_timer = tokio::time::interval(Duration::from_secs(5));
    let mut caught_up_with_assignment: u64 = 0;
    let mut state_timer =
        tokio::time::interval(Duration::from_millis(config.state_refresh_ms.max(1)));
    state_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The periodic read of the other instances' state runs beside the loop (it waits for the
    // broker), so inputs keep flowing meanwhile; its changes are applied between two inputs.
    let mut refresh: Option<StateRead> = None;
    let result: Result<(), BusError> = loop {
        let can_receive = in_flight.len() + persisting.len() < config.max_in_flight;
        tokio::select! {
            biased;
            _ = shutdown.cancelled() => break Ok(()),
            persisted = front_done(&mut persisting, |front| &mut front.writes), if !persisting.is_empty() => {
                let Some(done) = persisting.pop_front() else { continue };
                if let Err(error) = persisted {
                    break Err(error.into());
                }
                subscription.commit(&done.delivery)?;
            }
            acked = front_done(&mut in_flight, |front| &mut front.acks), if !in_flight.is_empty() => {
                let Some(done) = in_flight.pop_front() else { continue };
                let writes = match acked {
                    Ok(()) => start_state_writes(&mut stage, &done.delivery).await?,
                    // The broker refused an output as too large: the input is dead-lettered
                    // (its state changes are dropped with its outputs) and the stage goes on.
                    Err(BusError::TooLarge { topic, bytes, limit }) => {
                        let _dropped = stage.take_state_writes(&done.delivery);
                        let error = too_large(&topic, bytes, &limit);
                        crate::bus::publish(bus.as_ref(), dead_letter(name, &done.delivery, &error)).await?;
                        None
                    }
                    Err(error) => break Err(error),
                };
                match writes {
                    // Nothing earlier waits for its state: commit now.
                    None if persisting.is_empty() => subscription.commit(&done.delivery)?,
                    writes => persisting.push_back(Persisting {
                        delivery: done.delivery,
                        writes: writes.unwrap_or_else(already_durable),
                    }),
                }
            }
            read = async {
                match refresh.as_mut() {
                    Some(read) => read.await,
                    None => std::future::pending().await,
                }
            }, if refresh.is_some() => {
                refresh = None;
                // Best effort: the next tick tries again.
                apply_state_read(&mut stage, read, "periodic");
            }
            _ = state_timer.tick(), if config.state_refresh_ms > 0 && refresh.is_none() => {
                refresh = stage.state_store().map(|store| {
                    async move { store.changes_from_others().await }.boxed()
                });
            }
            _ = lag_timer.tick() => {
                let assigned = subscription.assigned_partitions();
                health.set(name, (assigned == 0).then(|| "no partitions assigned".to_owned()));
                if let Some(lag) = subscription.lag() {
                    events::ConsumerLag { stage: name, messages: lag }.emit();
                }
            }
            // Last: under a backlog an input is always ready, and the branches above must
            // still run.
            received = subscription.recv(), if can_receive => {
                let delivery = match received {
                    Ok(delivery) => delivery,
                    Err(BusError::Closed) => break Ok(()),
                    Err(error) => break Err(error),
                };
                processed += 1;
                let assignments = subscription.assignments();
                if assignments != caught_up_with_assignment {
                    // Handling the partitions' messages without their previous owner's state
                    // would mistake versions for new stories: wait until it is read (after a
                    // broker outage the state topic can lag behind the group for a while).
                    // A periodic read still on its way holds older changes: apply them first.
                    if let Some(earlier) = refresh.take() {
                        apply_state_read(&mut stage, earlier.await, "periodic");
                    }
                    if !catch_up_after_rebalance(&mut stage, &shutdown).await {
                        break Ok(()); // shut down while waiting: not handled, not committed
                    }
                    caught_up_with_assignment = assignments;
                }
                let records = match handle_with_retries(&mut stage, &delivery, config, &shutdown).await {
                    Some(records) => records,
                    None => break Ok(()), // shut down while backing off: not committed
                };
                let acks = enqueue_outputs(&bus, name, &delivery, records).await?;
                in_flight.push_back(InFlight {
                    delivery,
                    acks: futures::future::try_join_all(acks).map(|r| r.map(|_| ())).boxed(),
                });
            }
        }
    };
    health.begin_shutdown();

    // Drain: commit what gets acknowledged (outputs, then state) within the drain timeout, in
    // order.
    let deadline = Instant::now() + Duration::from_millis(config.drain_timeout_ms);
    while let Some(mut front) = in_flight.pop_front() {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(remaining, &mut front.acks).await {
            Ok(Ok(())) => {
                let writes = start_state_writes(&mut stage, &front.delivery).await?;
                persisting.push_back(Persisting {
                    delivery: front.delivery,
                    writes: writes.unwrap_or_else(already_durable),
                });
            }
            _ => {
                in_flight.push_front(front);
                break;
            }
        }
    }
    while let Some(mut front) = persisting.pop_front() {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(remaining, &mut front.writes).await {
            Ok(Ok(())) => subscription.commit(&front.delivery)?,
            _ => {
                persisting.push_front(front);
                break;
            }
        }
    }
    events::StageStopped {
        stage: name,
        processed,
        undrained: in_flight.len() + persisting.len(),
    }
    .emit();
    subscription.close().await?;
    result
}

/// Hands the outputs of `delivery` to the bus. An output the bus refuses as too large (over
/// `bus.kafka.message_max_bytes`) is a permanent property of this input, not a bus failure:
/// the input goes to the dead-letter topic with the reason instead of its remaining outputs,
/// and the stage goes on (a stage that stopped here would stop again on the same input after
/// every restart).
async fn enqueue_outputs(
    bus: &SharedBus,
    stage: &'static str,
    delivery: &Delivery,
    records: Vec<Record>,
) -> Result<Vec<PendingAck>, BusError> {
    let mut acks = Vec::with_capacity(records.len());
    for record in records {
        match bus.enqueue(record).await {
            Ok(ack) => acks.push(ack),
            Err(BusError::TooLarge {
                topic,
                bytes,
                limit,
            }) => {
                let error = too_large(&topic, bytes, &limit);
                acks.push(bus.enqueue(dead_letter(stage, delivery, &error)).await?);
                break;
            }
            Err(error) => return Err(error),
        }
    }
    Ok(acks)
}

fn too_large(topic: &str, bytes: usize, limit: &str) -> StageError {
    StageError::new(
        "too_large",
        format!("an output of {bytes} bytes for {topic} is larger than the bus accepts ({limit})"),
    )
}

/// The acknowledgement of no state writes.
fn already_durable() -> StateAck {
    Box::pin(std::future::ready(Ok(())))
}

/// What the future `part` picks from the front entry of `queue` resolves to (inputs finish in
/// order, so only the oldest is awaited); pending while the queue is empty.
async fn front_done<T, F: std::future::Future + Unpin>(
    queue: &mut VecDeque<T>,
    part: impl FnOnce(&mut T) -> &mut F,
) -> F::Output {
    match queue.front_mut() {
        Some(front) => part(front).await,
        None => std::future::pending().await,
    }
}

/// Starts writing the state changes of `delivery` (see [`Stage::take_state_writes`]); the
/// future resolves when all are durable. `None`: nothing to write.
async fn start_state_writes<S: Stage>(
    stage: &mut S,
    delivery: &Delivery,
) -> Result<Option<StateAck>, BusError> {
    let writes = stage.take_state_writes(delivery);
    if writes.is_empty() {
        return Ok(None);
    }
    let Some(store) = stage.state_store() else {
        return Ok(None);
    };
    let mut acks = Vec::with_capacity(writes.len());
    for write in writes {
        acks.push(store.start_put(&write.key, write.value).await?);
    }
    Ok(Some(
        futures::future::try_join_all(acks)
            .map(|done| done.map(|_| ()))
            .boxed(),
    ))
}

/// Hands the stage what other instances of it wrote to its state store since the last time
/// (see [`Stage::apply_state_changes`]).
async fn catch_up_with_state<S: Stage>(
    stage: &mut S,
    reason: &'static str,
) -> Result<(), BusError> {
    let Some(store) = stage.state_store() else {
        return Ok(());
    };
    let changes = store.changes_from_others().await?;
    apply_state_changes(stage, changes, reason);
    Ok(())
}

/// A read of what the other instances wrote, running beside the loop.
type StateRead = futures::future::BoxFuture<'static, Result<Vec<StateWrite>, StateError>>;

/// Applies a finished [`StateRead`], or reports its failure.
fn apply_state_read<S: Stage>(
    stage: &mut S,
    read: Result<Vec<StateWrite>, StateError>,
    reason: &'static str,
) {
    match read {
        Ok(changes) => apply_state_changes(stage, changes, reason),
        Err(error) => events::StateCatchUpFailed {
            stage: stage.name(),
            error: &error.to_string(),
        }
        .emit(),
    }
}

fn apply_state_changes<S: Stage>(stage: &mut S, changes: Vec<StateWrite>, reason: &'static str) {
    if !changes.is_empty() {
        events::StateCaughtUp {
            stage: stage.name(),
            reason,
            changes: changes.len(),
        }
        .emit();
        stage.apply_state_changes(changes);
    }
}

/// [`catch_up_with_state`] after a rebalance, retried every second until it succeeds; false
/// when `shutdown` came first.
async fn catch_up_after_rebalance<S: Stage>(stage: &mut S, shutdown: &CancellationToken) -> bool {
    loop {
        match catch_up_with_state(stage, "rebalance").await {
            Ok(()) => return true,
            Err(error) => events::StateCatchUpFailed {
                stage: stage.name(),
                error: &error.to_string(),
            }
            .emit(),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return false,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// Calls the stage, retrying `Retry` outcomes with capped exponential backoff, and turns the
/// outcome into the records to publish. `None` when shutdown interrupted a backoff.
async fn handle_with_retries<S: Stage>(
    stage: &mut S,
    delivery: &Delivery,
    config: &StageConfig,
    shutdown: &CancellationToken,
) -> Option<Vec<Record>> {
    let name = stage.name();
    let mut attempt: u32 = 0;
    // Every log line about this message names it: the stage, where it came from and its key
    // (the article id on wire.articles.v1); stages add `source` when they know it.
    let span = tracing::info_span!(
        "message",
        stage = name,
        topic = %delivery.record.topic,
        partition = delivery.partition,
        offset = delivery.offset,
        key = %delivery
            .record
            .key
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default(),
        source = tracing::field::Empty,
    );
    loop {
        let started = Instant::now();
        let outcome = span.in_scope(|| stage.handle(delivery, Utc::now()));
        let label = match &outcome {
            Outcome::Emit(_) => "emit",
            Outcome::Drop { .. } => "drop",
            Outcome::Reject(_) => "reject",
            Outcome::Retry(_) => "retry",
        };
        events::MessageHandled {
            stage: name,
            outcome: label,
            topic: &delivery.record.topic,
            seconds: started.elapsed().as_secs_f64(),
        }
        .emit();
        match outcome {
            Outcome::Emit(records) => return Some(records),
            Outcome::Drop { reason } => {
                events::MessageDropped {
                    stage: name,
                    reason,
                }
                .emit();
                return Some(Vec::new());
            }
            Outcome::Reject(error) => return Some(vec![dead_letter(name, delivery, &error)]),
            Outcome::Retry(error) => {
                attempt += 1;
                let policy = config.retry_policy();
                if !policy.retries_after(attempt) {
                    let error = StageError::new(
                        error.kind,
                        format!("{} (gave up after {attempt} attempts)", error.message),
                    );
                    return Some(vec![dead_letter(name, delivery, &error)]);
                }
                let backoff_ms = policy.delay(attempt).as_millis() as u64;
                events::RetryScheduled {
                    stage: name,
                    attempt,
                    backoff_ms,
                    error: &error.message,
                }
                .emit();
                tokio::select! {
                    _ = shutdown.cancelled() => return None,
                    _ = tokio::time::sleep(Duration::from_millis(backoff_ms)) => {}
                }
            }
        }
    }
}

/// The dead-letter record for `delivery`: the original key, payload (cut at
/// [`DLQ_MAX_PAYLOAD_BYTES`]) and headers, plus the reason and the origin.
pub fn dead_letter(stage: &'static str, delivery: &Delivery, error: &StageError) -> Record {
    events::MessageDeadLettered {
        stage,
        kind: error.kind,
        reason: &error.message,
        topic: &delivery.record.topic,
        partition: delivery.partition,
        offset: delivery.offset,
    }
    .emit();
    let original = &delivery.record;
    let truncated = original.payload.len() > DLQ_MAX_PAYLOAD_BYTES;
    let payload = original.payload[..original.payload.len().min(DLQ_MAX_PAYLOAD_BYTES)].to_vec();
    let mut record = Record {
        topic: topics::DLQ.to_owned(),
        key: original.key.clone(),
        payload,
        headers: original.headers.clone(),
    }
    .with_header(dlq_headers::REASON, error.message.as_bytes())
    .with_header(dlq_headers::KIND, error.kind)
    .with_header(dlq_headers::STAGE, stage)
    .with_header(dlq_headers::SOURCE_TOPIC, original.topic.as_bytes())
    .with_header(
        dlq_headers::SOURCE_PARTITION,
        delivery.partition.to_string(),
    )
    .with_header(dlq_headers::SOURCE_OFFSET, delivery.offset.to_string())
    .with_header(dlq_headers::REJECTED_AT, Utc::now().to_rfc3339());
    if truncated {
        record = record.with_header(
            dlq_headers::TRUNCATED_FROM_BYTES,
            original.payload.len().to_string(),
        );
    }
    record
}
