//! The bus: how stages hand messages to each other. Two implementations with one contract:
//! [`KafkaBus`] (between services, durable) and [`MemoryBus`] (in one process, for a single
//! machine and a first try).
//!
//! The contract, which the stage loop relies on:
//! - [`Bus::enqueue`] hands a record over and returns a [`PendingAck`]; the record is safely
//!   stored (Kafka: acknowledged by the broker, with the idempotent producer) only when that
//!   future resolves `Ok`. Enqueueing waits when the bus is full (backpressure).
//! - A [`Subscription`] yields [`Delivery`]s in order within a partition. [`Subscription::commit`]
//!   marks a delivery done; a restarted consumer group resumes after the last committed
//!   delivery, so whatever was not committed is delivered again (at-least-once).

mod kafka;
mod kafka_reader;
mod memory;
pub mod topic_plan;

pub use kafka::{
    KafkaBus, Reachability, client_config, create_topics, ensure_topic, is_secured,
    message_headers, probe_connection, producer_config,
};
pub use memory::MemoryBus;

use async_trait::async_trait;
use futures::future::BoxFuture;
use std::sync::Arc;

/// A message to publish. `topic` is the logical name (e.g. [`wire_model::topics::RAW`]); the
/// bus maps it to the physical topic (with the configured prefix).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub topic: String,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, Vec<u8>)>,
}

impl Record {
    pub fn new(topic: &str, key: impl Into<Vec<u8>>, payload: Vec<u8>) -> Self {
        Self {
            topic: topic.to_owned(),
            key: Some(key.into()),
            payload,
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<Vec<u8>>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The value of the first header called `name`, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .and_then(|(_, value)| std::str::from_utf8(value).ok())
    }
}

/// A consumed message and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The record, with its logical topic name.
    pub record: Record,
    pub partition: i32,
    pub offset: i64,
}

/// Bus failures. Callers branch on these: a closed bus ends a stage quietly, anything else is
/// an error that stops the stage without committing what it had not finished.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("the bus is closed")]
    Closed,
    #[error("kafka error: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("delivery of a message to {topic} failed: {reason}")]
    DeliveryFailed { topic: String, reason: String },
    /// The record is larger than the producer (`bus.kafka.message_max_bytes`) or the topic
    /// (`max.message.bytes`) accepts. Permanent for this record, harmless for the bus: the
    /// stage loop dead-letters the input that caused it and goes on.
    #[error(
        "a message of {bytes} bytes for {topic} is larger than the bus accepts ({limit}): raise bus.kafka.message_max_bytes and the topic's max.message.bytes, or keep it smaller"
    )]
    TooLarge {
        topic: String,
        bytes: usize,
        limit: String,
    },
    #[error("invalid bus configuration: {0}")]
    Config(String),
    #[error("failed to write stage state: {0}")]
    State(#[from] crate::state::StateError),
}

/// Resolves when the broker has acknowledged the record.
pub type PendingAck = BoxFuture<'static, Result<(), BusError>>;

/// A message transport shared by all stages of a process.
#[async_trait]
pub trait Bus: Send + Sync + 'static {
    /// Hands `record` to the bus; waits only while the bus is full. The returned future resolves
    /// once the record is acknowledged.
    async fn enqueue(&self, record: Record) -> Result<PendingAck, BusError>;

    /// Joins consumer group `group` on `topics` (logical names).
    async fn subscribe(
        &self,
        group: &str,
        topics: &[&str],
    ) -> Result<Box<dyn Subscription>, BusError>;

    /// Reads `topics` from `positions` (the next offset to read per topic and partition; a
    /// partition without one is read from its beginning), outside any consumer group, for a
    /// reader that keeps its own positions: the desk keeps them in its index's commits, so a
    /// restart resumes where the index is, not where a group commit says. Every instance reads
    /// every partition; [`Subscription::commit`] does nothing on it. Partitions added to a
    /// topic later are read after a restart.
    async fn read_from(
        &self,
        topics: &[&str],
        positions: &Positions,
    ) -> Result<Box<dyn Subscription>, BusError>;

    /// Creates the topics that do not exist yet (no-op in memory).
    async fn ensure_topics(&self, topics: &[&str]) -> Result<(), BusError>;

    /// Waits (bounded) until everything enqueued is acknowledged.
    async fn flush(&self, timeout: std::time::Duration) -> Result<(), BusError>;

    /// Whether the transport is reachable now (for `/readyz`).
    async fn is_reachable(&self) -> bool;

    /// `kafka` or `memory`, for logs.
    fn kind(&self) -> &'static str;
}

/// Where a reader is: the next offset to read, by logical topic and partition.
pub type Positions = std::collections::BTreeMap<(String, i32), i64>;

/// Publishes `record` and waits for its acknowledgement.
pub async fn publish(bus: &dyn Bus, record: Record) -> Result<(), BusError> {
    bus.enqueue(record).await?.await
}

/// One consumer group member's view of its assigned partitions.
#[async_trait]
pub trait Subscription: Send {
    /// The next delivery; cancel-safe (a `select!` against shutdown loses nothing).
    async fn recv(&mut self) -> Result<Delivery, BusError>;

    /// Marks `delivery` (and everything before it in its partition) as processed.
    fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError>;

    /// How many partitions this member is assigned now (for `/readyz`).
    fn assigned_partitions(&self) -> usize;

    /// How many times partitions were assigned to this member so far. When it changes, a
    /// rebalance has handed this member partitions whose earlier messages another member may
    /// have handled: the stage loop then catches up with the state that member wrote.
    fn assignments(&self) -> u64 {
        0
    }

    /// Messages not yet consumed across the assigned partitions, where known.
    fn lag(&self) -> Option<i64>;

    /// Commits what was marked and leaves the group.
    async fn close(self: Box<Self>) -> Result<(), BusError>;
}

/// A bus shared between tasks.
pub type SharedBus = Arc<dyn Bus>;
