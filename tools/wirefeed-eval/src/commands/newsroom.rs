//! `wirefeed-eval newsroom`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wirefeed_eval::{SplitArg, newsroom};

/// Kills, embargoes, one original per family and stream time on Reuters-21578 with generated
/// republications and editorial events: violations of each invariant, live and replayed a
/// year later, and how far the two runs' clusters differ.
#[derive(clap::Args)]
pub struct NewsroomArgs {
    /// The Reuters-21578 directory (reut2-*.sgm).
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    /// TEST is held out (the reported figure); TRAIN is for development.
    #[arg(long, value_enum, default_value = "test")]
    split: SplitArg,
    /// Seed of the stream generator.
    #[arg(long, default_value_t = 16)]
    seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

impl NewsroomArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let config = super::enricher_config(config)?;
        let documents = super::load_reuters(&self.reuters)?;
        let report = newsroom::evaluate(&documents, self.split.into(), self.seed, &config);
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{report}");
        }
        Ok(ExitCode::SUCCESS)
    }
}
