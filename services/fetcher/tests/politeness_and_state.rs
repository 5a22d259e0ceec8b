//! Service tests of how `wirefeed_fetcher::run` treats the servers it polls and what it
//! remembers: `Retry-After`, capped bodies, redirects, the SSRF guard, rotating guids, state
//! across a restart, half-written drop files, `GET /sources`, config reload and the idle alarm.
//!
//! Real HTTP servers on `127.0.0.1:0`, the in-process bus, and the sources table
//! (`SourceRegistry::snapshot`) for what the fetcher thinks of each source. Nothing here
//! measures time: every wait is bounded and ends on something observable. "Nothing more was
//! published" is checked once the server has seen a later request of the same source (a source
//! polls sequentially, so request n+1 means poll n has finished), or once the source's status
//! counts a later poll (the status is updated after a poll's items are acknowledged).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use common::{
    Answer, Endpoint, Fetcher, Item, LinkedItem, Server, THREE_ITEMS, WAIT, guids, http_source,
    identities, rss, rss_with_links,
};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::watch;
use wire_model::OriginInfo;
use wire_runtime::state::{FileStateStore, MemoryStateStore, SharedStateStore};
use wirefeed_fetcher::FetcherConfig;
use wirefeed_fetcher::config::{AfterRead, DirSource, HttpSource, SourceConfig};

/// Every source may be polled every second.
fn config(sources: Vec<SourceConfig>) -> FetcherConfig {
    FetcherConfig {
        min_interval_secs: 1,
        default_interval_secs: 1,
        sources,
        ..FetcherConfig::default()
    }
}

/// An HTTP source behind the SSRF guard (as every source is unless it opts out).
fn guarded_source(id: &str, url: &str) -> SourceConfig {
    SourceConfig::Http(HttpSource {
        interval_secs: Some(1),
        ..HttpSource::new(id, url)
    })
}

fn with_http(mut source: SourceConfig, change: impl FnOnce(&mut HttpSource)) -> SourceConfig {
    if let SourceConfig::Http(http) = &mut source {
        change(http);
    }
    source
}

fn rss_response(body: String) -> axum::response::Response {
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

/// Waits until `count` more requests of `endpoint` have arrived.
async fn wait_for_more_requests(endpoint: &Endpoint, count: usize) {
    let before = endpoint.requests().len();
    endpoint.wait_for_requests(before + count).await;
}

// ---------------------------------------------------------------------------------------------
// Politeness

#[tokio::test]
async fn a_429_with_retry_after_is_not_polled_again_before_the_server_asked() {
    let limited = Server::start(Router::new().route(
        "/feed.xml",
        get(|| async {
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "120")],
                "slow down",
            )
        }),
    ))
    .await;
    let healthy = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let mut fetcher = Fetcher::start(config(vec![
        http_source("limited", &limited.url("/feed.xml")),
        http_source("healthy", &healthy.url),
    ]))
    .await;

    let status = fetcher
        .wait_for_status("limited", |s| s.consecutive_errors >= 1)
        .await;
    assert_eq!(status.last_error_class.as_deref(), Some("http_4xx"));
    assert!(
        status.last_error.as_deref().unwrap_or("").contains("429"),
        "{status:#?}"
    );
    assert_eq!(status.last_success_at, None);
    // The schedule the fetcher computed, not a measured time.
    let waits_for = status.next_poll_at.unwrap() - status.last_attempt_at.unwrap();
    assert!(
        waits_for >= chrono::Duration::seconds(120),
        "next poll only {waits_for} after a Retry-After of 120 s"
    );

    // Meanwhile the healthy source is polled again and again (four more polls take longer
    // than the plain error backoff of about 2 s would): the limited server is left alone.
    let items = fetcher.next_items(3).await;
    assert_eq!(identities(&items), guids(&THREE_ITEMS));
    wait_for_more_requests(&healthy, 4).await;
    assert_eq!(limited.hits("/feed.xml"), 1, "polled before Retry-After");
    let status = fetcher.status("limited").unwrap();
    assert_eq!(status.polls_total, 1);
    assert_eq!(fetcher.stop().await, 0);
}

/// How much of a streamed response the server handed out, and whether the stream was dropped
/// (the client went away, or it ended).
struct StreamProgress {
    bytes_sent: AtomicU64,
    dropped: watch::Sender<bool>,
}

struct DropSignal(Arc<StreamProgress>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        self.0.dropped.send_replace(true);
    }
}

#[tokio::test]
async fn a_huge_body_without_content_length_is_cut_off_and_nothing_is_published() {
    const TOTAL: u64 = 50 * 1000 * 1000;
    const LIMIT: u64 = 1024 * 1024;
    static CHUNK: [u8; 64 * 1024] = [b'x'; 64 * 1024];
    let streams: Arc<Mutex<Vec<Arc<StreamProgress>>>> = Arc::default();
    let handler_streams = streams.clone();
    let server = Server::start(Router::new().route(
        "/huge.xml",
        get(move || {
            let progress = Arc::new(StreamProgress {
                bytes_sent: AtomicU64::new(0),
                dropped: watch::channel(false).0,
            });
            handler_streams.lock().unwrap().push(progress.clone());
            let body = futures::stream::unfold(DropSignal(progress), |signal| async move {
                let sent = signal.0.bytes_sent.load(Ordering::SeqCst);
                if sent >= TOTAL {
                    return None;
                }
                signal
                    .0
                    .bytes_sent
                    .fetch_add(CHUNK.len() as u64, Ordering::SeqCst);
                Some((Ok::<_, std::io::Error>(Bytes::from_static(&CHUNK)), signal))
            });
            async move { Body::from_stream(body) }
        }),
    ))
    .await;
    let mut config = config(vec![http_source("huge", &server.url("/huge.xml"))]);
    config.max_body_bytes = LIMIT;
    let fetcher = Fetcher::start(config).await;

    let status = fetcher
        .wait_for_status("huge", |s| s.consecutive_errors >= 1)
        .await;
    assert_eq!(status.last_error_class.as_deref(), Some("too_large"));
    assert_eq!(status.items_seen, 0);
    assert_eq!(fetcher.unread(), 0, "a cut-off body was published");

    // The first response's stream is dropped long before its end: the client stopped reading.
    let first = streams.lock().unwrap()[0].clone();
    let mut dropped = first.dropped.subscribe();
    tokio::time::timeout(WAIT, dropped.wait_for(|dropped| *dropped))
        .await
        .expect("the server kept streaming to a client that should have gone")
        .unwrap();
    let sent = first.bytes_sent.load(Ordering::SeqCst);
    assert!(sent > LIMIT, "only {sent} bytes were sent");
    assert!(
        sent < TOTAL / 4,
        "{sent} of {TOTAL} bytes were streamed before the client hung up"
    );
    assert_eq!(fetcher.stop().await, 0);
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn a_redirect_loop_is_reported_as_a_redirect_error() {
    let redirect = |to: &'static str| {
        get(move || async move { (StatusCode::FOUND, [(header::LOCATION, to)]) })
    };
    let server = Server::start(
        Router::new()
            .route("/a", redirect("/b"))
            .route("/b", redirect("/a")),
    )
    .await;
    let fetcher = Fetcher::start(config(vec![http_source("looping", &server.url("/a"))])).await;

    let status = fetcher
        .wait_for_status("looping", |s| s.consecutive_errors >= 1)
        .await;
    assert_eq!(status.last_error_class.as_deref(), Some("redirect"));
    let message = status.last_error.unwrap();
    assert!(message.contains("loop"), "{message}");
    assert_eq!(status.last_success_at, None);
    assert_eq!(status.effective_url, None);
    // Each hop was requested once: the loop was seen, not followed to the redirect limit.
    assert_eq!(server.hits("/a"), 1);
    assert_eq!(server.hits("/b"), 1);
    assert_eq!(fetcher.stop().await, 0);
}

#[tokio::test]
async fn a_permanent_redirect_is_remembered_and_later_polls_go_straight_to_the_new_url() {
    let server = Server::start(
        Router::new()
            .route(
                "/old",
                get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/new")]) }),
            )
            .route("/new", get(|| async { rss_response(rss(&THREE_ITEMS)) })),
    )
    .await;
    let mut fetcher = Fetcher::start(config(vec![http_source("moved", &server.url("/old"))])).await;

    let items = fetcher.next_items(3).await;
    assert_eq!(identities(&items), guids(&THREE_ITEMS));
    let new_url = server.url("/new");
    for item in &items {
        assert!(
            matches!(&item.origin, OriginInfo::Http { url, status: 200, .. } if *url == new_url),
            "{:?}",
            item.origin
        );
    }
    let status = fetcher
        .wait_for_status("moved", |s| s.polls_total >= 1)
        .await;
    assert!(
        status
            .effective_url
            .as_deref()
            .is_some_and(|url| url.ends_with("/new")),
        "{status:#?}"
    );
    assert_eq!(
        status.target,
        server.url("/old"),
        "the configured url stays"
    );

    server.wait_for_hits("/new", 3).await;
    assert_eq!(server.hits("/old"), 1, "the old url was polled again");
    assert_eq!(fetcher.stop().await, 0);
}

// ---------------------------------------------------------------------------------------------
// The SSRF guard

#[tokio::test]
async fn the_ssrf_guard_refuses_loopback_sources_that_did_not_opt_in_without_a_request() {
    let internal = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let healthy = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    // The same server by IP literal (refused before the request) and by a name that resolves
    // to loopback (refused by the resolver).
    let by_name = internal.url.replace("127.0.0.1", "localhost");
    let mut fetcher = Fetcher::start(config(vec![
        guarded_source("by-ip", &internal.url),
        guarded_source("by-name", &by_name),
        http_source("healthy", &healthy.url),
    ]))
    .await;

    for id in ["by-ip", "by-name"] {
        let status = fetcher
            .wait_for_status(id, |s| s.consecutive_errors >= 1)
            .await;
        assert_eq!(
            status.last_error_class.as_deref(),
            Some("blocked"),
            "{status:#?}"
        );
        let message = status.last_error.unwrap();
        assert!(message.contains("ssrf guard"), "{message}");
    }
    let items = fetcher.next_items(3).await;
    assert!(items.iter().all(|item| item.source.as_str() == "healthy"));
    wait_for_more_requests(&healthy, 2).await;
    assert!(
        internal.requests().is_empty(),
        "a refused source reached the server"
    );
    assert_eq!(fetcher.stop().await, 0);
}

// ---------------------------------------------------------------------------------------------
// What is remembered

#[tokio::test]
async fn items_whose_guid_changes_on_every_request_are_published_once() {
    // Some feeds mint a new guid for every response; title and link stay the same.
    let requests = Arc::new(AtomicUsize::new(0));
    let second_item_updated = Arc::new(AtomicBool::new(false));
    let (counter, updated) = (requests.clone(), second_item_updated.clone());
    let server = Server::start(Router::new().route(
        "/feed.xml",
        get(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let mut stories = THREE_ITEMS;
            if updated.load(Ordering::SeqCst) {
                stories[1].2 = "The council postponed the bridge vote.";
            }
            let guids: Vec<String> = (0..3).map(|i| format!("urn:uuid:{n}-{i}")).collect();
            let links: Vec<String> = (0..3)
                .map(|i| format!("https://wire.test.invalid/story-{i}"))
                .collect();
            let items: Vec<LinkedItem<'_>> = stories
                .iter()
                .zip(guids.iter().zip(&links))
                .map(|((_, title, text), (guid, link))| {
                    (guid.as_str(), *title, link.as_str(), *text)
                })
                .collect();
            let body = rss_with_links(&items);
            async move { rss_response(body) }
        }),
    ))
    .await;
    let mut fetcher = Fetcher::start(config(vec![http_source(
        "rotating",
        &server.url("/feed.xml"),
    )]))
    .await;

    let items = fetcher.next_items(3).await;
    assert_eq!(
        identities(&items),
        ["urn:uuid:0-0", "urn:uuid:0-1", "urn:uuid:0-2"].map(str::to_owned)
    );
    // Polls 2 and 3 (with new guids) have finished: neither published anything.
    server.wait_for_hits("/feed.xml", 4).await;
    assert_eq!(
        fetcher.unread(),
        0,
        "an item was published again under a new guid"
    );
    let status = fetcher.status("rotating").unwrap();
    assert_eq!(status.items_published_total, 3, "{status:#?}");
    assert_eq!(status.items_seen, 3);
    assert_eq!(status.possible_misses_total, 0);

    // A real change of a story under a rotating guid is published once, as the same item,
    // and then not again.
    second_item_updated.store(true, Ordering::SeqCst);
    let update = fetcher.next_item().await;
    assert_eq!(update.item_identity, "urn:uuid:0-1");
    assert_eq!(update.article_id, items[1].article_id);
    assert!(update.payload.contains("postponed"));
    let after = server.hits("/feed.xml");
    server.wait_for_hits("/feed.xml", after + 2).await;
    assert_eq!(fetcher.stop().await, 0, "the update was published again");
}

#[tokio::test]
async fn a_restart_with_the_same_state_publishes_nothing_old_and_sends_the_remembered_etag() {
    let state_dir = tempfile::tempdir().unwrap();
    let open_state = || -> SharedStateStore {
        Arc::new(FileStateStore::open(state_dir.path(), "fetcher").unwrap())
    };
    let endpoint = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: Some("\"v1\"".to_owned()),
    })
    .await;
    let source = http_source("wire", &endpoint.url);
    // The user agent tells the runs' requests apart (a request of the first run cut off by
    // the shutdown may still reach the server after it).
    let run_config = |run: &str| FetcherConfig {
        user_agent: format!("wirefeed-test/{run}"),
        ..config(vec![source.clone()])
    };
    let of_run = |requests: &[HeaderMap], run: &str| -> Vec<HeaderMap> {
        let agent = format!("wirefeed-test/{run}");
        requests
            .iter()
            .filter(|r| r[header::USER_AGENT] == agent.as_str())
            .cloned()
            .collect()
    };

    let mut first = Fetcher::start_with(run_config("run-1"), open_state(), None).await;
    let items = first.next_items(3).await;
    assert_eq!(identities(&items), guids(&THREE_ITEMS));
    // The second request means the first poll is finished and saved.
    endpoint.wait_for_requests(2).await;
    assert_eq!(first.stop().await, 0);
    assert!(state_dir.path().join("fetcher.jsonl").exists());

    let mut second = Fetcher::start_with(run_config("run-2"), open_state(), None).await;
    endpoint
        .wait_until("two requests of the second run", |requests| {
            of_run(requests, "run-2").len() >= 2
        })
        .await;
    let second_run = of_run(&endpoint.requests(), "run-2");
    assert_eq!(
        second_run[0][header::IF_NONE_MATCH],
        "\"v1\"",
        "the first request after the restart did not send the remembered etag"
    );
    assert_eq!(second.unread(), 0, "a restart published old items");

    // Even when the server ignores the validators and sends the whole feed again, the
    // remembered items are not published again.
    endpoint.switch_to(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    });
    wait_for_more_requests(&endpoint, 2).await;
    assert_eq!(second.unread(), 0, "a restart published old items");

    // A new item is published, and only it.
    let mut four = THREE_ITEMS.to_vec();
    let added: Item<'static> = ("tag:test,2026:4", "Late news", "Something happened.");
    four.insert(0, added);
    endpoint.switch_to(Answer::Feed {
        body: rss(&four),
        etag: Some("\"v2\"".to_owned()),
    });
    let item = second.next_item().await;
    assert_eq!(item.item_identity, added.0);
    wait_for_more_requests(&endpoint, 2).await;
    assert_eq!(second.stop().await, 0, "more than the new item came");
}

#[tokio::test]
async fn a_drop_file_still_being_written_is_read_once_it_has_settled() {
    let inbox = tempfile::tempdir().unwrap();
    let path = inbox.path().join("story.rss.xml");
    let drop_items: [Item<'static>; 2] = [
        ("tag:drop,2026:a", "Ferry strike", "Ferries stop for a day."),
        ("tag:drop,2026:b", "Museum opens", "The new museum opens."),
    ];
    let feed = rss(&drop_items);
    let (head, tail) = feed.split_at(feed.len() / 2);
    std::fs::write(&path, head).unwrap();
    let source = SourceConfig::Dir(DirSource {
        id: "drop".to_owned(),
        path: inbox.path().to_owned(),
        interval_secs: Some(1),
        after: AfterRead::Keep,
        settle_secs: 3600,
        idle_alarm_secs: None,
    });
    let mut fetcher = Fetcher::start(config(vec![source])).await;

    let status = fetcher
        .wait_for_status("drop", |s| s.polls_total >= 2)
        .await;
    assert_eq!(fetcher.unread(), 0, "a file still being written was read");
    assert_eq!(status.items_seen, 0);
    assert_eq!(status.consecutive_errors, 0, "{status:#?}");

    // The upload completes, and (instead of waiting an hour) the file is made old.
    {
        use std::io::Write as _;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(tail.as_bytes()).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(7200))
            .unwrap();
    }
    let items = fetcher.next_items(2).await;
    assert_eq!(identities(&items), guids(&drop_items));
    let polls = fetcher.status("drop").unwrap().polls_total;
    let status = fetcher
        .wait_for_status("drop", |s| s.polls_total >= polls + 2)
        .await;
    assert_eq!(fetcher.unread(), 0, "a settled file was read twice");
    assert_eq!(status.items_seen, 2);
    assert_eq!(status.items_published_total, 2);
    assert!(path.exists(), "a kept file was moved");
    assert_eq!(fetcher.stop().await, 0);
}

// ---------------------------------------------------------------------------------------------
// GET /sources

#[tokio::test]
async fn get_sources_tells_the_truth_about_every_source() {
    let healthy = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let broken = Server::start(
        Router::new()
            .route(
                "/500",
                get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "oops") }),
            )
            .route("/404", get(|| async { (StatusCode::NOT_FOUND, "gone") })),
    )
    .await;
    let hanging = Endpoint::start(Answer::Hang).await;
    let inbox = tempfile::tempdir().unwrap();
    let drop_items: [Item<'static>; 2] = [
        ("tag:drop,2026:a", "Ferry strike", "Ferries stop for a day."),
        ("tag:drop,2026:b", "Museum opens", "The new museum opens."),
    ];
    std::fs::write(inbox.path().join("story.rss.xml"), rss(&drop_items)).unwrap();
    let sources = vec![
        http_source("healthy", &healthy.url),
        http_source("server-error", &broken.url("/500")),
        http_source("not-found", &broken.url("/404")),
        with_http(http_source("hanging", &hanging.url), |http| {
            http.timeout_secs = Some(1)
        }),
        SourceConfig::Dir(DirSource {
            id: "drop".to_owned(),
            path: inbox.path().to_owned(),
            interval_secs: Some(1),
            after: AfterRead::Keep,
            settle_secs: 0,
            idle_alarm_secs: None,
        }),
    ];
    let targets: Vec<(String, String)> = sources
        .iter()
        .map(|s| (s.id().to_owned(), s.target()))
        .collect();
    let mut fetcher = Fetcher::start(config(sources)).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sources_url = format!("http://{}/sources", listener.local_addr().unwrap());
    let app = fetcher.registry.router();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let items = fetcher.next_items(5).await;
    assert_eq!(items.len(), 5);
    for (id, _) in &targets {
        fetcher.wait_for_status(id, |s| s.polls_total >= 1).await;
    }

    let response = reqwest::get(&sources_url).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    let table: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
    let ids: Vec<&str> = table.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["drop", "hanging", "healthy", "not-found", "server-error"]
    );
    let time = |status: &serde_json::Value, field: &str| {
        status[field]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    };
    for status in &table {
        let id = status["id"].as_str().unwrap();
        let (_, target) = targets.iter().find(|(t, _)| t == id).unwrap();
        assert_eq!(status["target"], target.as_str(), "{status:#}");
        let expected_kind = if id == "drop" { "dir" } else { "http" };
        assert_eq!(status["kind"], expected_kind, "{status:#}");
        let attempted = time(status, "last_attempt_at").expect("last_attempt_at");
        let next = time(status, "next_poll_at").expect("next_poll_at");
        assert!(next > attempted, "{status:#}");
        assert!(status["polls_total"].as_u64().unwrap() >= 1, "{status:#}");
        let error_class = match id {
            "server-error" => Some("http_5xx"),
            "not-found" => Some("http_4xx"),
            "hanging" => Some("timeout"),
            _ => None,
        };
        match error_class {
            Some(class) => {
                assert_eq!(status["last_error_class"], class, "{status:#}");
                assert!(status["last_success_at"].is_null(), "{status:#}");
                assert!(status["last_new_item_at"].is_null(), "{status:#}");
                assert!(
                    status["consecutive_errors"].as_u64().unwrap() >= 1,
                    "{status:#}"
                );
                assert!(time(status, "last_error_at").is_some(), "{status:#}");
                assert!(status["last_error"].is_string(), "{status:#}");
                assert_eq!(status["items_seen"], 0, "{status:#}");
                assert_eq!(status["items_published_total"], 0, "{status:#}");
            }
            None => {
                let seen = if id == "drop" { 2 } else { 3 };
                assert!(status["last_error_class"].is_null(), "{status:#}");
                assert!(status["last_error"].is_null(), "{status:#}");
                assert!(time(status, "last_success_at").is_some(), "{status:#}");
                assert!(time(status, "last_new_item_at").is_some(), "{status:#}");
                assert_eq!(status["consecutive_errors"], 0, "{status:#}");
                assert_eq!(status["items_seen"], seen, "{status:#}");
                assert_eq!(status["items_published_total"], seen, "{status:#}");
            }
        }
        assert_eq!(status["idle"], false, "{status:#}");
    }
    assert_eq!(fetcher.stop().await, 0);
}

// ---------------------------------------------------------------------------------------------
// Config reload and the idle alarm

#[tokio::test]
async fn a_reloaded_source_list_starts_added_sources_and_stops_removed_ones() {
    let first = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let second_items: [Item<'static>; 2] = [
        ("tag:second,2026:1", "Port strike", "Dockers walk out."),
        ("tag:second,2026:2", "Grain prices", "Prices rise again."),
    ];
    let second = Endpoint::start(Answer::Feed {
        body: rss(&second_items),
        etag: None,
    })
    .await;
    let first_source = http_source("first", &first.url);
    let second_source = http_source("second", &second.url);
    let (updates, receiver) = watch::channel(vec![first_source.clone()]);
    let mut fetcher = Fetcher::start_with(
        config(vec![first_source.clone()]),
        Arc::new(MemoryStateStore::default()),
        Some(receiver),
    )
    .await;
    let items = fetcher.next_items(3).await;
    assert!(items.iter().all(|item| item.source.as_str() == "first"));

    updates
        .send(vec![first_source.clone(), second_source.clone()])
        .unwrap();
    let items = fetcher.next_items(2).await;
    assert_eq!(identities(&items), guids(&second_items));
    assert!(items.iter().all(|item| item.source.as_str() == "second"));

    updates.send(vec![second_source.clone()]).unwrap();
    let gone = tokio::time::timeout(WAIT, async {
        while fetcher.status("first").is_some() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(gone.is_ok(), "the removed source stayed in the table");
    let first_requests = first.requests().len();
    wait_for_more_requests(&second, 3).await;
    assert_eq!(
        first.requests().len(),
        first_requests,
        "a removed source was polled"
    );
    let ids: Vec<String> = fetcher
        .registry
        .snapshot()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, ["second"]);
    // The unchanged first source was not restarted by the first update: nothing twice.
    assert_eq!(fetcher.stop().await, 0);
}

#[tokio::test]
async fn a_source_without_new_items_raises_the_idle_alarm() {
    let endpoint = Endpoint::start(Answer::Feed {
        body: rss(&THREE_ITEMS),
        etag: None,
    })
    .await;
    let source = with_http(http_source("quiet", &endpoint.url), |http| {
        http.idle_alarm_secs = Some(1)
    });
    let mut fetcher = Fetcher::start(config(vec![source])).await;
    let items = fetcher.next_items(3).await;
    assert_eq!(identities(&items), guids(&THREE_ITEMS));

    let status = fetcher.wait_for_status("quiet", |s| s.idle).await;
    assert!(status.polls_total >= 2, "{status:#?}");
    assert_eq!(status.consecutive_errors, 0);
    assert_eq!(status.items_published_total, 3);
    let first_new_item_at = status.last_new_item_at.unwrap();

    // A new item clears the alarm.
    let mut four = THREE_ITEMS.to_vec();
    let added: Item<'static> = ("tag:test,2026:4", "Late news", "Something happened.");
    four.insert(0, added);
    endpoint.switch_to(Answer::Feed {
        body: rss(&four),
        etag: None,
    });
    assert_eq!(fetcher.next_item().await.item_identity, added.0);
    // The status of the poll that published it (the next poll, a second later, may already
    // find the source silent for longer than its one-second alarm again).
    fetcher
        .wait_for_status("quiet", |s| {
            !s.idle && s.last_new_item_at.is_some_and(|at| at > first_new_item_at)
        })
        .await;
    assert_eq!(fetcher.stop().await, 0);
}
