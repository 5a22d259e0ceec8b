//! The lineage decisions on realistic wire copy: an original agency story, outlet pickups with
//! the usual edits, re-sends, versions, agency updates as new items, kills, and templated
//! stories that must stay apart. The story text is synthetic (written for these tests).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;
use wire_model::{Article, Body, Envelope, Headline, PubStatus, SourceId, StoryChange, WireMeta};
use wire_runtime::state::{MemoryStateStore, StateStore};
use wirefeed_enricher::{EnricherConfig, EnricherStage};

const STORY: [&str; 9] = [
    "GENEVA (Wirefeed Demo) - The United Nations envoy for Syria opened a new round of talks in Geneva on Tuesday, urging the government and opposition delegations to agree on a nationwide ceasefire before the end of the month.",
    "Speaking after a first three-hour session, envoy Maria Lindqvist said both sides had accepted an agenda of four items, including the release of detainees and humanitarian access to besieged towns.",
    "\"This is not yet a breakthrough, but it is the first time in eighteen months that both delegations sat in the same room,\" Lindqvist told reporters at the Palais des Nations.",
    "The government delegation, led by deputy foreign minister Karim Haddad, said it would study proposals on a ceasefire monitoring mechanism but rejected any discussion of a transitional authority.",
    "Opposition negotiator Samir Al-Khatib said the release of at least 2,000 detainees held without charge was a precondition for progress on any other item.",
    "Russia and the United States, which co-chair the 17-nation support group, issued a joint statement welcoming the talks and calling for the ceasefire of February to be restored.",
    "Fighting continued on Tuesday around the northern city of Aleppo, where a monitoring group reported 34 civilian deaths over the weekend.",
    "The talks are scheduled to last until Friday, with a second round pencilled in for mid-December if the first produces an agreement on detainees.",
    "More than 380,000 people have been killed since the conflict began in 2011, according to the monitoring group.",
];

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, hour, 0, 0).unwrap()
}

fn envelope(uri: &str, source: &str, headline: &str, paragraphs: &[&str], hour: u32) -> Envelope {
    Envelope::new(
        Article {
            uri: uri.to_owned(),
            first_created: Some(at(hour)),
            version_created: Some(at(hour)),
            pub_status: Some(PubStatus::Usable),
            headlines: vec![Headline {
                role: Some("main".to_owned()),
                content_type: None,
                value: headline.to_owned(),
            }],
            bodies: vec![Body {
                role: None,
                content_type: Some("text/plain".to_owned()),
                char_count: None,
                word_count: None,
                value: paragraphs.join("\n\n"),
            }],
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from(source),
            item_identity: uri.to_owned(),
            fetched_at: at(hour),
            ..WireMeta::default()
        },
    )
}

fn original() -> Envelope {
    envelope(
        "urn:agency:1",
        "agency",
        "UN envoy opens new Syria talks in Geneva, urges ceasefire",
        &STORY,
        9,
    )
}

/// An agency story unrelated to the Geneva talks.
fn central_bank() -> Envelope {
    envelope(
        "urn:agency:9",
        "agency",
        "Central bank holds rates",
        &[
            "The central bank of Norvania kept its main refinancing rate at 3.25 percent on Wednesday, citing stubborn services inflation and a tight labour market.",
            "Governor Elin Brekke said the bank would need several more months of data before it could consider lowering borrowing costs.",
        ],
        10,
    )
}

fn config() -> EnricherConfig {
    EnricherConfig {
        agency_sources: vec!["agency".to_owned()],
        ..EnricherConfig::default()
    }
}

fn enrich(stage: &mut EnricherStage, envelope: Envelope) -> Envelope {
    stage.enrich(envelope, at(12)).expect("not a re-send")
}

#[test]
fn pickups_with_outlet_edits_join_the_original_family() {
    let mut stage = EnricherStage::new(&config());
    let original = enrich(&mut stage, original());
    assert_eq!(original.wire.is_original, Some(true));
    let family = original.wire.family.clone().unwrap();

    // A new headline, two photo captions on top, the last two paragraphs cut.
    let mut captioned = vec![
        "The UN envoy arrives at the Palais des Nations in Geneva on Tuesday. PHOTO: REUTERS",
        "Delegates wait for the opening session. PHOTO: AFP",
    ];
    captioned.extend_from_slice(&STORY[..7]);
    // A trailer and a paragraph of the outlet's own, quotes restyled.
    let mut extended: Vec<String> = STORY.iter().map(|p| p.replace('"', "\u{201C}")).collect();
    extended.push("Read more: Syria's long road to the negotiating table".to_owned());
    extended.push("Our correspondent adds that security around the venue was tight.".to_owned());
    let extended: Vec<&str> = extended.iter().map(String::as_str).collect();
    // Only the first five paragraphs, with a different headline.
    let short = &STORY[..5];
    let pickups = [
        envelope(
            "urn:outlet:a",
            "outlet-a",
            "US, Russia back Geneva talks as envoy pushes truce",
            &captioned,
            10,
        ),
        envelope(
            "urn:outlet:b",
            "outlet-b",
            "Syria talks resume",
            &extended,
            11,
        ),
        envelope(
            "urn:outlet:c",
            "outlet-c",
            "Geneva: Syria delegations in the same room",
            short,
            11,
        ),
    ];
    for pickup in pickups {
        let uri = pickup.article.uri.clone();
        let enriched = enrich(&mut stage, pickup);
        assert_eq!(enriched.wire.family.as_ref(), Some(&family), "{uri}");
        assert_eq!(enriched.wire.is_original, Some(false), "{uri}");
        assert_eq!(
            enriched.wire.duplicate_of.as_deref(),
            Some("urn:agency:1"),
            "{uri}"
        );
        let similarity = enriched.wire.similarity.unwrap();
        assert!((0.7..=1.0).contains(&similarity), "{uri}: {similarity}");
    }
}

#[test]
fn a_resend_is_dropped_and_a_new_version_is_linked_with_what_changed() {
    let mut stage = EnricherStage::new(&config());
    let first = enrich(&mut stage, original());
    assert!(stage.enrich(original(), at(12)).is_none(), "exact re-send");

    let mut updated_paragraphs = STORY.to_vec();
    updated_paragraphs
        .push("Late on Tuesday both delegations agreed to exchange lists of detainees.");
    let mut update = envelope(
        "urn:agency:1",
        "agency",
        "Syria talks: sides agree to exchange detainee lists",
        &updated_paragraphs,
        13,
    );
    update.article.urgency = Some(2);
    let second = enrich(&mut stage, update);
    assert_eq!(second.wire.family, first.wire.family);
    assert_eq!(second.wire.version_seq, Some(2));
    assert_eq!(second.wire.is_original, Some(true));
    let change = second.wire.change.unwrap();
    assert!(change.headline_changed);
    assert_eq!(change.paragraphs_added, 1);
    assert_eq!(change.paragraphs_removed, 0);
    assert!(change.material);
    assert_eq!(change.from_version, 1);
    // The first version re-sent after the update is a late re-send, not a third version.
    assert!(
        stage.enrich(original(), at(14)).is_none(),
        "a late re-send of version 1"
    );
}

#[test]
fn an_agency_update_sent_as_a_new_item_is_a_version_not_a_pickup() {
    let mut stage = EnricherStage::new(&config());
    let first = enrich(&mut stage, original());
    let mut paragraphs = STORY.to_vec();
    paragraphs.insert(
        1,
        "Adds comments from the opposition negotiator in paragraph five.",
    );
    let update = envelope(
        "urn:agency:2",
        "agency",
        "UPDATE 1-UN envoy opens new Syria talks in Geneva, urges ceasefire",
        &paragraphs,
        10,
    );
    let second = enrich(&mut stage, update);
    assert_eq!(second.wire.family, first.wire.family);
    assert_eq!(second.wire.version_of.as_deref(), Some("urn:agency:1"));
    assert_eq!(second.wire.version_seq, Some(2));
    assert_eq!(second.wire.is_original, Some(true));
    assert_eq!(second.wire.duplicate_of, None);
}

#[test]
fn a_kill_is_a_material_change_of_the_family() {
    let mut stage = EnricherStage::new(&config());
    enrich(&mut stage, original());
    let mut kill = original();
    kill.article.pub_status = Some(PubStatus::Canceled);
    let killed = enrich(&mut stage, kill);
    let change = killed.wire.change.unwrap();
    assert!(change.kill && change.material);
}

#[test]
fn the_agency_copy_is_the_original_even_when_a_pickup_came_first() {
    let mut stage = EnricherStage::new(&config());
    let pickup = envelope("urn:outlet:a", "outlet-a", "Syria talks resume", &STORY, 8);
    let first = enrich(&mut stage, pickup);
    assert_eq!(first.wire.is_original, Some(true));
    let agency = enrich(&mut stage, original());
    assert_eq!(agency.wire.family, first.wire.family);
    assert_eq!(agency.wire.is_original, Some(true));
    assert_eq!(agency.wire.duplicate_of, None);
    // A later pickup now points at the agency original.
    let late = enrich(
        &mut stage,
        envelope(
            "urn:outlet:b",
            "outlet-b",
            "Talks in Geneva",
            &STORY[..6],
            12,
        ),
    );
    assert_eq!(late.wire.duplicate_of.as_deref(), Some("urn:agency:1"));
}

#[test]
fn stories_from_one_template_are_not_duplicates() {
    let brief = |company: &str, shr: &str, net: &str, revs: &str| {
        vec![
            format!("{company} said on Tuesday its third-quarter results were as follows."),
            format!("Shr profit {shr} cts vs loss 12 cts. Net profit {net} mln dlrs vs loss 4.1 mln. Revs {revs} mln dlrs vs 88.5 mln."),
            "Nine months shr profit 31 cts vs loss 40 cts. The company said results were in line with its guidance and it expected the fourth quarter to be seasonally stronger.".to_string(),
            format!("{company} shares were unchanged in early trading."),
        ]
    };
    let mut stage = EnricherStage::new(&config());
    let a = brief("Acme Industries Inc", "15", "6.2", "95.1");
    let b = brief("Borealis Mining Corp", "22", "9.8", "131.4");
    let a_refs: Vec<&str> = a.iter().map(String::as_str).collect();
    let b_refs: Vec<&str> = b.iter().map(String::as_str).collect();
    let first = enrich(
        &mut stage,
        envelope(
            "urn:t:1",
            "agency",
            "Acme Industries Q3 shr profit 15 cts",
            &a_refs,
            9,
        ),
    );
    let second = enrich(
        &mut stage,
        envelope(
            "urn:t:2",
            "agency",
            "Borealis Mining Q3 shr profit 22 cts",
            &b_refs,
            9,
        ),
    );
    assert_ne!(first.wire.family, second.wire.family);
    assert_eq!(second.wire.is_original, Some(true));
}

#[test]
fn an_unrelated_story_starts_its_own_family() {
    let mut stage = EnricherStage::new(&config());
    let first = enrich(&mut stage, original());
    let other = enrich(&mut stage, central_bank());
    assert_ne!(other.wire.family, first.wire.family);
    assert_eq!(other.wire.is_original, Some(true));
}

#[tokio::test]
async fn the_index_survives_a_restart_through_the_state_store() {
    use wire_runtime::{Delivery, Outcome, Record, Stage};
    let store = Arc::new(MemoryStateStore::default());
    let mut stage = EnricherStage::with_state(&config(), store.clone())
        .await
        .unwrap();
    let delivery = Delivery {
        record: Record::new(wire_model::topics::ARTICLES, "k", original().encode()),
        partition: 0,
        offset: 0,
    };
    let Outcome::Emit { state_writes, .. } = stage.handle(&delivery, at(12)) else {
        panic!("the original is emitted");
    };
    // The stage loop writes the state once the outputs are acknowledged.
    for write in state_writes {
        store.put(&write.key, write.value).await.unwrap();
    }
    drop(stage);

    let mut restarted = EnricherStage::with_state(&config(), store).await.unwrap();
    assert_eq!(restarted.indexed(), 1);
    assert!(
        restarted.enrich(original(), at(13)).is_none(),
        "still a re-send"
    );
    let pickup = restarted
        .enrich(
            envelope("urn:outlet:z", "outlet-z", "Syria talks", &STORY[..6], 13),
            at(13),
        )
        .unwrap();
    assert_eq!(pickup.wire.duplicate_of.as_deref(), Some("urn:agency:1"));
}

/// Unrelated agency stories indexed before a test's own: (uri, headline, body).
const BACKGROUND: &[(&str, &str, &str)] = &[
    (
        "urn:b:1",
        "Central bank holds rates",
        "The Bank of Norvania kept its main rate at 3.25 percent on Wednesday, Governor Elin Brekke said in Oslo after the meeting of the Monetary Policy Committee.",
    ),
    (
        "urn:b:2",
        "Floods hit Jakarta",
        "Floods in Jakarta forced 12,000 people from their homes on Sunday after the Ciliwung river burst its banks, the National Disaster Mitigation Agency said.",
    ),
    (
        "urn:b:3",
        "Tokyo shares rise",
        "Shares in Tokyo rose on Monday as Toyota and Sony gained after the yen weakened against the dollar, with the Nikkei closing up 1.2 percent.",
    ),
];

#[test]
fn another_agencys_write_up_of_the_event_shares_the_story_not_the_family() {
    let mut stage = EnricherStage::new(&config());
    for &(uri, headline, text) in BACKGROUND {
        enrich(&mut stage, envelope(uri, "agency", headline, &[text], 8));
    }
    let (first, first_records) = stage.enrich_with_stories(original(), at(9));
    let first = first[0].clone();
    let rival = envelope(
        "urn:rival:1",
        "rival-agency",
        "Geneva round opens as Lindqvist presses Syria sides on truce",
        &[
            "UN mediator Maria Lindqvist on Tuesday brought the Syria government and opposition delegations together in Geneva for the first time in eighteen months.",
            "Karim Haddad, who leads the government side, ruled out talk of a transitional authority, while Samir Al-Khatib demanded that 2,000 detainees be freed first.",
            "The talks at the Palais des Nations run until Friday. Russia and the United States, co-chairs of the 17-nation support group, backed the effort.",
        ],
        10,
    );
    let (rival, rival_records) = stage.enrich_with_stories(rival, at(10));
    let rival = rival[0].clone();
    assert_ne!(
        rival.wire.family, first.wire.family,
        "a different write-up, not a copy"
    );
    // wire.stories.v1: the story began with the agency's copy; the rival's came an hour
    // behind it.
    let [started] = first_records.as_slice() else {
        panic!("one story record: {first_records:?}");
    };
    assert_eq!(started.change, StoryChange::New);
    assert_eq!(Some(&started.story), first.wire.story.as_ref());
    assert_eq!((started.behind_seconds, started.families), (0, 1));
    let [joined] = rival_records.as_slice() else {
        panic!("one story record: {rival_records:?}");
    };
    assert_eq!(joined.change, StoryChange::Joined);
    assert_eq!(Some(&joined.story), first.wire.story.as_ref());
    assert_eq!(joined.first.article_uri, "urn:agency:1");
    assert_eq!(joined.member.article_uri, "urn:rival:1");
    assert_eq!(joined.member.source.as_str(), "rival-agency");
    assert_eq!((joined.behind_seconds, joined.families), (3600, 2));
    assert_eq!(joined.confidence, rival.wire.story_confidence);
    // A copy of the rival's story is no change of the story.
    let (_, copy_records) = stage.enrich_with_stories(
        envelope(
            "urn:outlet:copy",
            "outlet",
            "Geneva round opens as Lindqvist presses Syria sides on truce",
            &[
                "UN mediator Maria Lindqvist on Tuesday brought the Syria government and opposition delegations together in Geneva for the first time in eighteen months.",
                "Karim Haddad, who leads the government side, ruled out talk of a transitional authority, while Samir Al-Khatib demanded that 2,000 detainees be freed first.",
                "The talks at the Palais des Nations run until Friday. Russia and the United States, co-chairs of the 17-nation support group, backed the effort.",
            ],
            10,
        ),
        at(10),
    );
    assert!(copy_records.is_empty(), "{copy_records:?}");
    assert!(first.wire.story.is_some());
    assert_eq!(rival.wire.story, first.wire.story);
    let confidence = rival.wire.story_confidence.unwrap_or_default();
    assert!((0.0..=1.0).contains(&confidence) && confidence > 0.0);
    assert_eq!(first.wire.story_confidence, None, "it started the story");
    let unrelated = enrich(
        &mut stage,
        envelope(
            "urn:b:4",
            "agency",
            "Jakarta floods ease",
            &[
                "Water levels in Jakarta fell on Monday and 8,000 people returned home, the National Disaster Mitigation Agency said.",
            ],
            11,
        ),
    );
    assert_ne!(unrelated.wire.story, first.wire.story);
}

#[test]
fn with_event_clusters_off_every_family_is_its_own_story() {
    let off = EnricherConfig {
        story_clusters: false,
        ..config()
    };
    let mut stage = EnricherStage::new(&off);
    let first = enrich(&mut stage, original());
    let rival = enrich(
        &mut stage,
        envelope(
            "urn:rival:1",
            "rival-agency",
            "Geneva round opens as Lindqvist presses Syria sides on truce",
            &[
                "UN mediator Maria Lindqvist on Tuesday brought the Syria government and opposition delegations together in Geneva for the first time in eighteen months.",
                "Karim Haddad, who leads the government side, ruled out talk of a transitional authority, while Samir Al-Khatib demanded that 2,000 detainees be freed first.",
            ],
            10,
        ),
    );
    assert_ne!(rival.wire.family, first.wire.family);
    assert!(rival.wire.story.is_some());
    assert_ne!(rival.wire.story, first.wire.story);
    assert_eq!(rival.wire.story_confidence, None);
}

#[tokio::test]
async fn a_story_merge_survives_a_restart_and_one_whose_story_has_gone_is_forgotten() {
    let store = Arc::new(MemoryStateStore::default());
    let mut stage = EnricherStage::with_state(&config(), store.clone())
        .await
        .unwrap();
    let mut stories = Vec::new();
    for (envelope, hour) in [(original(), 9), (central_bank(), 10)] {
        let (records, _) = handle_and_write_records(&mut stage, &store, envelope, hour).await;
        let story = records
            .iter()
            .find(|record| record.topic == wire_model::topics::STORIES)
            .and_then(|record| wire_model::StoryRecord::decode(&record.payload).ok())
            .expect("a story record");
        stories.push(story.story);
    }
    drop(stage);
    // As the enricher writes a merge: the bank's story is the Geneva story's now; and one of
    // a story no longer held.
    let merged = format!("s:{}", stories[1]);
    store
        .put(&merged, Some(stories[0].as_bytes().to_vec()))
        .await
        .unwrap();
    store
        .put("s:story:gone", Some(b"story:left-the-window".to_vec()))
        .await
        .unwrap();

    let mut restarted = EnricherStage::with_state(&config(), store.clone())
        .await
        .unwrap();
    assert_eq!(restarted.current_story(&stories[1]), stories[0]);
    let mut copy = central_bank();
    copy.article.uri = "urn:outlet:9".to_owned();
    copy.wire.source = SourceId::from("outlet");
    let copy = restarted.enrich(copy, at(11)).unwrap();
    assert_eq!(copy.wire.story.as_ref(), Some(&stories[0]));
    let held = store.load_all().await.unwrap();
    assert!(held.contains_key(&merged));
    assert!(
        !held.contains_key("s:story:gone"),
        "forgotten at the restart"
    );
}

/// Handles `envelope` as the stage loop does (its state written once it is emitted) and
/// returns the enriched copy and the state writes.
async fn handle_and_write(
    stage: &mut EnricherStage,
    store: &MemoryStateStore,
    envelope: Envelope,
    hour: u32,
) -> (Envelope, Vec<wire_runtime::StateWrite>) {
    let (records, state_writes) = handle_and_write_records(stage, store, envelope, hour).await;
    let enriched = Envelope::decode(&records[0].payload).expect("the enriched copy");
    (enriched, state_writes)
}

/// [`handle_and_write`], with every record the article caused.
async fn handle_and_write_records(
    stage: &mut EnricherStage,
    store: &MemoryStateStore,
    envelope: Envelope,
    hour: u32,
) -> (Vec<wire_runtime::Record>, Vec<wire_runtime::StateWrite>) {
    use wire_runtime::{Delivery, Outcome, Record, Stage};
    let delivery = Delivery {
        record: Record::new(wire_model::topics::ARTICLES, "k", envelope.encode()),
        partition: 0,
        offset: 0,
    };
    let Outcome::Emit {
        state_writes,
        records,
    } = stage.handle(&delivery, at(hour))
    else {
        panic!("the article is emitted");
    };
    for write in &state_writes {
        store.put(&write.key, write.value.clone()).await.unwrap();
    }
    (records, state_writes)
}

/// Background for the story statistics, the Geneva story and a new version of it, each
/// handled by `stage` with its state written to `store`; returns the story's first copy and
/// the state writes of it and of its version.
async fn geneva_story_and_a_version(
    stage: &mut EnricherStage,
    store: &MemoryStateStore,
) -> (
    Envelope,
    Vec<wire_runtime::StateWrite>,
    Vec<wire_runtime::StateWrite>,
) {
    for &(uri, headline, text) in &BACKGROUND[..2] {
        let background = envelope(uri, "agency", headline, &[text], 8);
        handle_and_write(stage, store, background, 8).await;
    }
    let (first, first_writes) = handle_and_write(stage, store, original(), 9).await;
    // Reworded, with the same names and numbers.
    let mut version = original();
    version.article.bodies[0].value = version.article.bodies[0]
        .value
        .replace("opened a new round", "began another round");
    let (_, version_writes) = handle_and_write(stage, store, version, 10).await;
    (first, first_writes, version_writes)
}

/// Another agency's write-up of the Geneva talks.
fn rival_write_up(hour: u32) -> Envelope {
    envelope(
        "urn:rival:1",
        "rival-agency",
        "Geneva round opens as Lindqvist presses Syria sides on truce",
        &[
            "UN mediator Maria Lindqvist on Tuesday brought the Syria government and opposition delegations together in Geneva for the first time in eighteen months.",
            "Karim Haddad, who leads the government side, ruled out talk of a transitional authority, while Samir Al-Khatib demanded that 2,000 detainees be freed first.",
            "The talks at the Palais des Nations run until Friday. Russia and the United States, co-chairs of the 17-nation support group, backed the effort.",
        ],
        hour,
    )
}

#[tokio::test]
async fn a_familys_story_terms_are_kept_apart_once_and_rebuild_its_story_at_a_restart() {
    let config = EnricherConfig {
        window_hours: 6,
        ..config()
    };
    let store = Arc::new(MemoryStateStore::default());
    let mut stage = EnricherStage::with_state(&config, store.clone())
        .await
        .unwrap();
    let (first, writes, version_writes) = geneva_story_and_a_version(&mut stage, &store).await;
    drop(stage);
    let family = first.wire.family.as_ref().expect("a family").as_str();
    let terms_key = format!("w:{family}");
    let written = |writes: &[wire_runtime::StateWrite], key: &str| {
        writes
            .iter()
            .find(|write| write.key == key)
            .map(|write| write.value.clone())
    };
    assert!(matches!(written(&writes, &terms_key), Some(Some(_))));
    let entry: serde_json::Value =
        serde_json::from_slice(&written(&writes, "a:urn:agency:1").flatten().unwrap()).unwrap();
    assert_eq!(entry.get("story_words"), None, "kept apart: {entry}");
    assert_eq!(entry["holds_story_terms"], true);
    // The new version holds the family's terms too, without writing them again.
    assert_eq!(written(&version_writes, &terms_key), None);
    let entry: serde_json::Value = serde_json::from_slice(
        &written(&version_writes, "a:urn:agency:1")
            .flatten()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(entry["holds_story_terms"], true);

    // After a restart the story has the family's words again: another agency's write-up of
    // the event joins it as it does without the restart, with the same similarity (the
    // names and numbers alone give another).
    let mut restarted = EnricherStage::with_state(&config, store.clone())
        .await
        .unwrap();
    let (rival, _) = handle_and_write(&mut restarted, &store, rival_write_up(11), 11).await;
    let live_store = Arc::new(MemoryStateStore::default());
    let mut live = EnricherStage::with_state(&config, live_store.clone())
        .await
        .unwrap();
    geneva_story_and_a_version(&mut live, &live_store).await;
    let (live_rival, _) = handle_and_write(&mut live, &live_store, rival_write_up(11), 11).await;
    assert_ne!(rival.wire.family, first.wire.family);
    assert_eq!(rival.wire.story, first.wire.story);
    assert!(live_rival.wire.story_confidence.is_some());
    assert_eq!(
        rival.wire.story_confidence,
        live_rival.wire.story_confidence
    );

    // When the family's last copy leaves the window, its terms go with it.
    let later = 11 + config.window_hours as u32;
    let late = envelope(
        "urn:agency:late",
        "agency",
        "Jakarta floods ease",
        &[
            "Water levels in Jakarta fell on Monday and 8,000 people returned home, the National Disaster Mitigation Agency said.",
        ],
        later,
    );
    let (_, writes) = handle_and_write(&mut restarted, &store, late, later).await;
    assert_eq!(written(&writes, &terms_key), Some(None));
    assert!(!store.load_all().await.unwrap().contains_key(&terms_key));
}
