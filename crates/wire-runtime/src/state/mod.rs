//! Durable key-value state for stages (fetch cursors, dedup indexes, alerted families), behind
//! one trait: [`KafkaStateStore`] keeps it in a compacted topic (Kafka mode: it moves with the
//! stage to another machine), [`FileStateStore`] in a local append-only file (in-process mode).
//!
//! A store is loaded whole at start-up ([`StateStore::load_all`]) and then written key by key
//! ([`StateStore::put`], durable when it returns). Values are opaque bytes; stages store JSON.
//!
//! Several instances of a stage (one consumer group, partitions split between them) share one
//! store. Each follows what the others write ([`StateStore::changes_from_others`]), so the
//! instance a rebalance moves a partition to knows what the previous owner recorded, and
//! every instance sees the others' articles (a pickup in another partition than its original).

mod file;
mod kafka;

pub use file::FileStateStore;
pub use kafka::KafkaStateStore;

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// Why state could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("state file {path} line {line}: {reason}")]
    Corrupt {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("state topic {topic}: {reason}")]
    Kafka { topic: String, reason: String },
}

/// A durable map from string keys to byte values.
#[async_trait]
pub trait StateStore: Send + Sync + 'static {
    /// Every key with its latest value.
    async fn load_all(&self) -> Result<HashMap<String, Vec<u8>>, StateError>;

    /// Sets `key` to `value`, or deletes it with `None`. Durable when it returns `Ok`.
    async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), StateError>;

    /// Starts the same write as [`StateStore::put`] and returns once it is queued, with a
    /// future that resolves when it is durable: writes started one after the other are applied
    /// in that order, so a caller can keep many in flight (the stage loop does) instead of
    /// waiting for each. Stores without a queue write at once (this default).
    async fn start_put(&self, key: &str, value: Option<Vec<u8>>) -> Result<StateAck, StateError> {
        self.put(key, value).await?;
        Ok(Box::pin(std::future::ready(Ok(()))))
    }

    /// What other writers (other instances of the stage) put since the last `load_all` or
    /// `changes_from_others`, in the order written, up to the store's end at the time of the
    /// call. Call [`StateStore::load_all`] first. Stores with one writer (a file, memory) have
    /// none.
    async fn changes_from_others(&self) -> Result<Vec<StateWrite>, StateError> {
        Ok(Vec::new())
    }

    /// `kafka`, `file` or `memory`, for logs.
    fn kind(&self) -> &'static str;
}

/// One change to a stage's durable state: `value` `None` deletes `key`.
#[derive(Debug, Clone, PartialEq)]
pub struct StateWrite {
    pub key: String,
    pub value: Option<Vec<u8>>,
}

/// The values `changes` set under keys starting with `prefix`, each decoded from JSON (an
/// `Err` for a value that is not a `T`); deletions are left out.
pub fn decode_values<T: serde::de::DeserializeOwned>(
    changes: Vec<StateWrite>,
    prefix: &str,
) -> impl Iterator<Item = serde_json::Result<T>> {
    changes
        .into_iter()
        .filter(move |change| change.key.starts_with(prefix))
        .filter_map(|change| change.value)
        .map(|value| serde_json::from_slice(&value))
}

/// Resolves when a write started with [`StateStore::start_put`] is durable.
pub type StateAck = futures::future::BoxFuture<'static, Result<(), StateError>>;

/// A state store shared between tasks.
pub type SharedStateStore = Arc<dyn StateStore>;

/// A store that forgets everything at exit (tests, `state.dir = ""`).
#[derive(Debug, Default)]
pub struct MemoryStateStore {
    values: std::sync::Mutex<HashMap<String, Vec<u8>>>,
}

#[async_trait]
impl StateStore for MemoryStateStore {
    async fn load_all(&self) -> Result<HashMap<String, Vec<u8>>, StateError> {
        Ok(self
            .values
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone())
    }

    async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), StateError> {
        let mut values = self
            .values
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match value {
            Some(value) => values.insert(key.to_owned(), value),
            None => values.remove(key),
        };
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}
