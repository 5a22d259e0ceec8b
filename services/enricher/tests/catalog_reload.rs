//! The enricher service with a story topic folder beside its config file, over the in-process
//! bus and the real admin server: an edit to the folder takes effect without a restart, a
//! broken edit leaves the previous catalog in use and is reported by `GET /story-topics`.

#![allow(clippy::panic)]

use chrono::{TimeZone as _, Utc};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_util::sync::CancellationToken;
use wire_model::{Article, Body, Envelope, Headline, SourceId, WireMeta, topics};
use wire_runtime::bus::MemoryBus;
use wire_runtime::config::StateKind;
use wire_runtime::{LoadedConfig, Record, ServiceContext, SharedBus, Subscription};
use wirefeed_enricher::EnricherConfig;

/// The longest any condition below is waited for (the folder is looked at every second).
const WAIT: Duration = Duration::from_secs(30);

const GENEVA_TOPIC: &str = r#"
id = "geneva-talks"
name = "Geneva talks"
threshold = 2.0
[terms]
geneva = 2.0
"#;

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Writes a topic file as an editor saving it does: a temporary file renamed over it, so the
/// watcher never reads half a file.
fn save(path: &Path, text: &str) {
    let temporary = path.with_extension("tmp");
    write(&temporary, text);
    std::fs::rename(&temporary, path).unwrap_or_else(|e| panic!("rename: {e}"));
}

fn article(uri: &str, headline: &str, body: &str) -> Envelope {
    let time = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .unwrap_or_default();
    Envelope::new(
        Article {
            uri: uri.to_owned(),
            first_created: Some(time),
            headlines: vec![Headline::new(headline)],
            bodies: vec![Body::plain_text(body)],
            ..Article::default()
        },
        WireMeta {
            source: SourceId::from("afp"),
            item_identity: uri.to_owned(),
            fetched_at: time,
            ..WireMeta::default()
        },
    )
}

/// `GET path` on the admin server: the status code and the JSON body.
async fn get(address: SocketAddr, path: &str) -> (u16, Value) {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .unwrap_or_else(|e| panic!("read: {e}"));
    let Some((head, body)) = response.split_once("\r\n\r\n") else {
        panic!("no HTTP response: {response}");
    };
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// The ids of the topics `GET /story-topics` lists.
fn topic_ids(status: &Value) -> Vec<&str> {
    status["topics"]
        .as_array()
        .map(|topics| topics.iter().filter_map(|t| t["id"].as_str()).collect())
        .unwrap_or_default()
}

/// Polls `GET /story-topics` until `done` holds (bounded by [`WAIT`]); the last status.
async fn story_topics_until(address: SocketAddr, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (code, status) = get(address, "/story-topics").await;
        if code == 200 && done(&status) {
            return status;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting; last status {code}: {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Publishes an article to `wire.articles.v1` and returns the story topic ids of its enriched
/// copy.
async fn enrich(
    bus: &SharedBus,
    enriched: &mut Box<dyn Subscription>,
    envelope: Envelope,
) -> Vec<String> {
    let uri = envelope.article.uri.clone();
    let record = Record::new(topics::ARTICLES, uri.clone(), envelope.encode());
    wire_runtime::bus::publish(bus.as_ref(), record)
        .await
        .unwrap_or_else(|e| panic!("publish: {e}"));
    loop {
        let delivery = tokio::time::timeout(WAIT, enriched.recv())
            .await
            .unwrap_or_else(|_| panic!("{uri} was not enriched"))
            .unwrap_or_else(|e| panic!("recv: {e}"));
        let out =
            Envelope::decode(&delivery.record.payload).unwrap_or_else(|e| panic!("decode: {e}"));
        if out.article.uri == uri {
            return out
                .article
                .subjects
                .iter()
                .filter_map(|s| s.uri.as_deref()?.strip_prefix("urn:wirefeed:topic:"))
                .map(str::to_owned)
                .collect();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_topic_folder_is_used_without_a_restart_and_a_broken_edit_is_reported() {
    // A deployment directory: the config file and the topics/ folder beside it.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let config_file = dir.path().join("wirefeed.toml");
    write(
        &config_file,
        "[admin]\nlisten = \"127.0.0.1:0\"\n\n[enricher.tagging]\nreload_check_secs = 1\n",
    );
    let topics_dir = dir.path().join("topics");
    std::fs::create_dir(&topics_dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/topics");
    let syria = std::fs::read_to_string(shipped.join("syria-peace-process.toml"))
        .unwrap_or_else(|e| panic!("read: {e}"));
    write(&topics_dir.join("syria-peace-process.toml"), &syria);

    let loaded =
        LoadedConfig::load_from(Some(&config_file), &[]).unwrap_or_else(|e| panic!("config: {e}"));
    let config: EnricherConfig = loaded
        .section("enricher")
        .unwrap_or_else(|e| panic!("enricher config: {e}"));
    let mut runtime = loaded.runtime().unwrap_or_else(|e| panic!("runtime: {e}"));
    runtime.state.kind = StateKind::Memory;
    let bus: SharedBus = Arc::new(MemoryBus::new(64));
    let shutdown = CancellationToken::new();
    let context = ServiceContext::new(runtime, bus.clone())
        .with_shutdown(shutdown.clone())
        .with_config_file(Some(config_file.clone()));
    let Ok(Some(admin)) = context.serve_admin().await else {
        panic!("the admin server did not start");
    };
    let mut enriched = bus
        .subscribe("catalog-reload-test", &[topics::ENRICHED])
        .await
        .unwrap_or_else(|e| panic!("subscribe: {e}"));
    let running = tokio::spawn(wirefeed_enricher::run(config, context));

    // The folder beside the config file is in use, and says so.
    let status = story_topics_until(admin, |s| !topic_ids(s).is_empty()).await;
    assert_eq!(topic_ids(&status), ["syria-peace-process"], "{status}");
    let source = std::path::absolute(&topics_dir).unwrap_or_else(|e| panic!("absolute: {e}"));
    assert_eq!(status["source"], source.display().to_string(), "{status}");
    assert_eq!(status["origin"], "beside_config_file", "{status}");
    assert_eq!(status["reload_check_secs"], 1, "{status}");
    assert!(status["loaded_at"].is_string(), "{status}");
    assert!(status["last_reload_error"].is_null(), "{status}");
    let first_loaded_at = status["loaded_at"].clone();

    let geneva = |n: u32| {
        article(
            &format!("urn:test:geneva-{n}"),
            &format!("Delegations gather in Geneva for round {n}"),
            &format!(
                "Negotiators arrived in Geneva on Monday for round {n} of the talks, \
                 diplomats said, with a statement expected after {n} days."
            ),
        )
    };
    assert!(enrich(&bus, &mut enriched, geneva(1)).await.is_empty());

    // A good edit: a new topic file is taken in, and the next article gets the new topic.
    save(&topics_dir.join("geneva-talks.toml"), GENEVA_TOPIC);
    let status = story_topics_until(admin, |s| topic_ids(s).contains(&"geneva-talks")).await;
    assert_ne!(status["loaded_at"], first_loaded_at, "{status}");
    assert!(status["last_reload_error"].is_null(), "{status}");
    assert_eq!(
        enrich(&bus, &mut enriched, geneva(2)).await,
        ["geneva-talks"]
    );

    // A broken edit: refused with the file and the reason, the previous catalog stays.
    let broken = GENEVA_TOPIC.replace("threshold = 2.0", "threshold = \"high\"");
    save(&topics_dir.join("geneva-talks.toml"), &broken);
    let status = story_topics_until(admin, |s| !s["last_reload_error"].is_null()).await;
    let error = &status["last_reload_error"];
    let file = topics_dir.join("geneva-talks.toml").display().to_string();
    assert!(
        error["file"].as_str().is_some_and(|f| f.ends_with(&file)),
        "{status}"
    );
    assert_eq!(error["kind"], "does_not_parse", "{status}");
    assert!(
        error["reason"]
            .as_str()
            .is_some_and(|r| r.contains("threshold")),
        "{status}"
    );
    assert_eq!(
        topic_ids(&status),
        ["geneva-talks", "syria-peace-process"],
        "{status}"
    );
    assert_eq!(
        enrich(&bus, &mut enriched, geneva(3)).await,
        ["geneva-talks"]
    );

    // Fixed again: taken in, and the error is cleared.
    save(&topics_dir.join("geneva-talks.toml"), GENEVA_TOPIC);
    story_topics_until(admin, |s| s["last_reload_error"].is_null()).await;

    shutdown.cancel();
    running
        .await
        .unwrap_or_else(|e| panic!("join: {e}"))
        .unwrap_or_else(|e| panic!("enricher: {e}"));
}
