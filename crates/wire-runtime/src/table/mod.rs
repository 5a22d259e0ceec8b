//! Tables: the latest value of every entry of a small, shared set (the fetcher's sources, the
//! alerter's subscriptions), changed by anyone and followed by every instance that needs it.
//!
//! In Kafka mode a table is a compacted topic keyed by entry id ([`KafkaTable`]): a write
//! produces the value (or a tombstone) and returns once the broker acknowledged it. Two ways to
//! follow it:
//! - [`Table::follow_all`]: every entry, every change (each alerter instance applies every
//!   subscription);
//! - [`Table::follow_owned`]: only the entries in the partitions this instance owns in a
//!   consumer group (fetcher instances share the sources; when one dies, its partitions and
//!   their sources move to the others within the group's session timeout). Before a partition
//!   is taken away, the follower waits until the owner said it applied the smaller set (the
//!   fetcher stopped those sources and saved what it remembers of them), so the next owner
//!   starts from there.
//!
//! Without Kafka a table lives in the process ([`Table::Memory`]), kept in the stage's state
//! store under a key prefix so that entries added over an API survive a restart.
//!
//! Delivery: a follower sees the latest value of every entry it follows, not necessarily
//! every intermediate one (compaction, and changes arriving together, are applied at once).

mod kafka;
mod memory;

pub use kafka::KafkaTable;
pub use memory::MemoryTable;

use crate::config::{BusKind, RuntimeConfig};
use crate::state::{SharedStateStore, StateError};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// The entries a follower sees now, numbered: every change publishes a higher generation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub generation: u64,
    pub entries: BTreeMap<String, Vec<u8>>,
}

/// What [`Table::follow_owned`] hands its owner: the entries it owns, and where it says which
/// generation of them it has applied (a partition is handed over only after that).
#[derive(Debug)]
pub struct OwnedView {
    pub entries: watch::Receiver<Snapshot>,
    pub applied: watch::Sender<u64>,
}

/// Why a table could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("table topic {topic}: {reason}")]
    Kafka { topic: String, reason: String },
    #[error("table {name}: {source}")]
    Store {
        name: String,
        #[source]
        source: StateError,
    },
}

/// A table in Kafka or in the process; cloning shares it.
#[derive(Clone, Debug)]
pub enum Table {
    Kafka(Arc<KafkaTable>),
    Memory(MemoryTable),
}

impl Table {
    /// The table `logical` (e.g. [`wire_model::topics::SOURCES`]) the config asks for: a
    /// compacted topic with `partitions` partitions with a Kafka bus, else an in-process table
    /// kept in `store` (when given) under `<logical>:`.
    pub async fn open(
        runtime: &RuntimeConfig,
        logical: &str,
        partitions: i32,
        store: Option<SharedStateStore>,
    ) -> Result<Self, TableError> {
        match runtime.bus.kind {
            BusKind::Kafka => Ok(Self::Kafka(Arc::new(
                KafkaTable::open(&runtime.bus.kafka, logical, partitions).await?,
            ))),
            BusKind::Memory => Ok(Self::Memory(MemoryTable::open(logical, store).await?)),
        }
    }

    /// Sets entry `key` to `value`, or deletes it with `None`; durable when it returns.
    pub async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), TableError> {
        match self {
            Self::Kafka(table) => table.put(key, value).await,
            Self::Memory(table) => table.put(key, value).await,
        }
    }

    /// Every entry as of now.
    pub async fn read_all(&self) -> Result<BTreeMap<String, Vec<u8>>, TableError> {
        match self {
            Self::Kafka(table) => table.read_all().await,
            Self::Memory(table) => Ok(table.entries()),
        }
    }

    /// Every entry, and every change, until `shutdown`.
    pub fn follow_all(
        &self,
        shutdown: CancellationToken,
    ) -> Result<watch::Receiver<Snapshot>, TableError> {
        match self {
            Self::Kafka(table) => table.follow_all(shutdown),
            Self::Memory(table) => Ok(table.follow()),
        }
    }

    /// The entries of the partitions this instance owns in consumer group `group` (in the
    /// process: every entry), and every change, until `shutdown`.
    pub fn follow_owned(
        &self,
        group: &str,
        shutdown: CancellationToken,
    ) -> Result<OwnedView, TableError> {
        match self {
            Self::Kafka(table) => table.follow_owned(group, shutdown),
            Self::Memory(table) => Ok(OwnedView {
                entries: table.follow(),
                applied: watch::channel(0).0,
            }),
        }
    }

    /// `kafka` or `memory`, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Kafka(_) => "kafka",
            Self::Memory(_) => "memory",
        }
    }
}
