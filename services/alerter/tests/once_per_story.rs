//! Once per story across restarts: the alerter stage driven through the `Stage` API, as the
//! stage loop drives it (handle, then the state writes once the outputs are acknowledged),
//! over a real file state store.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::sync::Arc;
use wire_model::{Alert, Change, Envelope};
use wire_runtime::state::{FileStateStore, SharedStateStore};
use wire_runtime::{Outcome, Stage};
use wirefeed_alerter::{AlerterConfig, AlerterStage, SubscriptionRegistry};

async fn start(config: &AlerterConfig, store: &SharedStateStore) -> AlerterStage {
    AlerterStage::with_state(config, SubscriptionRegistry::new(), store.clone())
        .await
        .unwrap()
}

/// Handles one input like the stage loop: the alerts it publishes; the state writes are
/// persisted only when `acknowledged`.
async fn handle(
    stage: &mut AlerterStage,
    envelope: &Envelope,
    offset: i64,
    acknowledged: bool,
) -> Vec<Alert> {
    let delivery = delivery(envelope, offset);
    let (alerts, writes) = match stage.handle(&delivery, at(1)) {
        Outcome::Emit {
            records,
            state_writes,
        } => (
            records
                .iter()
                .map(|record| Alert::decode(&record.payload).unwrap())
                .collect(),
            state_writes,
        ),
        Outcome::Drop { state_writes, .. } => (Vec::new(), state_writes),
        other => panic!("unexpected outcome {other:?}"),
    };
    if acknowledged {
        let store = stage.state_store().unwrap();
        for write in writes {
            store.put(&write.key, write.value).await.unwrap();
        }
    }
    alerts
}

fn summary(alerts: &[Alert]) -> Vec<String> {
    alerts
        .iter()
        .map(|a| format!("{} {}", a.subscription, a.kind.as_deref().unwrap_or("?")))
        .collect()
}

#[tokio::test]
async fn a_restart_in_the_middle_of_a_story_does_not_re_alert() {
    let directory = tempfile::tempdir().unwrap();
    let open = || -> SharedStateStore {
        Arc::new(FileStateStore::open(directory.path(), "alerter").unwrap())
    };
    let config = config(vec![
        subscription("syria-desk", "syria OR damascus"),
        subscription("geneva-desk", "geneva -topic:sport"),
    ]);
    let original = envelope(
        "urn:a:1",
        "f1",
        "agency",
        "Syria talks resume in Geneva",
        true,
    );
    let pickup = envelope(
        "urn:o:1",
        "f1",
        "outlet",
        "Syria talks resume in Geneva",
        false,
    );

    let store = open();
    let mut stage = start(&config, &store).await;
    let alerts = handle(&mut stage, &original, 1, true).await;
    assert_eq!(summary(&alerts), ["geneva-desk new", "syria-desk new"]);
    assert!(
        alerts[0]
            .evidence
            .contains(&"geneva in headline and body".to_owned())
    );
    drop(stage);
    drop(store);

    // Restarted: the redelivered original and its pickup stay quiet.
    let store = open();
    let mut stage = start(&config, &store).await;
    assert!(handle(&mut stage, &original, 1, true).await.is_empty());
    assert!(handle(&mut stage, &pickup, 2, true).await.is_empty());
    // A material update re-alerts, once, with what changed.
    let update = versioned(
        original.clone(),
        Change {
            headline_changed: true,
            paragraphs_added: 1,
            material: true,
            ..Change::default()
        },
    );
    let alerts = handle(&mut stage, &update, 3, true).await;
    assert_eq!(
        summary(&alerts),
        ["geneva-desk update", "syria-desk update"]
    );
    assert_eq!(
        alerts[0].changes,
        ["headline rewritten", "1 paragraph added"]
    );
    assert_eq!(alerts[0].version_seq, Some(2));
    drop(stage);
    drop(store);

    let store = open();
    let mut stage = start(&config, &store).await;
    assert!(handle(&mut stage, &update, 3, true).await.is_empty());
    let kill = versioned(
        original,
        Change {
            kill: true,
            material: true,
            ..Change::default()
        },
    );
    let alerts = handle(&mut stage, &kill, 4, true).await;
    assert_eq!(summary(&alerts), ["geneva-desk kill", "syria-desk kill"]);
}

#[tokio::test]
async fn a_crash_before_the_state_write_alerts_again_after_the_restart() {
    // At-least-once: the write comes after the acknowledgement, so a crash in between
    // re-alerts (consumers deduplicate), and never loses the alert.
    let directory = tempfile::tempdir().unwrap();
    let store: SharedStateStore =
        Arc::new(FileStateStore::open(directory.path(), "alerter").unwrap());
    let config = config(vec![subscription("syria-desk", "syria")]);
    let original = envelope("urn:a:1", "f1", "agency", "Syria talks", true);
    let mut stage = start(&config, &store).await;
    assert_eq!(handle(&mut stage, &original, 1, false).await.len(), 1);
    let mut restarted = start(&config, &store).await;
    assert_eq!(handle(&mut restarted, &original, 1, true).await.len(), 1);
    let mut again = start(&config, &store).await;
    assert!(handle(&mut again, &original, 1, true).await.is_empty());
    let stored = store.load_all().await.unwrap();
    assert!(stored.contains_key("s:syria-desk:f1"), "{stored:?}");
}

#[tokio::test]
async fn a_pickup_alerts_when_the_original_did_not_match() {
    let store: SharedStateStore = Arc::new(wire_runtime::state::MemoryStateStore::default());
    let config = config(vec![subscription("syria-desk", "\"peace talks\"")]);
    let mut stage = start(&config, &store).await;
    let original = envelope("urn:a:1", "f1", "agency", "Talks resume in Geneva", true);
    assert!(handle(&mut stage, &original, 1, true).await.is_empty());
    let pickup = envelope("urn:o:1", "f1", "outlet", "Peace talks resume", false);
    let alerts = handle(&mut stage, &pickup, 2, true).await;
    assert_eq!(summary(&alerts), ["syria-desk new"]);
    assert_eq!(alerts[0].article_uri, "urn:o:1");
}

#[tokio::test]
async fn undecodable_input_is_rejected_and_unmatched_input_dropped() {
    let mut stage = AlerterStage::new(&config(vec![subscription("desk", "syria")])).unwrap();
    let mut garbage = delivery(&envelope("urn:a:1", "f1", "a", "x", true), 1);
    garbage.record.payload = b"{not json".to_vec();
    assert!(matches!(stage.handle(&garbage, at(1)), Outcome::Reject(_)));
    let other = delivery(&envelope("urn:a:2", "f2", "a", "Rates held", true), 2);
    assert!(matches!(
        stage.handle(&other, at(1)),
        Outcome::Drop {
            reason: "no_match",
            ..
        }
    ));
}
