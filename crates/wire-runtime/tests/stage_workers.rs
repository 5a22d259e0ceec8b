//! The stage loop with worker threads (`stage.workers`): inputs are prepared on the workers,
//! out of order, and still finished, published and committed one at a time in arrival order;
//! a panic while preparing dead-letters that input and the stage goes on; a retried input is
//! handled again on the loop.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::topics::dlq_headers;
use wire_runtime::bus::{MemoryBus, publish};
use wire_runtime::config::StageConfig;
use wire_runtime::stage::{Prepare, Prepared};
use wire_runtime::{
    Delivery, Health, Outcome, Record, SharedBus, Stage, StageError, Subscription, run_stage,
};

/// The prepare step: upper-cases the payload and notes the thread it ran on; `panic` panics;
/// a payload ending in a digit waits that many milliseconds first, so that workers finish out
/// of order.
struct Upper;

struct Upped {
    text: String,
    thread: String,
}

impl Prepare for Upper {
    fn prepare(&self, delivery: &Delivery, _now: DateTime<Utc>) -> Prepared {
        let text = String::from_utf8_lossy(&delivery.record.payload).into_owned();
        if text == "panic" {
            panic!("cannot prepare this one");
        }
        if let Some(wait) = text.chars().last().and_then(|c| c.to_digit(10)) {
            std::thread::sleep(Duration::from_millis(u64::from(wait)));
        }
        Box::new(Upped {
            text: text.to_uppercase(),
            thread: std::thread::current().name().unwrap_or_default().to_owned(),
        })
    }
}

/// Numbers what it finishes (state the workers never see); `flaky` asks for one retry.
struct Numbered {
    finished: u32,
    flaky_left: u32,
}

impl Numbered {
    fn finish(&mut self, text: &str, how: &str) -> Outcome {
        if text == "FLAKY" && self.flaky_left > 0 {
            self.flaky_left -= 1;
            return Outcome::Retry(StageError::new("io", "try again"));
        }
        self.finished += 1;
        let out = format!("{} {text} {how}", self.finished);
        Outcome::emit(vec![Record::new("out", "k", out.into_bytes())])
    }
}

impl Stage for Numbered {
    fn name(&self) -> &'static str {
        "numbered"
    }

    fn input_topics(&self) -> Vec<&'static str> {
        vec!["in"]
    }

    fn handle(&mut self, delivery: &Delivery, _now: DateTime<Utc>) -> Outcome {
        let text = String::from_utf8_lossy(&delivery.record.payload).to_uppercase();
        self.finish(&text, "on-loop")
    }

    fn preparer(&self) -> Option<Arc<dyn Prepare>> {
        Some(Arc::new(Upper))
    }

    fn handle_prepared(
        &mut self,
        delivery: &Delivery,
        prepared: Prepared,
        now: DateTime<Utc>,
    ) -> Outcome {
        match prepared.downcast::<Upped>() {
            Ok(upped) => {
                assert!(
                    upped.thread.starts_with("numbered-worker-"),
                    "prepared on {:?}",
                    upped.thread
                );
                self.finish(&upped.text, "prepared")
            }
            Err(_) => self.handle(delivery, now),
        }
    }
}

/// Runs [`Numbered`] with `workers` threads until `shutdown`.
fn start(
    bus: &SharedBus,
    shutdown: &CancellationToken,
    workers: usize,
    flaky_left: u32,
) -> tokio::task::JoinHandle<Result<(), wire_runtime::BusError>> {
    let (bus, shutdown) = (bus.clone(), shutdown.clone());
    let config = StageConfig {
        workers,
        ..common::stage_config()
    };
    tokio::spawn(async move {
        let stage = Numbered {
            finished: 0,
            flaky_left,
        };
        run_stage(stage, bus, &config, Health::new(), shutdown).await
    })
}

async fn next(subscription: &mut Box<dyn Subscription>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(30), subscription.recv())
        .await
        .expect("a record within the bound")
        .unwrap()
}

fn text(delivery: &Delivery) -> String {
    String::from_utf8(delivery.record.payload.clone()).unwrap()
}

#[tokio::test]
async fn workers_prepare_out_of_order_and_the_loop_finishes_in_arrival_order() {
    let bus: SharedBus = Arc::new(MemoryBus::new(256));
    let mut out = bus.subscribe("reader", &["out"]).await.unwrap();
    let mut dlq = bus
        .subscribe("reader", &[wire_model::topics::DLQ])
        .await
        .unwrap();
    let shutdown = CancellationToken::new();
    let stage = start(&bus, &shutdown, 3, 1);
    // Waits of 9, 0, 5, 1, ... ms: later inputs are often prepared before earlier ones.
    let mut inputs: Vec<String> = (0..40)
        .map(|n| format!("item-{}", (n * 7 + 9) % 10))
        .collect();
    inputs.insert(10, "panic".to_owned());
    inputs.insert(20, "flaky".to_owned());
    for payload in &inputs {
        let record = Record::new("in", payload.as_str(), payload.as_bytes().to_vec());
        publish(bus.as_ref(), record).await.unwrap();
    }

    let mut expected = Vec::new();
    for payload in inputs.iter().filter(|p| *p != "panic") {
        let how = if payload == "flaky" {
            "on-loop" // its retry is handled again on the loop
        } else {
            "prepared"
        };
        expected.push(format!(
            "{} {} {how}",
            expected.len() + 1,
            payload.to_uppercase()
        ));
    }
    let mut outputs = Vec::new();
    for _ in 0..expected.len() {
        outputs.push(text(&next(&mut out).await));
    }
    assert_eq!(outputs, expected);

    let dead = next(&mut dlq).await.record;
    assert_eq!(dead.payload, b"panic");
    assert_eq!(dead.header(dlq_headers::KIND), Some("panic"));
    assert_eq!(
        dead.header(dlq_headers::REASON),
        Some("the stage panicked: cannot prepare this one")
    );
    assert_eq!(dead.header(dlq_headers::SOURCE_OFFSET), Some("10"));

    shutdown.cancel();
    stage.await.unwrap().unwrap();
}

#[tokio::test]
async fn one_worker_means_everything_on_the_loop() {
    let bus: SharedBus = Arc::new(MemoryBus::new(16));
    let mut out = bus.subscribe("reader", &["out"]).await.unwrap();
    let shutdown = CancellationToken::new();
    let stage = start(&bus, &shutdown, 1, 0);
    for payload in ["a", "b"] {
        publish(
            bus.as_ref(),
            Record::new("in", payload, payload.as_bytes().to_vec()),
        )
        .await
        .unwrap();
    }
    assert_eq!(text(&next(&mut out).await), "1 A on-loop");
    assert_eq!(text(&next(&mut out).await), "2 B on-loop");
    shutdown.cancel();
    stage.await.unwrap().unwrap();
}
