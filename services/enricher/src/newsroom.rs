//! Pure: what editors hold the wire to, beside the lineage decision itself: the stream's own
//! time, embargoes, and the records the enricher publishes for copies that did not arrive
//! (kill notices, an original's handover).

use crate::index::Entry;
use chrono::{DateTime, Utc};
use wire_model::{Article, Change, Envelope, PubStatus, WireMeta, notice};

/// An article's times on the stream's clock (seconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTimes {
    /// When it happened on the wire: `versionCreated`, else `firstCreated`, no later than when
    /// it was fetched (a provider's clock ahead of ours cannot move the stream into the
    /// future) and no later than `now`.
    pub event: i64,
    /// `firstCreated`, bounded the same way.
    pub first_created: i64,
}

impl EventTimes {
    pub fn of(envelope: &Envelope, now: DateTime<Utc>) -> Self {
        let fetched = envelope.wire.fetched_at.min(now);
        let article = &envelope.article;
        let bounded = |time: Option<DateTime<Utc>>| time.map_or(fetched, |t| t.min(fetched));
        Self {
            event: bounded(article.version_created.or(article.first_created)).timestamp(),
            first_created: bounded(article.first_created.or(article.version_created)).timestamp(),
        }
    }
}

/// Embargoes: a copy carries its own embargo, else its family's while that still holds (a
/// version or a copy sent without the embargo does not lift it); a copy from an outlet (not
/// the agency) published while its family's embargo still held broke it, and says so.
pub fn apply_embargo(
    envelope: &mut Envelope,
    entry: &mut Entry,
    family: Option<i64>,
    times: &EventTimes,
) {
    let own = envelope
        .article
        .embargoed_until
        .map(|until| until.timestamp());
    entry.embargoed_until = own.or(family);
    let (None, Some(until)) = (own, family) else {
        return;
    };
    if until <= times.event {
        return;
    }
    envelope.article.embargoed_until = DateTime::from_timestamp(until, 0);
    let is_pickup = envelope.wire.version_seq == Some(1);
    if is_pickup && !envelope.wire.from_agency {
        envelope.wire.embargo_broken = true;
    }
}

/// The record published for `copy` (an earlier copy of `cause`'s family, as the index now
/// holds it) because of `cause`: a kill notice withdraws it (headline and body are the
/// kill's), an original handover says it is no longer the original (no content of its own).
pub fn notice(kind: &'static str, cause: &Envelope, copy: &Entry, now: DateTime<Utc>) -> Envelope {
    let kill = kind == notice::KILL;
    let first_created = DateTime::from_timestamp(copy.first_created, 0);
    let mut article = Article {
        uri: copy.uri.clone(),
        version: Some(copy.version_seq.to_string()),
        first_created,
        version_created: cause
            .article
            .version_created
            .or(Some(cause.wire.fetched_at)),
        urgency: copy.urgency,
        pub_status: Some(if copy.canceled {
            PubStatus::Canceled
        } else {
            PubStatus::Usable
        }),
        ..Article::default()
    };
    let mut embargo_broken = false;
    if kill {
        article.headlines = cause.article.headlines.clone();
        article.bodies = cause.article.bodies.clone();
        article.language = cause.article.language.clone();
    } else if let Some(until) = copy.embargoed_until
        && until > copy.first_created
    {
        // The copy's embargo stays on its latest record; an outlet's copy published before
        // the lift broke it.
        article.embargoed_until = DateTime::from_timestamp(until, 0);
        embargo_broken = !copy.agency;
    }
    let wire = WireMeta {
        source: copy.source.as_str().into(),
        item_identity: copy.uri.clone(),
        fetched_at: cause.wire.fetched_at,
        normalized_at: cause.wire.normalized_at,
        enriched_at: Some(now),
        family: Some(copy.family.clone()),
        version_seq: Some(copy.version_seq),
        duplicate_of: copy.duplicate_of.clone(),
        is_original: Some(copy.is_original),
        story: copy.story.clone(),
        change: kill.then(|| Change {
            from_version: copy.version_seq.saturating_sub(1),
            kill: true,
            material: true,
            ..Change::default()
        }),
        agency: if kill {
            cause.wire.agency.clone()
        } else {
            None
        },
        killed_by: copy.killed_by.clone(),
        notice: Some(kind.to_owned()),
        embargo_broken,
        ..WireMeta::default()
    };
    Envelope::new(article, wire)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, hour, 0, 0).unwrap()
    }

    #[test]
    fn event_time_is_the_articles_own_but_never_after_its_fetch() {
        let mut envelope = Envelope::new(Article::default(), WireMeta::default());
        envelope.wire.fetched_at = at(12);
        envelope.article.first_created = Some(at(8));
        envelope.article.version_created = Some(at(9));
        let times = EventTimes::of(&envelope, at(13));
        assert_eq!(times.event, at(9).timestamp());
        assert_eq!(times.first_created, at(8).timestamp());
        // A provider clock an hour ahead: the fetch time bounds it.
        envelope.article.version_created = Some(at(14));
        assert_eq!(EventTimes::of(&envelope, at(13)).event, at(12).timestamp());
        // No date at all: the fetch time.
        envelope.article.version_created = None;
        envelope.article.first_created = None;
        assert_eq!(EventTimes::of(&envelope, at(13)).event, at(12).timestamp());
    }
}
