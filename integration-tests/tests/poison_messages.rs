//! Poison messages on every topic a stage consumes, against the real broker: not JSON, a wrong
//! schema version and a 10 MB message on `wire.articles.v1`, `wire.enriched.v1` and
//! `wire.alerts.v1`, and the 10 MB message on `wire.raw.v1` (not JSON and a wrong schema on
//! `wire.raw.v1` are `kafka_end_to_end::poison_messages_go_to_the_dead_letter_topic_...`).
//! Each goes to `wire.dlq.v1` with its reason, or is refused by the bus with a clear error;
//! every stage keeps running and handles a good message sent after the poison.
//!
//! The topics are created with `max.message.bytes` = 16 MiB so that a 10 MB message can be
//! written at all (by a producer configured for it, as another system might); wirefeed's own
//! producer keeps the default 1 MiB `bus.kafka.message_max_bytes`, so:
//! - publishing 10 MB through the bus is a clear `TooLarge` error, and the bus goes on;
//! - a valid 10 MB article makes the enricher's output too large: that input is dead-lettered
//!   (`too_large`) and the enricher goes on (before, the stage stopped, and stopped again on
//!   the same input after every restart).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::*;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::producer::{FutureProducer, FutureRecord};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::topics::{self, dlq_headers};
use wire_model::{ALERT_SCHEMA, Alert, Envelope, FamilyId, OriginInfo, RawFormat, RawItem};
use wire_runtime::bus::publish;
use wire_runtime::{BusError, Record, SharedBus, connect_bus};
use wirefeed_alerter::AlerterConfig;
use wirefeed_alerter::config::{SubscriptionConfig, WebhookTarget};

const WAIT: Duration = Duration::from_secs(90);
const TEN_MB: usize = 10 * 1000 * 1000;
const BIG_TOPIC_BYTES: &str = "16777216";

/// Creates the input topics with room for 10 MB messages.
async fn create_big_topics(prefix: &str) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .create()
        .unwrap();
    let names: Vec<String> = [
        topics::RAW,
        topics::ARTICLES,
        topics::ENRICHED,
        topics::ALERTS,
    ]
    .iter()
    .map(|t| format!("{prefix}{t}"))
    .collect();
    let new: Vec<NewTopic<'_>> = names
        .iter()
        .map(|name| {
            NewTopic::new(name, 1, TopicReplication::Fixed(1))
                .set("max.message.bytes", BIG_TOPIC_BYTES)
        })
        .collect();
    for result in admin
        .create_topics(&new, &AdminOptions::new())
        .await
        .unwrap()
    {
        result.unwrap();
    }
}

/// Writes `payload` to `topic` with a producer that allows 16 MiB messages.
async fn produce_raw(topic: &str, key: &str, payload: &[u8]) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("message.max.bytes", BIG_TOPIC_BYTES)
        .create()
        .unwrap();
    producer
        .send(
            FutureRecord::to(topic).key(key).payload(payload),
            Duration::from_secs(30),
        )
        .await
        .map_err(|(error, _)| error)
        .unwrap();
}

fn good_raw(identity: &str, title: &str, body: &str) -> RawItem {
    RawItem::new(
        "poison-test".into(),
        identity.to_owned(),
        RawFormat::Rss,
        None,
        rss_feed(&[(identity, title, body)]).as_bytes(),
        chrono::Utc::now(),
        OriginInfo::Dir {
            path: "test".to_owned(),
        },
    )
}

fn good_article(identity: &str, title: &str, body: &str) -> Envelope {
    let raw = good_raw(identity, title, body);
    wirefeed_normalizer::normalize(&raw, &Default::default(), chrono::Utc::now()).unwrap()
}

fn good_alert() -> Alert {
    let now = chrono::Utc::now();
    Alert {
        schema: ALERT_SCHEMA.to_owned(),
        subscription: "poison-desk".to_owned(),
        evidence: vec!["keyword \"Syria\"".to_owned()],
        family: FamilyId::from("family:poison-good"),
        article_uri: "urn:wirefeed:article:poison-good".to_owned(),
        headline: "Good alert after the poison".to_owned(),
        link: None,
        source: "poison-test".into(),
        published_at: Some(now),
        fetched_at: now,
        enriched_at: Some(now),
        alerted_at: now,
        kind: Some("new".to_owned()),
        changes: Vec::new(),
        embargoed_until: None,
        version_seq: Some(1),
        extra: Default::default(),
    }
}

/// A webhook receiver on 127.0.0.1: the alert bodies it got.
async fn webhook_receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = received.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(body);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, received)
}

async fn bus(prefix: &str) -> SharedBus {
    connect_bus(&kafka_bus_config(prefix)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn poison_on_every_topic_is_dead_lettered_and_every_stage_goes_on() {
    let prefix = unique_prefix("poison");
    create_big_topics(&prefix).await;
    let (hook_url, hooks) = webhook_receiver().await;
    let physical = |topic: &str| format!("{prefix}{topic}");

    // A 10 MB message through wirefeed's own producer: a clear error, and the bus goes on.
    let publisher = bus(&prefix).await;
    let refused = publish(
        publisher.as_ref(),
        Record::new(topics::RAW, "big", vec![b'x'; TEN_MB]),
    )
    .await;
    let error = refused.expect_err("a 10 MB message went through a 1 MiB producer");
    assert!(matches!(error, BusError::TooLarge { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("bus.kafka.message_max_bytes") && message.contains("10000"),
        "{message}"
    );
    println!("publishing 10 MB through the bus: {message}");

    // The poison, written before the stages start (so each is read before the good ones).
    let wrong_schema = |schema: &str| format!(r#"{{"schema":"{schema}","x":1}}"#);
    let big_garbage = vec![b'x'; TEN_MB];
    produce_raw(&physical(topics::RAW), "raw-big", &big_garbage).await;
    // Valid, and 10 MB through an unknown ninjs field (passed through unchanged).
    let mut big_article = good_article(
        "tag:poison,big",
        "A ten megabyte article",
        "Harvest figures for the region were published on Monday.",
    );
    big_article
        .article
        .extra
        .insert("padding".to_owned(), "x".repeat(TEN_MB).into());
    for (topic, schema) in [
        (topics::ARTICLES, "wirefeed.article/9"),
        (topics::ENRICHED, "wirefeed.article/9"),
        (topics::ALERTS, "wirefeed.alert/9"),
    ] {
        produce_raw(&physical(topic), "not-json", b"{this is not json").await;
        produce_raw(
            &physical(topic),
            "wrong-schema",
            wrong_schema(schema).as_bytes(),
        )
        .await;
        produce_raw(&physical(topic), "big", &big_garbage).await;
    }
    produce_raw(
        &physical(topics::ARTICLES),
        "big-valid",
        &big_article.encode(),
    )
    .await;

    // The three consuming stages, each with its own bus, as separate processes would.
    let shutdown = CancellationToken::new();
    let mut services = tokio::task::JoinSet::new();
    let context = || async { kafka_context(&prefix).await.with_shutdown(shutdown.clone()) };
    services.spawn(wirefeed_normalizer::run(
        Default::default(),
        context().await,
    ));
    services.spawn(wirefeed_enricher::run(Default::default(), context().await));
    {
        let config = AlerterConfig {
            print_alerts: false,
            subscriptions: vec![SubscriptionConfig {
                id: "poison-desk".to_owned(),
                query: Some("Syria".to_owned()),
                webhooks: vec![WebhookTarget::new(&hook_url, Default::default())],
                ..Default::default()
            }],
            ..Default::default()
        };
        services.spawn(wirefeed_alerter::run(config, context().await));
    }

    // Good messages after the poison, one per topic.
    let good = good_raw(
        "tag:poison,good-raw",
        "Syria talks: good raw item after the poison",
        "Envoys met in Geneva on Tuesday to revive the Syria peace process after a long pause.",
    );
    publish(
        publisher.as_ref(),
        Record::new(topics::RAW, good.article_id.as_str(), good.encode()),
    )
    .await
    .unwrap();
    let article = good_article(
        "tag:poison,good-article",
        "Syria talks: good article after the poison",
        "Refugee agencies in Amman counted new arrivals from Syria, the third rise this month.",
    );
    publish(
        publisher.as_ref(),
        Record::new(
            topics::ARTICLES,
            article.article.uri.as_str(),
            article.encode(),
        ),
    )
    .await
    .unwrap();
    let alert = good_alert();
    publish(
        publisher.as_ref(),
        Record::new(topics::ALERTS, alert.family.as_str(), alert.encode()),
    )
    .await
    .unwrap();

    // The good ones come through every stage: the raw item and the article are enriched,
    // the enriched ones alert, and the alerts reach the webhook.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let bodies = hooks.lock().unwrap().clone();
        let got = |needle: &str| bodies.iter().any(|b| b.contains(needle));
        if got("good raw item after the poison")
            && got("good article after the poison")
            && got("Good alert after the poison")
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the good messages did not all reach the webhook: {bodies:#?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let dead = read_topic(&physical(topics::DLQ), usize::MAX, Duration::from_secs(10)).await;
    let running = services.len();
    shutdown.cancel();
    while let Some(result) = services.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(running, 3, "a stage stopped");

    println!("| topic | poison | stage | kind | reason |\n|---|---|---|---|---|");
    for message in &dead {
        let header = |name: &str| message.headers.get(name).cloned().unwrap_or_default();
        println!(
            "| `{}` | `{}` ({} bytes{}) | {} | `{}` | {} |",
            header(dlq_headers::SOURCE_TOPIC),
            String::from_utf8_lossy(message.key.as_deref().unwrap_or_default()),
            message.payload.len(),
            message
                .headers
                .get(dlq_headers::TRUNCATED_FROM_BYTES)
                .map(|from| format!(", cut from {from}"))
                .unwrap_or_default(),
            header(dlq_headers::STAGE),
            header(dlq_headers::KIND),
            header(dlq_headers::REASON),
        );
    }
    let find = |topic: &str, key: &str| {
        dead.iter()
            .find(|m| {
                m.headers.get(dlq_headers::SOURCE_TOPIC).map(String::as_str) == Some(topic)
                    && m.key.as_deref() == Some(key.as_bytes())
            })
            .unwrap_or_else(|| panic!("no dead letter for {key} on {topic}: {dead:#?}"))
    };
    let expect = |topic: &str, key: &str, kind: &str, reason: &str| {
        let message = find(topic, key);
        assert_eq!(message.headers[dlq_headers::KIND], kind, "{message:?}");
        assert!(
            message.headers[dlq_headers::REASON].contains(reason),
            "{topic} {key}: {:?}",
            message.headers[dlq_headers::REASON]
        );
    };
    expect(topics::RAW, "raw-big", "decode", "json");
    let big = find(topics::RAW, "raw-big");
    assert_eq!(
        big.headers[dlq_headers::TRUNCATED_FROM_BYTES],
        TEN_MB.to_string()
    );
    for topic in [topics::ARTICLES, topics::ENRICHED] {
        expect(topic, "not-json", "decode", "json");
        expect(topic, "wrong-schema", "decode", "wirefeed.article/9");
        expect(topic, "big", "decode", "json");
    }
    expect(
        topics::ARTICLES,
        "big-valid",
        "too_large",
        "larger than the bus accepts",
    );
    // wire.alerts.v1: its consumer (the alerter's channels) dead-letters what is not an alert.
    expect(topics::ALERTS, "not-json", "decode", "json");
    expect(topics::ALERTS, "wrong-schema", "decode", "wirefeed.alert/9");
    expect(topics::ALERTS, "big", "decode", "json");
}
