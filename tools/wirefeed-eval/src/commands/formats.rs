//! `wirefeed-eval formats`.

use anyhow::Context as _;
use chrono::{TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_model::{OriginInfo, RawFormat, RawItem, SourceId};
use wirefeed_normalizer::{NormalizerConfig, normalize_as};

/// Agency items as providers deliver them (a directory of files, e.g. Superdesk's ingest
/// fixtures): how many of each format become a valid ninjs 3.1 article with a headline and a
/// body, a table per format, and why the others failed.
#[derive(clap::Args)]
pub struct FormatsArgs {
    /// The directory of items, one per file (read recursively).
    #[arg(default_value = "../shared/data/superdesk-wire-fixtures/fixtures")]
    dir: PathBuf,
    /// Also list every file with its outcome.
    #[arg(long)]
    files: bool,
}

/// What became of one file.
struct Outcome {
    file: String,
    /// The format the normalizer read it as (`wire.format`), else the one its content shows,
    /// else its file's extension.
    format: String,
    /// `ok`, or why not.
    verdict: Result<(), String>,
}

impl FormatsArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let files = files_under(&self.dir)
            .with_context(|| format!("failed to read {}", self.dir.display()))?;
        let validator = wire_model::ninjs_schema::validator()
            .map_err(|error| anyhow::anyhow!("the ninjs schema does not load: {error}"))?;
        let fetched_at = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .context("a fixed fetch time")?;
        let config = NormalizerConfig::default();
        let mut outcomes = Vec::new();
        for path in files {
            let bytes = std::fs::read(&path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            let name = path
                .strip_prefix(&self.dir)
                .unwrap_or(&path)
                .display()
                .to_string();
            let raw = RawItem::new(
                SourceId::from("fixtures"),
                name.clone(),
                RawFormat::Unknown,
                None,
                &bytes,
                fetched_at,
                OriginInfo::Dir { path: name.clone() },
            );
            let text = String::from_utf8_lossy(&bytes);
            let sniffed = wirefeed_normalizer::parse::sniff(&text)
                .map(|format| format.as_str().to_owned())
                .unwrap_or_else(|| {
                    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                    format!("unknown (.{extension})")
                });
            let (verdict, format) =
                match normalize_as(&raw, RawFormat::Unknown, &config, fetched_at) {
                    Err(error) => (Err(error.to_string()), sniffed),
                    Ok(envelope) => {
                        let article = &envelope.article;
                        let headline = article.headline().is_some_and(|h| !h.trim().is_empty());
                        let body = article.body_text().is_some_and(|b| !b.trim().is_empty());
                        let json = serde_json::to_value(article).unwrap_or_default();
                        let violations = wire_model::ninjs_schema::violations(&validator, &json);
                        let verdict = match (headline, body, violations.first()) {
                            (_, _, Some(violation)) => Err(format!("not valid ninjs: {violation}")),
                            (false, _, None) => Err("no headline".to_owned()),
                            (_, false, None) => Err("no body".to_owned()),
                            (true, true, None) => Ok(()),
                        };
                        (verdict, envelope.wire.format.clone().unwrap_or(sniffed))
                    }
                };
            outcomes.push(Outcome {
                file: name,
                format,
                verdict,
            });
        }
        print_report(&outcomes, self.files);
        Ok(ExitCode::SUCCESS)
    }
}

pub(crate) fn files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn print_report(outcomes: &[Outcome], every_file: bool) {
    let mut by_format: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for outcome in outcomes {
        let counts = by_format.entry(outcome.format.as_str()).or_default();
        counts.0 += 1;
        counts.1 += usize::from(outcome.verdict.is_ok());
    }
    println!("| format | items | valid ninjs 3.1 article with headline and body |");
    println!("|---|---|---|");
    for (format, (items, good)) in &by_format {
        println!("| {format} | {items} | {good} |");
    }
    let good: usize = by_format.values().map(|counts| counts.1).sum();
    println!("| all | {} | {good} |", outcomes.len());
    println!();
    for outcome in outcomes {
        match &outcome.verdict {
            Err(reason) => println!("failed  {} ({}): {reason}", outcome.file, outcome.format),
            Ok(()) if every_file => println!("ok      {} ({})", outcome.file, outcome.format),
            Ok(()) => {}
        }
    }
}
