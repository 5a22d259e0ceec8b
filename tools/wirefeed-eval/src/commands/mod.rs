//! One module per evaluation: its clap `Args` and its `run`.

pub mod dedup;
pub mod feedparser;
pub mod formats;
pub mod languages;
pub mod newsroom;
pub mod places;
pub mod stories;
pub mod topics;
pub mod versions;

use anyhow::Context as _;
use std::path::Path;
use wire_runtime::LoadedConfig;
use wirefeed_enricher::EnricherConfig;

/// The normalizer and tagger as the product runs them (configuration under `config_file`,
/// tagging data from `data`).
fn pipeline(
    config_file: Option<&Path>,
    data: &Path,
) -> anyhow::Result<wirefeed_eval::languages::Pipeline> {
    let normalizer = LoadedConfig::load(config_file)?.section("normalizer")?;
    let tagger = wire_tagging::Tagger::load(data)
        .with_context(|| format!("failed to load tagging data from {}", data.display()))?;
    Ok(wirefeed_eval::languages::Pipeline { normalizer, tagger })
}

/// The enricher's section of the configuration (the built-in defaults under `config_file`).
fn enricher_config(config_file: Option<&Path>) -> anyhow::Result<EnricherConfig> {
    Ok(LoadedConfig::load(config_file)?.section("enricher")?)
}

/// Reads Reuters-21578 from `reuters` (the `reut2-*.sgm` directory).
fn load_reuters(reuters: &Path) -> anyhow::Result<Vec<wire_datasets::reuters::Document>> {
    wire_datasets::reuters::load(reuters)
        .with_context(|| format!("failed to read Reuters-21578 from {}", reuters.display()))
}
