//! The one stage loop every consuming service runs: consume, decode, call the pure core, produce,
//! wait for the acknowledgements, then commit the input (at-least-once).
//!
//! Order: inputs are handled one at a time in arrival order (so in order within a partition);
//! their outputs are produced without waiting, up to `stage.max_in_flight` inputs whose
//! outputs are unacknowledged, and inputs are committed strictly in arrival order as their
//! outputs are acknowledged. A failed delivery stops the stage without committing, so the
//! input is delivered again after a restart.
//!
//! State: a stage returns the state writes of an input with its [`Outcome`], and they wait
//! beside the input's outputs. Once the outputs are acknowledged the writes are started (in
//! input order, so the store applies them in that order) without waiting for them, and the
//! input is committed when they are durable. `stage.max_in_flight` bounds both waits together.
//! What other instances of the stage wrote is read every `stage.state_refresh_ms` beside the
//! loop (inputs keep flowing while the read waits for the broker) and applied between two
//! inputs; after a rebalance it is read before the next input, which waits for it.
//!
//! Workers: a stage that offers a [`Prepare`] has the part of its work that needs none of its
//! mutable state (decoding, parsing, feature extraction, tagging) done on `stage.workers`
//! threads, up to that many inputs ahead of the one being handled; [`Stage::handle_prepared`]
//! then finishes each input on the loop, still one at a time in arrival order, so the order
//! within a partition, the state and the commits are exactly as without workers.
//!
//! Inside: `run` (the loop and its steps), `workers` (the inputs being prepared), `retry` (calling the stage, with backoff),
//! `state_sync` (taking in what the other instances wrote), `dead_letters` (the dead-letter
//! record), [`profile`] (the CPU of each phase of the loop, on `/metrics`).

mod dead_letters;
pub mod profile;
mod retry;
mod run;
mod state_sync;
mod workers;

pub use dead_letters::dead_letter;
pub use run::run_stage;

use crate::bus::{Delivery, Record};
use crate::state::{SharedStateStore, StateWrite};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What a stage decided about one input.
#[derive(Debug)]
pub enum Outcome {
    /// Publish `records` (possibly none), then write `state_writes`, then commit the input.
    Emit {
        records: Vec<Record>,
        state_writes: Vec<StateWrite>,
    },
    /// Deliberately nothing to publish (a re-send, a filtered item); write `state_writes`
    /// (what the stage recorded about the input all the same), then commit the input.
    Drop {
        reason: &'static str,
        state_writes: Vec<StateWrite>,
    },
    /// Permanently unprocessable: to the dead-letter topic with the reason, then commit.
    Reject(StageError),
    /// Transient failure: try again after a bounded backoff, then reject.
    Retry(StageError),
}

impl Outcome {
    /// Publish `records`; no state to write.
    pub fn emit(records: Vec<Record>) -> Self {
        Self::Emit {
            records,
            state_writes: Vec::new(),
        }
    }

    /// Nothing to publish, for `reason`; no state to write.
    pub fn drop(reason: &'static str) -> Self {
        Self::Drop {
            reason,
            state_writes: Vec::new(),
        }
    }
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

    /// An input that could not be decoded: kind `decode`, with the decoder's reason.
    pub fn decode(error: impl std::fmt::Display) -> Self {
        Self::new("decode", error.to_string())
    }
}

/// What [`Prepare::prepare`] made of one input, handed to [`Stage::handle_prepared`]: the
/// stage's own type, boxed (the loop never looks inside).
pub type Prepared = Box<dyn std::any::Any + Send>;

/// The work on one input that reads no mutable state of its stage (decode, parse, extract
/// features, tag), run on worker threads. Pure: no IO; it may run for inputs the loop then
/// never handles (at shutdown), and a retried input is handled again by [`Stage::handle`].
pub trait Prepare: Send + Sync + 'static {
    fn prepare(&self, delivery: &Delivery, now: DateTime<Utc>) -> Prepared;
}

/// A consuming stage: a thin adapter from bus records to a pure core.
pub trait Stage: Send + 'static {
    /// The stage name: consumer group, metric label, dead-letter header.
    fn name(&self) -> &'static str;

    /// The logical topics this stage consumes.
    fn input_topics(&self) -> Vec<&'static str>;

    /// Handles one input. No IO: decode, call the core with `now`, encode.
    ///
    /// The state writes of an `Emit` or `Drop` are the durable state changes made for this
    /// input. The loop writes them after the input's outputs are acknowledged and before the
    /// input is committed: a crash before the write redelivers the input (its outputs may be
    /// sent twice; consumers are idempotent), a crash after it finds the state already updated
    /// (a redelivered input is then a re-send).
    fn handle(&mut self, delivery: &Delivery, now: DateTime<Utc>) -> Outcome;

    /// The part of [`Stage::handle`] that needs none of the stage's mutable state, to run on
    /// worker threads ahead of the loop; `None` (the default): all of it runs in `handle`.
    fn preparer(&self) -> Option<Arc<dyn Prepare>> {
        None
    }

    /// Finishes an input whose [`Prepare::prepare`] ran on a worker: must decide exactly what
    /// [`Stage::handle`] decides for it. The default ignores `prepared` and calls `handle`.
    fn handle_prepared(
        &mut self,
        delivery: &Delivery,
        prepared: Prepared,
        now: DateTime<Utc>,
    ) -> Outcome {
        let _ = prepared;
        self.handle(delivery, now)
    }

    /// The store the state writes of [`Stage::handle`] go to; without one they are not kept.
    fn state_store(&self) -> Option<SharedStateStore> {
        None
    }

    /// Takes in what other instances of this stage wrote to the shared state store: when a
    /// rebalance assigns partitions (before their next message is handled: the previous
    /// owner's state for them was written before its commits), and every
    /// `stage.state_refresh_ms` (so each instance also knows what the others saw). No IO.
    fn apply_state_changes(&mut self, _changes: Vec<StateWrite>) {}
}
