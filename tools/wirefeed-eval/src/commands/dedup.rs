//! `wirefeed-eval dedup`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wirefeed_eval::{SplitArg, dedup};

/// Duplicate, version and family decisions on Reuters-21578 with generated republications:
/// pairwise precision/recall/F1, templated false positives, throughput.
#[derive(clap::Args)]
pub struct DedupArgs {
    /// The Reuters-21578 directory (reut2-*.sgm).
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    #[arg(long, value_enum, default_value = "train")]
    split: SplitArg,
    /// Seed of the republication generator.
    #[arg(long, default_value_t = 21578)]
    seed: u64,
}

impl DedupArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let config = super::enricher_config(config)?;
        let documents = super::load_reuters(&self.reuters)?;
        print!(
            "{}",
            dedup::evaluate(&documents, self.split.into(), self.seed, config)
        );
        Ok(ExitCode::SUCCESS)
    }
}
