//! The deployment files agree with the code and the runbook (no broker needed): every alert rule
//! has a runbook entry in `deploy/README.md`, and every metric the rules and the Grafana
//! dashboard query is one the services emit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::workspace_root;
use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(workspace_root().join(path)).unwrap()
}

fn alert_names() -> Vec<String> {
    let rules: serde_yaml::Value =
        serde_yaml::from_str(&read("deploy/prometheus/rules.yml")).unwrap();
    let mut names = Vec::new();
    for group in rules["groups"].as_sequence().unwrap() {
        for rule in group["rules"].as_sequence().unwrap() {
            names.push(rule["alert"].as_str().unwrap().to_owned());
        }
    }
    names
}

#[test]
fn every_alert_rule_has_a_runbook_entry() {
    let runbook = read("deploy/README.md");
    let names = alert_names();
    assert!(names.len() >= 5, "{names:?}");
    for name in names {
        assert!(
            runbook.contains(&format!("\n### {name}\n")),
            "deploy/README.md has no runbook entry `### {name}`"
        );
    }
}

/// Metric names written in the services' and the runtime's source.
fn emitted_metrics() -> BTreeSet<String> {
    let pattern = regex::Regex::new(r#""(wirefeed_[a-z_]+)""#).unwrap();
    let mut found = BTreeSet::new();
    let mut dirs = vec![workspace_root().join("crates/wire-runtime/src")];
    for service in ["fetcher", "normalizer", "enricher", "alerter"] {
        dirs.push(workspace_root().join(format!("services/{service}/src")));
    }
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.extend(pattern.captures_iter(&text).map(|c| c[1].to_owned()));
            }
        }
    }
    found
}

#[test]
fn rules_and_dashboard_query_metrics_the_services_emit() {
    let emitted = emitted_metrics();
    let queried = regex::Regex::new(r"wirefeed_[a-z_]+").unwrap();
    for path in [
        "deploy/prometheus/rules.yml",
        "deploy/grafana/wirefeed.json",
    ] {
        let text = read(path);
        for name in queried.find_iter(&text).map(|m| m.as_str()) {
            let base = name
                .strip_suffix("_bucket")
                .or_else(|| name.strip_suffix("_count"))
                .or_else(|| name.strip_suffix("_sum"))
                .unwrap_or(name);
            // `wirefeed_alerter_` alone is the prefix of a name pattern.
            if base.ends_with('_') {
                continue;
            }
            assert!(
                emitted.contains(base),
                "{path} queries {name}, which no service emits (emitted: {emitted:?})"
            );
        }
    }
}
