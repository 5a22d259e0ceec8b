//! Test helpers: enriched envelopes built in code.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use wire_model::{
    Article, Body, Change, Envelope, FamilyId, Headline, Place, PubStatus, SourceId, Subject,
    WireMeta,
};

pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, minute, 0).unwrap()
}

/// An original article of `family` from `source`.
pub fn article(uri: &str, family: &str, headline: &str, body: &str) -> Envelope {
    Envelope::new(
        Article {
            uri: uri.to_owned(),
            language: Some("en-GB".to_owned()),
            headlines: vec![Headline {
                role: Some("main".to_owned()),
                content_type: None,
                value: headline.to_owned(),
            }],
            bodies: vec![Body {
                role: None,
                content_type: Some("text/plain".to_owned()),
                char_count: None,
                word_count: None,
                value: body.to_owned(),
            }],
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from("agency"),
            item_identity: uri.to_owned(),
            fetched_at: at(0),
            family: Some(FamilyId::new(family)),
            version_seq: Some(1),
            is_original: Some(true),
            ..WireMeta::default()
        },
    )
}

pub fn with_topic(mut envelope: Envelope, uri: &str, name: &str) -> Envelope {
    envelope.article.subjects.push(Subject {
        uri: Some(uri.to_owned()),
        name: Some(name.to_owned()),
        ..Subject::default()
    });
    envelope
}

pub fn with_place(mut envelope: Envelope, literal: &str, name: &str) -> Envelope {
    envelope.article.places.push(Place {
        literal: Some(literal.to_owned()),
        name: Some(name.to_owned()),
        rel: Some("about".to_owned()),
        ..Place::default()
    });
    envelope
}

/// A pickup of the family: another article, not the original.
pub fn pickup(mut envelope: Envelope, uri: &str, source: &str) -> Envelope {
    envelope.article.uri = uri.to_owned();
    envelope.wire.source = SourceId::from(source);
    envelope.wire.is_original = Some(false);
    envelope
}

/// The next version of `envelope` with `change`.
pub fn version(mut envelope: Envelope, change: Change) -> Envelope {
    let seq = envelope.wire.version_seq.unwrap_or(1);
    envelope.wire.version_seq = Some(seq + 1);
    envelope.wire.change = Some(Change {
        from_version: seq,
        ..change
    });
    envelope
}

/// `envelope` dated `time` (its `versionCreated`) and fetched then.
pub fn dated(mut envelope: Envelope, time: DateTime<Utc>) -> Envelope {
    envelope.article.version_created = Some(time);
    envelope.wire.fetched_at = time;
    envelope
}

/// `envelope` as a story of `agency` (the credit and the recognised agency).
pub fn credited(mut envelope: Envelope, agency: &str) -> Envelope {
    envelope.wire.credit = Some(agency.to_owned());
    envelope.wire.agency = Some(agency.to_owned());
    envelope
}

/// The agency's kill of `envelope` (its next version): `pubStatus: canceled`, a kill change,
/// killed by itself.
pub fn kill_of(envelope: Envelope) -> Envelope {
    let mut kill = version(
        envelope,
        Change {
            kill: true,
            material: true,
            ..Change::default()
        },
    );
    kill.article.pub_status = Some(PubStatus::Canceled);
    kill.article.headlines[0].value = "KILL - story withdrawn".to_owned();
    kill.wire.killed_by = Some(kill.article.uri.clone());
    kill
}

/// The enricher's kill notice for `copy`, published before the kill `kill_uri` arrived.
pub fn kill_notice(copy: Envelope, kill_uri: &str) -> Envelope {
    let mut notice = kill_of(copy);
    notice.wire.notice = Some(wire_model::notice::KILL.to_owned());
    notice.wire.killed_by = Some(kill_uri.to_owned());
    notice
}

/// `copy` arriving after the kill `kill_uri`: canceled, no change of its own.
pub fn after_kill(mut copy: Envelope, kill_uri: &str) -> Envelope {
    copy.article.pub_status = Some(PubStatus::Canceled);
    copy.wire.killed_by = Some(kill_uri.to_owned());
    copy
}

/// The agency sending the killed `envelope` again as usable.
pub fn reinstated(envelope: Envelope) -> Envelope {
    let mut again = version(
        envelope,
        Change {
            reinstated: true,
            material: true,
            ..Change::default()
        },
    );
    again.article.pub_status = Some(PubStatus::Usable);
    again.wire.killed_by = None;
    again
}
