//! `wirefeed-eval stories`.

use anyhow::Context as _;
use chrono::Duration;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wirefeed_eval::stories::{self, Half, Timestamps};
use wirefeed_eval::stories_languages;

/// Event clusters (wire.story) on ECB+: B-cubed precision/recall/F1, with the articles dated
/// live or a year back (an archive replayed now), or both and their difference.
#[derive(clap::Args)]
pub struct StoriesArgs {
    /// The ECB+ directory (ecbplus_docs.jsonl).
    #[arg(long, default_value = "../shared/data/ecbplus")]
    ecbplus: PathBuf,
    /// Odd topics tune, even topics are held out.
    #[arg(long, value_enum, default_value = "odd")]
    topics: Half,
    /// Seed of the article order.
    #[arg(long, default_value_t = 982)]
    seed: u64,
    /// How the articles are dated: `live` (written when enriched), `archive` (written
    /// `--shift-days` earlier, fetched and enriched now), or `compare` (both, and the difference
    /// of their B-cubed F1).
    #[arg(long, value_enum, default_value = "live")]
    timestamps: TimestampsArg,
    /// How far back `archive` dates the articles.
    #[arg(long, default_value_t = 365)]
    shift_days: i64,
    /// Instead of ECB+: a set of events each written up separately in several languages
    /// (JSON lines, see `stories_languages`), e.g.
    /// `tools/wirefeed-eval/labels/stories/multilingual-dev.jsonl`.
    #[arg(long)]
    multilingual: Option<PathBuf>,
    /// The tagging data directory laid out like `config/` (with `--multilingual`).
    #[arg(long, default_value = "config")]
    data: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TimestampsArg {
    Live,
    Archive,
    Compare,
}

impl StoriesArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        if let Some(set) = &self.multilingual {
            return self.run_multilingual(set, config);
        }
        let config = super::enricher_config(config)?;
        let documents = wire_datasets::ecbplus::load(&self.ecbplus)
            .with_context(|| format!("failed to read ECB+ from {}", self.ecbplus.display()))?;
        let archive = Timestamps::Archive {
            shift: Duration::days(self.shift_days),
        };
        let run =
            |timestamps| stories::evaluate(&documents, self.topics, self.seed, timestamps, &config);
        match self.timestamps {
            TimestampsArg::Live => print!("{}", run(Timestamps::Live)?),
            TimestampsArg::Archive => print!("{}", run(archive)?),
            TimestampsArg::Compare => {
                let live = run(Timestamps::Live)?;
                let replayed = run(archive)?;
                print!("{live}{replayed}");
                println!(
                    "  archive - live: B-cubed F1 {:+.4}  (precision {:+.4}, recall {:+.4})",
                    replayed.scores.f1 - live.scores.f1,
                    replayed.scores.precision - live.scores.precision,
                    replayed.scores.recall - live.scores.recall,
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }

    fn run_multilingual(&self, set: &Path, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let pipeline = super::pipeline(config, &self.data)?;
        let enricher = super::enricher_config(config)?;
        let text = std::fs::read_to_string(set)
            .with_context(|| format!("failed to read {}", set.display()))?;
        let write_ups = stories_languages::parse(&text)?;
        print!(
            "{}",
            stories_languages::evaluate(&write_ups, &pipeline, &enricher)?
        );
        Ok(ExitCode::SUCCESS)
    }
}
