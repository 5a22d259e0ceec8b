//! The Kafka side of `bench pipeline`: the injector that publishes raw items as the fetcher
//! does (or replays records the fetcher published), the collector of those records, the tails
//! that read the last topics back and time each record, the copier of the Kafka-ceiling
//! baseline, and the consumer-lag probe.
//!
//! Everything that produces or consumes goes through [`wire_runtime::bus::KafkaBus`], the
//! client the services use, so the producer settings (idempotent, `acks=all`, the configured
//! `compression` and `linger_ms`) and consumer settings are theirs.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde::Deserialize;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use wire_model::RawItem;
use wire_model::topics;
use wire_runtime::bus::{Delivery, PendingAck, Record};
use wire_runtime::{BusError, SharedBus};

/// What the injector did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Injected {
    pub sent: usize,
    pub failed: usize,
    /// From the first send to the last acknowledgement.
    pub elapsed: Duration,
}

/// Publishes `items` to `wire.raw.v1` as the fetcher does (keyed by article id, `fetched_at`
/// stamped at the moment of publishing), at `offsets` from the start (one per item) or as fast
/// as the producer takes them when `offsets` is `None`; then waits for every acknowledgement.
pub async fn inject(
    bus: SharedBus,
    items: Vec<RawItem>,
    offsets: Option<Vec<Duration>>,
) -> anyhow::Result<Injected> {
    let started = tokio::time::Instant::now();
    let (acks_sender, mut acks_receiver) = tokio::sync::mpsc::unbounded_channel::<PendingAck>();
    let waiter = tokio::spawn(async move {
        let mut failed = 0usize;
        while let Some(ack) = acks_receiver.recv().await {
            failed += ack.await.is_err() as usize;
        }
        failed
    });
    let mut sent = 0usize;
    for (index, mut item) in items.into_iter().enumerate() {
        if let Some(due) = offsets.as_ref().and_then(|o| o.get(index)) {
            tokio::time::sleep_until(started + *due).await;
        }
        item.fetched_at = Utc::now();
        let record = Record::new(topics::RAW, item.article_id.as_str(), item.encode());
        let ack = bus
            .enqueue(record)
            .await
            .context("failed to publish a raw item")?;
        let _ = acks_sender.send(ack);
        sent += 1;
    }
    drop(acks_sender);
    let failed = waiter.await.context("the acknowledgement task failed")?;
    Ok(Injected {
        sent,
        failed,
        elapsed: started.elapsed(),
    })
}

/// Publishes `records` (as [`collect`] read them) to `wire.raw.v1` as fast as the producer
/// takes them, then waits for every acknowledgement.
pub async fn replay(bus: SharedBus, records: Vec<Record>) -> anyhow::Result<Injected> {
    let started = tokio::time::Instant::now();
    let mut acks = Vec::with_capacity(records.len());
    let sent = records.len();
    for mut record in records {
        record.topic = topics::RAW.to_owned();
        acks.push(
            bus.enqueue(record)
                .await
                .context("failed to publish a raw item")?,
        );
    }
    let mut failed = 0usize;
    for ack in acks {
        failed += ack.await.is_err() as usize;
    }
    Ok(Injected {
        sent,
        failed,
        elapsed: started.elapsed(),
    })
}

/// Reads `topic` from the start (group `group`) until `expected` records that `keep` accepts
/// arrived, or nothing arrived for `quiet` after at least one, or `timeout` passed: those
/// records as published.
#[allow(clippy::too_many_arguments)]
pub async fn collect(
    bus: SharedBus,
    group: &str,
    topic: &str,
    keep: impl Fn(&Record) -> bool,
    expected: usize,
    quiet: Duration,
    timeout: Duration,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Vec<Record>> {
    let mut subscription = bus.subscribe(group, &[topic]).await?;
    let deadline = tokio::time::Instant::now() + timeout;
    let mut records = Vec::with_capacity(expected);
    while records.len() < expected {
        let wait = if records.is_empty() { timeout } else { quiet };
        let until = (tokio::time::Instant::now() + wait).min(deadline);
        let delivery = match tokio::time::timeout_at(until, subscription.recv()).await {
            Err(_) => break,
            Ok(Ok(delivery)) => delivery,
            Ok(Err(BusError::Closed)) => break,
            Ok(Err(error)) => return Err(error).context("the collector's consumer failed"),
        };
        if keep(&delivery.record) {
            records.push(delivery.record.clone());
        }
        progress.set_position(records.len() as u64);
    }
    subscription.close().await?;
    Ok(records)
}

/// One record read back by a tail.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// When the tail received it.
    pub at: Instant,
    pub arrived_utc: DateTime<Utc>,
    /// From its `fetched_at` to its arrival (wall clock; one machine, one clock).
    pub latency: Duration,
    pub fetched_at: DateTime<Utc>,
    /// Its source and item identity, when the message carries them.
    pub item: Option<ItemKey>,
}

/// The fetch time, source and item identity of a raw item or an alert (top level) or of an
/// article envelope (`wire`).
#[derive(Deserialize)]
struct Stamp {
    #[serde(default)]
    fetched_at: Option<DateTime<Utc>>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    item_identity: Option<String>,
    #[serde(default)]
    wire: Option<WireStamp>,
}

#[derive(Deserialize)]
struct WireStamp {
    fetched_at: DateTime<Utc>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    item_identity: Option<String>,
}

/// A message's source and item identity.
pub type ItemKey = (String, String);

/// What a message says of the item it carries: its fetch time, and its source and identity.
pub fn stamp(payload: &[u8]) -> Option<(DateTime<Utc>, Option<ItemKey>)> {
    let stamp: Stamp = serde_json::from_slice(payload).ok()?;
    match stamp.wire {
        Some(wire) => Some((wire.fetched_at, wire.source.zip(wire.item_identity))),
        None => Some((stamp.fetched_at?, stamp.source.zip(stamp.item_identity))),
    }
}

/// The fetch time a message carries, if it is one of wirefeed's.
pub fn fetched_at(payload: &[u8]) -> Option<DateTime<Utc>> {
    stamp(payload).map(|(fetched_at, _)| fetched_at)
}

/// The arrivals a tail has collected since the last [`Tail::take`].
#[derive(Debug, Clone, Default)]
pub struct Tail {
    arrivals: Arc<Mutex<Vec<Arrival>>>,
}

impl Tail {
    pub fn count(&self) -> usize {
        self.arrivals.lock().map_or(0, |a| a.len())
    }

    pub fn take(&self) -> Vec<Arrival> {
        self.arrivals
            .lock()
            .map(|mut a| std::mem::take(&mut *a))
            .unwrap_or_default()
    }

    /// Reads `topic` (from the earliest offset, in group `group`) until `shutdown`, timing each
    /// record as it arrives.
    pub async fn follow(
        &self,
        bus: SharedBus,
        group: &str,
        topic: &str,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let mut subscription = bus.subscribe(group, &[topic]).await?;
        loop {
            let delivery = tokio::select! {
                _ = shutdown.cancelled() => break,
                delivery = subscription.recv() => delivery,
            };
            let delivery = match delivery {
                Ok(delivery) => delivery,
                Err(BusError::Closed) => break,
                Err(error) => return Err(error).context("the tail consumer failed"),
            };
            let (at, now) = (Instant::now(), Utc::now());
            if let Some((fetched_at, item)) = stamp(&delivery.record.payload) {
                let latency = (now - fetched_at).to_std().unwrap_or_default();
                if let Ok(mut arrivals) = self.arrivals.lock() {
                    arrivals.push(Arrival {
                        at,
                        arrived_utc: now,
                        latency,
                        fetched_at,
                        item,
                    });
                }
            }
        }
        subscription.close().await?;
        Ok(())
    }
}

/// The Kafka-ceiling copier: consumes `from`, produces each record unchanged (key, headers,
/// payload) to `to`, and commits an input once its copy is acknowledged, in order, with up to
/// `max_in_flight` unacknowledged copies: the stage loop's delivery discipline with no decoding
/// and no work. Returns the records copied.
pub async fn copy(
    bus: SharedBus,
    group: &str,
    from: &str,
    to: &str,
    max_in_flight: usize,
    shutdown: CancellationToken,
) -> anyhow::Result<u64> {
    let mut subscription = bus.subscribe(group, &[from]).await?;
    let mut in_flight: VecDeque<(Delivery, PendingAck)> = VecDeque::new();
    let mut copied = 0u64;
    loop {
        let can_receive = in_flight.len() < max_in_flight.max(1);
        tokio::select! {
            biased;
            _ = shutdown.cancelled() => break,
            acked = async {
                match in_flight.front_mut() {
                    Some((_, ack)) => ack.await,
                    None => std::future::pending().await,
                }
            }, if !in_flight.is_empty() => {
                acked.context("a copy was not delivered")?;
                if let Some((delivery, _)) = in_flight.pop_front() {
                    subscription.commit(&delivery)?;
                    copied += 1;
                }
            }
            received = subscription.recv(), if can_receive => {
                let delivery = match received {
                    Ok(delivery) => delivery,
                    Err(BusError::Closed) => break,
                    Err(error) => return Err(error).context("the copier's consumer failed"),
                };
                let mut record = delivery.record.clone();
                record.topic = to.to_owned();
                let ack = bus.enqueue(record).await?;
                in_flight.push_back((delivery, ack));
            }
        }
    }
    while let Some((delivery, ack)) = in_flight.pop_front() {
        if ack.await.is_err() {
            break;
        }
        subscription.commit(&delivery)?;
        copied += 1;
    }
    subscription.close().await?;
    Ok(copied)
}

/// Reads the committed offsets of consumer groups against the end of their input topic.
pub struct LagProbe {
    /// (stage name, physical input topic, a consumer in the stage's group that never joins).
    groups: Vec<(String, String, BaseConsumer)>,
    partitions: i32,
}

impl std::fmt::Debug for LagProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LagProbe")
            .field("groups", &self.groups.len())
            .finish_non_exhaustive()
    }
}

impl LagProbe {
    /// `groups`: (stage name, group id, physical input topic).
    pub fn new(
        broker: &str,
        groups: &[(String, String, String)],
        partitions: i32,
    ) -> anyhow::Result<Self> {
        let mut probes = Vec::new();
        for (stage, group, topic) in groups {
            let consumer: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", broker)
                .set("group.id", group)
                .set("enable.auto.commit", "false")
                .create()
                .context("failed to create the lag probe's consumer")?;
            probes.push((stage.clone(), topic.clone(), consumer));
        }
        Ok(Self {
            groups: probes,
            partitions,
        })
    }

    /// Messages in the first stage's input topic so far (the sum of its end offsets: what the
    /// fetcher or the injector published to the run's fresh `wire.raw.v1`). Blocking.
    pub fn input_end(&self) -> anyhow::Result<i64> {
        let Some((_, topic, consumer)) = self.groups.first() else {
            return Ok(0);
        };
        let mut end = 0;
        for partition in 0..self.partitions {
            let (_, high) = consumer
                .fetch_watermarks(topic, partition, Duration::from_secs(5))
                .context("failed to read the end offsets")?;
            end += high;
        }
        Ok(end)
    }

    /// Messages not yet committed per stage (end offset minus committed offset, summed over
    /// partitions; a partition with no commit counts from its first offset). Blocking.
    pub fn sample(&self) -> anyhow::Result<BTreeMap<String, i64>> {
        let timeout = Duration::from_secs(5);
        let mut lags = BTreeMap::new();
        for (stage, topic, consumer) in &self.groups {
            let mut list = TopicPartitionList::new();
            for partition in 0..self.partitions {
                list.add_partition(topic, partition);
            }
            let committed = consumer
                .committed_offsets(list, timeout)
                .context("failed to read committed offsets")?;
            let mut lag = 0i64;
            for partition in 0..self.partitions {
                let (low, high) = consumer
                    .fetch_watermarks(topic, partition, timeout)
                    .context("failed to read the end offsets")?;
                let position = match committed
                    .find_partition(topic, partition)
                    .map(|e| e.offset())
                {
                    Some(Offset::Offset(offset)) => offset,
                    _ => low,
                };
                lag += (high - position).max(0);
            }
            lags.insert(stage.clone(), lag);
        }
        Ok(lags)
    }
}

/// Deletes every topic whose name starts with `prefix` (a run's topics); returns how many.
pub async fn delete_topics(broker: &str, prefix: &str) -> anyhow::Result<usize> {
    let mut client = ClientConfig::new();
    client.set("bootstrap.servers", broker);
    let names: Vec<String> = tokio::task::block_in_place(|| -> anyhow::Result<Vec<String>> {
        let consumer: BaseConsumer = client.create()?;
        let metadata = consumer.fetch_metadata(None, Duration::from_secs(10))?;
        Ok(metadata
            .topics()
            .iter()
            .map(|t| t.name().to_owned())
            .filter(|name| name.starts_with(prefix))
            .collect())
    })
    .context("failed to list the topics")?;
    if names.is_empty() {
        return Ok(0);
    }
    let admin: AdminClient<DefaultClientContext> = client.create()?;
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    admin
        .delete_topics(&refs, &AdminOptions::new())
        .await
        .context("failed to delete the topics")?;
    Ok(names.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_times_come_from_raw_items_envelopes_and_alerts() {
        let raw = br#"{"schema":"wirefeed.raw/1","fetched_at":"2026-12-02T10:00:00.123456Z"}"#;
        let envelope =
            br#"{"article":{},"wire":{"source":"x","fetched_at":"2026-12-02T10:00:01Z"}}"#;
        assert_eq!(
            fetched_at(raw).map(|t| t.timestamp_micros() % 1_000_000),
            Some(123_456)
        );
        assert_eq!(
            fetched_at(envelope).map(|t| t.to_rfc3339()),
            Some("2026-12-02T10:00:01+00:00".to_owned())
        );
        assert_eq!(fetched_at(b"not json"), None);
        let enriched = br#"{"article":{},"wire":{"source":"reuters-2","item_identity":"urn:x:1","fetched_at":"2026-12-02T10:00:01Z"}}"#;
        assert_eq!(
            stamp(enriched).and_then(|s| s.1),
            Some(("reuters-2".to_owned(), "urn:x:1".to_owned()))
        );
    }
}
