//! The stage loop on the in-process bus: every outcome does what it says, a poison message
//! goes to the dead-letter topic with its reason while the stage goes on, retries are bounded,
//! shutdown is clean, and state writes are kept in flight in input order.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::topics::dlq_headers;
use wire_runtime::bus::{MemoryBus, publish};
use wire_runtime::{
    Delivery, Health, Outcome, Record, SharedBus, Stage, StageError, Subscription, run_stage,
};

/// Upper-cases payloads; `drop` is dropped, `poison` rejected, `flaky` fails transiently
/// `flaky_failures` times, `broken` fails transiently forever.
struct Shout {
    flaky_failures: u32,
}

impl Stage for Shout {
    fn name(&self) -> &'static str {
        "shout"
    }

    fn input_topics(&self) -> Vec<&'static str> {
        vec!["in"]
    }

    fn handle(&mut self, delivery: &Delivery, _now: DateTime<Utc>) -> Outcome {
        let text = String::from_utf8_lossy(&delivery.record.payload).into_owned();
        match text.as_str() {
            "drop" => Outcome::drop("filtered"),
            "poison" => Outcome::Reject(StageError::new("decode", "payload is poison")),
            "broken" => Outcome::Retry(StageError::new("io", "backend unavailable")),
            "flaky" if self.flaky_failures > 0 => {
                self.flaky_failures -= 1;
                Outcome::Retry(StageError::new("io", "try again"))
            }
            _ => Outcome::emit(vec![Record::new(
                "out",
                "k",
                text.to_uppercase().into_bytes(),
            )]),
        }
    }
}

async fn next(subscription: &mut Box<dyn Subscription>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(30), subscription.recv())
        .await
        .expect("a record within the bound")
        .unwrap()
}

#[tokio::test]
async fn every_outcome_does_what_it_says_and_the_stage_goes_on() {
    let bus: SharedBus = Arc::new(MemoryBus::new(64));
    let mut out = bus.subscribe("reader", &["out"]).await.unwrap();
    let mut dlq = bus
        .subscribe("reader", &[wire_model::topics::DLQ])
        .await
        .unwrap();
    let shutdown = CancellationToken::new();
    let health = Health::new();
    let stage = {
        let (bus, shutdown, health) = (bus.clone(), shutdown.clone(), health.clone());
        tokio::spawn(async move {
            run_stage(
                Shout { flaky_failures: 2 },
                bus,
                &common::stage_config(),
                health,
                shutdown,
            )
            .await
        })
    };
    for payload in ["a", "drop", "poison", "flaky", "broken", "b"] {
        let record =
            Record::new("in", payload, payload.as_bytes().to_vec()).with_header("origin", "test");
        publish(bus.as_ref(), record).await.unwrap();
    }

    let outputs: Vec<Vec<u8>> = vec![
        next(&mut out).await.record.payload,
        next(&mut out).await.record.payload,
        next(&mut out).await.record.payload,
    ];
    assert_eq!(outputs, [b"A".to_vec(), b"FLAKY".to_vec(), b"B".to_vec()]);

    let poison = next(&mut dlq).await.record;
    assert_eq!(poison.payload, b"poison");
    assert_eq!(poison.key.as_deref(), Some(&b"poison"[..]));
    assert_eq!(
        poison.header("origin"),
        Some("test"),
        "original headers kept"
    );
    assert_eq!(
        poison.header(dlq_headers::REASON),
        Some("payload is poison")
    );
    assert_eq!(poison.header(dlq_headers::KIND), Some("decode"));
    assert_eq!(poison.header(dlq_headers::STAGE), Some("shout"));
    assert_eq!(poison.header(dlq_headers::SOURCE_TOPIC), Some("in"));
    assert_eq!(poison.header(dlq_headers::SOURCE_OFFSET), Some("2"));
    assert!(poison.header(dlq_headers::REJECTED_AT).is_some());

    let broken = next(&mut dlq).await.record;
    assert_eq!(broken.payload, b"broken");
    assert_eq!(
        broken.header(dlq_headers::REASON),
        Some("backend unavailable (gave up after 3 attempts)")
    );

    shutdown.cancel();
    stage.await.unwrap().unwrap();
    assert!(health.readiness().is_err(), "not ready once shut down");
}

#[tokio::test]
async fn dead_letters_cut_oversized_payloads_and_flag_them() {
    let bus: SharedBus = Arc::new(MemoryBus::new(8));
    let mut dlq = bus
        .subscribe("reader", &[wire_model::topics::DLQ])
        .await
        .unwrap();
    let shutdown = CancellationToken::new();
    let stage = {
        let (bus, shutdown) = (bus.clone(), shutdown.clone());
        tokio::spawn(async move {
            run_stage(
                Shout { flaky_failures: 0 },
                bus,
                &common::stage_config(),
                Health::new(),
                shutdown,
            )
            .await
        })
    };
    let mut huge = b"poison".to_vec();
    huge.resize(10 * 1024 * 1024, b'x');
    let record = Record::new("in", "big", huge.clone());
    let delivery = Delivery {
        record,
        partition: 0,
        offset: 7,
    };
    let dead =
        wire_runtime::stage::dead_letter("shout", &delivery, &StageError::new("decode", "too big"));
    assert_eq!(dead.payload.len(), 512 * 1024);
    assert_eq!(
        dead.header(dlq_headers::TRUNCATED_FROM_BYTES),
        Some("10485760")
    );
    assert_eq!(dead.header(dlq_headers::SOURCE_OFFSET), Some("7"));
    publish(bus.as_ref(), Record::new("in", "p", b"poison".to_vec()))
        .await
        .unwrap();
    assert!(
        next(&mut dlq)
            .await
            .record
            .header(dlq_headers::TRUNCATED_FROM_BYTES)
            .is_none()
    );
    shutdown.cancel();
    stage.await.unwrap().unwrap();
}

#[tokio::test]
async fn shutdown_while_idle_stops_the_stage_cleanly() {
    let bus: SharedBus = Arc::new(MemoryBus::new(8));
    let shutdown = CancellationToken::new();
    let health = Health::new();
    let stage = {
        let (bus, shutdown, health) = (bus.clone(), shutdown.clone(), health.clone());
        tokio::spawn(async move {
            run_stage(
                Shout { flaky_failures: 0 },
                bus,
                &common::stage_config(),
                health,
                shutdown,
            )
            .await
        })
    };
    while !health.is_registered("shout") {
        tokio::task::yield_now().await;
    }
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(30), stage)
        .await
        .expect("the stage stops within the bound")
        .unwrap()
        .unwrap();
    assert_eq!(bus.kind(), "memory");
}

#[tokio::test]
async fn state_writes_do_not_hold_up_the_next_inputs_and_start_in_input_order() {
    let bus: SharedBus = Arc::new(MemoryBus::new(64));
    let mut out = bus.subscribe("reader", &["out"]).await.unwrap();
    let store = Arc::new(common::GatedStore::new());
    let shutdown = CancellationToken::new();
    let stage = {
        let (bus, shutdown, store) = (bus.clone(), shutdown.clone(), store.clone());
        tokio::spawn(async move {
            let stage = common::Remember { store };
            run_stage(stage, bus, &common::stage_config(), Health::new(), shutdown).await
        })
    };
    let keys: Vec<String> = (1..=10).map(|i| format!("k{i:02}")).collect();
    for key in &keys {
        publish(
            bus.as_ref(),
            Record::new("in", key.as_str(), key.as_bytes().to_vec()),
        )
        .await
        .unwrap();
    }

    // No write is durable, yet the first max_in_flight (4) inputs all got their outputs out
    // and their writes started, in input order.
    for key in &keys[..4] {
        assert_eq!(next(&mut out).await.record.payload, key.as_bytes());
    }
    while store.started.lock().unwrap().len() < 4 {
        tokio::task::yield_now().await;
    }
    assert_eq!(*store.started.lock().unwrap(), keys[..4]);
    // Then the loop waits: inputs waiting for state count against max_in_flight.
    let fifth = tokio::time::timeout(Duration::from_millis(300), out.recv()).await;
    assert!(fifth.is_err(), "a fifth input was handled while four wait");

    // Writes becoming durable let the rest through, still in order.
    store.durable.add_permits(100);
    for key in &keys[4..] {
        assert_eq!(next(&mut out).await.record.payload, key.as_bytes());
    }
    while store.started.lock().unwrap().len() < keys.len() {
        tokio::task::yield_now().await;
    }
    assert_eq!(*store.started.lock().unwrap(), keys);
    shutdown.cancel();
    stage.await.unwrap().unwrap();
}
