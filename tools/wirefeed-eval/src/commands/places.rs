//! `wirefeed-eval places`.

use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;
use wirefeed_eval::SplitArg;
use wirefeed_eval::places::{CountryRoles, PlacesToIso2, eval_places};

/// Countries of the region tagger against Reuters-21578 PLACES: precision, recall, micro-F1.
#[derive(clap::Args)]
pub struct PlacesArgs {
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    #[arg(long, value_enum, default_value = "train")]
    split: SplitArg,
    /// The data directory (gazetteer/gazetteer.json).
    #[arg(long, default_value = "config")]
    data: PathBuf,
}

impl PlacesArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let gazetteer = wire_tagging::Gazetteer::load(&self.data.join("gazetteer/gazetteer.json"))?;
        let map_file = self.reuters.join("places_to_iso2.auto.json");
        let map = PlacesToIso2::from_json(
            &std::fs::read_to_string(&map_file)
                .with_context(|| format!("failed to read {}", map_file.display()))?,
        )
        .with_context(|| format!("failed to read {}", map_file.display()))?;
        let documents = super::load_reuters(&self.reuters)?;
        for roles in [CountryRoles::AboutAndDateline, CountryRoles::All] {
            println!("{roles:?}");
            println!(
                "{}",
                eval_places(&documents, self.split.into(), &map, &gazetteer, roles)
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
