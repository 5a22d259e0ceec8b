//! Calling the stage on one input: `Retry` outcomes are tried again after a capped exponential
//! backoff, then dead-lettered like a `Reject`.

use super::dead_letters::dead_letter;
use super::profile::{Phase, scope};
use super::{Outcome, Prepared, Stage, StageError};
use crate::bus::{Delivery, Record};
use crate::config::StageConfig;
use crate::events;
use crate::state::StateWrite;
use chrono::Utc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// What the loop does with one handled input: publish `records`, then write `state_writes`.
pub(super) struct Handled {
    pub(super) records: Vec<Record>,
    pub(super) state_writes: Vec<StateWrite>,
}

impl Handled {
    /// Only the dead-letter record of `delivery`: a rejected input changes no state.
    fn dead_lettered(stage: &'static str, delivery: &Delivery, error: &StageError) -> Self {
        Self {
            records: vec![dead_letter(stage, delivery, error)],
            state_writes: Vec::new(),
        }
    }
}

impl Outcome {
    /// The bounded metric label of the outcome.
    fn label(&self) -> &'static str {
        match self {
            Outcome::Emit { .. } => "emit",
            Outcome::Drop { .. } => "drop",
            Outcome::Reject(_) => "reject",
            Outcome::Retry(_) => "retry",
        }
    }
}

/// Calls the stage (its [`Stage::handle_prepared`] first when a worker `prepared` the input,
/// [`Stage::handle`] for each retry), retrying `Retry` outcomes with capped exponential
/// backoff, and turns the outcome into what to publish and write. `None` when shutdown
/// interrupted a backoff.
pub(super) async fn handle_with_retries<S: Stage>(
    stage: &mut S,
    delivery: &Delivery,
    mut prepared: Option<Prepared>,
    config: &StageConfig,
    shutdown: &CancellationToken,
    metrics: &mut events::StageMetrics,
) -> Option<Handled> {
    let name = stage.name();
    let span = scope(Phase::Telemetry, || message_span(name, delivery));
    let mut attempt: u32 = 0;
    loop {
        let started = Instant::now();
        let outcome = scope(Phase::Handle, || {
            span.in_scope(|| match prepared.take() {
                Some(prepared) => stage.handle_prepared(delivery, prepared, Utc::now()),
                None => stage.handle(delivery, Utc::now()),
            })
        });
        scope(Phase::Telemetry, || {
            events::MessageHandled {
                stage: name,
                outcome: outcome.label(),
                topic: &delivery.record.topic,
                seconds: started.elapsed().as_secs_f64(),
            }
            .emit(metrics)
        });
        let error = match outcome {
            Outcome::Emit {
                records,
                state_writes,
            } => {
                return Some(Handled {
                    records,
                    state_writes,
                });
            }
            Outcome::Drop {
                reason,
                state_writes,
            } => {
                scope(Phase::Telemetry, || {
                    events::MessageDropped {
                        stage: name,
                        reason,
                    }
                    .emit()
                });
                return Some(Handled {
                    records: Vec::new(),
                    state_writes,
                });
            }
            Outcome::Reject(error) => return Some(Handled::dead_lettered(name, delivery, &error)),
            Outcome::Retry(error) => error,
        };
        attempt += 1;
        let policy = config.retry_policy();
        if !policy.retries_after(attempt) {
            let error = StageError::new(
                error.kind,
                format!("{} (gave up after {attempt} attempts)", error.message),
            );
            return Some(Handled::dead_lettered(name, delivery, &error));
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

/// The span every log line about this message is in: the stage, where the message came from
/// and its key (the article id on wire.articles.v1); stages add `source` when they know it.
fn message_span(stage: &'static str, delivery: &Delivery) -> tracing::Span {
    tracing::info_span!(
        "message",
        stage = stage,
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
    )
}
