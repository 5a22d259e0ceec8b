//! `/subscriptions` over a real socket on 127.0.0.1:0: added, listed, effective without a
//! restart, kept in the state store, deleted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::sync::Arc;
use wire_runtime::state::{MemoryStateStore, SharedStateStore};
use wirefeed_alerter::{AlerterStage, SubscriptionRegistry};

async fn serve(registry: &SubscriptionRegistry) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = registry.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/subscriptions")
}

fn syria() -> wire_model::Envelope {
    envelope("urn:a:1", "f1", "agency", "Syria peace talks resume", true)
}

#[tokio::test]
async fn subscriptions_added_over_http_apply_at_once_and_survive_a_restart() {
    let store: SharedStateStore = Arc::new(MemoryStateStore::default());
    let config = config(vec![subscription("climate-desk", "climate")]);
    let registry = SubscriptionRegistry::new();
    let url = serve(&registry).await;
    let mut stage = AlerterStage::with_state(&config, registry.clone(), store.clone())
        .await
        .unwrap();
    assert!(stage.alerts(&syria(), at(1)).alerts.is_empty());

    let client = reqwest::Client::new();
    let body = r#"{"id": "syria-desk", "query": "\"peace talks\" AND syria",
                   "webhooks": [{"url": "https://hooks.example.invalid/x", "secret": "k"}]}"#;
    let post = |body: &'static str| {
        client
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(post(body).await.unwrap().status(), 201);
    assert_eq!(post(body).await.unwrap().status(), 200);
    let found = stage.alerts(&syria(), at(1)).alerts;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subscription, "syria-desk");

    let listed = client
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed).unwrap();
    assert_eq!(listed[0]["id"], "climate-desk");
    assert_eq!(listed[0]["origin"], "config");
    assert_eq!(listed[1]["id"], "syria-desk");
    assert_eq!(listed[1]["origin"], "api");
    assert_eq!(listed[1]["webhooks"][0]["secret"], "(hidden)");
    // What the list shows, sent back changed (as the web desk's editor does), keeps the secret.
    let mut edited = listed[1].clone();
    edited["query"] = "syria".into();
    edited.as_object_mut().unwrap().remove("origin");
    let edited: &'static str = Box::leak(edited.to_string().into_boxed_str());
    assert_eq!(post(edited).await.unwrap().status(), 200);
    let kept = registry.current().by_id["syria-desk"].webhooks[0]
        .secret
        .clone();
    assert_eq!(kept.as_deref(), Some("k"));
    let moved = r#"{"id": "syria-desk", "query": "syria",
                    "webhooks": [{"url": "https://elsewhere.example.invalid/", "secret": "(hidden)"}]}"#;
    assert_eq!(post(moved).await.unwrap().status(), 400);
    assert_eq!(post(body).await.unwrap().status(), 200);

    // Refusals say why.
    let bad = post(r#"{"id": "x", "query": "(syria OR iraq"}"#)
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("expected ')' at column 15")
    );
    let configured = post(r#"{"id": "climate-desk", "query": "x"}"#)
        .await
        .unwrap();
    assert_eq!(configured.status(), 409);
    let unknown_key = post(r#"{"id": "y", "query": "x", "colour": 1}"#)
        .await
        .unwrap();
    assert_eq!(unknown_key.status(), 400);

    // Restarted on the same store: the API subscription is back.
    let registry = SubscriptionRegistry::new();
    let url = serve(&registry).await;
    let mut restarted = AlerterStage::with_state(&config, registry, store.clone())
        .await
        .unwrap();
    let again = envelope("urn:a:2", "f2", "agency", "Syria peace talks end", true);
    assert_eq!(restarted.alerts(&again, at(2)).alerts.len(), 1);

    let deleted = client
        .delete(format!("{url}/syria-desk"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let missing = client
        .delete(format!("{url}/syria-desk"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let third = envelope("urn:a:3", "f3", "agency", "Syria peace talks again", true);
    assert!(restarted.alerts(&third, at(3)).alerts.is_empty());
    assert!(
        !store
            .load_all()
            .await
            .unwrap()
            .contains_key("subscription:syria-desk")
    );
}
