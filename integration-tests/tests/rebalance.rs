//! Two enricher instances in one consumer group over the real broker: the instance a rebalance
//! hands a partition to takes in the duplicate index entries the previous owner wrote, so an
//! update of a story the other instance indexed is still version 2, not a new story.
//!
//! Instance B loads its (empty) index before instance A handles version 1; B gets the one
//! partition when it joins or, at the latest, when A leaves; version 2 then reaches B. The
//! periodic refresh is off (`state_refresh_ms = 0`), so only the catch-up on assignment can
//! tell B about version 1 (without it B published version 2 as version 1: the soak's
//! rebalance fault).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::*;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::topics;
use wire_model::{Envelope, OriginInfo, RawFormat, RawItem};
use wire_runtime::config::StageConfig;
use wire_runtime::state::{KafkaStateStore, SharedStateStore, StateStore};
use wire_runtime::{Health, Record, SharedBus, bus::publish, connect_bus};
use wirefeed_enricher::{EnricherConfig, EnricherStage};

const WAIT: Duration = Duration::from_secs(60);
const IDENTITY: &str = "tag:agency.test,2026:rebalance-1";
const HEADLINE: &str = "Ceasefire talks resume in Geneva as envoy presses both sides";
const BODY_V1: &str = "GENEVA (Agency) - Talks on a ceasefire resumed in Geneva on Tuesday, \
    the United Nations envoy said, after a pause of three weeks in which fighting flared in the \
    north. Delegations of both sides met separately with the envoy in the morning and were to \
    meet face to face in the afternoon, officials said.";
const BODY_V2: &str = "GENEVA (Agency) - Talks on a ceasefire resumed in Geneva on Tuesday, \
    the United Nations envoy said, after a pause of three weeks in which fighting flared in the \
    north. Delegations of both sides met separately with the envoy in the morning and were to \
    meet face to face in the afternoon, officials said. The envoy later said the first joint \
    session had agreed on an exchange of detainees.";

fn article(body: &str) -> Envelope {
    let raw = RawItem::new(
        "agency".into(),
        IDENTITY.to_owned(),
        RawFormat::Rss,
        None,
        rss_feed(&[(IDENTITY, HEADLINE, body)]).as_bytes(),
        chrono::Utc::now(),
        OriginInfo::Dir {
            path: "test".to_owned(),
        },
    );
    wirefeed_normalizer::normalize(&raw, &Default::default(), chrono::Utc::now()).unwrap()
}

fn enricher_config() -> EnricherConfig {
    let mut config = EnricherConfig {
        agency_sources: vec!["agency".to_owned()],
        ..EnricherConfig::default()
    };
    config.tagging.enabled = false;
    config
}

/// One enricher instance as its own process would have it: its own bus and state store
/// client, its index loaded now.
async fn instance(prefix: &str) -> (EnricherStage, SharedBus) {
    let bus = kafka_bus_config(prefix);
    let store: SharedStateStore =
        std::sync::Arc::new(KafkaStateStore::open(&bus.kafka, "enricher").await.unwrap());
    let stage = EnricherStage::with_state(&enricher_config(), store)
        .await
        .unwrap();
    (stage, connect_bus(&bus).await.unwrap())
}

fn run(
    stage: EnricherStage,
    bus: SharedBus,
    shutdown: &CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let config = StageConfig {
        state_refresh_ms: 0,
        ..stage_config()
    };
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        wire_runtime::run_stage(stage, bus, &config, Health::default(), shutdown)
            .await
            .unwrap();
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_instance_a_rebalance_moves_a_story_to_knows_its_earlier_version() {
    let prefix = unique_prefix("rebalance");
    let mut bus_config = kafka_bus_config(&prefix);
    bus_config.kafka.partitions = 1;
    let publisher = connect_bus(&bus_config).await.unwrap();
    publisher
        .ensure_topics(&[
            topics::ARTICLES,
            topics::ENRICHED,
            topics::ORIGINALS,
            topics::STORIES,
            topics::DLQ,
        ])
        .await
        .unwrap();

    // B's index is loaded before A has seen anything.
    let (stage_b, bus_b) = instance(&prefix).await;
    assert_eq!(stage_b.indexed(), 0);

    let (stage_a, bus_a) = instance(&prefix).await;
    let stop_a = CancellationToken::new();
    let a = run(stage_a, bus_a, &stop_a);
    let version_1 = article(BODY_V1);
    let uri = version_1.article.uri.clone();
    publish(
        publisher.as_ref(),
        Record::new(topics::ARTICLES, uri.clone(), version_1.encode()),
    )
    .await
    .unwrap();
    let enriched_topic = format!("{prefix}{}", topics::ENRICHED);
    let first = read_topic(&enriched_topic, 1, WAIT).await;
    assert_eq!(first.len(), 1, "version 1 was not enriched by instance A");

    // A's index entry is written before its input is committed: wait for it in the store.
    let observer = KafkaStateStore::open(&bus_config.kafka, "enricher")
        .await
        .unwrap();
    let key = format!("a:{uri}");
    let deadline = tokio::time::Instant::now() + WAIT;
    while !observer.load_all().await.unwrap().contains_key(&key) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "instance A never wrote the index entry of version 1"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // B joins (the group rebalances), then A leaves: the partition ends with B.
    let stop_b = CancellationToken::new();
    let b = run(stage_b, bus_b, &stop_b);
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop_a.cancel();
    a.await.unwrap();

    let version_2 = article(BODY_V2);
    publish(
        publisher.as_ref(),
        Record::new(topics::ARTICLES, uri.clone(), version_2.encode()),
    )
    .await
    .unwrap();
    let both = read_topic(&enriched_topic, 2, WAIT).await;
    stop_b.cancel();
    b.await.unwrap();

    let versions: Vec<(String, Option<u32>)> = both
        .iter()
        .map(|message| {
            let envelope = Envelope::decode(&message.payload).unwrap();
            (envelope.article.uri, envelope.wire.version_seq)
        })
        .collect();
    assert_eq!(
        versions,
        [(uri.clone(), Some(1)), (uri, Some(2))],
        "the update reached instance B as a new story"
    );
}
