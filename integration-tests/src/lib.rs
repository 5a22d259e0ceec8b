//! Helpers for the end-to-end tests: the broker started by `deploy/kafka/kafka.sh`, unique
//! topic prefixes and groups per test, a consumer that reads a topic back, a local HTTP
//! server that serves feeds, and a headless Chromium for the web desk ([`browser`]).
//!
//! The Kafka tests need a running broker. They fail (never skip) when none answers, saying how to
//! start one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod browser;
pub mod corpus;
pub mod processes;
pub mod soak;

/// The test broker, stopped and started with `deploy/kafka/kafka.sh` (the same environment,
/// so the same ports and data), for the broker-outage fault.
pub mod broker {
    use super::processes::workspace_root;
    use std::process::Command;

    fn kafka_sh(action: &str) {
        // Its address goes to stdout, which is the soak's table: keep it out.
        let status = Command::new(workspace_root().join("deploy/kafka/kafka.sh"))
            .arg(action)
            .current_dir(workspace_root())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("failed to run kafka.sh {action}: {e}"));
        assert!(status.success(), "kafka.sh {action} failed: {status}");
    }

    pub fn stop() {
        kafka_sh("stop");
    }

    pub fn start() {
        kafka_sh("start");
    }
}

use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;
use wire_runtime::config::{BusConfig, BusKind, KafkaConfig, MemoryConfig, StageConfig};
use wire_runtime::{ServiceContext, connect_bus};

/// The broker's bootstrap address: `WIREFEED_TEST_KAFKA`, else `127.0.0.1:9092`.
pub fn bootstrap_servers() -> String {
    std::env::var("WIREFEED_TEST_KAFKA").unwrap_or_else(|_| "127.0.0.1:9092".to_owned())
}

/// Fails the test with instructions when no broker answers.
pub fn require_broker() -> String {
    let servers = bootstrap_servers();
    let reachable = servers.split(',').any(|server| {
        server
            .parse::<SocketAddr>()
            .ok()
            .and_then(|addr| {
                std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()
            })
            .is_some()
    });
    assert!(
        reachable,
        "no Kafka broker answers at {servers}: start one with `deploy/kafka/kafka.sh start` \
         (./scripts/test does this), or point WIREFEED_TEST_KAFKA at one"
    );
    servers
}

/// A topic and group prefix no other test run uses.
pub fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("it.{test}.{nanos}.")
}

/// A Kafka bus config for `prefix`: topics `<prefix>wire.raw.v1`, groups `<prefix><stage>`.
pub fn kafka_bus_config(prefix: &str) -> BusConfig {
    BusConfig {
        kind: BusKind::Kafka,
        memory: MemoryConfig {
            channel_capacity: 64,
        },
        kafka: KafkaConfig {
            bootstrap_servers: require_broker(),
            client_id: "wirefeed-it".to_owned(),
            topic_prefix: prefix.to_owned(),
            group_prefix: prefix.to_owned(),
            partitions: 3,
            replication_factor: 1,
            create_topics: true,
            retention_hours: 1,
            auto_offset_reset: "earliest".to_owned(),
            session_timeout_ms: 6000,
            auto_commit_interval_ms: 200,
            statistics_interval_ms: 1000,
            message_timeout_ms: 30000,
            message_max_bytes: 1_048_576,
            linger_ms: 5,
            compression: "lz4".to_owned(),
            options: BTreeMap::new(),
        },
    }
}

/// The stage settings tests use: short drain, fast retries.
pub fn stage_config() -> StageConfig {
    StageConfig {
        max_in_flight: 64,
        retry_max_attempts: 3,
        retry_initial_backoff_ms: 10,
        retry_max_backoff_ms: 50,
        drain_timeout_ms: 5000,
        state_refresh_ms: 1000,
        // Two workers: every end-to-end test runs the stages' prepare step off the loop.
        workers: 2,
    }
}

/// A context for one service (or the whole pipeline) on the Kafka bus of `prefix`, with
/// [`stage_config`], state in memory (each store opened empty) and its own shutdown token.
/// Each call connects its own bus (own producer and consumers), as a separate process would.
pub async fn kafka_context(prefix: &str) -> ServiceContext {
    let bus = connect_bus(&kafka_bus_config(prefix)).await.unwrap();
    let mut context = ServiceContext::with_defaults(bus)
        .unwrap()
        .with_stage(stage_config());
    context.runtime.bus = kafka_bus_config(prefix);
    context
}

/// A message read back from Kafka.
#[derive(Debug, Clone)]
pub struct ReadMessage {
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub headers: BTreeMap<String, String>,
    pub partition: i32,
}

impl ReadMessage {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.payload).unwrap()
    }
}

/// Reads `topic` (physical name) from the beginning with a fresh group until `count`
/// messages arrived or `wait` passed (a bound on waiting, not a timing assertion); returns
/// what arrived, plus anything that arrives in a short grace period after `count` (to catch
/// duplicates).
pub async fn read_topic(topic: &str, count: usize, wait: Duration) -> Vec<ReadMessage> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", format!("reader.{topic}.{}", unique_prefix("r")))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    consumer.subscribe(&[topic]).unwrap();
    let mut messages = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    let mut grace_deadline: Option<tokio::time::Instant> = None;
    loop {
        let until = grace_deadline.unwrap_or(deadline);
        match tokio::time::timeout_at(until, consumer.recv()).await {
            Ok(Ok(message)) => {
                let headers = header_map(&message);
                messages.push(ReadMessage {
                    key: message.key().map(<[u8]>::to_vec),
                    payload: message.payload().unwrap_or_default().to_vec(),
                    headers,
                    partition: message.partition(),
                });
                if messages.len() >= count && grace_deadline.is_none() {
                    grace_deadline = Some(tokio::time::Instant::now() + Duration::from_secs(2));
                }
            }
            Ok(Err(error)) => panic!("failed to read {topic}: {error}"),
            Err(_) => break,
        }
    }
    messages
}

/// A Kafka message's headers as text.
pub fn header_map(message: &impl Message) -> BTreeMap<String, String> {
    message
        .headers()
        .map(|headers| {
            headers
                .iter()
                .map(|h| {
                    (
                        h.key.to_owned(),
                        String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Serves `routes` (path → (content type, body)) on 127.0.0.1 at a free port until dropped
/// with the runtime. Returns the base URL.
pub async fn serve_feeds(routes: Vec<(&'static str, &'static str, String)>) -> String {
    let mut router = axum::Router::new();
    for (path, content_type, body) in routes {
        router = router.route(
            path,
            axum::routing::get(move || {
                let body = body.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, content_type)], body) }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

/// An RSS 2.0 feed with the given (guid, title, body) items.
pub use wire_corpus::rss_feed;
