//! The Kafka state store on the real broker: values survive reopening (a restart or a move to
//! another machine), tombstones delete, an empty store loads empty.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::*;
use wire_runtime::state::{KafkaStateStore, StateStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_survives_reopening_and_tombstones_delete() {
    let prefix = unique_prefix("state");
    let config = kafka_bus_config(&prefix).kafka;
    {
        let store = KafkaStateStore::open(&config, "fetcher").await.unwrap();
        assert!(store.load_all().await.unwrap().is_empty());
        store
            .put("source:a", Some(b"{\"etag\":\"1\"}".to_vec()))
            .await
            .unwrap();
        store.put("source:b", Some(b"{}".to_vec())).await.unwrap();
        store
            .put("source:a", Some(b"{\"etag\":\"2\"}".to_vec()))
            .await
            .unwrap();
        store.put("source:b", None).await.unwrap();
    }
    let reopened = KafkaStateStore::open(&config, "fetcher").await.unwrap();
    let values = reopened.load_all().await.unwrap();
    assert_eq!(values.len(), 1, "{values:?}");
    assert_eq!(values["source:a"], b"{\"etag\":\"2\"}");
    assert_eq!(reopened.kind(), "kafka");
}
