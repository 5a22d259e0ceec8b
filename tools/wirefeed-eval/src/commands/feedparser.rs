//! `wirefeed-eval feedparser`: feedparser's own test suite, entry by entry.

use anyhow::Context as _;
use chrono::{TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_model::{Envelope, OriginInfo, SourceId};
use wirefeed_eval::feedparser_compare::{Field, Reading, field_for, meets};
use wirefeed_eval::feedparser_expect::{entry_expectations, expect_line};
use wirefeed_normalizer::{NormalizeError, NormalizerConfig, normalize, normalize_as, parse};

/// The feedparser project's test feeds (the `tests/` directory of its source distribution,
/// e.g. `feedparser-5.2.1.tar.gz` on PyPI): each file's `Expect:` line says what feedparser,
/// the reference implementation, reads from it. Every clause about the first entry whose field
/// ninjs can hold is checked against the article wirefeed makes of that entry, the way the
/// product does it (the fetcher's split, then the normalizer). Prints the share met, per field
/// and per directory, the fields not compared, and the files wirefeed could not read.
#[derive(clap::Args)]
pub struct FeedparserArgs {
    /// feedparser's `tests` directory (read recursively; every `*.xml` file).
    dir: PathBuf,
    /// Also list every expectation not met.
    #[arg(long)]
    misses: bool,
}

#[derive(Default)]
struct Tally {
    met: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, met: bool) {
        self.total += 1;
        self.met += usize::from(met);
    }

    fn share(&self) -> f64 {
        self.met as f64 / self.total.max(1) as f64
    }
}

#[derive(Default)]
struct Report {
    /// What the feed reader read, for every entry.
    reading: Tally,
    /// What the articles hold, for the entries that make one.
    articles: Tally,
    /// What the feed-rs crate reads as it is, for every entry.
    feed_rs: Tally,
    by_field: BTreeMap<Field, Tally>,
    by_directory: BTreeMap<String, Tally>,
    not_compared: BTreeMap<String, usize>,
    files: usize,
    /// Files whose expectations depend on HTTP headers feedparser's test server sends.
    need_headers: usize,
    /// Entries without headline or body: dead-lettered by design, not an article.
    no_text: usize,
    unread: Vec<(String, String)>,
    misses: Vec<String>,
}

impl FeedparserArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let files = super::formats::files_under(&self.dir)
            .with_context(|| format!("failed to read {}", self.dir.display()))?;
        let mut report = Report::default();
        for path in files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        {
            let bytes = std::fs::read(path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            check_file(&self.dir, path, &bytes, &mut report);
        }
        print_report(&report, self.misses);
        Ok(ExitCode::SUCCESS)
    }
}

fn check_file(dir: &Path, path: &Path, bytes: &[u8], report: &mut Report) {
    let text = String::from_utf8_lossy(bytes);
    let Some(expectations) = expect_line(&text).map(entry_expectations) else {
        return;
    };
    let name = path.strip_prefix(dir).unwrap_or(path).display().to_string();
    if needs_http_headers(&text) {
        report.need_headers += 1;
        return;
    }
    let directory = Path::new(&name)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let compared: Vec<_> = expectations
        .comparisons
        .iter()
        .filter_map(|expectation| match field_for(&expectation.path) {
            Ok(field) => Some((field, expectation)),
            Err(key) => {
                *report.not_compared.entry(key).or_default() += 1;
                None
            }
        })
        .collect();
    if compared.is_empty() {
        return;
    }
    report.files += 1;
    let (reading, article) = read_first_entry(&name, bytes);
    let baseline = Reading::of_feed_rs(bytes);
    match (&reading, &article) {
        (Err(reason), _) => report.unread.push((name.clone(), reason.clone())),
        (Ok(_), Err(NormalizeError::Empty)) => report.no_text += 1,
        (Ok(_), Err(error)) => report.unread.push((name.clone(), error.to_string())),
        (Ok(_), Ok(_)) => {}
    }
    for (field, expectation) in compared {
        let met = reading
            .as_ref()
            .is_ok_and(|reading| meets(field, expectation, reading));
        report.reading.add(met);
        report.feed_rs.add(
            baseline
                .as_ref()
                .is_some_and(|reading| meets(field, expectation, reading)),
        );
        if let Ok(envelope) = &article {
            report
                .articles
                .add(meets(field, expectation, &Reading::of_article(envelope)));
        }
        report.by_field.entry(field).or_default().add(met);
        report
            .by_directory
            .entry(directory.clone())
            .or_default()
            .add(met);
        if !met {
            let ours = match &reading {
                Ok(reading) => reading.show(field),
                Err(reason) => format!("unread: {reason}"),
            };
            report.misses.push(format!(
                "{name}: {} expected {:?}, ours {ours}",
                field.name(),
                expectation.expected
            ));
        }
    }
}

/// Whether the file's comment gives HTTP headers (`Header: Content-Location: ...`) that
/// feedparser's test server sends with it: wirefeed reads no such header, so they are left out.
fn needs_http_headers(text: &str) -> bool {
    text.lines()
        .take(20)
        .any(|line| line.trim_start().starts_with("Header:"))
}

/// The document's first item as the fetcher splits it: what the feed reader reads of it, and
/// the article the normalizer makes of it.
fn read_first_entry(
    name: &str,
    bytes: &[u8],
) -> (Result<Reading, String>, Result<Envelope, NormalizeError>) {
    let fetched_at = Utc
        .timestamp_opt(1_767_225_600, 0)
        .single()
        .unwrap_or_default();
    // Where feedparser's test server serves the file: relative links resolve against it.
    let origin = OriginInfo::Http {
        url: format!("http://127.0.0.1:8097/tests/{name}"),
        status: 200,
        etag: None,
        last_modified: None,
    };
    let source = SourceId::from("feedparser-suite");
    let (items, _) =
        wirefeed_fetcher::document::items(&source, bytes, None, &origin, name, fetched_at);
    let Some(item) = items.into_iter().next() else {
        return (Err("no item".to_owned()), Err(NormalizeError::Empty));
    };
    let payload = item.raw.payload_bytes().unwrap_or_default();
    let text = wirefeed_normalizer::charset::decode(&payload).text;
    let reading = parse::feed::parse(&text)
        .map(|parsed| Reading::of_parsed(&parsed, normalize::document_url(&item.raw)))
        .map_err(|error| error.to_string());
    let article = normalize_as(
        &item.raw,
        item.raw.format,
        &NormalizerConfig::default(),
        fetched_at,
    );
    (reading, article)
}

fn print_report(report: &Report, misses: bool) {
    println!(
        "feedparser suite: {} files with entry-level expectations ninjs can hold\n",
        report.files
    );
    println!("| field | expectations | met by the feed reader | share |");
    println!("|---|---|---|---|");
    for (field, tally) in &report.by_field {
        print_row(field.name(), tally);
    }
    print_row("**all**", &report.reading);
    println!(
        "\nAs articles (the {} entries with a headline or a body; {} without either are dead-lettered by design): {} of {} met, {:.3}",
        report.files - report.no_text - report.unread.len(),
        report.no_text,
        report.articles.met,
        report.articles.total,
        report.articles.share()
    );
    println!(
        "Baseline in the same run, the feed-rs crate as it is: {} of {} met, {:.3}",
        report.feed_rs.met,
        report.feed_rs.total,
        report.feed_rs.share()
    );
    println!("\n| directory | expectations | met | share |");
    println!("|---|---|---|---|");
    for (directory, tally) in &report.by_directory {
        print_row(directory, tally);
    }
    println!(
        "\nNot compared (no ninjs field): {}",
        report
            .not_compared
            .iter()
            .map(|(key, count)| format!("{key} {count}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "Left out: {} files whose expectations depend on HTTP headers feedparser's test server sends",
        report.need_headers
    );
    println!(
        "Files wirefeed could not read: {} of {}",
        report.unread.len(),
        report.files
    );
    for (file, reason) in &report.unread {
        println!("  {file}: {reason}");
    }
    if misses {
        println!();
        for miss in &report.misses {
            println!("missed  {miss}");
        }
    }
}

fn print_row(label: &str, tally: &Tally) {
    println!(
        "| {label} | {} | {} | {:.3} |",
        tally.total,
        tally.met,
        tally.share()
    );
}
