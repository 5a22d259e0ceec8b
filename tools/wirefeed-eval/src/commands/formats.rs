//! `wirefeed-eval formats`.

mod declared;

use anyhow::Context as _;
use chrono::{TimeZone, Utc};
use declared::Declared;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_model::{OriginInfo, RawFormat, RawItem, SourceId};
use wirefeed_normalizer::{NormalizerConfig, normalize_as};

/// Agency items as providers deliver them (a directory of files, e.g. Superdesk's ingest
/// fixtures), a table per format: how many files, how many are text items with their headline
/// and body in the file (by the item's own declared type, see [`declared`]), and how many of
/// those became a valid ninjs 3.1 article with a headline and a body; then why the others
/// failed, and what the items that are no complete text item are and became.
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
    /// The format the normalizer read it as (`wire.format`, with IPTC 7901 and ANPA-1312
    /// told apart), else the one its content shows, else its file's extension.
    format: String,
    /// What the file says it holds; `None` for no agency item format.
    declared: Option<Declared>,
    /// `ok`, or why not.
    verdict: Result<(), String>,
    /// The article's type and what it has (`picture article with headline, description`), or
    /// the dead-letter reason.
    became: String,
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
            let text = wirefeed_normalizer::charset::decode(&bytes).text;
            let sniffed_format = wirefeed_normalizer::parse::sniff(&text);
            let declared = sniffed_format.and_then(|format| declared::declared(format, &text));
            let sniffed = sniffed_format
                .map(|format| format.as_str().to_owned())
                .unwrap_or_else(|| {
                    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                    format!("unknown (.{extension})")
                });
            let (verdict, format, became) =
                match normalize_as(&raw, RawFormat::Unknown, &config, fetched_at) {
                    Err(error) => (
                        Err(error.to_string()),
                        sniffed,
                        format!("dead letter: {error}"),
                    ),
                    Ok(envelope) => {
                        let article = &envelope.article;
                        let headline = article.headline().is_some_and(|h| !h.trim().is_empty());
                        let body = article.body_text().is_some_and(|b| !b.trim().is_empty());
                        let description = !article.descriptions.is_empty();
                        let json = serde_json::to_value(article).unwrap_or_default();
                        let violations = wire_model::ninjs_schema::violations(&validator, &json);
                        let verdict = match (headline, body, violations.first()) {
                            (_, _, Some(violation)) => Err(format!("not valid ninjs: {violation}")),
                            (false, _, None) => Err("no headline".to_owned()),
                            (_, false, None) => Err("no body".to_owned()),
                            (true, true, None) => Ok(()),
                        };
                        let has: Vec<&str> = [
                            (headline, "headline"),
                            (body, "body"),
                            (description, "description"),
                        ]
                        .into_iter()
                        .filter_map(|(present, name)| present.then_some(name))
                        .collect();
                        let became = format!(
                            "{} ninjs {} article with {}",
                            if violations.is_empty() {
                                "valid"
                            } else {
                                "INVALID"
                            },
                            article.kind.as_deref().unwrap_or("text"),
                            if has.is_empty() {
                                "nothing".to_owned()
                            } else {
                                has.join(", ")
                            },
                        );
                        let format = envelope.wire.format.clone().unwrap_or(sniffed);
                        (verdict, format, became)
                    }
                };
            let format = match declared::wire_text_format(&text) {
                Some(framing) if format == "text" => framing.to_owned(),
                _ => format,
            };
            outcomes.push(Outcome {
                file: name,
                format,
                declared,
                verdict,
                became,
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

/// Per format: files, text items with headline and body in the file, and those of them that
/// became a valid article with both.
#[derive(Default)]
struct Counts {
    files: usize,
    /// Files whose declared content was read (agency item formats, not feeds or unknown).
    declared: usize,
    text: usize,
    good: usize,
}

fn print_report(outcomes: &[Outcome], every_file: bool) {
    let mut by_format: BTreeMap<&str, Counts> = BTreeMap::new();
    for outcome in outcomes {
        let counts = by_format.entry(outcome.format.as_str()).or_default();
        counts.files += 1;
        counts.declared += usize::from(outcome.declared.is_some());
        if outcome
            .declared
            .as_ref()
            .is_some_and(Declared::is_complete_text)
        {
            counts.text += 1;
            counts.good += usize::from(outcome.verdict.is_ok());
        }
    }
    println!(
        "| format | files | text items with headline and body in the file | of those, valid ninjs 3.1 article with headline and body |"
    );
    println!("|---|---|---|---|");
    for (format, counts) in &by_format {
        if counts.declared == 0 {
            // Feeds and documents of no format: no agency items to count.
            println!("| {format} | {} | - | - |", counts.files);
        } else {
            println!(
                "| {format} | {} | {} | {} |",
                counts.files, counts.text, counts.good
            );
        }
    }
    let total = |count: fn(&Counts) -> usize| by_format.values().map(count).sum::<usize>();
    println!(
        "| all | {} | {} | {} |",
        total(|c| c.files),
        total(|c| c.text),
        total(|c| c.good)
    );
    println!();
    for outcome in outcomes {
        let file = format!("{} ({})", outcome.file, outcome.format);
        match (&outcome.declared, &outcome.verdict) {
            (Some(declared), Err(reason)) if declared.is_complete_text() => {
                println!("failed  {file}: {reason}");
            }
            (Some(declared), Ok(())) if declared.is_complete_text() => {
                if every_file {
                    println!("ok      {file}");
                }
            }
            (Some(declared), _) => {
                println!(
                    "other   {file}: {} -> {}",
                    declared.describe(),
                    outcome.became
                );
            }
            (None, _) if outcome.format.starts_with("unknown") => {
                println!("unknown {file}: no listed format -> {}", outcome.became);
            }
            (None, verdict) => {
                if every_file || verdict.is_err() {
                    println!("feed    {file}: {}", outcome.became);
                }
            }
        }
    }
}
