//! `wirefeed story-topics backtest`: what an operator story topic (`config/topics/*.toml`), and
//! a change to it, would tag in a sample of past articles; `wirefeed story-topics check`: whether
//! a topic folder passes the checks the enricher makes before it uses (or reloads) one.

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_tagging::{BacktestArticle, StoryTopic};

/// Try out operator story topics (config/topics/*.toml) on past articles.
#[derive(clap::Args)]
pub struct StoryTopicsArgs {
    #[command(subcommand)]
    command: StoryTopicsCommand,
}

#[derive(clap::Subcommand)]
enum StoryTopicsCommand {
    /// What a story topic file tags in a sample of articles (JSON lines), with samples and,
    /// given the previous version of the topic, what it gains and loses.
    Backtest {
        /// The story topic file to try (a `config/topics/*.toml` file).
        topic_file: PathBuf,
        /// Past articles, one JSON line each: envelopes (as `wirefeed parse` prints), ninjs
        /// articles, or `{"id", "headline", "body", "dateline"}`.
        input: PathBuf,
        /// The topic file as it is live now.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// The data directory (gazetteer/gazetteer.json).
        #[arg(long, default_value = "config")]
        data: PathBuf,
    },
    /// Checks a story topic folder as the enricher does before using it: every file parses
    /// and validates, its id is its file name, the catalog compiles. Exit 1 names the file
    /// and the reason.
    Check {
        /// The folder of topic files.
        #[arg(default_value = "config/topics")]
        folder: PathBuf,
    },
}

impl StoryTopicsArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            StoryTopicsCommand::Backtest {
                topic_file,
                input,
                previous,
                data,
            } => backtest(&topic_file, &input, previous.as_deref(), &data),
            StoryTopicsCommand::Check { folder } => check(&folder),
        }
    }
}

/// Prints the ids of the topics of `folder` when it passes the enricher's checks; otherwise
/// what is wrong, on stderr, and exit code 1.
pub fn check(folder: &Path) -> anyhow::Result<ExitCode> {
    match wirefeed_enricher::catalog::read_catalog(folder) {
        Ok((catalog, _)) => {
            println!(
                "{}: {} story topics, all valid",
                folder.display(),
                catalog.topics.len()
            );
            for topic in &catalog.topics {
                println!("  {}  {}", topic.id, topic.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("error: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Prints what the story topic in `topic_file` (and a change from `previous`) tags among the
/// JSON-line articles of `input`, with the gazetteer of `config_dir`.
pub fn backtest(
    topic_file: &Path,
    input: &Path,
    previous: Option<&Path>,
    config_dir: &Path,
) -> anyhow::Result<ExitCode> {
    let new = StoryTopic::load(topic_file)?;
    let old = previous.map(StoryTopic::load).transpose()?;
    let gazetteer = wire_tagging::Gazetteer::load(&config_dir.join("gazetteer/gazetteer.json"))?;
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("failed to read {}", input.display()))?;
    let mut articles = Vec::new();
    for (index, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        articles.push(
            BacktestArticle::from_json_line(line)
                .with_context(|| format!("{} line {}", input.display(), index + 1))?,
        );
    }
    let report = wire_tagging::backtest(&gazetteer, old.as_ref(), &new, &articles)?;
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}
