//! Helpers shared by the fetcher's service tests: RSS feeds, HTTP servers on `127.0.0.1:0`
//! that record the requests they see, and the fetcher running on the in-process bus.
//!
//! Nothing here measures time: every wait is for something observable (an item on the bus, a
//! request reaching a server, a source's status), bounded by [`WAIT`].

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use wire_model::{RawItem, topics};
use wire_runtime::bus::MemoryBus;
use wire_runtime::state::{MemoryStateStore, SharedStateStore};
use wire_runtime::{Bus as _, ServiceContext, SharedBus, Subscription};
use wirefeed_fetcher::config::{HttpSource, SourceConfig};
use wirefeed_fetcher::record::SourceStatus;
use wirefeed_fetcher::{FetcherConfig, SourceRegistry};

/// The upper bound of every wait. Generous: a healthy run needs a few seconds.
pub const WAIT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Feeds

/// One RSS item: guid, title, body text.
pub type Item<'a> = (&'a str, &'a str, &'a str);

/// An RSS feed whose items link to `https://wire.test.invalid/<guid>`.
pub fn rss(items: &[Item<'_>]) -> String {
    let linked: Vec<(&str, &str, String, &str)> = items
        .iter()
        .map(|(guid, title, text)| {
            (
                *guid,
                *title,
                format!("https://wire.test.invalid/{guid}"),
                *text,
            )
        })
        .collect();
    let linked: Vec<LinkedItem<'_>> = linked
        .iter()
        .map(|(guid, title, link, text)| (*guid, *title, link.as_str(), *text))
        .collect();
    rss_with_links(&linked)
}

/// One RSS item with its own link: guid, title, link, body text.
pub type LinkedItem<'a> = (&'a str, &'a str, &'a str, &'a str);

pub fn rss_with_links(items: &[LinkedItem<'_>]) -> String {
    let mut feed = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\">\n<channel>\n<title>Test Wire</title>\n\
         <link>https://wire.test.invalid/</link>\n<description>test feed</description>\n",
    );
    for (guid, title, link, text) in items {
        feed.push_str(&format!(
            "<item>\n<title>{title}</title>\n<guid isPermaLink=\"false\">{guid}</guid>\n\
             <link>{link}</link>\n\
             <pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate>\n\
             <description><![CDATA[<p>{text}</p>]]></description>\n</item>\n"
        ));
    }
    feed.push_str("</channel>\n</rss>\n");
    feed
}

pub const THREE_ITEMS: [Item<'static>; 3] = [
    (
        "tag:test,2026:1",
        "Harbour reopens",
        "The harbour reopened on Tuesday.",
    ),
    (
        "tag:test,2026:2",
        "Bridge vote",
        "The council votes on the bridge.",
    ),
    (
        "tag:test,2026:3",
        "Rain forecast",
        "Rain is forecast for the weekend.",
    ),
];

pub fn guids(items: &[Item<'_>]) -> Vec<String> {
    items
        .iter()
        .map(|(guid, _, _)| (*guid).to_owned())
        .collect()
}

pub fn identities(items: &[RawItem]) -> Vec<String> {
    items
        .iter()
        .map(|item| item.item_identity.clone())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// A switchable feed endpoint that records requests

/// What the endpoint answers.
#[derive(Clone)]
pub enum Answer {
    /// 200 with an RSS body; with an `etag`, 304 when `If-None-Match` matches it.
    Feed { body: String, etag: Option<String> },
    /// 200 with the body streamed in chunks, without `Content-Length`.
    Chunked { body: String, chunk_bytes: usize },
    /// Never answers.
    Hang,
}

struct EndpointState {
    answer: Answer,
    /// Headers of every request, in arrival order.
    requests: Vec<HeaderMap>,
    /// Requests answered with 304.
    not_modified: usize,
}

/// One feed URL (`/feed.xml`) served on `127.0.0.1:0`.
pub struct Endpoint {
    pub url: String,
    state: Mutex<EndpointState>,
    /// The number of requests so far, to wait on.
    seen: watch::Sender<usize>,
}

impl Endpoint {
    pub async fn start(answer: Answer) -> Arc<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let endpoint = Arc::new(Self {
            url: format!("http://{address}/feed.xml"),
            state: Mutex::new(EndpointState {
                answer,
                requests: Vec::new(),
                not_modified: 0,
            }),
            seen: watch::channel(0).0,
        });
        let app = Router::new()
            .route("/feed.xml", get(answer_request))
            .with_state(endpoint.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        endpoint
    }

    /// Answers every later request with `answer`; returns how many requests came before.
    pub fn switch_to(&self, answer: Answer) -> usize {
        let mut state = self.state.lock().unwrap();
        state.answer = answer;
        state.requests.len()
    }

    pub fn requests(&self) -> Vec<HeaderMap> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn not_modified(&self) -> usize {
        self.state.lock().unwrap().not_modified
    }

    /// Waits until at least `count` requests have arrived.
    pub async fn wait_for_requests(&self, count: usize) {
        self.wait_until(&format!("at least {count} requests"), |requests| {
            requests.len() >= count
        })
        .await;
    }

    /// Waits until the requests so far satisfy `condition` (described by `what`).
    pub async fn wait_until(&self, what: &str, condition: impl Fn(&[HeaderMap]) -> bool) {
        let mut seen = self.seen.subscribe();
        let waited = tokio::time::timeout(WAIT, async {
            loop {
                if condition(&self.state.lock().unwrap().requests) {
                    return;
                }
                seen.changed().await.unwrap();
            }
        })
        .await;
        if waited.is_err() {
            panic!(
                "{} saw {} requests, expected {what}",
                self.url,
                *self.seen.borrow()
            );
        }
    }
}

async fn answer_request(State(endpoint): State<Arc<Endpoint>>, headers: HeaderMap) -> Response {
    let answer = {
        let mut state = endpoint.state.lock().unwrap();
        let answer = state.answer.clone();
        let matches_etag = match &answer {
            Answer::Feed {
                etag: Some(etag), ..
            } => headers
                .get(header::IF_NONE_MATCH)
                .is_some_and(|value| value.as_bytes() == etag.as_bytes()),
            _ => false,
        };
        if matches_etag {
            state.not_modified += 1;
        }
        state.requests.push(headers);
        (answer, matches_etag)
    };
    endpoint.seen.send_modify(|n| *n += 1);
    match answer {
        (Answer::Feed { etag, .. }, true) => {
            let etag = etag.unwrap_or_default();
            (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response()
        }
        (Answer::Feed { body, etag }, false) => {
            let mut response =
                ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response();
            if let Some(etag) = etag {
                response
                    .headers_mut()
                    .insert(header::ETAG, etag.parse().unwrap());
            }
            response
        }
        (Answer::Chunked { body, chunk_bytes }, _) => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = body
                .into_bytes()
                .chunks(chunk_bytes)
                .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
                .collect();
            Body::from_stream(futures::stream::iter(chunks)).into_response()
        }
        (Answer::Hang, _) => std::future::pending().await,
    }
}

// ---------------------------------------------------------------------------------------------
// A server with any routes that records the path of every request

/// A router served on `127.0.0.1:0`; every request's path is recorded before it is answered.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Paths of every request, in arrival order.
    paths: Arc<Mutex<Vec<String>>>,
    seen: Arc<watch::Sender<usize>>,
}

#[derive(Clone)]
struct PathLog {
    paths: Arc<Mutex<Vec<String>>>,
    seen: Arc<watch::Sender<usize>>,
}

async fn log_path(State(log): State<PathLog>, request: Request, next: Next) -> Response {
    log.paths
        .lock()
        .unwrap()
        .push(request.uri().path().to_owned());
    log.seen.send_modify(|n| *n += 1);
    next.run(request).await
}

impl Server {
    pub async fn start(routes: Router) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let log = PathLog {
            paths: Arc::default(),
            seen: Arc::new(watch::channel(0).0),
        };
        let app = routes.layer(axum::middleware::from_fn_with_state(log.clone(), log_path));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base: format!("http://{address}"),
            paths: log.paths,
            seen: log.seen,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The socket address it listens on.
    pub fn address(&self) -> std::net::SocketAddr {
        self.base.trim_start_matches("http://").parse().unwrap()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.address().port()
    }

    /// Requests to `path` so far.
    pub fn hits(&self, path: &str) -> usize {
        self.paths
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }

    /// Requests to any path so far.
    pub fn total_hits(&self) -> usize {
        self.paths.lock().unwrap().len()
    }

    /// Waits until `path` was requested at least `count` times.
    pub async fn wait_for_hits(&self, path: &str, count: usize) {
        let mut seen = self.seen.subscribe();
        let waited = tokio::time::timeout(WAIT, async {
            while self.hits(path) < count {
                seen.changed().await.unwrap();
            }
        })
        .await;
        if waited.is_err() {
            panic!(
                "{}{path} saw {} requests, expected at least {count}",
                self.base,
                self.hits(path)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The fetcher on the in-process bus

/// An HTTP source polled every second that may reach the test servers on 127.0.0.1.
pub fn http_source(id: &str, url: &str) -> SourceConfig {
    SourceConfig::Http(HttpSource {
        interval_secs: Some(1),
        // The test servers listen on 127.0.0.1: opt out of the SSRF guard.
        allow_private_network: true,
        ..HttpSource::new(id, url)
    })
}

/// A running fetcher, with a consumer group subscribed to `wire.raw.v1` before it started.
pub struct Fetcher {
    raw: Box<dyn Subscription>,
    /// The table behind `GET /sources`.
    pub registry: SourceRegistry,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Fetcher {
    /// Runs `config` with a memory state store and no source updates.
    pub async fn start(config: FetcherConfig) -> Self {
        Self::start_with(config, Arc::new(MemoryStateStore::default()), None).await
    }

    /// Runs `config` with `state` and, when given, source lists from `updates`.
    pub async fn start_with(
        config: FetcherConfig,
        state: SharedStateStore,
        updates: Option<watch::Receiver<Vec<SourceConfig>>>,
    ) -> Self {
        let mut fetcher = wirefeed_fetcher::Fetcher::new(config);
        if let Some(updates) = updates {
            fetcher = fetcher.with_source_updates(updates);
        }
        Self::launch(fetcher, state).await
    }

    /// Runs `config` with the SSRF guard passing only `exempt` (exact `127.0.0.1:<port>`
    /// addresses of test servers named by IP literal): sources that keep
    /// `allow_private_network = false` are guarded as in production.
    pub async fn start_guarded(config: FetcherConfig, exempt: Vec<std::net::SocketAddr>) -> Self {
        let fetcher = wirefeed_fetcher::Fetcher::new(config).with_guard_exemptions(exempt);
        Self::launch(fetcher, Arc::new(MemoryStateStore::default())).await
    }

    async fn launch(fetcher: wirefeed_fetcher::Fetcher, state: SharedStateStore) -> Self {
        let bus = Arc::new(MemoryBus::new(1024));
        let raw = bus.subscribe("test", &[topics::RAW]).await.unwrap();
        let shutdown = CancellationToken::new();
        let bus: SharedBus = bus;
        let registry = SourceRegistry::new();
        let context = ServiceContext::with_defaults(bus)
            .unwrap()
            .with_shutdown(shutdown.clone())
            .with_state_store("fetcher", state);
        let fetcher = fetcher.with_registry(registry.clone());
        let task = tokio::spawn(fetcher.run(context));
        Self {
            raw,
            registry,
            shutdown,
            task,
        }
    }

    /// The next raw item; its record key must be its article id.
    pub async fn next_item(&mut self) -> RawItem {
        let delivery = tokio::time::timeout(WAIT, self.raw.recv())
            .await
            .expect("no raw item arrived in time")
            .unwrap();
        assert_eq!(delivery.record.topic, topics::RAW);
        let item = RawItem::decode(&delivery.record.payload).unwrap();
        assert_eq!(
            delivery.record.key.as_deref(),
            Some(item.article_id.as_str().as_bytes())
        );
        item
    }

    pub async fn next_items(&mut self, count: usize) -> Vec<RawItem> {
        let mut items = Vec::new();
        for _ in 0..count {
            items.push(self.next_item().await);
        }
        items
    }

    /// Published items not consumed yet.
    pub fn unread(&self) -> i64 {
        self.raw.lag().unwrap()
    }

    /// The status of source `id`, if the registry has one.
    pub fn status(&self, id: &str) -> Option<SourceStatus> {
        self.registry.snapshot().into_iter().find(|s| s.id == id)
    }

    /// Waits until source `id` has a status that satisfies `condition`, and returns it.
    pub async fn wait_for_status(
        &self,
        id: &str,
        condition: impl Fn(&SourceStatus) -> bool,
    ) -> SourceStatus {
        let found = tokio::time::timeout(WAIT, async {
            loop {
                if let Some(status) = self.status(id).filter(|s| condition(s)) {
                    return status;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        found.unwrap_or_else(|_| {
            panic!(
                "source {id} never reached the expected status; last: {:#?}",
                self.status(id)
            )
        })
    }

    /// Cancels the token and asserts that `run` returns `Ok`; returns the unread count.
    pub async fn stop(self) -> i64 {
        self.shutdown.cancel();
        tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the fetcher did not stop after cancellation")
            .expect("the fetcher task panicked")
            .expect("the fetcher returned an error");
        self.raw.lag().unwrap()
    }
}

// ---------------------------------------------------------------------------------------------
// Files

/// Waits until `path` exists.
pub async fn wait_for_file(path: &Path) {
    let found = tokio::time::timeout(WAIT, async {
        while !path.exists() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(found.is_ok(), "{} did not appear", path.display());
}
