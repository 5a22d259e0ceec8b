//! Webhook delivery against a real HTTP receiver on 127.0.0.1: signatures, retries, dead
//! letters, Slack bodies. The alerts travel over the in-process bus as in `wirefeed run`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::topics::{self, dlq_headers};
use wire_model::{ALERT_SCHEMA, Alert, FamilyId, SourceId};
use wire_runtime::bus::{MemoryBus, publish};
use wire_runtime::{Record, SharedBus};
use wirefeed_alerter::SubscriptionRegistry;
use wirefeed_alerter::channels::{AlertDelivery, GROUP, WEBHOOK_HEADER};
use wirefeed_alerter::config::{
    Embargo, SubscriptionConfig, WebhookDeliveryConfig, WebhookKind, WebhookTarget,
};

const SECRET: &str = "s3cret-for-tests";
const WAIT: Duration = Duration::from_secs(30);

/// What the receiver saw, per path.
#[derive(Default)]
struct Seen {
    attempts: HashMap<String, u32>,
    accepted: HashMap<String, Vec<serde_json::Value>>,
}

/// A receiver on 127.0.0.1:0: `/flaky/<name>` fails twice then accepts, `/down/<name>` always
/// answers 500, `/gone/<name>` answers 410, `/ok/<name>` accepts. Generic deliveries must
/// carry a valid signature, or they get 401.
async fn receiver() -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = axum::Router::new()
        .route("/{mode}/{name}", axum::routing::post(receive))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), seen)
}

async fn receive(
    State(seen): State<Arc<Mutex<Seen>>>,
    Path((mode, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let path = format!("{mode}/{name}");
    let mut seen = seen.lock().unwrap();
    let attempts = {
        let count = seen.attempts.entry(path.clone()).or_default();
        *count += 1;
        *count
    };
    if name != "slack" {
        // Checked here from the documented scheme, not with the alerter's own code:
        // `t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<body>">`, at most 5 minutes old.
        let given = headers
            .get("x-wirefeed-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let Some((timestamp, _)) = given
            .strip_prefix("t=")
            .and_then(|rest| rest.split_once(','))
        else {
            return StatusCode::UNAUTHORIZED;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(&body);
        let expected = format!(
            "t={timestamp},sha256={}",
            hex::encode(mac.finalize().into_bytes())
        );
        let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap_or(0);
        if given != expected || age.abs() > 300 {
            return StatusCode::UNAUTHORIZED;
        }
    }
    let status = match mode.as_str() {
        "flaky" if attempts <= 2 => StatusCode::SERVICE_UNAVAILABLE,
        "down" => StatusCode::INTERNAL_SERVER_ERROR,
        "gone" => StatusCode::GONE,
        _ => StatusCode::OK,
    };
    if status.is_success() {
        let value = serde_json::from_slice(&body).unwrap();
        seen.accepted.entry(path).or_default().push(value);
    }
    status
}

fn hook(base: &str, path: &str, kind: WebhookKind) -> WebhookTarget {
    WebhookTarget {
        url: format!("{base}/{path}"),
        kind,
        secret: Some(SECRET.to_owned()),
        secret_file: None,
    }
}

fn desk(id: &str, webhooks: Vec<WebhookTarget>) -> SubscriptionConfig {
    SubscriptionConfig {
        webhooks,
        ..common::subscription(id, "syria")
    }
}

fn alert(subscription: &str) -> Alert {
    Alert {
        schema: ALERT_SCHEMA.to_owned(),
        subscription: subscription.to_owned(),
        evidence: vec!["syria in headline".to_owned()],
        family: FamilyId::new("family:1"),
        article_uri: "urn:a:1".to_owned(),
        headline: "Syria talks resume".to_owned(),
        link: Some("https://example.invalid/syria".to_owned()),
        source: SourceId::from("agency"),
        published_at: None,
        fetched_at: common::at(0),
        enriched_at: None,
        alerted_at: common::at(1),
        kind: Some("new".to_owned()),
        changes: Vec::new(),
        embargoed_until: None,
        version_seq: Some(1),
        extra: Default::default(),
    }
}

/// Starts the webhook channel on a fresh in-process bus with `subscriptions`.
async fn channel(subscriptions: Vec<SubscriptionConfig>) -> (SharedBus, CancellationToken) {
    let bus: SharedBus = Arc::new(MemoryBus::new(64));
    let registry = SubscriptionRegistry::new();
    registry.load(subscriptions, Vec::new(), None).unwrap();
    let config = WebhookDeliveryConfig {
        timeout_secs: 5,
        max_attempts: 3,
        initial_backoff_ms: 1,
        max_backoff_ms: 5,
    };
    let channel = AlertDelivery::subscribe(&config, registry, bus.clone())
        .await
        .unwrap();
    let shutdown = CancellationToken::new();
    tokio::spawn(channel.run(shutdown.clone()));
    (bus, shutdown)
}

async fn send(bus: &SharedBus, alert: &Alert) {
    let record = Record::new(topics::ALERTS, alert.family.as_str(), alert.encode());
    publish(bus.as_ref(), record).await.unwrap();
}

/// Waits until `path` has accepted `count` deliveries.
async fn accepted(seen: &Arc<Mutex<Seen>>, path: &str, count: usize) -> Vec<serde_json::Value> {
    tokio::time::timeout(WAIT, async {
        loop {
            let found = seen.lock().unwrap().accepted.get(path).cloned();
            if let Some(found) = found.filter(|f| f.len() >= count) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no delivery to {path}"))
}

#[tokio::test]
async fn a_webhook_that_fails_twice_then_succeeds_gets_exactly_one_signed_delivery() {
    let (base, seen) = receiver().await;
    let (bus, shutdown) = channel(vec![
        desk(
            "syria-desk",
            vec![hook(&base, "flaky/syria", WebhookKind::Generic)],
        ),
        desk(
            "marker",
            vec![hook(&base, "ok/marker", WebhookKind::Generic)],
        ),
    ])
    .await;
    send(&bus, &alert("syria-desk")).await;
    // The loop delivers in order: once the marker is in, the first alert is done.
    send(&bus, &alert("marker")).await;
    accepted(&seen, "ok/marker", 1).await;
    let seen_now = seen.lock().unwrap();
    assert_eq!(seen_now.attempts["flaky/syria"], 3);
    let delivered = &seen_now.accepted["flaky/syria"];
    assert_eq!(delivered.len(), 1);
    let body: Alert = serde_json::from_value(delivered[0].clone()).unwrap();
    assert_eq!(body, alert("syria-desk"));
    shutdown.cancel();
}

#[tokio::test]
async fn what_keeps_failing_is_dead_lettered_and_the_other_webhooks_still_get_it() {
    let (base, seen) = receiver().await;
    let (bus, shutdown) = channel(vec![desk(
        "syria-desk",
        vec![
            hook(&base, "down/a", WebhookKind::Generic),
            hook(&base, "gone/b", WebhookKind::Generic),
            hook(&base, "ok/c", WebhookKind::Generic),
        ],
    )])
    .await;
    let mut dead_letters = bus.subscribe("dlq-reader", &[topics::DLQ]).await.unwrap();
    send(&bus, &alert("syria-desk")).await;
    accepted(&seen, "ok/c", 1).await;
    let mut reasons = Vec::new();
    for _ in 0..2 {
        let letter = tokio::time::timeout(WAIT, dead_letters.recv())
            .await
            .unwrap()
            .unwrap();
        let record = &letter.record;
        assert_eq!(record.header(dlq_headers::STAGE), Some(GROUP));
        assert_eq!(record.header(dlq_headers::KIND), Some("webhook"));
        assert_eq!(
            record.header(dlq_headers::SOURCE_TOPIC),
            Some(topics::ALERTS)
        );
        assert_eq!(Alert::decode(&record.payload).unwrap(), alert("syria-desk"));
        reasons.push((
            record.header(WEBHOOK_HEADER).unwrap().to_owned(),
            record.header(dlq_headers::REASON).unwrap().to_owned(),
        ));
    }
    assert_eq!(
        reasons,
        [
            (
                "syria-desk#0".to_owned(),
                "webhook failed after 3 attempts: webhook answered 500".to_owned()
            ),
            (
                "syria-desk#1".to_owned(),
                "webhook answered 410 (not retried)".to_owned()
            ),
        ]
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.attempts["down/a"], 3);
    assert_eq!(seen.attempts["gone/b"], 1);
    shutdown.cancel();
}

#[tokio::test]
async fn slack_webhooks_get_a_text_line() {
    let (base, seen) = receiver().await;
    let (bus, shutdown) = channel(vec![desk(
        "syria-desk",
        vec![hook(&base, "ok/slack", WebhookKind::Slack)],
    )])
    .await;
    let mut update = alert("syria-desk");
    update.kind = Some("update".to_owned());
    update.changes = vec!["headline changed".to_owned()];
    send(&bus, &update).await;
    let delivered = accepted(&seen, "ok/slack", 1).await;
    assert_eq!(
        delivered[0],
        serde_json::json!({
            "text": "ALERT UPDATE [syria-desk] Syria talks resume [headline changed] — \
                     https://example.invalid/syria (agency; syria in headline)"
        })
    );
    shutdown.cancel();
}

#[tokio::test]
async fn an_embargoed_alert_says_so_in_the_webhook_json_and_the_slack_text() {
    let (base, seen) = receiver().await;
    let (bus, shutdown) = channel(vec![desk(
        "syria-desk",
        vec![
            hook(&base, "ok/generic", WebhookKind::Generic),
            hook(&base, "ok/slack", WebhookKind::Slack),
        ],
    )])
    .await;
    let mut embargoed = alert("syria-desk");
    embargoed.embargoed_until = Some("2026-12-07T05:00:00Z".parse().unwrap());
    send(&bus, &embargoed).await;
    let generic = accepted(&seen, "ok/generic", 1).await;
    assert_eq!(generic[0]["embargoed_until"], "2026-12-07T05:00:00Z");
    let slack = accepted(&seen, "ok/slack", 1).await;
    assert_eq!(
        slack[0]["text"],
        "ALERT [syria-desk] EMBARGOED until 2026-12-07 05:00 UTC: Syria talks resume — \
         https://example.invalid/syria (agency; syria in headline)"
    );
    shutdown.cancel();
}

#[tokio::test]
async fn a_hold_desk_gets_the_story_when_its_embargo_lifts_and_never_after_its_kill() {
    let (base, seen) = receiver().await;
    let hold_desk = SubscriptionConfig {
        embargo: Embargo::Hold,
        ..desk(
            "hold-desk",
            vec![hook(&base, "ok/hold", WebhookKind::Generic)],
        )
    };
    let (bus, shutdown) = channel(vec![hold_desk]).await;
    // Two stories under the same short embargo; the second is killed before it lifts.
    let lifts = chrono::Utc::now() + chrono::TimeDelta::seconds(2);
    let story = |family: &str| {
        let mut alert = alert("hold-desk");
        alert.family = FamilyId::new(family);
        alert.embargoed_until = Some(lifts);
        alert
    };
    send(&bus, &story("family:talks")).await;
    send(&bus, &story("family:killed")).await;
    let mut kill = story("family:killed");
    kill.kind = Some("kill".to_owned());
    kill.embargoed_until = None;
    send(&bus, &kill).await;
    // The kill goes out at once; the story when the embargo lifts, free to run.
    let delivered = accepted(&seen, "ok/hold", 2).await;
    assert!(
        chrono::Utc::now() >= lifts,
        "delivered before the embargo lifted"
    );
    let shown: Vec<(String, String)> = delivered
        .iter()
        .map(|a| (a["kind"].to_string(), a["family"].to_string()))
        .collect();
    assert_eq!(
        shown,
        [
            (r#""kill""#.to_owned(), r#""family:killed""#.to_owned()),
            (r#""new""#.to_owned(), r#""family:talks""#.to_owned()),
        ]
    );
    assert!(
        delivered[1].get("embargoed_until").is_none(),
        "{}",
        delivered[1]
    );
    // Both were released in the same check: anything more would have been posted before an
    // alert sent after it, which comes through on its own.
    let mut marker = alert("hold-desk");
    marker.family = FamilyId::new("family:marker");
    send(&bus, &marker).await;
    let delivered = accepted(&seen, "ok/hold", 3).await;
    assert_eq!(delivered.len(), 3, "the killed story never arrives");
    assert_eq!(delivered[2]["family"], "family:marker");
    shutdown.cancel();
}
