//! The per-subscription cap of alerts a minute, as pure logic driven by explicit timestamps.
//!
//! A subscription's minute starts with its first alert. Up to `cap` alerts of the minute are
//! sent at once; the rest are held and come out of [`Throttle::due`] as one [`Batch`] when the
//! minute ends. The delivery loop offers every alert and polls `due` on an interval.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;

/// The length of a throttle window.
pub const WINDOW: TimeDelta = TimeDelta::seconds(60);
/// At most this many items are kept per batch; the rest are only counted.
pub const MAX_BATCH: usize = 500;

/// An item a [`Batch`] can hold. Beyond [`MAX_BATCH`] a batch keeps only the trimmed form of
/// an item (enough to account for it, e.g. its id), so a flood cannot grow memory with whole
/// items.
pub trait Batched {
    #[must_use]
    fn trimmed(self) -> Self;
}

/// Held items of one subscription, released together.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch<T> {
    pub key: String,
    pub items: Vec<T>,
    /// Items beyond [`MAX_BATCH`], trimmed: counted, not shown.
    pub omitted: Vec<T>,
}

impl<T: Batched> Batch<T> {
    pub(crate) fn new(key: String) -> Self {
        Self {
            key,
            items: Vec::new(),
            omitted: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, item: T) {
        if self.items.len() < MAX_BATCH {
            self.items.push(item);
        } else {
            self.omitted.push(item.trimmed());
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty() && self.omitted.is_empty()
    }
}

struct Window<T> {
    start: DateTime<Utc>,
    sent: u32,
    held: Batch<T>,
}

/// Per-key windows.
pub struct Throttle<T> {
    windows: HashMap<String, Window<T>>,
    /// Batches of windows that ended before `due` was asked.
    ready: Vec<Batch<T>>,
}

impl<T: Batched> Default for Throttle<T> {
    fn default() -> Self {
        Self {
            windows: HashMap::new(),
            ready: Vec::new(),
        }
    }
}

impl<T: Batched> Throttle<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// `Some(item)` to send now, `None` when it was held for the end of the minute.
    pub fn offer(&mut self, key: &str, cap: u32, item: T, now: DateTime<Utc>) -> Option<T> {
        let window = self
            .windows
            .entry(key.to_owned())
            .or_insert_with(|| Window {
                start: now,
                sent: 0,
                held: Batch::new(key.to_owned()),
            });
        if now >= window.start + WINDOW {
            let ended = std::mem::replace(&mut window.held, Batch::new(key.to_owned()));
            if !ended.is_empty() {
                self.ready.push(ended);
            }
            window.start = now;
            window.sent = 0;
        }
        if window.sent < cap {
            window.sent += 1;
            Some(item)
        } else {
            window.held.push(item);
            None
        }
    }

    /// Holds `item` for the batch of the current minute of `key` without sending it (an item
    /// restored after a restart, held before it).
    pub fn hold(&mut self, key: &str, item: T, now: DateTime<Utc>) {
        self.windows
            .entry(key.to_owned())
            .or_insert_with(|| Window {
                start: now,
                sent: 0,
                held: Batch::new(key.to_owned()),
            })
            .held
            .push(item);
    }

    /// The batches whose minute has ended by `now`; forgets idle windows.
    pub fn due(&mut self, now: DateTime<Utc>) -> Vec<Batch<T>> {
        let mut due = std::mem::take(&mut self.ready);
        self.windows.retain(|key, window| {
            if now < window.start + WINDOW {
                return true;
            }
            let held = std::mem::replace(&mut window.held, Batch::new(key.clone()));
            if !held.is_empty() {
                due.push(held);
            }
            false
        });
        due.sort_by(|a, b| a.key.cmp(&b.key));
        due
    }

    /// Items held now (all keys).
    pub fn held(&self) -> usize {
        self.windows
            .values()
            .map(|w| w.held.items.len())
            .sum::<usize>()
            + self.ready.iter().map(|b| b.items.len()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Batched for usize {
        fn trimmed(self) -> Self {
            self
        }
    }

    impl Batched for i32 {
        fn trimmed(self) -> Self {
            self
        }
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
    }

    #[test]
    fn up_to_the_cap_goes_out_at_once_the_rest_in_one_batch_when_the_minute_ends() {
        let mut throttle = Throttle::new();
        let sent: Vec<_> = (0..5)
            .filter_map(|i| throttle.offer("desk", 3, i, at(i64::from(i))))
            .collect();
        assert_eq!(sent, vec![0, 1, 2]);
        assert!(throttle.due(at(59)).is_empty());
        let due = throttle.due(at(60));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key, "desk");
        assert_eq!(due[0].items, vec![3, 4]);
        assert!(throttle.due(at(61)).is_empty());
        // A restored item waits for the end of the minute it is held in.
        throttle.hold("desk", 9, at(100));
        assert!(throttle.due(at(159)).is_empty());
        assert_eq!(throttle.due(at(160))[0].items, vec![9]);
        assert_eq!(throttle.held(), 0);
    }

    #[test]
    fn a_new_minute_sends_again_and_keys_are_independent() {
        let mut throttle = Throttle::new();
        assert_eq!(throttle.offer("a", 1, 1, at(0)), Some(1));
        assert_eq!(throttle.offer("a", 1, 2, at(10)), None);
        assert_eq!(throttle.offer("b", 1, 3, at(10)), Some(3));
        // The minute of "a" ended without a poll: the held item waits in a ready batch.
        assert_eq!(throttle.offer("a", 1, 4, at(70)), Some(4));
        assert_eq!(throttle.offer("a", 1, 5, at(71)), None);
        let due = throttle.due(at(72));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].items, vec![2]);
        let due = throttle.due(at(130));
        assert_eq!(due[0].items, vec![5]);
    }

    #[test]
    fn a_batch_keeps_at_most_max_batch_items_and_counts_the_rest() {
        let mut throttle = Throttle::new();
        for i in 0..(MAX_BATCH + 11) {
            throttle.offer("desk", 1, i, at(1));
        }
        let due = throttle.due(at(61));
        assert_eq!(due[0].items.len(), MAX_BATCH);
        assert_eq!(due[0].omitted.len(), 10);
    }
}
