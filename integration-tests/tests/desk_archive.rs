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
}
