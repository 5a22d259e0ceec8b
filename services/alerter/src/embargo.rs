//! Pure: alerts held until their embargo lifts (subscriptions with `embargo = "hold"`), as
//! logic driven by explicit timestamps. The delivery loop holds an alert with its embargo
//! time, polls [`EmbargoHold::due`] with the real clock, and sends what comes out as if it
//! had just arrived (now, or into its digest or throttle batch).

use chrono::{DateTime, Utc};

/// Items waiting for their embargo to lift.
#[derive(Debug)]
pub struct EmbargoHold<T> {
    /// (lifts at, item), in the order held.
    held: Vec<(DateTime<Utc>, T)>,
}

impl<T> Default for EmbargoHold<T> {
    fn default() -> Self {
        Self { held: Vec::new() }
    }
}

impl<T> EmbargoHold<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds `item` until `until`.
    pub fn hold(&mut self, until: DateTime<Utc>, item: T) {
        self.held.push((until, item));
    }

    /// The items whose embargo lifted by `now`, earliest embargo first.
    pub fn due(&mut self, now: DateTime<Utc>) -> Vec<T> {
        let (mut due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|(until, _)| *until <= now);
        self.held = waiting;
        due.sort_by_key(|(until, _)| *until);
        due.into_iter().map(|(_, item)| item).collect()
    }

    /// Takes out the held items `which` selects (a story killed while under embargo).
    pub fn take_where(&mut self, which: impl Fn(&T) -> bool) -> Vec<T> {
        let (taken, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|(_, item)| which(item));
        self.held = kept;
        taken.into_iter().map(|(_, item)| item).collect()
    }

    /// Items held now.
    pub fn held(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn items_come_out_when_their_embargo_lifts_earliest_first() {
        let mut hold = EmbargoHold::new();
        hold.hold(at(9), "nine");
        hold.hold(at(5), "five");
        hold.hold(at(7), "seven");
        assert!(hold.due(at(4)).is_empty());
        assert_eq!(hold.due(at(5)), vec!["five"]);
        assert_eq!(hold.due(at(10)), vec!["seven", "nine"]);
        assert_eq!(hold.held(), 0);
    }

    #[test]
    fn a_killed_story_is_taken_out_before_it_lifts() {
        let mut hold = EmbargoHold::new();
        hold.hold(at(5), ("desk", "family:1"));
        hold.hold(at(5), ("desk", "family:2"));
        let taken = hold.take_where(|(_, family)| *family == "family:1");
        assert_eq!(taken, vec![("desk", "family:1")]);
        assert_eq!(hold.due(at(6)), vec![("desk", "family:2")]);
    }
}
