//! Tags a text file's places and prints them: `cargo run -p wire-tagging --example tag_text --
//! config/gazetteer/gazetteer.json FILE [LANGUAGE]` (first line = headline, the rest = body;
//! LANGUAGE as in ninjs `language`, e.g. `de`). On stderr: the gazetteer's size, and how long
//! tagging the text took (the mean of 200 runs; a rough figure, not a benchmark).

use std::path::Path;
use wire_tagging::{Gazetteer, TagInput, tag_places};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(gazetteer_path), Some(file)) = (args.get(1), args.get(2)) else {
        return Err("usage: tag_text GAZETTEER_JSON TEXT_FILE [LANGUAGE]".into());
    };
    let language = args.get(3).map(String::as_str);
    let loading = std::time::Instant::now();
    let gazetteer = Gazetteer::load(Path::new(gazetteer_path))?;
    eprintln!(
        "gazetteer: {} names, automata {:.1} MiB, loaded in {:.2?}",
        gazetteer.name_count(),
        gazetteer.automaton_bytes() as f64 / (1024.0 * 1024.0),
        loading.elapsed()
    );
    let text = std::fs::read_to_string(file)?;
    let (headline, body) = text.split_once('\n').unwrap_or((&text, ""));
    let input = TagInput {
        headline,
        body,
        dateline: None,
        located: None,
        language,
    };
    const RUNS: u32 = 200;
    let tagging = std::time::Instant::now();
    for _ in 0..RUNS {
        std::hint::black_box(tag_places(&gazetteer, std::hint::black_box(&input)));
    }
    eprintln!(
        "tagging {} bytes: {:.1?} per run",
        text.len(),
        tagging.elapsed() / RUNS
    );
    let tags = tag_places(&gazetteer, &input);
    println!("{}", serde_json::to_string_pretty(&tags.places)?);
    for evidence in &tags.evidence {
        let terms: Vec<&str> = evidence.matches.iter().map(|m| m.term.as_str()).collect();
        println!("{} {:?}", evidence.uri, terms);
    }
    println!("{:?}", tags.regions);
    Ok(())
}
