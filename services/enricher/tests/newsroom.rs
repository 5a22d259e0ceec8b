//! What a desk needs from the enricher, tried as a newsroom would meet it: an agency story, an
//! outlet's pickup, the agency's kill, late copies, embargoes, small and large edits, the
//! agency copy that arrives after a pickup, and an archive replayed a year later. The story
//! text is synthetic (written for these tests), in the shape of an AFP story republished by an
//! outlet.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::HashMap;
use wire_model::{Article, Body, Envelope, Headline, PubStatus, SourceId, WireMeta, notice};
use wirefeed_enricher::{EnricherConfig, EnricherStage};

const STORY: [&str; 8] = [
    "Top US diplomat John Kerry arrived in Moscow on Thursday for talks with President Vladimir Putin on a plan to coordinate air strikes against jihadists in Syria, officials said.",
    "The proposal, which Washington has kept under wraps, would see the two powers share intelligence on targets around the city of Aleppo and set up a joint command centre in Amman.",
    "Kerry was expected to spend up to four hours with Putin at the Kremlin, before meeting Foreign Minister Sergei Lavrov late into the evening, a State Department official told reporters.",
    "The talks come as a fragile truce brokered by the two countries in February has all but collapsed, with more than 400 civilians killed in the northern province in the past month.",
    "Rebel groups backed by Washington fear the plan would leave them exposed to government forces, while Moscow insists that its air campaign targets only recognised terrorist groups.",
    "A senior Russian diplomat said on Wednesday that Moscow was ready to discuss the proposal but wanted guarantees that moderate rebels would separate from the Al-Nusra Front.",
    "The United Nations envoy for Syria has said he hopes to reconvene peace talks in Geneva in August if the two powers can agree on the terms of a renewed ceasefire.",
    "More than 280,000 people have been killed since the conflict began in March 2011, according to a Britain-based monitoring group.",
];

const HEADLINE: &str = "Kerry in Moscow for Syria talks with Putin";

fn at(hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 0, 0, 0).unwrap() + Duration::hours(hour)
}

struct Copy {
    uri: &'static str,
    source: &'static str,
    link: Option<&'static str>,
    credit: Option<&'static str>,
}

const AFP: Copy = Copy {
    uri: "urn:newsml:afp.com:20261205:kerry-putin",
    source: "afp-world",
    link: None,
    credit: Some("AFP"),
};
const STRAITS_TIMES: Copy = Copy {
    uri: "https://www.straitstimes.com/world/kerry-in-moscow",
    source: "straits-times",
    link: Some("https://www.straitstimes.com/world/kerry-in-moscow"),
    credit: Some("AFP"),
};
const DAILY: Copy = Copy {
    uri: "https://daily.example/2026/12/05/kerry-putin",
    source: "daily-example",
    link: Some("https://daily.example/2026/12/05/kerry-putin"),
    credit: Some("AFP"),
};

fn article(copy: &Copy, headline: &str, paragraphs: &[&str], hour: i64) -> Envelope {
    Envelope::new(
        Article {
            uri: copy.uri.to_owned(),
            first_created: Some(at(hour)),
            version_created: Some(at(hour)),
            pub_status: Some(PubStatus::Usable),
            headlines: vec![Headline {
                role: Some("main".to_owned()),
                content_type: None,
                value: headline.to_owned(),
            }],
            bodies: vec![Body::plain_text(paragraphs.join("\n\n"))],
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from(copy.source),
            item_identity: copy.uri.to_owned(),
            link: copy.link.map(str::to_owned),
            credit: copy.credit.map(str::to_owned),
            fetched_at: at(hour),
            ..WireMeta::default()
        },
    )
}

/// The outlet's copy: its own headline, the agency's text with the first and last paragraphs
/// cut and a typo fixed, as outlets republish.
fn pickup(copy: &Copy, hour: i64) -> Envelope {
    let mut paragraphs: Vec<String> = STORY[..7].iter().map(|p| p.to_string()).collect();
    paragraphs[2] = paragraphs[2].replace("late into", "later in");
    let paragraphs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    article(
        copy,
        "US top diplomat Kerry meets Putin on Syria",
        &paragraphs,
        hour,
    )
}

fn kill(hour: i64) -> Envelope {
    let mut kill = article(
        &AFP,
        "KILL: Kerry in Moscow for Syria talks with Putin",
        &["Editors: the story is withdrawn. Please ensure it is not published."],
        hour,
    );
    kill.article.pub_status = Some(PubStatus::Canceled);
    kill
}

fn stage() -> EnricherStage {
    // No agency sources configured: the agency is recognised by itself.
    EnricherStage::new(&EnricherConfig::default())
}

fn enrich(stage: &mut EnricherStage, envelope: Envelope, hour: i64) -> Vec<Envelope> {
    stage.enrich_all(envelope, at(hour))
}

fn status(envelope: &Envelope) -> Option<PubStatus> {
    envelope.article.pub_status
}

#[test]
fn a_kill_by_the_agency_withdraws_every_copy_and_every_later_copy() {
    let mut stage = stage();
    let original = enrich(&mut stage, article(&AFP, HEADLINE, &STORY, 1), 1);
    assert_eq!(original[0].wire.agency.as_deref(), Some("AFP"));
    assert!(original[0].wire.from_agency);
    let pickup_out = enrich(&mut stage, pickup(&STRAITS_TIMES, 2), 2);
    assert_eq!(pickup_out[0].wire.is_original, Some(false));
    assert!(!pickup_out[0].wire.from_agency, "the outlet is not AFP");

    let killed = enrich(&mut stage, kill(3), 3);
    let (kill_record, notices) = killed.split_first().unwrap();
    assert_eq!(status(kill_record), Some(PubStatus::Canceled));
    assert!(kill_record.wire.change.as_ref().unwrap().kill);
    assert_eq!(kill_record.wire.killed_by.as_deref(), Some(AFP.uri));
    // The Straits Times copy, published before the kill, gets a kill notice of its own.
    assert_eq!(notices.len(), 1, "{notices:?}");
    let notice = &notices[0];
    assert_eq!(notice.article.uri, STRAITS_TIMES.uri);
    assert_eq!(notice.wire.source.as_str(), STRAITS_TIMES.source);
    assert_eq!(status(notice), Some(PubStatus::Canceled));
    assert_eq!(notice.wire.version_seq, Some(2));
    assert_eq!(notice.wire.notice.as_deref(), Some(notice::KILL));
    assert_eq!(notice.wire.killed_by.as_deref(), Some(AFP.uri));
    assert!(notice.wire.change.as_ref().unwrap().kill);
    assert_eq!(notice.article.headline(), kill_record.article.headline());
    assert_eq!(notice.wire.family, kill_record.wire.family);

    // A later pickup from another outlet: not usable, and says which kill.
    let late = enrich(&mut stage, pickup(&DAILY, 5), 5);
    assert_eq!(late.len(), 1);
    assert_eq!(status(&late[0]), Some(PubStatus::Canceled));
    assert_eq!(late[0].wire.killed_by.as_deref(), Some(AFP.uri));
    assert_eq!(late[0].wire.family, kill_record.wire.family);
}

#[test]
fn the_agency_lifts_its_kill_only_by_sending_the_story_again() {
    let mut stage = stage();
    enrich(&mut stage, article(&AFP, HEADLINE, &STORY, 1), 1);
    enrich(&mut stage, kill(2), 2);
    // An outlet's update of its copy does not lift the kill.
    let outlet = enrich(&mut stage, pickup(&STRAITS_TIMES, 3), 3);
    assert_eq!(status(&outlet[0]), Some(PubStatus::Canceled));
    // AFP sends the story again, corrected, as usable.
    let mut corrected: Vec<&str> = STORY.to_vec();
    corrected[3] = "The talks come as a fragile truce brokered by the two countries in February has all but collapsed, with more than 300 civilians killed in the northern province in the past month.";
    let reissue = enrich(
        &mut stage,
        article(&AFP, &format!("CORRECTED: {HEADLINE}"), &corrected, 4),
        4,
    );
    assert_eq!(status(&reissue[0]), Some(PubStatus::Usable));
    let change = reissue[0].wire.change.as_ref().unwrap();
    assert!(change.reinstated && change.material, "{change:?}");
    assert_eq!(reissue[0].wire.killed_by, None);
    // Copies after that are usable again.
    let after = enrich(&mut stage, pickup(&DAILY, 5), 5);
    assert_eq!(status(&after[0]), Some(PubStatus::Usable));
}

#[test]
fn an_outlet_deleting_its_copy_does_not_kill_the_agency_story() {
    let mut stage = stage();
    enrich(&mut stage, article(&AFP, HEADLINE, &STORY, 1), 1);
    enrich(&mut stage, pickup(&STRAITS_TIMES, 2), 2);
    let mut deleted = pickup(&STRAITS_TIMES, 3);
    deleted.article.pub_status = Some(PubStatus::Canceled);
    let out = enrich(&mut stage, deleted, 3);
    assert_eq!(out.len(), 1, "no kill notices for other copies");
    assert_eq!(status(&out[0]), Some(PubStatus::Canceled));
    let other = enrich(&mut stage, pickup(&DAILY, 4), 4);
    assert_eq!(status(&other[0]), Some(PubStatus::Usable));
}

/// The latest record of every copy, by uri and version.
fn latest(records: &[Envelope]) -> HashMap<String, Envelope> {
    let mut latest: HashMap<String, Envelope> = HashMap::new();
    for record in records {
        let newer = latest
            .get(&record.article.uri)
            .is_none_or(|held| held.wire.version_seq <= record.wire.version_seq);
        if newer {
            latest.insert(record.article.uri.clone(), record.clone());
        }
    }
    latest
}

#[test]
fn the_agency_copy_arriving_after_a_pickup_becomes_the_one_original() {
    let mut stage = stage();
    let mut records = Vec::new();
    // The outlet's copy is fetched first; AFP's feed is polled later, but AFP filed earlier.
    records.extend(enrich(&mut stage, pickup(&STRAITS_TIMES, 2), 2));
    assert_eq!(records[0].wire.is_original, Some(true));
    let mut agency = article(&AFP, HEADLINE, &STORY, 1);
    agency.wire.fetched_at = at(3);
    let out = enrich(&mut stage, agency, 3);
    assert_eq!(out[0].wire.is_original, Some(true));
    let handover = &out[1];
    assert_eq!(
        handover.wire.notice.as_deref(),
        Some(notice::ORIGINAL_HANDOVER)
    );
    assert_eq!(handover.article.uri, STRAITS_TIMES.uri);
    assert_eq!(handover.wire.is_original, Some(false));
    assert_eq!(handover.wire.duplicate_of.as_deref(), Some(AFP.uri));
    assert_eq!(handover.wire.version_seq, Some(2));
    records.extend(out);
    records.extend(enrich(&mut stage, pickup(&DAILY, 4), 4));
    let latest = latest(&records);
    let originals: Vec<&str> = latest
        .values()
        .filter(|record| record.wire.is_original == Some(true))
        .map(|record| record.article.uri.as_str())
        .collect();
    assert_eq!(
        originals,
        [AFP.uri],
        "one original per family, the agency's"
    );
    assert!(
        latest
            .values()
            .all(|record| record.wire.family == latest[AFP.uri].wire.family)
    );
}

#[test]
fn a_pickup_published_before_the_embargo_lifts_is_flagged_and_keeps_the_embargo() {
    let mut stage = stage();
    let mut embargoed = article(&AFP, HEADLINE, &STORY, 1);
    embargoed.article.embargoed_until = Some(at(6));
    let out = enrich(&mut stage, embargoed, 1);
    assert_eq!(out[0].article.embargoed_until, Some(at(6)));
    assert!(!out[0].wire.embargo_broken);
    let early = enrich(&mut stage, pickup(&STRAITS_TIMES, 2), 2);
    assert!(early[0].wire.embargo_broken);
    assert_eq!(early[0].article.embargoed_until, Some(at(6)));
    // AFP's next version, sent before the embargo lifts without repeating it, keeps it.
    let mut longer: Vec<&str> = STORY.to_vec();
    longer.push("Lavrov told reporters after midnight that the two sides had agreed on the outline of a joint plan.");
    let update = enrich(&mut stage, article(&AFP, HEADLINE, &longer, 3), 3);
    assert_eq!(update[0].article.embargoed_until, Some(at(6)));
    assert!(!update[0].wire.embargo_broken, "the agency's own version");
    let after = enrich(&mut stage, pickup(&DAILY, 7), 7);
    assert!(!after[0].wire.embargo_broken);
    assert_eq!(
        after[0].article.embargoed_until, None,
        "the embargo has lifted"
    );
}

fn version(stage: &mut EnricherStage, headline: &str, paragraphs: &[&str], hour: i64) -> Envelope {
    enrich(stage, article(&AFP, headline, paragraphs, hour), hour)
        .into_iter()
        .next()
        .expect("a new version, not a re-send")
}

#[test]
fn a_typo_fix_is_not_material_but_a_new_lede_or_paragraph_is() {
    let mut stage = stage();
    enrich(&mut stage, article(&AFP, HEADLINE, &STORY, 1), 1);
    let mut typo: Vec<String> = STORY.iter().map(|p| p.to_string()).collect();
    typo[4] = typo[4].replace("exposed", "exposd");
    let typo: Vec<&str> = typo.iter().map(String::as_str).collect();
    let fixed = version(&mut stage, HEADLINE, &typo, 2);
    let change = fixed.wire.change.unwrap();
    assert!(!change.material, "{change:?}");
    assert!(change.body_changed < 0.1, "{change:?}");
    // Only the case and spacing of the headline: the same words, nothing to publish.
    let recased = article(&AFP, &HEADLINE.to_uppercase().replace(' ', "  "), &typo, 3);
    assert!(enrich(&mut stage, recased, 3).is_empty());

    let mut new_lede: Vec<&str> = typo.clone();
    new_lede[0] = "Russia and the United States agreed on Thursday to share intelligence on jihadist targets in Syria after Vladimir Putin received John Kerry at the Kremlin for four hours of talks.";
    let rewritten = version(&mut stage, &HEADLINE.to_uppercase(), &new_lede, 4);
    let change = rewritten.wire.change.unwrap();
    assert!(change.lede_rewritten && change.material, "{change:?}");

    let mut longer = new_lede.clone();
    longer.push("Lavrov told reporters after midnight that the two sides had agreed on the outline of a joint plan.");
    let added = version(&mut stage, &HEADLINE.to_uppercase(), &longer, 5);
    let change = added.wire.change.unwrap();
    assert!(
        change.material && change.paragraphs_added == 1,
        "{change:?}"
    );
}

/// The lineage an article got: its family's founder, whether it is the original, its story's
/// founder, its version, as a consumer would compare them (ids are uri-derived).
fn lineage(record: &Envelope) -> (String, Option<bool>, Option<String>, Option<u32>) {
    (
        record.article.uri.clone(),
        record.wire.is_original,
        record.wire.story.clone(),
        record.wire.version_seq,
    )
}

#[test]
fn an_archive_replayed_a_year_later_gets_the_lineage_live_copy_got() {
    // Copies spread over three weeks: the index window (14 days) and the story window (72 h)
    // both matter.
    let sequence = |shift: Duration| -> Vec<(Envelope, DateTime<Utc>)> {
        let mut items = Vec::new();
        for (day, copy) in [(0, &AFP), (0, &STRAITS_TIMES), (20, &DAILY)] {
            let mut envelope = if copy.source == AFP.source {
                article(copy, HEADLINE, &STORY, day * 24)
            } else {
                pickup(copy, day * 24 + 1)
            };
            for time in [
                &mut envelope.article.first_created,
                &mut envelope.article.version_created,
            ] {
                *time = time.map(|t| t + shift);
            }
            let fetched = envelope.wire.fetched_at;
            envelope.wire.fetched_at = fetched + shift;
            items.push((envelope, fetched));
        }
        items
    };
    let run = |items: Vec<(Envelope, DateTime<Utc>)>, replay: bool| {
        let mut stage = stage();
        items
            .into_iter()
            .flat_map(|(envelope, live_now)| {
                // A replay runs today: fetched and enriched now, the articles a year old.
                let mut envelope = envelope;
                let now = if replay {
                    envelope.wire.fetched_at = at(24 * 400);
                    at(24 * 400)
                } else {
                    live_now
                };
                stage.enrich_all(envelope, now)
            })
            .map(|record| lineage(&record))
            .collect::<Vec<_>>()
    };
    let live = run(sequence(Duration::zero()), false);
    let archive = run(sequence(Duration::days(-365)), true);
    assert_eq!(live, archive);
    assert_eq!(live.len(), 3);
}

#[test]
fn an_article_from_a_clock_in_the_future_does_not_evict_the_window() {
    let mut stage = stage();
    enrich(&mut stage, article(&AFP, HEADLINE, &STORY, 1), 1);
    // Another source stamps its copy a month ahead; it was fetched now.
    let mut future = article(
        &Copy {
            uri: "urn:other:1",
            source: "other",
            link: None,
            credit: None,
        },
        "Unrelated weather story",
        &[
            "Heavy snow is expected across the north of the country on Saturday, forecasters said, with up to 40 centimetres on high ground.",
        ],
        2,
    );
    future.article.version_created = Some(at(24 * 30));
    future.article.first_created = Some(at(24 * 30));
    enrich(&mut stage, future, 2);
    let copy = enrich(&mut stage, pickup(&STRAITS_TIMES, 3), 3);
    assert_eq!(copy[0].wire.duplicate_of.as_deref(), Some(AFP.uri));
}

/// The topics the stage sends one input to.
fn destinations(stage: &mut EnricherStage, envelope: Envelope, hour: i64) -> Vec<(String, String)> {
    use wire_runtime::{Delivery, Outcome, Record, Stage};
    let delivery = Delivery {
        record: Record::new(wire_model::topics::ARTICLES, "k", envelope.encode()),
        partition: 0,
        offset: 0,
    };
    match stage.handle(&delivery, at(hour)) {
        Outcome::Emit { records, .. } => records
            .iter()
            .map(|record| {
                // A story record names the family's first copy and what changed.
                let what = match wire_model::StoryRecord::decode(&record.payload) {
                    Ok(story) => format!("{:?} {}", story.change, story.member.article_uri),
                    Err(_) => Envelope::decode(&record.payload).unwrap().article.uri,
                };
                (record.topic.clone(), what)
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn a_kill_reaches_every_desk_topic_and_a_late_copy_none() {
    use wirefeed_enricher::config::RouteConfig;
    let mut config = EnricherConfig::default();
    config.tagging.enabled = false;
    config.tagging.routes = vec![
        RouteConfig {
            topic: Some("syria-peace-process".to_owned()),
            country: None,
            to: "wire.topic.syria.v1".to_owned(),
        },
        RouteConfig {
            topic: None,
            country: Some("RU".to_owned()),
            to: "wire.topic.russia.v1".to_owned(),
        },
    ];
    let mut stage = EnricherStage::new(&config);
    destinations(&mut stage, article(&AFP, HEADLINE, &STORY, 1), 1);
    destinations(&mut stage, pickup(&STRAITS_TIMES, 2), 2);
    let out = destinations(&mut stage, kill(3), 3);
    let to = |topic: &str, uri: &str| out.contains(&(topic.to_owned(), uri.to_owned()));
    for uri in [AFP.uri, STRAITS_TIMES.uri] {
        assert!(to("wire.enriched.v1", uri), "{out:?}");
        assert!(to("wire.topic.syria.v1", uri), "{out:?}");
        assert!(to("wire.topic.russia.v1", uri), "{out:?}");
    }
    // The original's kill goes to wire.originals.v1, where the original went; the pickup
    // never was there.
    assert!(to("wire.originals.v1", AFP.uri), "{out:?}");
    assert!(!to("wire.originals.v1", STRAITS_TIMES.uri), "{out:?}");
    // Its story loses the family: a story page must drop it.
    assert!(
        to("wire.stories.v1", &format!("Killed {}", AFP.uri)),
        "{out:?}"
    );
    let late = destinations(&mut stage, pickup(&DAILY, 4), 4);
    assert_eq!(
        late,
        [("wire.enriched.v1".to_owned(), DAILY.uri.to_owned())]
    );
}

#[test]
fn an_agency_update_under_a_new_uri_is_the_one_original_after_it() {
    let mut stage = stage();
    let mut records = enrich(&mut stage, article(&AFP, HEADLINE, &STORY, 1), 1);
    records.extend(enrich(&mut stage, pickup(&STRAITS_TIMES, 2), 2));
    let mut longer: Vec<&str> = STORY.to_vec();
    longer.push("Lavrov told reporters after midnight that the two sides had agreed on the outline of a joint plan.");
    let update_copy = Copy {
        uri: "urn:newsml:afp.com:20261205:kerry-putin-update",
        ..AFP
    };
    let update = enrich(
        &mut stage,
        article(&update_copy, &format!("UPDATE 1-{HEADLINE}"), &longer, 3),
        3,
    );
    assert_eq!(update[0].wire.version_of.as_deref(), Some(AFP.uri));
    assert_eq!(update[0].wire.is_original, Some(true));
    assert_eq!(update[1].article.uri, AFP.uri);
    assert_eq!(
        update[1].wire.notice.as_deref(),
        Some(notice::ORIGINAL_HANDOVER)
    );
    records.extend(update);
    // A later pickup points at the update, the family's original now.
    let late = enrich(&mut stage, pickup(&DAILY, 4), 4);
    assert_eq!(late[0].wire.duplicate_of.as_deref(), Some(update_copy.uri));
    records.extend(late);
    let latest = latest(&records);
    let originals: Vec<&str> = latest
        .values()
        .filter(|record| record.wire.is_original == Some(true))
        .map(|record| record.article.uri.as_str())
        .collect();
    assert_eq!(originals, [update_copy.uri]);
}

#[test]
fn the_embargo_of_any_copy_holds_for_the_whole_family() {
    let mut stage = stage();
    // The family starts with an outlet's copy; AFP's embargoed copy joins it later (filed
    // earlier, fetched later) and a second outlet's copy matches the first outlet's.
    enrich(&mut stage, pickup(&STRAITS_TIMES, 2), 2);
    let mut embargoed = article(&AFP, HEADLINE, &STORY, 1);
    embargoed.article.embargoed_until = Some(at(8));
    embargoed.wire.fetched_at = at(3);
    let out = enrich(&mut stage, embargoed, 3);
    // The outlet's copy, out before the lift, loses the original and keeps the embargo.
    let handover = &out[1];
    assert_eq!(handover.article.embargoed_until, Some(at(8)));
    assert!(handover.wire.embargo_broken);
    let second = enrich(&mut stage, pickup(&DAILY, 4), 4);
    assert_eq!(second[0].article.embargoed_until, Some(at(8)));
    assert!(second[0].wire.embargo_broken);
}
