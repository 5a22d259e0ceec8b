//! `wirefeed classifier train|predict`: the enricher's trainable topic classifier on a
//! newsroom's labelled archive (JSON lines `{"text": "...", "labels": ["..."]}`).

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_classifier::{Model, TrainingConfig};

/// Train a topic classifier on a labelled archive, or run one.
#[derive(clap::Args)]
pub struct ClassifierArgs {
    #[command(subcommand)]
    command: ClassifierCommand,
}

#[derive(clap::Subcommand)]
enum ClassifierCommand {
    /// Train on JSON lines {"text": "...", "labels": ["..."]} and write a model file.
    Train {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        output: PathBuf,
    },
    /// Print {"labels": [...], "scores": {...}} for each JSON line of INPUT (or standard input).
    Predict {
        #[arg(long)]
        model: PathBuf,
        input: Option<PathBuf>,
    },
}

impl ClassifierArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            ClassifierCommand::Train { input, output } => train(&input, &output),
            ClassifierCommand::Predict { model, input } => predict(&model, input.as_deref()),
        }
    }
}

pub fn train(input: &Path, output: &Path) -> anyhow::Result<ExitCode> {
    let report = wire_classifier::train_command(input, output, &TrainingConfig::default())
        .with_context(|| format!("failed to train on {}", input.display()))?;
    println!("{}", serde_json::to_string(&report)?);
    eprintln!(
        "model written to {} (load it with [[enricher.tagging.classifiers]] name = \"...\", path = \"{}\")",
        output.display(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn predict(model: &Path, input: Option<&Path>) -> anyhow::Result<ExitCode> {
    let model =
        Model::load(model).with_context(|| format!("failed to load {}", model.display()))?;
    let reader: Box<dyn std::io::BufRead> = match input {
        Some(path) => Box::new(std::io::BufReader::new(
            std::fs::File::open(path)
                .with_context(|| format!("failed to open {}", path.display()))?,
        )),
        None => Box::new(std::io::stdin().lock()),
    };
    wire_classifier::predict_lines(&model, reader, std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}
