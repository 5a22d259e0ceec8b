//! End to end over a real Apache Kafka broker (deploy/kafka/kafka.sh): a feed served over HTTP
//! on 127.0.0.1 goes through the four services, and the enriched article and the alert are read
//! back from Kafka. Each test uses its own topic prefix and consumer groups.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::*;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::topics::{self, dlq_headers};
use wire_model::{Alert, Envelope, OriginInfo, RawFormat, RawItem, SourceId};
use wire_pipeline::{Pipeline, PipelineConfig};
use wire_runtime::{Record, SharedBus, bus::publish, connect_bus};
use wirefeed_alerter::AlerterConfig;
use wirefeed_alerter::config::SubscriptionConfig;
use wirefeed_fetcher::FetcherConfig;
use wirefeed_fetcher::config::{HttpSource, SourceConfig};

const WAIT: Duration = Duration::from_secs(60);

fn fetcher_config(url: String) -> FetcherConfig {
    FetcherConfig {
        user_agent: "wirefeed-it".to_owned(),
        min_interval_secs: 1,
        sources: vec![test_source("test-agency", &url)],
        ..FetcherConfig::default()
    }
}

/// A feed on the local test server, polled every second (opting out of the SSRF guard).
fn test_source(id: &str, url: &str) -> SourceConfig {
    SourceConfig::Http(HttpSource {
        interval_secs: Some(1),
        allow_private_network: true,
        ..HttpSource::new(id, url)
    })
}

fn alerter_config() -> AlerterConfig {
    AlerterConfig {
        print_alerts: false,
        subscriptions: vec![SubscriptionConfig {
            id: "syria-desk".to_owned(),
            keywords: vec!["Syria".to_owned()],
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// A bus of its own for the test's producer.
async fn service_bus(prefix: &str) -> SharedBus {
    connect_bus(&kafka_bus_config(prefix)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_feed_item_travels_to_an_enriched_article_and_one_alert() {
    let prefix = unique_prefix("e2e");
    let feed = rss_feed(&[
        (
            "tag:t,1",
            "Syria talks resume in Geneva",
            "GENEVA - Envoys met on Tuesday to revive the Syria peace process.",
        ),
        (
            "tag:t,2",
            "Central bank holds rates",
            "The central bank kept its main rate at 3.25 percent.",
        ),
    ]);
    let pickup = rss_feed(&[(
        "tag:outlet,9",
        "Syria talks resume in Geneva",
        "GENEVA -  Envoys met on Tuesday to revive the  Syria peace process.",
    )]);
    let base = serve_feeds(vec![
        ("/agency.xml", "application/rss+xml", feed),
        ("/outlet.xml", "application/rss+xml", pickup),
    ])
    .await;
    let mut fetcher = fetcher_config(format!("{base}/agency.xml"));
    fetcher
        .sources
        .push(test_source("test-outlet", &format!("{base}/outlet.xml")));

    let pipeline = Pipeline::start(
        PipelineConfig {
            fetcher,
            alerter: alerter_config(),
            ..PipelineConfig::default()
        },
        kafka_context(&prefix).await,
    )
    .await
    .expect("the pipeline starts");

    let enriched = read_topic(&format!("{prefix}{}", topics::ENRICHED), 3, WAIT).await;
    let alerts = read_topic(&format!("{prefix}{}", topics::ALERTS), 1, WAIT).await;
    pipeline.shutdown().await.unwrap();

    // Three items fetched (the feed polls every second: re-polls publish nothing new).
    let envelopes: Vec<Envelope> = enriched
        .iter()
        .map(|m| Envelope::decode(&m.payload).unwrap())
        .collect();
    assert_eq!(envelopes.len(), 3, "{envelopes:#?}");
    let syria_original = envelopes
        .iter()
        .find(|e| {
            e.wire.source.as_str() == "test-agency"
                && e.article.headline() == Some("Syria talks resume in Geneva")
        })
        .expect("the agency's syria story");
    let syria_pickup = envelopes
        .iter()
        .find(|e| e.wire.source.as_str() == "test-outlet")
        .expect("the outlet's pickup");
    assert_eq!(syria_original.article.language.as_deref(), Some("en"));
    assert_eq!(syria_original.wire.family, syria_pickup.wire.family);
    // Whichever copy arrived first is the original; the other points at it.
    let (first, second) = if syria_original.wire.is_original == Some(true) {
        (syria_original, syria_pickup)
    } else {
        (syria_pickup, syria_original)
    };
    assert_eq!(first.wire.is_original, Some(true));
    assert_eq!(
        second.wire.duplicate_of.as_deref(),
        Some(first.article.uri.as_str())
    );
    // Enriched messages are keyed by family id.
    for (message, envelope) in enriched.iter().zip(&envelopes) {
        assert_eq!(
            message.key.as_deref(),
            envelope.wire.family.as_ref().map(|f| f.as_str().as_bytes())
        );
    }
    // Exactly one alert for the syria family, not one per copy.
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let alert = Alert::decode(&alerts[0].payload).unwrap();
    assert_eq!(alert.subscription, "syria-desk");
    assert_eq!(Some(&alert.family), first.wire.family.as_ref());
    assert!(alert.evidence.iter().any(|e| e.contains("Syria")));
}

fn raw_record(identity: &str, title: &str) -> Record {
    let raw = RawItem::new(
        SourceId::from("test"),
        identity.to_owned(),
        RawFormat::Rss,
        None,
        rss_feed(&[(
            identity,
            title,
            "Body text of a test item with enough words.",
        )])
        .as_bytes(),
        chrono::Utc::now(),
        OriginInfo::Dir {
            path: "test".to_owned(),
        },
    );
    Record::new(topics::RAW, raw.article_id.as_str(), raw.encode())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn poison_messages_go_to_the_dead_letter_topic_and_the_stage_goes_on() {
    let prefix = unique_prefix("dlq");
    let bus = service_bus(&prefix).await;
    publish(
        bus.as_ref(),
        Record::new(topics::RAW, "k1", b"this is not json".to_vec()),
    )
    .await
    .unwrap();
    publish(
        bus.as_ref(),
        Record::new(
            topics::RAW,
            "k2",
            br#"{"schema":"wirefeed.raw/9"}"#.to_vec(),
        )
        .with_header("trace", "abc"),
    )
    .await
    .unwrap();
    let mut broken = raw_record("tag:t,broken", "Broken");
    let mut envelope: serde_json::Value = serde_json::from_slice(&broken.payload).unwrap();
    envelope["payload"] = "<rss><channel><item><title>cut off".into();
    broken.payload = serde_json::to_vec(&envelope).unwrap();
    publish(bus.as_ref(), broken).await.unwrap();
    publish(
        bus.as_ref(),
        raw_record("tag:t,good", "A good item after the bad ones"),
    )
    .await
    .unwrap();

    let shutdown = CancellationToken::new();
    let normalizer = {
        let context = kafka_context(&prefix).await.with_shutdown(shutdown.clone());
        tokio::spawn(wirefeed_normalizer::run(Default::default(), context))
    };
    let dead = read_topic(&format!("{prefix}{}", topics::DLQ), 3, WAIT).await;
    let articles = read_topic(&format!("{prefix}{}", topics::ARTICLES), 1, WAIT).await;
    shutdown.cancel();
    normalizer.await.unwrap().unwrap();

    assert_eq!(articles.len(), 1);
    assert_eq!(
        Envelope::decode(&articles[0].payload)
            .unwrap()
            .article
            .headline(),
        Some("A good item after the bad ones")
    );
    assert_eq!(dead.len(), 3, "{dead:#?}");
    let by_kind = |kind: &str| {
        dead.iter()
            .find(|m| m.headers.get(dlq_headers::KIND).map(String::as_str) == Some(kind))
            .unwrap_or_else(|| panic!("no dead letter of kind {kind}: {dead:#?}"))
    };
    let not_json = dead
        .iter()
        .find(|m| m.payload == b"this is not json")
        .expect("the non-json message, unchanged");
    assert_eq!(not_json.headers[dlq_headers::KIND], "decode");
    assert!(not_json.headers[dlq_headers::REASON].contains("not valid json"));
    assert_eq!(not_json.headers[dlq_headers::STAGE], "normalizer");
    assert_eq!(not_json.headers[dlq_headers::SOURCE_TOPIC], topics::RAW);
    assert!(not_json.headers.contains_key(dlq_headers::SOURCE_OFFSET));
    let wrong_schema = dead
        .iter()
        .find(|m| m.headers.get("trace").map(String::as_str) == Some("abc"))
        .expect("original headers are kept");
    assert!(wrong_schema.headers[dlq_headers::REASON].contains("wirefeed.raw/9"));
    let parse = by_kind("parse");
    assert!(
        parse.headers[dlq_headers::REASON].contains("feed"),
        "{parse:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restarted_stage_resumes_after_what_it_committed() {
    let prefix = unique_prefix("resume");
    let bus = service_bus(&prefix).await;
    for n in 0..3 {
        publish(
            bus.as_ref(),
            raw_record(&format!("tag:t,{n}"), &format!("Item {n}")),
        )
        .await
        .unwrap();
    }
    let articles_topic = format!("{prefix}{}", topics::ARTICLES);
    let run_normalizer = |shutdown: CancellationToken| {
        let prefix = prefix.clone();
        tokio::spawn(async move {
            let context = kafka_context(&prefix).await.with_shutdown(shutdown);
            wirefeed_normalizer::run(Default::default(), context).await
        })
    };
    let first_run = CancellationToken::new();
    let handle = run_normalizer(first_run.clone());
    assert_eq!(read_topic(&articles_topic, 3, WAIT).await.len(), 3);
    first_run.cancel();
    handle.await.unwrap().unwrap();

    publish(bus.as_ref(), raw_record("tag:t,3", "Item 3"))
        .await
        .unwrap();
    let second_run = CancellationToken::new();
    let handle = run_normalizer(second_run.clone());
    let articles = read_topic(&articles_topic, 4, WAIT).await;
    second_run.cancel();
    handle.await.unwrap().unwrap();
    // The committed inputs were not processed again: four articles, not seven.
    let mut headlines: Vec<String> = articles
        .iter()
        .map(|m| {
            Envelope::decode(&m.payload)
                .unwrap()
                .article
                .headline()
                .unwrap()
                .to_owned()
        })
        .collect();
    headlines.sort();
    assert_eq!(headlines, ["Item 0", "Item 1", "Item 2", "Item 3"]);
}
