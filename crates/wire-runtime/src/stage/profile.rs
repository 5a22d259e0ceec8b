//! Where a stage's CPU goes, by phase of the stage loop: consume, decode, handle (the core),
//! encode, produce, state, commit, telemetry and the loop's own bookkeeping, plus the CPU of
//! librdkafka's own threads (network, batching, compression). Served on the admin `/metrics`
//! as `wirefeed_stage_phase_cpu_seconds_total{stage, phase}`; divided by
//! `wirefeed_stage_messages_total` it is the CPU per article of each phase.
//!
//! How, cheaply: reading a thread's CPU clock is a system call (about 1 µs here), too dear for
//! every phase change, while the monotonic wall clock is a vDSO read (tens of ns). So each poll
//! of the stage loop's future reads the thread's CPU clock twice, every phase change inside
//! the poll reads the wall clock, and the poll's CPU is shared out over its phases in
//! proportion to their wall time (all of a poll runs on one thread, so a preemption stretches
//! its phases alike). Phases nest: a stage's decode inside its handle counts as decode only.
//! Nothing allocates per message. Hand-written rather than a profiling crate: it must run in
//! production at all times and split by the loop's own phases, which a sampling profiler
//! cannot see.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

/// A phase of handling messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Receiving from the bus (polling the consumer, copying the message out).
    Consume,
    /// Decoding the input payload (the stage reports it with [`scope`]).
    Decode,
    /// The stage's core: what `Stage::handle` spends outside decode, encode and telemetry.
    Handle,
    /// Encoding the outputs (the stage reports it with [`scope`]).
    Encode,
    /// Handing outputs to the bus and taking their acknowledgements.
    Produce,
    /// Starting state writes and taking their acknowledgements; taking in other instances'.
    State,
    /// Marking inputs done (storing the consumer offset).
    Commit,
    /// Log lines, spans and metrics about each message.
    Telemetry,
    /// The rest of the loop: choosing the next event, timers, retries' bookkeeping.
    Loop,
    /// The stage's work on an input done ahead on a worker thread (`stage.workers` above 1,
    /// see [`crate::stage::Prepare`]): that thread's CPU, read around each input.
    Prepare,
}

const PHASES: [Phase; 10] = [
    Phase::Consume,
    Phase::Decode,
    Phase::Handle,
    Phase::Encode,
    Phase::Produce,
    Phase::State,
    Phase::Commit,
    Phase::Telemetry,
    Phase::Loop,
    Phase::Prepare,
];

impl Phase {
    /// The `phase` label.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Consume => "consume",
            Phase::Decode => "decode",
            Phase::Handle => "handle",
            Phase::Encode => "encode",
            Phase::Produce => "produce",
            Phase::State => "state",
            Phase::Commit => "commit",
            Phase::Telemetry => "telemetry",
            Phase::Loop => "loop",
            Phase::Prepare => "prepare",
        }
    }
}

/// The CPU time one running stage spent per phase, in nanoseconds.
#[derive(Debug)]
pub struct PhaseProfile {
    stage: &'static str,
    nanos: [AtomicU64; PHASES.len()],
}

/// Every profile of this process, for `/metrics`.
static PROFILES: Mutex<Vec<Arc<PhaseProfile>>> = Mutex::new(Vec::new());

impl PhaseProfile {
    /// A profile for `stage`, served on `/metrics` from now on (its figures add to those of
    /// earlier runs of a stage of the same name in this process).
    pub fn register(stage: &'static str) -> Arc<Self> {
        let profile = Arc::new(Self {
            stage,
            nanos: Default::default(),
        });
        if let Ok(mut profiles) = PROFILES.lock() {
            profiles.push(profile.clone());
        }
        profile
    }

    /// Adds `nanos` of CPU to `phase` (work measured off the loop's thread).
    pub fn add_cpu(&self, phase: Phase, nanos: u64) {
        self.nanos[phase as usize].fetch_add(nanos, Ordering::Relaxed);
    }

    /// CPU seconds spent in `phase` so far.
    pub fn seconds(&self, phase: Phase) -> f64 {
        self.nanos[phase as usize].load(Ordering::Relaxed) as f64 / 1e9
    }
}

/// The Prometheus text of every stage's phases, and of librdkafka's threads (per process: a
/// process runs one stage, or several sharing one bus, then labelled `stage="process"`).
pub fn render(out: &mut String) {
    use std::fmt::Write as _;
    let Ok(profiles) = PROFILES.lock() else {
        return;
    };
    if profiles.is_empty() {
        return;
    }
    let mut stages: Vec<&'static str> = profiles.iter().map(|p| p.stage).collect();
    stages.sort_unstable();
    stages.dedup();
    let name = "wirefeed_stage_phase_cpu_seconds_total";
    let _ = writeln!(
        out,
        "# HELP {name} CPU seconds each stage spent by phase of its loop (librdkafka: its own threads)"
    );
    let _ = writeln!(out, "# TYPE {name} counter");
    for stage in &stages {
        for phase in PHASES {
            let seconds: f64 = profiles
                .iter()
                .filter(|p| p.stage == *stage)
                .map(|p| p.seconds(phase))
                .sum();
            let label = phase.label();
            let _ = writeln!(
                out,
                "{name}{{stage=\"{stage}\",phase=\"{label}\"}} {seconds}"
            );
        }
    }
    if let Some(seconds) = librdkafka_thread_seconds() {
        let stage = if stages.len() == 1 {
            stages[0]
        } else {
            "process"
        };
        let _ = writeln!(
            out,
            "{name}{{stage=\"{stage}\",phase=\"librdkafka\"}} {seconds}"
        );
    }
}

/// The CPU seconds of this process's librdkafka threads (named `rdk:*`) and rdkafka's polling
/// threads, from `/proc/self/task`; `None` where there is no such file system.
fn librdkafka_thread_seconds() -> Option<f64> {
    static MAX_SEEN: AtomicU64 = AtomicU64::new(0);
    let mut nanos = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let Ok(comm) = std::fs::read_to_string(task.path().join("comm")) else {
            continue;
        };
        if !(comm.starts_with("rdk:") || comm.starts_with("producer poll")) {
            continue;
        }
        // The first field of `schedstat` is the time the thread ran, in nanoseconds.
        let ran = std::fs::read_to_string(task.path().join("schedstat"))
            .ok()
            .and_then(|stat| stat.split_whitespace().next()?.parse::<u64>().ok());
        nanos += ran.unwrap_or(0);
    }
    // A thread that ended takes its time along: the counter must not go down.
    let nanos = MAX_SEEN.fetch_max(nanos, Ordering::Relaxed).max(nanos);
    Some(nanos as f64 / 1e9)
}

/// This thread's CPU time in nanoseconds (0 where the clock cannot be read).
pub(crate) fn thread_cpu_nanos() -> u64 {
    cpu_time::ThreadTime::try_now()
        .map(|time| time.as_duration().as_nanos() as u64)
        .unwrap_or(0)
}

/// Phases nest at most this deep; deeper ones count to the enclosing phase.
const MAX_DEPTH: usize = 8;

/// The profile being filled on this thread during one poll of a profiled loop.
struct Active {
    profile: Arc<PhaseProfile>,
    cpu_start: u64,
    poll_start: Instant,
    /// Where the current phase began.
    since: Instant,
    stack: [Phase; MAX_DEPTH],
    depth: usize,
    /// Wall nanoseconds of each phase in this poll.
    wall: [u64; PHASES.len()],
}

impl Active {
    fn current(&self) -> Phase {
        self.stack[self.depth - 1]
    }

    /// Ends the current phase's stretch now.
    fn charge(&mut self) {
        let now = Instant::now();
        self.wall[self.current() as usize] += now.duration_since(self.since).as_nanos() as u64;
        self.since = now;
    }

    fn push(&mut self, phase: Phase) {
        self.charge();
        if self.depth < MAX_DEPTH {
            self.stack[self.depth] = phase;
            self.depth += 1;
        }
    }

    fn pop(&mut self) {
        self.charge();
        if self.depth > 1 {
            self.depth -= 1;
        }
    }

    /// Shares the poll's CPU out over its phases by wall time.
    fn finish(mut self) {
        self.charge();
        let cpu = thread_cpu_nanos().saturating_sub(self.cpu_start);
        let wall = self.since.duration_since(self.poll_start).as_nanos() as u64;
        if wall == 0 {
            return;
        }
        for (phase, spent) in self.wall.iter().enumerate() {
            if *spent > 0 {
                let share = (u128::from(cpu) * u128::from(*spent) / u128::from(wall)) as u64;
                self.profile.nanos[phase].fetch_add(share, Ordering::Relaxed);
            }
        }
    }
}

thread_local! {
    static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
}

/// Runs `work` as `phase` of the profiled stage loop polling on this thread (where there is
/// none, as in tests and benches of a core, it just runs `work`). For a stage's decode and
/// encode inside `Stage::handle`.
pub fn scope<T>(phase: Phase, work: impl FnOnce() -> T) -> T {
    let entered = ACTIVE.with(|active| match active.try_borrow_mut() {
        Ok(mut active) => active.as_mut().map(|active| active.push(phase)).is_some(),
        Err(_) => false,
    });
    let result = work();
    if entered {
        ACTIVE.with(|active| {
            if let Ok(mut active) = active.try_borrow_mut()
                && let Some(active) = active.as_mut()
            {
                active.pop();
            }
        });
    }
    result
}

/// A future whose polls count as `phase` (see [`scope`]).
pub struct Phased<F> {
    phase: Phase,
    inner: F,
}

impl<F: Future + Unpin> Future for Phased<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let phase = self.phase;
        scope(phase, || Pin::new(&mut self.inner).poll(cx))
    }
}

/// `inner` with its polls counted as `phase`.
pub fn phased<F: Future + Unpin>(phase: Phase, inner: F) -> Phased<F> {
    Phased { phase, inner }
}

/// A future whose every poll is profiled into `profile`, as [`Phase::Loop`] where no inner
/// phase says otherwise.
pub struct Profiled<F> {
    profile: Arc<PhaseProfile>,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for Profiled<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let now = Instant::now();
        let mut stack = [Phase::Loop; MAX_DEPTH];
        stack[0] = Phase::Loop;
        let active = Active {
            profile: self.profile.clone(),
            cpu_start: thread_cpu_nanos(),
            poll_start: now,
            since: now,
            stack,
            depth: 1,
            wall: [0; PHASES.len()],
        };
        // A profiled future polled inside another (not done by the stage loop) keeps the
        // outer one's accounting.
        let outer = ACTIVE.with(|slot| slot.borrow_mut().replace(active));
        let result = self.inner.as_mut().poll(cx);
        let ours = ACTIVE.with(|slot| std::mem::replace(&mut *slot.borrow_mut(), outer));
        if let Some(ours) = ours {
            ours.finish();
        }
        result
    }
}

/// `inner` profiled into `profile`.
pub fn profiled<F: Future>(profile: Arc<PhaseProfile>, inner: F) -> Profiled<F> {
    Profiled {
        profile,
        inner: Box::pin(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn burn(iterations: u64) -> u64 {
        (0..iterations).fold(0u64, |acc, i| acc.wrapping_mul(31).wrapping_add(i))
    }

    #[tokio::test]
    async fn the_cpu_of_a_poll_is_shared_over_its_phases() {
        let profile = PhaseProfile::register("profile-test");
        let result = profiled(profile.clone(), async {
            let decoded = scope(Phase::Decode, || std::hint::black_box(burn(3_000_000)));
            let handled = scope(Phase::Handle, || {
                // Nested: the encode inside the handle counts as encode only.
                let encoded = scope(Phase::Encode, || std::hint::black_box(burn(3_000_000)));
                std::hint::black_box(burn(3_000_000)).wrapping_add(encoded)
            });
            decoded.wrapping_add(handled)
        })
        .await;
        assert_eq!(result, burn(3_000_000).wrapping_mul(3));
        let (decode, handle, encode) = (
            profile.seconds(Phase::Decode),
            profile.seconds(Phase::Handle),
            profile.seconds(Phase::Encode),
        );
        assert!(decode > 0.0 && handle > 0.0 && encode > 0.0);
        assert_eq!(profile.seconds(Phase::Commit), 0.0);
        let mut text = String::new();
        render(&mut text);
        assert!(
            text.contains(
                "wirefeed_stage_phase_cpu_seconds_total{stage=\"profile-test\",phase=\"decode\"}"
            ),
            "{text}"
        );
    }

    #[test]
    fn outside_a_profiled_loop_a_scope_only_runs_its_work() {
        assert_eq!(scope(Phase::Decode, || 7), 7);
    }
}
