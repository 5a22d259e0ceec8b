//! What a desk sees, through the alerter stage as the stage loop drives it (`Stage::handle`
//! on `wire.enriched.v1` records shaped as the enricher publishes them): kills of a whole
//! story family, embargoes, material change, agency credit in queries, and event time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use wire_model::{Alert, Change, Envelope, PubStatus, notice};
use wire_runtime::{Outcome, Stage};
use wirefeed_alerter::{AlerterConfig, AlerterStage, alert_line};

fn alerter(config: &AlerterConfig) -> AlerterStage {
    AlerterStage::new(config).unwrap()
}

/// The alerts the stage publishes for `envelope`, handled at wall-clock `now`.
fn handle(stage: &mut AlerterStage, envelope: &Envelope, now: DateTime<Utc>) -> Vec<Alert> {
    match stage.handle(&delivery(envelope, 0), now) {
        Outcome::Emit { records, .. } => records
            .iter()
            .map(|record| Alert::decode(&record.payload).unwrap())
            .collect(),
        Outcome::Drop { .. } => Vec::new(),
        other => panic!("unexpected outcome {other:?}"),
    }
}

fn summary(alerts: &[Alert]) -> Vec<String> {
    alerts
        .iter()
        .map(|a| {
            format!(
                "{} {} {} [{}]",
                a.subscription,
                a.kind.as_deref().unwrap_or("?"),
                a.article_uri,
                a.changes.join(", ")
            )
        })
        .collect()
}

/// `envelope` credited to `agency`, as the enricher recognises it.
fn credited(mut envelope: Envelope, agency: &str, from_agency: bool) -> Envelope {
    envelope.wire.credit = Some(agency.to_owned());
    envelope.wire.agency = Some(agency.to_owned());
    envelope.wire.from_agency = from_agency;
    envelope
}

/// The AFP original, and The Straits Times' pickup of it with a headline of its own.
fn afp_quake() -> (Envelope, Envelope) {
    let afp = credited(
        envelope("urn:afp:1", "f-quake", "afp", "Quake hits Chile", true),
        "AFP",
        true,
    );
    let straits_times = credited(
        envelope(
            "urn:straitstimes:1",
            "f-quake",
            "straits-times",
            "Strong quake hits Chile, Singaporeans safe",
            false,
        ),
        "AFP",
        false,
    );
    (afp, straits_times)
}

/// AFP's kill of its story: `pubStatus: canceled`, a kill change, killed by itself.
fn afp_kill(afp: &Envelope) -> Envelope {
    let mut kill = versioned(
        afp.clone(),
        Change {
            kill: true,
            material: true,
            ..Change::default()
        },
    );
    kill.article.pub_status = Some(PubStatus::Canceled);
    kill.article.headlines[0].value = "KILL - Chile quake story withdrawn".to_owned();
    kill.wire.killed_by = Some(afp.article.uri.clone());
    kill
}

/// The enricher's kill notice for `copy` (published before the kill `kill`): its own uri, the
/// next version, canceled, the kill's headline and body.
fn kill_notice(copy: &Envelope, kill: &Envelope) -> Envelope {
    let mut notice = versioned(
        copy.clone(),
        Change {
            kill: true,
            material: true,
            ..Change::default()
        },
    );
    notice.article.pub_status = Some(PubStatus::Canceled);
    notice.article.headlines = kill.article.headlines.clone();
    notice.article.bodies = kill.article.bodies.clone();
    notice.wire.notice = Some(notice::KILL.to_owned());
    notice.wire.killed_by = Some(kill.article.uri.clone());
    notice
}

#[test]
fn a_desk_alerted_about_the_afp_story_gets_one_kill_and_a_later_pickup_alerts_nobody() {
    // The Singapore desk looks for Singapore; only the Straits Times pickup says so.
    let config = config(vec![
        subscription("singapore-desk", "singaporeans OR singapore"),
        subscription("latam-desk", "\"buenos aires\""),
    ]);
    let mut stage = alerter(&config);
    let (afp, straits_times) = afp_quake();
    assert!(handle(&mut stage, &afp, at(1)).is_empty());
    assert_eq!(
        summary(&handle(&mut stage, &straits_times, at(2))),
        ["singapore-desk new urn:straitstimes:1 []"]
    );
    // AFP kills it: the kill itself, then the enricher's notice for the pickup.
    let kill = afp_kill(&afp);
    let alerts = handle(&mut stage, &kill, at(3));
    assert_eq!(
        summary(&alerts),
        ["singapore-desk kill urn:afp:1 [killed by AFP]"]
    );
    assert!(alert_line(&alerts[0]).starts_with("ALERT KILL [singapore-desk] KILL - Chile"));
    assert!(handle(&mut stage, &kill_notice(&straits_times, &kill), at(4)).is_empty());
    // An Argentine outlet's pickup after the kill, with the words the Latin America desk
    // looks for: canceled, it alerts nobody.
    let mut late = credited(
        envelope(
            "urn:clarin:1",
            "f-quake",
            "clarin",
            "Quake hits Chile, felt in Buenos Aires",
            false,
        ),
        "AFP",
        false,
    );
    late.article.pub_status = Some(PubStatus::Canceled);
    late.wire.killed_by = Some(kill.article.uri.clone());
    assert!(handle(&mut stage, &late, at(5)).is_empty());
}

#[test]
fn the_kill_notice_for_the_alerted_pickup_is_the_kill_when_it_comes_first() {
    let mut stage = alerter(&config_for("singapore-desk", "singaporeans"));
    let (afp, straits_times) = afp_quake();
    handle(&mut stage, &straits_times, at(1));
    let kill = afp_kill(&afp);
    let alerts = handle(&mut stage, &kill_notice(&straits_times, &kill), at(2));
    assert_eq!(
        summary(&alerts),
        ["singapore-desk kill urn:straitstimes:1 [killed by AFP]"]
    );
    assert!(
        alerts[0]
            .evidence
            .contains(&"urn:straitstimes:1, the copy you were alerted about, is withdrawn".into()),
        "{:?}",
        alerts[0].evidence
    );
    assert_eq!(alerts[0].embargoed_until, None);
    assert!(handle(&mut stage, &kill, at(3)).is_empty());
}

#[test]
fn an_embargoed_story_is_marked_until_its_time_and_a_pickup_that_broke_it_is_named() {
    let mut stage = alerter(&config_for("chile-desk", "chile"));
    let lifts = Utc.with_ymd_and_hms(2026, 12, 7, 5, 0, 0).unwrap();
    let (mut afp, straits_times) = afp_quake();
    afp.article.embargoed_until = Some(lifts);
    let alerts = handle(&mut stage, &afp, lifts - Duration::hours(20));
    assert_eq!(alerts[0].embargoed_until, Some(lifts));
    assert!(
        alert_line(&alerts[0])
            .starts_with("ALERT [chile-desk] EMBARGOED until 2026-12-07 05:00 UTC: Quake hits"),
        "{}",
        alert_line(&alerts[0])
    );
    // Another desk learns of it from a pickup the outlet published before the embargo lifted.
    let mut stage = alerter(&config_for("singapore-desk", "singaporeans"));
    let mut broke = straits_times;
    broke.article.embargoed_until = Some(lifts);
    broke.wire.embargo_broken = true;
    let alerts = handle(&mut stage, &broke, lifts - Duration::hours(19));
    assert_eq!(alerts[0].embargoed_until, Some(lifts));
    assert!(
        alerts[0].evidence.contains(
            &"published by straits-times before the embargo (embargoed until 2026-12-07 05:00 UTC)"
                .to_owned()
        ),
        "{:?}",
        alerts[0].evidence
    );
    // Once the embargo has lifted, an alert is not marked.
    let mut after = afp_quake().0;
    after.article.embargoed_until = Some(lifts);
    let mut stage = alerter(&config_for("chile-desk", "chile"));
    let alerts = handle(&mut stage, &after, lifts + Duration::minutes(1));
    assert_eq!(alerts[0].embargoed_until, None);
}

fn config_for(id: &str, query: &str) -> AlerterConfig {
    config(vec![subscription(id, query)])
}

#[test]
fn a_typo_fix_does_not_re_alert_and_a_rewritten_lede_does() {
    let mut stage = alerter(&config_for("chile-desk", "chile"));
    let (afp, _) = afp_quake();
    handle(&mut stage, &afp, at(1));
    // The enricher's verdict on a one-word fix in the second paragraph.
    let typo = versioned(
        afp.clone(),
        Change {
            body_changed: 0.01,
            material: false,
            ..Change::default()
        },
    );
    assert!(handle(&mut stage, &typo, at(2)).is_empty());
    let mut rewrite = versioned(
        afp,
        Change {
            lede_rewritten: true,
            urgency_raised: true,
            body_changed: 0.35,
            material: true,
            ..Change::default()
        },
    );
    rewrite.wire.version_seq = Some(3);
    rewrite.article.urgency = Some(1);
    assert_eq!(
        summary(&handle(&mut stage, &rewrite, at(3))),
        [
            "chile-desk update urn:afp:1 [urgency raised to 1, lede rewritten, about 35% of the text changed]"
        ]
    );
}

#[test]
fn credit_afp_matches_a_straits_times_pickup_credited_afp() {
    let mut stage = alerter(&config(vec![
        subscription("afp-watch", "credit:afp singaporeans"),
        subscription("afp-source", "source:afp singaporeans"),
        subscription("reuters-watch", "credit:reuters"),
    ]));
    let (_, straits_times) = afp_quake();
    let alerts = handle(&mut stage, &straits_times, at(1));
    assert_eq!(
        summary(&alerts),
        [
            "afp-source new urn:straitstimes:1 []",
            "afp-watch new urn:straitstimes:1 []"
        ]
    );
    assert!(alerts[1].evidence.contains(&"credit:afp".to_owned()));
}

/// `story` written at `at` (its versionCreated) and fetched at `fetched`.
fn shifted(mut story: Envelope, at: DateTime<Utc>, fetched: DateTime<Utc>) -> Envelope {
    story.article.version_created = Some(at);
    story.wire.fetched_at = fetched;
    story
}

#[test]
fn an_archive_replay_a_year_back_alerts_like_the_same_copy_live() {
    // A day-long window: the story returns after 30 hours and alerts as new again.
    let config = AlerterConfig {
        alerted_window_hours: 24,
        ..config(vec![subscription("chile-desk", "chile")])
    };
    let (afp, straits_times) = afp_quake();
    let update = versioned(
        afp.clone(),
        Change {
            headline_changed: true,
            material: true,
            ..Change::default()
        },
    );
    let returns = envelope(
        "urn:afp:9",
        "f-quake",
        "afp",
        "Chile quake: one year on",
        true,
    );
    let other = envelope("urn:afp:2", "f-other", "afp", "Chile votes", true);
    let hours = [0, 2, 3, 30, 31];
    let copy = [afp, straits_times, update, returns, other];
    let start = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    // Live: each article fetched and alerted a minute after it was written.
    let mut live = alerter(&config);
    let mut live_alerts = Vec::new();
    for (story, hour) in copy.iter().zip(hours) {
        let written = start + Duration::hours(hour);
        let fetched = written + Duration::minutes(1);
        live_alerts.extend(handle(
            &mut live,
            &shifted(story.clone(), written, fetched),
            fetched,
        ));
    }
    // Replay: the same articles dated a year back, all fetched and alerted within a minute.
    let replayed_at = start + Duration::days(2);
    let mut replay = alerter(&config);
    let mut replay_alerts = Vec::new();
    for (story, hour) in copy.iter().zip(hours) {
        let written = start - Duration::days(365) + Duration::hours(hour);
        replay_alerts.extend(handle(
            &mut replay,
            &shifted(story.clone(), written, replayed_at),
            replayed_at,
        ));
    }
    let expected = [
        "chile-desk new urn:afp:1 []",
        "chile-desk update urn:afp:1 [headline rewritten]",
        "chile-desk new urn:afp:9 []",
        "chile-desk new urn:afp:2 []",
    ];
    assert_eq!(summary(&live_alerts), expected);
    assert_eq!(summary(&replay_alerts), expected);
}
