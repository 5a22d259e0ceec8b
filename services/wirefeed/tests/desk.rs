//! `wirefeed run` with its desk, as a user tries it: the address it prints, a search for
//! Syria over the API (the story grouped with its pickup, with facets), and the live stream
//! delivering an item dropped into the inbox while it runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WORKSPACE_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const WAIT: Duration = Duration::from_secs(120);

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `GET path` on `address`, the status and the body.
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    (status, body.to_owned())
}

fn get_json(address: &str, path: &str) -> Value {
    let (status, body) = get(address, path);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// A new ninjs item about Syria, as an agency would drop it.
fn new_item() -> String {
    serde_json::json!({
        "uri": "tag:demo.wirefeed.invalid,2026:world-0099",
        "type": "text",
        "version": "1",
        "firstCreated": "2026-11-20T08:00:00Z",
        "versionCreated": "2026-11-20T08:00:00Z",
        "pubStatus": "usable",
        "urgency": 2,
        "language": "en",
        "headlines": [{ "role": "main", "value": "Syria ceasefire holds in Idlib for a third day" }],
        "bodies": [{ "role": "main", "contentType": "text/plain",
            "value": "DAMASCUS (Wirefeed Demo) - A ceasefire in Syria's Idlib province held for a third day on Friday, monitors said." }]
    })
    .to_string()
}

#[test]
fn run_serves_the_archive_search_and_the_live_stream() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    for entry in std::fs::read_dir(format!("{WORKSPACE_ROOT}/config/samples/inbox")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), inbox.join(entry.file_name())).unwrap();
    }
    let config = dir.path().join("wirefeed.toml");
    std::fs::write(
        &config,
        format!(
            "[state]\ndir = {state:?}\n[admin]\nlisten = \"127.0.0.1:0\"\n\
             [desk]\nlisten = \"127.0.0.1:0\"\nindex_dir = {desk:?}\n\
             [[fetcher.sources]]\nid = \"demo-inbox\"\nkind = \"dir\"\npath = {inbox:?}\n\
             interval_secs = 1\nsettle_secs = 0\n",
            state = dir.path().join("state"),
            desk = dir.path().join("desk"),
            inbox = inbox,
        ),
    )
    .unwrap();
    let logs = tempfile::NamedTempFile::new().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_wirefeed"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("WIREFEED") {
            command.env_remove(key);
        }
    }
    let child = command
        .args(["run", "--config"])
        .arg(&config)
        .current_dir(WORKSPACE_ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(logs.reopen().unwrap())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let logs_text = || std::fs::read_to_string(logs.path()).unwrap_or_default();

    // The address it prints, then the demo inbox enriched.
    let mut address = None;
    let mut enriched = 0;
    let deadline = Instant::now() + WAIT;
    while address.is_none() || enriched < 11 {
        let line = receiver
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|error| panic!("{error}; logs:\n{}", logs_text()));
        if let Some(rest) = line.strip_prefix("DESK http://") {
            address = rest.split('/').next().map(str::to_owned);
        }
        enriched += usize::from(line.starts_with("ENRICHED "));
    }
    let address = address.unwrap();

    // Searchable once committed (within desk.commit_interval_ms): wait for it, bounded.
    let search = "/api/search?q=Syria&group=family&histogram=day";
    let mut found = get_json(&address, search);
    while found["total"] != 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        found = get_json(&address, search);
    }
    assert_eq!(found["total"], 2, "{found:#}");
    let groups = found["groups"].as_array().unwrap();
    assert_eq!(
        groups.len(),
        1,
        "the Syria story and its pickup are one family: {found:#}"
    );
    let hits = groups[0]["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(groups[0]["lead"]["is_original"], true);
    assert!(hits.iter().any(|hit| hit["duplicate_of"].is_string()));
    let topics = found["facets"]["topics"].as_array().unwrap();
    assert!(
        topics
            .iter()
            .any(|facet| facet["value"] == "Syria peace process" && facet["count"] == 2),
        "{topics:?}"
    );
    let places = found["facets"]["places"].as_array().unwrap();
    assert!(
        places.iter().any(|facet| facet["value"] == "Syria"),
        "{places:?}"
    );
    assert_eq!(found["histogram"][0]["count"], 2);

    // The family and the story behind the hit.
    let family = groups[0]["id"].as_str().unwrap();
    let family_view = get_json(&address, &format!("/api/families/{family}"));
    assert_eq!(family_view["pickups"].as_array().unwrap().len(), 1);
    let story = groups[0]["lead"]["story"].as_str().unwrap();
    let story_view = get_json(&address, &format!("/api/stories/{story}"));
    assert_eq!(story_view["families"][0]["copies"], 2);

    // A bad query is a 400 with the column; an unknown family a 404.
    let (status, body) = get(&address, "/api/search?q=syria%20AND%20(");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"column\""), "{body}");
    assert_eq!(get(&address, "/api/families/nope").0, 404);
    assert!(get_json(&address, "/api/openapi.json")["paths"]["/api/search"].is_object());

    // What a query would have matched: one line per family, the pickup under its original.
    let replay = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .args([
            "replay",
            "--query",
            "Syria OR climate",
            "--since",
            "36500d",
            "--desk",
        ])
        .arg(format!("http://{address}"))
        .current_dir(WORKSPACE_ROOT)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&replay.stdout);
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed
            .lines()
            .any(|line| line.contains("Syria talks in Geneva")),
        "{listed}"
    );
    let refused = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .args(["replay", "--query", "syria AND (", "--desk"])
        .arg(format!("http://{address}"))
        .current_dir(WORKSPACE_ROOT)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("column"));

    // The live stream: a new Syria item dropped into the inbox arrives as an event.
    let mut stream = TcpStream::connect(&address).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "GET /api/stream?q=syria HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(stream);
    let mut line = String::new();
    events.read_line(&mut line).unwrap();
    assert!(line.contains("200"), "{line}");
    let dropped = Instant::now();
    std::fs::write(inbox.join("syria-ceasefire.ninjs.json"), new_item()).unwrap();
    let mut data = None;
    while data.is_none() {
        line.clear();
        if events.read_line(&mut line).unwrap() == 0 {
            panic!("the stream ended; logs:\n{}", logs_text());
        }
        data = line
            .strip_prefix("data: ")
            .map(|json| serde_json::from_str::<Value>(json.trim()).unwrap());
    }
    let data = data.unwrap();
    assert_eq!(
        data["headline"],
        "Syria ceasefire holds in Idlib for a third day"
    );
    eprintln!(
        "dropped into the inbox → live stream event: {:?}",
        dropped.elapsed()
    );
}
