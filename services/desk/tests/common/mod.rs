//! Envelopes built in code for the desk's tests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;
use wire_model::{
    Article, Body, Envelope, FamilyId, Headline, Place, PubStatus, SourceId, Subject, WireMeta,
};
use wirefeed_desk::archive::{Archive, ArchiveReader, ArchiveWriter};

pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
        + chrono::Duration::minutes(i64::from(minute))
}

/// An original of `family` from `source`, written at `minute`.
pub fn article(uri: &str, family: &str, headline: &str, body: &str, minute: u32) -> Envelope {
    Envelope::new(
        Article {
            uri: uri.to_owned(),
            language: Some("en".to_owned()),
            urgency: Some(3),
            version_created: Some(at(minute)),
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
            source: SourceId::from("afp"),
            item_identity: uri.to_owned(),
            fetched_at: at(minute),
            family: Some(FamilyId::new(family)),
            story: Some(format!("story-{family}")),
            version_seq: Some(1),
            is_original: Some(true),
            ..WireMeta::default()
        },
    )
}

pub fn with_topic(mut envelope: Envelope, id: &str, name: &str) -> Envelope {
    envelope.article.subjects.push(Subject {
        uri: Some(format!("urn:wirefeed:topic:{id}")),
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

/// A pickup of `original` by `source`: another uri in the same family.
pub fn pickup(original: &Envelope, uri: &str, source: &str, minute: u32) -> Envelope {
    let mut copy = original.clone();
    copy.article.uri = uri.to_owned();
    copy.article.version_created = Some(at(minute));
    copy.wire.source = SourceId::from(source);
    copy.wire.fetched_at = at(minute);
    copy.wire.is_original = Some(false);
    copy.wire.duplicate_of = Some(original.article.uri.clone());
    copy
}

/// Version `seq` of `envelope` with a new headline.
pub fn version(envelope: &Envelope, seq: u32, headline: &str) -> Envelope {
    let mut next = envelope.clone();
    next.wire.version_seq = Some(seq);
    next.article.headlines[0].value = headline.to_owned();
    next
}

/// `envelope` killed, as a new version.
pub fn killed(envelope: &Envelope, seq: u32) -> Envelope {
    let mut next = envelope.clone();
    next.wire.version_seq = Some(seq);
    next.article.pub_status = Some(PubStatus::Canceled);
    next
}

pub fn open(dir: &std::path::Path) -> (ArchiveWriter, ArchiveReader) {
    Archive::open(dir, 20_000_000).expect("the archive opens")
}

/// Writes `envelopes` and commits.
pub fn add_all(writer: &mut ArchiveWriter, envelopes: &[Envelope]) {
    for envelope in envelopes {
        writer
            .add_article(envelope, Arc::from(envelope.encode()), Utc::now())
            .expect("written");
    }
    writer.commit("test").expect("committed");
}
