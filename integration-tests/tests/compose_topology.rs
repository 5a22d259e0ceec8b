//! `deploy/compose.yaml` is the source of truth of the deployment. These tests parse it and
//! check it against the Compose Specification schema (the copy in `deploy/schema/`), then run
//! its topology as processes: the `topics` initialiser, then the four services, each with the
//! environment compose gives it. Only what cannot be the same outside Docker is rewritten: the
//! bootstrap address (the test broker), a unique topic and group prefix, and a free admin port
//! per service on 127.0.0.1. Every service must answer `/livez` and `/readyz`, serve `/metrics`
//! that parses as Prometheus text, carry the demo inbox through to `wire.enriched.v1`, and stop
//! with exit 0 on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::{
    ChildGuard, free_port, http_get, workspace_binary, workspace_root,
};
use integration_tests::*;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wire_model::topics;

const SERVICES: [&str; 4] = ["fetcher", "normalizer", "enricher", "alerter"];

fn compose() -> serde_json::Value {
    let text = std::fs::read_to_string(workspace_root().join("deploy/compose.yaml")).unwrap();
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    // `<<: *anchor` merge keys, as compose resolves them.
    yaml.apply_merge().unwrap();
    serde_json::to_value(yaml).unwrap()
}

/// A service's `environment` (map or `KEY=VALUE` list) as strings.
fn environment(service: &serde_json::Value) -> BTreeMap<String, String> {
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    match &service["environment"] {
        serde_json::Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|item| item.as_str()?.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn command(service: &serde_json::Value) -> Vec<String> {
    service["command"]
        .as_array()
        .unwrap_or_else(|| panic!("command must be an exec-form list: {service}"))
        .iter()
        .map(|part| part.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_compose_file_is_valid_against_the_compose_spec_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("deploy/schema/compose-spec.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let compose = compose();
    let errors: Vec<String> = validator
        .iter_errors(&compose)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // And what the schema cannot say.
    let services = compose["services"].as_object().unwrap();
    for (name, service) in services {
        if let Some(dependencies) = service["depends_on"].as_object() {
            for (dependency, condition) in dependencies {
                assert!(services.contains_key(dependency), "{name} -> {dependency}");
                assert!(condition["condition"].is_string(), "{name} -> {dependency}");
            }
        }
    }
    for (index, name) in SERVICES.iter().enumerate() {
        let service = &services[*name];
        let env = environment(service);
        assert_eq!(env["WIREFEED__BUS__KIND"], "kafka", "{name}");
        assert_eq!(env["WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS"], "kafka:9092");
        assert_eq!(env["WIREFEED__TELEMETRY__FORMAT"], "json");
        assert_eq!(env["WIREFEED__ADMIN__LISTEN"], "0.0.0.0:9600");
        assert_eq!(
            service["ports"][0],
            format!("{}:9600", 9601 + index),
            "{name}"
        );
        assert_eq!(service["restart"], "unless-stopped");
        assert!(service["healthcheck"]["test"].is_array(), "{name}");
        assert_eq!(
            service["depends_on"]["kafka"]["condition"],
            "service_healthy"
        );
        assert_eq!(
            service["depends_on"]["topics"]["condition"],
            "service_completed_successfully"
        );
    }
    assert_eq!(
        command(&services["topics"])[..3],
        ["wirefeed", "topics", "create"]
    );
}

/// Checks the Prometheus text exposition format, line by line; returns the sample names.
fn parse_prometheus_text(text: &str) -> Result<Vec<String>, String> {
    let sample = regex::Regex::new(
        r#"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)( -?[0-9]+)?$"#,
    )
    .unwrap();
    let comment =
        regex::Regex::new(r"^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))$")
            .unwrap();
    let mut names = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            if !comment.is_match(line) && !line.starts_with("# ") {
                return Err(format!("line {}: bad comment {line:?}", number + 1));
            }
            continue;
        }
        let captures = sample
            .captures(line)
            .ok_or_else(|| format!("line {}: not a sample: {line:?}", number + 1))?;
        let value = &captures[3];
        if !matches!(value, "+Inf" | "-Inf" | "NaN") && value.parse::<f64>().is_err() {
            return Err(format!("line {}: bad value {value:?}", number + 1));
        }
        names.push(captures[1].to_owned());
    }
    Ok(names)
}

#[test]
fn the_prometheus_text_check_accepts_the_format_and_rejects_garbage() {
    let good = "# HELP x_total things\n# TYPE x_total counter\nx_total{stage=\"a\",reason=\"b \\\"q\\\"\"} 3\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.5\n";
    assert_eq!(
        parse_prometheus_text(good).unwrap(),
        ["x_total", "h_bucket", "h_sum"]
    );
    assert!(parse_prometheus_text("x_total{stage=a} 1\n").is_err());
    assert!(parse_prometheus_text("x_total one\n").is_err());
    assert!(parse_prometheus_text("<html>\n").is_err());
}

fn wait_for(what: &str, deadline: Instant, mut check: impl FnMut() -> Result<(), String>) {
    let mut last = String::new();
    while Instant::now() < deadline {
        match check() {
            Ok(()) => return,
            Err(error) => last = error,
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("timed out waiting for {what}: {last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compose_topology_runs_as_processes_against_the_broker() {
    let broker = require_broker();
    let prefix = unique_prefix("compose");
    let compose = compose();
    let services = &compose["services"];
    let logs = tempfile::tempdir().unwrap();
    let rewrite = |env: BTreeMap<String, String>, admin_port: Option<u16>| {
        let mut env = env;
        assert_eq!(env["WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS"], "kafka:9092");
        env.insert(
            "WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS".to_owned(),
            broker.clone(),
        );
        env.insert(
            "WIREFEED__BUS__KAFKA__TOPIC_PREFIX".to_owned(),
            prefix.clone(),
        );
        env.insert(
            "WIREFEED__BUS__KAFKA__GROUP_PREFIX".to_owned(),
            prefix.clone(),
        );
        if let Some(port) = admin_port {
            env.insert(
                "WIREFEED__ADMIN__LISTEN".to_owned(),
                format!("127.0.0.1:{port}"),
            );
        }
        env
    };
    let program = |command: &[String]| workspace_binary(&command[0]);

    // The one-shot initialiser must complete successfully before the services start.
    let topics_service = &services["topics"];
    let topics_command = command(topics_service);
    let mut initialiser = ChildGuard::spawn(
        "topics",
        &program(&topics_command),
        &topics_command[1..],
        &rewrite(environment(topics_service), None),
        logs.path(),
    );
    initialiser.child.wait().unwrap();
    let output = std::fs::read_to_string(logs.path().join("topics.out")).unwrap();
    let errors = std::fs::read_to_string(logs.path().join("topics.err")).unwrap();
    // Every data topic, the two tables and the three stages' state topics.
    assert_eq!(
        output.lines().filter(|l| l.starts_with("created ")).count(),
        wire_model::topics::ALL.len() + wire_runtime::bus::topic_plan::TABLES.len() + 3,
        "{output}{errors}"
    );

    let mut running = Vec::new();
    let mut ports = BTreeMap::new();
    for name in SERVICES {
        let service = &services[name];
        let argv = command(service);
        let port = free_port();
        ports.insert(name, port);
        let mut env = rewrite(environment(service), Some(port));
        env.insert("RUST_LOG".to_owned(), "info,rdkafka=warn".to_owned());
        running.push(ChildGuard::spawn(
            name,
            &program(&argv),
            &argv[1..],
            &env,
            logs.path(),
        ));
    }
    let log_of = |name: &str| {
        std::fs::read_to_string(logs.path().join(format!("{name}.err"))).unwrap_or_default()
    };

    let deadline = Instant::now() + Duration::from_secs(90);
    for name in SERVICES {
        let port = ports[name];
        wait_for(&format!("{name} /livez"), deadline, || {
            match http_get(&format!("http://127.0.0.1:{port}/livez")) {
                Ok((200, _)) => Ok(()),
                Ok((status, body)) => Err(format!("{status} {body}")),
                Err(error) => Err(format!("{error}; log: {}", log_of(name))),
            }
        });
        wait_for(&format!("{name} /readyz"), deadline, || {
            match http_get(&format!("http://127.0.0.1:{port}/readyz")) {
                Ok((200, _)) => Ok(()),
                Ok((status, body)) => Err(format!("{status} {body}")),
                Err(error) => Err(error.to_string()),
            }
        });
    }

    // The demo inbox (config/samples/inbox, in the default config) goes all the way through.
    let enriched = read_topic(
        &format!("{prefix}{}", topics::ENRICHED),
        1,
        Duration::from_secs(90),
    )
    .await;
    assert!(
        !enriched.is_empty(),
        "nothing reached wire.enriched.v1; fetcher log: {}",
        log_of("fetcher")
    );

    let expected: BTreeMap<&str, &str> = BTreeMap::from([
        ("fetcher", "wirefeed_fetcher_polls_total"),
        ("normalizer", "wirefeed_stage_messages_total"),
        ("enricher", "wirefeed_stage_messages_total"),
        ("alerter", "wirefeed_stage_messages_total"),
    ]);
    for name in SERVICES {
        let port = ports[name];
        wait_for(
            &format!("{name} /metrics with {}", expected[name]),
            deadline,
            || {
                let (status, body) = http_get(&format!("http://127.0.0.1:{port}/metrics"))
                    .map_err(|e| e.to_string())?;
                if status != 200 {
                    return Err(format!("{status}"));
                }
                let names = parse_prometheus_text(&body)
                    .unwrap_or_else(|e| panic!("{name} /metrics is not Prometheus text: {e}"));
                if names.iter().any(|n| n == expected[name]) {
                    Ok(())
                } else {
                    Err(format!("{names:?}"))
                }
            },
        );
        // JSON log lines, as compose asks for.
        let log = log_of(name);
        let first = log
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        assert!(
            serde_json::from_str::<serde_json::Value>(first).is_ok(),
            "{name} logs are not JSON: {first}"
        );
    }

    for mut service in running {
        let status = service.terminate(Duration::from_secs(30));
        assert!(
            status.is_some_and(|s| s.success()),
            "{} did not stop cleanly on SIGTERM ({status:?}): {}",
            service.name,
            log_of(&service.name)
        );
    }
}
