#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::testkit::*;
use wire_model::Change;

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

/// The AFP original and a Straits Times pickup of it.
fn afp_story() -> (Envelope, Envelope) {
    let afp = credited(
        article(
            "urn:afp:1",
            "f-afp",
            "Quake hits Chile",
            "SANTIAGO (AFP) - A quake.",
        ),
        "AFP",
    );
    let straits_times = pickup(afp.clone(), "urn:straitstimes:1", "straits-times");
    (afp, straits_times)
}

#[test]
fn the_first_matching_copy_alerts_and_later_copies_do_not() {
    let mut ledger = AlertLedger::new(24, 0.0);
    let first = ledger.decide(&original(), &matched(&["syria", "world"]), &all);
    assert_eq!(
        kinds(&first),
        vec![("syria".into(), "new"), ("world".into(), "new")]
    );
    assert_eq!(first.writes.len(), 2);
    assert_eq!(first.writes[0].0, "s:syria:f1");
    let copy = pickup(original(), "urn:outlet:1", "outlet");
    let again = ledger.decide(&copy, &matched(&["syria"]), &all);
    assert!(again.alerts.is_empty());
    assert_eq!(again.reason, "already_alerted");
    assert!(again.writes.is_empty());
}

#[test]
fn a_pickup_alerts_when_the_original_did_not_match() {
    let mut ledger = AlertLedger::new(24, 0.0);
    assert_eq!(ledger.decide(&original(), &[], &all).reason, "no_match");
    let copy = pickup(original(), "urn:outlet:1", "outlet");
    let decision = ledger.decide(&copy, &matched(&["syria"]), &all);
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
    ledger.decide(&original(), &matched(&["syria"]), &all);
    let update = version(
        original(),
        Change {
            headline_changed: true,
            paragraphs_added: 2,
            body_changed: 0.35,
            material: true,
            ..Change::default()
        },
    );
    // The update no longer matches the query: the desk still follows its story.
    let decision = ledger.decide(&update, &[], &all);
    assert_eq!(kinds(&decision), vec![("syria".into(), "update")]);
    assert_eq!(
        decision.alerts[0].changes,
        vec![
            "headline rewritten",
            "2 paragraphs added",
            "about 35% of the text changed"
        ]
    );
    assert_eq!(decision.writes[0].1.as_ref().unwrap().version_seq, Some(2));
}

#[test]
fn a_typo_fix_does_not_re_alert_and_a_rewritten_lede_does() {
    let mut ledger = AlertLedger::new(24, 0.0);
    ledger.decide(&original(), &matched(&["syria"]), &all);
    // What the enricher says of a one-word fix: a sliver of the wording, not material.
    let typo = version(
        original(),
        Change {
            body_changed: 0.01,
            material: false,
            ..Change::default()
        },
    );
    let decision = ledger.decide(&typo, &matched(&["syria"]), &all);
    assert_eq!(decision.reason, "immaterial_update");
    assert!(decision.alerts.is_empty());
    let new_lede = version(
        typo,
        Change {
            lede_rewritten: true,
            body_changed: 0.12,
            material: true,
            ..Change::default()
        },
    );
    let decision = ledger.decide(&new_lede, &matched(&["syria"]), &all);
    assert_eq!(kinds(&decision), vec![("syria".into(), "update")]);
    assert_eq!(
        decision.alerts[0].changes,
        vec!["lede rewritten", "about 10% of the text changed"]
    );
}

#[test]
fn a_body_only_change_below_the_operator_share_does_not_re_alert() {
    let mut ledger = AlertLedger::new(24, 0.2);
    ledger.decide(&original(), &matched(&["syria"]), &all);
    let one_paragraph = Change {
        paragraphs_added: 1,
        body_changed: 0.1,
        material: true,
        ..Change::default()
    };
    let small = version(original(), one_paragraph.clone());
    assert_eq!(ledger.decide(&small, &[], &all).reason, "immaterial_update");
    let large = version(
        small,
        Change {
            paragraphs_removed: 2,
            body_changed: 0.4,
            ..one_paragraph
        },
    );
    assert_eq!(kinds(&ledger.decide(&large, &[], &all)).len(), 1);
}

#[test]
fn versions_of_pickups_do_not_re_alert() {
    let mut ledger = AlertLedger::new(24, 0.0);
    ledger.decide(&original(), &matched(&["syria"]), &all);
    let copy = pickup(original(), "urn:outlet:1", "outlet");
    let copy_update = version(
        copy,
        Change {
            headline_changed: true,
            material: true,
            ..Change::default()
        },
    );
    let decision = ledger.decide(&copy_update, &matched(&["syria"]), &all);
    assert!(decision.alerts.is_empty());
}

#[test]
fn a_desk_alerted_about_a_pickup_gets_one_kill_through_its_kill_notice() {
    let (afp, straits_times) = afp_story();
    let mut ledger = AlertLedger::new(24, 0.0);
    // The AFP copy does not match the desk; the Straits Times pickup does.
    assert!(ledger.decide(&afp, &[], &all).alerts.is_empty());
    let decision = ledger.decide(&straits_times, &matched(&["chile-desk"]), &all);
    assert_eq!(kinds(&decision), vec![("chile-desk".into(), "new")]);
    // AFP kills its story: the kill itself, then the notice for the pickup.
    let kill = kill_of(afp.clone());
    let decision = ledger.decide(&kill, &[], &all);
    assert_eq!(kinds(&decision), vec![("chile-desk".into(), "kill")]);
    assert_eq!(decision.alerts[0].changes, vec!["killed by AFP"]);
    assert_eq!(
        decision.alerts[0].evidence,
        vec!["the story was killed: urn:afp:1"]
    );
    assert!(decision.writes[0].1.as_ref().unwrap().killed);
    let notice = kill_notice(straits_times.clone(), "urn:afp:1");
    let decision = ledger.decide(&notice, &matched(&["chile-desk"]), &all);
    assert!(decision.alerts.is_empty(), "one kill per desk");
    assert_eq!(decision.reason, "killed");
    // A pickup after the kill alerts nobody, not even a desk that never heard of the story.
    let late = after_kill(pickup(afp, "urn:latimes:1", "latimes"), "urn:afp:1");
    let decision = ledger.decide(&late, &matched(&["chile-desk", "quake-desk"]), &all);
    assert!(decision.alerts.is_empty());
    assert!(ledger.get("quake-desk", &FamilyId::new("f-afp")).is_none());
}

#[test]
fn the_kill_notice_for_the_alerted_copy_can_come_first_and_says_so() {
    let (afp, straits_times) = afp_story();
    let mut ledger = AlertLedger::new(24, 0.0);
    ledger.decide(&straits_times, &matched(&["chile-desk"]), &all);
    let notice = kill_notice(straits_times, "urn:afp:1");
    let decision = ledger.decide(&notice, &[], &all);
    assert_eq!(kinds(&decision), vec![("chile-desk".into(), "kill")]);
    assert_eq!(
        decision.alerts[0].evidence,
        vec![
            "the story was killed by urn:afp:1",
            "urn:straitstimes:1, the copy you were alerted about, is withdrawn"
        ]
    );
    assert!(ledger.decide(&kill_of(afp), &[], &all).alerts.is_empty());
}

#[test]
fn a_kill_alerts_only_subscriptions_that_still_exist_and_a_kill_nobody_heard_of_is_quiet() {
    let mut ledger = AlertLedger::new(24, 0.0);
    ledger.decide(&original(), &matched(&["syria", "world"]), &all);
    let kill = kill_of(original());
    let only_syria = |id: &str| id == "syria";
    let decision = ledger.decide(&kill, &[], &only_syria);
    assert_eq!(kinds(&decision), vec![("syria".into(), "kill")]);
    assert_eq!(decision.alerts[0].changes, vec!["withdrawn"]);
    // "world" is back (re-added): it is told now, once.
    assert_eq!(kinds(&ledger.decide(&kill, &[], &all)).len(), 1);
    assert!(ledger.decide(&kill, &[], &all).alerts.is_empty());
    let other = kill_of(article("urn:agency:2", "f2", "Other", ""));
    assert_eq!(ledger.decide(&other, &[], &all).reason, "kill_not_alerted");
}

#[test]
fn a_reinstated_story_updates_the_desks_told_of_the_kill_and_flows_again() {
    let (afp, straits_times) = afp_story();
    let mut ledger = AlertLedger::new(24, 0.0);
    ledger.decide(&afp, &matched(&["chile-desk"]), &all);
    ledger.decide(&kill_of(afp.clone()), &[], &all);
    // AFP sends the story again as usable.
    let again = reinstated(kill_of(afp));
    let decision = ledger.decide(&again, &matched(&["chile-desk", "quake-desk"]), &all);
    assert_eq!(
        kinds(&decision),
        vec![
            ("chile-desk".into(), "update"),
            ("quake-desk".into(), "new")
        ]
    );
    assert_eq!(decision.alerts[0].changes, vec!["reinstated"]);
    assert!(
        !ledger
            .get("chile-desk", &FamilyId::new("f-afp"))
            .unwrap()
            .killed
    );
    // Flowing again: a material update reaches the desk.
    let update = version(
        again,
        Change {
            urgency_raised: true,
            material: true,
            ..Change::default()
        },
    );
    let decision = ledger.decide(&update, &[], &all);
    assert_eq!(kinds(&decision).len(), 2);
    assert_eq!(decision.alerts[0].changes, vec!["urgency raised"]);
    // A later pickup of the usable story is an ordinary copy: already alerted.
    let decision = ledger.decide(&straits_times, &matched(&["chile-desk"]), &all);
    assert_eq!(decision.reason, "already_alerted");
}

#[test]
fn an_original_handover_never_alerts() {
    let (afp, straits_times) = afp_story();
    let mut ledger = AlertLedger::new(24, 0.0);
    let mut handover = straits_times;
    handover.wire.version_seq = Some(2);
    handover.wire.is_original = Some(false);
    handover.wire.notice = Some(wire_model::notice::ORIGINAL_HANDOVER.to_owned());
    let decision = ledger.decide(&handover, &matched(&["chile-desk"]), &all);
    assert_eq!(decision.reason, "lineage_notice");
    assert!(decision.alerts.is_empty());
    assert_eq!(
        kinds(&ledger.decide(&afp, &matched(&["chile-desk"]), &all)),
        vec![("chile-desk".into(), "new")]
    );
}

#[test]
fn entries_are_evicted_a_window_of_stream_time_after_their_last_alert() {
    let mut ledger = AlertLedger::new(1, 0.0);
    ledger.decide(&dated(original(), at(0)), &matched(&["syria"]), &all);
    let later = at(0) + Duration::minutes(61);
    let other = dated(article("urn:agency:3", "f3", "Other", ""), later);
    let decision = ledger.decide(&other, &[], &all);
    assert_eq!(decision.writes, vec![("s:syria:f1".to_owned(), None)]);
    assert!(ledger.is_empty());
    // Once evicted, the family alerts again as new.
    let decision = ledger.decide(&dated(original(), later), &matched(&["syria"]), &all);
    assert_eq!(kinds(&decision), vec![("syria".into(), "new")]);
}

#[test]
fn an_article_dated_in_the_future_counts_as_fetched_and_an_old_one_does_not_rewind() {
    let mut ledger = AlertLedger::new(1, 0.0);
    ledger.decide(&dated(original(), at(0)), &matched(&["syria"]), &all);
    // A wrong clock dates this a day ahead: capped at its fetch time, it evicts nothing.
    let mut future = dated(article("urn:agency:4", "f4", "Other", ""), at(1));
    future.article.version_created = Some(at(1) + Duration::days(1));
    assert_eq!(event_time(&future), at(1));
    assert!(ledger.decide(&future, &[], &all).writes.is_empty());
    assert_eq!(ledger.stream_time(), Some(at(1)));
    // A late article from yesterday does not move the clock back.
    let old = dated(
        article("urn:agency:5", "f5", "Old", ""),
        at(0) - Duration::days(1),
    );
    ledger.decide(&old, &[], &all);
    assert_eq!(ledger.stream_time(), Some(at(1)));
    // Without versionCreated, firstCreated; without either, the fetch time.
    let mut first = article("urn:agency:6", "f6", "First", "");
    first.article.first_created = Some(at(0) - Duration::hours(3));
    assert_eq!(event_time(&first), at(0) - Duration::hours(3));
    first.article.first_created = None;
    assert_eq!(event_time(&first), first.wire.fetched_at);
}

#[test]
fn restored_entries_set_the_clock_and_are_evicted_in_time_order() {
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
    assert_eq!(restored.stream_time(), Some(at(30)));
    let other = dated(
        article("urn:agency:3", "f3", "Other", ""),
        at(0) + Duration::minutes(61),
    );
    let decision = restored.decide(&other, &[], &all);
    assert_eq!(decision.writes, vec![("s:syria:a".to_owned(), None)]);
    assert_eq!(restored.len(), 1);
}
