//! `wirefeed-eval languages`.

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wirefeed_eval::languages::{Options, evaluate_language, load_labels};
use wirefeed_eval::languages_dpa::{self, CountryNames};
use wirefeed_eval::languages_report::LanguagesReport;

/// Issue 18's per-language figures: places, story topics, Media Topics, duplicate families and
/// throughput on the labelled items of each language, through the real normalizer and tagger.
#[derive(clap::Args)]
pub struct LanguagesArgs {
    /// The labelled set: `<labels>/<split>/<lang>.jsonl`.
    #[arg(long, default_value = "tools/wirefeed-eval/labels/languages")]
    labels: PathBuf,
    #[arg(long, value_enum, default_value = "dev")]
    split: LabelSplit,
    /// Also score places on the dpa digitalwires items (`*.json`) of this directory.
    #[arg(long)]
    dpa: Option<PathBuf>,
    /// The tagging data directory laid out like `config/` (gazetteer, Media Topics, topics).
    #[arg(long, default_value = "config")]
    data: PathBuf,
    /// Seed of the republication generator.
    #[arg(long, default_value_t = 18)]
    seed: u64,
    /// Time normalize + tag over each language's items for at least this many CPU seconds
    /// (0: one pass).
    #[arg(long, default_value_t = 2.0)]
    timing_seconds: f64,
    /// Print every item with a miss or a false positive: expected and found.
    #[arg(long)]
    details: bool,
}

/// Which half of the labelled set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LabelSplit {
    /// For tuning.
    Dev,
    /// Held out: for the reported figure only.
    Test,
}

impl LabelSplit {
    fn name(self) -> &'static str {
        match self {
            Self::Dev => "dev",
            Self::Test => "test",
        }
    }
}

impl LanguagesArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let pipeline = super::pipeline(config, &self.data)?;
        let enricher = super::enricher_config(config)?;
        let options = Options {
            details: self.details,
            dedup: Some((enricher, self.seed)),
            min_timing_seconds: Some(self.timing_seconds),
        };
        let split = self.split.name();
        let mut report = LanguagesReport {
            source: format!("{split} split of {}", self.labels.display()),
            ..LanguagesReport::default()
        };
        for (language, items) in load_labels(&self.labels, split)? {
            eprintln!("{language}: {} items", items.len());
            report
                .languages
                .push(evaluate_language(&pipeline, &language, &items, &options));
        }
        if let Some(dir) = &self.dpa {
            let gazetteer = self.data.join("gazetteer/gazetteer.json");
            let names = CountryNames::from_gazetteer_json(
                &std::fs::read_to_string(&gazetteer)
                    .with_context(|| format!("failed to read {}", gazetteer.display()))?,
            )?;
            report.dpa = Some(languages_dpa::evaluate(
                &pipeline,
                &names,
                dir,
                self.details,
            )?);
        }
        print!("{report}");
        Ok(ExitCode::SUCCESS)
    }
}
