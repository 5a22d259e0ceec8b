//! Shared helpers: enriched envelopes and deliveries built in code (synthetic copy).

#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use wire_model::{Article, Body, Change, Envelope, FamilyId, Headline, SourceId, WireMeta, topics};
use wire_runtime::{Delivery, Record};
use wirefeed_alerter::AlerterConfig;
use wirefeed_alerter::config::SubscriptionConfig;

pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, minute, 0).unwrap()
}

pub fn subscription(id: &str, query: &str) -> SubscriptionConfig {
    SubscriptionConfig {
        id: id.to_owned(),
        query: Some(query.to_owned()),
        ..SubscriptionConfig::default()
    }
}

pub fn config(subscriptions: Vec<SubscriptionConfig>) -> AlerterConfig {
    AlerterConfig {
        print_alerts: false,
        alerted_window_hours: 24,
        subscriptions,
        ..AlerterConfig::default()
    }
}

pub fn envelope(uri: &str, family: &str, source: &str, headline: &str, original: bool) -> Envelope {
    Envelope::new(
        Article {
            uri: uri.to_owned(),
            language: Some("en".to_owned()),
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
                value: "GENEVA - Envoys met on Tuesday.\n\nThe talks last until Friday.".to_owned(),
            }],
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from(source),
            item_identity: uri.to_owned(),
            fetched_at: at(0),
            family: Some(FamilyId::new(family)),
            version_seq: Some(1),
            is_original: Some(original),
            ..WireMeta::default()
        },
    )
}

pub fn versioned(mut envelope: Envelope, change: Change) -> Envelope {
    envelope.wire.version_seq = Some(2);
    envelope.wire.change = Some(Change {
        from_version: 1,
        ..change
    });
    envelope
}

pub fn delivery(envelope: &Envelope, offset: i64) -> Delivery {
    Delivery {
        record: Record::new(topics::ENRICHED, "family", envelope.encode()),
        partition: 0,
        offset,
    }
}
