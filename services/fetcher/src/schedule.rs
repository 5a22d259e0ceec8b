//! Pure: when to poll a source next. Politeness first: the provider's own hints (`Retry-After`,
//! `Cache-Control: max-age`, RSS `ttl`, `sy:updatePeriod`/`sy:updateFrequency`) are honoured,
//! clamped between a minimum and a maximum interval; errors back off exponentially, capped, and
//! never stop polling; every delay has jitter so sources do not poll in lockstep.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// Limits every computed delay stays within.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// No source is polled more often than this.
    pub min_interval: Duration,
    /// No healthy source waits longer than this, whatever its hints say.
    pub max_interval: Duration,
    /// The longest wait after errors (the source is still retried after it, forever).
    pub max_backoff: Duration,
}

/// What the last response said about polling again.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Hints {
    /// `Retry-After` (429/503).
    pub retry_after: Option<Duration>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    /// RSS `<ttl>` or `sy:updatePeriod` / `sy:updateFrequency`.
    pub feed_period: Option<Duration>,
}

/// The delay before the next poll after a successful one: the configured interval, lengthened
/// to what the provider asks for, shortened (halved) after a possible miss, within bounds.
/// `jitter` in [-1, 1] spreads it by ±10 %.
pub fn after_success(
    configured: Duration,
    hints: &Hints,
    possible_miss: bool,
    bounds: &Bounds,
    jitter: f64,
) -> Duration {
    let mut interval = configured;
    for hint in [hints.max_age, hints.feed_period, hints.retry_after]
        .into_iter()
        .flatten()
    {
        interval = interval.max(hint);
    }
    if possible_miss {
        interval /= 2;
    }
    let clamped = interval.clamp(
        bounds.min_interval,
        bounds.max_interval.max(bounds.min_interval),
    );
    spread(clamped, 0.1, jitter).max(bounds.min_interval)
}

/// The delay after `failures` consecutive errors: the configured interval doubled per failure,
/// at least `Retry-After`, capped at `max_backoff` (but never below the configured interval),
/// with ±20 % jitter. There is no limit on failures: the source is never disabled.
pub fn after_error(
    configured: Duration,
    failures: u32,
    retry_after: Option<Duration>,
    bounds: &Bounds,
    jitter: f64,
) -> Duration {
    let exponential = configured.saturating_mul(1u32 << failures.min(20));
    let cap = bounds.max_backoff.max(configured);
    let delay = exponential.min(cap).max(bounds.min_interval);
    let jittered = spread(delay, 0.2, jitter);
    match retry_after {
        // Never earlier than the server asked; spread only upwards from there.
        Some(asked) => jittered.max(spread(asked, 0.1, jitter.abs())),
        None => jittered,
    }
}

fn spread(delay: Duration, share: f64, jitter: f64) -> Duration {
    let factor = 1.0 + share * jitter.clamp(-1.0, 1.0);
    delay.mul_f64(factor.max(0.0))
}

/// `Retry-After`: delta seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    (date.to_utc() - now).to_std().ok()
}

/// `max-age` of a `Cache-Control` header (ignored with `no-cache`/`no-store`).
pub fn parse_max_age(cache_control: &str) -> Option<Duration> {
    let directives: Vec<String> = cache_control
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    if directives
        .iter()
        .any(|d| d == "no-cache" || d == "no-store")
    {
        return None;
    }
    directives.iter().find_map(|directive| {
        let seconds = directive
            .strip_prefix("s-maxage=")
            .or_else(|| directive.strip_prefix("max-age="))?;
        seconds
            .trim_matches('"')
            .parse::<u64>()
            .ok()
            .map(Duration::from_secs)
    })
}

/// The period RSS `<ttl>` (minutes) or `sy:updatePeriod` + `sy:updateFrequency` express.
pub fn feed_period(
    ttl_minutes: Option<&str>,
    update_period: Option<&str>,
    update_frequency: Option<&str>,
) -> Option<Duration> {
    if let Some(minutes) = ttl_minutes
        .and_then(|t| t.trim().parse::<u64>().ok())
        .filter(|m| *m > 0)
    {
        return Some(Duration::from_secs(minutes * 60));
    }
    let period_seconds: u64 = match update_period?.trim().to_ascii_lowercase().as_str() {
        "hourly" => 3600,
        "daily" => 86_400,
        "weekly" => 604_800,
        "monthly" => 2_592_000,
        "yearly" => 31_536_000,
        _ => return None,
    };
    let frequency = update_frequency
        .and_then(|f| f.trim().parse::<u64>().ok())
        .filter(|f| *f > 0)
        .unwrap_or(1);
    Some(Duration::from_secs(period_seconds / frequency))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const MINUTE: Duration = Duration::from_secs(60);

    fn bounds() -> Bounds {
        Bounds {
            min_interval: Duration::from_secs(30),
            max_interval: Duration::from_secs(6 * 3600),
            max_backoff: Duration::from_secs(3600),
        }
    }

    #[test]
    fn success_uses_the_interval_or_the_providers_longer_hints_within_bounds() {
        let b = bounds();
        let none = Hints::default();
        assert_eq!(after_success(5 * MINUTE, &none, false, &b, 0.0), 5 * MINUTE);
        let ttl = Hints {
            feed_period: Some(15 * MINUTE),
            ..Hints::default()
        };
        assert_eq!(after_success(5 * MINUTE, &ttl, false, &b, 0.0), 15 * MINUTE);
        let huge = Hints {
            max_age: Some(Duration::from_secs(86_400)),
            ..Hints::default()
        };
        assert_eq!(
            after_success(5 * MINUTE, &huge, false, &b, 0.0),
            6 * 60 * MINUTE
        );
        assert_eq!(
            after_success(Duration::from_secs(1), &none, false, &b, 0.0),
            b.min_interval
        );
        assert_eq!(after_success(10 * MINUTE, &none, true, &b, 0.0), 5 * MINUTE);
        let jittered = after_success(10 * MINUTE, &none, false, &b, 1.0);
        assert_eq!(jittered, 11 * MINUTE);
        assert_eq!(
            after_success(10 * MINUTE, &none, false, &b, -1.0),
            9 * MINUTE
        );
    }

    #[test]
    fn errors_back_off_exponentially_capped_and_never_stop() {
        let b = bounds();
        assert_eq!(after_error(MINUTE, 1, None, &b, 0.0), 2 * MINUTE);
        assert_eq!(after_error(MINUTE, 3, None, &b, 0.0), 8 * MINUTE);
        assert_eq!(after_error(MINUTE, 10, None, &b, 0.0), 60 * MINUTE);
        assert_eq!(after_error(MINUTE, 10_000, None, &b, 0.0), 60 * MINUTE);
        // A source polled every 2 hours backs off from there, not down to the cap.
        assert_eq!(after_error(120 * MINUTE, 5, None, &b, 0.0), 120 * MINUTE);
    }

    #[test]
    fn retry_after_is_never_undercut_and_is_jittered_upwards() {
        let b = bounds();
        let asked = Some(10 * MINUTE);
        for jitter in [-1.0, -0.5, 0.0, 0.5, 1.0] {
            let delay = after_error(MINUTE, 1, asked, &b, jitter);
            assert!(delay >= 10 * MINUTE, "{delay:?} with jitter {jitter}");
            assert!(delay <= 11 * MINUTE, "{delay:?} with jitter {jitter}");
        }
        // Different jitter gives different delays: a 429 burst does not come back in lockstep.
        assert_ne!(
            after_error(MINUTE, 1, asked, &b, 0.2),
            after_error(MINUTE, 1, asked, &b, 0.9)
        );
    }

    #[test]
    fn parses_retry_after_in_both_forms() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();
        assert_eq!(parse_retry_after("120", now), Some(2 * MINUTE));
        assert_eq!(
            parse_retry_after("Wed, 25 Nov 2026 10:05:00 GMT", now),
            Some(5 * MINUTE)
        );
        assert_eq!(
            parse_retry_after("Wed, 25 Nov 2026 09:05:00 GMT", now),
            None
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn parses_cache_control_max_age() {
        assert_eq!(parse_max_age("public, max-age=300"), Some(5 * MINUTE));
        assert_eq!(parse_max_age("max-age=60, s-maxage=600"), Some(MINUTE));
        assert_eq!(parse_max_age("no-cache, max-age=300"), None);
        assert_eq!(parse_max_age("private"), None);
    }

    #[test]
    fn reads_rss_ttl_and_syndication_periods() {
        assert_eq!(feed_period(Some("15"), None, None), Some(15 * MINUTE));
        assert_eq!(
            feed_period(None, Some("hourly"), Some("2")),
            Some(30 * MINUTE)
        );
        assert_eq!(
            feed_period(None, Some("daily"), None),
            Some(24 * 60 * MINUTE)
        );
        assert_eq!(feed_period(Some("x"), Some("sometimes"), None), None);
    }
}
