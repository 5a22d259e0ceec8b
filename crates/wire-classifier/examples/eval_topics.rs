//! Prints the Reuters-21578 ModApte top-10 TOPICS figures of the classifier.
//!
//! `cargo run --release -p wire-classifier --example eval_topics [DATA_DIR] [OPTIONS_JSON]`
//! where OPTIONS_JSON is a `TopicsEvalOptions` (default: the tuned defaults).

use std::path::PathBuf;
use wire_classifier::{MultiLabelScores, TopicsEvalOptions, eval_reuters_topics_with};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map_or_else(
        || PathBuf::from("../shared/data/reuters21578"),
        PathBuf::from,
    );
    let options: TopicsEvalOptions = match args.next() {
        Some(json) => serde_json::from_str(&json)?,
        None => TopicsEvalOptions::default(),
    };
    let documents = wire_datasets::reuters::load(&dir)?;
    let started = std::time::Instant::now();
    let report = eval_reuters_topics_with(&documents, &options)?;
    println!("options: {}", serde_json::to_string(&report.options)?);
    println!("labels (TRAIN documents): {:?}", report.labels);
    println!(
        "documents: TRAIN {}, TEST {}",
        report.train_documents, report.test_documents
    );
    if let Some(validation) = &report.validation {
        print_scores(
            "TRAIN cross-validation, docs with a top-10 label",
            &validation.with_top_label,
        );
        print_scores(
            "TRAIN cross-validation, all docs",
            &validation.all_documents,
        );
    }
    print_scores(
        "TEST, docs with a top-10 label",
        &report.test.with_top_label,
    );
    print_scores("TEST, all docs", &report.test.all_documents);
    println!("elapsed: {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn print_scores(title: &str, scores: &MultiLabelScores) {
    println!(
        "{title} ({} docs): micro P {:.4} R {:.4} F1 {:.4} | macro P {:.4} R {:.4} F1 {:.4}",
        scores.documents,
        scores.micro.precision,
        scores.micro.recall,
        scores.micro.f1,
        scores.macro_average.precision,
        scores.macro_average.recall,
        scores.macro_average.f1
    );
    for label in &scores.per_label {
        println!(
            "  {:<10} support {:>4}  P {:.3} R {:.3} F1 {:.3}",
            label.label,
            label.support,
            label.scores.precision,
            label.scores.recall,
            label.scores.f1
        );
    }
}
