//! A table in the process (no Kafka): a watch channel of its entries, each change also written
//! to the stage's state store (when one is given) so that it survives a restart.

use super::{Snapshot, TableError};
use crate::state::SharedStateStore;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::watch;

/// See the module documentation; cloning shares it.
#[derive(Clone)]
pub struct MemoryTable {
    name: String,
    entries: Arc<watch::Sender<Snapshot>>,
    store: Option<SharedStateStore>,
    /// Serialises writes (store, then channel) so that both see them in one order.
    writes: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for MemoryTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryTable")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl MemoryTable {
    /// The table `name`, with the entries `store` kept under `<name>:`.
    pub async fn open(name: &str, store: Option<SharedStateStore>) -> Result<Self, TableError> {
        let mut entries = BTreeMap::new();
        if let Some(store) = &store {
            let prefix = Self::prefix_of(name);
            let stored = store.load_all().await.map_err(|source| TableError::Store {
                name: name.to_owned(),
                source,
            })?;
            for (key, value) in stored {
                if let Some(id) = key.strip_prefix(&prefix) {
                    entries.insert(id.to_owned(), value);
                }
            }
        }
        let (sender, _) = watch::channel(Snapshot {
            generation: 1,
            entries,
        });
        Ok(Self {
            name: name.to_owned(),
            entries: Arc::new(sender),
            store,
            writes: Arc::default(),
        })
    }

    fn prefix_of(name: &str) -> String {
        format!("{name}:")
    }

    /// Sets or deletes an entry: in the store first, then for the followers.
    pub async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), TableError> {
        let _serialised = self.writes.lock().await;
        if let Some(store) = &self.store {
            let stored_key = format!("{}{key}", Self::prefix_of(&self.name));
            store
                .put(&stored_key, value.clone())
                .await
                .map_err(|source| TableError::Store {
                    name: self.name.clone(),
                    source,
                })?;
        }
        self.entries.send_modify(|snapshot| {
            match value {
                Some(value) => snapshot.entries.insert(key.to_owned(), value),
                None => snapshot.entries.remove(key),
            };
            snapshot.generation += 1;
        });
        Ok(())
    }

    /// Every entry now.
    pub fn entries(&self) -> BTreeMap<String, Vec<u8>> {
        self.entries.borrow().entries.clone()
    }

    /// Follows every change; the entries now count as the first one (as a Kafka follower's
    /// first read of the table does).
    pub fn follow(&self) -> watch::Receiver<Snapshot> {
        let mut receiver = self.entries.subscribe();
        receiver.mark_changed();
        receiver
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemoryStateStore;

    #[tokio::test]
    async fn changes_reach_followers_and_survive_in_the_store() {
        let store: SharedStateStore = Arc::new(MemoryStateStore::default());
        let table = MemoryTable::open("wire.sources.v1", Some(store.clone()))
            .await
            .unwrap();
        table.put("early", Some(b"0".to_vec())).await.unwrap();
        let mut follower = table.follow();
        assert!(
            follower.has_changed().unwrap(),
            "entries written before following are seen"
        );
        table.put("early", None).await.unwrap();
        table.put("a", Some(b"1".to_vec())).await.unwrap();
        table.put("b", Some(b"2".to_vec())).await.unwrap();
        table.put("a", None).await.unwrap();
        assert!(follower.has_changed().unwrap());
        let seen = follower.borrow_and_update().clone();
        assert_eq!(
            seen.entries.keys().collect::<Vec<_>>(),
            vec!["b"],
            "the deletion applied"
        );
        assert_eq!(seen.generation, 6);
        let reopened = MemoryTable::open("wire.sources.v1", Some(store))
            .await
            .unwrap();
        assert_eq!(
            reopened.entries().get("b").map(Vec::as_slice),
            Some(&b"2"[..])
        );
        assert!(!reopened.entries().contains_key("a"));
    }
}
