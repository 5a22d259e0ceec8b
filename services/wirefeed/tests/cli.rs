//! Tests of the `wirefeed` binary as users run it: `parse`, `enrich` and `run` on the demo inbox
//! (`config/samples/inbox/`, described in `config/samples/README.md`), from the workspace root.
//! Also: every config file under `config/` parses into every section.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wire_model::{Envelope, ninjs_schema};
use wire_runtime::LoadedConfig;
use wirefeed_alerter::{AlerterConfig, AlerterStage};
use wirefeed_enricher::EnricherConfig;
use wirefeed_fetcher::FetcherConfig;
use wirefeed_normalizer::NormalizerConfig;

const WORKSPACE_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const INBOX: &str = "config/samples/inbox";

/// The agency originals and the Gazette pickups that copy them (config/samples/README.md).
const SYRIA_ORIGINAL: &str = "tag:demo.wirefeed.invalid,2026:world-0001";
const SYRIA_PICKUP: &str = "tag:gazette.demo.invalid,2026:wire/syria-geneva-talks";
const CLIMATE_ORIGINAL: &str = "tag:demo.wirefeed.invalid,2026:world-0002";
const CLIMATE_PICKUP: &str = "tag:gazette.demo.invalid,2026:wire/climate-cop31-draft";

/// `wirefeed ARGS` in the workspace root, without any `WIREFEED*` variable of the caller's
/// environment (so the built-in defaults apply).
fn wirefeed(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wirefeed"));
    command.args(args).current_dir(WORKSPACE_ROOT);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("WIREFEED") {
            command.env_remove(key);
        }
    }
    command
}

/// The sample files, relative to the workspace root, sorted by name (as a shell glob is).
fn sample_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(Path::new(WORKSPACE_ROOT).join(INBOX))
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_file())
        .map(|entry| format!("{INBOX}/{}", entry.file_name().to_string_lossy()))
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "{files:?}");
    files
}

fn parse_samples() -> Output {
    let files = sample_files();
    let mut args = vec!["parse"];
    args.extend(files.iter().map(String::as_str));
    wirefeed(&args).output().unwrap()
}

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn stderr_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Each line as an envelope, checked to be one (the `schema` string included).
fn decode_lines(lines: &[String]) -> Vec<Envelope> {
    lines
        .iter()
        .map(|line| Envelope::decode(line.as_bytes()).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// Envelopes by `wire.item_identity`.
fn by_identity(envelopes: &[Envelope]) -> BTreeMap<&str, &Envelope> {
    envelopes
        .iter()
        .map(|envelope| (envelope.wire.item_identity.as_str(), envelope))
        .collect()
}

/// Runs `wirefeed ARGS` with `input` on standard input.
fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = wirefeed(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written on a thread: the child may fill its stdout pipe before reading all of stdin.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    output
}

// ---------------------------------------------------------------------------------------------
// wirefeed parse

#[test]
fn parse_prints_one_valid_ninjs_envelope_per_sample_item() {
    let output = parse_samples();
    assert!(output.status.success(), "{}", stderr_text(&output));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 11, "the demo inbox holds 11 items");

    let validator = ninjs_schema::validator().unwrap();
    for line in &lines {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_eq!(value["schema"], "wirefeed.article/1");
        let violations = ninjs_schema::violations(&validator, &value["article"]);
        assert!(violations.is_empty(), "{violations:#?}\n{line}");
    }

    let envelopes = decode_lines(&lines);
    let items = by_identity(&envelopes);
    assert_eq!(items.len(), 11, "item identities are not distinct");
    let hash = |identity: &str| {
        items[identity]
            .wire
            .content_hash
            .clone()
            .unwrap_or_else(|| panic!("{identity} has no content hash"))
    };
    assert_eq!(hash(SYRIA_PICKUP), hash(SYRIA_ORIGINAL));
    assert_eq!(hash(CLIMATE_PICKUP), hash(CLIMATE_ORIGINAL));
    // And no other two items share a text: 9 distinct texts.
    let distinct: BTreeSet<String> = items.keys().map(|identity| hash(identity)).collect();
    assert_eq!(distinct.len(), 9);
}

#[test]
fn parse_reports_a_malformed_file_and_still_prints_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.rss.xml");
    std::fs::write(
        &bad,
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Broken</title>\n\
         <item><title>Unclosed title</item></channel></rss>\n",
    )
    .unwrap();
    let bad = bad.to_str().unwrap();

    let alone = wirefeed(&["parse", bad]).output().unwrap();
    assert!(!alone.status.success());
    assert!(alone.stdout.is_empty());
    let stderr = stderr_text(&alone);
    assert!(stderr.contains("broken.rss.xml"), "{stderr}");
    assert!(stderr.contains("malformed xml"), "{stderr}");
    assert!(stderr.contains("`</title>`"), "{stderr}");

    let ninjs = format!("{INBOX}/agency-update.ninjs.json");
    let nbc = format!("{INBOX}/real-nbcny.rss.xml");
    let mixed = wirefeed(&["parse", &ninjs, bad, &nbc]).output().unwrap();
    assert!(!mixed.status.success());
    let stderr = stderr_text(&mixed);
    assert!(stderr.contains("broken.rss.xml"), "{stderr}");
    assert!(
        !stderr.contains("agency-update") && !stderr.contains("nbcny"),
        "{stderr}"
    );
    let printed = decode_lines(&stdout_lines(&mixed));
    let identities: Vec<&str> = printed
        .iter()
        .map(|envelope| envelope.wire.item_identity.as_str())
        .collect();
    assert_eq!(
        identities,
        ["tag:demo.wirefeed.invalid,2026:world-0007", "4956764"]
    );
}

// ---------------------------------------------------------------------------------------------
// wirefeed enrich

#[test]
fn enrich_marks_exactly_the_two_pickups_as_duplicates_of_their_originals() {
    let parsed = parse_samples();
    assert!(parsed.status.success(), "{}", stderr_text(&parsed));

    let stories_dir = tempfile::tempdir().unwrap();
    let stories_file = stories_dir.path().join("stories.jsonl");
    let output = with_stdin(
        &["enrich", "--stories", stories_file.to_str().unwrap()],
        &parsed.stdout,
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let envelopes = decode_lines(&stdout_lines(&output));
    assert_eq!(envelopes.len(), 11);
    // One story record per family (its first copy starts or joins a story), none for a copy.
    let story_records: Vec<wire_model::StoryRecord> = std::fs::read_to_string(&stories_file)
        .unwrap()
        .lines()
        .map(|line| wire_model::StoryRecord::decode(line.as_bytes()).unwrap())
        .collect();
    let families: std::collections::BTreeSet<_> = envelopes
        .iter()
        .filter_map(|e| e.wire.family.clone())
        .collect();
    assert_eq!(story_records.len(), families.len(), "{story_records:?}");
    for record in &story_records {
        let first_copy = envelopes
            .iter()
            .find(|e| e.article.uri == record.member.article_uri)
            .unwrap();
        assert_eq!(first_copy.wire.story.as_ref(), Some(&record.story));
        assert_eq!(first_copy.wire.is_original, Some(true));
    }
    let items = by_identity(&envelopes);

    let duplicates: BTreeMap<&str, &str> = envelopes
        .iter()
        .filter(|envelope| envelope.wire.is_original == Some(false))
        .map(|envelope| {
            let original = envelope.wire.duplicate_of.as_deref();
            (
                envelope.wire.item_identity.as_str(),
                original.unwrap_or_else(|| panic!("{envelope:?} has no duplicate_of")),
            )
        })
        .collect();
    let expected: BTreeMap<&str, &str> = [
        (SYRIA_PICKUP, items[SYRIA_ORIGINAL].article.uri.as_str()),
        (CLIMATE_PICKUP, items[CLIMATE_ORIGINAL].article.uri.as_str()),
    ]
    .into();
    assert_eq!(duplicates, expected);
    for envelope in &envelopes {
        if !duplicates.contains_key(envelope.wire.item_identity.as_str()) {
            assert_eq!(envelope.wire.is_original, Some(true), "{envelope:?}");
            assert_eq!(envelope.wire.duplicate_of, None, "{envelope:?}");
        }
    }
    // A duplicate joins its original's story family.
    assert_eq!(
        items[SYRIA_PICKUP].wire.family,
        items[SYRIA_ORIGINAL].wire.family
    );
    assert!(items[SYRIA_ORIGINAL].wire.family.is_some());
}

#[test]
fn enrich_accepts_bare_ninjs_and_reports_garbage_lines_by_number() {
    let bare = |uri: &str, headline: &str| {
        serde_json::json!({
            "uri": uri,
            "headlines": [{ "role": "main", "value": headline }],
            "bodies": [{ "role": "main", "contentType": "text/plain",
                         "value": format!("{headline}. More text follows.") }],
        })
        .to_string()
    };
    let input = format!(
        "{}\nthis is not json\n{}\n",
        bare("urn:test:bare-1", "Harbour reopens after the storm"),
        bare("urn:test:bare-2", "Council approves the new bridge"),
    );
    let output = with_stdin(&["enrich"], input.as_bytes());

    let stderr = stderr_text(&output);
    assert!(stderr.contains("line 2: not valid json"), "{stderr}");
    assert!(
        !stderr.contains("line 1") && !stderr.contains("line 3"),
        "{stderr}"
    );
    assert!(
        !output.status.success(),
        "a bad line makes the exit status non-zero"
    );

    let envelopes = decode_lines(&stdout_lines(&output));
    let uris: Vec<&str> = envelopes.iter().map(|e| e.article.uri.as_str()).collect();
    assert_eq!(uris, ["urn:test:bare-1", "urn:test:bare-2"]);
    for envelope in &envelopes {
        assert_eq!(envelope.wire.source.as_str(), "cli");
        assert_eq!(envelope.wire.item_identity, envelope.article.uri);
        assert_eq!(envelope.wire.is_original, Some(true));
        assert!(envelope.wire.family.is_some() && envelope.wire.content_hash.is_some());
    }

    // Bare ninjs alone: success.
    let single = with_stdin(
        &["enrich"],
        bare("urn:test:bare-3", "Rain forecast").as_bytes(),
    );
    assert!(single.status.success(), "{}", stderr_text(&single));
    assert_eq!(decode_lines(&stdout_lines(&single)).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// wirefeed run

/// Kills the child if the test ends before it exited.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Waits (bounded) for the child to exit.
fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

#[test]
fn run_processes_the_demo_inbox_alerts_twice_and_stops_cleanly_on_sigterm() {
    let logs = tempfile::NamedTempFile::new().unwrap();
    // A fresh state directory: the fetcher remembers what it published across runs.
    let state = tempfile::tempdir().unwrap();
    let child = wirefeed(&["run"])
        .env("WIREFEED__ADMIN__LISTEN", "127.0.0.1:0")
        .env("WIREFEED__STATE__DIR", state.path())
        .env("WIREFEED__DESK__LISTEN", "127.0.0.1:0")
        .env("WIREFEED__DESK__INDEX_DIR", state.path().join("desk"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(logs.reopen().unwrap())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let logs_text = || std::fs::read_to_string(logs.path()).unwrap_or_default();

    let mut lines = Vec::new();
    let count = |lines: &[String], prefix: &str| {
        lines
            .iter()
            .filter(|line: &&String| line.starts_with(prefix))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while count(&lines, "ALERT [") < 2 || count(&lines, "ENRICHED ") < 11 {
        let left = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(error) => panic!(
                "stopped waiting ({error}) with output {lines:#?}\nlogs:\n{}",
                logs_text()
            ),
        }
    }

    let pid = child.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = wait_for_exit(&mut child.0, Duration::from_secs(60))
        .unwrap_or_else(|| panic!("no exit after SIGTERM; logs:\n{}", logs_text()));
    assert_eq!(status.code(), Some(0), "logs:\n{}", logs_text());
    reader.join().unwrap();
    lines.extend(receiver.try_iter());

    let alerts: Vec<&String> = lines.iter().filter(|l| l.starts_with("ALERT [")).collect();
    assert_eq!(alerts.len(), 2, "{alerts:#?}");
    let desks: BTreeSet<&str> = alerts
        .iter()
        .map(|line| &line["ALERT [".len()..line.find(']').unwrap()])
        .collect();
    assert_eq!(desks, BTreeSet::from(["climate-desk", "syria-desk"]));

    let enriched: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("ENRICHED "))
        .collect();
    assert_eq!(enriched.len(), 11, "{enriched:#?}");
    let duplicates: Vec<&&String> = enriched
        .iter()
        .filter(|line| line.contains("| duplicate of urn:wirefeed:article:"))
        .collect();
    assert_eq!(duplicates.len(), 2, "{enriched:#?}");
    assert!(
        duplicates
            .iter()
            .any(|line| line.contains("] Syria talks in Geneva")),
        "{duplicates:#?}"
    );
    assert!(
        duplicates.iter().any(|line| line.contains("] COP31 talks")),
        "{duplicates:#?}"
    );
    let originals = enriched
        .iter()
        .filter(|line| line.contains("| original |"))
        .count();
    assert_eq!(originals, 9, "{enriched:#?}");
}

// ---------------------------------------------------------------------------------------------
// Config files

fn toml_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(&path, found);
        } else if path
            .extension()
            .is_some_and(|extension| extension == "toml")
        {
            found.push(path);
        }
    }
}

#[test]
fn every_config_file_parses_into_every_section() {
    let mut files = Vec::new();
    toml_files(&Path::new(WORKSPACE_ROOT).join("config"), &mut files);
    // The topic catalog (config/topics/) is not wirefeed configuration; wire-tagging's tests
    // load it.
    files.retain(|file| !file.components().any(|c| c.as_os_str() == "topics"));
    files.sort();
    assert!(
        files
            .iter()
            .any(|file| file.ends_with("config/wirefeed.toml")),
        "{files:?}"
    );
    for file in &files {
        let name = file.display();
        let config = LoadedConfig::load_from(Some(file), &[])
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        config
            .runtime()
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let fetcher: FetcherConfig = config
            .section("fetcher")
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let _: NormalizerConfig = config
            .section("normalizer")
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let _: EnricherConfig = config
            .section("enricher")
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let alerter: AlerterConfig = config
            .section("alerter")
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        // The subscriptions compile into rules, as the alerter does at start-up.
        AlerterStage::new(&alerter).unwrap_or_else(|error| panic!("{name}: {error:#}"));
        if file.ends_with("config/wirefeed.toml") {
            assert_eq!(fetcher.sources[0].id(), "demo-inbox");
        }
    }
}

#[test]
fn a_classifier_trains_on_json_lines_and_predicts_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let train = dir.path().join("train.jsonl");
    let mut lines = String::new();
    for _ in 0..20 {
        lines.push_str(
            "{\"text\": \"Oil prices rose as OPEC cut crude output\", \"labels\": [\"crude\"]}\n",
        );
        lines.push_str(
            "{\"text\": \"Crude futures jumped on OPEC supply cuts\", \"labels\": [\"crude\"]}\n",
        );
        lines.push_str("{\"text\": \"The central bank raised interest rates a quarter point\", \"labels\": [\"interest\"]}\n");
        lines.push_str("{\"text\": \"The Fed lifted rates again to fight inflation\", \"labels\": [\"interest\"]}\n");
    }
    std::fs::write(&train, lines).unwrap_or_else(|e| panic!("write: {e}"));
    let model = dir.path().join("model.bin");
    let output = wirefeed(&["classifier", "train", "--input"])
        .arg(&train)
        .arg("--output")
        .arg(&model)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let input = dir.path().join("input.jsonl");
    std::fs::write(
        &input,
        "{\"text\": \"OPEC agreed to cut crude oil output again\"}\n{\"text\": \"Rates were raised by the central bank\"}\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let output = wirefeed(&["classifier", "predict", "--model"])
        .arg(&model)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let predictions: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(predictions.len(), 2);
    assert_eq!(predictions[0]["labels"], serde_json::json!(["crude"]));
    assert_eq!(predictions[1]["labels"], serde_json::json!(["interest"]));
    assert!(
        predictions[0]["scores"]["crude"]
            .as_f64()
            .is_some_and(|s| s > 0.5)
    );

    // A bad line is an error that names it.
    std::fs::write(&input, "{\"text\": \"fine\"}\n{\"text\":\n").unwrap_or_else(|e| panic!("{e}"));
    let output = wirefeed(&["classifier", "predict", "--model"])
        .arg(&model)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 2"));
}

#[test]
fn a_topic_backtest_reports_hits_and_what_a_change_gains_and_loses() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let input = dir.path().join("articles.jsonl");
    let story = "Russia will host a new round of Syria peace talks next month, the Kremlin said, as Washington signalled it would send envoys. The talks aim to agree a ceasefire across Syria and a political transition, officials in Damascus said, backing the UN-led peace process.";
    let other = "Shares in Tokyo rose on Tuesday as exporters gained on a weaker yen.";
    std::fs::write(
        &input,
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "syria", "headline": "Russia to host Syria peace talks", "body": story}),
            serde_json::json!({"id": "tokyo", "headline": "Tokyo shares rise", "body": other})
        ),
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let topic = Path::new(WORKSPACE_ROOT).join("config/topics/syria-peace-process.toml");
    let stricter = dir.path().join("stricter.toml");
    let text = std::fs::read_to_string(&topic).unwrap_or_else(|e| panic!("read: {e}"));
    std::fs::write(
        &stricter,
        text.lines()
            .map(|line| {
                if line.starts_with("threshold =") {
                    "threshold = 500.0"
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let output = wirefeed(&["story-topics", "backtest"])
        .arg(&stricter)
        .arg(&input)
        .arg("--previous")
        .arg(&topic)
        .arg("--data")
        .arg(Path::new(WORKSPACE_ROOT).join("config"))
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("0 of 2"), "{stdout}");
    assert!(
        stdout.contains("previous version: 1 articles tagged"),
        "{stdout}"
    );
    assert!(stdout.contains("lost 1: syria"), "{stdout}");
}

#[test]
fn a_story_topic_folder_is_checked_as_the_enricher_checks_it() {
    let output = wirefeed(&["story-topics", "check"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert!(
        stdout.contains("all valid") && stdout.contains("syria-peace-process"),
        "{stdout}"
    );

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let broken = dir.path().join("geneva-talks.toml");
    std::fs::write(&broken, "id = \"geneva-talks\"\nthreshold = \"high\"\n")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let output = wirefeed(&["story-topics", "check"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert!(!output.status.success());
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains(&broken.display().to_string()) && stderr.contains("does not parse"),
        "{stderr}"
    );
}
