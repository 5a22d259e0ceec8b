//! A state store in a compacted Kafka topic: `put` produces the key with its value (or a
//! tombstone) and waits for the acknowledgement; `load_all` reads the topic from the start to
//! the high watermarks seen at load time.

use super::{StateError, StateStore};
use crate::config::KafkaConfig;
use async_trait::async_trait;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};
use std::collections::HashMap;
use std::time::Duration;

/// State in the compacted topic `<topic_prefix>wire.state.<name>.v1`.
pub struct KafkaStateStore {
    topic: String,
    config: KafkaConfig,
    producer: FutureProducer,
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
            .create()
            .map_err(|e| self.error(e.to_string()))?;
        let topic = self.topic.clone();
        let loaded = tokio::task::spawn_blocking(move || -> Result<_, String> {
            // Right after the topic is created its partition may have no leader yet
            // (NotLeaderForPartition, LeaderNotAvailable): retry for up to 30 s.
            let started = std::time::Instant::now();
            let (low, high) = loop {
                match consumer.fetch_watermarks(&topic, 0, Duration::from_secs(10)) {
                    Ok(watermarks) => break watermarks,
                    Err(error) if started.elapsed() < Duration::from_secs(30) => {
                        tracing::warn!(topic = %topic, error = %error, "state topic not ready, retrying");
                        std::thread::sleep(Duration::from_millis(500));
                    }
                    Err(error) => return Err(error.to_string()),
                }
            };
            let mut values = HashMap::new();
            if high <= low {
                return Ok(values);
            }
            let mut assignment = TopicPartitionList::new();
            assignment
                .add_partition_offset(&topic, 0, Offset::Beginning)
                .map_err(|e| e.to_string())?;
            consumer.assign(&assignment).map_err(|e| e.to_string())?;
            let deadline = std::time::Instant::now() + Duration::from_secs(120);
            loop {
                if std::time::Instant::now() > deadline {
                    return Err(format!("timed out reading up to offset {high}"));
                }
                let Some(message) = consumer.poll(Duration::from_millis(500)) else {
                    continue;
                };
                let message = message.map_err(|e| e.to_string())?;
                if let Some(key) = message.key() {
                    let key = String::from_utf8_lossy(key).into_owned();
                    match message.payload() {
                        Some(value) => values.insert(key, value.to_vec()),
                        None => values.remove(&key),
                    };
                }
                if message.offset() + 1 >= high {
                    return Ok(values);
                }
            }
        })
        .await
        .map_err(|e| self.error(e.to_string()))?;
        loaded.map_err(|reason| self.error(reason))
    }

    async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), StateError> {
        let mut record: FutureRecord<'_, str, [u8]> = FutureRecord::to(&self.topic).key(key);
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
