//! Service tests of `wirefeed_fetcher::run`: real HTTP servers on `127.0.0.1:0` (axum) and
//! drop folders in temporary directories, publishing to the in-process bus.
//!
//! Nothing here measures time. Tests wait (with a generous upper bound) for something
//! observable: an item on the bus, a request reaching a server, a file being moved. "Nothing
//! more was published" is checked once the server has seen a later request of the same source:
//! a source polls sequentially, so request n+1 means poll n has finished publishing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::header;
use common::{
    Answer, Endpoint, Fetcher, Item, THREE_ITEMS, guids, http_source, identities, rss,
    wait_for_file,
};
use std::path::Path;
use wire_model::{ArticleId, OriginInfo, RawFormat, SourceId};
use wirefeed_fetcher::FetcherConfig;
use wirefeed_fetcher::config::{AfterRead, DirSource, SourceConfig};

// ---------------------------------------------------------------------------------------------
// Feeds

/// A feed of `count` items with long texts: many kilobytes.
fn big_feed(count: usize) -> String {
    let text = "A long paragraph of wire copy that goes on. ".repeat(40);
    let guids: Vec<String> = (0..count).map(|n| format!("tag:big,2026:{n}")).collect();
    let items: Vec<Item<'_>> = guids
        .iter()
        .map(|guid| (guid.as_str(), "Big item", text.as_str()))
        .collect();
    rss(&items)
}

/// The elements in `payload` (a whole XML document, which must be well-formed): local names of
/// every start or empty tag, in order.
fn element_names(payload: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(payload);
    let mut names = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(start) | quick_xml::events::Event::Empty(start)) => {
                names.push(String::from_utf8_lossy(start.local_name().as_ref()).into_owned());
            }
            Ok(quick_xml::events::Event::Eof) => return names,
            Ok(_) => {}
            Err(error) => panic!("payload is not well-formed xml: {error}\n{payload}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The fetcher on the in-process bus

fn config(sources: Vec<SourceConfig>) -> FetcherConfig {
    FetcherConfig {
        user_agent: "wirefeed-test/0.1".to_owned(),
        default_interval_secs: 1,
        min_interval_secs: 1,
        timeout_secs: 10,
        max_body_bytes: 1024 * 1024,
        max_concurrent_polls: 4,
        sources,
        ..FetcherConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP sources

#[tokio::test]
async fn an_rss_feed_becomes_one_raw_item_per_entry_each_a_single_item_feed() {
    let endpoint = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let mut source = http_source("test-wire", &endpoint.url);
    if let SourceConfig::Http(http) = &mut source {
        http.headers
            .insert("X-Api-Key".to_owned(), "secret-key".to_owned());
    }
    let mut fetcher = Fetcher::start(config(vec![source])).await;

    let items = fetcher.next_items(3).await;
    assert_eq!(identities(&items), guids(&THREE_ITEMS));
    for (item, (guid, title, text)) in items.iter().zip(THREE_ITEMS) {
        assert_eq!(item.source, SourceId::new("test-wire"));
        assert_eq!(
            item.article_id,
            ArticleId::for_item(&SourceId::new("test-wire"), guid)
        );
        assert_eq!(item.format, RawFormat::Rss);
        assert_eq!(item.content_type.as_deref(), Some("application/rss+xml"));
        assert!(
            matches!(&item.origin, OriginInfo::Http { url, status: 200, etag: None, .. } if *url == endpoint.url),
            "{:?}",
            item.origin
        );
        // A complete feed document with the channel and exactly this one item.
        let names = element_names(&item.payload);
        assert_eq!(names.first().map(String::as_str), Some("rss"));
        assert_eq!(names.iter().filter(|name| *name == "channel").count(), 1);
        assert_eq!(names.iter().filter(|name| *name == "item").count(), 1);
        assert!(item.payload.contains("<title>Test Wire</title>"));
        assert!(item.payload.contains(title) && item.payload.contains(text));
        assert_eq!(item.payload_bytes().unwrap(), item.payload.as_bytes());
    }

    let request = &endpoint.requests()[0];
    assert_eq!(request[header::USER_AGENT], "wirefeed-test/0.1");
    assert_eq!(request["x-api-key"], "secret-key");
    assert_eq!(fetcher.stop().await, 0);
}

#[tokio::test]
async fn an_unchanged_feed_publishes_nothing_and_a_changed_item_is_published_again() {
    let endpoint = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let mut fetcher = Fetcher::start(config(vec![http_source("test-wire", &endpoint.url)])).await;
    let first = fetcher.next_items(3).await;
    assert_eq!(identities(&first), guids(&THREE_ITEMS));

    // Request 3 means polls 1 and 2 have finished; poll 2 saw the same feed.
    endpoint.wait_for_requests(3).await;
    assert_eq!(fetcher.unread(), 0, "an unchanged poll published items");

    let mut changed = THREE_ITEMS;
    changed[1].2 = "The council postponed the bridge vote to December.";
    let before_switch = endpoint.switch_to(Answer::Feed {
        body: rss(&changed),
        etag: None,
    });
    let update = fetcher.next_item().await;
    assert_eq!(update.item_identity, THREE_ITEMS[1].0);
    assert_eq!(update.article_id, first[1].article_id);
    assert_ne!(update.payload_hash, first[1].payload_hash);
    assert!(update.payload.contains("postponed the bridge vote"));

    // The poll that saw the change and the one after it have finished: nothing else came.
    endpoint.wait_for_requests(before_switch + 3).await;
    assert_eq!(fetcher.stop().await, 0, "more than the changed item came");
}

#[tokio::test]
async fn a_conditional_get_sends_the_etag_back_and_a_304_publishes_nothing() {
    let endpoint = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: Some("\"v1\"".to_owned()),
    })
    .await;
    let mut fetcher = Fetcher::start(config(vec![http_source("test-wire", &endpoint.url)])).await;
    let first = fetcher.next_items(3).await;
    for item in &first {
        assert!(
            matches!(&item.origin, OriginInfo::Http { etag: Some(etag), .. } if etag == "\"v1\""),
            "{:?}",
            item.origin
        );
    }

    endpoint.wait_for_requests(3).await;
    let requests = endpoint.requests();
    assert!(!requests[0].contains_key(header::IF_NONE_MATCH));
    for request in &requests[1..3] {
        assert_eq!(request[header::IF_NONE_MATCH], "\"v1\"");
    }
    assert!(endpoint.not_modified() >= 2);
    assert_eq!(fetcher.unread(), 0, "a 304 published items");

    // A new version of the feed with a new ETag is fetched in full, and its new ETag is used.
    let mut changed = THREE_ITEMS;
    changed[2].2 = "Rain and strong winds are forecast for the weekend.";
    let before_switch = endpoint.switch_to(Answer::Feed {
        body: rss(&changed),
        etag: Some("\"v2\"".to_owned()),
    });
    let update = fetcher.next_item().await;
    assert_eq!(update.item_identity, THREE_ITEMS[2].0);
    endpoint.wait_for_requests(before_switch + 2).await;
    let requests = endpoint.requests();
    assert_eq!(requests[before_switch][header::IF_NONE_MATCH], "\"v1\"");
    assert_eq!(requests[before_switch + 1][header::IF_NONE_MATCH], "\"v2\"");
    assert_eq!(fetcher.stop().await, 0);
}

#[tokio::test]
async fn a_body_over_the_limit_publishes_nothing_and_other_sources_go_on() {
    let limit = 16 * 1024;
    let big = big_feed(50);
    assert!(big.len() > 4 * limit);
    let with_length = Endpoint::start(Answer::Feed {
        body: big.clone(),
        etag: None,
    })
    .await;
    let streamed = Endpoint::start(Answer::Chunked {
        body: big,
        chunk_bytes: 4096,
    })
    .await;
    let healthy = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let mut config = config(vec![
        http_source("too-big", &with_length.url),
        http_source("too-big-streamed", &streamed.url),
        http_source("healthy", &healthy.url),
    ]);
    config.max_body_bytes = limit as u64;
    let mut fetcher = Fetcher::start(config).await;

    let items = fetcher.next_items(3).await;
    assert_eq!(identities(&items), guids(&THREE_ITEMS));
    assert!(items.iter().all(|item| item.source.as_str() == "healthy"));

    // The oversized sources are retried (the fetcher keeps running), and the healthy one is
    // polled again after them; still nothing else was published.
    with_length.wait_for_requests(2).await;
    streamed.wait_for_requests(2).await;
    let after = healthy.requests().len();
    healthy.wait_for_requests(after + 1).await;
    assert_eq!(fetcher.stop().await, 0, "an oversized body was published");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_without_blocking_other_sources() {
    let hanging = Endpoint::start(Answer::Hang).await;
    let healthy = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let mut config = config(vec![
        http_source("hanging", &hanging.url),
        http_source("healthy", &healthy.url),
    ]);
    config.timeout_secs = 1;
    let mut fetcher = Fetcher::start(config).await;

    let items = fetcher.next_items(3).await;
    assert_eq!(identities(&items), guids(&THREE_ITEMS));
    // A second request to the hanging server means the first one timed out.
    hanging.wait_for_requests(2).await;
    let after = healthy.requests().len();
    healthy.wait_for_requests(after + 1).await;
    assert_eq!(fetcher.stop().await, 0);
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_request_that_never_ends() {
    let hanging = Endpoint::start(Answer::Hang).await;
    let healthy = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let mut config = config(vec![
        http_source("hanging", &hanging.url),
        http_source("healthy", &healthy.url),
    ]);
    // Far longer than the test waits: the hanging request is still open when we stop.
    config.timeout_secs = 3600;
    let mut fetcher = Fetcher::start(config).await;

    hanging.wait_for_requests(1).await;
    let items = fetcher.next_items(3).await;
    assert_eq!(identities(&items), guids(&THREE_ITEMS));
    assert_eq!(hanging.requests().len(), 1);
    assert_eq!(fetcher.stop().await, 0);
}

// ---------------------------------------------------------------------------------------------
// Drop folders

fn dir_source(path: &Path) -> SourceConfig {
    SourceConfig::Dir(DirSource {
        id: "drop".to_owned(),
        path: path.to_owned(),
        interval_secs: Some(1),
        after: AfterRead::Move,
        settle_secs: 0,
        idle_alarm_secs: None,
    })
}
#[tokio::test]
async fn a_drop_folder_moves_published_files_and_ignores_partial_uploads() {
    let inbox = tempfile::tempdir().unwrap();
    let ready_items = [
        ("tag:drop,2026:a", "Ferry strike", "Ferries stop for a day."),
        ("tag:drop,2026:b", "Museum opens", "The new museum opens."),
    ];
    let partial_items = [("tag:drop,2026:c", "Late file", "Still uploading.")];
    // The partial upload sorts first: were it read, its item would come before the others.
    let partial = inbox.path().join("0-uploading.rss.xml.part");
    let ready = inbox.path().join("1-ready.rss.xml");
    std::fs::write(&partial, rss(&partial_items)).unwrap();
    std::fs::write(&ready, rss(&ready_items)).unwrap();
    let processed = inbox.path().join("processed");
    let mut fetcher = Fetcher::start(config(vec![dir_source(inbox.path())])).await;

    let items = fetcher.next_items(2).await;
    assert_eq!(identities(&items), guids(&ready_items));
    for item in &items {
        assert_eq!(item.source, SourceId::new("drop"));
        assert_eq!(item.format, RawFormat::Rss);
        assert!(
            matches!(&item.origin, OriginInfo::Dir { path } if Path::new(path) == ready),
            "{:?}",
            item.origin
        );
    }
    wait_for_file(&processed.join("1-ready.rss.xml")).await;
    assert!(!ready.exists());
    // The poll that moved the ready file also listed the partial one: it stays, unread.
    assert!(partial.exists());
    assert!(!processed.join("0-uploading.rss.xml.part").exists());
    assert_eq!(fetcher.unread(), 0, "the partial upload was read");

    // The upload completes: now the file is read and moved too.
    let completed = inbox.path().join("0-uploading.rss.xml");
    std::fs::rename(&partial, &completed).unwrap();
    let late = fetcher.next_item().await;
    assert_eq!(late.item_identity, partial_items[0].0);
    wait_for_file(&processed.join("0-uploading.rss.xml")).await;
    assert!(!completed.exists());
    assert_eq!(fetcher.stop().await, 0);
}

#[tokio::test]
async fn a_feed_that_repeats_a_guid_publishes_that_item_once_not_on_every_poll() {
    // Sloppy feeds repeat a guid (e.g. a story and its update both in the feed). The first
    // occurrence (feeds list newest first) is the item; the other must not make every poll
    // see a "changed" item.
    let repeated = [
        (
            "tag:test,2026:1",
            "Harbour reopens",
            "Updated: the harbour reopened.",
        ),
        (
            "tag:test,2026:2",
            "Bridge vote",
            "The council votes on the bridge.",
        ),
        (
            "tag:test,2026:1",
            "Harbour reopens",
            "The harbour reopens on Tuesday.",
        ),
    ];
    let endpoint = Endpoint::start(Answer::Feed {
        body: rss(&repeated),
        etag: None,
    })
    .await;
    let mut fetcher = Fetcher::start(config(vec![http_source("test-wire", &endpoint.url)])).await;
    let items = fetcher.next_items(2).await;
    assert_eq!(
        identities(&items),
        ["tag:test,2026:1", "tag:test,2026:2"].map(str::to_owned)
    );
    assert!(items[0].payload.contains("Updated: the harbour reopened."));
    // Polls 2 and 3 have finished: neither published anything.
    endpoint.wait_for_requests(4).await;
    assert_eq!(
        fetcher.stop().await,
        0,
        "a repeated guid was published again"
    );
}
