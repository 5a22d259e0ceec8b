//! The reliability soak in a reduced form, run by `cargo test` (and so by CI): 1,500 items
//! of real Reuters text (pickups, updates, re-sends) and three bad files through the four
//! services as processes on the real broker, with `kill -9` of each stage in turn
//! mid-stream, then a restart of everything with state and yesterday's stories fed again;
//! then 1,000 items with the broker stopped for 10 s mid-stream (`deploy/kafka/kafka.sh
//! stop` and `start`, in the environment the broker was started with).
//! Nothing may be lost, doubled or unexplained. The full soak (10,000 items, every fault
//! in its own run) is `scripts/reliability`; its figures are in RELIABILITY.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::workspace_root;
use integration_tests::soak::{self, Fault, SoakOptions};
use std::time::Duration;

/// One test, so the broker outage never overlaps the kills (tests of a binary run in
/// parallel).
#[test]
fn killing_each_stage_and_stopping_the_broker_mid_stream_lose_and_double_nothing() {
    let broker = integration_tests::require_broker();
    kill_each_stage(&broker);
    stop_the_broker(&broker);
}

fn stop_the_broker(broker: &str) {
    let options = SoakOptions {
        broker: broker.to_owned(),
        reuters: workspace_root().join("../shared/data/reuters21578"),
        items: 1000,
        bad_files: 2,
        fault: Fault::BrokerStop(Duration::from_secs(10)),
        restart_with_state: false,
        file_interval: Duration::from_millis(300),
        drain_timeout: Duration::from_secs(600),
        seed: 7,
    };
    let report = soak::run(&options);
    println!("{}\n{}", soak::TABLE_HEADER, soak::table_row(&report));
    assert!(
        report.passed(),
        "the broker outage lost, doubled or could not explain something: {report:#?}"
    );
}

fn kill_each_stage(broker: &str) {
    let options = SoakOptions {
        broker: broker.to_owned(),
        reuters: workspace_root().join("../shared/data/reuters21578"),
        items: 1500,
        bad_files: 3,
        fault: Fault::Kill(vec!["fetcher", "normalizer", "enricher", "alerter"]),
        restart_with_state: true,
        file_interval: Duration::from_millis(300),
        drain_timeout: Duration::from_secs(600),
        seed: 21578,
    };
    let report = soak::run(&options);
    println!("{}\n{}", soak::TABLE_HEADER, soak::table_row(&report));
    assert!(
        report.passed(),
        "the soak lost, doubled or could not explain something: {report:#?}"
    );
    // The run exercised what it claims to.
    assert!(report.pickups > 0 && report.versions > 0 && report.resends > 0);
    assert!(report.alert_pairs_expected > 0);
    assert_eq!(report.new_alerts_after_restart, Some(0));
    assert_eq!(report.late_pickups_enriched, Some(100));
}
