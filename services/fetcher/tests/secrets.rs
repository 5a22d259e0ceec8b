//! Secrets for a source (an API key header, a basic-auth password) come from files, are sent,
//! and a missing secret file is a classified error that names the file, not a crash.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use wirefeed_fetcher::FetcherConfig;
use wirefeed_fetcher::config::{HttpSource, SourceConfig};

fn config(sources: Vec<SourceConfig>) -> FetcherConfig {
    FetcherConfig {
        default_interval_secs: 1,
        min_interval_secs: 1,
        timeout_secs: 10,
        sources,
        ..FetcherConfig::default()
    }
}

#[tokio::test]
async fn header_and_password_secrets_are_read_from_files() {
    let secrets = tempfile::tempdir().unwrap();
    let key_file = secrets.path().join("api-key");
    let password_file = secrets.path().join("password");
    std::fs::write(&key_file, "k-123\n").unwrap();
    std::fs::write(&password_file, "s3cret\n").unwrap();
    let endpoint = Endpoint::start(Answer::Feed {
        body: rss(&[(
            "tag:t,1",
            "Harbour reopens",
            "The harbour reopened on Tuesday.",
        )]),
        etag: None,
    })
    .await;
    let SourceConfig::Http(base) = http_source("secret-feed", &endpoint.url) else {
        unreachable!()
    };
    let source = SourceConfig::Http(HttpSource {
        header_files: [("X-Api-Key".to_owned(), key_file)].into(),
        username: Some("desk".to_owned()),
        password_file: Some(password_file),
        ..base.clone()
    });
    let missing = SourceConfig::Http(HttpSource {
        id: "missing-secret".to_owned(),
        header_files: [("X-Api-Key".to_owned(), secrets.path().join("absent"))].into(),
        ..base
    });
    let mut fetcher = Fetcher::start(config(vec![source, missing])).await;
    fetcher.next_item().await;
    let request = endpoint.requests().into_iter().next().unwrap();
    assert_eq!(request["x-api-key"], "k-123");
    // "desk:s3cret" in base64.
    assert_eq!(request["authorization"], "Basic ZGVzazpzM2NyZXQ=");
    let status = fetcher
        .wait_for_status("missing-secret", |s| s.consecutive_errors > 0)
        .await;
    assert_eq!(status.last_error_class.as_deref(), Some("other"));
    let message = status.last_error.unwrap();
    assert!(message.contains("absent"), "{message}");
    fetcher.stop().await;
}
