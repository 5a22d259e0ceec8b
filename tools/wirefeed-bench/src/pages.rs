//! The web desk's pages over the index `bench archive` built, after its searches: each page
//! requested in process through the desk's whole router ([`wirefeed_desk::web::desk_router`],
//! `tower::ServiceExt::oneshot`, the body read to its end), a few warm-up requests first, then
//! `runs` timed ones, one at a time. Server time is from the request to the last byte of the
//! body (no network). The goal (the issue): a page under 200 KB, p99 under 200 ms at a million
//! archived articles.
//!
//! Where a page's time goes: the archive reads the page makes, made directly between its
//! requests ([`parts`]: the searches, the family lookups of its cards, the article's versions,
//! the story), and each search again without its histogram, ungrouped and for one hit
//! ([`search_split`]). The page's p50 less the parts' p50s is rendering and routing, within
//! the noise of the parts' own timings (tens of ms on the wire page at 1M: use a profiler for
//! rendering's share).

use crate::load::LatencySummary;
use anyhow::Context as _;
use axum::body::Body;
use axum::http::Request;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt as _;
use wire_model::Envelope;
use wirefeed_desk::api::ApiState;
use wirefeed_desk::archive::ArchiveReader;
use wirefeed_desk::schema::version_of;
use wirefeed_desk::search::{Group, Interval, SearchRequest, SearchResponse};
use wirefeed_desk::web::operations::Operations;
use wirefeed_desk::web::session::Sessions;
use wirefeed_desk::web::{WebState, desk_router, templates};

/// Untimed requests of each page first.
pub const WARMUP: usize = 3;
/// The goals: a page's body under this many bytes (200 KB) ...
pub const GOAL_BYTES: usize = 200_000;
/// ... and its server time under this at p99.
pub const GOAL_P99_MS: f64 = 200.0;
/// Runs of a page's archive reads, for the split, spread over its timed requests.
const PART_RUNS: usize = 10;
/// As the desk's pages ask (`web/wire.rs`, `web/article.rs`): stories per column or search
/// page, facet values of a search page, families of a story drawn on its timeline.
const COLUMN_STORIES: usize = 25;
const SEARCH_FACETS: usize = 12;
const TIMELINE_FAMILIES: usize = 40;

/// The live wire's columns: everything, a common word, a field.
const COLUMNS: [&str; 3] = ["", "oil", "urgency:<=2"];
/// The search page's typical query.
const SEARCH: &str = "oil";

/// The family the article, story and family pages show: the corpus's family with the most
/// copies (the newest such), and whether its original has a second version.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub family: String,
    pub original_uri: String,
    pub story: String,
    /// Copies in the family (the original and its pickups), latest versions.
    pub copies: usize,
    pub original_versions: u64,
    /// Families of the story (the corpus gives each story one family).
    pub story_families: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PagesReport {
    pub warmup: usize,
    pub runs: usize,
    pub goal_bytes: usize,
    pub goal_p99_ms: f64,
    pub target: Target,
    pub pages: Vec<PageReport>,
    /// Wall-clock seconds of the page measurements.
    pub secs: f64,
    /// CPU seconds other processes of the machine used meanwhile (a disturbed run shows here).
    pub other_processes_cpu_seconds: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageReport {
    pub name: &'static str,
    pub path: String,
    /// HTTP status of the last request (every one is checked to be 200).
    pub status: u16,
    pub server: LatencySummary,
    /// The largest body of the requests.
    pub bytes: usize,
    /// Family cards on the page (`<article class="card`).
    pub cards: usize,
    pub p99_met: bool,
    pub bytes_met: bool,
    /// p50 ms of each archive read the page makes, made directly between its requests
    /// ([`PART_RUNS`] runs).
    pub parts_p50_ms: BTreeMap<String, f64>,
    /// Family lookups the page makes.
    pub family_lookups: usize,
    /// The page's p50 less its parts' p50s: rendering, routing, the blocking pool.
    pub rest_p50_ms: f64,
    /// p50 ms of each search of the page in variants ([`search_split`]), made directly.
    pub search_split_p50_ms: BTreeMap<String, f64>,
}

/// A page and the archive reads it makes.
enum Page {
    Wire(&'static [&'static str]),
    Search(&'static str),
    Article { uri: String, story: String },
    Story(String),
    Family(String),
}

/// `text` percent-encoded for a query value or a path segment.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Page {
    fn path(&self) -> String {
        match self {
            Self::Wire(columns) => {
                let query: Vec<String> =
                    columns.iter().map(|c| format!("c={}", encode(c))).collect();
                format!("/?{}", query.join("&"))
            }
            Self::Search(query) => format!("/search?q={}", encode(query)),
            Self::Article { uri, .. } => format!("/article?uri={}", encode(uri)),
            Self::Story(id) => format!("/story/{}", encode(id)),
            Self::Family(id) => format!("/family/{}", encode(id)),
        }
    }
}

/// What the corpus says of one family.
#[derive(Default)]
struct Seen<'a> {
    uris: Vec<&'a str>,
    original: Option<&'a str>,
    story: &'a str,
    /// The original's newest version.
    versions: u64,
    /// The index of its last envelope.
    last: usize,
}

/// The family with the most copies (newest first among equals).
fn target(envelopes: &[Envelope]) -> anyhow::Result<Target> {
    let mut families: HashMap<&str, Seen> = HashMap::new();
    for (i, envelope) in envelopes.iter().enumerate() {
        let Some(family) = envelope.wire.family.as_ref() else {
            continue;
        };
        let seen = families.entry(family.as_str()).or_default();
        let uri = envelope.article.uri.as_str();
        if !seen.uris.contains(&uri) {
            seen.uris.push(uri);
        }
        if envelope.wire.is_original == Some(true) {
            seen.original = Some(uri);
            seen.versions = seen.versions.max(version_of(envelope));
        }
        seen.story = envelope.wire.story.as_deref().unwrap_or_default();
        seen.last = i;
    }
    let (family, seen) = families
        .into_iter()
        .filter(|(_, seen)| seen.original.is_some())
        .max_by_key(|(_, seen)| (seen.uris.len(), seen.versions, seen.last))
        .context("the corpus has a family with an original")?;
    let story_families = envelopes
        .iter()
        .filter(|e| e.wire.story.as_deref() == Some(seen.story))
        .filter_map(|e| e.wire.family.as_ref().map(|f| f.as_str()))
        .collect::<std::collections::HashSet<_>>()
        .len();
    Ok(Target {
        family: family.to_owned(),
        original_uri: seen.original.unwrap_or_default().to_owned(),
        story: seen.story.to_owned(),
        copies: seen.uris.len(),
        original_versions: seen.versions,
        story_families,
    })
}

/// The request of a wire column (`facet_size` 0: no facets) or the search page (12), as the desk makes it.
fn request(query: &str, facet_size: usize) -> SearchRequest {
    SearchRequest {
        query: query.to_owned(),
        group: Some(Group::Story),
        limit: COLUMN_STORIES,
        histogram: Some(Interval::Day),
        facet_size,
        ..SearchRequest::default()
    }
}

/// The families `blocks_of` looks up for a search's cards: one per family in each story.
fn card_families(response: &SearchResponse) -> Vec<String> {
    let mut out = Vec::new();
    for group in response.groups.iter().flatten() {
        let mut seen: Vec<&str> = Vec::new();
        for hit in &group.hits {
            if let Some(family) = hit.family.as_deref()
                && !seen.contains(&family)
            {
                seen.push(family);
                out.push(family.to_owned());
            }
        }
    }
    out
}

type Parts = Vec<(String, Duration)>;

fn timed<T>(parts: &mut Parts, name: &str, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = work();
    parts.push((name.to_owned(), started.elapsed()));
    out
}

/// A query as the tables show it.
fn shown(query: &str) -> String {
    if query.is_empty() {
        "(everything)".to_owned()
    } else {
        format!("`{query}`")
    }
}

/// The searches `page` makes: query and facet size.
fn searches(page: &Page) -> Vec<(&'static str, usize)> {
    match page {
        Page::Wire(columns) => columns.iter().map(|query| (*query, 1)).collect(),
        Page::Search(query) => vec![(*query, SEARCH_FACETS)],
        _ => Vec::new(),
    }
}

/// Each search of `page` as the page asks, without its histogram, ungrouped (the 25 newest
/// hits instead of up to 200 to group) and for one hit without a histogram (the count and
/// the facets): what its histogram and its grouped hits cost.
fn search_split(reader: &ArchiveReader, page: &Page) -> anyhow::Result<Parts> {
    let mut parts = Vec::new();
    for (query, facets) in searches(page) {
        let full = request(query, facets);
        let variants = [
            ("as asked", full.clone()),
            (
                "no histogram",
                SearchRequest {
                    histogram: None,
                    ..full.clone()
                },
            ),
            (
                "ungrouped 25 hits, no histogram",
                SearchRequest {
                    histogram: None,
                    group: None,
                    ..full.clone()
                },
            ),
            (
                "1 hit, no histogram",
                SearchRequest {
                    histogram: None,
                    group: None,
                    limit: 1,
                    ..full
                },
            ),
        ];
        for (variant, request) in variants {
            timed(&mut parts, &format!("{}: {variant}", shown(query)), || {
                reader.search(&request)
            })?;
        }
    }
    Ok(parts)
}

/// Timings of named parts over several runs (a part named twice in a run counts as their sum).
#[derive(Default)]
struct PartTimes(BTreeMap<String, Vec<Duration>>);

impl PartTimes {
    fn add(&mut self, parts: Parts) {
        let mut summed: BTreeMap<String, Duration> = BTreeMap::new();
        for (part, elapsed) in parts {
            *summed.entry(part).or_default() += elapsed;
        }
        for (part, elapsed) in summed {
            self.0.entry(part).or_default().push(elapsed);
        }
    }

    fn p50s(&self) -> BTreeMap<String, f64> {
        self.0
            .iter()
            .map(|(part, times)| (part.clone(), LatencySummary::of(times).p50_ms))
            .collect()
    }
}

/// Looks up `families` one by one, as the pages do.
fn lookups(reader: &ArchiveReader, families: &[String], parts: &mut Parts) -> anyhow::Result<()> {
    timed(parts, "family lookups", || {
        families
            .iter()
            .try_for_each(|id| reader.family(id).map(drop))
    })?;
    Ok(())
}

/// The archive reads of `page`, each timed, and how many family lookups they were.
fn parts(reader: &ArchiveReader, page: &Page) -> anyhow::Result<(Parts, usize)> {
    let mut parts = Vec::new();
    let mut families = Vec::new();
    match page {
        Page::Wire(columns) => {
            for query in *columns {
                let name = format!("search {}", shown(query));
                let response = timed(&mut parts, &name, || reader.search(&request(query, 0)))?;
                families.extend(card_families(&response));
            }
        }
        Page::Search(query) => {
            let response = timed(&mut parts, "search", || {
                reader.search(&request(query, SEARCH_FACETS))
            })?;
            families = card_families(&response);
        }
        Page::Article { uri, story } => {
            let versions = timed(&mut parts, "article versions", || {
                reader.article_versions(uri)
            })?;
            if let Some(family) = versions.last().and_then(|v| v.wire.family.as_ref()) {
                families.push(family.as_str().to_owned());
            }
            families.extend(story_families(reader, story, &mut parts)?);
        }
        Page::Story(story) => families = story_families(reader, story, &mut parts)?,
        Page::Family(id) => families.push(id.clone()),
    }
    lookups(reader, &families, &mut parts)?;
    Ok((parts, families.len()))
}

/// The story read, and the families its timeline looks up.
fn story_families(
    reader: &ArchiveReader,
    story: &str,
    parts: &mut Parts,
) -> anyhow::Result<Vec<String>> {
    let view = timed(parts, "story", || reader.story(story))?;
    Ok(view
        .map(|view| {
            view.families
                .iter()
                .take(TIMELINE_FAMILIES + 1)
                .map(|f| f.family.clone())
                .collect()
        })
        .unwrap_or_default())
}

/// One request through the router: status, body bytes, cards, time to the body's end.
async fn fetch(router: &axum::Router, path: &str) -> anyhow::Result<(u16, usize, usize, Duration)> {
    let request = Request::builder().uri(path).body(Body::empty())?;
    let started = Instant::now();
    let Ok(response) = router.clone().oneshot(request).await;
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    let elapsed = started.elapsed();
    let cards = body
        .windows(b"<article class=\"card".len())
        .filter(|w| *w == b"<article class=\"card")
        .count();
    Ok((status, body.len(), cards, elapsed))
}

async fn measure(
    router: &axum::Router,
    reader: &ArchiveReader,
    name: &'static str,
    page: &Page,
    runs: usize,
) -> anyhow::Result<PageReport> {
    let path = page.path();
    eprintln!("archive: page {path}");
    let (mut latencies, mut bytes, mut cards, mut status) = (Vec::new(), 0, 0, 0);
    let (mut page_parts, mut split, mut family_lookups) =
        (PartTimes::default(), PartTimes::default(), 0);
    // The parts are timed between the page's requests, so that both see the machine alike.
    let stride = (runs / PART_RUNS).max(1);
    for run in 0..WARMUP + runs {
        let (code, size, count, elapsed) = fetch(router, &path).await?;
        anyhow::ensure!(code == 200, "{path} answered {code}");
        (status, cards) = (code, count);
        bytes = bytes.max(size);
        if run < WARMUP {
            continue;
        }
        latencies.push(elapsed);
        if (run - WARMUP).is_multiple_of(stride) {
            let (timings, lookups) = parts(reader, page)?;
            page_parts.add(timings);
            family_lookups = lookups;
            split.add(search_split(reader, page)?);
        }
    }
    let server = LatencySummary::of(&latencies);
    let parts_p50_ms = page_parts.p50s();
    let search_split_p50_ms = split.p50s();
    Ok(PageReport {
        name,
        path,
        status,
        p99_met: server.p99_ms < GOAL_P99_MS,
        bytes_met: bytes < GOAL_BYTES,
        rest_p50_ms: server.p50_ms - parts_p50_ms.values().sum::<f64>(),
        server,
        bytes,
        cards,
        parts_p50_ms,
        family_lookups,
        search_split_p50_ms,
    })
}

/// Measures every page over `reader`'s archive, made of `envelopes`, `runs` timed requests
/// each. Runs on a tokio runtime of its own, on a thread of its own.
pub fn run(
    reader: &ArchiveReader,
    envelopes: &[Envelope],
    runs: usize,
) -> anyhow::Result<PagesReport> {
    let target = target(envelopes)?;
    let pages = [
        ("live wire, 3 columns", Page::Wire(&COLUMNS)),
        ("search, a word", Page::Search(SEARCH)),
        ("search, everything", Page::Search("")),
        (
            "article",
            Page::Article {
                uri: target.original_uri.clone(),
                story: target.story.clone(),
            },
        ),
        ("story", Page::Story(target.story.clone())),
        ("family", Page::Family(target.family.clone())),
    ];
    let web = WebState {
        reader: reader.clone(),
        sessions: Sessions::new(None, false, Duration::from_secs(600)),
        operations: Operations::InProcess(axum::Router::new()),
        templates: Arc::new(templates()?),
    };
    let api = ApiState {
        reader: reader.clone(),
        live: tokio::sync::broadcast::channel(16).0,
    };
    let router = desk_router(web, api);
    let started = Instant::now();
    let machine_before = crate::proc::machine_busy_cpu_seconds();
    let process_before = crate::proc::process_cpu_seconds();
    let reports = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async {
                    let mut reports = Vec::new();
                    for (name, page) in &pages {
                        reports.push(measure(&router, reader, name, page, runs).await?);
                    }
                    anyhow::Ok(reports)
                })
            })
            .join()
            .map_err(|_| anyhow::anyhow!("the page measurement panicked"))?
    })?;
    let other_processes_cpu_seconds = match (
        machine_before,
        crate::proc::machine_busy_cpu_seconds(),
        process_before,
        crate::proc::process_cpu_seconds(),
    ) {
        (Some(m0), Some(m1), Some(p0), Some(p1)) => Some(((m1 - m0) - (p1 - p0)).max(0.0)),
        _ => None,
    };
    Ok(PagesReport {
        secs: started.elapsed().as_secs_f64(),
        other_processes_cpu_seconds,
        warmup: WARMUP,
        runs,
        goal_bytes: GOAL_BYTES,
        goal_p99_ms: GOAL_P99_MS,
        target,
        pages: reports,
    })
}

/// Milliseconds with two decimals below 10, one above.
fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    }
}

/// Prints the pages' table.
pub fn print(report: &PagesReport) {
    let t = &report.target;
    println!(
        "\nweb desk pages: {} timed requests each after {} warm-up, in process through the router; \
         article/story/family: {} ({} copies, original in {} versions, story of {} family); \
         other processes' CPU meanwhile: {}",
        report.runs,
        report.warmup,
        t.family,
        t.copies,
        t.original_versions,
        t.story_families,
        report
            .other_processes_cpu_seconds
            .map_or("n/a".to_owned(), |s| format!(
                "{s:.1} CPU s over {:.0} s",
                report.secs
            )),
    );
    let rows: Vec<Vec<String>> = report
        .pages
        .iter()
        .map(|p| {
            let parts: Vec<String> = p
                .parts_p50_ms
                .iter()
                .map(|(part, p50)| format!("{part} {}", ms(*p50)))
                .collect();
            vec![
                p.name.to_owned(),
                format!(
                    "{} / {} / {}",
                    ms(p.server.p50_ms),
                    ms(p.server.p99_ms),
                    ms(p.server.max_ms)
                ),
                crate::thousands(p.bytes as f64),
                p.cards.to_string(),
                if p.p99_met { "yes" } else { "NO" }.to_owned(),
                if p.bytes_met { "yes" } else { "NO" }.to_owned(),
                format!(
                    "{}; {} lookups; rest {}",
                    parts.join(", "),
                    p.family_lookups,
                    ms(p.rest_p50_ms)
                ),
            ]
        })
        .collect();
    crate::print_table(
        &[
            "page",
            "p50 / p99 / max ms",
            "bytes (max)",
            "cards",
            "p99 < 200 ms",
            "< 200 KB",
            "p50 ms of its archive reads",
        ],
        &rows,
    );
    for p in &report.pages {
        println!("  {}: {}", p.name, p.path);
        for (variant, p50) in &p.search_split_p50_ms {
            println!("    search {variant}: p50 {} ms", ms(*p50));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_encode_queries_and_ids() {
        assert_eq!(
            Page::Wire(&COLUMNS).path(),
            "/?c=&c=oil&c=urgency%3A%3C%3D2"
        );
        assert_eq!(Page::Search("").path(), "/search?q=");
        let article = Page::Article {
            uri: "urn:reuters21578:1-2".to_owned(),
            story: String::new(),
        };
        assert_eq!(article.path(), "/article?uri=urn%3Areuters21578%3A1-2");
        assert_eq!(Page::Story("a b/c".to_owned()).path(), "/story/a%20b%2Fc");
    }
}
