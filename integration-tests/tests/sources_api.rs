//! The sources API and `wirefeed sources list|add|remove` against `wirefeed run` (in-process
//! table, kept in the fetcher's state file): a source added without the admin token is refused;
//! with it, it is polled at once and survives a restart; a config source cannot be removed
//! through the API; a removed source is gone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::{
    ChildGuard, free_port, http_get, wirefeed, workspace_binary, workspace_root,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);
const TOKEN: &str = "sources-api-test-token-0123456789";

fn start(config: &Path, dir: &Path, name: &str) -> ChildGuard {
    ChildGuard::spawn(
        name,
        &workspace_binary("wirefeed"),
        &[
            "run".to_owned(),
            "--config".to_owned(),
            config.display().to_string(),
        ],
        &BTreeMap::new(),
        dir,
    )
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `wirefeed sources <args>` with `config` (its admin token) when given: (ok, stdout, stderr).
fn sources(args: &[&str], config: Option<&Path>) -> (bool, String, String) {
    let config_text = config.map(|c| c.display().to_string());
    let mut all: Vec<&str> = Vec::new();
    if let Some(config) = &config_text {
        all.extend(["--config", config.as_str()]);
    }
    all.push("sources");
    all.extend(args);
    let output = wirefeed(&all, &[]);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn published_by(admin: &str, id: &str) -> u64 {
    let Ok((200, body)) = http_get(&format!("{admin}/sources")) else {
        return 0;
    };
    let statuses: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap_or_default();
    statuses
        .iter()
        .find(|status| status["id"] == id)
        .and_then(|status| status["items_published_total"].as_u64())
        .unwrap_or(0)
}

#[test]
fn sources_are_added_listed_and_removed_through_the_api_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let configured = dir.path().join("configured");
    let added = dir.path().join("added");
    std::fs::create_dir(&configured).unwrap();
    std::fs::create_dir(&added).unwrap();
    let port = free_port();
    let admin = format!("http://127.0.0.1:{port}");
    let config = dir.path().join("wirefeed.toml");
    std::fs::write(
        &config,
        format!(
            "[state]\ndir = {state:?}\n\
             [admin]\nlisten = \"127.0.0.1:{port}\"\ntoken = {TOKEN:?}\n\
             [desk]\nlisten = \"127.0.0.1:0\"\nindex_dir = {desk:?}\n\
             [[fetcher.sources]]\nid = \"configured-inbox\"\nkind = \"dir\"\npath = {configured:?}\n\
             interval_secs = 1\nsettle_secs = 0\n",
            state = dir.path().join("state"),
            desk = dir.path().join("desk"),
        ),
    )
    .unwrap();
    let mut run = start(&config, dir.path(), "run-1");
    // The fetcher starts (and mounts its routes) once the other stages are subscribed.
    wait_for("the sources API answers", || {
        http_get(&format!("{admin}/sources/config")).is_ok_and(|(status, _)| status == 200)
    });

    let (ok, listed, stderr) = sources(&["list", "--admin", &admin], None);
    assert!(ok, "{stderr}");
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("configured-inbox") && l.contains("config")),
        "{listed}"
    );

    let added_text = added.display().to_string();
    let add = [
        "add",
        "--admin",
        &admin,
        "--id",
        "added-inbox",
        "--dir",
        &added_text,
        "--interval-secs",
        "1",
    ];
    // Without the token (no config, so no admin.token): refused.
    let (ok, _, stderr) = sources(&add, None);
    assert!(!ok && stderr.contains("401"), "{stderr}");
    let (ok, stdout, stderr) = sources(&add, Some(&config));
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("created"), "{stdout}");

    // It is polled at once: a file dropped into its folder is published.
    let sample = workspace_root().join("config/samples/inbox");
    let first = std::fs::read_dir(&sample).unwrap().next().unwrap().unwrap();
    std::fs::copy(first.path(), added.join(first.file_name())).unwrap();
    wait_for("the added source publishes the dropped file", || {
        published_by(&admin, "added-inbox") >= 1
    });

    // A config source is changed in the config file only.
    let (ok, _, stderr) = sources(
        &["remove", "--admin", &admin, "configured-inbox"],
        Some(&config),
    );
    assert!(!ok && stderr.contains("config file"), "{stderr}");

    // The added source survives a restart (kept in the fetcher's state file).
    run.terminate(Duration::from_secs(30));
    let _run = start(&config, dir.path(), "run-2");
    wait_for("the sources API answers again", || {
        http_get(&format!("{admin}/sources/config")).is_ok_and(|(status, _)| status == 200)
    });
    let (ok, listed, stderr) = sources(&["list", "--admin", &admin], None);
    assert!(ok, "{stderr}");
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("added-inbox") && l.contains("api")),
        "{listed}"
    );
    // After the restart the table's sources are polled again, the config's too.
    std::fs::copy(first.path(), configured.join(first.file_name())).unwrap();
    wait_for("the configured source publishes after the restart", || {
        published_by(&admin, "configured-inbox") >= 1
    });

    let (ok, _, stderr) = sources(&["remove", "--admin", &admin, "added-inbox"], Some(&config));
    assert!(ok, "{stderr}");
    let (ok, listed, stderr) = sources(&["list", "--admin", &admin, "--json"], None);
    assert!(ok, "{stderr}");
    let entries: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
    let ids: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["source"]["id"].as_str())
        .collect();
    assert_eq!(ids, ["configured-inbox"], "{listed}");
}
