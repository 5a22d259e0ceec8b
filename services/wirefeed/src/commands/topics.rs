//! `wirefeed topics create|describe`: the topics of a deployment, made the way wirefeed expects
//! them ([`wire_runtime::bus::topic_plan`]: data topics with `retention.ms` from
//! `bus.kafka.retention_hours`, compacted state topics), and a table of how they are set up on
//! the broker.
//!
//! `create` leaves existing topics as they are and says where one differs from the plan;
//! `describe` exits 1 when a topic is missing.

use anyhow::Context as _;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, ResourceSpecifier};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::RDKafkaErrorCode;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use wire_runtime::LoadedConfig;
use wire_runtime::bus::topic_plan::{TopicPlan, plan};
use wire_runtime::config::{BusConfig, KafkaConfig};

/// How long one admin request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A librdkafka client config for the CLI's admin and reader clients (client id
/// `<client_id>-cli-<role>`).
pub fn client_config(kafka: &KafkaConfig, role: &str) -> ClientConfig {
    wire_runtime::bus::client_config(kafka, Some(&format!("cli-{role}")))
}

/// The `[bus]` section of the layered config (its `kafka` part is used whatever `bus.kind` says).
pub fn load_bus(config_file: Option<&Path>) -> anyhow::Result<BusConfig> {
    let config = LoadedConfig::load(config_file)?;
    Ok(config.section("bus")?)
}

/// The Kafka topics of the enricher's topic routes.
fn route_topics(config_file: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let enricher: wirefeed_enricher::EnricherConfig =
        LoadedConfig::load(config_file)?.section("enricher")?;
    Ok(enricher.tagging.routes.into_iter().map(|r| r.to).collect())
}

/// `wirefeed topics create`.
pub async fn create(config_file: Option<&Path>, wait: Duration) -> anyhow::Result<ExitCode> {
    let kafka = load_bus(config_file)?.kafka;
    let admin = admin_client(&kafka)?;
    wait_for_broker(&admin, &kafka, wait).await?;
    let plans = plan(&kafka, &route_topics(config_file)?);
    let options = AdminOptions::new()
        .operation_timeout(Some(REQUEST_TIMEOUT))
        .request_timeout(Some(REQUEST_TIMEOUT));
    let results = wire_runtime::bus::create_topics(&admin, &plans, &options)
        .await
        .with_context(|| format!("failed to create topics on {}", kafka.bootstrap_servers))?;
    let mut failed = false;
    for result in results {
        match result {
            Ok(topic) => println!("created {topic}"),
            Err((topic, RDKafkaErrorCode::TopicAlreadyExists)) => println!("exists  {topic}"),
            Err((topic, code)) => {
                failed = true;
                eprintln!("error: failed to create topic {topic}: {code}");
            }
        }
    }
    // New topics take a moment to show in the metadata.
    let settle = Instant::now() + Duration::from_secs(15);
    let described = loop {
        let described = describe_topics(&admin, &plans).await?;
        if described.iter().all(|d| d.exists) || Instant::now() >= settle {
            break described;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    for (plan, actual) in plans.iter().zip(&described) {
        for difference in differences(plan, actual) {
            eprintln!(
                "warning: {} {difference} (existing topics are left as they are)",
                plan.name
            );
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `wirefeed topics describe`.
pub async fn describe(config_file: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    let kafka = load_bus(config_file)?.kafka;
    let admin = admin_client(&kafka)?;
    wait_for_broker(&admin, &kafka, Duration::ZERO).await?;
    let plans = plan(&kafka, &route_topics(config_file)?);
    let described = describe_topics(&admin, &plans).await?;
    if json {
        for actual in &described {
            println!("{}", serde_json::to_string(&actual.to_json())?);
        }
    } else {
        print!("{}", render_table(&described));
    }
    let missing: Vec<&str> = described
        .iter()
        .filter(|d| !d.exists)
        .map(|d| d.name.as_str())
        .collect();
    if missing.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: missing topics: {} (create them with `wirefeed topics create`)",
            missing.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}

/// A topic as the broker has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribedTopic {
    pub name: String,
    pub exists: bool,
    pub partitions: usize,
    /// Replicas of the first partition.
    pub replication_factor: usize,
    pub cleanup_policy: Option<String>,
    pub retention_ms: Option<i64>,
}

impl DescribedTopic {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "topic": self.name,
            "exists": self.exists,
            "partitions": self.partitions,
            "replication_factor": self.replication_factor,
            "cleanup_policy": self.cleanup_policy,
            "retention_ms": self.retention_ms,
        })
    }
}

fn admin_client(kafka: &KafkaConfig) -> anyhow::Result<AdminClient<DefaultClientContext>> {
    client_config(kafka, "admin")
        .create()
        .context("failed to create the kafka admin client")
}

/// Waits up to `wait` (at least one attempt) until the broker answers a metadata request.
async fn wait_for_broker(
    admin: &AdminClient<DefaultClientContext>,
    kafka: &KafkaConfig,
    wait: Duration,
) -> anyhow::Result<()> {
    // Over TLS or SASL, a refused login or certificate is said as such, not as a broker that
    // does not answer.
    if wire_runtime::bus::is_secured(kafka) {
        let settings = kafka.clone();
        let probe_wait = wait.max(Duration::from_secs(5));
        let reachability = tokio::task::spawn_blocking(move || {
            wire_runtime::bus::probe_connection(&settings, probe_wait)
        })
        .await
        .context("the kafka connection check failed")?;
        if let wire_runtime::bus::Reachability::Refused(reason) = reachability {
            anyhow::bail!(reason);
        }
    }
    let deadline = Instant::now() + wait;
    loop {
        match admin.inner().fetch_metadata(None, Duration::from_secs(5)) {
            Ok(_) => return Ok(()),
            Err(error) if Instant::now() >= deadline => {
                return Err(anyhow::anyhow!(
                    "no kafka broker answers at {}: {error} (is it running? \
                     deploy/kafka/kafka.sh start)",
                    kafka.bootstrap_servers
                ));
            }
            Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

/// Metadata and configs of the planned topics, in plan order.
async fn describe_topics(
    admin: &AdminClient<DefaultClientContext>,
    plans: &[TopicPlan],
) -> anyhow::Result<Vec<DescribedTopic>> {
    let metadata = admin
        .inner()
        .fetch_metadata(None, REQUEST_TIMEOUT)
        .context("failed to read topic metadata")?;
    let mut described: Vec<DescribedTopic> = plans
        .iter()
        .map(|plan| {
            let found = metadata
                .topics()
                .iter()
                .find(|t| t.name() == plan.name && t.error().is_none());
            match found {
                Some(topic) => DescribedTopic {
                    name: plan.name.clone(),
                    exists: true,
                    partitions: topic.partitions().len(),
                    replication_factor: topic
                        .partitions()
                        .first()
                        .map(|p| p.replicas().len())
                        .unwrap_or(0),
                    ..DescribedTopic::default()
                },
                None => DescribedTopic {
                    name: plan.name.clone(),
                    ..DescribedTopic::default()
                },
            }
        })
        .collect();
    let existing: Vec<String> = described
        .iter()
        .filter(|d| d.exists)
        .map(|d| d.name.clone())
        .collect();
    if existing.is_empty() {
        return Ok(described);
    }
    let specifiers: Vec<ResourceSpecifier<'_>> = existing
        .iter()
        .map(|name| ResourceSpecifier::Topic(name))
        .collect();
    let options = AdminOptions::new().request_timeout(Some(REQUEST_TIMEOUT));
    let results = admin
        .describe_configs(&specifiers, &options)
        .await
        .context("failed to describe topic configs")?;
    for (name, result) in existing.iter().zip(results) {
        let resource = result.map_err(|code| {
            anyhow::anyhow!("failed to describe the config of topic {name}: {code}")
        })?;
        if let Some(topic) = described.iter_mut().find(|d| &d.name == name) {
            topic.cleanup_policy = resource
                .get("cleanup.policy")
                .and_then(|entry| entry.value.clone());
            topic.retention_ms = resource
                .get("retention.ms")
                .and_then(|entry| entry.value.as_deref())
                .and_then(|value| value.parse().ok());
        }
    }
    Ok(described)
}

/// How an existing topic differs from its plan, one phrase each.
pub fn differences(plan: &TopicPlan, actual: &DescribedTopic) -> Vec<String> {
    let mut found = Vec::new();
    if !actual.exists {
        found.push("is missing".to_owned());
        return found;
    }
    if i32::try_from(actual.partitions).ok() != Some(plan.partitions) {
        found.push(format!(
            "has {} partitions, configured {}",
            actual.partitions, plan.partitions
        ));
    }
    if i32::try_from(actual.replication_factor).ok() != Some(plan.replication_factor) {
        found.push(format!(
            "has replication factor {}, configured {}",
            actual.replication_factor, plan.replication_factor
        ));
    }
    if actual.cleanup_policy.as_deref() != Some(plan.cleanup_policy) {
        found.push(format!(
            "has cleanup.policy {}, configured {}",
            actual.cleanup_policy.as_deref().unwrap_or("?"),
            plan.cleanup_policy
        ));
    }
    if let Some(retention_ms) = plan.retention_ms
        && actual.retention_ms != Some(retention_ms)
    {
        found.push(format!(
            "has retention.ms {}, configured {retention_ms}",
            actual
                .retention_ms
                .map_or_else(|| "?".to_owned(), |ms| ms.to_string())
        ));
    }
    found
}

/// `168h`, `30m`, `forever`.
pub fn format_retention(retention_ms: Option<i64>) -> String {
    match retention_ms {
        None => "-".to_owned(),
        Some(ms) if ms < 0 => "forever".to_owned(),
        Some(ms) if ms % 3_600_000 == 0 => format!("{}h", ms / 3_600_000),
        Some(ms) if ms % 60_000 == 0 => format!("{}m", ms / 60_000),
        Some(ms) => format!("{ms}ms"),
    }
}

/// The `describe` table.
pub fn render_table(described: &[DescribedTopic]) -> String {
    let header = ["TOPIC", "PARTITIONS", "REPLICATION", "CLEANUP", "RETENTION"];
    let rows: Vec<[String; 5]> = described
        .iter()
        .map(|d| {
            if d.exists {
                let retention = if d.cleanup_policy.as_deref() == Some("compact") {
                    "compacted".to_owned()
                } else {
                    format_retention(d.retention_ms)
                };
                [
                    d.name.clone(),
                    d.partitions.to_string(),
                    d.replication_factor.to_string(),
                    d.cleanup_policy.clone().unwrap_or_else(|| "?".to_owned()),
                    retention,
                ]
            } else {
                [
                    d.name.clone(),
                    "missing".to_owned(),
                    "-".to_owned(),
                    "-".to_owned(),
                    "-".to_owned(),
                ]
            }
        })
        .collect();
    super::sources::render_table(&header, &rows)
}

/// Create the Kafka topics (data topics with retention, compacted state topics) or describe
/// them.
#[derive(clap::Args)]
pub struct TopicsArgs {
    #[command(subcommand)]
    command: TopicsCommand,
}

#[derive(clap::Subcommand)]
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
}

impl TopicsArgs {
    pub async fn run(self, config_file: Option<&Path>) -> anyhow::Result<ExitCode> {
        match self.command {
            TopicsCommand::Create { wait_secs } => {
                create(config_file, Duration::from_secs(wait_secs)).await
            }
            TopicsCommand::Describe { json } => describe(config_file, json).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_runtime::bus::topic_plan::{STATE_STAGES, TABLES};

    fn kafka(prefix: &str, retention_hours: u64) -> KafkaConfig {
        let mut bus: BusConfig = LoadedConfig::load_from(None, &[])
            .unwrap()
            .section("bus")
            .unwrap();
        bus.kafka.topic_prefix = prefix.to_owned();
        bus.kafka.retention_hours = retention_hours;
        bus.kafka
    }

    #[test]
    fn the_plan_has_every_data_topic_with_retention_and_compacted_state_topics() {
        let plans = plan(&kafka("staging.", 168), &[]);
        let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "staging.wire.raw.v1",
                "staging.wire.articles.v1",
                "staging.wire.enriched.v1",
                "staging.wire.originals.v1",
                "staging.wire.stories.v1",
                "staging.wire.alerts.v1",
                "staging.wire.replay.v1",
                "staging.wire.dlq.v1",
                "staging.wire.sources.v1",
                "staging.wire.subscriptions.v1",
                "staging.wire.state.fetcher.v1",
                "staging.wire.state.enricher.v1",
                "staging.wire.state.alerter.v1",
            ]
        );
        assert_eq!(plans[0].retention_ms, Some(168 * 3_600_000));
        assert_eq!(plans[0].cleanup_policy, "delete");
        let state = wire_model::topics::ALL.len() + TABLES.len();
        assert_eq!(plans[state].cleanup_policy, "compact");
        assert_eq!(plans[state].partitions, 1);
        assert_eq!(plans[state].retention_ms, None);
    }

    #[test]
    fn zero_retention_hours_keeps_data_forever() {
        let plans = plan(&kafka("", 0), &[]);
        assert_eq!(plans[0].retention_ms, Some(-1));
        assert_eq!(format_retention(plans[0].retention_ms), "forever");
    }

    #[test]
    fn topic_routes_are_data_topics_after_the_fixed_ones() {
        let route = "wire.topic.syria-peace-process.v1".to_owned();
        let plans = plan(&kafka("", 24), &[route.clone(), route]);
        let data = wire_model::topics::ALL.len();
        assert_eq!(plans.len(), data + 1 + TABLES.len() + STATE_STAGES.len());
        assert_eq!(plans[data].name, "wire.topic.syria-peace-process.v1");
        assert_eq!(plans[data].cleanup_policy, "delete");
        assert_eq!(plans[data].retention_ms, Some(24 * 3_600_000));
    }

    #[test]
    fn differences_name_what_differs() {
        let plan = plan(&kafka("", 24), &[]).remove(0);
        let actual = DescribedTopic {
            name: plan.name.clone(),
            exists: true,
            partitions: 1,
            replication_factor: 1,
            cleanup_policy: Some("delete".to_owned()),
            retention_ms: Some(604_800_000),
        };
        let found = differences(&plan, &actual);
        assert_eq!(
            found,
            [
                "has 1 partitions, configured 3",
                "has retention.ms 604800000, configured 86400000"
            ]
        );
    }

    #[test]
    fn the_table_shows_missing_and_compacted_topics() {
        let table = render_table(&[
            DescribedTopic {
                name: "wire.raw.v1".to_owned(),
                exists: true,
                partitions: 3,
                replication_factor: 1,
                cleanup_policy: Some("delete".to_owned()),
                retention_ms: Some(604_800_000),
            },
            DescribedTopic {
                name: "wire.state.fetcher.v1".to_owned(),
                exists: true,
                partitions: 1,
                replication_factor: 1,
                cleanup_policy: Some("compact".to_owned()),
                retention_ms: Some(604_800_000),
            },
            DescribedTopic {
                name: "wire.dlq.v1".to_owned(),
                ..DescribedTopic::default()
            },
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "TOPIC                  PARTITIONS  REPLICATION  CLEANUP  RETENTION"
        );
        assert_eq!(
            lines[1],
            "wire.raw.v1            3           1            delete   168h"
        );
        assert!(lines[2].ends_with("compact  compacted"), "{}", lines[2]);
        assert!(lines[3].contains("missing"), "{}", lines[3]);
    }
}
