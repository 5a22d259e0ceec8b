//! Tests of [`super`]: the checks on small hand-made record sets.

use super::*;
use chrono::TimeZone as _;
use wire_model::{Article, FamilyId, WireMeta};

const ORIGINAL: &str = "urn:reuters21578:7";
const EARLY: &str = "https://www.outlet1.example/world/7-0";
const LATE: &str = "https://www.outlet2.example/world/7-1";

fn at(hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1987, 3, 2, 0, 0, 0).unwrap() + Duration::hours(hour)
}

fn record(input: usize, uri: &str, version: u32, hour: i64) -> Published {
    let article = Article {
        uri: uri.to_owned(),
        version_created: Some(at(hour)),
        pub_status: Some(PubStatus::Usable),
        ..Article::default()
    };
    let wire = WireMeta {
        family: Some(FamilyId::from("family:7")),
        version_seq: Some(version),
        is_original: Some(uri == ORIGINAL),
        ..WireMeta::default()
    };
    Published {
        input,
        envelope: Envelope::new(article, wire),
    }
}

fn canceled(mut record: Published, notice: Option<&str>) -> Published {
    record.envelope.article.pub_status = Some(PubStatus::Canceled);
    record.envelope.wire.notice = notice.map(str::to_owned);
    record
}

fn gold() -> HashMap<String, GoldCopy> {
    [
        (ORIGINAL, Role::Original, 1),
        (EARLY, Role::Pickup, 2),
        (LATE, Role::Pickup, 5),
    ]
    .into_iter()
    .map(|(uri, role, hour)| {
        let copy = GoldCopy {
            story: 7,
            role,
            published: at(hour),
        };
        (uri.to_owned(), copy)
    })
    .collect()
}

fn events(events: StoryEvents) -> HashMap<u32, StoryEvents> {
    HashMap::from([(7, events)])
}

#[test]
fn the_latest_record_of_a_uri_is_its_highest_version() {
    let records = [
        record(0, ORIGINAL, 1, 1),
        canceled(record(2, ORIGINAL, 2, 3), None),
        record(1, EARLY, 1, 2),
    ];
    let latest = latest_by_uri(&records);
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[ORIGINAL].input, 2);
    assert_eq!(latest[EARLY].envelope.wire.version_seq, Some(1));
}

#[test]
fn a_copy_still_usable_after_the_kill_is_counted_and_a_withdrawn_one_is_not() {
    let killed = events(StoryEvents {
        killed_at: Some(at(3)),
        ..StoryEvents::default()
    });
    let mut records = vec![
        record(0, ORIGINAL, 1, 1),
        record(1, EARLY, 1, 2),
        canceled(record(2, ORIGINAL, 2, 3), None),
        canceled(record(2, EARLY, 2, 3), Some(notice::KILL)),
    ];
    let checks = check(&records, &gold(), &killed, Duration::zero());
    assert_eq!(checks.killed_story_copies, 2);
    assert_eq!(checks.usable_copies_of_killed_stories.count, 0);
    records.push(record(3, LATE, 1, 5));
    let checks = check(&records, &gold(), &killed, Duration::zero());
    assert_eq!(checks.usable_copies_of_killed_stories.count, 1);
    assert!(checks.usable_copies_of_killed_stories.examples[0].starts_with(LATE));
    // In a family of its own, the late copy is a dedup miss, not a kill failure.
    records.last_mut().unwrap().envelope.wire.family = Some(FamilyId::from("family:9"));
    let checks = check(&records, &gold(), &killed, Duration::zero());
    assert_eq!(checks.usable_copies_of_killed_stories.count, 0);
    assert_eq!(checks.killed_story_copies_outside_the_family.count, 1);
}

#[test]
fn pickups_before_the_lift_must_carry_the_embargo_and_the_flag() {
    let embargoed = events(StoryEvents {
        embargoed_until: Some(at(4)),
        ..StoryEvents::default()
    });
    let mut original = record(0, ORIGINAL, 1, 1);
    original.envelope.article.embargoed_until = Some(at(4));
    let early = record(1, EARLY, 1, 2);
    let mut late = record(2, LATE, 1, 5);
    late.envelope.wire.embargo_broken = true;
    let checks = check(
        &[original, early, late],
        &gold(),
        &embargoed,
        Duration::zero(),
    );
    assert_eq!(checks.embargo_records_checked, 2);
    assert_eq!(checks.records_without_the_embargo.count, 1);
    assert_eq!(checks.pickups_before_the_lift, 1);
    assert_eq!(checks.broken_embargoes_not_flagged.count, 1);
    assert_eq!(checks.false_embargo_flags.count, 1);
    assert_eq!(checks.violations(), 3);
}

#[test]
fn a_family_has_one_original_and_a_version_under_another_uri_is_told_apart() {
    let quiet = events(StoryEvents::default());
    let mut second = record(1, EARLY, 1, 2);
    second.envelope.wire.is_original = Some(true);
    let checks = check(
        &[record(0, ORIGINAL, 1, 1), second.clone()],
        &gold(),
        &quiet,
        Duration::zero(),
    );
    assert_eq!(checks.families, 1);
    assert_eq!(checks.families_with_several_originals.count, 1);
    second.envelope.wire.version_of = Some(ORIGINAL.to_owned());
    let checks = check(
        &[record(0, ORIGINAL, 1, 1), second],
        &gold(),
        &quiet,
        Duration::zero(),
    );
    assert_eq!(checks.families_with_several_originals.count, 0);
    assert_eq!(checks.agency_updates_as_second_original.count, 1);
    // The outlet's copy as the only original of a family holding the agency's copy.
    let mut outlet_first = record(0, ORIGINAL, 1, 1);
    outlet_first.envelope.wire.is_original = Some(false);
    let mut early = record(1, EARLY, 1, 2);
    early.envelope.wire.is_original = Some(true);
    let checks = check(&[outlet_first, early], &gold(), &quiet, Duration::zero());
    assert_eq!(
        checks.families_whose_original_is_not_the_agency_copy.count,
        1
    );
}
