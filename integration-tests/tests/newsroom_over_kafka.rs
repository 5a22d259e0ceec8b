//! A desk's legal obligations end to end over a real Apache Kafka broker
//! (deploy/kafka/kafka.sh), through the stages `wirefeed run` starts: a desk alerted about the
//! AFP story gets a KILL when AFP kills it, the outlet copy already out gets a kill notice, a
//! pickup that arrives after the kill alerts nobody (not even a desk that was never alerted),
//! and an embargoed story's alert says until when. Items enter as the fetcher publishes them
//! (raw ninjs on `wire.raw.v1`); each test uses its own topic prefix.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::*;
use serde_json::json;
use std::time::Duration;
use wire_model::topics;
use wire_model::{
    Alert, Envelope, OriginInfo, PubStatus, RawFormat, RawItem, SourceId, StoryChange, StoryRecord,
    notice,
};
use wire_pipeline::{Pipeline, PipelineConfig, PipelineHandle};
use wire_runtime::{Record, SharedBus, bus::publish, connect_bus};
use wirefeed_alerter::AlerterConfig;
use wirefeed_alerter::config::SubscriptionConfig;

const WAIT: Duration = Duration::from_secs(90);

const STORY: [&str; 6] = [
    "MOSCOW (AFP) - Top US diplomat John Kerry arrived in Moscow on Thursday for talks with President Vladimir Putin on a plan to coordinate air strikes against jihadists in Syria, officials said.",
    "The proposal, which Washington has kept under wraps, would see the two powers share intelligence on targets around the city of Aleppo and set up a joint command centre in Amman.",
    "Kerry was expected to spend up to four hours with Putin at the Kremlin, before meeting Foreign Minister Sergei Lavrov late into the evening, a State Department official told reporters.",
    "The talks come as a fragile truce brokered by the two countries in February has all but collapsed, with more than 400 civilians killed in the northern province in the past month.",
    "Rebel groups backed by Washington fear the plan would leave them exposed to government forces, while Moscow insists that its air campaign targets only recognised terrorist groups.",
    "More than 280,000 people have been killed since the conflict began in March 2011, according to a Britain-based monitoring group.",
];

/// A raw ninjs item from `source`, as the fetcher publishes it.
fn ninjs(source: &str, uri: &str, item: serde_json::Value) -> Record {
    let raw = RawItem::new(
        SourceId::from(source),
        uri.to_owned(),
        RawFormat::Ninjs,
        Some("application/json".to_owned()),
        item.to_string().as_bytes(),
        chrono::Utc::now(),
        OriginInfo::Dir {
            path: "newsroom-test".to_owned(),
        },
    );
    Record::new(topics::RAW, raw.article_id.as_str(), raw.encode())
}

fn story_item(
    uri: &str,
    headline: &str,
    paragraphs: &[&str],
    extra: serde_json::Value,
) -> serde_json::Value {
    let now = chrono::Utc::now();
    let mut item = json!({
        "uri": uri,
        "type": "text",
        "versioncreated": now.to_rfc3339(),
        "firstcreated": now.to_rfc3339(),
        "pubstatus": "usable",
        "language": "en",
        "headlines": [{"value": headline}],
        "bodies": [{"contenttype": "text/plain", "value": paragraphs.join("\n\n")}],
    });
    if let (Some(item), Some(extra)) = (item.as_object_mut(), extra.as_object()) {
        item.extend(extra.clone());
    }
    item
}

const AFP_URI: &str = "urn:newsml:afp.com:20261205:kerry-putin";
const AFP_HEADLINE: &str = "Kerry in Moscow for Syria talks with Putin";

fn afp_story() -> Record {
    ninjs(
        "afp-world",
        AFP_URI,
        story_item(
            AFP_URI,
            AFP_HEADLINE,
            &STORY,
            json!({"copyrightholder": "AFP"}),
        ),
    )
}

/// An outlet's copy: its own headline, the first five paragraphs.
fn outlet_copy(source: &str, uri: &str, headline: &str) -> Record {
    ninjs(
        source,
        uri,
        story_item(
            uri,
            headline,
            &STORY[..5],
            json!({"copyrightholder": "SPH Media"}),
        ),
    )
}

async fn service_bus(prefix: &str) -> SharedBus {
    connect_bus(&kafka_bus_config(prefix)).await.unwrap()
}

fn subscription(id: &str, keyword: &str) -> SubscriptionConfig {
    SubscriptionConfig {
        id: id.to_owned(),
        keywords: vec![keyword.to_owned()],
        ..Default::default()
    }
}

async fn start(prefix: &str, subscriptions: Vec<SubscriptionConfig>) -> PipelineHandle {
    Pipeline::start(
        PipelineConfig {
            alerter: AlerterConfig {
                print_alerts: false,
                subscriptions,
                ..Default::default()
            },
            ..PipelineConfig::default()
        },
        kafka_context(prefix).await,
    )
    .await
    .expect("the pipeline starts")
}

async fn enriched(prefix: &str, count: usize) -> Vec<Envelope> {
    read_topic(&format!("{prefix}{}", topics::ENRICHED), count, WAIT)
        .await
        .iter()
        .map(|message| Envelope::decode(&message.payload).unwrap())
        .collect()
}

async fn alerts(prefix: &str, count: usize) -> Vec<Alert> {
    read_topic(&format!("{prefix}{}", topics::ALERTS), count, WAIT)
        .await
        .iter()
        .map(|message| Alert::decode(&message.payload).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_desk_alerted_about_the_afp_story_gets_a_kill_and_a_late_pickup_alerts_nobody() {
    let prefix = unique_prefix("newsroom-kill");
    let pipeline = start(
        &prefix,
        vec![
            subscription("syria-desk", "Syria"),
            // Only the late pickup's headline says Sochi: this desk was never alerted.
            subscription("sochi-desk", "Sochi"),
        ],
    )
    .await;
    let bus = service_bus(&prefix).await;

    publish(bus.as_ref(), afp_story()).await.unwrap();
    let first_alert = alerts(&prefix, 1).await;
    assert_eq!(first_alert[0].subscription, "syria-desk");
    assert_eq!(first_alert[0].kind.as_deref(), Some("new"));
    let straits_times = "https://www.straitstimes.com/world/kerry-in-moscow";
    publish(
        bus.as_ref(),
        outlet_copy(
            "straits-times",
            straits_times,
            "US top diplomat Kerry meets Putin on Syria",
        ),
    )
    .await
    .unwrap();
    enriched(&prefix, 2).await;

    let mut kill = story_item(
        AFP_URI,
        &format!("KILL: {AFP_HEADLINE}"),
        &["Editors: the story is withdrawn. Please ensure it is not published."],
        json!({"copyrightholder": "AFP", "pubstatus": "canceled"}),
    );
    kill["version"] = json!("2");
    publish(bus.as_ref(), ninjs("afp-world", AFP_URI, kill))
        .await
        .unwrap();
    enriched(&prefix, 4).await;

    let late = "https://daily.example/2026/12/05/kerry-putin-sochi";
    publish(
        bus.as_ref(),
        outlet_copy(
            "daily-example",
            late,
            "Kerry and Putin to meet again in Sochi",
        ),
    )
    .await
    .unwrap();
    let records = enriched(&prefix, 5).await;

    // AFP sends the story again as usable: the desk told of the kill hears it is back. Its
    // alert comes after everything the alerter had on this family.
    let mut reissue = story_item(
        AFP_URI,
        &format!("REISSUE: {AFP_HEADLINE}"),
        &STORY,
        json!({"copyrightholder": "AFP"}),
    );
    reissue["version"] = json!("3");
    publish(bus.as_ref(), ninjs("afp-world", AFP_URI, reissue))
        .await
        .unwrap();
    let all_alerts = alerts(&prefix, 3).await;
    pipeline.shutdown().await.unwrap();

    // wire.stories.v1: the AFP story began a story; its kill takes the family off the
    // story's page. Copies and versions change no story.
    let story_records: Vec<StoryRecord> =
        read_topic(&format!("{prefix}{}", topics::STORIES), 2, WAIT)
            .await
            .iter()
            .map(|message| StoryRecord::decode(&message.payload).unwrap())
            .collect();
    let changes: Vec<(StoryChange, &str)> = story_records
        .iter()
        .map(|r| (r.change, r.member.article_uri.as_str()))
        .collect();
    let afp = records
        .iter()
        .find(|r| r.wire.item_identity == AFP_URI)
        .map(|r| r.article.uri.as_str())
        .expect("the AFP story");
    assert_eq!(
        changes,
        [(StoryChange::New, afp), (StoryChange::Killed, afp)]
    );
    assert_eq!(story_records[0].first.source.as_str(), "afp-world");
    assert_eq!(story_records[0].story, story_records[1].story);

    // The Straits Times copy, out before the kill, got a kill notice of its own.
    let notice = records
        .iter()
        .find(|r| r.wire.notice.as_deref() == Some(notice::KILL))
        .expect("a kill notice for the outlet's copy");
    assert_eq!(notice.wire.source.as_str(), "straits-times");
    assert_eq!(notice.article.pub_status, Some(PubStatus::Canceled));
    assert_eq!(notice.wire.version_seq, Some(2));
    let kill_record = records
        .iter()
        .find(|r| r.wire.change.as_ref().is_some_and(|c| c.kill) && r.wire.notice.is_none())
        .expect("the kill");
    assert_eq!(
        notice.wire.killed_by.as_deref(),
        Some(kill_record.article.uri.as_str())
    );
    assert_eq!(notice.wire.family, kill_record.wire.family);
    // The late pickup came out withdrawn, in the same family.
    let late_record = records
        .iter()
        .find(|r| r.wire.source.as_str() == "daily-example")
        .expect("the late pickup");
    assert_eq!(late_record.article.pub_status, Some(PubStatus::Canceled));
    assert_eq!(late_record.wire.family, kill_record.wire.family);

    let kinds: Vec<(&str, &str)> = all_alerts
        .iter()
        .map(|a| (a.subscription.as_str(), a.kind.as_deref().unwrap_or("new")))
        .collect();
    assert_eq!(
        kinds,
        [
            ("syria-desk", "new"),
            ("syria-desk", "kill"),
            ("syria-desk", "update")
        ],
        "{all_alerts:#?}"
    );
    assert!(all_alerts.iter().all(|a| a.subscription != "sochi-desk"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_embargoed_story_alerts_with_its_embargo_and_a_pickup_before_it_is_flagged() {
    let prefix = unique_prefix("newsroom-embargo");
    let pipeline = start(&prefix, vec![subscription("syria-desk", "Syria")]).await;
    let bus = service_bus(&prefix).await;
    let until = (chrono::Utc::now() + chrono::Duration::hours(6)).with_nanosecond_zero();
    let item = story_item(
        AFP_URI,
        AFP_HEADLINE,
        &STORY,
        json!({"copyrightholder": "AFP", "embargoed": until.to_rfc3339()}),
    );
    publish(bus.as_ref(), ninjs("afp-world", AFP_URI, item))
        .await
        .unwrap();
    let alert = alerts(&prefix, 1).await.remove(0);
    assert_eq!(alert.embargoed_until, Some(until));
    publish(
        bus.as_ref(),
        outlet_copy(
            "straits-times",
            "https://www.straitstimes.com/world/kerry-in-moscow",
            "US top diplomat Kerry meets Putin on Syria",
        ),
    )
    .await
    .unwrap();
    let records = enriched(&prefix, 2).await;
    pipeline.shutdown().await.unwrap();
    let pickup = records
        .iter()
        .find(|r| r.wire.source.as_str() == "straits-times")
        .unwrap();
    assert!(pickup.wire.embargo_broken);
    assert_eq!(pickup.article.embargoed_until, Some(until));
    assert_eq!(records[0].article.embargoed_until, Some(until));
}

trait WholeSeconds {
    fn with_nanosecond_zero(self) -> Self;
}

impl WholeSeconds for chrono::DateTime<chrono::Utc> {
    fn with_nanosecond_zero(self) -> Self {
        chrono::DateTime::from_timestamp(self.timestamp(), 0).unwrap_or(self)
    }
}
