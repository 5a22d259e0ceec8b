//! The Kafka state store on the real broker: values survive reopening (a restart or a move to
//! another machine), tombstones delete, an empty store loads empty; instances sharing a store follow each
//! other's writes.

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

/// Two instances of a stage share a store: each sees what the other writes since its load,
/// in order (deletions included), never its own writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_instance_sees_what_the_others_write_and_not_its_own() {
    let prefix = unique_prefix("state-follow");
    let config = kafka_bus_config(&prefix).kafka;
    let first = KafkaStateStore::open(&config, "enricher").await.unwrap();
    let second = KafkaStateStore::open(&config, "enricher").await.unwrap();
    first.put("a:before", Some(b"0".to_vec())).await.unwrap();
    assert_eq!(first.load_all().await.unwrap().len(), 1);
    assert_eq!(second.load_all().await.unwrap().len(), 1);
    assert!(second.changes_from_others().await.unwrap().is_empty());

    first.put("a:one", Some(b"1".to_vec())).await.unwrap();
    second.put("a:two", Some(b"2".to_vec())).await.unwrap();
    first.put("a:before", None).await.unwrap();

    let seen_by_second = second.changes_from_others().await.unwrap();
    let keys: Vec<(&str, Option<&[u8]>)> = seen_by_second
        .iter()
        .map(|change| (change.key.as_str(), change.value.as_deref()))
        .collect();
    assert_eq!(keys, [("a:one", Some(&b"1"[..])), ("a:before", None)]);
    assert!(second.changes_from_others().await.unwrap().is_empty());

    let seen_by_first = first.changes_from_others().await.unwrap();
    assert_eq!(seen_by_first.len(), 1, "{seen_by_first:?}");
    assert_eq!(seen_by_first[0].key, "a:two");
}
