//! Admin HTTP on a real socket (127.0.0.1, port 0): liveness, readiness with reasons, metrics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;
use wire_runtime::bus::MemoryBus;
use wire_runtime::config::AdminConfig;
use wire_runtime::{Health, SharedBus, admin};

/// A minimal HTTP/1.1 GET over a TCP socket: (status, body).
async fn get(address: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

#[tokio::test]
async fn livez_readyz_and_metrics() {
    wire_runtime::telemetry::metrics_handle();
    let bus: SharedBus = Arc::new(MemoryBus::new(4));
    let health = Health::new();
    let shutdown = CancellationToken::new();
    let config = AdminConfig {
        enabled: true,
        listen: "127.0.0.1:0".to_owned(),
        token: None,
        protect_reads: false,
    };
    let address = admin::serve(&config, health.clone(), bus, None, shutdown.clone())
        .await
        .unwrap()
        .unwrap();

    assert_eq!(get(address, "/livez").await.0, 200);
    assert_eq!(get(address, "/readyz").await.0, 200);

    health.set("normalizer", Some("no partitions assigned".to_owned()));
    let (status, body) = get(address, "/readyz").await;
    assert_eq!(status, 503);
    assert!(
        body.contains("normalizer: no partitions assigned"),
        "{body}"
    );
    health.set("normalizer", None);
    assert_eq!(get(address, "/readyz").await.0, 200);

    metrics::counter!("wirefeed_test_probe_total").increment(3);
    let (status, body) = get(address, "/metrics").await;
    assert_eq!(status, 200);
    assert!(body.contains("wirefeed_test_probe_total 3"), "{body}");

    health.begin_shutdown();
    let (status, body) = get(address, "/readyz").await;
    assert_eq!(status, 503);
    assert!(body.contains("shutting down"), "{body}");
    shutdown.cancel();
}

#[tokio::test]
async fn a_busy_admin_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let config = AdminConfig {
        enabled: true,
        listen: taken.local_addr().unwrap().to_string(),
        token: None,
        protect_reads: false,
    };
    let bus: SharedBus = Arc::new(MemoryBus::new(4));
    let error = admin::serve(&config, Health::new(), bus, None, CancellationToken::new())
        .await
        .unwrap_err();
    assert!(format!("{error:#}").contains("admin.listen"), "{error:#}");
}
