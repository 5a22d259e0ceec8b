//! `wirefeed-eval topics`.

use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;
use wire_classifier::{MultiLabelScores, TopicsEvalOptions};
use wirefeed_eval::topics::eval_reuters_topics_with;

/// The topic classifier on the ModApte top ten of Reuters-21578 (trains on TRAIN, reports
/// TEST): micro and macro F1.
#[derive(clap::Args)]
pub struct TopicsArgs {
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    /// Evaluation options as JSON (a `TopicsEvalOptions`: `config`, `validation_folds`,
    /// `train_on_unlabelled_documents`; default: the tuned defaults).
    #[arg(long, value_name = "JSON")]
    options: Option<String>,
    /// Also print the options, the cross-validation over all TRAIN documents and each label's
    /// scores.
    #[arg(long)]
    details: bool,
}

impl TopicsArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let options: TopicsEvalOptions = match &self.options {
            Some(json) => serde_json::from_str(json).context("unreadable --options")?,
            None => TopicsEvalOptions::default(),
        };
        let documents = super::load_reuters(&self.reuters)?;
        let report = eval_reuters_topics_with(&documents, &options)?;
        let line = |name: &str, scores: &MultiLabelScores| {
            println!(
                "  {name}: {} documents, micro P {:.4} R {:.4} F1 {:.4}, macro F1 {:.4}",
                scores.documents,
                scores.micro.precision,
                scores.micro.recall,
                scores.micro.f1,
                scores.macro_average.f1
            );
            if self.details {
                for label in &scores.per_label {
                    println!(
                        "    {:<10} support {:>4}  P {:.3} R {:.3} F1 {:.3}",
                        label.label,
                        label.support,
                        label.scores.precision,
                        label.scores.recall,
                        label.scores.f1
                    );
                }
            }
        };
        if self.details {
            println!("options: {}", serde_json::to_string(&report.options)?);
        }
        println!("labels: {:?}", report.labels);
        if let Some(validation) = &report.validation {
            line(
                "TRAIN cross-validation, with a top-10 label",
                &validation.with_top_label,
            );
            if self.details {
                line(
                    "TRAIN cross-validation, all documents",
                    &validation.all_documents,
                );
            }
        }
        line(
            "TEST, with a top-10 label (ModApte top ten)",
            &report.test.with_top_label,
        );
        line("TEST, all documents", &report.test.all_documents);
        Ok(ExitCode::SUCCESS)
    }
}
