//! One retry policy for every bounded retry in wirefeed: the stage loop's `Retry` outcomes
//! (`[stage] retry_*`), the alerter's webhook posts (`[alerter.webhook]`) and its SMTP sends
//! (`[alerter.smtp]`). Pure: the caller supplies the attempt number (and the random number of
//! the jitter) and does the waiting.

use std::time::Duration;

/// Capped exponential backoff and a bound on attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included: after this many failures the caller gives up.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles per retry...
    pub initial_backoff: Duration,
    /// ...up to this.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// A policy from the `max_attempts`, `initial_backoff_ms` and `max_backoff_ms` of a config
    /// section.
    pub fn from_millis(max_attempts: u32, initial_backoff_ms: u64, max_backoff_ms: u64) -> Self {
        Self {
            max_attempts,
            initial_backoff: Duration::from_millis(initial_backoff_ms),
            max_backoff: Duration::from_millis(max_backoff_ms),
        }
    }

    /// Whether another attempt follows failed attempt `attempt` (1 for the first).
    pub fn retries_after(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }

    /// The wait before retry `attempt` (1 after the first failure): `initial_backoff` doubled
    /// per earlier retry, capped at `max_backoff`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1);
        let factor = 1u64.checked_shl(doublings).unwrap_or(u64::MAX);
        let exponential = duration_millis(self.initial_backoff).saturating_mul(factor);
        Duration::from_millis(exponential.min(duration_millis(self.max_backoff)))
    }

    /// [`Self::delay`] with jitter over its upper half: `random` (0.0 to 1.0) picks a wait
    /// between half the delay and the whole delay, so that many clients that failed together do
    /// not retry together.
    pub fn jittered_delay(&self, attempt: u32, random: f64) -> Duration {
        let delay = duration_millis(self.delay(attempt)) as f64;
        let jittered = delay * (0.5 + 0.5 * random.clamp(0.0, 1.0));
        Duration::from_millis(jittered as u64)
    }
}

fn duration_millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(initial_ms: u64, max_ms: u64) -> RetryPolicy {
        RetryPolicy::from_millis(5, initial_ms, max_ms)
    }

    #[test]
    fn the_delay_doubles_per_retry_up_to_the_cap() {
        let policy = policy(200, 10_000);
        let delays: Vec<u64> = (1..=8)
            .map(|attempt| policy.delay(attempt).as_millis() as u64)
            .collect();
        assert_eq!(delays, [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    }

    #[test]
    fn huge_attempt_numbers_stay_at_the_cap() {
        let policy = policy(1, 60_000);
        for attempt in [64, 65, 1_000, u32::MAX] {
            assert_eq!(policy.delay(attempt), Duration::from_millis(60_000));
        }
        assert_eq!(
            RetryPolicy::from_millis(5, u64::MAX, u64::MAX).delay(3),
            Duration::from_millis(u64::MAX)
        );
    }

    #[test]
    fn attempt_zero_waits_like_the_first_retry() {
        assert_eq!(policy(200, 10_000).delay(0), Duration::from_millis(200));
    }

    #[test]
    fn jitter_spreads_over_the_upper_half_of_the_delay() {
        let policy = policy(100, 1000);
        assert_eq!(policy.jittered_delay(1, 1.0), Duration::from_millis(100));
        assert_eq!(policy.jittered_delay(1, 0.0), Duration::from_millis(50));
        assert_eq!(policy.jittered_delay(3, 1.0), Duration::from_millis(400));
        assert_eq!(policy.jittered_delay(10, 1.0), Duration::from_millis(1000));
        assert_eq!(
            policy.jittered_delay(u32::MAX, 0.5),
            Duration::from_millis(750)
        );
        // Out-of-range random numbers are clamped.
        assert_eq!(policy.jittered_delay(1, 7.0), Duration::from_millis(100));
        assert_eq!(policy.jittered_delay(1, -1.0), Duration::from_millis(50));
    }

    #[test]
    fn max_attempts_counts_the_first_attempt() {
        let policy = RetryPolicy::from_millis(3, 10, 50);
        assert!(policy.retries_after(1));
        assert!(policy.retries_after(2));
        assert!(!policy.retries_after(3));
        assert!(!RetryPolicy::from_millis(0, 10, 50).retries_after(1));
    }
}
