//! The inputs being prepared on worker threads ahead of the loop ([`super::Prepare`]): a
//! queue in arrival order whose front the loop awaits, so inputs are handled in the order they
//! came whatever order the workers finish in.

use super::Prepare;
use super::Prepared;
use super::profile::{Phase, PhaseProfile, thread_cpu_nanos};
use crate::bus::Delivery;
use chrono::Utc;
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::sync::oneshot;

/// An input back from its worker.
pub(super) struct Ready {
    pub(super) delivery: Delivery,
    /// `Err`: the stage's prepare panicked on this input, with the panic's message.
    pub(super) prepared: Result<Prepared, String>,
}

/// The worker threads of one stage and the inputs on them.
pub(super) struct Workers {
    preparer: Arc<dyn Prepare>,
    pool: Pool,
    profile: Arc<PhaseProfile>,
    /// Inputs prepared or being prepared, not yet taken by the loop, in arrival order.
    queue: VecDeque<oneshot::Receiver<Ready>>,
    /// How many inputs may wait in `queue`: twice the threads, so a worker never idles while
    /// the loop finishes the input before.
    limit: usize,
}

/// Why the front input never came back: its worker is gone (only while the process stops).
#[derive(Debug)]
pub(super) struct WorkerGone;

impl Workers {
    /// `threads` workers for `preparer`; `None` when the stage offers none or `threads` is 1
    /// or less (everything then runs on the loop, as `Stage::handle`).
    pub(super) fn start(
        stage: &'static str,
        preparer: Option<Arc<dyn Prepare>>,
        threads: usize,
        profile: Arc<PhaseProfile>,
    ) -> Option<Self> {
        let preparer = preparer.filter(|_| threads > 1)?;
        match Pool::start(stage, threads) {
            Ok(pool) => Some(Self {
                preparer,
                pool,
                profile,
                queue: VecDeque::new(),
                limit: threads * 2,
            }),
            Err(error) => {
                // The stage still runs, on its loop alone.
                tracing::warn!(stage, %error, "cannot start the stage's worker threads");
                None
            }
        }
    }

    pub(super) fn has_room(&self) -> bool {
        self.queue.len() < self.limit
    }

    pub(super) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Sends `delivery` to a worker.
    pub(super) fn prepare(&mut self, delivery: Delivery) {
        let (done, ready) = oneshot::channel();
        let preparer = self.preparer.clone();
        let profile = self.profile.clone();
        self.pool.run(Box::new(move || {
            let started = thread_cpu_nanos();
            let prepared = std::panic::catch_unwind(AssertUnwindSafe(|| {
                preparer.prepare(&delivery, Utc::now())
            }))
            .map_err(|panic| panic_message(panic.as_ref()));
            profile.add_cpu(Phase::Prepare, thread_cpu_nanos().saturating_sub(started));
            // The loop stopped waiting (shutdown): the input stays uncommitted.
            let _ = done.send(Ready { delivery, prepared });
        }));
        self.queue.push_back(ready);
    }

    /// The oldest input once its worker is done; pending while none is out.
    pub(super) async fn next(&mut self) -> Result<Ready, WorkerGone> {
        let Some(front) = self.queue.front_mut() else {
            return std::future::pending().await;
        };
        let ready = front.await.map_err(|_| WorkerGone);
        self.queue.pop_front();
        ready
    }

    /// Forgets every input out on a worker (they stay uncommitted); how many there were.
    pub(super) fn abandon(&mut self) -> usize {
        let abandoned = self.queue.len();
        self.queue.clear();
        abandoned
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// Threads that run jobs from one queue, each blocked on it while there is none.
///
/// Hand-written (a channel and a few threads) rather than rayon: rayon's idle workers spin and
/// yield before they sleep, which between two messages costs CPU the stage loop needs on a
/// small machine; these block in the channel at once.
struct Pool {
    jobs: crossbeam_channel::Sender<Job>,
}

impl Pool {
    fn start(stage: &'static str, threads: usize) -> std::io::Result<Self> {
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        for n in 0..threads {
            let queue = queue.clone();
            // Each thread ends when the pool (the sender) is dropped.
            std::thread::Builder::new()
                .name(format!("{stage}-worker-{n}"))
                .spawn(move || {
                    while let Ok(job) = queue.recv() {
                        job();
                    }
                })?;
        }
        Ok(Self { jobs })
    }

    fn run(&self, job: Job) {
        // Cannot fail: the threads hold the receiver until the sender is dropped.
        let _ = self.jobs.send(job);
    }
}

/// What a panic said, for the dead-letter reason.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}
