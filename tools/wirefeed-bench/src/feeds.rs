//! The feed server of `wirefeed-bench fetch`: `GET /feeds/<n>.xml` serves feed `n` (of any
//! number) as a small RSS 2.0 document of its ten latest items, with an `ETag`; a request whose
//! `If-None-Match` matches gets `304 Not Modified` without a body. Each feed gets a new item
//! every `change_secs` seconds (feeds staggered over that period), so most polls of a feed
//! polled more often are answered 304, as on a real wire.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Items in every feed document.
const ITEMS_PER_FEED: u64 = 10;

/// The server's state and counters.
#[derive(Debug)]
pub struct FeedServer {
    started: Instant,
    change_secs: u64,
    pub ok: AtomicU64,
    pub not_modified: AtomicU64,
    pub not_found: AtomicU64,
    pub body_bytes: AtomicU64,
}

/// Requests answered so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    pub ok: u64,
    pub not_modified: u64,
    pub not_found: u64,
    pub body_bytes: u64,
}

impl Served {
    pub fn polls(&self) -> u64 {
        self.ok + self.not_modified + self.not_found
    }

    pub fn since(&self, earlier: &Served) -> Served {
        Served {
            ok: self.ok - earlier.ok,
            not_modified: self.not_modified - earlier.not_modified,
            not_found: self.not_found - earlier.not_found,
            body_bytes: self.body_bytes - earlier.body_bytes,
        }
    }
}

impl FeedServer {
    pub fn new(change_secs: u64) -> Arc<Self> {
        Arc::new(Self {
            started: Instant::now(),
            change_secs: change_secs.max(1),
            ok: AtomicU64::new(0),
            not_modified: AtomicU64::new(0),
            not_found: AtomicU64::new(0),
            body_bytes: AtomicU64::new(0),
        })
    }

    pub fn served(&self) -> Served {
        Served {
            ok: self.ok.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
            not_found: self.not_found.load(Ordering::Relaxed),
            body_bytes: self.body_bytes.load(Ordering::Relaxed),
        }
    }

    /// The latest item number of feed `feed` now (feeds are staggered over the period).
    fn latest_item(&self, feed: u64) -> u64 {
        let offset = feed % self.change_secs;
        (self.started.elapsed().as_secs() + offset) / self.change_secs + ITEMS_PER_FEED
    }

    pub fn router(self: &Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/feeds/{name}", axum::routing::get(serve_feed))
            .with_state(self.clone())
    }
}

/// Feed `feed`'s document whose newest item is `latest`.
pub fn feed_document(feed: u64, latest: u64) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Bench feed {feed}</title><link>http://bench.invalid/{feed}/</link>\
         <description>Feed {feed} of wirefeed-bench fetch</description><language>en</language>\n"
    );
    for item in (latest.saturating_sub(ITEMS_PER_FEED - 1)..=latest).rev() {
        out.push_str(&format!(
            "<item><title>Feed {feed} story {item}: markets steady as talks resume</title>\
             <link>http://bench.invalid/{feed}/story/{item}</link>\
             <guid isPermaLink=\"false\">bench-{feed}-{item}</guid>\
             <pubDate>Mon, 05 Jan 2026 06:00:00 +0000</pubDate>\
             <description>Story {item} of feed {feed}: officials said talks would resume on \
             Tuesday after a pause of two weeks, and traders expected little change.</description>\
             </item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

async fn serve_feed(
    State(server): State<Arc<FeedServer>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(feed) = name
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<u64>().ok())
    else {
        server.not_found.fetch_add(1, Ordering::Relaxed);
        return StatusCode::NOT_FOUND.into_response();
    };
    let latest = server.latest_item(feed);
    let etag = format!("\"{feed}-{latest}\"");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"x\""));
    if matches {
        server.not_modified.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response();
    }
    let body = feed_document(feed, latest);
    server.ok.fetch_add(1, Ordering::Relaxed);
    server
        .body_bytes
        .fetch_add(body.len() as u64, Ordering::Relaxed);
    rss_response(etag_value, body)
}

/// A 200 answer with an RSS document and its ETag.
pub(crate) fn rss_response(etag: HeaderValue, body: String) -> Response {
    (
        StatusCode::OK,
        [
            (header::ETAG, etag),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/rss+xml"),
            ),
        ],
        body,
    )
        .into_response()
}
