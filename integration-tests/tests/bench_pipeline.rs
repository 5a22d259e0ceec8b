//! `wirefeed-bench pipeline` at a tiny size against the test broker: a fetcher, the stage processes and
//! the Kafka-ceiling copiers run, and the JSON report holds every figure for both. No speed or
//! timing assertion (benchmarks are not tests).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::{clean_command, workspace_binary, workspace_root};
use integration_tests::require_broker;
use serde_json::Value;

#[test]
fn a_tiny_pipeline_bench_reports_every_figure_for_wirefeed_and_the_ceiling() {
    let broker = require_broker();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("pipeline.json");
    let logs = dir.path().join("logs");
    let reuters = workspace_root().join("../shared/data/reuters21578");
    let args = [
        "pipeline",
        "--broker",
        &broker,
        "--articles",
        "100",
        "--rounds",
        "1",
        "--warmup",
        "20",
        "--rate",
        "40",
        "--burst-factor",
        "3",
        "--burst-every",
        "2",
        "--secs",
        "3",
        "--phase-timeout",
        "240",
        "--reuters",
        reuters.to_str().unwrap(),
        "--logs",
        logs.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ];
    let output = clean_command(&workspace_binary("wirefeed-bench"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "bench pipeline failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("sustained articles/s"), "{stdout}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["scenario"], "pipeline");
    // 40/s for 3 s with a 3x burst in second 1: 40 + 120 + 40.
    assert_eq!(report["fixed_load_articles"], 200);
    assert_eq!(report["corpus"]["items"], 320);
    for topology in ["wirefeed", "ceiling"] {
        let run = &report[topology];
        let throughput = &run["throughput"];
        assert_eq!(throughput["offered"], 100, "{topology}");
        assert_eq!(throughput["failed_sends"], 0, "{topology}");
        assert!(throughput["arrived"].as_u64().unwrap() > 0, "{topology}");
        assert!(throughput["sustained_per_second"].as_f64().unwrap() > 0.0);
        let fixed = &run["fixed_load"];
        assert_eq!(fixed["offered"], 200, "{topology}");
        for latency in ["enriched", "enriched_steady", "alert", "alert_steady"] {
            let summary = &fixed[latency];
            assert!(
                summary["count"].as_u64().unwrap() > 0,
                "{topology} {latency}"
            );
            for key in ["p50_ms", "p99_ms", "max_ms", "mean_ms"] {
                assert!(
                    summary[key].as_f64().is_some(),
                    "{topology} {latency} {key}"
                );
            }
        }
        // The fetcher, then the three stages (or copiers).
        let stages = run["stages"].as_array().unwrap();
        assert_eq!(stages.len(), 4, "{topology}");
        assert_eq!(stages[0]["stage"], "fetcher", "{topology}");
        assert_eq!(fixed["peak_lag"].as_object().unwrap().len(), 3);
    }
    // The ceiling copies every message through every hop.
    assert_eq!(report["ceiling"]["throughput"]["arrived"], 100);
    assert_eq!(report["ceiling"]["fixed_load"]["alerts"], 200);
    assert!(report["goals"]["throughput_percent_of_ceiling"].is_f64());
}
