//! The loop itself: [`run_stage`] and its steps, one method each.

use super::Stage;
use super::dead_letters::{dead_letter, too_large};
use super::profile::{Phase, PhaseProfile, phased, profiled, scope};
use super::retry::handle_with_retries;
use super::state_sync::{StateRead, apply_state_read, catch_up_after_rebalance, start_state_read};
use super::workers::{Ready, Workers};
use super::{Prepared, StageError};
use crate::admin::Health;
use crate::bus::{BusError, Delivery, PendingAck, Record, SharedBus, Subscription};
use crate::config::StageConfig;
use crate::events;
use crate::state::{SharedStateStore, StateAck, StateError, StateWrite};
use futures::FutureExt;
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio::time::Interval;
use tokio_util::sync::CancellationToken;

/// Runs `stage` until `shutdown` is cancelled or the bus fails. On shutdown, waits up to
/// `stage.drain_timeout_ms` for in-flight outputs, commits what was acknowledged, and leaves the
/// consumer group.
pub async fn run_stage<S: Stage>(
    stage: S,
    bus: SharedBus,
    config: &StageConfig,
    health: Health,
    shutdown: CancellationToken,
) -> Result<(), BusError> {
    let profile = PhaseProfile::register(stage.name());
    let workers = Workers::start(
        stage.name(),
        stage.preparer(),
        config.worker_threads(),
        profile.clone(),
    );
    profiled(profile, async move {
        let mut running =
            StageLoop::subscribe(stage, workers, bus, config, health, shutdown).await?;
        let stopped = running.run().await?;
        running.drain_on_shutdown().await?;
        running.close().await?;
        stopped
    })
    .await
}

/// An input whose outputs are on their way; its state writes wait for them.
struct InFlight {
    delivery: Delivery,
    acks: PendingAck,
    state_writes: Vec<StateWrite>,
}

/// An input whose outputs are acknowledged and whose state writes are on their way.
struct Persisting {
    delivery: Delivery,
    writes: StateAck,
}

/// What the loop does after a step. A step that returns an error instead stops the stage at
/// once, without draining.
enum Next {
    /// Go on with the next event.
    Continue,
    /// Take no more inputs: drain what is in flight, then end with this result.
    Stop(Result<(), BusError>),
}

/// One running stage with the inputs it has not committed yet. Its async steps take
/// `&mut self` even where they only read: the subscription and the stage are `Send`, not
/// `Sync`, and the loop's future must stay `Send`.
struct StageLoop<'a, S: Stage> {
    stage: S,
    name: &'static str,
    bus: SharedBus,
    subscription: Box<dyn Subscription>,
    config: &'a StageConfig,
    health: Health,
    shutdown: CancellationToken,
    /// Inputs whose outputs are unacknowledged, in arrival order.
    in_flight: VecDeque<InFlight>,
    /// Inputs whose state writes are not durable yet, in arrival order.
    persisting: VecDeque<Persisting>,
    /// Inputs received and out on a worker thread, in arrival order (none without workers).
    workers: Option<Workers>,
    processed: u64,
    lag_timer: Interval,
    state_timer: Interval,
    /// The periodic read of the other instances' state, running beside the loop (it waits for
    /// the broker) so inputs keep flowing meanwhile; its changes are applied between two inputs.
    refresh: Option<StateRead>,
    /// The [`Subscription::assignments`] whose previous owners' state was read.
    caught_up_with_assignment: u64,
    /// Inputs left uncommitted after a failure stopped the stage (see
    /// [`StageLoop::abandon_later_inputs`]).
    abandoned: usize,
    metrics: events::StageMetrics,
}

impl<'a, S: Stage> StageLoop<'a, S> {
    /// Joins the stage's consumer group.
    async fn subscribe(
        stage: S,
        workers: Option<Workers>,
        bus: SharedBus,
        config: &'a StageConfig,
        health: Health,
        shutdown: CancellationToken,
    ) -> Result<Self, BusError> {
        let name = stage.name();
        let topics = stage.input_topics();
        let subscription = bus.subscribe(name, &topics).await?;
        events::StageStarted {
            stage: name,
            topics: &topics,
            bus: bus.kind(),
        }
        .emit();
        health.set(name, Some("no partitions assigned yet".to_owned()));
        let mut state_timer =
            tokio::time::interval(Duration::from_millis(config.state_refresh_ms.max(1)));
        state_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ok(Self {
            stage,
            name,
            bus,
            subscription,
            config,
            health,
            shutdown,
            in_flight: VecDeque::new(),
            persisting: VecDeque::new(),
            workers,
            processed: 0,
            lag_timer: tokio::time::interval(Duration::from_secs(5)),
            state_timer,
            refresh: None,
            caught_up_with_assignment: 0,
            abandoned: 0,
            metrics: events::StageMetrics::default(),
        })
    }

    /// Takes inputs until shutdown or a failure; `Ok` holds the result to end with once what
    /// is in flight is drained, `Err` a failure that stops the stage at once.
    async fn run(&mut self) -> Result<Result<(), BusError>, BusError> {
        loop {
            let preparing = self.workers.as_ref().map_or(0, Workers::len);
            let can_receive = self.in_flight.len() + self.persisting.len() + preparing
                < self.config.max_in_flight
                && self.workers.as_ref().is_none_or(Workers::has_room);
            let next = tokio::select! {
                biased;
                _ = self.shutdown.cancelled() => Next::Stop(Ok(())),
                persisted = front_done(&mut self.persisting, Phase::State, |front| &mut front.writes),
                    if !self.persisting.is_empty() => self.commit_done(persisted)?,
                acked = front_done(&mut self.in_flight, Phase::Produce, |front| &mut front.acks),
                    if !self.in_flight.is_empty() => self.outputs_acknowledged(acked).await?,
                read = running(&mut self.refresh), if self.refresh.is_some() => {
                    self.refresh = None;
                    // Best effort: the next tick tries again.
                    scope(Phase::State, || apply_state_read(&mut self.stage, read, "periodic"));
                    Next::Continue
                }
                _ = self.state_timer.tick(),
                    if self.config.state_refresh_ms > 0 && self.refresh.is_none() => {
                    self.refresh = start_state_read(&self.stage);
                    Next::Continue
                }
                _ = self.lag_timer.tick() => self.report_lag(),
                ready = next_prepared(&mut self.workers), if preparing > 0 => match ready {
                    Ok(ready) => self.handle_prepared_input(ready).await?,
                    // The pool went away: the process is stopping; nothing more is handled.
                    Err(_) => Next::Stop(Ok(())),
                },
                // Last: under a backlog an input is always ready, and the branches above must
                // still run.
                received = phased(Phase::Consume, self.subscription.recv()), if can_receive => match received {
                    Ok(delivery) => match self.workers.as_mut() {
                        Some(workers) => {
                            workers.prepare(delivery);
                            Next::Continue
                        }
                        None => self.handle_input(delivery, None).await?,
                    },
                    Err(BusError::Closed) => Next::Stop(Ok(())),
                    Err(error) => Next::Stop(Err(error)),
                },
            };
            if let Next::Stop(result) = next {
                return Ok(result);
            }
        }
    }

    /// Handles an input back from its worker, or dead-letters it when the stage's prepare
    /// panicked on it.
    async fn handle_prepared_input(&mut self, ready: Ready) -> Result<Next, BusError> {
        match ready.prepared {
            Ok(prepared) => self.handle_input(ready.delivery, Some(prepared)).await,
            Err(panic) => {
                self.processed += 1;
                let error = StageError::new("panic", format!("the stage panicked: {panic}"));
                let dead = dead_letter(self.name, &ready.delivery, &error);
                let acks = self.publish_outputs(&ready.delivery, vec![dead]).await?;
                self.in_flight.push_back(InFlight {
                    delivery: ready.delivery,
                    acks: all_acknowledged(acks),
                    state_writes: Vec::new(),
                });
                Ok(Next::Continue)
            }
        }
    }

    /// Handles one input (`prepared` by a worker, or not): catches up with the state after a
    /// rebalance, calls the stage and publishes its outputs, the state writes riding with
    /// them.
    async fn handle_input(
        &mut self,
        delivery: Delivery,
        prepared: Option<Prepared>,
    ) -> Result<Next, BusError> {
        self.processed += 1;
        if !self.catch_up_state().await {
            return Ok(Next::Stop(Ok(()))); // shut down while waiting: not handled, not committed
        }
        let handled = handle_with_retries(
            &mut self.stage,
            &delivery,
            prepared,
            self.config,
            &self.shutdown,
            &mut self.metrics,
        )
        .await;
        let Some(handled) = handled else {
            return Ok(Next::Stop(Ok(()))); // shut down while backing off: not committed
        };
        let acks = self.publish_outputs(&delivery, handled.records).await?;
        let acks = scope(Phase::Produce, || all_acknowledged(acks));
        self.in_flight.push_back(InFlight {
            delivery,
            acks,
            state_writes: handled.state_writes,
        });
        Ok(Next::Continue)
    }

    /// After a rebalance, reads what the previous owners of the assigned partitions wrote
    /// before the next input is handled: handling their messages without it would mistake
    /// versions for new stories (after a broker outage the state topic can lag behind the
    /// group for a while). False when shutdown came first.
    async fn catch_up_state(&mut self) -> bool {
        let assignments = self.subscription.assignments();
        if assignments == self.caught_up_with_assignment {
            return true;
        }
        // A periodic read still on its way holds older changes: apply them first.
        if let Some(earlier) = self.refresh.take() {
            apply_state_read(&mut self.stage, earlier.await, "periodic");
        }
        if !catch_up_after_rebalance(&mut self.stage, &self.shutdown).await {
            return false;
        }
        self.caught_up_with_assignment = assignments;
        true
    }

    /// Hands the outputs of `delivery` to the bus. An output the bus refuses as too large
    /// (over `bus.kafka.message_max_bytes`) is a permanent property of this input, not a bus
    /// failure: the input goes to the dead-letter topic with the reason instead of its
    /// remaining outputs, and the stage goes on (a stage that stopped here would stop again on
    /// the same input after every restart).
    async fn publish_outputs(
        &mut self,
        delivery: &Delivery,
        records: Vec<Record>,
    ) -> Result<Vec<PendingAck>, BusError> {
        let mut acks = Vec::with_capacity(records.len());
        for record in records {
            match phased(Phase::Produce, self.bus.enqueue(record)).await {
                Ok(ack) => acks.push(ack),
                Err(BusError::TooLarge {
                    topic,
                    bytes,
                    limit,
                }) => {
                    let error = too_large(&topic, bytes, &limit);
                    let dead = dead_letter(self.name, delivery, &error);
                    acks.push(self.bus.enqueue(dead).await?);
                    break;
                }
                Err(error) => return Err(error),
            }
        }
        Ok(acks)
    }

    /// The oldest input's outputs are acknowledged (or failed): its state writes start, and
    /// it is committed at once when nothing earlier waits for its state and it has none.
    async fn outputs_acknowledged(
        &mut self,
        acked: Result<(), BusError>,
    ) -> Result<Next, BusError> {
        let Some(done) = self.in_flight.pop_front() else {
            return Ok(Next::Continue);
        };
        let writes = match acked {
            Ok(()) => self.start_state_writes(done.state_writes).await?,
            // The broker refused an output as too large: the input is dead-lettered (its state
            // writes are dropped with its outputs) and the stage goes on.
            Err(BusError::TooLarge {
                topic,
                bytes,
                limit,
            }) => {
                let error = too_large(&topic, bytes, &limit);
                let dead = dead_letter(self.name, &done.delivery, &error);
                crate::bus::publish(self.bus.as_ref(), dead).await?;
                None
            }
            Err(error) => {
                self.abandon_later_inputs(false);
                return Ok(Next::Stop(Err(error)));
            }
        };
        match writes {
            None if self.persisting.is_empty() => {
                scope(Phase::Commit, || self.subscription.commit(&done.delivery))?
            }
            writes => self.persisting.push_back(Persisting {
                delivery: done.delivery,
                writes: writes.unwrap_or_else(already_durable),
            }),
        }
        Ok(Next::Continue)
    }

    /// Starts writing `writes` to the stage's store; the future resolves when all are
    /// durable. `None`: nothing to write.
    async fn start_state_writes(
        &mut self,
        writes: Vec<StateWrite>,
    ) -> Result<Option<StateAck>, BusError> {
        if writes.is_empty() {
            return Ok(None);
        }
        let Some(store) = self.stage.state_store() else {
            return Ok(None);
        };
        Ok(Some(start_puts(&store, writes).await?))
    }

    /// The oldest input's state writes are durable (or failed): it is committed.
    fn commit_done(&mut self, persisted: Result<(), StateError>) -> Result<Next, BusError> {
        let Some(done) = self.persisting.pop_front() else {
            return Ok(Next::Continue);
        };
        if let Err(error) = persisted {
            self.abandon_later_inputs(true);
            return Ok(Next::Stop(Err(error.into())));
        }
        scope(Phase::Commit, || self.subscription.commit(&done.delivery))?;
        Ok(Next::Continue)
    }

    /// After the input at the front failed (its delivery, or with `with_persisting` its state
    /// write): the inputs after it are left uncommitted. A commit marks everything before it in
    /// its partition as done, so committing a later input in the shutdown drain would lose the
    /// failed one; all come back after a restart instead. Inputs before it (those still
    /// persisting when a delivery failed) are drained as usual.
    fn abandon_later_inputs(&mut self, with_persisting: bool) {
        self.abandoned += self.in_flight.len();
        self.in_flight.clear();
        self.abandoned += self.workers.as_mut().map_or(0, Workers::abandon);
        if with_persisting {
            self.abandoned += self.persisting.len();
            self.persisting.clear();
        }
    }

    /// Reports readiness (partitions assigned) and the consumer lag.
    fn report_lag(&self) -> Next {
        let assigned = self.subscription.assigned_partitions();
        let unassigned = (assigned == 0).then(|| "no partitions assigned".to_owned());
        self.health.set(self.name, unassigned);
        if let Some(lag) = self.subscription.lag() {
            events::ConsumerLag {
                stage: self.name,
                messages: lag,
            }
            .emit();
        }
        Next::Continue
    }

    /// Commits what gets acknowledged (outputs, then state) within `stage.drain_timeout_ms`,
    /// in order; what is not stays uncommitted.
    async fn drain_on_shutdown(&mut self) -> Result<(), BusError> {
        self.health.begin_shutdown();
        let deadline = Instant::now() + Duration::from_millis(self.config.drain_timeout_ms);
        while let Some(mut front) = self.in_flight.pop_front() {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(remaining, &mut front.acks).await {
                Ok(Ok(())) => {
                    let writes = self.start_state_writes(front.state_writes).await?;
                    self.persisting.push_back(Persisting {
                        delivery: front.delivery,
                        writes: writes.unwrap_or_else(already_durable),
                    });
                }
                _ => {
                    self.in_flight.push_front(front);
                    break;
                }
            }
        }
        while let Some(mut front) = self.persisting.pop_front() {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(remaining, &mut front.writes).await {
                Ok(Ok(())) => self.subscription.commit(&front.delivery)?,
                _ => {
                    self.persisting.push_front(front);
                    break;
                }
            }
        }
        Ok(())
    }

    /// Reports what was left undrained and leaves the consumer group.
    async fn close(self) -> Result<(), BusError> {
        events::StageStopped {
            stage: self.name,
            processed: self.processed,
            undrained: self.in_flight.len()
                + self.persisting.len()
                + self.abandoned
                + self.workers.as_ref().map_or(0, Workers::len),
        }
        .emit();
        self.subscription.close().await
    }
}

/// Starts every write in order; the future resolves when all are durable.
async fn start_puts(
    store: &SharedStateStore,
    writes: Vec<StateWrite>,
) -> Result<StateAck, BusError> {
    let mut acks = Vec::with_capacity(writes.len());
    for write in writes {
        acks.push(phased(Phase::State, store.start_put(&write.key, write.value)).await?);
    }
    Ok(scope(Phase::State, || {
        futures::future::try_join_all(acks)
            .map(|done| done.map(|_| ()))
            .boxed()
    }))
}

/// The acknowledgement of no state writes.
fn already_durable() -> StateAck {
    Box::pin(std::future::ready(Ok(())))
}

/// One future for the acknowledgements of an input's outputs: the one itself when there is
/// one (most inputs), without a second allocation.
fn all_acknowledged(mut acks: Vec<PendingAck>) -> PendingAck {
    match acks.len() {
        0 => Box::pin(std::future::ready(Ok(()))),
        1 => acks
            .pop()
            .unwrap_or_else(|| Box::pin(std::future::ready(Ok(())))),
        _ => futures::future::try_join_all(acks)
            .map(|r| r.map(|_| ()))
            .boxed(),
    }
}

/// What the future `part` picks from the front entry of `queue` resolves to (inputs finish in
/// order, so only the oldest is awaited), its polls counted as `phase`; pending while the queue
/// is empty.
async fn front_done<T, F: std::future::Future + Unpin>(
    queue: &mut VecDeque<T>,
    phase: Phase,
    part: impl FnOnce(&mut T) -> &mut F,
) -> F::Output {
    match queue.front_mut() {
        Some(front) => phased(phase, part(front)).await,
        None => std::future::pending().await,
    }
}

/// The oldest input back from its worker; pending while there are no workers.
async fn next_prepared(workers: &mut Option<Workers>) -> Result<Ready, super::workers::WorkerGone> {
    match workers.as_mut() {
        Some(workers) => workers.next().await,
        None => std::future::pending().await,
    }
}

/// What the read in `refresh` resolves to; pending while there is none.
async fn running(refresh: &mut Option<StateRead>) -> Result<Vec<StateWrite>, StateError> {
    match refresh.as_mut() {
        Some(read) => phased(Phase::State, read).await,
        None => std::future::pending().await,
    }
}
