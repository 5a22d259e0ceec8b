//! `wirefeed parse FILE...`: the fetcher's splitting and the normalizer's core on local files.

use chrono::Utc;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_model::{OriginInfo, RawFormat, SourceId};
use wire_runtime::LoadedConfig;
use wirefeed_normalizer::NormalizerConfig;

/// Normalize feed or article files and print the envelopes as JSON lines.
#[derive(clap::Args)]
pub struct ParseArgs {
    /// Files: RSS/Atom/JSON Feed, ninjs, NewsML-G2, NITF, dpa digitalwires, plain text.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Parse as this format instead of sniffing it: rss, atom, rdf, json-feed, ninjs,
    /// newsml-g2, nitf, text.
    #[arg(long)]
    format: Option<String>,
}

impl ParseArgs {
    pub fn run(self, config_file: Option<&Path>) -> anyhow::Result<ExitCode> {
        parse(config_file, &self.files, self.format.as_deref())
    }
}

pub fn parse(
    config_file: Option<&Path>,
    files: &[PathBuf],
    format: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let config: NormalizerConfig = LoadedConfig::load(config_file)?.section("normalizer")?;
    let forced: Option<RawFormat> = match format {
        Some(name) => Some(
            serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
                anyhow::anyhow!(
                    "unknown --format {name:?} (rss, atom, rdf, json-feed, ninjs, newsml-g2, nitf, text)"
                )
            })?,
        ),
        None => None,
    };
    let source = SourceId::from("cli");
    let mut stdout = std::io::stdout().lock();
    let mut failures = 0usize;
    for file in files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(error) => {
                failures += 1;
                eprintln!("{}: failed to read: {error}", file.display());
                continue;
            }
        };
        let origin = OriginInfo::Dir {
            path: file.display().to_string(),
        };
        let fallback = file.display().to_string();
        let now = Utc::now();
        let (items, split_error) =
            wirefeed_fetcher::document::items(&source, &bytes, None, &origin, &fallback, now);
        if let Some(error) = split_error {
            eprintln!("{}: {error}", file.display());
        }
        for raw in items.into_iter().map(|item| item.raw) {
            let normalized = match forced {
                Some(format) => wirefeed_normalizer::normalize_as(&raw, format, &config, now),
                None => wirefeed_normalizer::normalize(&raw, &config, now),
            };
            match normalized {
                Ok(envelope) => {
                    serde_json::to_writer(&mut stdout, &envelope)?;
                    writeln!(stdout)?;
                }
                Err(error) => {
                    failures += 1;
                    eprintln!(
                        "{} ({}): {} error: {error}",
                        file.display(),
                        raw.item_identity,
                        error.kind()
                    );
                }
            }
        }
    }
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
