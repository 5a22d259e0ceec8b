//! A failure stops the stage without committing anything at or after the input that failed: a
//! commit marks everything before it in its partition as done, so committing a later input that
//! was acknowledged during the shutdown drain would lose the failed one. These run the stage loop
//! on the in-process bus behind a wrapper that records commits and can fail one delivery.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use async_trait::async_trait;
use common::{GatedStore, Remember};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_runtime::bus::{Bus, BusError, MemoryBus, PendingAck, publish};
use wire_runtime::{Delivery, Health, Record, SharedBus, Subscription, run_stage};

/// The in-process bus, with the offsets every subscription commits recorded and the delivery
/// of one payload failing.
struct RecordingBus {
    inner: MemoryBus,
    committed: Arc<Mutex<Vec<i64>>>,
    failing_payload: Option<&'static [u8]>,
}

#[async_trait]
impl Bus for RecordingBus {
    async fn enqueue(&self, record: Record) -> Result<PendingAck, BusError> {
        if record.topic == "out" && self.failing_payload == Some(record.payload.as_slice()) {
            let topic = record.topic.clone();
            return Ok(Box::pin(async move {
                Err(BusError::DeliveryFailed {
                    topic,
                    reason: "the broker refused it".to_owned(),
                })
            }));
        }
        self.inner.enqueue(record).await
    }

    async fn subscribe(
        &self,
        group: &str,
        topics: &[&str],
    ) -> Result<Box<dyn Subscription>, BusError> {
        let inner = self.inner.subscribe(group, topics).await?;
        Ok(Box::new(RecordingSubscription {
            inner,
            committed: self.committed.clone(),
        }))
    }

    async fn read_from(
        &self,
        topics: &[&str],
        positions: &wire_runtime::bus::Positions,
    ) -> Result<Box<dyn Subscription>, BusError> {
        self.inner.read_from(topics, positions).await
    }

    async fn ensure_topics(&self, topics: &[&str]) -> Result<(), BusError> {
        self.inner.ensure_topics(topics).await
    }

    async fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        self.inner.flush(timeout).await
    }

    async fn is_reachable(&self) -> bool {
        true
    }

    fn kind(&self) -> &'static str {
        "recording"
    }
}

struct RecordingSubscription {
    inner: Box<dyn Subscription>,
    committed: Arc<Mutex<Vec<i64>>>,
}

#[async_trait]
impl Subscription for RecordingSubscription {
    async fn recv(&mut self) -> Result<Delivery, BusError> {
        self.inner.recv().await
    }

    fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        self.committed.lock().unwrap().push(delivery.offset);
        self.inner.commit(delivery)
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

/// A `Remember` stage over the recording bus (failing the delivery of `failing_payload`) and
/// `store`, with inputs k1..k4 published; returns the stage task and the committed offsets.
async fn start_with_four_inputs(
    failing_payload: Option<&'static [u8]>,
    store: Arc<GatedStore>,
    shutdown: CancellationToken,
) -> (
    tokio::task::JoinHandle<Result<(), BusError>>,
    Arc<Mutex<Vec<i64>>>,
) {
    let committed = Arc::new(Mutex::new(Vec::new()));
    let bus: SharedBus = Arc::new(RecordingBus {
        inner: MemoryBus::new(64),
        committed: committed.clone(),
        failing_payload,
    });
    let stage = {
        let bus = bus.clone();
        tokio::spawn(async move {
            run_stage(
                Remember { store },
                bus,
                &common::stage_config(),
                Health::new(),
                shutdown,
            )
            .await
        })
    };
    for key in ["k1", "k2", "k3", "k4"] {
        publish(
            bus.as_ref(),
            Record::new("in", key, key.as_bytes().to_vec()),
        )
        .await
        .unwrap();
    }
    (stage, committed)
}

/// Runs `Remember` over inputs k1..k4 until it stops by itself; returns its result and the
/// offsets it committed. The state writes are released once all that will start have started.
async fn run_until_failure(
    failing_payload: Option<&'static [u8]>,
    failing_key: Option<&'static str>,
) -> (Result<(), BusError>, Vec<i64>) {
    let store = Arc::new(match failing_key {
        Some(key) => GatedStore::failing_on(key),
        None => GatedStore::new(),
    });
    let (stage, committed) =
        start_with_four_inputs(failing_payload, store.clone(), CancellationToken::new()).await;
    // Every write that will start has started (after a failed delivery of k2 only k1's: the
    // inputs after the failure are left alone), then all of them become durable or fail at once.
    let expected_writes = if failing_payload.is_some() { 1 } else { 4 };
    let waited = tokio::time::timeout(Duration::from_secs(30), async {
        while store.started.lock().unwrap().len() < expected_writes {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "writes started: {:?}", store.started);
    store.durable.add_permits(100);
    let result = tokio::time::timeout(Duration::from_secs(30), stage)
        .await
        .expect("the stage stops by itself after the failure")
        .unwrap();
    let committed = committed.lock().unwrap().clone();
    (result, committed)
}

#[tokio::test]
async fn a_failed_state_write_commits_nothing_after_its_input() {
    let (result, committed) = run_until_failure(None, Some("k1")).await;
    assert!(
        matches!(result, Err(BusError::State(_))),
        "the stage stops with the state error: {result:?}"
    );
    // k1 is offset 0: nothing may be committed, or k1 would never be handled again.
    assert_eq!(committed, Vec::<i64>::new());
}

#[tokio::test]
async fn a_failed_delivery_commits_nothing_after_its_input() {
    let (result, committed) = run_until_failure(Some(b"k2"), None).await;
    assert!(
        matches!(result, Err(BusError::DeliveryFailed { .. })),
        "the stage stops with the delivery error: {result:?}"
    );
    // k2 is offset 1: k1 before it may be committed, k3 and k4 after it may not.
    assert!(
        committed.iter().all(|&offset| offset < 1),
        "committed {committed:?}"
    );
}

#[tokio::test]
async fn without_failures_every_input_is_committed_in_order() {
    let store = Arc::new(GatedStore::new());
    store.durable.add_permits(100);
    let shutdown = CancellationToken::new();
    let (stage, committed) = start_with_four_inputs(None, store, shutdown.clone()).await;
    let waited = tokio::time::timeout(Duration::from_secs(30), async {
        while committed.lock().unwrap().len() < 4 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "committed {:?}", committed.lock().unwrap());
    shutdown.cancel();
    stage.await.unwrap().unwrap();
    assert_eq!(*committed.lock().unwrap(), vec![0, 1, 2, 3]);
}
