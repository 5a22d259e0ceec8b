//! `wirefeed eval`: quality figures on real labelled data (`../shared/data`).
//!
//! - `eval dedup`: duplicate, version and family decisions on Reuters-21578 with generated
//!   republications ([`dedup`], [`republish`]);
//! - `eval stories`: event clusters on ECB+ ([`stories`]).

pub mod clusters;
pub mod dedup;
pub mod reference;
pub mod republish;
pub mod stories;

use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;
use wire_datasets::reuters::Split;
use wire_runtime::LoadedConfig;
use wirefeed_enricher::EnricherConfig;

/// The split of Reuters-21578 to evaluate on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitArg {
    /// ModApte TRAIN: for tuning.
    Train,
    /// ModApte TEST: for the reported figure only.
    Test,
}

impl From<SplitArg> for Split {
    fn from(split: SplitArg) -> Self {
        match split {
            SplitArg::Train => Split::Train,
            SplitArg::Test => Split::Test,
        }
    }
}

fn enricher_config(config_file: Option<&Path>) -> anyhow::Result<EnricherConfig> {
    Ok(LoadedConfig::load(config_file)?.section("enricher")?)
}

pub fn dedup(
    config_file: Option<&Path>,
    reuters: &Path,
    split: SplitArg,
    seed: u64,
) -> anyhow::Result<ExitCode> {
    let config = enricher_config(config_file)?;
    let documents = wire_datasets::reuters::load(reuters)
        .with_context(|| format!("failed to read Reuters-21578 from {}", reuters.display()))?;
    print!(
        "{}",
        dedup::evaluate(&documents, split.into(), seed, config)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn stories(
    config_file: Option<&Path>,
    ecbplus: &Path,
    half: stories::Half,
    seed: u64,
) -> anyhow::Result<ExitCode> {
    let config = enricher_config(config_file)?;
    let documents = wire_datasets::ecbplus::load(ecbplus)
        .with_context(|| format!("failed to read ECB+ from {}", ecbplus.display()))?;
    print!("{}", stories::evaluate(&documents, half, seed, &config));
    Ok(ExitCode::SUCCESS)
}
