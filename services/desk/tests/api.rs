//! The desk's HTTP API on a real listener: the live stream's resumption with Last-Event-ID,
//! errors as JSON with their status, and retention.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;
use tokio::sync::broadcast;
use wirefeed_desk::api::{ApiState, router};
use wirefeed_desk::ingest::Arrival;

async fn serve(state: ApiState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    address
}

async fn get(address: &str, path: &str, headers: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    (
        status,
        response.split_once("\r\n\r\n").unwrap().1.to_owned(),
    )
}

/// The ids and headlines of the first `count` events of a stream.
async fn events(address: &str, path: &str, headers: &str, count: usize) -> Vec<(u64, String)> {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut lines = BufReader::new(stream).lines();
    let mut found = Vec::new();
    let mut id = 0;
    while found.len() < count {
        let line = lines.next_line().await.unwrap().expect("the stream ended");
        if let Some(value) = line.strip_prefix("id: ") {
            id = value.parse().unwrap();
        }
        if let Some(data) = line.strip_prefix("data: ") {
            let hit: serde_json::Value = serde_json::from_str(data).unwrap();
            found.push((id, hit["headline"].as_str().unwrap().to_owned()));
        }
    }
    found
}

#[tokio::test]
async fn a_stream_resumed_with_last_event_id_gets_what_it_missed_then_what_comes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    let (live, _) = broadcast::channel(16);
    let address = serve(ApiState {
        reader,
        live: live.clone(),
    })
    .await;
    let articles = [
        article("urn:a:1", "f1", "Syria talks open", "Envoys.", 1),
        article("urn:a:2", "f2", "Markets rally", "Stocks.", 2),
        article("urn:a:3", "f3", "Syria talks stall", "Envoys.", 3),
    ];
    add_all(&mut writer, &articles);
    // Seen up to the first event (seq 1): the stream resumes with the third article.
    let missed = events(&address, "/api/stream?q=syria", "Last-Event-ID: 1\r\n", 1).await;
    assert_eq!(missed, [(3, "Syria talks stall".to_owned())]);

    // Live: what a commit announces after the client connected.
    let client = {
        let address = address.clone();
        tokio::spawn(
            async move { events(&address, "/api/stream?q=syria&last_event_id=3", "", 1).await },
        )
    };
    let next = article("urn:a:4", "f4", "Syria talks resume", "Envoys.", 4);
    let (seq, _) = writer
        .add_article(&next, Arc::from(next.encode()), chrono::Utc::now())
        .unwrap();
    writer.commit("test").unwrap();
    // Announced until the client has subscribed (a bounded wait, not a timing assertion).
    let arrival = Arc::new(vec![Arrival {
        seq,
        envelope: Arc::new(next),
    }]);
    let received = loop {
        let _ = live.send(arrival.clone());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if client.is_finished() {
            break client.await.unwrap();
        }
    };
    assert_eq!(received, [(4, "Syria talks resume".to_owned())]);
}

#[tokio::test]
async fn bad_requests_are_json_with_a_status() {
    let dir = tempfile::tempdir().unwrap();
    let (_writer, reader) = open(dir.path());
    let (live, _) = broadcast::channel(16);
    let address = serve(ApiState { reader, live }).await;
    let (status, body) = get(&address, "/api/search?q=%22unclosed", "").await;
    assert_eq!(status, 400, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(error["column"].as_u64().is_some(), "{body}");
    for path in [
        "/api/search?sort=sideways",
        "/api/search?since=yesterdayish",
        "/api/search?cursor=%%%",
        "/api/search?limit=-1",
        "/api/stream?q=(",
        "/api/article",
    ] {
        let (status, body) = get(&address, path, "").await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&body).is_ok(),
            "{path}: {body}"
        );
    }
    let (status, _) = get(&address, "/api/stream?q=x", "Last-Event-ID: nope\r\n").await;
    assert_eq!(status, 400);
    assert_eq!(get(&address, "/api/article?uri=urn:none", "").await.0, 404);
    assert_eq!(get(&address, "/api/stories/none", "").await.0, 404);
    let (status, body) = get(&address, "/api/openapi.json", "").await;
    assert_eq!(status, 200);
    let spec: serde_json::Value = serde_json::from_str(&body).unwrap();
    for route in [
        "/api/search",
        "/api/article",
        "/api/families/{id}",
        "/api/stories/{id}",
        "/api/stream",
        "/api/alerts",
        "/api/status",
    ] {
        assert!(spec["paths"][route].is_object(), "{route} is not described");
    }
}

#[test]
fn retention_deletes_what_the_archive_took_in_before_the_cutoff() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    let now = chrono::Utc::now();
    let old = article("urn:a:old", "f1", "Old story", "Text.", 1);
    let new = article("urn:a:new", "f2", "New story", "Text.", 2);
    writer
        .add_article(
            &old,
            Arc::from(old.encode()),
            now - chrono::Duration::days(40),
        )
        .unwrap();
    writer
        .add_article(&new, Arc::from(new.encode()), now)
        .unwrap();
    writer.commit("test").unwrap();
    writer
        .expire_before(now - chrono::Duration::days(30))
        .unwrap();
    writer.commit("test").unwrap();
    let all = reader
        .search(&wirefeed_desk::search::SearchRequest {
            limit: 10,
            facet_size: 1,
            ..Default::default()
        })
        .unwrap();
    let uris: Vec<String> = all.hits.unwrap().into_iter().map(|hit| hit.uri).collect();
    assert_eq!(uris, ["urn:a:new"]);
}
