//! The operator commands of the `wirefeed` binary against the real broker: `topics create`
//! and `topics describe` make and show every topic with its policies; `dlq list` shows a poison
//! message the normalizer dead-lettered, and `dlq replay` puts it back on its source topic; the
//! topics the bus and the state store create by themselves match the plan of `topics create`.
//! Each test uses its own topic prefix (WIREFEED__BUS__KAFKA__TOPIC_PREFIX).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::wirefeed;
use integration_tests::*;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, ResourceSpecifier};
use rdkafka::client::DefaultClientContext;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::topics::{self, dlq_headers};
use wire_runtime::{Record, ServiceContext, bus::publish, connect_bus};

const WAIT: Duration = Duration::from_secs(60);

fn env_for(prefix: &str) -> Vec<(&'static str, String)> {
    vec![
        ("WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS", require_broker()),
        ("WIREFEED__BUS__KAFKA__TOPIC_PREFIX", prefix.to_owned()),
        ("WIREFEED__BUS__KAFKA__GROUP_PREFIX", prefix.to_owned()),
        ("WIREFEED__BUS__KAFKA__PARTITIONS", "2".to_owned()),
        ("WIREFEED__BUS__KAFKA__RETENTION_HOURS", "2".to_owned()),
    ]
}

fn run(args: &[&str], env: &[(&'static str, String)]) -> (bool, String, String) {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = wirefeed(args, &env);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_create_makes_every_topic_with_its_policy_and_describe_shows_them() {
    let prefix = unique_prefix("topics");
    let env = env_for(&prefix);

    let (ok, _, stderr) = run(&["topics", "describe"], &env);
    assert!(!ok, "describe must fail while topics are missing");
    assert!(stderr.contains("missing topics"), "{stderr}");

    let (ok, stdout, stderr) = run(&["topics", "create", "--wait-secs", "10"], &env);
    assert!(ok, "{stdout}\n{stderr}");
    // Every data topic, the two tables and the three stages' state topics.
    let all = topics::ALL.len() + wire_runtime::bus::topic_plan::TABLES.len() + 3;
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("created ")).count(),
        all
    );
    // Idempotent: a second run finds them all, with nothing to warn about.
    let (ok, stdout, stderr) = run(&["topics", "create"], &env);
    assert!(ok, "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("exists ")).count(),
        all
    );
    assert!(!stderr.contains("warning"), "{stderr}");

    let (ok, stdout, stderr) = run(&["topics", "describe", "--json"], &env);
    assert!(ok, "{stdout}\n{stderr}");
    let described: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(described.len(), all);
    for logical in topics::ALL {
        let topic = described
            .iter()
            .find(|d| d["topic"] == format!("{prefix}{logical}"))
            .unwrap_or_else(|| panic!("{logical} not described: {stdout}"));
        assert_eq!(topic["partitions"], 2, "{topic}");
        assert_eq!(topic["replication_factor"], 1, "{topic}");
        assert_eq!(topic["cleanup_policy"], "delete", "{topic}");
        assert_eq!(topic["retention_ms"], 2 * 3_600_000, "{topic}");
    }
    for stage in ["fetcher", "enricher", "alerter"] {
        let name = format!("{prefix}{}", topics::state_topic(stage));
        let topic = described.iter().find(|d| d["topic"] == name).unwrap();
        assert_eq!(topic["partitions"], 1, "{topic}");
        assert_eq!(topic["cleanup_policy"], "compact", "{topic}");
    }

    // The broker agrees, asked by another client.
    let state = format!("{prefix}{}", topics::state_topic("enricher"));
    let raw = format!("{prefix}{}", topics::RAW);
    assert_eq!(topic_config(&state, "cleanup.policy").await, "compact");
    assert_eq!(topic_config(&raw, "retention.ms").await, "7200000");

    let (ok, table, _) = run(&["topics", "describe"], &env);
    assert!(ok);
    assert!(table.starts_with("TOPIC"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with(&raw) && l.contains("delete") && l.ends_with("2h")),
        "{table}"
    );
}

/// The topics the bus creates at start-up (`bus.kafka.create_topics`) and the state store
/// creates for itself are made from the same plan as `wirefeed topics create`'s: a later
/// `topics create` finds them as it would have made them, retention included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_the_bus_and_the_state_store_create_are_the_ones_topics_create_plans() {
    let prefix = unique_prefix("autotopics");
    let bus_config = kafka_bus_config(&prefix);
    assert!(bus_config.kafka.create_topics);
    let _bus = connect_bus(&bus_config).await.unwrap();
    let _store = wire_runtime::state::KafkaStateStore::open(&bus_config.kafka, "enricher")
        .await
        .unwrap();

    let env = vec![
        ("WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS", require_broker()),
        ("WIREFEED__BUS__KAFKA__TOPIC_PREFIX", prefix.clone()),
        ("WIREFEED__BUS__KAFKA__GROUP_PREFIX", prefix.clone()),
        (
            "WIREFEED__BUS__KAFKA__PARTITIONS",
            bus_config.kafka.partitions.to_string(),
        ),
        (
            "WIREFEED__BUS__KAFKA__REPLICATION_FACTOR",
            bus_config.kafka.replication_factor.to_string(),
        ),
        (
            "WIREFEED__BUS__KAFKA__RETENTION_HOURS",
            bus_config.kafka.retention_hours.to_string(),
        ),
    ];
    let (ok, stdout, stderr) = run(&["topics", "create", "--wait-secs", "10"], &env);
    assert!(ok, "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("exists ")).count(),
        topics::ALL.len() + 1,
        "{stdout}"
    );
    // The tables (their services open them) and the two other stages' state topics.
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("created ")).count(),
        wire_runtime::bus::topic_plan::TABLES.len() + 2,
        "{stdout}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");

    // The broker has the data topic's retention and the state topic's compaction.
    let raw = format!("{prefix}{}", topics::RAW);
    let state = format!("{prefix}{}", topics::state_topic("enricher"));
    assert_eq!(topic_config(&raw, "cleanup.policy").await, "delete");
    assert_eq!(
        topic_config(&raw, "retention.ms").await,
        (bus_config.kafka.retention_hours * 3_600_000).to_string()
    );
    assert_eq!(topic_config(&state, "cleanup.policy").await, "compact");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dead_lettered_message_is_listed_and_replayed_to_its_source_topic() {
    let prefix = unique_prefix("dlqcli");
    let env = env_for(&prefix);
    let (ok, stdout, stderr) = run(&["topics", "create", "--wait-secs", "10"], &env);
    assert!(ok, "{stdout}\n{stderr}");

    let mut bus_config = kafka_bus_config(&prefix);
    bus_config.kafka.create_topics = false;
    let bus = connect_bus(&bus_config).await.unwrap();
    publish(
        bus.as_ref(),
        Record::new(topics::RAW, "poison-key", b"this is not json".to_vec())
            .with_header("x-trace", "trace-1"),
    )
    .await
    .unwrap();

    let shutdown = CancellationToken::new();
    let normalizer = {
        let bus = connect_bus(&bus_config).await.unwrap();
        let mut context = ServiceContext::with_defaults(bus)
            .unwrap()
            .with_stage(stage_config())
            .with_shutdown(shutdown.clone());
        context.runtime.bus = bus_config.clone();
        tokio::spawn(wirefeed_normalizer::run(Default::default(), context))
    };
    let dead = read_topic(&format!("{prefix}{}", topics::DLQ), 1, WAIT).await;
    shutdown.cancel();
    normalizer.await.unwrap().unwrap();
    assert_eq!(dead.len(), 1, "{dead:#?}");

    // list --json: every header, the payload, the position.
    let (ok, stdout, stderr) = run(&["dlq", "list", "--json"], &env);
    assert!(ok, "{stderr}");
    let listed: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(listed.len(), 1, "{stdout}");
    let letter = &listed[0];
    assert_eq!(letter["key"], "poison-key");
    assert_eq!(letter["payload"], "this is not json");
    assert_eq!(letter["headers"][dlq_headers::KIND], "decode");
    assert_eq!(letter["headers"][dlq_headers::STAGE], "normalizer");
    assert_eq!(letter["headers"][dlq_headers::SOURCE_TOPIC], topics::RAW);
    assert_eq!(letter["headers"]["x-trace"], "trace-1");
    let position = format!("{}:{}", letter["partition"], letter["offset"]);

    // list: one line, starting with the position replay takes.
    let (ok, stdout, _) = run(&["dlq", "list", "--limit", "5"], &env);
    assert!(ok);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].starts_with(&format!("{position}  ")), "{stdout}");
    assert!(lines[0].contains("normalizer/decode"), "{stdout}");
    assert!(lines[0].contains("not valid json"), "{stdout}");
    let (ok, stdout, _) = run(&["dlq", "list", "--kind", "parse"], &env);
    assert!(ok && stdout.is_empty(), "{stdout}");

    // A dry run publishes nothing.
    let (ok, stdout, _) = run(
        &["dlq", "replay", "--all-kind", "decode", "--dry-run"],
        &env,
    );
    assert!(ok);
    assert!(
        stdout.contains(&format!("would replay {position}")),
        "{stdout}"
    );

    let (ok, stdout, stderr) = run(&["dlq", "replay", "--offset", &position], &env);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("replayed {position} -> {prefix}{}", topics::RAW)),
        "{stdout}"
    );

    let raw = read_topic(&format!("{prefix}{}", topics::RAW), 2, WAIT).await;
    assert_eq!(raw.len(), 2, "the original and the replayed copy: {raw:#?}");
    let replayed = &raw[1];
    assert_eq!(replayed.payload, b"this is not json");
    assert_eq!(replayed.key.as_deref(), Some(&b"poison-key"[..]));
    assert_eq!(
        replayed.headers.get("x-trace").map(String::as_str),
        Some("trace-1")
    );
    assert!(
        replayed
            .headers
            .keys()
            .all(|k| !k.starts_with("wirefeed.dlq.")),
        "{replayed:?}"
    );

    // A position that does not exist is an error that says so.
    let (ok, _, stderr) = run(&["dlq", "replay", "--offset", "0:999999"], &env);
    assert!(!ok);
    assert!(stderr.contains("no record at 0:999999"), "{stderr}");
}

/// A topic's config value as the broker reports it, asked by a client of the test's own.
async fn topic_config(topic: &str, name: &str) -> String {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .create()
        .unwrap();
    let configs = admin
        .describe_configs(&[ResourceSpecifier::Topic(topic)], &AdminOptions::new())
        .await
        .unwrap();
    configs[0]
        .as_ref()
        .unwrap()
        .get(name)
        .and_then(|entry| entry.value.clone())
        .unwrap()
}
