//! What the stage-loop tests share: a state store the test controls and a stage that writes
//! state for every input.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wire_runtime::config::StageConfig;
use wire_runtime::state::{SharedStateStore, StateAck, StateError, StateStore};
use wire_runtime::{Delivery, Outcome, Record, Stage, StateWrite};

/// A state store whose writes become durable only when the test releases them, one permit
/// each; it records the order writes were started in. The write of `failing_key`, once
/// released, fails.
pub struct GatedStore {
    pub started: Mutex<Vec<String>>,
    pub durable: Arc<tokio::sync::Semaphore>,
    pub failing_key: Option<&'static str>,
}

impl GatedStore {
    pub fn new() -> Self {
        Self {
            started: Mutex::new(Vec::new()),
            durable: Arc::new(tokio::sync::Semaphore::new(0)),
            failing_key: None,
        }
    }

    /// A store whose write of `key` fails once released.
    pub fn failing_on(key: &'static str) -> Self {
        Self {
            failing_key: Some(key),
            ..Self::new()
        }
    }
}

#[async_trait]
impl StateStore for GatedStore {
    async fn load_all(&self) -> Result<HashMap<String, Vec<u8>>, StateError> {
        Ok(HashMap::new())
    }

    async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), StateError> {
        self.start_put(key, value).await?.await
    }

    async fn start_put(&self, key: &str, _value: Option<Vec<u8>>) -> Result<StateAck, StateError> {
        self.started.lock().unwrap().push(key.to_owned());
        let durable = self.durable.clone();
        let fails = self.failing_key == Some(key);
        Ok(Box::pin(async move {
            durable.acquire().await.unwrap().forget();
            if fails {
                Err(StateError::Kafka {
                    topic: "state".to_owned(),
                    reason: "the broker is gone".to_owned(),
                })
            } else {
                Ok(())
            }
        }))
    }

    fn kind(&self) -> &'static str {
        "gated"
    }
}

/// Echoes each input to `out` and writes its payload as a state key.
pub struct Remember {
    pub store: Arc<GatedStore>,
}

impl Stage for Remember {
    fn name(&self) -> &'static str {
        "remember"
    }

    fn input_topics(&self) -> Vec<&'static str> {
        vec!["in"]
    }

    fn handle(&mut self, delivery: &Delivery, _now: DateTime<Utc>) -> Outcome {
        let text = String::from_utf8_lossy(&delivery.record.payload).into_owned();
        Outcome::Emit {
            records: vec![Record::new("out", "k", text.clone().into_bytes())],
            state_writes: vec![StateWrite {
                key: text,
                value: None,
            }],
        }
    }

    fn state_store(&self) -> Option<SharedStateStore> {
        Some(self.store.clone())
    }
}

/// The stage settings of these tests: four inputs in flight, fast bounded retries.
pub fn stage_config() -> StageConfig {
    StageConfig {
        max_in_flight: 4,
        retry_max_attempts: 3,
        retry_initial_backoff_ms: 1,
        retry_max_backoff_ms: 5,
        drain_timeout_ms: 1000,
        state_refresh_ms: 1000,
        workers: 1,
    }
}
