//! The feed server of `bench pipeline`: the corpus items as RSS 2.0 feeds on 127.0.0.1, each
//! item appearing on its feed at its time of the load schedule, for the real fetcher to poll.
//!
//! - Feeds: each corpus source (the agency and the outlets) is split into `shards` feeds
//!   (`reuters-0` … `outlet-20-3`) by a hash of the item's identity, so an item and its later
//!   versions share a feed, and a source's copies keep their source.
//! - Items: an outlet's pickup is its single-item RSS document's `<item>`; an agency ninjs
//!   item becomes an RSS item with its headline, its HTML body as the description, its `uri`
//!   as the guid and its `versionCreated` as the date (the agency's feed as RSS).
//! - Documents: `GET /feeds/<id>.xml` lists the items that have appeared and not yet aged
//!   out (`retain`, or never), newest first, with an `ETag` of that window: a poll with
//!   nothing new is answered `304 Not Modified`.
//!
//! When each item appeared (wall clock) is kept by feed and guid, to measure appearance →
//! enriched next to fetch → enriched.

use crate::feeds::Served;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wire_corpus::markup::escape_xml;
use wire_model::{RawFormat, RawItem};

/// At most this many items in one document (a feed that gets more between two polls loses the
/// oldest, as on a real wire).
const MAX_ITEMS_PER_DOCUMENT: usize = 5_000;

/// The feed an item is served on: its source's shard by a hash of its identity (stable within
/// a build: [`std::hash::DefaultHasher::new`] has fixed keys).
pub fn feed_of(item: &RawItem, shards: usize) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    item.item_identity.hash(&mut hasher);
    let shard = hasher.finish() % shards.max(1) as u64;
    format!("{}-{shard}", item.source.as_str())
}

/// Every feed the items need, sorted.
pub fn feeds_of<'a>(items: impl IntoIterator<Item = &'a RawItem>, shards: usize) -> Vec<String> {
    let feeds: BTreeSet<String> = items.into_iter().map(|i| feed_of(i, shards)).collect();
    feeds.into_iter().collect()
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)?;
    let end = text[start..].find(close)? + start + close.len();
    Some(&text[start..end])
}

/// `item` as one RSS `<item>` element; `None` for a format the corpus does not make.
pub fn rss_item(item: &RawItem) -> Option<String> {
    match item.format {
        RawFormat::Rss => between(&item.payload, "<item>", "</item>").map(str::to_owned),
        RawFormat::Ninjs => {
            let ninjs: serde_json::Value = serde_json::from_str(&item.payload).ok()?;
            let text = |pointer: &str| ninjs.pointer(pointer).and_then(|v| v.as_str());
            let date = text("/versionCreated")
                .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
                .map_or_else(|| item.fetched_at.to_rfc2822(), |d| d.to_rfc2822());
            let link = match &item.origin {
                wire_model::OriginInfo::Http { url, .. } => url.clone(),
                _ => String::new(),
            };
            Some(format!(
                "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid>\
                 <pubDate>{date}</pubDate><description><![CDATA[{}]]></description></item>\n",
                escape_xml(text("/headlines/0/value").unwrap_or_default()),
                escape_xml(&link),
                escape_xml(&item.item_identity),
                text("/bodies/0/value")
                    .unwrap_or_default()
                    .replace("]]>", "]]&gt;"),
            ))
        }
        _ => None,
    }
}

#[derive(Debug)]
struct Entry {
    /// Unique over the server's life: the ETag names the window by these.
    seq: u64,
    appear: Instant,
    xml: Arc<str>,
}

/// The feeds and their scheduled items.
#[derive(Debug)]
pub struct CorpusFeeds {
    shards: usize,
    retain: Option<Duration>,
    next_seq: AtomicU64,
    feeds: HashMap<String, Mutex<Vec<Entry>>>,
    /// (feed id, guid) → when it appeared (wall clock).
    appeared: Mutex<HashMap<(String, String), DateTime<Utc>>>,
    ok: AtomicU64,
    not_modified: AtomicU64,
    not_found: AtomicU64,
    body_bytes: AtomicU64,
}

impl CorpusFeeds {
    /// The feeds `feeds` (from [`feeds_of`]) with no items yet; items stay listed for
    /// `retain` after they appear (`None`: for ever).
    pub fn new(feeds: &[String], shards: usize, retain: Option<Duration>) -> Arc<Self> {
        Arc::new(Self {
            shards,
            retain,
            next_seq: AtomicU64::new(0),
            feeds: feeds
                .iter()
                .map(|f| (f.clone(), Mutex::new(Vec::new())))
                .collect(),
            appeared: Mutex::new(HashMap::new()),
            ok: AtomicU64::new(0),
            not_modified: AtomicU64::new(0),
            not_found: AtomicU64::new(0),
            body_bytes: AtomicU64::new(0),
        })
    }

    /// Items appear at `offsets` from now (one per item, in order), or all now. Returns how
    /// many were scheduled (items of a format the corpus does not make, or of an unknown
    /// feed, are left out).
    pub fn schedule(&self, items: &[RawItem], offsets: Option<&[Duration]>) -> usize {
        let (now, now_utc) = (Instant::now(), Utc::now());
        let mut scheduled = 0;
        let mut appeared = self.appeared.lock().unwrap_or_else(|e| e.into_inner());
        for (index, item) in items.iter().enumerate() {
            let offset = offsets
                .and_then(|o| o.get(index))
                .copied()
                .unwrap_or_default();
            let feed = feed_of(item, self.shards);
            let (Some(entries), Some(xml)) = (self.feeds.get(&feed), rss_item(item)) else {
                continue;
            };
            let mut entries = entries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(retain) = self.retain {
                entries.retain(|e| now.saturating_duration_since(e.appear) <= retain);
            }
            entries.push(Entry {
                seq: self.next_seq.fetch_add(1, Ordering::Relaxed),
                appear: now + offset,
                xml: xml.into(),
            });
            let at = now_utc + chrono::Duration::from_std(offset).unwrap_or_default();
            appeared.insert((feed, item.item_identity.trim().to_owned()), at);
            scheduled += 1;
        }
        scheduled
    }

    /// Takes every item off every feed (the times they appeared are kept).
    pub fn clear(&self) {
        for entries in self.feeds.values() {
            entries.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    /// When the item `guid` of feed `feed` appeared, if it was scheduled.
    pub fn appeared_at(&self, feed: &str, guid: &str) -> Option<DateTime<Utc>> {
        let appeared = self.appeared.lock().unwrap_or_else(|e| e.into_inner());
        appeared.get(&(feed.to_owned(), guid.to_owned())).copied()
    }

    pub fn served(&self) -> Served {
        Served {
            ok: self.ok.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
            not_found: self.not_found.load(Ordering::Relaxed),
            body_bytes: self.body_bytes.load(Ordering::Relaxed),
        }
    }

    /// Feed `feed` now: its ETag and, unless `if_none_match` matches it, its document.
    /// `None` for an unknown feed.
    pub fn document(
        &self,
        feed: &str,
        if_none_match: Option<&str>,
    ) -> Option<(String, Option<String>)> {
        let now = Instant::now();
        let entries = self
            .feeds
            .get(feed)?
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // Entries are in order of appearance: the window is a contiguous range.
        let end = entries.partition_point(|e| e.appear <= now);
        let start = match self.retain {
            Some(retain) => {
                entries.partition_point(|e| now.saturating_duration_since(e.appear) > retain)
            }
            None => 0,
        }
        .min(end)
        .max(end.saturating_sub(MAX_ITEMS_PER_DOCUMENT));
        let window = &entries[start..end];
        let etag = format!(
            "\"{feed}-{}-{}\"",
            window.first().map_or(0, |e| e.seq),
            window.last().map_or(0, |e| e.seq + 1)
        );
        if if_none_match.is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag)) {
            return Some((etag, None));
        }
        let mut body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
             <title>{feed}</title><link>http://bench.invalid/{feed}/</link>\
             <description>Feed {feed} of wirefeed-bench pipeline</description><language>en</language>\n"
        );
        for entry in window.iter().rev() {
            body.push_str(&entry.xml);
        }
        body.push_str("</channel></rss>\n");
        Some((etag, Some(body)))
    }

    pub fn router(self: &Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/feeds/{name}", axum::routing::get(serve_feed))
            .with_state(self.clone())
    }
}

async fn serve_feed(
    State(server): State<Arc<CorpusFeeds>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let if_none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    let document = name
        .strip_suffix(".xml")
        .and_then(|feed| server.document(feed, if_none_match));
    let Some((etag, body)) = document else {
        server.not_found.fetch_add(1, Ordering::Relaxed);
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"x\""));
    let Some(body) = body else {
        server.not_modified.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    };
    server.ok.fetch_add(1, Ordering::Relaxed);
    server
        .body_bytes
        .fetch_add(body.len() as u64, Ordering::Relaxed);
    crate::feeds::rss_response(etag, body)
}

/// Serves `feeds` on 127.0.0.1 (a free port, returned) until `shutdown`.
pub async fn serve(
    feeds: Arc<CorpusFeeds>,
    shutdown: tokio_util::sync::CancellationToken,
) -> anyhow::Result<(u16, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, feeds.router())
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await;
    });
    Ok((port, task))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(count: usize) -> Vec<RawItem> {
        let documents = wire_corpus::sample_documents(40);
        let mut bytes = Vec::new();
        wire_corpus::raw_items::write(
            &documents,
            count,
            5,
            &mut bytes,
            &indicatif::ProgressBar::hidden(),
        )
        .expect("the corpus is written");
        bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .filter_map(|l| RawItem::decode(l).ok())
            .collect()
    }

    #[test]
    fn every_corpus_item_is_an_rss_item_the_fetcher_splits() {
        let items = corpus(120);
        assert!(items.iter().any(|i| i.format == RawFormat::Ninjs));
        assert!(items.iter().any(|i| i.format == RawFormat::Rss));
        let feeds = feeds_of(&items, 2);
        assert!(feeds.iter().any(|f| f.starts_with("reuters-")));
        let server = CorpusFeeds::new(&feeds, 2, None);
        assert_eq!(server.schedule(&items, None), items.len());
        let mut split_items = 0;
        for feed in &feeds {
            let (etag, body) = server.document(feed, None).expect("a known feed");
            let body = body.expect("a first poll gets the document");
            let parts = wirefeed_fetcher::split::split(RawFormat::Rss, body.as_bytes())
                .expect("the document splits");
            split_items += parts.len();
            assert_eq!(server.document(feed, Some(&etag)).map(|d| d.1), Some(None));
        }
        assert_eq!(split_items, items.len());
        let first = &items[0];
        assert!(
            server
                .appeared_at(&feed_of(first, 2), first.item_identity.trim())
                .is_some()
        );
        assert!(server.document("nope", None).is_none());
    }

    #[test]
    fn items_appear_at_their_time_and_age_out() {
        let items = corpus(30);
        let feeds = feeds_of(&items, 1);
        let server = CorpusFeeds::new(&feeds, 1, Some(Duration::ZERO));
        let later = vec![Duration::from_secs(3600); items.len()];
        server.schedule(&items, Some(&later));
        let feed = feed_of(&items[0], 1);
        let (_, body) = server.document(&feed, None).expect("a known feed");
        assert!(
            !body.unwrap_or_default().contains("<item>"),
            "nothing appeared yet"
        );
    }
}
