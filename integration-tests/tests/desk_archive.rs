//! The desk over the real broker: `wirefeed-desk` as a process, killed with `kill -9` while
//! articles keep arriving on `wire.enriched.v1`, then restarted on the same index. Every
//! article must be in the archive exactly once (every version once, the newest one searched),
//! because the index keeps its read positions in its own commits.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::{ChildGuard, workspace_binary};
use integration_tests::{kafka_bus_config, require_broker, unique_prefix};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use wire_model::{Article, Body, Envelope, FamilyId, Headline, SourceId, WireMeta, topics};
use wire_runtime::bus::publish;
use wire_runtime::{Record, connect_bus};

const ARTICLES: usize = 400;
/// Every this-many-th article also gets a second version.
const VERSIONED_EVERY: usize = 10;
const WAIT: Duration = Duration::from_secs(120);

fn envelope(n: usize, version: u32) -> Envelope {
    let uri = format!("urn:test:desk:{n}");
    Envelope::new(
        Article {
            uri: uri.clone(),
            language: Some("en".to_owned()),
            version_created: Some(chrono::Utc::now()),
            headlines: vec![Headline {
                role: Some("main".to_owned()),
                content_type: None,
                value: format!("Harbour report {n} version {version}"),
            }],
            bodies: vec![Body::plain_text(format!("Ships in port, item {n}."))],
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from("desk-test"),
            item_identity: uri,
            fetched_at: chrono::Utc::now(),
            family: Some(FamilyId::new(format!("family:{n}"))),
            version_seq: Some(version),
            is_original: Some(true),
            ..WireMeta::default()
        },
    )
}

/// Everything the test publishes, in order: each article, and its second version 50 later.
fn messages() -> Vec<Envelope> {
    let mut out = Vec::new();
    for n in 0..ARTICLES {
        out.push(envelope(n, 1));
        if n >= 50 && (n - 50).is_multiple_of(VERSIONED_EVERY) {
            out.push(envelope(n - 50, 2));
        }
    }
    out
}

fn get_json(address: &str, path: &str) -> Option<Value> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (_, body) = response.split_once("\r\n\r\n")?;
    serde_json::from_str(body).ok()
}

fn documents(address: &str) -> Option<u64> {
    get_json(address, "/api/status")?["documents"].as_u64()
}

fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

#[test]
fn a_desk_killed_mid_stream_resumes_with_every_article_exactly_once() {
    let broker = require_broker();
    let prefix = unique_prefix("desk");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let bus = runtime
        .block_on(connect_bus(&kafka_bus_config(&prefix)))
        .unwrap();
    let messages = messages();
    let versions_expected = messages.len();
    let publish_range = |range: std::ops::Range<usize>, pause: Duration| {
        let bus = bus.clone();
        let batch: Vec<Envelope> = messages[range].to_vec();
        runtime.spawn(async move {
            for envelope in batch {
                let key = envelope.wire.family.as_ref().unwrap().as_str().to_owned();
                publish(
                    bus.as_ref(),
                    Record::new(topics::ENRICHED, key, envelope.encode()),
                )
                .await
                .unwrap();
                tokio::time::sleep(pause).await;
            }
        })
    };
    runtime
        .block_on(publish_range(0..150, Duration::ZERO))
        .unwrap();

    let index = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let address = free_address();
    let env: BTreeMap<String, String> = [
        ("WIREFEED__BUS__KIND", "kafka".to_owned()),
        ("WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS", broker),
        ("WIREFEED__BUS__KAFKA__TOPIC_PREFIX", prefix.clone()),
        ("WIREFEED__BUS__KAFKA__GROUP_PREFIX", prefix.clone()),
        ("WIREFEED__ADMIN__LISTEN", "127.0.0.1:0".to_owned()),
        ("WIREFEED__DESK__LISTEN", address.clone()),
        (
            "WIREFEED__DESK__INDEX_DIR",
            index.path().display().to_string(),
        ),
        ("WIREFEED__DESK__COMMIT_INTERVAL_MS", "100".to_owned()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect();
    let desk = workspace_binary("wirefeed-desk");
    let logs_of = |name: &str| {
        std::fs::read_to_string(logs.path().join(format!("{name}.err"))).unwrap_or_default()
    };

    // The first desk reads the backlog; the rest arrives while it runs, and it is killed
    // mid-stream.
    let started = Instant::now();
    let mut first = ChildGuard::spawn("desk-1", &desk, &[], &env, logs.path());
    let deadline = Instant::now() + WAIT;
    while documents(&address).unwrap_or(0) < 100 {
        assert!(
            Instant::now() < deadline,
            "the desk took nothing in:\n{}",
            logs_of("desk-1")
        );
        assert!(
            first.exited().is_none(),
            "the desk stopped:\n{}",
            logs_of("desk-1")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("first desk has 100 documents after {:?}", started.elapsed());
    let rest = publish_range(150..versions_expected, Duration::from_millis(5));
    while documents(&address).unwrap_or(0) < 200 {
        assert!(
            Instant::now() < deadline,
            "the desk stalled:\n{}",
            logs_of("desk-1")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!(
        "killed at {:?} documents after {:?}",
        documents(&address),
        started.elapsed()
    );
    first.child.kill().unwrap(); // SIGKILL: no drain, no last commit.
    first.child.wait().unwrap();
    runtime.block_on(rest).unwrap();

    // The second desk on the same index reads on from the positions of its last commit.
    let second = ChildGuard::spawn("desk-2", &desk, &[], &env, logs.path());
    let deadline = Instant::now() + WAIT;
    while documents(&address) != Some(versions_expected as u64) {
        assert!(
            Instant::now() < deadline,
            "{:?} documents, {versions_expected} expected:\n{}",
            documents(&address),
            logs_of("desk-2")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("second desk complete after {:?}", started.elapsed());
    // Every article once, in its newest version.
    let mut seen = BTreeSet::new();
    let mut cursor = String::new();
    loop {
        let page = get_json(&address, &format!("/api/search?limit=100{cursor}")).unwrap();
        assert_eq!(page["total"], ARTICLES, "{page:#}");
        for hit in page["hits"].as_array().unwrap() {
            let uri = hit["uri"].as_str().unwrap().to_owned();
            let n: usize = uri.rsplit(':').next().unwrap().parse().unwrap();
            let newest = if n < ARTICLES - 50 && n.is_multiple_of(VERSIONED_EVERY) {
                2
            } else {
                1
            };
            assert_eq!(hit["version"], newest, "{hit:#}");
            assert!(seen.insert(uri), "{hit:#} twice");
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), ARTICLES);
    let versions = get_json(&address, "/api/article?uri=urn:test:desk:0").unwrap();
    assert_eq!(
        versions["versions"].as_array().unwrap().len(),
        2,
        "{versions:#}"
    );
    drop(second);

    // --rebuild: the same archive again, read from the topics' beginning into an emptied index.
    let mut rebuilt = ChildGuard::spawn(
        "desk-3",
        &desk,
        &["--rebuild".to_owned()],
        &env,
        logs.path(),
    );
    let deadline = Instant::now() + WAIT;
    while documents(&address) != Some(versions_expected as u64) {
        assert!(
            Instant::now() < deadline,
            "{:?} documents after --rebuild, {versions_expected} expected:\n{}",
            documents(&address),
            logs_of("desk-3")
        );
        assert!(rebuilt.exited().is_none(), "{}", logs_of("desk-3"));
        std::thread::sleep(Duration::from_millis(100));
    }
    let page = get_json(&address, "/api/search?limit=1").unwrap();
    assert_eq!(page["total"], ARTICLES);
    assert!(
        logs_of("desk-3").contains("rebuild"),
        "{}",
        logs_of("desk-3")
    );
}

/// Whether consumer group `group` has committed every message of `topic` (physical names).
fn caught_up(group: &str, topic: &str) -> bool {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", integration_tests::bootstrap_servers())
        .set("group.id", group)
        .create()
        .unwrap();
    let timeout = Duration::from_secs(10);
    let metadata = consumer.fetch_metadata(Some(topic), timeout).unwrap();
    let mut partitions = rdkafka::TopicPartitionList::new();
    for partition in metadata.topics()[0].partitions() {
        partitions.add_partition(topic, partition.id());
    }
    let committed = consumer.committed_offsets(partitions, timeout).unwrap();
    committed.elements().iter().all(|element| {
        let (_, high) = consumer
            .fetch_watermarks(topic, element.partition(), timeout)
            .unwrap();
        match element.offset() {
            rdkafka::Offset::Offset(offset) => offset >= high,
            _ => high == 0,
        }
    })
}

/// An alerter with `subscriptions` (id, query).
fn alerter_with(subscriptions: &[(&str, &str)]) -> wirefeed_alerter::Alerter {
    wirefeed_alerter::Alerter::new(wirefeed_alerter::AlerterConfig {
        print_alerts: false,
        subscriptions: subscriptions
            .iter()
            .map(|(id, query)| wirefeed_alerter::config::SubscriptionConfig {
                id: (*id).to_owned(),
                query: Some((*query).to_owned()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    })
}

/// `wirefeed replay --send` to a subscription added after the articles went by: one alert per
/// family, and none the second time (the alerter's once-per-story rule holds for replays).
#[test]
fn replaying_to_a_new_subscription_alerts_each_family_once() {
    let broker = require_broker();
    let prefix = unique_prefix("replay");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _guard = runtime.enter();
    let context = runtime.block_on(integration_tests::kafka_context(&prefix));
    // Two harbour families (one with a pickup) and one other story.
    let first = envelope(1, 1);
    let mut pickup = envelope(1, 1);
    pickup.article.uri = "urn:test:desk:1-pickup".to_owned();
    pickup.wire.is_original = Some(false);
    let mut other = envelope(3, 1);
    other.article.headlines[0].value = "Airport report".to_owned();
    other.article.bodies = vec![Body::plain_text("Planes.")];
    for envelope in [first, pickup, envelope(2, 1), other] {
        let key = envelope.wire.family.as_ref().unwrap().as_str().to_owned();
        runtime
            .block_on(publish(
                context.bus.as_ref(),
                Record::new(topics::ENRICHED, key, envelope.encode()),
            ))
            .unwrap();
    }

    // The desk archives them.
    let index = tempfile::tempdir().unwrap();
    let desk = runtime
        .block_on(
            wirefeed_desk::Desk::new(wirefeed_desk::DeskConfig {
                listen: "127.0.0.1:0".to_owned(),
                index_dir: index.path().to_path_buf(),
                commit_interval_ms: 50,
                ..Default::default()
            })
            .bind(),
        )
        .unwrap();
    let address = desk.address().to_string();
    let desk_task = runtime.spawn(desk.run(context.clone()));
    let deadline = Instant::now() + WAIT;
    while documents(&address) != Some(4) {
        assert!(
            Instant::now() < deadline,
            "the desk did not archive the four articles"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // The alerter read them before `late-desk` existed: no alert for it.
    let group = format!("{prefix}alerter");
    let enriched = format!("{prefix}{}", topics::ENRICHED);
    let before = runtime.block_on(integration_tests::kafka_context(&prefix));
    let stop = before.shutdown.clone();
    let task = runtime.spawn(alerter_with(&[("early-desk", "airport")]).run(before));
    while !caught_up(&group, &enriched) {
        assert!(
            Instant::now() < deadline,
            "the alerter did not read wire.enriched.v1"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.cancel();
    runtime.block_on(task).unwrap().unwrap();
    let after = runtime.block_on(integration_tests::kafka_context(&prefix));
    let stop = after.shutdown.clone();
    let task = runtime
        .spawn(alerter_with(&[("early-desk", "airport"), ("late-desk", "harbour")]).run(after));

    let replay_env = [
        ("WIREFEED__BUS__KIND", "kafka".to_owned()),
        ("WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS", broker),
        ("WIREFEED__BUS__KAFKA__TOPIC_PREFIX", prefix.clone()),
    ];
    let replay_env: Vec<(&str, &str)> = replay_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let desk_url = format!("http://{address}");
    let args = [
        "replay",
        "--subscription",
        "late-desk",
        "--query",
        "harbour",
        "--since",
        "7d",
        "--send",
        "--desk",
        &desk_url,
    ];
    let replay = integration_tests::processes::wirefeed(&args, &replay_env);
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&replay.stdout).lines().count(), 2);
    let replayed = format!("{prefix}{}", topics::REPLAY);
    let alerts_topic = format!("{prefix}{}", topics::ALERTS);
    // The early desk's live alert on the airport story, then the late desk's two.
    let late = |alerts: &[integration_tests::ReadMessage]| -> Vec<String> {
        alerts
            .iter()
            .map(|alert| alert.json())
            .filter(|alert| alert["subscription"] == "late-desk")
            .map(|alert| alert["family"].as_str().unwrap().to_owned())
            .collect()
    };
    let alerts = runtime.block_on(integration_tests::read_topic(&alerts_topic, 3, WAIT));
    let families: BTreeSet<String> = late(&alerts).into_iter().collect();
    assert_eq!(
        families,
        BTreeSet::from(["family:1".to_owned(), "family:2".to_owned()])
    );
    assert_eq!(late(&alerts).len(), 2);

    // Again: the alerter reads it all and stays quiet.
    let again = integration_tests::processes::wirefeed(&args, &replay_env);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    while !caught_up(&group, &replayed) {
        assert!(
            Instant::now() < deadline,
            "the alerter did not read wire.replay.v1"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let alerts = runtime.block_on(integration_tests::read_topic(
        &alerts_topic,
        4,
        Duration::from_secs(5),
    ));
    assert_eq!(late(&alerts).len(), 2, "a replay alerted a family twice");

    stop.cancel();
    runtime.block_on(task).unwrap().unwrap();
    context.shutdown.cancel();
    runtime.block_on(desk_task).unwrap().unwrap();
}
