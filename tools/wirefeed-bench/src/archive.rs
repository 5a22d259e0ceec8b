//! `wirefeed-bench archive`: the desk's archive ([`wirefeed_desk::archive`]) at growing sizes,
//! each size a fresh index in a scratch directory, over enriched-like envelopes made from
//! Reuters-21578 ([`corpus`]):
//!
//! 1. indexing on the desk's one writer thread: articles/s through `add_article` and a commit
//!    every `commit_every` articles (the payloads are encoded before the clock starts; the
//!    decode the desk does per record is timed apart), CPU seconds of the process by thread;
//! 2. disk bytes per article after the last commit, once the background merges are idle;
//! 3. search latency (p50/p99/mean) of typical desk queries ([`QUERIES`]), facets always on;
//! 4. freshness: commit time with a few articles pending, and the enriched → searchable delay
//!    that gives with `desk.commit_interval_ms`;
//! 5. the baseline in the same run over the same envelopes (kept in memory): a linear scan that
//!    answers each query with the query language alone (`wire_query::parse`, `Facts::of`,
//!    `evaluate`) over the latest version of every article, counting matches and keeping the
//!    20 newest (no facets, so it is a lower bound of answering without an index).
//!
//! The archive's and the baseline's match counts are compared: they must agree. After the
//! searches, on the same index, the web desk's pages ([`crate::pages`]).

use crate::load::LatencySummary;
use crate::report::Machine;
use crate::{proc, thousands};
use anyhow::Context as _;
use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wire_corpus::republish::{self, CopyKind};
use wire_datasets::reuters::Document;
use wire_model::{Article, Body, Envelope, FamilyId, Headline, Place, SourceId, Subject, WireMeta};
use wirefeed_desk::archive::{Archive, ArchiveReader, ArchiveWriter};
use wirefeed_desk::schema::{article_key, article_time, version_of};
use wirefeed_desk::search::{Group, Interval, SearchRequest, SearchResponse};

/// The bus id of the bench's commits.
const BUS: &str = "bench";
/// Days the corpus spans.
const SPAN_DAYS: i64 = 30;
/// Hits per page, as the desk's default.
const LIMIT: usize = 20;
/// Facet values per facet.
const FACET_SIZE: usize = 10;
/// Most time spent on one query's timed runs before it stops short of `runs`.
const QUERY_BUDGET: Duration = Duration::from_secs(30);
/// Articles added one at a time, each followed by a commit, for the freshness figures.
const PROBES: usize = 20;

/// A typical desk search.
#[derive(Debug, Clone, Copy)]
pub struct DeskQuery {
    pub name: &'static str,
    pub query: &'static str,
    /// Only the last this many hours of the corpus.
    pub since_hours: Option<i64>,
    pub group: Option<Group>,
    pub histogram: Option<Interval>,
}

const fn query(name: &'static str, query: &'static str) -> DeskQuery {
    DeskQuery {
        name,
        query,
        since_hours: None,
        group: None,
        histogram: None,
    }
}

/// The searches measured at every size.
pub const QUERIES: [DeskQuery; 13] = [
    query("common word", "oil"),
    query("very common word", "said"),
    query("rare word", "sorghum"),
    query("two words", "oil opec"),
    query("phrase", "\"central bank\""),
    query("common phrase", "\"the company\""),
    query("field topic", "topic:crude"),
    query("field source", "source:outlet-7"),
    query("word AND NOT word", "oil NOT opec"),
    query("prefix", "econom*"),
    DeskQuery {
        group: Some(Group::Family),
        ..query("empty, group=family", "")
    },
    DeskQuery {
        histogram: Some(Interval::Hour),
        ..query("empty, histogram=hour", "")
    },
    DeskQuery {
        since_hours: Some(24),
        ..query("word, since 24h", "oil")
    },
];

/// What `bench archive` runs.
#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    /// Archive sizes (articles, every version counted), each a fresh index.
    pub sizes: Vec<usize>,
    /// Where the indexes are written (each size in its own subdirectory, deleted after).
    pub dir: PathBuf,
    pub seed: u64,
    /// Articles between commits while indexing.
    pub commit_every: usize,
    /// The writer's memory budget (`desk.writer_memory_mb`).
    pub heap_bytes: usize,
    /// `desk.commit_interval_ms`.
    pub commit_interval_ms: u64,
    /// Timed runs of each search.
    pub runs: usize,
    /// Runs of each baseline scan.
    pub baseline_runs: usize,
    pub baseline: bool,
    /// Keep each size's index directory.
    pub keep: bool,
    /// Timed requests of each web desk page ([`crate::pages`]); 0 skips the pages.
    pub page_runs: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArchiveReport {
    pub scenario: &'static str,
    pub machine: Machine,
    pub reuters_documents: usize,
    pub commit_every: usize,
    pub writer_memory_bytes: usize,
    pub commit_interval_ms: u64,
    pub runs: usize,
    pub baseline_runs: usize,
    pub limit: usize,
    pub sizes: Vec<SizeReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SizeReport {
    /// Envelopes written (every version).
    pub articles: usize,
    /// Latest versions (what a search looks through).
    pub latest_articles: usize,
    /// Agency updates written as version 2 of their original.
    pub second_versions: usize,
    pub generate_secs: f64,
    pub indexing: IndexingReport,
    pub disk: DiskReport,
    pub queries: Vec<QueryReport>,
    /// One stored envelope fetched by its key (`stored_payload`) and decoded, µs: about what
    /// each candidate of a query the index cannot answer exactly costs.
    pub fetch_decode_micros: f64,
    /// The web desk's pages over this index, after the searches.
    pub pages: Option<crate::pages::PagesReport>,
    pub freshness: FreshnessReport,
    pub peak_rss_bytes: Option<u64>,
    /// Wall-clock seconds of this size, from indexing to the end of the freshness probes.
    pub measured_secs: f64,
    /// CPU seconds other processes of the machine used meanwhile (a disturbed run shows here).
    pub other_processes_cpu_seconds: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexingReport {
    /// `add_article` and every commit, wall clock.
    pub secs: f64,
    pub articles_per_second: f64,
    /// CPU seconds of the whole process over the same time (the writer's own thread, tantivy's
    /// indexing thread and its merge threads).
    pub cpu_seconds: Option<f64>,
    pub articles_per_cpu_second: Option<f64>,
    /// CPU seconds by thread name over the same time; `(ended threads)` is what threads that
    /// ended before its end used (tantivy starts new indexing threads at each commit).
    pub thread_cpu_seconds: BTreeMap<String, f64>,
    /// Wall-clock seconds inside `add_article` (building the document, the newest-version
    /// lookup, handing it to tantivy's indexing thread); the rest of `secs` is commits.
    pub add_secs: f64,
    pub commits: usize,
    /// The periodic commits (each after `commit_every` articles).
    pub commit: LatencySummary,
    /// `Envelope::decode` of a record's payload (the desk's step before `add_article`), per
    /// article, over a sample.
    pub decode_micros_per_article: f64,
    pub payload_bytes_per_article: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiskReport {
    /// Right after the last commit.
    pub bytes_after_commit: u64,
    /// Once merges were idle, after one more commit (which deletes merged-away files).
    pub bytes: u64,
    pub bytes_per_article: f64,
    pub segments: usize,
    /// Whether the merge threads went idle before the wait's end.
    pub merges_settled: bool,
    pub settle_secs: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueryReport {
    pub name: &'static str,
    pub query: &'static str,
    pub since_hours: Option<i64>,
    pub group: Option<Group>,
    pub histogram: Option<Interval>,
    /// The first (untimed) run.
    pub first_ms: Option<f64>,
    pub archive: Option<LatencySummary>,
    pub total: Option<u64>,
    pub error: Option<String>,
    pub baseline: Option<LatencySummary>,
    pub baseline_total: Option<u64>,
    /// The archive and the baseline found the same number of articles.
    pub totals_agree: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FreshnessReport {
    pub probes: usize,
    /// `add_article` of one new article.
    pub add: LatencySummary,
    /// `commit` with that one article pending.
    pub commit: LatencySummary,
    /// A search for the article's own word right after the commit.
    pub search: LatencySummary,
    /// Probes the search found after their commit.
    pub found: usize,
    pub commit_interval_ms: u64,
    /// Enriched → searchable on average: half an interval of waiting, then the commit.
    pub delay_mean_ms: f64,
    /// At worst: a whole interval, then the slowest commit.
    pub delay_max_ms: f64,
}

/// The start of the corpus's time span.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 6, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Title case of a Reuters label (`west-germany` → `West Germany`).
fn label(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One envelope as the enricher writes it.
#[allow(clippy::too_many_arguments)]
fn envelope(
    document: &Document,
    uri: String,
    source: &str,
    family: &str,
    headline: &str,
    body: &str,
    time: DateTime<Utc>,
    original: Option<&str>,
    version: u32,
    urgency: u8,
    iso2: &HashMap<String, String>,
) -> Envelope {
    let subjects = document
        .topics
        .iter()
        .map(|topic| Subject {
            uri: Some(format!("urn:wirefeed:topic:{topic}")),
            name: Some(topic.clone()),
            rel: Some("about".to_owned()),
            ..Subject::default()
        })
        .collect();
    let places = document
        .places
        .iter()
        .map(|place| Place {
            literal: Some(
                iso2.get(place)
                    .cloned()
                    .unwrap_or_else(|| place.to_uppercase()),
            ),
            name: Some(label(place)),
            rel: Some("about".to_owned()),
            ..Place::default()
        })
        .collect();
    Envelope::new(
        Article {
            uri: uri.clone(),
            language: Some("en".to_owned()),
            urgency: Some(urgency),
            first_created: Some(time),
            version_created: Some(time),
            headlines: vec![Headline {
                role: Some("main".to_owned()),
                content_type: None,
                value: headline.to_owned(),
            }],
            bodies: vec![Body {
                role: None,
                content_type: Some("text/plain".to_owned()),
                char_count: None,
                word_count: None,
                value: body.to_owned(),
            }],
            subjects,
            places,
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from(source),
            item_identity: uri,
            format: Some(if original.is_some() { "rss" } else { "ninjs" }.to_owned()),
            fetched_at: time + Span::seconds(20),
            normalized_at: Some(time + Span::seconds(20)),
            enriched_at: Some(time + Span::seconds(20)),
            family: Some(FamilyId::new(family)),
            version_seq: Some(version),
            duplicate_of: original.map(str::to_owned),
            similarity: original.map(|_| 0.8),
            is_original: Some(original.is_none()),
            story: Some(format!("story-{family}")),
            ..WireMeta::default()
        },
    )
}

/// `count` enriched-like envelopes over 30 days made from `documents` (those with a body),
/// cycled in a seeded order: each story an original from `reuters` (a family of its own),
/// then zero to three outlet pickups of it ([`republish::republish_story`]: edited copies,
/// another uri and source, the same family) and, one story in ten, the agency's update as
/// version 2 of the original's uri. Places and topics are the story's Reuters labels
/// (places as ISO codes through `iso2` where it has them), urgency 1 to 8.
pub fn corpus(
    documents: &[Document],
    count: usize,
    seed: u64,
    iso2: &HashMap<String, String>,
) -> Vec<Envelope> {
    let stories: Vec<&Document> = documents
        .iter()
        .filter(|d| !d.body.trim().is_empty() && !d.title.trim().is_empty())
        .collect();
    let mut envelopes = Vec::with_capacity(count);
    if stories.is_empty() {
        return envelopes;
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut order: Vec<usize> = (0..stories.len()).collect();
    let span_micros = Span::days(SPAN_DAYS).num_microseconds().unwrap_or(0) as f64;
    let start = start_time();
    let mut slot = 0usize;
    while envelopes.len() < count {
        let (cycle, at) = (slot / stories.len(), slot % stories.len());
        if at == 0 {
            rng.shuffle(&mut order);
        }
        slot += 1;
        let story = stories[order[at]];
        let progress = envelopes.len() as f64 / count as f64;
        let time = start + Span::microseconds((progress * span_micros) as i64);
        let key = format!("{}-{cycle}", story.id);
        let uri = format!("urn:reuters21578:{key}");
        let family = format!("reuters21578-{key}");
        let urgency = rng.u8(1..=8);
        envelopes.push(envelope(
            story,
            uri.clone(),
            republish::AGENCY,
            &family,
            &story.title,
            &story.body,
            time,
            None,
            1,
            urgency,
            iso2,
        ));
        for copy in republish::republish_story(&mut rng, &key, story, &stories, time) {
            if envelopes.len() >= count {
                break;
            }
            let (uri, original, version) = match copy.copy.kind {
                CopyKind::Pickup => (copy.uri, Some(uri.as_str()), 1),
                CopyKind::AgencyUpdate => (uri.clone(), None, 2),
            };
            envelopes.push(envelope(
                story,
                uri,
                &copy.source,
                &family,
                &copy.copy.headline,
                &copy.copy.body,
                copy.time,
                original,
                version,
                urgency,
                iso2,
            ));
        }
    }
    envelopes
}

/// Whether each envelope is the newest version of its uri.
fn latest_flags(envelopes: &[Envelope]) -> Vec<bool> {
    let mut newest: HashMap<&str, (u64, usize)> = HashMap::new();
    for (i, envelope) in envelopes.iter().enumerate() {
        let version = version_of(envelope);
        let entry = newest
            .entry(envelope.article.uri.as_str())
            .or_insert((version, i));
        if version >= entry.0 {
            *entry = (version, i);
        }
    }
    let winners: HashSet<usize> = newest.values().map(|(_, i)| *i).collect();
    (0..envelopes.len()).map(|i| winners.contains(&i)).collect()
}

/// Reads `places_to_iso2.auto.json` (`{"map": {"usa": "US", ...}}`); empty when missing.
pub fn load_iso2(reuters: &Path) -> HashMap<String, String> {
    let path = reuters.join("places_to_iso2.auto.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return HashMap::new();
    };
    value["map"]
        .as_object()
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Sum of the sizes of the files in `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Segments in the index's `meta.json`.
fn segments(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("meta.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|meta| meta["segments"].as_array().map(Vec::len))
        .unwrap_or(0)
}

/// CPU seconds of the threads whose name says merge.
fn merge_cpu_seconds() -> f64 {
    proc::thread_cpu_seconds()
        .values()
        .filter(|(name, _)| name.contains("merge"))
        .map(|(_, seconds)| seconds)
        .sum()
}

/// Waits (up to two minutes) until the merge threads used no CPU and the directory did not
/// change for two seconds; returns whether it got there and how long it took.
fn settle(dir: &Path) -> (bool, f64) {
    let started = Instant::now();
    let mut last = (dir_bytes(dir), merge_cpu_seconds());
    let mut quiet = 0;
    while started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(500));
        let now = (dir_bytes(dir), merge_cpu_seconds());
        if now == last {
            quiet += 1;
            if quiet >= 4 {
                return (true, started.elapsed().as_secs_f64());
            }
        } else {
            quiet = 0;
        }
        last = now;
    }
    (false, started.elapsed().as_secs_f64())
}

fn cpu_by_thread(
    before: &HashMap<u64, (String, f64)>,
    after: &HashMap<u64, (String, f64)>,
) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for (tid, (name, seconds)) in after {
        let earlier = before.get(tid).map_or(0.0, |(_, s)| *s);
        let used = seconds - earlier;
        if used > 0.0 {
            *out.entry(name.clone()).or_default() += used;
        }
    }
    out
}

fn index(
    writer: &mut ArchiveWriter,
    envelopes: &[Envelope],
    commit_every: usize,
) -> anyhow::Result<IndexingReport> {
    let bar = wire_corpus::progress(envelopes.len(), "encoding");
    let payloads: Vec<Arc<[u8]>> = envelopes
        .iter()
        .map(|e| {
            bar.inc(1);
            Arc::from(e.encode())
        })
        .collect();
    bar.finish_and_clear();
    let payload_bytes: usize = payloads.iter().map(|p| p.len()).sum();
    let sample = payloads.len().min(20_000);
    let decode_started = Instant::now();
    for payload in &payloads[..sample] {
        std::hint::black_box(Envelope::decode(payload).context("a payload decodes")?);
    }
    let decode_micros = decode_started.elapsed().as_secs_f64() * 1e6 / sample.max(1) as f64;

    let now = Utc::now();
    let bar = wire_corpus::progress(envelopes.len(), "indexing");
    let threads_before = proc::thread_cpu_seconds();
    let cpu_before = proc::process_cpu_seconds();
    let started = Instant::now();
    let mut commits = Vec::new();
    let mut adding = Duration::ZERO;
    for (i, (envelope, payload)) in envelopes.iter().zip(payloads).enumerate() {
        let add_started = Instant::now();
        writer.add_article(envelope, payload, now)?;
        adding += add_started.elapsed();
        if (i + 1) % commit_every == 0 || i + 1 == envelopes.len() {
            let commit_started = Instant::now();
            writer.commit(BUS)?;
            commits.push(commit_started.elapsed());
            bar.set_position(i as u64 + 1);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu_seconds = proc::process_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let mut thread_cpu_seconds = cpu_by_thread(&threads_before, &proc::thread_cpu_seconds());
    if let Some(cpu) = cpu_seconds {
        let live: f64 = thread_cpu_seconds.values().sum();
        thread_cpu_seconds.insert("(ended threads)".to_owned(), (cpu - live).max(0.0));
    }
    bar.finish_and_clear();
    let articles = envelopes.len() as f64;
    Ok(IndexingReport {
        secs,
        articles_per_second: articles / secs,
        cpu_seconds,
        articles_per_cpu_second: cpu_seconds.filter(|c| *c > 0.0).map(|c| articles / c),
        thread_cpu_seconds,
        add_secs: adding.as_secs_f64(),
        commits: commits.len(),
        commit: LatencySummary::of(&commits),
        decode_micros_per_article: decode_micros,
        payload_bytes_per_article: payload_bytes as f64 / articles.max(1.0),
    })
}

fn request(query: &DeskQuery, end: DateTime<Utc>) -> SearchRequest {
    SearchRequest {
        query: query.query.to_owned(),
        since: query.since_hours.map(|hours| end - Span::hours(hours)),
        until: None,
        limit: LIMIT,
        group: query.group,
        histogram: query.histogram,
        facet_size: FACET_SIZE,
        ..SearchRequest::default()
    }
}

fn search_runs(
    reader: &ArchiveReader,
    request: &SearchRequest,
    runs: usize,
) -> (Option<f64>, Vec<Duration>, Result<SearchResponse, String>) {
    let started = Instant::now();
    let first = reader.search(request).map_err(|e| e.to_string());
    let first_ms = started.elapsed().as_secs_f64() * 1e3;
    if first.is_err() {
        return (Some(first_ms), Vec::new(), first);
    }
    let mut latencies = Vec::with_capacity(runs);
    let budget = Instant::now();
    let mut last = first;
    for _ in 0..runs {
        let started = Instant::now();
        last = reader.search(request).map_err(|e| e.to_string());
        latencies.push(started.elapsed());
        if last.is_err() || (budget.elapsed() > QUERY_BUDGET && latencies.len() >= 3) {
            break;
        }
    }
    (Some(first_ms), latencies, last)
}

/// The baseline's answer: matching latest versions and the newest `LIMIT` of them.
fn scan(
    envelopes: &[Envelope],
    latest: &[bool],
    expr: Option<&wire_query::Expr>,
    texts: &wire_query::Texts,
    since: Option<DateTime<Utc>>,
) -> (u64, Vec<usize>) {
    let mut total = 0u64;
    let mut newest: BinaryHeap<Reverse<(DateTime<Utc>, usize)>> = BinaryHeap::new();
    for (i, envelope) in envelopes.iter().enumerate() {
        if !latest[i] {
            continue;
        }
        let time = article_time(envelope);
        if since.is_some_and(|since| time < since) {
            continue;
        }
        if let Some(expr) = expr
            && !wire_query::evaluate(expr, &wire_query::Facts::of(envelope, texts))
        {
            continue;
        }
        total += 1;
        newest.push(Reverse((time, i)));
        if newest.len() > LIMIT {
            newest.pop();
        }
    }
    (total, newest.into_iter().map(|Reverse((_, i))| i).collect())
}

fn baseline_runs(
    envelopes: &[Envelope],
    latest: &[bool],
    query: &DeskQuery,
    end: DateTime<Utc>,
    runs: usize,
) -> anyhow::Result<(LatencySummary, u64)> {
    let since = query.since_hours.map(|hours| end - Span::hours(hours));
    let mut latencies = Vec::new();
    let mut total = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        // Parsing and the automaton are part of answering, as for the archive.
        let expr = if query.query.trim().is_empty() {
            None
        } else {
            Some(wire_query::parse(query.query).map_err(|e| anyhow::anyhow!("{e}"))?)
        };
        let texts = match &expr {
            Some(expr) => wire_query::Texts::of([expr])?,
            None => wire_query::Texts::none(),
        };
        let (found, newest) = scan(envelopes, latest, expr.as_ref(), &texts, since);
        std::hint::black_box(newest);
        latencies.push(started.elapsed());
        total = found;
    }
    Ok((LatencySummary::of(&latencies), total))
}

/// µs to fetch one stored envelope by its key and decode it, over 2,000 spread articles.
fn fetch_decode(
    reader: &ArchiveReader,
    envelopes: &[Envelope],
    latest: &[bool],
) -> anyhow::Result<f64> {
    let step = (envelopes.len() / 2_000).max(1);
    let keys: Vec<String> = (0..envelopes.len())
        .step_by(step)
        .filter(|i| latest[*i])
        .map(|i| article_key(&envelopes[i].article.uri, version_of(&envelopes[i])))
        .collect();
    let started = Instant::now();
    for key in &keys {
        let payload = reader
            .stored_payload(key)?
            .context("every written article is stored")?;
        std::hint::black_box(Envelope::decode(&payload).context("a payload decodes")?);
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / keys.len().max(1) as f64)
}

/// A new article with a word of its own, for the freshness probes.
fn probe(n: usize, time: DateTime<Utc>) -> Envelope {
    let uri = format!("urn:bench:probe:{n}");
    let word = format!("benchprobe{n}x");
    let document = Document {
        id: 0,
        split: wire_datasets::reuters::Split::NotUsed,
        topics_indexed: false,
        date: None,
        topics: vec!["crude".to_owned()],
        places: vec!["usa".to_owned()],
        title: String::new(),
        dateline: String::new(),
        body: String::new(),
    };
    envelope(
        &document,
        uri,
        republish::AGENCY,
        &format!("probe-{n}"),
        &format!("Oil prices {word} rise"),
        "Oil prices rose on Monday, traders said.",
        time,
        None,
        1,
        3,
        &HashMap::new(),
    )
}

fn freshness(
    writer: &mut ArchiveWriter,
    reader: &ArchiveReader,
    end: DateTime<Utc>,
    commit_interval_ms: u64,
) -> anyhow::Result<FreshnessReport> {
    let (mut adds, mut commits, mut searches) = (Vec::new(), Vec::new(), Vec::new());
    let mut found = 0;
    for n in 0..PROBES {
        let envelope = probe(n, end);
        let payload: Arc<[u8]> = Arc::from(envelope.encode());
        let started = Instant::now();
        writer.add_article(&envelope, payload, Utc::now())?;
        adds.push(started.elapsed());
        let started = Instant::now();
        writer.commit(BUS)?;
        commits.push(started.elapsed());
        let started = Instant::now();
        let response = reader
            .search(&SearchRequest {
                query: format!("benchprobe{n}x"),
                limit: LIMIT,
                facet_size: FACET_SIZE,
                ..SearchRequest::default()
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        searches.push(started.elapsed());
        if response.total == 1 {
            found += 1;
        }
        // Commits come an interval apart in the desk: let the merges they start run.
        std::thread::sleep(Duration::from_millis(commit_interval_ms));
    }
    let commit = LatencySummary::of(&commits);
    let interval = commit_interval_ms as f64;
    Ok(FreshnessReport {
        probes: PROBES,
        add: LatencySummary::of(&adds),
        delay_mean_ms: interval / 2.0 + commit.mean_ms,
        delay_max_ms: interval + commit.max_ms,
        commit,
        search: LatencySummary::of(&searches),
        found,
        commit_interval_ms,
    })
}

/// Runs every size over envelopes made from `documents`, places mapped through `iso2`
/// ([`load_iso2`]).
pub fn run(
    options: &ArchiveOptions,
    documents: &[Document],
    iso2: &HashMap<String, String>,
) -> anyhow::Result<ArchiveReport> {
    anyhow::ensure!(options.commit_every > 0, "commit every must be at least 1");
    let mut sizes = Vec::new();
    for &count in &options.sizes {
        eprintln!("archive: {} articles", thousands(count as f64));
        let started = Instant::now();
        let envelopes = corpus(documents, count, options.seed, iso2);
        let latest = latest_flags(&envelopes);
        let generate_secs = started.elapsed().as_secs_f64();
        let end = envelopes
            .iter()
            .map(article_time)
            .max()
            .unwrap_or_else(start_time);
        let dir = options.dir.join(format!("archive-{count}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("failed to clear {}", dir.display()))?;
        }
        let (mut writer, reader) = Archive::open(&dir, options.heap_bytes)?;
        let measured = Instant::now();
        let machine_before = proc::machine_busy_cpu_seconds();
        let process_before = proc::process_cpu_seconds();
        eprintln!("archive: indexing");
        let indexing = index(&mut writer, &envelopes, options.commit_every)?;
        let bytes_after_commit = dir_bytes(&dir);
        eprintln!("archive: waiting for merges");
        let (merges_settled, settle_secs) = settle(&dir);
        writer.commit(BUS)?;
        let bytes = dir_bytes(&dir);
        let disk = DiskReport {
            bytes_after_commit,
            bytes,
            bytes_per_article: bytes as f64 / envelopes.len().max(1) as f64,
            segments: segments(&dir),
            merges_settled,
            settle_secs,
        };
        let mut queries = Vec::new();
        for query in &QUERIES {
            eprintln!("archive: search {:?}", query.query);
            let (first_ms, latencies, last) =
                search_runs(&reader, &request(query, end), options.runs);
            let (total, error) = match last {
                Ok(response) => (Some(response.total), None),
                Err(error) => (None, Some(error)),
            };
            let (baseline, baseline_total) = if options.baseline {
                eprintln!("archive: baseline {:?}", query.query);
                let (summary, total) =
                    baseline_runs(&envelopes, &latest, query, end, options.baseline_runs)?;
                (Some(summary), Some(total))
            } else {
                (None, None)
            };
            queries.push(QueryReport {
                name: query.name,
                query: query.query,
                since_hours: query.since_hours,
                group: query.group,
                histogram: query.histogram,
                first_ms,
                archive: (!latencies.is_empty()).then(|| LatencySummary::of(&latencies)),
                totals_agree: total.zip(baseline_total).map(|(a, b)| a == b),
                total,
                error,
                baseline,
                baseline_total,
            });
        }
        let fetch_decode_micros = fetch_decode(&reader, &envelopes, &latest)?;
        let pages = (options.page_runs > 0)
            .then(|| crate::pages::run(&reader, &envelopes, options.page_runs))
            .transpose()?;
        eprintln!("archive: freshness");
        let freshness = freshness(&mut writer, &reader, end, options.commit_interval_ms)?;
        let other_processes_cpu_seconds = match (
            machine_before,
            proc::machine_busy_cpu_seconds(),
            process_before,
            proc::process_cpu_seconds(),
        ) {
            (Some(m0), Some(m1), Some(p0), Some(p1)) => Some(((m1 - m0) - (p1 - p0)).max(0.0)),
            _ => None,
        };
        sizes.push(SizeReport {
            articles: envelopes.len(),
            latest_articles: latest.iter().filter(|l| **l).count(),
            second_versions: envelopes.iter().filter(|e| version_of(e) > 1).count(),
            generate_secs,
            indexing,
            disk,
            queries,
            fetch_decode_micros,
            pages,
            freshness,
            peak_rss_bytes: proc::peak_rss_bytes(),
            measured_secs: measured.elapsed().as_secs_f64(),
            other_processes_cpu_seconds,
        });
        drop(writer);
        drop(reader);
        drop(envelopes);
        if !options.keep {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("failed to delete {}", dir.display()))?;
        }
    }
    Ok(ArchiveReport {
        scenario: "archive",
        machine: Machine::this(),
        reuters_documents: documents.len(),
        commit_every: options.commit_every,
        writer_memory_bytes: options.heap_bytes,
        commit_interval_ms: options.commit_interval_ms,
        runs: options.runs,
        baseline_runs: options.baseline_runs,
        limit: LIMIT,
        sizes,
    })
}

fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// The first words of a search's error, for the table (the JSON has all of it).
fn short_error(error: &str) -> String {
    let short: String = error.chars().take(40).collect();
    format!("error: {short}…")
}

fn latency(summary: Option<&LatencySummary>) -> String {
    summary.map_or("-".to_owned(), |s| {
        format!("{} / {} / {}", ms(s.p50_ms), ms(s.p99_ms), ms(s.mean_ms))
    })
}

/// Prints the report as tables, one per size.
pub fn print(report: &ArchiveReport) {
    for size in &report.sizes {
        let indexing = &size.indexing;
        println!(
            "\narchive: {} articles ({} latest, {} second versions), commit every {}, writer {} MB",
            thousands(size.articles as f64),
            thousands(size.latest_articles as f64),
            thousands(size.second_versions as f64),
            thousands(report.commit_every as f64),
            report.writer_memory_bytes >> 20,
        );
        let threads = indexing
            .thread_cpu_seconds
            .iter()
            .filter(|(_, s)| **s >= 0.5)
            .map(|(name, s)| format!("{name} {s:.1}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = vec![
            vec![
                "indexing articles/s (add + commit)".to_owned(),
                format!(
                    "{} ({:.1} s)",
                    thousands(indexing.articles_per_second),
                    indexing.secs
                ),
            ],
            vec![
                "articles per CPU second (process)".to_owned(),
                indexing
                    .articles_per_cpu_second
                    .map_or("n/a".to_owned(), |r| {
                        format!(
                            "{} ({:.1} CPU s: {threads})",
                            thousands(r),
                            indexing.cpu_seconds.unwrap_or(0.0)
                        )
                    }),
            ],
            vec![
                "  of which in add_article / in commits".to_owned(),
                format!(
                    "{:.1} s / {:.1} s",
                    indexing.add_secs,
                    indexing.secs - indexing.add_secs
                ),
            ],
            vec![
                "payload decode µs/article (not in the above)".to_owned(),
                format!(
                    "{:.1} ({:.0} payload bytes/article)",
                    indexing.decode_micros_per_article, indexing.payload_bytes_per_article
                ),
            ],
            vec![
                format!("periodic commit p50/p99/mean ms (n={})", indexing.commits),
                latency(Some(&indexing.commit)),
            ],
            vec![
                "disk bytes/article".to_owned(),
                format!(
                    "{:.0} ({:.0} MiB, {} segments; {:.0} MiB right after the commit; merges {} after {:.0} s)",
                    size.disk.bytes_per_article,
                    size.disk.bytes as f64 / 1048576.0,
                    size.disk.segments,
                    size.disk.bytes_after_commit as f64 / 1048576.0,
                    if size.disk.merges_settled {
                        "idle"
                    } else {
                        "still running"
                    },
                    size.disk.settle_secs
                ),
            ],
            vec![
                "stored envelope fetch + decode µs".to_owned(),
                format!("{:.1}", size.fetch_decode_micros),
            ],
            vec![
                "commit with 1 pending p50/p99/mean ms".to_owned(),
                latency(Some(&size.freshness.commit)),
            ],
            vec![
                format!(
                    "enriched→searchable at a {} ms interval",
                    size.freshness.commit_interval_ms
                ),
                format!(
                    "~{} ms mean, {} ms worst ({}/{} probes found right after their commit)",
                    ms(size.freshness.delay_mean_ms),
                    ms(size.freshness.delay_max_ms),
                    size.freshness.found,
                    size.freshness.probes
                ),
            ],
            vec![
                "other processes' CPU while measuring".to_owned(),
                size.other_processes_cpu_seconds
                    .map_or("n/a".to_owned(), |s| {
                        format!("{s:.1} CPU s over {:.0} s", size.measured_secs)
                    }),
            ],
            vec![
                "peak RSS MiB (bench process)".to_owned(),
                size.peak_rss_bytes
                    .map_or("n/a".to_owned(), |b| format!("{:.0}", b as f64 / 1048576.0)),
            ],
        ];
        crate::print_table(&["", "archive"], &rows);
        println!();
        let rows: Vec<Vec<String>> = size
            .queries
            .iter()
            .map(|q| {
                let mut options = Vec::new();
                if let Some(hours) = q.since_hours {
                    options.push(format!("since {hours}h"));
                }
                if let Some(group) = q.group {
                    options.push(format!("group {group:?}").to_lowercase());
                }
                if let Some(histogram) = q.histogram {
                    options.push(format!("histogram {histogram:?}").to_lowercase());
                }
                let shown = if q.query.is_empty() {
                    "(empty)".to_owned()
                } else {
                    q.query.to_owned()
                };
                let speedup = match (&q.archive, &q.baseline) {
                    (Some(a), Some(b)) if a.p50_ms > 0.0 => format!("{:.0}x", b.p50_ms / a.p50_ms),
                    _ => "-".to_owned(),
                };
                vec![
                    format!("{shown} {}", options.join(" "))
                        .trim_end()
                        .to_owned(),
                    q.error
                        .as_ref()
                        .map_or_else(|| latency(q.archive.as_ref()), |e| short_error(e)),
                    q.total.map_or("-".to_owned(), |t| thousands(t as f64)),
                    latency(q.baseline.as_ref()),
                    match q.totals_agree {
                        Some(true) => "yes".to_owned(),
                        Some(false) => {
                            format!("NO ({})", q.baseline_total.map_or(0.0, |t| t as f64))
                        }
                        None => "-".to_owned(),
                    },
                    speedup,
                ]
            })
            .collect();
        crate::print_table(
            &[
                "query",
                "archive p50/p99/mean ms",
                "matches",
                "scan p50/p99/mean ms",
                "same count",
                "scan/archive",
            ],
            &rows,
        );
        if let Some(pages) = &size.pages {
            crate::pages::print(pages);
        }
    }
}
