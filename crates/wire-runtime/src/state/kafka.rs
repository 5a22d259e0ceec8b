//! A state store in a compacted Kafka topic: `put` produces the key with its value (or a
//! tombstone), naming its writer in a header, and waits for the acknowledgement; `load_all`
//! reads the topic from the start to the high watermark seen at load time and keeps its
//! consumer there; `changes_from_others` reads on from there to the current high watermark and
//! returns what other writers (other instances of the stage) wrote. The offsets of this
//! instance's own acknowledged writes are remembered, so a stretch of the topic that holds only
//! them is skipped without being fetched (alone, an instance never reads its own writes back).

use super::{StateAck, StateError, StateStore, StateWrite};
use crate::bus::topic_plan::TopicPlan;
use crate::bus::{client_config, producer_config};
use crate::config::KafkaConfig;
use async_trait::async_trait;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Message, Offset, TopicPartitionList};
use std::collections::{BTreeSet, HashMap};
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
    /// Offsets of this instance's acknowledged writes not yet passed by the follower.
    own_offsets: Arc<Mutex<BTreeSet<i64>>>,
}

/// The header naming the instance that wrote a state record.
const WRITER_HEADER: &str = "wirefeed-state-writer";

struct Follower {
    consumer: BaseConsumer,
    /// The first offset not read yet.
    next_offset: i64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// At most this many own offsets are remembered. A writer nobody follows (the fetcher reads
/// its store once at start-up and never calls `changes_from_others`) would otherwise grow the
/// set by one entry per write for ever; forgetting them only means that a later follow reads
/// those records and skips them by their writer header.
const OWN_OFFSETS_KEPT: usize = 65_536;

/// Records `offset` as one of this instance's writes, within [`OWN_OFFSETS_KEPT`].
fn remember_own_write(own: &mut BTreeSet<i64>, offset: i64) {
    if own.len() >= OWN_OFFSETS_KEPT {
        own.clear();
    }
    own.insert(offset);
}

/// Moves `next_offset` past the offsets in `own` that follow it without a gap (this
/// instance's own writes: nothing to read there), and forgets the offsets it passed.
fn skip_own_writes(own: &mut BTreeSet<i64>, next_offset: &mut i64) {
    while let Some(&first) = own.first() {
        if first > *next_offset {
            break;
        }
        if first == *next_offset {
            *next_offset += 1;
        }
        own.pop_first();
    }
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

/// The client id suffix of the state store's clients (`<client_id>-state`).
const CLIENT_ROLE: Option<&str> = Some("state");

impl KafkaStateStore {
    /// Connects to the store `name`, creating its compacted topic (one partition) if needed.
    pub async fn open(config: &KafkaConfig, name: &str) -> Result<Self, StateError> {
        let plan = TopicPlan::state(config, name);
        let topic = plan.name.clone();
        let error = |reason: String| StateError::Kafka {
            topic: topic.clone(),
            reason,
        };
        crate::bus::ensure_topic(config, plan, CLIENT_ROLE)
            .await
            .map_err(error)?;
        // The stage loop keeps many writes in flight (`start_put`), so they batch with
        // librdkafka's usual linger.ms (5); with 0, the producer's broker thread spun between
        // sends while writes queued behind the idempotent producer's five requests in flight (a
        // third of the enricher's CPU in `bench pipeline`). An input's commit waits for its
        // write; its outputs do not.
        let producer = producer_config(config, CLIENT_ROLE)
            .set("linger.ms", "5")
            .create()
            .map_err(|e| error(e.to_string()))?;
        Ok(Self {
            topic,
            config: config.clone(),
            producer,
            writer: writer_id(config),
            follower: Arc::new(Mutex::new(None)),
            own_offsets: Arc::new(Mutex::new(BTreeSet::new())),
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
        let consumer: BaseConsumer = client_config(&self.config, CLIENT_ROLE)
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
        let own_offsets = self.own_offsets.clone();
        let read = tokio::task::spawn_blocking(move || -> Result<_, String> {
            let mut guard = lock(&follower);
            let Some(follower) = guard.as_mut() else {
                return Ok(Vec::new()); // not loaded yet: load_all reads everything
            };
            let (_, high) = follower
                .consumer
                .fetch_watermarks(&topic, 0, Duration::from_secs(5))
                .map_err(|e| e.to_string())?;
            skip_own_writes(&mut lock(&own_offsets), &mut follower.next_offset);
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
        self.start_put(key, value).await?.await
    }

    async fn start_put(&self, key: &str, value: Option<Vec<u8>>) -> Result<StateAck, StateError> {
        let headers = OwnedHeaders::new().insert(Header {
            key: WRITER_HEADER,
            value: Some(self.writer.as_bytes()),
        });
        let mut record: FutureRecord<'_, str, [u8]> =
            FutureRecord::to(&self.topic).key(key).headers(headers);
        if let Some(value) = &value {
            record = record.payload(value.as_slice());
        }
        // Idempotent producer, one partition: writes are applied in the order queued. A full
        // queue is waited out for up to 30 s, as `FutureProducer::send` would.
        let queued_by = std::time::Instant::now() + Duration::from_secs(30);
        let delivery = loop {
            match self.producer.send_result(record) {
                Ok(delivery) => break delivery,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), returned))
                    if std::time::Instant::now() < queued_by =>
                {
                    record = returned;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err((error, _)) => return Err(self.error(error.to_string())),
            }
        };
        let topic = self.topic.clone();
        let own_offsets = self.own_offsets.clone();
        Ok(Box::pin(async move {
            let reason = match delivery.await {
                Ok(Ok(delivered)) => {
                    remember_own_write(&mut lock(&own_offsets), delivered.offset);
                    return Ok(());
                }
                Ok(Err((error, _))) => error.to_string(),
                Err(_) => "the producer was dropped before the write was acknowledged".to_owned(),
            };
            Err(StateError::Kafka { topic, reason })
        }))
    }

    fn kind(&self) -> &'static str {
        "kafka"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_writes_right_after_the_follower_are_skipped_up_to_a_gap() {
        let mut own: BTreeSet<i64> = [3, 5, 6, 7, 9].into_iter().collect();
        let mut next_offset = 5;
        skip_own_writes(&mut own, &mut next_offset);
        // 3 was already passed; 5, 6, 7 are ours; 8 is another writer's: read from there.
        assert_eq!(next_offset, 8);
        assert_eq!(own.into_iter().collect::<Vec<_>>(), [9]);

        let mut own: BTreeSet<i64> = [10].into_iter().collect();
        let mut next_offset = 4;
        skip_own_writes(&mut own, &mut next_offset);
        assert_eq!(next_offset, 4);
        assert_eq!(own.len(), 1);
    }

    #[test]
    fn a_writer_nobody_follows_remembers_a_bounded_number_of_offsets() {
        let mut own = BTreeSet::new();
        for offset in 0..(3 * OWN_OFFSETS_KEPT as i64) {
            remember_own_write(&mut own, offset);
        }
        assert!(own.len() <= OWN_OFFSETS_KEPT);
        assert!(own.contains(&(3 * OWN_OFFSETS_KEPT as i64 - 1)));
    }
}
