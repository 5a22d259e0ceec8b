//! The processes of `bench pipeline`: the broker (the project's `deploy/kafka/kafka.sh`), the
//! config file each run's processes share, and the stage processes themselves, each a child
//! process killed when dropped.
//!
//! Two topologies run the same input: `wirefeed` (the service binaries `wirefeed-normalizer`,
//! `wirefeed-enricher`, `wirefeed-alerter`, found next to this executable) and `ceiling` (three
//! `wirefeed-bench copy` processes copying `wire.raw.v1` → `wire.articles.v1` →
//! `wire.enriched.v1` → `wire.alerts.v1` without work). With fetcher input, both start with a
//! real `wirefeed-fetcher` process polling the bench's feed server ([`FetcherSetup`]). Every
//! process gets its own admin port (`WIREFEED__ADMIN__LISTEN`), to read its `/metrics`.

use anyhow::Context as _;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use wire_model::topics;

/// Alert subscriptions of the `wirefeed` topology: `(id, query)`. Commodity words that a known
/// share of the Reuters-21578 stories mention.
pub const SUBSCRIPTIONS: [(&str, &str); 2] = [
    ("oil-desk", "oil OR crude"),
    ("grain-desk", "wheat OR grain OR maize"),
];

/// Which pipeline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Wirefeed,
    Ceiling,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Wirefeed => "wirefeed",
            Self::Ceiling => "ceiling",
        }
    }

    /// Each stage: (name, input topic, output topic). The name is also the consumer group.
    pub fn stages(self) -> [(&'static str, &'static str, &'static str); 3] {
        match self {
            Self::Wirefeed => [
                ("normalizer", topics::RAW, topics::ARTICLES),
                ("enricher", topics::ARTICLES, topics::ENRICHED),
                ("alerter", topics::ENRICHED, topics::ALERTS),
            ],
            Self::Ceiling => [
                ("copy-1", topics::RAW, topics::ARTICLES),
                ("copy-2", topics::ARTICLES, topics::ENRICHED),
                ("copy-3", topics::ENRICHED, topics::ALERTS),
            ],
        }
    }
}

/// The Kafka settings every process of a run uses (over `config/wirefeed.toml`'s defaults).
#[derive(Debug, Clone, Default)]
pub struct KafkaSettings {
    pub partitions: i32,
    pub linger_ms: Option<u64>,
    pub compression: Option<String>,
    /// Extra librdkafka properties (`[bus.kafka.options]`).
    pub options: BTreeMap<String, String>,
}

/// `KEY=VALUE` arguments (`--kafka-option`) as librdkafka properties.
pub fn parse_options(arguments: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    arguments
        .iter()
        .map(|argument| {
            argument
                .split_once('=')
                .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
                .filter(|(key, _)| !key.is_empty())
                .with_context(|| format!("--kafka-option {argument}: expected KEY=VALUE"))
        })
        .collect()
}

fn toml_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The fetcher of a run with fetcher input: the feeds it polls on the bench's feed server.
#[derive(Debug, Clone)]
pub struct FetcherSetup {
    /// The feed server's port on 127.0.0.1.
    pub port: u16,
    /// Feed ids (`reuters-0`, `outlet-3-1`, ...): each is a source, `/feeds/<id>.xml`.
    pub feeds: Vec<String>,
    /// Every source's poll interval (and the fetcher's minimum).
    pub interval_secs: u64,
    /// Polls at a time (over all sources, and to the one host).
    pub concurrency: usize,
}

impl FetcherSetup {
    /// `[fetcher]` with the feeds as HTTP sources (the demo inbox replaced, no config reload),
    /// and the agency's feeds named as agency sources for the enricher.
    fn config_text(&self) -> String {
        let interval = self.interval_secs.max(1);
        let concurrency = self.concurrency.max(1);
        let mut text = format!(
            "\n[fetcher]\ndefault_interval_secs = {interval}\nmin_interval_secs = {interval}\n\
             max_concurrent_polls = {concurrency}\nper_host_concurrency = {concurrency}\n\
             reload_interval_secs = 0\n"
        );
        for feed in &self.feeds {
            let url = format!("http://127.0.0.1:{}/feeds/{feed}.xml", self.port);
            let _ = write!(
                text,
                "\n[[fetcher.sources]]\nid = {}\nkind = \"http\"\nurl = {}\n\
                 interval_secs = {interval}\nallow_private_network = true\n",
                toml_string(feed),
                toml_string(&url),
            );
        }
        let agency: Vec<String> = self
            .feeds
            .iter()
            .filter(|f| f.starts_with(&format!("{}-", wire_corpus::republish::AGENCY)))
            .map(|f| toml_string(f))
            .collect();
        let _ = write!(
            text,
            "\n[enricher]\nagency_sources = [{}]\n",
            agency.join(", ")
        );
        text
    }
}

/// The config file of one run: the Kafka bus on `broker` with `prefix` for topics and groups,
/// admin servers on free ports, (for the alerter) [`SUBSCRIPTIONS`], and the fetcher's feeds.
pub fn config_text(
    broker: &str,
    prefix: &str,
    kafka: &KafkaSettings,
    fetcher: Option<&FetcherSetup>,
) -> String {
    let mut text = format!(
        "[bus]\nkind = \"kafka\"\n\n[bus.kafka]\nbootstrap_servers = {}\ntopic_prefix = {}\n\
         group_prefix = {}\npartitions = {}\nsession_timeout_ms = 6000\n",
        toml_string(broker),
        toml_string(prefix),
        toml_string(prefix),
        kafka.partitions.max(1),
    );
    if let Some(linger) = kafka.linger_ms {
        let _ = writeln!(text, "linger_ms = {linger}");
    }
    if let Some(compression) = &kafka.compression {
        let _ = writeln!(text, "compression = {}", toml_string(compression));
    }
    if !kafka.options.is_empty() {
        text.push_str("\n[bus.kafka.options]\n");
        for (key, value) in &kafka.options {
            let _ = writeln!(text, "{} = {}", toml_string(key), toml_string(value));
        }
    }
    text.push_str("\n[admin]\nlisten = \"127.0.0.1:0\"\n\n[alerter]\nprint_alerts = false\n");
    for (id, query) in SUBSCRIPTIONS {
        let _ = write!(
            text,
            "\n[[alerter.subscriptions]]\nid = {}\nquery = {}\n",
            toml_string(id),
            toml_string(query)
        );
    }
    if let Some(fetcher) = fetcher {
        text.push_str(&fetcher.config_text());
    }
    text
}

/// Starts the project's broker with `deploy/kafka/kafka.sh start` (a no-op when it runs) and
/// returns its bootstrap address (the script's last line of output).
pub fn start_broker() -> anyhow::Result<String> {
    let script = Path::new("deploy/kafka/kafka.sh");
    anyhow::ensure!(
        script.is_file(),
        "no {} here: run from the repository root or pass --broker ADDR",
        script.display()
    );
    eprintln!("starting the broker: {} start", script.display());
    let output = Command::new(script)
        .arg("start")
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("failed to run {}", script.display()))?;
    anyhow::ensure!(
        output.status.success(),
        "{} start failed ({})",
        script.display(),
        output.status
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .map(str::to_owned)
        .context("kafka.sh start printed no address")
}

/// A binary next to this executable (`target/release/wirefeed-enricher`).
pub fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("failed to find this executable")?;
    let path = exe
        .parent()
        .context("this executable has no directory")?
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        path.is_file(),
        "{} is not built: cargo build --release -p wirefeed-bench -p wirefeed-normalizer \
         -p wirefeed-enricher -p wirefeed-alerter -p wirefeed-fetcher",
        path.display()
    );
    Ok(path)
}

/// One stage process; killed when dropped.
#[derive(Debug)]
pub struct StageProcess {
    pub stage: &'static str,
    /// The admin server's port on 127.0.0.1 (`/metrics`).
    pub admin_port: Option<u16>,
    child: Child,
    stderr: PathBuf,
}

impl StageProcess {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it exited by itself (a crash), with the end of its standard error.
    pub fn crashed(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok().flatten()?;
        let log = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Some(format!(
            "{} exited ({status}):\n{}",
            self.stage,
            tail.join("\n")
        ))
    }

    /// SIGTERM (through `kill`, the workspace forbids `unsafe`), then SIGKILL after `wait`.
    pub fn stop(&mut self, wait: Duration) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for StageProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A free port on 127.0.0.1 (bound and released: another process may take it first, which
/// then fails its start-up loudly).
fn free_port() -> Option<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .ok()
}

/// Starts `command` as `stage` of run `label` with `config`, its standard error in `logs`.
fn spawn_process(
    stage: &'static str,
    mut command: Command,
    config: &Path,
    logs: &Path,
    label: &str,
) -> anyhow::Result<StageProcess> {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("WIREFEED") {
            command.env_remove(key);
        }
    }
    let admin_port = free_port();
    if let Some(port) = admin_port {
        command.env("WIREFEED__ADMIN__LISTEN", format!("127.0.0.1:{port}"));
    }
    let stderr = logs.join(format!("{label}-{stage}.err"));
    command
        .env("WIREFEED_CONFIG", config)
        .env("RUST_LOG", "info,rdkafka=warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).context("failed to create a log file")?);
    let child = command
        .spawn()
        .with_context(|| format!("failed to start the {stage} process"))?;
    Ok(StageProcess {
        stage,
        admin_port,
        child,
        stderr,
    })
}

/// Starts a `wirefeed-fetcher` process of run `label` with `config`.
pub fn spawn_fetcher(config: &Path, logs: &Path, label: &str) -> anyhow::Result<StageProcess> {
    let command = Command::new(sibling_binary("wirefeed-fetcher")?);
    spawn_process("fetcher", command, config, logs, label)
}

/// Starts the stages of `kind` with `config`, logs in `logs`, after a fetcher when `fetcher`.
pub fn spawn(
    kind: Kind,
    config: &Path,
    logs: &Path,
    fetcher: bool,
) -> anyhow::Result<Vec<StageProcess>> {
    let mut processes = Vec::new();
    if fetcher {
        processes.push(spawn_fetcher(config, logs, kind.name())?);
    }
    for (stage, from, to) in kind.stages() {
        let command = match kind {
            Kind::Wirefeed => Command::new(sibling_binary(&format!("wirefeed-{stage}"))?),
            Kind::Ceiling => {
                let mut command = Command::new(
                    std::env::current_exe().context("failed to find this executable")?,
                );
                command.args(["copy", "--group", stage, "--from", from, "--to", to]);
                command
            }
        };
        processes.push(spawn_process(stage, command, config, logs, kind.name())?);
    }
    Ok(processes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_options_are_key_value_pairs() {
        let options = parse_options(&[
            "fetch.wait.max.ms=10".to_owned(),
            " batch.size = 65536".to_owned(),
        ])
        .unwrap();
        assert_eq!(options.get("fetch.wait.max.ms"), Some(&"10".to_owned()));
        assert_eq!(options.get("batch.size"), Some(&"65536".to_owned()));
        assert!(parse_options(&["linger".to_owned()]).is_err());
        assert!(parse_options(&["=1".to_owned()]).is_err());
    }

    #[test]
    fn the_config_parses_with_the_runs_settings() {
        let kafka = KafkaSettings {
            partitions: 3,
            linger_ms: Some(2),
            compression: Some("zstd".to_owned()),
            options: BTreeMap::from([("fetch.wait.max.ms".to_owned(), "10".to_owned())]),
        };
        let fetcher = FetcherSetup {
            port: 4242,
            feeds: vec!["reuters-0".to_owned(), "outlet-7-1".to_owned()],
            interval_secs: 1,
            concurrency: 16,
        };
        let text = config_text(
            "127.0.0.1:9092",
            "bench.1.wirefeed.",
            &kafka,
            Some(&fetcher),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bench.toml");
        std::fs::write(&path, text).unwrap();
        let loaded = wire_runtime::LoadedConfig::load_from(Some(&path), &[]).unwrap();
        let runtime = loaded.runtime().unwrap();
        assert_eq!(runtime.bus.kafka.topic_prefix, "bench.1.wirefeed.");
        assert_eq!(runtime.bus.kafka.linger_ms, 2);
        assert_eq!(runtime.bus.kafka.compression, "zstd");
        assert_eq!(
            runtime.bus.kafka.options.get("fetch.wait.max.ms"),
            Some(&"10".to_owned())
        );
        let alerter: wirefeed_alerter::AlerterConfig = loaded.section("alerter").unwrap();
        let ids: Vec<&str> = alerter
            .subscriptions
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(ids, ["oil-desk", "grain-desk"]);
        let fetcher: wirefeed_fetcher::FetcherConfig = loaded.section("fetcher").unwrap();
        assert_eq!(fetcher.sources.len(), 2, "the demo inbox is replaced");
        assert_eq!(fetcher.min_interval_secs, 1);
        let enricher: wirefeed_enricher::EnricherConfig = loaded.section("enricher").unwrap();
        assert_eq!(enricher.agency_sources, ["reuters-0"]);
    }
}
