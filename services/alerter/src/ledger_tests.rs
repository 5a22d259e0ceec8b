#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::testkit::*;

fn matched(ids: &[&str]) -> Vec<Match> {
    ids.iter()
        .enumerate()
        .map(|(index, id)| Match {
            index,
            id: (*id).to_owned(),
            evidence: vec![format!("{id} evidence")],
        })
        .collect()
}

fn all(_: &str) -> bool {
    true
}

fn kinds(decision: &Decision) -> Vec<(String, &'static str)> {
    decision
        .alerts
        .iter()
        .map(|a| (a.subscription.clone(), a.kind.as_str()))
        .collect()
}

fn original() -> Envelope {
    article(
        "urn:agency:1",
        "f1",
        "Syria talks open",
        "P1.\n\nP2.\n\nP3.\n\nP4.",
    )
}

#[test]
fn the_first_matching_copy_alerts_and_later_copies_do_not() {
    let mut ledger = AlertLedger::new(24, 0.0);
    let first = ledger.decide(&original(), &matched(&["syria", "world"]), &all, at(0));
    assert_eq!(
        kinds(&first),
        vec![("syria".into(), "new"), ("world".into(), "new")]
    );
    assert_eq!(first.writes.len(), 2);
    assert_eq!(first.writes[0].0, "s:syria:f1");
    let copy = pickup(original(), "urn:outlet:1", "outlet");
    let again = ledger.decide(&copy, &matched(&["syria"]), &all, at(1));
    assert!(again.alerts.is_empty());
    assert_eq!(again.reason, "already_alerted");
    assert!(again.writes.is_empty());
}

#[test]
fn a_pickup_alerts_when_the_original_did_not_match() {
    let mut ledger = AlertLedger::new(24, 0.0);
    assert_eq!(
        ledger.decide(&original(), &[], &all, at(0)).reason,
        "no_match"
    );
    let copy = pickup(original(), "urn:outlet:1", "outlet");
    let decision = ledger.decide(&copy, &matched(&["syria"]), &all, at(1));
    assert_eq!(kinds(&decision), vec![("syria".into(), "new")]);
    assert_eq!(
        ledger
            .get("syria", &FamilyId::new("f1"))
            .unwrap()
            .article_uri,
        "urn:outlet:1"
    );
}

#[test]
fn material_versions_re_alert_with_what_changed() {
    let mut ledger = AlertLedger::new(24, 0.0);
    ledger.decide(&original(), &matched(&["syria"]), &all, at(0));
    let update = version(
        original(),
        Change {
            headline_changed: true,
            paragraphs_added: 2,
            material: true,
            ..Change::default()
        },
    );
    // The update no longer matches the query: the desk still follows its story.
    let decision = ledger.decide(&update, &[], &all, at(5));
    assert_eq!(kinds(&decision), vec![("syria".into(), "update")]);
    assert_eq!(
        decision.alerts[0].changes,
        vec!["headline changed", "2 paragraphs added"]
    );
    assert_eq!(decision.writes[0].1.as_ref().unwrap().version_seq, Some(2));
    let immaterial = version(update, Change::default());
    let decision = ledger.decide(&immaterial, &matched(&["syria"]), &all, at(6));
    assert_eq!(decision.reason, "immaterial_update");
    assert!(decision.alerts.is_empty());
}

#[test]
fn small_body_changes_stay_below_the_configured_share() {
    let mut ledger = AlertLedger::new(24, 0.5);
    ledger.decide(&original(), &matched(&["syria"]), &all, at(0));
    let one_paragraph = Change {
        paragraphs_added: 1,
        material: true,
        ..Change::default()
    };
    let small = version(original(), one_paragraph.clone());
    assert_eq!(
        ledger.decide(&small, &[], &all, at(1)).reason,
        "immaterial_update"
    );
    let large = version(
        original(),
        Change {
            paragraphs_removed: 1,
            ..one_paragraph
        },
    );
    assert_eq!(kinds(&ledger.decide(&large, &[], &all, at(2))).len(), 1);
}

#[test]
fn versions_of_pickups_do_not_re_alert() {
    let mut ledger = AlertLedger::new(24, 0.0);
    ledger.decide(&original(), &matched(&["syria"]), &all, at(0));
    let copy = pickup(original(), "urn:outlet:1", "outlet");
    let copy_update = version(
        copy,
        Change {
            headline_changed: true,
            material: true,
            ..Change::default()
        },
    );
    let decision = ledger.decide(&copy_update, &matched(&["syria"]), &all, at(1));
    assert!(decision.alerts.is_empty());
}

#[test]
fn a_kill_alerts_every_alerted_subscription_once() {
    let mut ledger = AlertLedger::new(24, 0.0);
    ledger.decide(&original(), &matched(&["syria", "world"]), &all, at(0));
    let kill = version(
        original(),
        Change {
            kill: true,
            material: true,
            ..Change::default()
        },
    );
    let only_syria = |id: &str| id == "syria";
    let decision = ledger.decide(&kill, &[], &only_syria, at(1));
    assert_eq!(kinds(&decision), vec![("syria".into(), "kill")]);
    assert_eq!(decision.alerts[0].changes, vec!["killed"]);
    assert!(decision.writes[0].1.as_ref().unwrap().killed);
    // Killed: the same kill again, and later copies, stay quiet.
    assert!(ledger.decide(&kill, &[], &all, at(2)).alerts.len() == 1); // "world" now
    assert!(ledger.decide(&kill, &[], &all, at(3)).alerts.is_empty());
    let copy = pickup(original(), "urn:outlet:2", "outlet");
    let decision = ledger.decide(&copy, &matched(&["syria"]), &all, at(4));
    assert_eq!(decision.reason, "killed");
    // A kill of a family nobody was alerted about.
    let other = version(
        article("urn:agency:2", "f2", "Other", ""),
        Change {
            kill: true,
            material: true,
            ..Change::default()
        },
    );
    assert_eq!(
        ledger.decide(&other, &[], &all, at(5)).reason,
        "kill_not_alerted"
    );
}

#[test]
fn entries_are_evicted_after_the_window_and_restored_in_time_order() {
    let mut ledger = AlertLedger::new(1, 0.0);
    ledger.decide(&original(), &matched(&["syria"]), &all, at(0));
    let later = at(0) + Duration::minutes(61);
    let other = article("urn:agency:3", "f3", "Other", "");
    let decision = ledger.decide(&other, &[], &all, later);
    assert_eq!(decision.writes, vec![("s:syria:f1".to_owned(), None)]);
    assert!(ledger.is_empty());
    // Once evicted, the family alerts again as new.
    let decision = ledger.decide(&original(), &matched(&["syria"]), &all, later);
    assert_eq!(kinds(&decision), vec![("syria".into(), "new")]);

    let entry = |family: &str, minute: u32| Alerted {
        subscription: "syria".to_owned(),
        family: FamilyId::new(family),
        article_uri: format!("urn:{family}"),
        last_uri: None,
        version_seq: None,
        first_alerted_at: at(minute),
        last_alerted_at: at(minute),
        killed: false,
    };
    let mut restored = AlertLedger::new(1, 0.0);
    restored.restore([entry("b", 30), entry("a", 0)]);
    assert_eq!(restored.len(), 2);
    let decision = restored.decide(&other, &[], &all, at(0) + Duration::minutes(61));
    assert_eq!(decision.writes, vec![("s:syria:a".to_owned(), None)]);
    assert_eq!(restored.len(), 1);
}
