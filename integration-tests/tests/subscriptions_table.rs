//! Two alerter instances over the real broker follow the subscriptions table
//! (`wire.subscriptions.v1`): a subscription added through one instance's registry (what its
//! admin API calls) applies on the other without a restart, a replacement and a deletion too;
//! a third instance started later starts with it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::*;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_runtime::config::StateKind;
use wirefeed_alerter::config::SubscriptionConfig;
use wirefeed_alerter::{Alerter, AlerterConfig, SubscriptionRegistry};

const WAIT: Duration = Duration::from_secs(60);

async fn start_instance(
    prefix: &str,
) -> (
    SubscriptionRegistry,
    CancellationToken,
    tokio::task::JoinHandle<()>,
) {
    let mut context = kafka_context(prefix).await;
    context.runtime.state.kind = StateKind::Kafka;
    let shutdown = context.shutdown.clone();
    let registry = SubscriptionRegistry::new();
    let config = AlerterConfig {
        print_alerts: false,
        subscriptions: Vec::new(),
        ..AlerterConfig::default()
    };
    let alerter = Alerter::new(config).with_registry(registry.clone());
    let task = tokio::spawn(async move { alerter.run(context).await.unwrap() });
    (registry, shutdown, task)
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn query_of(registry: &SubscriptionRegistry, id: &str) -> Option<String> {
    registry
        .current()
        .by_id
        .get(id)
        .and_then(|subscription| subscription.query.clone())
}

fn subscription(query: &str) -> SubscriptionConfig {
    SubscriptionConfig {
        id: "ferry-desk".to_owned(),
        query: Some(query.to_owned()),
        ..SubscriptionConfig::default()
    }
}

/// The registry accepts changes once its alerter has started.
async fn upsert_when_started(registry: &SubscriptionRegistry, subscription: SubscriptionConfig) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match registry.upsert(subscription.clone()).await {
            Ok(_) => return,
            Err(wirefeed_alerter::subscriptions::RegistryError::NotStarted)
                if tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("upsert refused: {error}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_subscription_added_through_one_alerter_applies_on_every_instance() {
    let prefix = unique_prefix("subscriptions-table");
    let (a, stop_a, task_a) = start_instance(&prefix).await;
    let (b, stop_b, task_b) = start_instance(&prefix).await;

    upsert_when_started(&a, subscription("ferry")).await;
    assert_eq!(query_of(&a, "ferry-desk").as_deref(), Some("ferry"));
    wait_until(
        "instance B applies the subscription added through A",
        || query_of(&b, "ferry-desk").as_deref() == Some("ferry"),
    )
    .await;

    upsert_when_started(&b, subscription("ferry OR harbour")).await;
    wait_until("instance A applies the replacement made through B", || {
        query_of(&a, "ferry-desk").as_deref() == Some("ferry OR harbour")
    })
    .await;

    // An instance started now begins with it.
    let (c, stop_c, task_c) = start_instance(&prefix).await;
    wait_until("a new instance starts with the subscription", || {
        query_of(&c, "ferry-desk").as_deref() == Some("ferry OR harbour")
    })
    .await;

    a.remove("ferry-desk").await.unwrap();
    wait_until("instances B and C drop the deleted subscription", || {
        query_of(&b, "ferry-desk").is_none() && query_of(&c, "ferry-desk").is_none()
    })
    .await;

    for stop in [stop_a, stop_b, stop_c] {
        stop.cancel();
    }
    for task in [task_a, task_b, task_c] {
        task.await.unwrap();
    }
}
