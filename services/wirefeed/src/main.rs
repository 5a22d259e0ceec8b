//! `wirefeed`: the command line. `run` starts all four stages in one process (on the in-process
//! bus, or on Kafka when `bus.kind = "kafka"`); `parse` and `enrich` run the same cores on files.

mod commands;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "wirefeed",
    version,
    about = "A streaming news wire ingestion pipeline"
)]
struct Cli {
    /// A config file layered over the built-in defaults (config/wirefeed.toml).
    #[arg(long, global = true, env = "WIREFEED_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run fetcher, normalizer, enricher and alerter in one process until Ctrl-C.
    Run {
        /// Print enriched articles as JSON lines instead of one summary line each.
        #[arg(long)]
        json: bool,
    },
    /// Normalize feed or article files and print the envelopes as JSON lines.
    Parse {
        /// Files: RSS/Atom/JSON Feed, ninjs, NewsML-G2, NITF, dpa digitalwires, plain text.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Parse as this format instead of sniffing it: rss, atom, rdf, json-feed, ninjs,
        /// newsml-g2, nitf, text.
        #[arg(long)]
        format: Option<String>,
    },
    /// Enrich articles (JSON lines of envelopes or bare ninjs objects) in order and print the
    /// enriched envelopes as JSON lines. Reads standard input without FILE.
    Enrich { file: Option<PathBuf> },
    /// Create the Kafka topics (data topics with retention, compacted state topics) or describe
    /// them.
    Topics {
        #[command(subcommand)]
        command: TopicsCommand,
    },
    /// Inspect the dead-letter topic and replay chosen messages after a fix.
    Dlq {
        #[command(subcommand)]
        command: DlqCommand,
    },
    /// Print the fetcher's per-source health table (its admin API's /sources).
    Sources {
        /// The fetcher's admin URL, e.g. http://127.0.0.1:9601 (default: admin.listen).
        #[arg(long, env = "WIREFEED_FETCHER_ADMIN")]
        admin: Option<String>,
        /// Print the JSON as the fetcher serves it.
        #[arg(long)]
        json: bool,
    },
    /// Exit 0 when an admin URL answers 2xx within 5 seconds (a container health check).
    Health {
        #[arg(long, default_value = "http://127.0.0.1:9600/livez")]
        url: String,
    },
    /// Train a topic classifier on a labelled archive, or run one.
    Classifier {
        #[command(subcommand)]
        command: ClassifierCommand,
    },
    /// Measure speed and memory: the stage cores against a Python baseline, the fetcher against
    /// a local feed server. Use a release build.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Measure quality on real labelled data (tune on TRAIN, report TEST).
    Eval {
        #[command(subcommand)]
        command: EvalCommand,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Normalizer + enricher cores (dedup and tagging on) in one thread over raw items made from
    /// Reuters-21578 (RSS and ninjs, with pickups and agency updates): articles/s, p50/p99
    /// latency, peak RSS, dedup index bytes per article; then the Python baseline
    /// (feedparser, datasketch, pyahocorasick) on the same corpus.
    Core {
        /// Raw items in the corpus (and articles in the dedup window at the end).
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        /// The Reuters-21578 directory (reut2-*.sgm).
        #[arg(long, default_value = "../shared/data/reuters21578")]
        reuters: PathBuf,
        /// Seed of the corpus generator.
        #[arg(long, default_value_t = 21578)]
        seed: u64,
        /// Skip the Python baseline.
        #[arg(long)]
        no_baseline: bool,
        /// The baseline's Python (bench/setup.sh makes this venv).
        #[arg(long, default_value = "target/bench-venv/bin/python")]
        python: PathBuf,
        /// The directory of the baseline scripts.
        #[arg(long, default_value = "bench/baselines")]
        baselines: PathBuf,
        /// The gazetteer the baseline reads (the enricher's own data).
        #[arg(long, default_value = "config/gazetteer/gazetteer.json")]
        gazetteer: PathBuf,
        /// Write the corpus to this file and keep it (default: a temporary directory).
        #[arg(long)]
        keep_corpus: Option<PathBuf>,
        /// Also write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// The Rust side of `bench core` in a fresh process (started by `bench core`).
    #[command(hide = true)]
    CoreRun {
        #[arg(long)]
        corpus: PathBuf,
        #[arg(long)]
        items: usize,
    },
    /// The fetcher (real polling code, one thread) against a local HTTP server serving N small
    /// RSS feeds with ETag/304: polls/s, CPU per poll, peak memory.
    Fetch {
        /// Feeds served and sources polled.
        #[arg(long, default_value_t = 10_000)]
        feeds: usize,
        /// How long to poll.
        #[arg(long, default_value_t = 30)]
        secs: u64,
        /// Each source's polling interval (1: saturate the fetcher).
        #[arg(long, default_value_t = 1)]
        interval: u64,
        /// Polls in flight at a time.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Each feed gets a new item this often.
        #[arg(long, default_value_t = 60)]
        change_secs: u64,
        /// Also write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Normalizer, enricher and alerter as separate processes over a real Kafka broker, fed
    /// raw items made from Reuters-21578 as the fetcher publishes them: sustained articles/s
    /// to wire.enriched.v1, and at a fixed load with bursts the p50/p99/max latency from fetch
    /// to wire.enriched.v1 and to wire.alerts.v1; the same against the Kafka ceiling (copier
    /// processes through the same topics) in the same run.
    Pipeline {
        /// A running broker's bootstrap address (default: start deploy/kafka/kafka.sh).
        #[arg(long)]
        broker: Option<String>,
        /// Articles offered at once to measure the sustained throughput.
        #[arg(long, default_value_t = 10_000)]
        articles: usize,
        /// Articles through the pipeline before measuring.
        #[arg(long, default_value_t = 300)]
        warmup: usize,
        /// Fixed load: articles per second between bursts.
        #[arg(long, default_value_t = 200.0)]
        rate: f64,
        /// Fixed load: a burst offers this many times the rate.
        #[arg(long, default_value_t = 10.0)]
        burst_factor: f64,
        /// Fixed load: seconds each burst lasts.
        #[arg(long, default_value_t = 1)]
        burst_secs: u64,
        /// Fixed load: a burst starts every this many seconds (0: no bursts).
        #[arg(long, default_value_t = 10)]
        burst_every: u64,
        /// Fixed load: how long to offer it.
        #[arg(long, default_value_t = 30)]
        secs: u64,
        /// Partitions of the run's topics.
        #[arg(long, default_value_t = 3)]
        partitions: i32,
        /// Producer linger.ms of every process (default: bus.kafka.linger_ms).
        #[arg(long)]
        linger_ms: Option<u64>,
        /// Producer compression of every process (default: bus.kafka.compression).
        #[arg(long)]
        compression: Option<String>,
        /// An extra librdkafka property for every process, KEY=VALUE (repeatable).
        #[arg(long = "kafka-option", value_name = "KEY=VALUE")]
        kafka_options: Vec<String>,
        /// Skip the Kafka-ceiling baseline.
        #[arg(long)]
        no_ceiling: bool,
        /// The Reuters-21578 directory (reut2-*.sgm).
        #[arg(long, default_value = "../shared/data/reuters21578")]
        reuters: PathBuf,
        /// Seed of the corpus generator.
        #[arg(long, default_value_t = 21578)]
        seed: u64,
        /// Keep the processes' logs and config files in this directory.
        #[arg(long)]
        logs: Option<PathBuf>,
        /// Fail a phase that has not drained after this many seconds.
        #[arg(long, default_value_t = 600)]
        phase_timeout: u64,
        /// Also write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Every scenario in one run (what BENCHMARKS.md reports): core with the Python baseline,
    /// fetch at a 1 s and a 60 s interval, pipeline with bursts and at a steady 200
    /// articles/s, each with its defaults, then a table of the goals and where the run lands.
    All {
        /// Raw items in the core corpus.
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        /// A running broker's bootstrap address for the pipeline (default: start
        /// deploy/kafka/kafka.sh).
        #[arg(long)]
        broker: Option<String>,
        /// The Reuters-21578 directory (reut2-*.sgm).
        #[arg(long, default_value = "../shared/data/reuters21578")]
        reuters: PathBuf,
        /// The core baseline's Python (bench/setup.sh makes this venv).
        #[arg(long, default_value = "target/bench-venv/bin/python")]
        python: PathBuf,
        /// Also write every figure as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// One hop of the Kafka ceiling (started by `bench pipeline`): copy every record of one
    /// topic to another, committing after the acknowledgement.
    #[command(hide = true)]
    Copy {
        #[arg(long)]
        group: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Duplicate, version and family decisions on Reuters-21578 with generated
    /// republications: pairwise precision/recall/F1, templated false positives, throughput.
    Dedup {
        /// The Reuters-21578 directory (reut2-*.sgm).
        #[arg(long, default_value = "../shared/data/reuters21578")]
        reuters: PathBuf,
        #[arg(long, value_enum, default_value = "train")]
        split: commands::eval::SplitArg,
        /// Seed of the republication generator.
        #[arg(long, default_value_t = 21578)]
        seed: u64,
    },
    /// Countries of the region tagger against Reuters-21578 PLACES: precision, recall, micro-F1.
    Places {
        #[arg(long, default_value = "../shared/data/reuters21578")]
        reuters: PathBuf,
        #[arg(long, value_enum, default_value = "train")]
        split: commands::eval::SplitArg,
        /// The data directory (gazetteer/gazetteer.json).
        #[arg(long, default_value = "config")]
        data: PathBuf,
    },
    /// The topic classifier on the ModApte top ten of Reuters-21578 (trains on TRAIN, reports
    /// TEST): micro and macro F1.
    Topics {
        #[arg(long, default_value = "../shared/data/reuters21578")]
        reuters: PathBuf,
    },
    /// Event clusters (wire.story) on ECB+: B-cubed precision/recall/F1.
    Stories {
        /// The ECB+ directory (ecbplus_docs.jsonl).
        #[arg(long, default_value = "../shared/data/ecbplus")]
        ecbplus: PathBuf,
        /// Odd topics tune, even topics are held out.
        #[arg(long, value_enum, default_value = "odd")]
        topics: commands::eval::stories::Half,
        /// Seed of the article order.
        #[arg(long, default_value_t = 982)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum TopicsCommand {
    /// Create every topic that does not exist yet; report existing ones that differ.
    Create {
        /// Wait up to this many seconds for the broker to answer.
        #[arg(long, default_value_t = 0)]
        wait_secs: u64,
    },
    /// Print partitions, replication, cleanup policy and retention of every topic (exit 1 when
    /// one is missing).
    Describe {
        /// One JSON object per topic.
        #[arg(long)]
        json: bool,
    },
    /// What a story topic file tags in a sample of articles (JSON lines), with samples and, given
    /// the previous version of the topic, what it gains and loses.
    Backtest {
        topic_file: PathBuf,
        input: PathBuf,
        /// The topic file as it is live now.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// The data directory (gazetteer/gazetteer.json).
        #[arg(long, default_value = "config")]
        data: PathBuf,
    },
}

#[derive(Subcommand)]
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

#[derive(Subcommand)]
enum DlqCommand {
    /// Print dead letters, oldest first: position, time, stage/kind, origin, key, reason.
    List {
        /// Show at most the N most recent.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only this wirefeed.dlq.kind (e.g. decode, parse).
        #[arg(long)]
        kind: Option<String>,
        /// Only dead letters of this stage (e.g. normalizer).
        #[arg(long)]
        stage: Option<String>,
        /// One JSON object per dead letter, with every header and the payload.
        #[arg(long)]
        json: bool,
    },
    /// Re-publish dead letters (payload, key, original headers) to their source topic.
    Replay {
        /// PARTITION:OFFSET in the dead-letter topic (as `dlq list` prints); repeatable.
        #[arg(long = "offset", value_name = "P:O", value_parser = commands::dlq::parse_position, required_unless_present = "all_kind", conflicts_with = "all_kind")]
        offsets: Vec<(i32, i64)>,
        /// Every dead letter of this kind.
        #[arg(long, value_name = "KIND")]
        all_kind: Option<String>,
        /// Print what would be replayed, publish nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: failed to start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Run { json } => commands::run::run(cli.config.as_deref(), json).await,
            Command::Parse { files, format } => {
                commands::parse::parse(cli.config.as_deref(), &files, format.as_deref())
            }
            Command::Enrich { file } => {
                commands::enrich::enrich(cli.config.as_deref(), file.as_deref())
            }
            Command::Topics { command } => match command {
                TopicsCommand::Create { wait_secs } => {
                    commands::topics::create(
                        cli.config.as_deref(),
                        std::time::Duration::from_secs(wait_secs),
                    )
                    .await
                }
                TopicsCommand::Describe { json } => {
                    commands::topics::describe(cli.config.as_deref(), json).await
                }
                TopicsCommand::Backtest {
                    topic_file,
                    input,
                    previous,
                    data,
                } => commands::topics::backtest(&topic_file, &input, previous.as_deref(), &data),
            },
            Command::Dlq { command } => match command {
                DlqCommand::List {
                    limit,
                    kind,
                    stage,
                    json,
                } => {
                    let options = commands::dlq::ListOptions {
                        limit,
                        kind,
                        stage,
                        json,
                    };
                    commands::dlq::list(cli.config.as_deref(), options).await
                }
                DlqCommand::Replay {
                    offsets,
                    all_kind,
                    dry_run,
                } => {
                    let selection = match all_kind {
                        Some(kind) => commands::dlq::ReplaySelection::Kind(kind),
                        None => commands::dlq::ReplaySelection::Offsets(offsets),
                    };
                    commands::dlq::replay(cli.config.as_deref(), selection, dry_run).await
                }
            },
            Command::Sources { admin, json } => {
                commands::sources::sources(cli.config.as_deref(), admin.as_deref(), json).await
            }
            Command::Health { url } => commands::sources::health(&url).await,
            Command::Classifier { command } => match command {
                ClassifierCommand::Train { input, output } => {
                    commands::classifier::train(&input, &output)
                }
                ClassifierCommand::Predict { model, input } => {
                    commands::classifier::predict(&model, input.as_deref())
                }
            },
            Command::Bench { command } => match command {
                BenchCommand::Core {
                    articles,
                    reuters,
                    seed,
                    no_baseline,
                    python,
                    baselines,
                    gazetteer,
                    keep_corpus,
                    json,
                } => {
                    let options = commands::bench::core::CoreOptions {
                        articles,
                        seed,
                        baseline: !no_baseline,
                        python,
                        baseline_script: baselines.join("core.py"),
                        gazetteer,
                        keep_corpus,
                        isolate: commands::bench::core::Isolation::this_program(cli.config.clone()),
                    };
                    commands::bench::core(
                        cli.config.as_deref(),
                        &reuters,
                        &options,
                        json.as_deref(),
                    )
                }
                BenchCommand::CoreRun { corpus, items } => {
                    commands::bench::core_child(cli.config.as_deref(), &corpus, items)
                }
                BenchCommand::Fetch {
                    feeds,
                    secs,
                    interval,
                    concurrency,
                    change_secs,
                    json,
                } => {
                    let options = commands::bench::fetch::FetchOptions {
                        feeds,
                        secs,
                        interval_secs: interval,
                        concurrency,
                        change_secs,
                    };
                    commands::bench::fetch(&options, json.as_deref())
                }
                BenchCommand::Pipeline {
                    broker,
                    articles,
                    warmup,
                    rate,
                    burst_factor,
                    burst_secs,
                    burst_every,
                    secs,
                    partitions,
                    linger_ms,
                    compression,
                    kafka_options,
                    no_ceiling,
                    reuters,
                    seed,
                    logs,
                    phase_timeout,
                    json,
                } => {
                    let options = commands::bench::topology::parse_options(&kafka_options)?;
                    let options = commands::bench::pipeline::PipelineOptions {
                        broker,
                        articles,
                        warmup,
                        shape: commands::bench::load::LoadShape {
                            rate,
                            burst_factor,
                            burst_secs,
                            burst_every_secs: burst_every,
                            secs,
                        },
                        seed,
                        kafka: commands::bench::topology::KafkaSettings {
                            partitions,
                            linger_ms,
                            compression,
                            options,
                        },
                        ceiling: !no_ceiling,
                        logs,
                        phase_timeout: std::time::Duration::from_secs(phase_timeout),
                    };
                    commands::bench::pipeline(&reuters, &options, json.as_deref()).await
                }
                BenchCommand::All {
                    articles,
                    broker,
                    reuters,
                    python,
                    json,
                } => {
                    let options = commands::bench::core::CoreOptions {
                        articles,
                        seed: 21578,
                        baseline: true,
                        python,
                        baseline_script: PathBuf::from("bench/baselines/core.py"),
                        gazetteer: PathBuf::from("config/gazetteer/gazetteer.json"),
                        keep_corpus: None,
                        isolate: commands::bench::core::Isolation::this_program(cli.config.clone()),
                    };
                    commands::bench::all(
                        cli.config.as_deref(),
                        &reuters,
                        &options,
                        broker,
                        json.as_deref(),
                    )
                    .await
                }
                BenchCommand::Copy { group, from, to } => {
                    commands::bench::copy(cli.config.as_deref(), &group, &from, &to).await
                }
            },
            Command::Eval { command } => match command {
                EvalCommand::Places {
                    reuters,
                    split,
                    data,
                } => commands::eval::places(&reuters, split, &data),
                EvalCommand::Topics { reuters } => commands::eval::topics(&reuters),
                EvalCommand::Dedup {
                    reuters,
                    split,
                    seed,
                } => commands::eval::dedup(cli.config.as_deref(), &reuters, split, seed),
                EvalCommand::Stories {
                    ecbplus,
                    topics,
                    seed,
                } => commands::eval::stories(cli.config.as_deref(), &ecbplus, topics, seed),
            },
        }
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
