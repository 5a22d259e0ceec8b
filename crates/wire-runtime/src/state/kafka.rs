//! A state store in a compacted Kafka topic: `put` produces the key with its value (or a
//! tombstone), naming its writer in a header, and waits for the acknowledgement; `load_all`
//! reads the topic from the start to the high watermark seen at load time and keeps its
//! consumer there; `changes_from_others` reads on from there to the current high watermark and
//! returns what other writers (other instances of the stage) wrote.

use super::{StateError, StateStore, StateWrite};
use crate::config::KafkaConfig;
use async_trait::async_trait;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::message::{Header, Headers, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// State in the compacted topic `<topic_prefix>wire.state.<name>.v1`.
pub struct KafkaStateStore {
    topic: String,
    config: KafkaConfig,
    producer: FutureProducer,
    /// Who this instance is, in the header of every record it writes, so that
    /// [`StateStore::changes_from_others`] skips its own writes.
    writer: String,
    /// The consumer `load_all` read the topic with, kept where it stopped.
    follower: Arc<Mutex<Option<Follower>>>,
}

/// The header naming the instance that wrote a state record.
const WRITER_HEADER: &str = "wirefeed-state-writer";

struct Follower {
    consumer: BaseConsumer,
    /// The first offset not read yet.
    next_offset: i64,
}

fn lock(follower: &Mutex<Option<Follower>>) -> std::sync::MutexGuard<'_, Option<Follower>> {
    follower
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A name no other instance has: the client id, the process and the time it opened the store.
fn writer_id(config: &KafkaConfig) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("{}-{}-{nanos}", config.client_id, std::process::id())
}

/// Polls `consumer` (assigned to the store's one partition) until the record before `high`
/// was read, handing each record's key, value (`None`: a tombstone) and writer to `visit`.
/// Returns the offset after the last record read.
fn read_to(
    consumer: &BaseConsumer,
    high: i64,
    timeout: Duration,
    mut visit: impl FnMut(String, Option<&[u8]>, Option<&[u8]>),
) -> Result<i64, String> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if std::time::Instant::now() > deadline {
            return Err(format!("timed out reading up to offset {high}"));
        }
        let Some(message) = consumer.poll(Duration::from_millis(500)) else {
            continue;
        };
        let message = message.map_err(|e| e.to_string())?;
        if let Some(key) = message.key() {
            let writer = message.headers().and_then(|headers| {
                headers
                    .iter()
                    .find(|header| header.key == WRITER_HEADER)
                    .and_then(|header| header.value)
            });
            visit(
                String::from_utf8_lossy(key).into_owned(),
                message.payload(),
                writer,
            );
        }
        if message.offset() + 1 >= high {
            return Ok(message.offset() + 1);
        }
    }
}

impl std::fmt::Debug for KafkaStateStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaStateStore")
            .field("topic", &self.topic)
            .finish()
    }
}

fn client_config(config: &KafkaConfig) -> ClientConfig {
    let mut client = ClientConfig::new();
    client
        .set("bootstrap.servers", &config.bootstrap_servers)
        .set("client.id", format!("{}-state", config.client_id));
    for (key, value) in &config.options {
        client.set(key, value);
    }
    client
}

impl KafkaStateStore {
    /// Connects to the store `name`, creating its compacted topic (one partition) if needed.
    pub async fn open(config: &KafkaConfig, name: &str) -> Result<Self, StateError> {
        let topic = format!(
            "{}{}",
            config.topic_prefix,
            wire_model::topics::state_topic(name)
        );
        let error = |reason: String| StateError::Kafka {
            topic: topic.clone(),
            reason,
        };
        let admin: AdminClient<DefaultClientContext> = client_config(config)
            .create()
            .map_err(|e| error(e.to_string()))?;
        let new_topic = NewTopic::new(
            &topic,
            1,
            TopicReplication::Fixed(config.replication_factor),
        )
        .set("cleanup.policy", "compact");
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        for result in admin
            .create_topics([&new_topic], &options)
            .await
            .map_err(|e| error(e.to_string()))?
        {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((_, code)) => return Err(error(format!("failed to create: {code}"))),
            }
        }
        // Every put is awaited on its own, so no batch can form while the producer lingers:
        // librdkafka's default linger.ms (5) only added 5 ms to each put, which capped a stage
        // that writes state per input near 120 inputs/s (BENCHMARKS.md, "Pipeline").
        let producer = client_config(config)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "0")
            .set("message.timeout.ms", config.message_timeout_ms.to_string())
            .create()
            .map_err(|e| error(e.to_string()))?;
        Ok(Self {
            topic,
            config: config.clone(),
            producer,
            writer: writer_id(config),
            follower: Arc::new(Mutex::new(None)),
        })
    }

    fn error(&self, reason: impl Into<String>) -> StateError {
        StateError::Kafka {
            topic: self.topic.clone(),
            reason: reason.into(),
        }
    }
}

#[async_trait]
impl StateStore for KafkaStateStore {
    async fn load_all(&self) -> Result<HashMap<String, Vec<u8>>, StateError> {
        let consumer: BaseConsumer = client_config(&self.config)
            .set(
                "group.id",
                format!("{}state-loader", self.config.group_prefix),
            )
            .set("enable.auto.commit", "false")
            .set("enable.partition.eof", "false")
            .set("auto.offset.reset", "earliest")
            .create()
            .map_err(|e| self.error(e.to_string()))?;
        let topic = self.topic.clone();
        let follower = self.follower.clone();
        let loaded = tokio::task::spawn_blocking(move || -> Result<_, String> {
            // Right after the topic is created its partition may have no leader yet
            // (NotLeaderForPartition, LeaderNotAvailable), and a stage may start while the
            // broker restarts (AllBrokersDown): retry for up to 5 minutes rather than exit.
            let started = std::time::Instant::now();
            let (low, high) = loop {
                match consumer.fetch_watermarks(&topic, 0, Duration::from_secs(10)) {
                    Ok(watermarks) => break watermarks,
                    Err(error) if started.elapsed() < Duration::from_secs(300) => {
                        tracing::warn!(topic = %topic, error = %error, "state topic not ready, retrying");
                        std::thread::sleep(Duration::from_millis(500));
                    }
                    Err(error) => return Err(error.to_string()),
                }
            };
            let mut values = HashMap::new();
            let mut assignment = TopicPartitionList::new();
            assignment
                .add_partition_offset(&topic, 0, Offset::Beginning)
                .map_err(|e| e.to_string())?;
            consumer.assign(&assignment).map_err(|e| e.to_string())?;
            let mut next_offset = low;
            if high > low {
                next_offset = read_to(&consumer, high, Duration::from_secs(120), |key, value, _| {
                    match value {
                        Some(value) => values.insert(key, value.to_vec()),
                        None => values.remove(&key),
                    };
                })?;
            }
            // Kept, unassigned so that it fetches nothing meanwhile, to follow the other
            // writers from where it stopped.
            consumer.unassign().map_err(|e| e.to_string())?;
            *lock(&follower) = Some(Follower {
                consumer,
                next_offset,
            });
            Ok(values)
        })
        .await
        .map_err(|e| self.error(e.to_string()))?;
        loaded.map_err(|reason| self.error(reason))
    }

    async fn changes_from_others(&self) -> Result<Vec<StateWrite>, StateError> {
        let topic = self.topic.clone();
        let follower = self.follower.clone();
        let writer = self.writer.clone();
        let read = tokio::task::spawn_blocking(move || -> Result<_, String> {
            let mut guard = lock(&follower);
            let Some(follower) = guard.as_mut() else {
                return Ok(Vec::new()); // not loaded yet: load_all reads everything
            };
            let (_, high) = follower
                .consumer
                .fetch_watermarks(&topic, 0, Duration::from_secs(5))
                .map_err(|e| e.to_string())?;
            let mut changes = Vec::new();
            if high <= follower.next_offset {
                return Ok(changes);
            }
            let mut assignment = TopicPartitionList::new();
            assignment
                .add_partition_offset(&topic, 0, Offset::Offset(follower.next_offset))
                .map_err(|e| e.to_string())?;
            follower
                .consumer
                .assign(&assignment)
                .map_err(|e| e.to_string())?;
            let read = read_to(
                &follower.consumer,
                high,
                Duration::from_secs(30),
                |key, value, from| {
                    if from != Some(writer.as_bytes()) {
                        changes.push(StateWrite {
                            key,
                            value: value.map(<[u8]>::to_vec),
                        });
                    }
                },
            );
            follower.consumer.unassign().map_err(|e| e.to_string())?;
            follower.next_offset = read?;
            Ok(changes)
        })
        .await
        .map_err(|e| self.error(e.to_string()))?;
        read.map_err(|reason| self.error(reason))
    }

    async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), StateError> {
        let headers = OwnedHeaders::new().insert(Header {
            key: WRITER_HEADER,
            value: Some(self.writer.as_bytes()),
        });
        let mut record: FutureRecord<'_, str, [u8]> =
            FutureRecord::to(&self.topic).key(key).headers(headers);
        if let Some(value) = &value {
            record = record.payload(value.as_slice());
        }
        self.producer
            .send(record, Duration::from_secs(30))
            .await
            .map(|_| ())
            .map_err(|(error, _)| self.error(error.to_string()))
    }

    fn kind(&self) -> &'static str {
        "kafka"
    }
}
