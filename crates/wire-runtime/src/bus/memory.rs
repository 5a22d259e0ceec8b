//! The in-process bus: bounded channels between stages in one process.
//!
//! Semantics, matched to Kafka's where one process can: every consumer group gets every record
//! of its topics, in publish order (one partition per topic, offsets counting from 0); a full
//! channel makes the publisher wait (backpressure); records published before any group
//! subscribed are kept for the first group, up to the channel capacity: beyond it the oldest
//! is dropped (counted in `wirefeed_bus_unclaimed_dropped_total{topic}`), never making the
//! publisher wait, because in one process some topics have no reader at all
//! (`wire.dlq.v1`, `wire.originals.v1`, `wire.stories.v1`), and a stage waiting on them would stall for good.
//! Delivery guarantee: a record is acknowledged once it is in the consumer's channel;
//! what is in a channel when the process dies is lost, as the whole bus is. Use Kafka when that
//! matters.

use super::{Bus, BusError, Delivery, PendingAck, Positions, Record, Subscription};
use crate::events;
use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::{BoxStream, SelectAll};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::sync::mpsc;

#[derive(Default)]
struct TopicState {
    next_offset: i64,
    /// One channel per consumer group.
    groups: HashMap<String, mpsc::Sender<Delivery>>,
    /// Records published before any group subscribed.
    unclaimed: Option<(mpsc::Sender<Delivery>, mpsc::Receiver<Delivery>)>,
}

/// An in-process [`Bus`].
pub struct MemoryBus {
    capacity: usize,
    topics: Mutex<HashMap<String, TopicState>>,
    published: AtomicI64,
    /// Readers started by [`Bus::read_from`], for their group names.
    readers: AtomicI64,
}

impl MemoryBus {
    /// A bus whose channels hold up to `capacity` records each.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            topics: Mutex::new(HashMap::new()),
            published: AtomicI64::new(0),
            readers: AtomicI64::new(0),
        }
    }

    /// Records published since start, over all topics.
    pub fn published_count(&self) -> i64 {
        self.published.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, TopicState>> {
        // A panic while holding this lock cannot leave the map inconsistent (every update is a
        // single insert or remove), so a poisoned lock is still usable.
        self.topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for MemoryBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryBus")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Bus for MemoryBus {
    async fn enqueue(&self, record: Record) -> Result<PendingAck, BusError> {
        let (senders, delivery) = {
            let mut topics = self.lock();
            let state = topics.entry(record.topic.clone()).or_default();
            let offset = state.next_offset;
            state.next_offset += 1;
            let delivery = Delivery {
                record,
                partition: 0,
                offset,
            };
            if state.groups.is_empty() {
                // No reader yet (or ever): keep the newest records for the first group, without
                // waiting.
                let capacity = self.capacity;
                let (sender, receiver) = state
                    .unclaimed
                    .get_or_insert_with(|| mpsc::channel(capacity));
                if let Err(mpsc::error::TrySendError::Full(delivery)) = sender.try_send(delivery) {
                    let _oldest = receiver.try_recv();
                    events::UnclaimedRecordDropped {
                        topic: &delivery.record.topic,
                    }
                    .emit();
                    let _ = sender.try_send(delivery);
                }
                drop(topics);
                self.published.fetch_add(1, Ordering::Relaxed);
                return Ok(Box::pin(async { Ok(()) }));
            }
            let senders: Vec<mpsc::Sender<Delivery>> = state.groups.values().cloned().collect();
            (senders, delivery)
        };
        for sender in senders {
            // A group whose subscription was dropped has left: skip it.
            let _ = sender.send(delivery.clone()).await;
        }
        self.published.fetch_add(1, Ordering::Relaxed);
        Ok(Box::pin(async { Ok(()) }))
    }

    async fn subscribe(
        &self,
        group: &str,
        topics: &[&str],
    ) -> Result<Box<dyn Subscription>, BusError> {
        let mut streams: SelectAll<BoxStream<'static, Delivery>> = SelectAll::new();
        let mut senders = Vec::new();
        let mut registry = self.lock();
        for topic in topics {
            let state = registry.entry((*topic).to_owned()).or_default();
            if state.groups.contains_key(group) {
                return Err(BusError::Config(format!(
                    "group {group:?} is already subscribed to {topic:?} in this process"
                )));
            }
            let (sender, receiver) = match (state.groups.is_empty(), state.unclaimed.take()) {
                (true, Some(unclaimed)) => unclaimed,
                _ => mpsc::channel(self.capacity),
            };
            state.groups.insert(group.to_owned(), sender.clone());
            senders.push(sender);
            streams.push(
                futures::stream::unfold(receiver, |mut receiver| async move {
                    receiver.recv().await.map(|delivery| (delivery, receiver))
                })
                .boxed(),
            );
        }
        Ok(Box::new(MemorySubscription {
            topics: topics.len(),
            streams,
            senders,
        }))
    }

    /// One process's bus starts at offset 0: positions kept from another process's bus mean
    /// nothing here, so a reader keeps them per bus ([`Bus::kind`]) and passes none.
    async fn read_from(
        &self,
        topics: &[&str],
        positions: &Positions,
    ) -> Result<Box<dyn Subscription>, BusError> {
        let reader = self.readers.fetch_add(1, Ordering::Relaxed);
        let inner = self.subscribe(&format!("reader-{reader}"), topics).await?;
        Ok(Box::new(PositionedSubscription {
            inner,
            positions: positions.clone(),
        }))
    }

    async fn ensure_topics(&self, _topics: &[&str]) -> Result<(), BusError> {
        Ok(())
    }

    async fn flush(&self, _timeout: std::time::Duration) -> Result<(), BusError> {
        Ok(())
    }

    async fn is_reachable(&self) -> bool {
        true
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}

struct MemorySubscription {
    topics: usize,
    streams: SelectAll<BoxStream<'static, Delivery>>,
    /// Kept to measure how many records wait in each channel.
    senders: Vec<mpsc::Sender<Delivery>>,
}

#[async_trait]
impl Subscription for MemorySubscription {
    async fn recv(&mut self) -> Result<Delivery, BusError> {
        self.streams.next().await.ok_or(BusError::Closed)
    }

    fn commit(&mut self, _delivery: &Delivery) -> Result<(), BusError> {
        Ok(())
    }

    fn assigned_partitions(&self) -> usize {
        self.topics
    }

    fn lag(&self) -> Option<i64> {
        let waiting: usize = self
            .senders
            .iter()
            .map(|sender| sender.max_capacity() - sender.capacity())
            .sum();
        Some(waiting as i64)
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        Ok(())
    }
}

/// A subscription that skips what lies before its positions.
struct PositionedSubscription {
    inner: Box<dyn Subscription>,
    positions: Positions,
}

#[async_trait]
impl Subscription for PositionedSubscription {
    async fn recv(&mut self) -> Result<Delivery, BusError> {
        loop {
            let delivery = self.inner.recv().await?;
            let start = self
                .positions
                .get(&(delivery.record.topic.clone(), delivery.partition))
                .copied()
                .unwrap_or(0);
            if delivery.offset >= start {
                return Ok(delivery);
            }
        }
    }

    fn commit(&mut self, _delivery: &Delivery) -> Result<(), BusError> {
        Ok(())
    }

    fn assigned_partitions(&self) -> usize {
        self.inner.assigned_partitions()
    }

    fn lag(&self) -> Option<i64> {
        self.inner.lag()
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        self.inner.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::publish;

    fn record(topic: &str, n: u8) -> Record {
        Record::new(topic, vec![n], vec![n])
    }

    #[tokio::test]
    async fn every_group_gets_every_record_in_order() {
        let bus = MemoryBus::new(16);
        let mut first = bus.subscribe("a", &["t"]).await.unwrap();
        let mut second = bus.subscribe("b", &["t"]).await.unwrap();
        for n in 0..3 {
            publish(&bus, record("t", n)).await.unwrap();
        }
        for subscription in [&mut first, &mut second] {
            for n in 0..3 {
                let delivery = subscription.recv().await.unwrap();
                assert_eq!(delivery.record.payload, vec![n]);
                assert_eq!(delivery.offset, i64::from(n));
            }
        }
    }

    #[tokio::test]
    async fn records_published_before_the_first_subscriber_are_kept() {
        let bus = MemoryBus::new(16);
        publish(&bus, record("t", 7)).await.unwrap();
        let mut subscription = bus.subscribe("late", &["t"]).await.unwrap();
        assert_eq!(subscription.recv().await.unwrap().record.payload, vec![7]);
    }

    #[tokio::test]
    async fn a_topic_nobody_reads_never_makes_the_publisher_wait() {
        let bus = MemoryBus::new(2);
        for n in 0..5 {
            publish(&bus, record("unread", n)).await.unwrap();
        }
        // A late first reader gets the newest records the channel held.
        let mut subscription = bus.subscribe("late", &["unread"]).await.unwrap();
        assert_eq!(subscription.recv().await.unwrap().record.payload, vec![3]);
        assert_eq!(subscription.recv().await.unwrap().record.payload, vec![4]);
    }

    #[tokio::test]
    async fn a_full_channel_makes_the_publisher_wait() {
        let bus = std::sync::Arc::new(MemoryBus::new(1));
        let mut subscription = bus.subscribe("g", &["t"]).await.unwrap();
        publish(bus.as_ref(), record("t", 1)).await.unwrap();
        let publisher = {
            let bus = bus.clone();
            tokio::spawn(async move { publish(bus.as_ref(), record("t", 2)).await })
        };
        tokio::task::yield_now().await;
        assert!(!publisher.is_finished(), "publisher should wait for room");
        assert_eq!(subscription.lag(), Some(1));
        assert_eq!(subscription.recv().await.unwrap().record.payload, vec![1]);
        publisher.await.unwrap().unwrap();
        assert_eq!(subscription.recv().await.unwrap().record.payload, vec![2]);
    }

    #[tokio::test]
    async fn one_subscription_reads_several_topics() {
        let bus = MemoryBus::new(4);
        let mut subscription = bus.subscribe("g", &["x", "y"]).await.unwrap();
        publish(&bus, record("x", 1)).await.unwrap();
        publish(&bus, record("y", 2)).await.unwrap();
        let mut topics = vec![
            subscription.recv().await.unwrap().record.topic,
            subscription.recv().await.unwrap().record.topic,
        ];
        topics.sort();
        assert_eq!(topics, ["x", "y"]);
        assert_eq!(subscription.assigned_partitions(), 2);
    }
}
