//! E-mail delivery against a real SMTP server on 127.0.0.1: Python `aiosmtpd`, started here
//! with the handler script `tests/smtp_sink.py` (which writes each accepted message to a file).
//! Without python3 and aiosmtpd these tests fail, saying how to install them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use wire_model::{ALERT_SCHEMA, Alert, FamilyId, SourceId, topics};
use wire_runtime::bus::{MemoryBus, publish};
use wire_runtime::state::{FileStateStore, SharedStateStore, StateStore};
use wire_runtime::{Record, SharedBus};
use wirefeed_alerter::SubscriptionRegistry;
use wirefeed_alerter::channels::email::{Mailer, Sent};
use wirefeed_alerter::channels::{AlertDelivery, HELD_PREFIX, HeldAlert, Outgoing};
use wirefeed_alerter::config::{
    ChannelKind, ChannelTarget, Embargo, Mode, SmtpConfig, SubscriptionConfig,
    WebhookDeliveryConfig,
};

const WAIT: Duration = Duration::from_secs(30);

/// The aiosmtpd server; killed when dropped.
struct SmtpSink {
    child: Child,
    port: u16,
    out: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A python3 that has aiosmtpd, or a failure saying how to get one.
fn python() -> String {
    for candidate in ["python3", "/usr/bin/python3"] {
        let ok = Command::new(candidate)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if ok {
            return candidate.to_owned();
        }
    }
    panic!(
        "the e-mail tests need python3 with aiosmtpd (a real SMTP server on 127.0.0.1): \
         install it with `apt-get install python3-aiosmtpd` (Debian/Ubuntu) or \
         `python3 -m pip install aiosmtpd`"
    );
}

/// Starts aiosmtpd on a free port; the first `fail_first` messages get a transient 451.
fn smtp_sink(fail_first: u32) -> SmtpSink {
    let python = python();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
    let child = Command::new(&python)
        .arg(&script)
        .arg(port.to_string())
        .arg(out.path())
        .arg(fail_first.to_string())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("could not start {python} {}: {error}", script.display()));
    let mut sink = SmtpSink { child, port, out };
    let started = Instant::now();
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return sink;
        }
        if let Ok(Some(status)) = sink.child.try_wait() {
            panic!("the SMTP server exited early ({status}); is aiosmtpd installed?");
        }
        assert!(
            started.elapsed() < WAIT,
            "the SMTP server did not accept connections on 127.0.0.1:{port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl SmtpSink {
    fn config(&self) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            from: "Wirefeed <alerts@wirefeed.example>".to_owned(),
            username: None,
            password: None,
            password_file: None,
            starttls: false,
            timeout_secs: 10,
            max_attempts: 4,
            initial_backoff_ms: 1,
            max_backoff_ms: 10,
        }
    }

    fn messages(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .unwrap()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        files
    }

    /// Waits until `count` messages arrived; their text.
    async fn received(&self, count: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            let files = self.messages();
            if files.len() >= count {
                return files
                    .iter()
                    .map(|f| std::fs::read_to_string(f).unwrap())
                    .collect();
            }
            assert!(
                started.elapsed() < WAIT,
                "the SMTP server received {} of {count} messages",
                files.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn alert(subscription: &str, headline: &str) -> Alert {
    let mut extra = serde_json::Map::new();
    extra.insert("places".to_owned(), serde_json::json!(["Syria", "Geneva"]));
    extra.insert(
        "topics".to_owned(),
        serde_json::json!(["syria-peace-process"]),
    );
    Alert {
        schema: ALERT_SCHEMA.to_owned(),
        subscription: subscription.to_owned(),
        evidence: vec!["topic:syria-peace-process".to_owned()],
        family: FamilyId::new("family:42"),
        article_uri: "urn:a:42".to_owned(),
        headline: headline.to_owned(),
        link: Some("https://example.invalid/syria-talks".to_owned()),
        source: SourceId::from("agency"),
        published_at: Some(common::at(0)),
        fetched_at: common::at(1),
        enriched_at: Some(common::at(2)),
        alerted_at: common::at(3),
        kind: Some("new".to_owned()),
        changes: Vec::new(),
        embargoed_until: None,
        version_seq: Some(1),
        extra,
    }
}

#[tokio::test]
async fn an_alert_arrives_as_a_plain_text_mail_with_everything_a_desk_needs() {
    let sink = smtp_sink(0);
    let mailer = Mailer::new(&sink.config()).unwrap();
    let alert = alert("syria-desk", "Syria talks resume in Geneva");
    let to = vec![
        "desk@newsroom.example".to_owned(),
        "editor@newsroom.example".to_owned(),
    ];
    let sent = mailer
        .send(
            "syria-desk",
            &to,
            &Outgoing::One(&alert),
            &CancellationToken::new(),
        )
        .await;
    assert_eq!(sent, Sent::Delivered);
    let messages = sink.received(1).await;
    let text = &messages[0];
    for expected in [
        "RCPT: desk@newsroom.example,editor@newsroom.example",
        "FROM: alerts@wirefeed.example",
        "SUBJECT: [wirefeed syria-desk] Syria talks resume in Geneva",
        "CONTENT-TYPE: text/plain",
        "https://example.invalid/syria-talks",
        "Source:    agency",
        "Places:    Syria, Geneva",
        "Topics:    syria-peace-process",
        "Evidence:  topic:syria-peace-process",
        "Family:    family:42",
        "Published: 2026-11-24T09:00:00Z",
        "Fetched:   2026-11-24T09:01:00Z",
        "Enriched:  2026-11-24T09:02:00Z",
        "Alerted:   2026-11-24T09:03:00Z",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

/// Mails one alert to the desk through `sink`.
async fn mail_one_alert(sink: &SmtpSink) -> Sent {
    let mailer = Mailer::new(&sink.config()).unwrap();
    let alert = alert("syria-desk", "Ceasefire holds");
    mailer
        .send(
            "syria-desk",
            &["desk@newsroom.example".to_owned()],
            &Outgoing::One(&alert),
            &CancellationToken::new(),
        )
        .await
}

#[tokio::test]
async fn a_server_that_refuses_twice_gets_the_mail_once_after_retries() {
    let sink = smtp_sink(2);
    let sent = mail_one_alert(&sink).await;
    assert_eq!(sent, Sent::Delivered);
    assert_eq!(sink.received(1).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 1, "exactly one delivery");
}

#[tokio::test]
async fn a_server_that_keeps_refusing_fails_after_max_attempts() {
    let sink = smtp_sink(100);
    let sent = mail_one_alert(&sink).await;
    match sent {
        Sent::Failed { attempts, error } => {
            assert_eq!(attempts, 4);
            assert!(error.contains("451"), "{error}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_batch_lists_every_headline_in_one_mail() {
    let sink = smtp_sink(0);
    let mailer = Mailer::new(&sink.config()).unwrap();
    let alerts = vec![
        alert("syria-desk", "First headline"),
        alert("syria-desk", "Second headline"),
    ];
    let outgoing = Outgoing::Batch {
        subscription: "syria-desk",
        alerts: &alerts,
        omitted: 0,
        digest: true,
    };
    let sent = mailer
        .send(
            "syria-desk",
            &["desk@newsroom.example".to_owned()],
            &outgoing,
            &CancellationToken::new(),
        )
        .await;
    assert_eq!(sent, Sent::Delivered);
    let text = &sink.received(1).await[0];
    assert!(
        text.contains("SUBJECT: [wirefeed syria-desk] Digest: 2 alerts"),
        "{text}"
    );
    assert!(text.contains("- First headline (https://example.invalid/syria-talks)"));
    assert!(text.contains("- Second headline (https://example.invalid/syria-talks)"));
}

#[tokio::test]
async fn the_delivery_loop_mails_a_subscription_with_an_email_channel() {
    let sink = smtp_sink(0);
    let bus: SharedBus = Arc::new(MemoryBus::new(64));
    let registry = SubscriptionRegistry::new();
    let subscription = SubscriptionConfig {
        channels: vec![ChannelTarget {
            kind: ChannelKind::Email,
            to: vec!["desk@newsroom.example".to_owned()],
        }],
        ..common::subscription("syria-desk", "syria")
    };
    registry.load(vec![subscription], Vec::new(), None).unwrap();
    let channel =
        AlertDelivery::subscribe(&WebhookDeliveryConfig::default(), registry, bus.clone())
            .await
            .unwrap()
            .with_smtp(Some(&sink.config()))
            .unwrap();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(channel.run(shutdown.clone()));
    let alert = alert("syria-desk", "Syria talks resume in Geneva");
    let record = Record::new(topics::ALERTS, alert.family.as_str(), alert.encode());
    publish(bus.as_ref(), record).await.unwrap();
    let text = &sink.received(1).await[0];
    assert!(text.contains("SUBJECT: [wirefeed syria-desk] Syria talks resume in Geneva"));
    shutdown.cancel();
    running.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_kill_is_mailed_at_once_even_to_a_digest_subscription() {
    let sink = smtp_sink(0);
    let bus: SharedBus = Arc::new(MemoryBus::new(64));
    let registry = SubscriptionRegistry::new();
    let subscription = SubscriptionConfig {
        channels: vec![ChannelTarget {
            kind: ChannelKind::Email,
            to: vec!["desk@newsroom.example".to_owned()],
        }],
        mode: Mode::Digest,
        every_minutes: Some(10_080),
        ..common::subscription("syria-desk", "syria")
    };
    registry.load(vec![subscription], Vec::new(), None).unwrap();
    let channel =
        AlertDelivery::subscribe(&WebhookDeliveryConfig::default(), registry, bus.clone())
            .await
            .unwrap()
            .with_smtp(Some(&sink.config()))
            .unwrap();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(channel.run(shutdown.clone()));
    // A new story waits for the weekly digest; its kill does not wait.
    let new = alert("syria-desk", "Syria talks resume in Geneva");
    let mut kill = alert("syria-desk", "Syria talks resume in Geneva");
    kill.kind = Some("kill".to_owned());
    for alert in [new, kill] {
        let record = Record::new(topics::ALERTS, alert.family.as_str(), alert.encode());
        publish(bus.as_ref(), record).await.unwrap();
    }
    let received = sink.received(1).await;
    assert!(received[0].contains("KILL: "), "{}", received[0]);
    shutdown.cancel();
    running.await.unwrap().unwrap();
}

/// Rewrites the held alerts in `store` as if they had been held `hours` ago.
async fn age_held_alerts(store: &dyn StateStore, hours: i64) -> usize {
    let held: Vec<(String, HeldAlert)> = store
        .load_all()
        .await
        .unwrap()
        .into_iter()
        .filter(|(key, _)| key.starts_with(HELD_PREFIX))
        .map(|(key, value)| (key, serde_json::from_slice(&value).unwrap()))
        .collect();
    for (key, mut alert) in held.clone() {
        alert.held_at -= chrono::TimeDelta::hours(hours);
        let value = serde_json::to_vec(&alert).unwrap();
        store.put(&key, Some(value)).await.unwrap();
    }
    held.len()
}

/// Runs the delivery loop of a daily digest with its state in `dir` until `shutdown`.
async fn daily_digest(
    sink: &SmtpSink,
    dir: &Path,
    bus: SharedBus,
) -> (
    CancellationToken,
    tokio::task::JoinHandle<Result<(), wire_runtime::BusError>>,
) {
    let registry = SubscriptionRegistry::new();
    let subscription = SubscriptionConfig {
        channels: vec![ChannelTarget {
            kind: ChannelKind::Email,
            to: vec!["desk@newsroom.example".to_owned()],
        }],
        mode: Mode::Digest,
        at: vec!["06:00".to_owned()],
        time_zone: Some("Europe/Berlin".to_owned()),
        ..common::subscription("syria-desk", "syria")
    };
    registry.load(vec![subscription], Vec::new(), None).unwrap();
    let store: SharedStateStore = Arc::new(FileStateStore::open(dir, "alerter").unwrap());
    let channel = AlertDelivery::subscribe(&WebhookDeliveryConfig::default(), registry, bus)
        .await
        .unwrap()
        .with_smtp(Some(&sink.config()))
        .unwrap()
        .with_state(store)
        .await
        .unwrap();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(channel.run(shutdown.clone()));
    (shutdown, running)
}

#[tokio::test]
async fn a_digest_held_across_a_restart_goes_out_once_after_it() {
    let sink = smtp_sink(0);
    let state = tempfile::tempdir().unwrap();
    // First run: two alerts wait for tomorrow's 06:00 digest, then the alerter stops.
    let bus: SharedBus = Arc::new(MemoryBus::new(64));
    let (shutdown, running) = daily_digest(&sink, state.path(), bus.clone()).await;
    for headline in ["Syria talks resume in Geneva", "Ceasefire holds in Idlib"] {
        let mut alert = alert("syria-desk", headline);
        alert.family = FamilyId::new(format!("family:{headline}"));
        let record = Record::new(topics::ALERTS, alert.family.as_str(), alert.encode());
        publish(bus.as_ref(), record).await.unwrap();
    }
    // Wait until both are written to the store (its file is appended to by every write).
    let file = state.path().join("alerter.jsonl");
    let started = Instant::now();
    while std::fs::read_to_string(&file)
        .unwrap_or_default()
        .matches(r#""key":"h:"#)
        .count()
        < 2
    {
        assert!(started.elapsed() < WAIT, "the alerts were not held durably");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(sink.messages().is_empty(), "the digest waits for 06:00");
    shutdown.cancel();
    running.await.unwrap().unwrap();
    // The alerter was down over 06:00: what it held is still there, and now due.
    let store = FileStateStore::open(state.path(), "alerter").unwrap();
    assert_eq!(
        age_held_alerts(&store, 30).await,
        2,
        "both alerts are held durably"
    );
    drop(store);
    // Second run, a fresh bus (the inputs were committed): the digest goes out from the store.
    let (shutdown, running) = daily_digest(&sink, state.path(), Arc::new(MemoryBus::new(64))).await;
    let text = &sink.received(1).await[0];
    assert!(
        text.contains("SUBJECT: [wirefeed syria-desk] Digest: 2 alerts"),
        "{text}"
    );
    assert!(text.contains("- Syria talks resume in Geneva"));
    assert!(text.contains("- Ceasefire holds in Idlib"));
    shutdown.cancel();
    running.await.unwrap().unwrap();
    // Sent, so forgotten: a third run sends nothing more.
    let store = FileStateStore::open(state.path(), "alerter").unwrap();
    assert_eq!(age_held_alerts(&store, 30).await, 0);
    drop(store);
    let (shutdown, running) = daily_digest(&sink, state.path(), Arc::new(MemoryBus::new(64))).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 1, "the digest went out exactly once");
    shutdown.cancel();
    running.await.unwrap().unwrap();
}

/// Runs the delivery loop of two desks with their state in `dir`: `notify-desk` (the default:
/// embargoed stories at once, marked) and `hold-desk` (`embargo = "hold"`).
async fn embargo_desks(
    sink: &SmtpSink,
    dir: &Path,
    bus: SharedBus,
) -> (
    CancellationToken,
    tokio::task::JoinHandle<Result<(), wire_runtime::BusError>>,
) {
    let desk = |id: &str, to: &str, embargo: Embargo| SubscriptionConfig {
        channels: vec![ChannelTarget {
            kind: ChannelKind::Email,
            to: vec![to.to_owned()],
        }],
        embargo,
        ..common::subscription(id, "syria")
    };
    let registry = SubscriptionRegistry::new();
    registry
        .load(
            vec![
                desk("notify-desk", "notify@newsroom.example", Embargo::Notify),
                desk("hold-desk", "hold@newsroom.example", Embargo::Hold),
            ],
            Vec::new(),
            None,
        )
        .unwrap();
    let store: SharedStateStore = Arc::new(FileStateStore::open(dir, "alerter").unwrap());
    let channel = AlertDelivery::subscribe(&WebhookDeliveryConfig::default(), registry, bus)
        .await
        .unwrap()
        .with_smtp(Some(&sink.config()))
        .unwrap()
        .with_state(store)
        .await
        .unwrap();
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(channel.run(shutdown.clone()));
    (shutdown, running)
}

/// Rewrites the alerts held for an embargo in `store` as if the embargo had lifted an hour
/// ago; how many there were.
async fn lift_embargoes(store: &dyn StateStore) -> usize {
    let lifted = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let mut count = 0;
    for (key, value) in store.load_all().await.unwrap() {
        if !key.starts_with(HELD_PREFIX) {
            continue;
        }
        let mut held: HeldAlert = serde_json::from_slice(&value).unwrap();
        assert!(held.embargo_until.is_some(), "{held:?}");
        held.embargo_until = Some(lifted);
        if let Some(alert) = held.alert.as_mut() {
            alert.embargoed_until = Some(lifted);
        }
        store
            .put(&key, Some(serde_json::to_vec(&held).unwrap()))
            .await
            .unwrap();
        count += 1;
    }
    count
}

#[tokio::test]
async fn an_embargoed_story_mails_a_notify_desk_now_and_a_hold_desk_when_it_lifts_across_a_restart()
{
    let sink = smtp_sink(0);
    let state = tempfile::tempdir().unwrap();
    let lifts = chrono::Utc::now() + chrono::TimeDelta::days(1);
    let shown = lifts.format("%Y-%m-%d %H:%M UTC").to_string();
    // First run: the stage raised the story for both desks, embargoed until tomorrow.
    let bus: SharedBus = Arc::new(MemoryBus::new(64));
    let (shutdown, running) = embargo_desks(&sink, state.path(), bus.clone()).await;
    for desk in ["hold-desk", "notify-desk"] {
        let mut alert = alert(desk, "Syria talks resume in Geneva");
        alert.embargoed_until = Some(lifts);
        let record = Record::new(topics::ALERTS, alert.family.as_str(), alert.encode());
        publish(bus.as_ref(), record).await.unwrap();
    }
    let text = &sink.received(1).await[0];
    assert!(text.contains("RCPT: notify@newsroom.example"), "{text}");
    assert!(
        text.contains(&format!(
            "SUBJECT: [wirefeed notify-desk] EMBARGOED until {shown}: Syria talks resume in Geneva"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "EMBARGOED until {shown}: do not publish before then."
        )),
        "{text}"
    );
    // The hold desk's alert is written to the store (alerts are handled in order, so it is
    // there once the notify desk's mail went out), and the alerter stops.
    shutdown.cancel();
    running.await.unwrap().unwrap();
    assert_eq!(
        sink.messages().len(),
        1,
        "the hold desk waits for the embargo"
    );
    // The embargo lifted while the alerter was down.
    let store = FileStateStore::open(state.path(), "alerter").unwrap();
    assert_eq!(lift_embargoes(&store).await, 1, "held durably");
    drop(store);
    // Second run, a fresh bus (the inputs were committed): the hold desk gets it from the
    // store, free to run.
    let (shutdown, running) =
        embargo_desks(&sink, state.path(), Arc::new(MemoryBus::new(64))).await;
    let text = &sink.received(2).await[1];
    assert!(text.contains("RCPT: hold@newsroom.example"), "{text}");
    assert!(
        text.contains("SUBJECT: [wirefeed hold-desk] Syria talks resume in Geneva"),
        "{text}"
    );
    assert!(!text.contains("EMBARGOED"), "{text}");
    shutdown.cancel();
    running.await.unwrap().unwrap();
    // Sent, so forgotten: a third run sends nothing more.
    let store = FileStateStore::open(state.path(), "alerter").unwrap();
    assert_eq!(lift_embargoes(&store).await, 0);
    drop(store);
    let (shutdown, running) =
        embargo_desks(&sink, state.path(), Arc::new(MemoryBus::new(64))).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        sink.messages().len(),
        2,
        "the held alert went out exactly once"
    );
    shutdown.cancel();
    running.await.unwrap().unwrap();
}
