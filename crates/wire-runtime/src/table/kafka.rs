//! A table in a compacted Kafka topic. Writes go through an idempotent producer; followers are
//! consumers on their own threads (librdkafka's calls block) that never commit offsets, so
//! every partition they get is read from its start: a compacted topic holds the latest value
//! of every key, which is the table.

use super::{OwnedView, Snapshot, TableError};
use crate::bus::topic_plan::TopicPlan;
use crate::bus::{client_config, producer_config};
use crate::config::KafkaConfig;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientContext, Message, Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// How long a follower waits, before giving partitions up, for its owner to say it applied
/// the smaller set. Past it the partitions go anyway (the owner is stuck; the next owner
/// starts from the last state saved).
const HANDOVER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a read of the whole table may take.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// The client id suffix of a table's clients.
const CLIENT_ROLE: Option<&str> = Some("table");

/// See the module documentation.
pub struct KafkaTable {
    topic: String,
    config: KafkaConfig,
    producer: FutureProducer,
}

impl std::fmt::Debug for KafkaTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaTable")
            .field("topic", &self.topic)
            .finish()
    }
}

impl KafkaTable {
    /// Connects to the table `logical`, creating its compacted topic with `partitions`
    /// partitions when it does not exist.
    pub async fn open(
        config: &KafkaConfig,
        logical: &str,
        partitions: i32,
    ) -> Result<Self, TableError> {
        let plan = TopicPlan::table(config, logical, partitions);
        let topic = plan.name.clone();
        let error = |reason: String| TableError::Kafka {
            topic: topic.clone(),
            reason,
        };
        crate::bus::ensure_topic(config, plan, CLIENT_ROLE)
            .await
            .map_err(error)?;
        let producer = producer_config(config, CLIENT_ROLE)
            .create()
            .map_err(|e| error(e.to_string()))?;
        Ok(Self {
            topic,
            config: config.clone(),
            producer,
        })
    }

    fn error(&self, reason: impl Into<String>) -> TableError {
        TableError::Kafka {
            topic: self.topic.clone(),
            reason: reason.into(),
        }
    }

    pub async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), TableError> {
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

    /// Every entry: each partition read from its start to the end it had when asked.
    pub async fn read_all(&self) -> Result<BTreeMap<String, Vec<u8>>, TableError> {
        let consumer: BaseConsumer = self.consumer(None)?;
        let topic = self.topic.clone();
        let read = tokio::task::spawn_blocking(move || read_to_end(&consumer, &topic))
            .await
            .map_err(|e| self.error(e.to_string()))?;
        read.map_err(|reason| self.error(reason))
    }

    /// A consumer of the table: in group `group` when given (never committing offsets, so
    /// every partition is read from its start), else for manual assignment.
    fn consumer<C: ConsumerContext + Default + 'static>(
        &self,
        group: Option<(&str, C)>,
    ) -> Result<BaseConsumer<C>, TableError> {
        let mut client = client_config(&self.config, CLIENT_ROLE);
        client
            .set("enable.auto.commit", "false")
            .set("enable.partition.eof", "false")
            .set("auto.offset.reset", "earliest");
        let context = match group {
            Some((group, context)) => {
                client
                    .set("group.id", format!("{}{group}", self.config.group_prefix))
                    .set(
                        "session.timeout.ms",
                        self.config.session_timeout_ms.to_string(),
                    )
                    // Only the partitions that move are handed over, not all of them.
                    .set("partition.assignment.strategy", "cooperative-sticky");
                context
            }
            None => {
                // librdkafka wants a group id to fetch even with manual assignment; this one
                // never joins (no subscribe) and never commits.
                client.set(
                    "group.id",
                    format!("{}table-reader", self.config.group_prefix),
                );
                C::default()
            }
        };
        client
            .create_with_context(context)
            .map_err(|e| self.error(e.to_string()))
    }

    /// Every entry, and every change, followed on a thread until `shutdown`.
    pub fn follow_all(
        &self,
        shutdown: CancellationToken,
    ) -> Result<watch::Receiver<Snapshot>, TableError> {
        let consumer: BaseConsumer = self.consumer(None)?;
        let (sender, receiver) = watch::channel(Snapshot::default());
        let topic = self.topic.clone();
        std::thread::Builder::new()
            .name(format!("table-{topic}"))
            .spawn(move || {
                let partitions = retrying("reading the partitions", || {
                    partitions_of(&consumer, &topic)
                });
                let assigned = partitions.and_then(|partitions| {
                    let mut assignment = TopicPartitionList::new();
                    for partition in partitions {
                        assignment
                            .add_partition_offset(&topic, partition, Offset::Beginning)
                            .map_err(|e| e.to_string())?;
                    }
                    consumer.assign(&assignment).map_err(|e| e.to_string())
                });
                if let Err(reason) = assigned {
                    tracing::error!(topic = %topic, error = %reason, "cannot follow the table");
                    return;
                }
                let entries = Arc::new(Mutex::new(Entries::default()));
                follow(&consumer, &entries, &sender, &shutdown);
            })
            .map_err(|e| self.error(e.to_string()))?;
        Ok(receiver)
    }

    /// The entries of the partitions this instance owns in group `group`, followed on a
    /// thread until `shutdown`; see [`super::Table::follow_owned`].
    pub fn follow_owned(
        &self,
        group: &str,
        shutdown: CancellationToken,
    ) -> Result<OwnedView, TableError> {
        let (sender, receiver) = watch::channel(Snapshot::default());
        let (applied, applied_receiver) = watch::channel(0);
        let entries = Arc::new(Mutex::new(Entries::default()));
        let sender = Arc::new(sender);
        let context = Handover {
            entries: entries.clone(),
            sender: Some(sender.clone()),
            applied: Some(applied_receiver),
            shutdown: shutdown.clone(),
        };
        let consumer: BaseConsumer<Handover> = self.consumer(Some((group, context)))?;
        consumer
            .subscribe(&[&self.topic])
            .map_err(|e| self.error(e.to_string()))?;
        let topic = self.topic.clone();
        std::thread::Builder::new()
            .name(format!("table-{topic}"))
            .spawn(move || follow(&consumer, &entries, &sender, &shutdown))
            .map_err(|e| self.error(e.to_string()))?;
        Ok(OwnedView {
            entries: receiver,
            applied,
        })
    }
}

/// What a follower has read: every entry by partition.
#[derive(Default)]
struct Entries {
    by_partition: BTreeMap<i32, BTreeMap<String, Vec<u8>>>,
    generation: u64,
    changed: bool,
}

impl Entries {
    fn apply(&mut self, partition: i32, key: String, value: Option<&[u8]>) {
        let entries = self.by_partition.entry(partition).or_default();
        match value {
            Some(value) => entries.insert(key, value.to_vec()),
            None => entries.remove(&key),
        };
        self.changed = true;
    }

    /// Publishes the entries when they changed since the last time; the generation sent.
    fn publish(&mut self, sender: &watch::Sender<Snapshot>) -> u64 {
        if self.changed {
            self.changed = false;
            self.generation += 1;
            let entries = self
                .by_partition
                .values()
                .flat_map(|entries| entries.iter().map(|(k, v)| (k.clone(), v.clone())))
                .collect();
            sender.send_replace(Snapshot {
                generation: self.generation,
                entries,
            });
        }
        self.generation
    }
}

fn lock(entries: &Mutex<Entries>) -> std::sync::MutexGuard<'_, Entries> {
    entries.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Polls `consumer` until `shutdown`, applying every record and publishing the entries each
/// time the consumer has nothing more at once (a batch of changes is seen together).
fn follow<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    entries: &Mutex<Entries>,
    sender: &watch::Sender<Snapshot>,
    shutdown: &CancellationToken,
) {
    // The first snapshot (even an empty table) tells the owner the table was read.
    lock(entries).changed = true;
    while !shutdown.is_cancelled() {
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(message)) => {
                if let Some(key) = message.key() {
                    lock(entries).apply(
                        message.partition(),
                        String::from_utf8_lossy(key).into_owned(),
                        message.payload(),
                    );
                }
            }
            Some(Err(error)) => {
                tracing::warn!(error = %error, "table follower: consumer error");
                lock(entries).publish(sender);
            }
            None => {
                lock(entries).publish(sender);
            }
        }
    }
}

/// The partitions of `topic`.
fn partitions_of<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
) -> Result<Vec<i32>, String> {
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    let partitions: Vec<i32> = metadata
        .topics()
        .iter()
        .filter(|t| t.name() == topic)
        .flat_map(|t| t.partitions().iter().map(|p| p.id()))
        .collect();
    if partitions.is_empty() {
        return Err("the topic has no partitions (does it exist?)".to_owned());
    }
    Ok(partitions)
}

/// Calls `attempt` until it succeeds or [`READ_TIMEOUT`] passed: right after a table's topic
/// is created its partitions may have no leader yet (NotLeaderForPartition,
/// LeaderNotAvailable), and a stage may start while the broker restarts.
fn retrying<T>(what: &str, mut attempt: impl FnMut() -> Result<T, String>) -> Result<T, String> {
    let deadline = Instant::now() + READ_TIMEOUT;
    loop {
        match attempt() {
            Ok(value) => return Ok(value),
            Err(error) if Instant::now() < deadline => {
                tracing::warn!(error = %error, "table: {what} failed, retrying");
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(error) => return Err(error),
        }
    }
}

/// Every entry of `topic`: each partition from its start to its end now.
fn read_to_end(consumer: &BaseConsumer, topic: &str) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut assignment = TopicPartitionList::new();
    let mut ends = BTreeMap::new();
    for partition in retrying("reading the partitions", || partitions_of(consumer, topic))? {
        let (low, high) = retrying("reading the watermarks", || {
            consumer
                .fetch_watermarks(topic, partition, Duration::from_secs(10))
                .map_err(|e| e.to_string())
        })?;
        if high > low {
            ends.insert(partition, high);
            assignment
                .add_partition_offset(topic, partition, Offset::Beginning)
                .map_err(|e| e.to_string())?;
        }
    }
    let mut entries = BTreeMap::new();
    if ends.is_empty() {
        return Ok(entries);
    }
    consumer.assign(&assignment).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + READ_TIMEOUT;
    while !ends.is_empty() {
        if Instant::now() > deadline {
            return Err(format!("timed out reading the table (left: {ends:?})"));
        }
        let Some(message) = consumer.poll(Duration::from_millis(200)) else {
            continue;
        };
        let message = message.map_err(|e| e.to_string())?;
        if let Some(key) = message.key() {
            let key = String::from_utf8_lossy(key).into_owned();
            match message.payload() {
                Some(value) => entries.insert(key, value.to_vec()),
                None => entries.remove(&key),
            };
        }
        if ends
            .get(&message.partition())
            .is_some_and(|end| message.offset() + 1 >= *end)
        {
            ends.remove(&message.partition());
        }
    }
    Ok(entries)
}

/// The consumer context of [`KafkaTable::follow_owned`]: before partitions are taken away, it
/// publishes the entries without them and waits until the owner applied that generation.
#[derive(Default)]
struct Handover {
    entries: Arc<Mutex<Entries>>,
    sender: Option<Arc<watch::Sender<Snapshot>>>,
    applied: Option<watch::Receiver<u64>>,
    shutdown: CancellationToken,
}

impl ClientContext for Handover {}

impl ConsumerContext for Handover {
    fn pre_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(partitions) = rebalance else {
            return;
        };
        let (Some(sender), Some(applied)) = (&self.sender, &self.applied) else {
            return;
        };
        let generation = {
            let mut entries = lock(&self.entries);
            for element in partitions.elements() {
                entries.by_partition.remove(&element.partition());
            }
            entries.changed = true;
            entries.publish(sender)
        };
        tracing::info!(
            partitions = partitions.count(),
            "table: handing partitions over once their entries are stopped"
        );
        let deadline = Instant::now() + HANDOVER_TIMEOUT;
        while *applied.borrow() < generation
            && Instant::now() < deadline
            && !self.shutdown.is_cancelled()
            && applied.has_changed().is_ok()
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn post_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Assign(partitions) = rebalance {
            tracing::info!(
                partitions = partitions.count(),
                "table: partitions assigned"
            );
        }
    }
}
