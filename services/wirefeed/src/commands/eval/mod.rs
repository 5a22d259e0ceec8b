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

pub use super::progress;

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

/// `wirefeed eval places`: countries of the tagger against Reuters `PLACES`.
pub fn places(reuters: &Path, split: SplitArg, config_dir: &Path) -> anyhow::Result<ExitCode> {
    use wire_tagging::eval::{CountryRoles, PlacesToIso2, eval_places};
    let gazetteer = wire_tagging::Gazetteer::load(&config_dir.join("gazetteer/gazetteer.json"))?;
    let map_file = reuters.join("places_to_iso2.auto.json");
    let map = PlacesToIso2::from_json(
        &std::fs::read_to_string(&map_file)
            .with_context(|| format!("failed to read {}", map_file.display()))?,
    )?;
    let documents = wire_datasets::reuters::load(reuters)?;
    for roles in [CountryRoles::AboutAndDateline, CountryRoles::All] {
        println!("{roles:?}");
        print!(
            "{}",
            eval_places(&documents, split.into(), &map, &gazetteer, roles)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `wirefeed eval topics`: the classifier on the ModApte top ten (train TRAIN, report TEST).
pub fn topics(reuters: &Path) -> anyhow::Result<ExitCode> {
    let documents = wire_datasets::reuters::load(reuters)?;
    let report = wire_classifier::eval_reuters_topics(&documents)?;
    let line = |name: &str, scores: &wire_classifier::MultiLabelScores| {
        println!(
            "  {name}: {} documents, micro P {:.4} R {:.4} F1 {:.4}, macro F1 {:.4}",
            scores.documents,
            scores.micro.precision,
            scores.micro.recall,
            scores.micro.f1,
            scores.macro_average.f1
        );
    };
    println!("labels: {:?}", report.labels);
    if let Some(validation) = &report.validation {
        line(
            "TRAIN cross-validation, with a top-10 label",
            &validation.with_top_label,
        );
    }
    line(
        "TEST, with a top-10 label (ModApte top ten)",
        &report.test.with_top_label,
    );
    line("TEST, all documents", &report.test.all_documents);
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
