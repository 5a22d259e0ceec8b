//! Two fetcher instances over the real broker share the sources table (`wire.sources.v1`) from
//! one config: each polls the sources of the partitions it owns, together all of them, none
//! twice; when one stops, the other takes its sources over with their records from the shared
//! state topic, so no item is lost and none is published again. A source added through the
//! sources API of one instance is polled by whichever owns it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::*;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wire_model::topics;
use wire_runtime::config::StateKind;
use wire_runtime::table::Table;
use wirefeed_fetcher::config::{HttpSource, SourceConfig};
use wirefeed_fetcher::{Fetcher, FetcherConfig, SourceRegistry};

const WAIT: Duration = Duration::from_secs(90);
const FEEDS: usize = 6;

/// Feeds whose items the test adds to while the fetchers poll: feed name → (guid, title).
type Items = Arc<Mutex<BTreeMap<String, Vec<(String, String)>>>>;

async fn serve_growing_feeds(items: Items) -> String {
    let router = axum::Router::new().route(
        "/{feed}",
        axum::routing::get(
            move |axum::extract::Path(feed): axum::extract::Path<String>| {
                let items = items.clone();
                async move {
                    let listed = items
                        .lock()
                        .unwrap()
                        .get(&feed)
                        .cloned()
                        .unwrap_or_default();
                    let rows: Vec<(&str, &str, &str)> = listed
                        .iter()
                        .map(|(guid, title)| (guid.as_str(), title.as_str(), title.as_str()))
                        .collect();
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/rss+xml")],
                        rss_feed(&rows),
                    )
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

fn add_item(items: &Items, feed: &str, round: usize) {
    let guid = format!("urn:test:{feed}:{round}");
    let title = format!("Item {round} of {feed}: the harbour reopens after the storm");
    items
        .lock()
        .unwrap()
        .entry(feed.to_owned())
        .or_default()
        .push((guid, title));
}

fn source(id: &str, url: String) -> SourceConfig {
    let mut http = HttpSource::new(id, &url);
    http.interval_secs = Some(1);
    // The feeds are on 127.0.0.1.
    http.allow_private_network = true;
    SourceConfig::Http(http)
}

fn fetcher_config(base: &str) -> FetcherConfig {
    FetcherConfig {
        min_interval_secs: 1,
        reload_interval_secs: 0,
        sources: (0..FEEDS)
            .map(|i| source(&format!("feed-{i}"), format!("{base}/feed-{i}")))
            .collect(),
        ..FetcherConfig::default()
    }
}

/// One fetcher instance as its own process would run it: own bus clients, state in the shared
/// state topic.
async fn start_instance(
    prefix: &str,
    config: FetcherConfig,
) -> (
    SourceRegistry,
    tokio_util::sync::CancellationToken,
    tokio::task::JoinHandle<()>,
) {
    let mut context = kafka_context(prefix).await;
    context.runtime.state.kind = StateKind::Kafka;
    let shutdown = context.shutdown.clone();
    let registry = SourceRegistry::new();
    let fetcher = Fetcher::new(config).with_registry(registry.clone());
    let task = tokio::spawn(async move { fetcher.run(context).await.unwrap() });
    (registry, shutdown, task)
}

/// The raw topic's item identities with how often each was published, once `expected` distinct ones
/// arrived (or the wait ran out).
async fn published(prefix: &str, expected: usize) -> BTreeMap<String, usize> {
    let topic = format!("{prefix}{}", topics::RAW);
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let messages = read_topic(&topic, expected, Duration::from_secs(5)).await;
        let mut counts = BTreeMap::new();
        for message in &messages {
            let raw = wire_model::RawItem::decode(&message.payload).unwrap();
            *counts.entry(raw.item_identity).or_insert(0) += 1;
        }
        if counts.len() >= expected || tokio::time::Instant::now() > deadline {
            return counts;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn polled(registry: &SourceRegistry) -> Vec<String> {
    registry.snapshot().into_iter().map(|s| s.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fetchers_share_the_sources_and_take_over_a_stopped_ones_without_loss_or_repeats() {
    let prefix = unique_prefix("fetcher-failover");
    let items: Items = Arc::default();
    for i in 0..FEEDS {
        add_item(&items, &format!("feed-{i}"), 1);
    }
    let base = serve_growing_feeds(items.clone()).await;
    let config = fetcher_config(&base);

    let (registry_a, stop_a, task_a) = start_instance(&prefix, config.clone()).await;
    wait_until("instance A polls every source", || {
        polled(&registry_a).len() == FEEDS
    })
    .await;
    let first = published(&prefix, FEEDS).await;
    assert_eq!(first.len(), FEEDS, "round 1: {first:?}");

    // B joins with the same config: the sources are shared out, none polled by both.
    let (registry_b, stop_b, task_b) = start_instance(&prefix, config.clone()).await;
    wait_until("both instances poll a share of the sources", || {
        let (a, b) = (polled(&registry_a), polled(&registry_b));
        !a.is_empty() && !b.is_empty() && a.len() + b.len() == FEEDS
    })
    .await;
    let (a, b) = (polled(&registry_a), polled(&registry_b));
    assert!(a.iter().all(|id| !b.contains(id)), "A {a:?} and B {b:?}");
    println!("shared out: A polls {a:?}, B polls {b:?}");

    for i in 0..FEEDS {
        add_item(&items, &format!("feed-{i}"), 2);
    }
    let second = published(&prefix, 2 * FEEDS).await;
    assert_eq!(second.len(), 2 * FEEDS, "round 2: {second:?}");

    // A stops: B takes every source over, from the records A saved.
    stop_a.cancel();
    task_a.await.unwrap();
    wait_until("instance B polls every source after A stopped", || {
        polled(&registry_b).len() == FEEDS
    })
    .await;
    for i in 0..FEEDS {
        add_item(&items, &format!("feed-{i}"), 3);
    }
    let third = published(&prefix, 3 * FEEDS).await;
    assert_eq!(
        third.len(),
        3 * FEEDS,
        "round 3: every item arrived: {third:?}"
    );
    let repeated: Vec<_> = third.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        repeated.is_empty(),
        "items published more than once: {repeated:?}"
    );

    // A source added to the table (as the sources API writes it) is polled by its owner.
    let mut runtime = kafka_context(&prefix).await.runtime;
    runtime.state.kind = StateKind::Kafka;
    let (logical, partitions) = wire_runtime::bus::topic_plan::TABLES[0];
    let table = Table::open(&runtime, logical, partitions, None)
        .await
        .unwrap();
    add_item(&items, "feed-added", 1);
    let entry = wirefeed_fetcher::source_table::SourceEntry {
        origin: wirefeed_fetcher::source_table::Origin::Api,
        source: source("feed-added", format!("{base}/feed-added")),
    };
    table
        .put("feed-added", Some(serde_json::to_vec(&entry).unwrap()))
        .await
        .unwrap();
    let fourth = published(&prefix, 3 * FEEDS + 1).await;
    assert!(
        fourth.contains_key("urn:test:feed-added:1"),
        "the added source's item: {fourth:?}"
    );

    stop_b.cancel();
    task_b.await.unwrap();
}
