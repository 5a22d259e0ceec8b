//! Tags a text file's places and prints them: `cargo run -p wire-tagging --example tag_text --
//! config/gazetteer/gazetteer.json FILE` (first line = headline, the rest = body).

use std::path::Path;
use wire_tagging::{Gazetteer, TagInput, tag_places};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(gazetteer_path), Some(file)) = (args.get(1), args.get(2)) else {
        return Err("usage: tag_text GAZETTEER_JSON TEXT_FILE".into());
    };
    let gazetteer = Gazetteer::load(Path::new(gazetteer_path))?;
    let text = std::fs::read_to_string(file)?;
    let (headline, body) = text.split_once('\n').unwrap_or((&text, ""));
    let tags = tag_places(
        &gazetteer,
        &TagInput {
            headline,
            body,
            dateline: None,
            located: None,
            language: None,
        },
    );
    println!("{}", serde_json::to_string_pretty(&tags.places)?);
    for evidence in &tags.evidence {
        let terms: Vec<&str> = evidence.matches.iter().map(|m| m.term.as_str()).collect();
        println!("{} {:?}", evidence.uri, terms);
    }
    println!("{:?}", tags.regions);
    Ok(())
}
