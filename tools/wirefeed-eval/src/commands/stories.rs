//! `wirefeed-eval stories`.

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wirefeed_eval::stories::{self, Half};

/// Event clusters (wire.story) on ECB+: B-cubed precision/recall/F1.
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
}

impl StoriesArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let config = super::enricher_config(config)?;
        let documents = wire_datasets::ecbplus::load(&self.ecbplus)
            .with_context(|| format!("failed to read ECB+ from {}", self.ecbplus.display()))?;
        print!(
            "{}",
            stories::evaluate(&documents, self.topics, self.seed, &config)
        );
        Ok(ExitCode::SUCCESS)
    }
}
