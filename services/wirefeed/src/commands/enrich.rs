//! `wirefeed enrich [FILE]`: the enricher's core on JSON lines, in order.

use anyhow::Context as _;
use chrono::Utc;
use std::io::{BufRead as _, Write as _};
use std::path::Path;
use std::process::ExitCode;
use wire_model::{Article, Envelope, SourceId, WireMeta};
use wire_runtime::LoadedConfig;
use wirefeed_enricher::{EnricherConfig, EnricherStage};

/// Enrich articles (JSON lines of envelopes or bare ninjs objects) in order and print the
/// enriched envelopes as JSON lines, each followed by the records it causes for other copies
/// (kill notices, an original's handover). Reads standard input without FILE.
#[derive(clap::Args)]
pub struct EnrichArgs {
    file: Option<std::path::PathBuf>,
    /// Also write the story records (`wire.stories.v1`: new story, new member, merge, kill)
    /// to this file as JSON lines.
    #[arg(long)]
    stories: Option<std::path::PathBuf>,
}

impl EnrichArgs {
    pub fn run(self, config_file: Option<&Path>) -> anyhow::Result<ExitCode> {
        enrich(config_file, self.file.as_deref(), self.stories.as_deref())
    }
}

pub fn enrich(
    config_file: Option<&Path>,
    file: Option<&Path>,
    stories_file: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let mut stories_out = match stories_file {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("failed to create {}", path.display()))?,
        )),
        None => None,
    };
    let config: EnricherConfig = LoadedConfig::load(config_file)?.section("enricher")?;
    // The story topic catalog from where `wirefeed run` would take it with this config file.
    let source =
        wirefeed_enricher::catalog::CatalogSource::find(&config.tagging.config_dir, config_file);
    let mut stage = EnricherStage::with_tagging_from(&config, &source)?;
    let (input, progress): (Box<dyn std::io::BufRead>, _) = match file {
        Some(path) => {
            let opened = std::fs::File::open(path)
                .with_context(|| format!("failed to open {}", path.display()))?;
            let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
            (
                Box::new(std::io::BufReader::new(opened)),
                super::byte_progress(size, "enriching"),
            )
        }
        None => (
            Box::new(std::io::stdin().lock()),
            indicatif::ProgressBar::hidden(),
        ),
    };
    let mut stdout = std::io::stdout().lock();
    let mut failures = 0usize;
    for (index, line) in input.lines().enumerate() {
        let line = line.context("failed to read input")?;
        progress.inc(line.len() as u64 + 1);
        if line.trim().is_empty() {
            continue;
        }
        let envelope = match read_article(&line) {
            Ok(envelope) => envelope,
            Err(error) => {
                failures += 1;
                progress.suspend(|| eprintln!("line {}: {error}", index + 1));
                continue;
            }
        };
        // The article, then the records it causes for other copies (kill notices, an
        // original's handover).
        let (records, stories) = stage.enrich_with_stories(envelope, Utc::now());
        if let Some(out) = stories_out.as_mut() {
            for story in &stories {
                serde_json::to_writer(&mut *out, story)?;
                writeln!(out)?;
            }
        }
        if records.is_empty() {
            progress.suspend(|| {
                eprintln!(
                    "line {}: re-send of an article already seen, skipped",
                    index + 1
                );
            });
        }
        for record in records {
            serde_json::to_writer(&mut stdout, &record)?;
            writeln!(stdout)?;
        }
    }
    progress.finish_and_clear();
    if let Some(out) = stories_out.as_mut() {
        out.flush().context("failed to write the story records")?;
    }
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// An envelope, or a bare ninjs object wrapped in one.
fn read_article(line: &str) -> anyhow::Result<Envelope> {
    let value: serde_json::Value = serde_json::from_str(line).context("not valid json")?;
    if value.get("schema").is_some() {
        return Ok(Envelope::decode(line.as_bytes())?);
    }
    let article: Article = serde_json::from_value(value).context("not a ninjs object")?;
    anyhow::ensure!(!article.uri.is_empty(), "ninjs object has no uri");
    let wire = WireMeta {
        source: SourceId::from("cli"),
        item_identity: article.uri.clone(),
        fetched_at: Utc::now(),
        ..WireMeta::default()
    };
    Ok(Envelope::new(article, wire))
}
