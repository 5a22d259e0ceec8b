//! Prints country-level precision, recall and micro-F1 of place tagging on Reuters-21578:
//! `cargo run --release -p wire-tagging --example eval_places -- ../shared/data/reuters21578
//! [train|test]` (from the workspace root). Tune on train; report test.

use std::path::Path;
use wire_datasets::reuters::{self, Split};
use wire_tagging::Gazetteer;
use wire_tagging::eval::{CountryRoles, PlacesToIso2, eval_places};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(
        args.get(1)
            .map_or("../shared/data/reuters21578", String::as_str),
    );
    let split = match args.get(2).map(String::as_str) {
        Some("test") => Split::Test,
        _ => Split::Train,
    };
    let gazetteer = Gazetteer::load(Path::new("config/gazetteer/gazetteer.json"))?;
    let map = PlacesToIso2::from_json(&std::fs::read_to_string(
        dir.join("places_to_iso2.auto.json"),
    )?)?;
    let documents = reuters::load(dir)?;
    for roles in [CountryRoles::All, CountryRoles::AboutAndDateline] {
        let started = std::time::Instant::now();
        let report = eval_places(&documents, split, &map, &gazetteer, roles);
        println!(
            "{split:?} {roles:?} ({:.1}s)\n{report}\n",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
