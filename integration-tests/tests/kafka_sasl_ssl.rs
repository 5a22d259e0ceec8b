//! wirefeed over a broker that requires SASL_SSL: SCRAM-SHA-512 over TLS, the certificate made
//! with Java's keytool (issue 22). The test starts a broker of its own with
//! `deploy/kafka/kafka.sh` (state in `target/kafka-sasl`, PLAINTEXT on 19192, controller on
//! 19193, SASL_SSL on 19194), unless one already runs there, and stops the one it started when it
//! ends, passed or failed. The plain test broker (`WIREFEED_TEST_KAFKA`) is not used.
//!
//! `wirefeed run`, its bus configured through `bus.kafka.options` and its password through
//! `WIREFEED__BUS__KAFKA__OPTIONS__SASL.PASSWORD_FILE`, takes items from a drop folder through
//! every stage; the enriched articles and the alert are read back over SASL_SSL. A wrong password
//! and a certificate from an unknown CA each end `wirefeed run` with an error saying so, instead of
//! a start that waits for a broker that will never let it in.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::{ChildGuard, workspace_binary, workspace_root};
use integration_tests::{ReadMessage, header_map, rss_feed, unique_prefix};
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use wire_model::{Alert, Envelope, topics};

/// A bound on waiting for the pipeline's output, not a timing assertion.
const WAIT: Duration = Duration::from_secs(90);
/// A bound on waiting for `wirefeed run` to give up on a broker that refuses it.
const REFUSAL_WAIT: Duration = Duration::from_secs(90);

const PLAINTEXT_PORT: &str = "19192";
const CONTROLLER_PORT: &str = "19193";
const SASL_SSL_PORT: &str = "19194";

/// The SASL_SSL broker of `deploy/kafka/kafka.sh`; stopped on drop if this test started it.
struct SaslBroker {
    bootstrap: String,
    username: String,
    password_file: PathBuf,
    ca_location: PathBuf,
    started_here: bool,
}

fn kafka_sh(action: &str) -> Output {
    let mut command = Command::new(workspace_root().join("deploy/kafka/kafka.sh"));
    command
        .arg(action)
        .current_dir(workspace_root())
        .env(
            "WIREFEED_KAFKA_STATE",
            workspace_root().join("target/kafka-sasl"),
        )
        .env("KAFKA_PORT", PLAINTEXT_PORT)
        .env("KAFKA_CONTROLLER_PORT", CONTROLLER_PORT)
        .env("KAFKA_SASL_SSL_PORT", SASL_SSL_PORT)
        .env_remove("KAFKA_SASL_USER")
        .stdin(Stdio::null());
    command
        .output()
        .unwrap_or_else(|e| panic!("failed to run kafka.sh {action}: {e}"))
}

impl SaslBroker {
    /// `kafka.sh start` with the SASL_SSL listener; what it printed for clients.
    fn start() -> Self {
        let running = kafka_sh("status").status.success();
        let output = kafka_sh("start");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "kafka.sh start with KAFKA_SASL_SSL_PORT={SASL_SSL_PORT} failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let printed: BTreeMap<&str, &str> = stdout
            .lines()
            .filter_map(|line| line.split_once('='))
            .collect();
        let setting = |key: &str| {
            printed
                .get(key)
                .unwrap_or_else(|| panic!("kafka.sh start printed no {key}=:\n{stdout}"))
                .to_string()
        };
        Self {
            bootstrap: setting("sasl_ssl_bootstrap"),
            username: setting("sasl_username"),
            password_file: setting("sasl_password_file").into(),
            ca_location: setting("ssl_ca_location").into(),
            started_here: !running,
        }
    }

    /// librdkafka settings of a SASL_SSL client, password included (for the test's reader).
    fn client_config(&self, group: &str) -> ClientConfig {
        let password = std::fs::read_to_string(&self.password_file).unwrap();
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.bootstrap)
            .set("security.protocol", "SASL_SSL")
            .set("sasl.mechanisms", "SCRAM-SHA-512")
            .set("sasl.username", &self.username)
            .set("sasl.password", password.trim())
            .set("ssl.ca.location", self.ca_location.display().to_string())
            .set("group.id", group)
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false");
        config
    }
}

impl Drop for SaslBroker {
    fn drop(&mut self) {
        if self.started_here {
            let output = kafka_sh("stop");
            if !output.status.success() {
                eprintln!(
                    "kafka.sh stop failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
    }
}

/// A `wirefeed run` config over the SASL_SSL listener (without the password, which comes from
/// WIREFEED__BUS__KAFKA__OPTIONS__SASL.PASSWORD_FILE), reading the drop folder `inbox`.
/// `ca_location`: `ssl.ca.location`, or none (the system's CAs, which never signed this broker).
fn write_config(
    dir: &Path,
    broker: &SaslBroker,
    prefix: &str,
    ca_location: Option<&Path>,
) -> PathBuf {
    let ca = ca_location
        .map(|ca| format!("\"ssl.ca.location\" = {:?}\n", ca.display().to_string()))
        .unwrap_or_default();
    let config = dir.join("wirefeed.toml");
    std::fs::write(
        &config,
        format!(
            "[bus]\nkind = \"kafka\"\n\
             [bus.kafka]\nbootstrap_servers = {bootstrap:?}\ntopic_prefix = {prefix:?}\n\
             group_prefix = {prefix:?}\nretention_hours = 1\n\
             [bus.kafka.options]\n\"security.protocol\" = \"SASL_SSL\"\n\
             \"sasl.mechanisms\" = \"SCRAM-SHA-512\"\n\"sasl.username\" = {username:?}\n{ca}\
             [state]\ndir = {state:?}\n\
             [admin]\nlisten = \"127.0.0.1:0\"\n\
             [desk]\nlisten = \"127.0.0.1:0\"\nindex_dir = {desk:?}\n\
             [[fetcher.sources]]\nid = \"sasl-inbox\"\nkind = \"dir\"\npath = {inbox:?}\n\
             interval_secs = 1\nsettle_secs = 0\n\
             [[alerter.subscriptions]]\nid = \"syria-desk\"\nquery = \"Syria\"\n",
            bootstrap = broker.bootstrap,
            username = broker.username,
            state = dir.join("state"),
            desk = dir.join("desk"),
            inbox = dir.join("inbox"),
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("inbox")).unwrap();
    config
}

/// Starts `wirefeed run --config <config>` with its SASL password from `password_file`.
fn wirefeed_run(name: &str, dir: &Path, config: &Path, password_file: &Path) -> ChildGuard {
    let env: BTreeMap<String, String> = [(
        "WIREFEED__BUS__KAFKA__OPTIONS__SASL.PASSWORD_FILE".to_owned(),
        password_file.display().to_string(),
    )]
    .into();
    ChildGuard::spawn(
        name,
        &workspace_binary("wirefeed"),
        &[
            "run".to_owned(),
            "--config".to_owned(),
            config.display().to_string(),
        ],
        &env,
        dir,
    )
}

/// Reads `topic` over SASL_SSL from the beginning until `count` messages arrived or `wait`
/// passed; then a short grace period catches anything extra.
async fn read_topic(
    broker: &SaslBroker,
    topic: &str,
    count: usize,
    wait: Duration,
) -> Vec<ReadMessage> {
    let consumer: StreamConsumer = broker
        .client_config(&format!("reader.{topic}.{}", unique_prefix("r")))
        .create()
        .unwrap();
    consumer.subscribe(&[topic]).unwrap();
    let mut messages = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    let mut grace_deadline: Option<tokio::time::Instant> = None;
    loop {
        let until = grace_deadline.unwrap_or(deadline);
        match tokio::time::timeout_at(until, consumer.recv()).await {
            Ok(Ok(message)) => {
                messages.push(ReadMessage {
                    key: message.key().map(<[u8]>::to_vec),
                    payload: message.payload().unwrap_or_default().to_vec(),
                    headers: header_map(&message),
                    partition: message.partition(),
                });
                if messages.len() >= count && grace_deadline.is_none() {
                    grace_deadline = Some(tokio::time::Instant::now() + Duration::from_secs(2));
                }
            }
            // The topic may not be there yet: wirefeed run creates it as it starts.
            Ok(Err(KafkaError::MessageConsumption(RDKafkaErrorCode::UnknownTopicOrPartition))) => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Ok(Err(error)) => panic!("failed to read {topic} over SASL_SSL: {error}"),
            Err(_) => break,
        }
    }
    messages
}

/// Waits (bounded) for `process` to exit; its exit status and stderr.
fn wait_for_exit(process: &mut ChildGuard, dir: &Path) -> (std::process::ExitStatus, String) {
    let log = dir.join(format!("{}.err", process.name));
    let stderr = || std::fs::read_to_string(&log).unwrap_or_default();
    let deadline = Instant::now() + REFUSAL_WAIT;
    loop {
        if let Some(status) = process.exited() {
            return (status, stderr());
        }
        assert!(
            Instant::now() < deadline,
            "{} still runs after {REFUSAL_WAIT:?} against a broker that refuses it:\n{}",
            process.name,
            stderr()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Waits (bounded) until `wirefeed run` printed its desk's address: it is up, topics created.
fn wait_for_desk_line(process: &mut ChildGuard, dir: &Path) {
    let out = dir.join(format!("{}.out", process.name));
    let err = dir.join(format!("{}.err", process.name));
    let deadline = Instant::now() + WAIT;
    loop {
        let printed = std::fs::read_to_string(&out).unwrap_or_default();
        if printed.lines().any(|line| line.starts_with("DESK http://")) {
            return;
        }
        let logs = || std::fs::read_to_string(&err).unwrap_or_default();
        assert!(
            process.exited().is_none(),
            "wirefeed run stopped:\n{printed}\n{}",
            logs()
        );
        assert!(
            Instant::now() < deadline,
            "wirefeed run printed no DESK line:\n{printed}\n{}",
            logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_pipeline_runs_over_sasl_ssl_and_a_wrong_password_or_ca_is_refused() {
    let started = Instant::now();
    // Built first (a no-op when up to date), so the broker does not wait for the build.
    workspace_binary("wirefeed");
    eprintln!("wirefeed built after {:?}", started.elapsed());
    let broker = SaslBroker::start();
    eprintln!("SASL_SSL broker up after {:?}", started.elapsed());
    let runtime = tokio::runtime::Runtime::new().unwrap();

    // A wrong password: the broker refuses the login, and wirefeed says so and stops.
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &broker,
        &unique_prefix("sasl-wrong"),
        Some(&broker.ca_location),
    );
    let wrong_password = dir.path().join("wrong-password");
    std::fs::write(&wrong_password, "not-the-password\n").unwrap();
    let mut refused = wirefeed_run("wrong-password", dir.path(), &config, &wrong_password);
    let (status, stderr) = wait_for_exit(&mut refused, dir.path());
    assert!(!status.success(), "{status}\n{stderr}");
    assert!(
        stderr.contains("refused the login") && stderr.contains("Authentication failed"),
        "no clear authentication error:\n{stderr}"
    );
    assert!(stderr.contains("sasl.password"), "{stderr}");
    eprintln!("wrong password refused after {:?}", started.elapsed());
    assert!(
        !stderr.contains("not-the-password"),
        "the password was logged:\n{stderr}"
    );

    // No ssl.ca.location: the system's CAs never signed the broker's certificate, so the TLS
    // handshake fails (certificate verification is on) and wirefeed says so and stops.
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &broker, &unique_prefix("sasl-noca"), None);
    let mut untrusted = wirefeed_run("unknown-ca", dir.path(), &config, &broker.password_file);
    let (status, stderr) = wait_for_exit(&mut untrusted, dir.path());
    assert!(!status.success(), "{status}\n{stderr}");
    assert!(
        stderr.contains("TLS connection") && stderr.contains("ssl.ca.location"),
        "no clear TLS error:\n{stderr}"
    );
    eprintln!("unknown CA refused after {:?}", started.elapsed());

    // The right password and CA: items go through every stage over SASL_SSL.
    let dir = tempfile::tempdir().unwrap();
    let prefix = unique_prefix("sasl");
    let config = write_config(dir.path(), &broker, &prefix, Some(&broker.ca_location));
    std::fs::write(
        dir.path().join("inbox/agency.rss.xml"),
        rss_feed(&[
            (
                "tag:sasl,1",
                "Syria talks resume in Geneva",
                "GENEVA - Envoys met on Tuesday to revive the Syria peace process.",
            ),
            (
                "tag:sasl,2",
                "Central bank holds rates",
                "The central bank kept its main rate at 3.25 percent.",
            ),
        ]),
    )
    .unwrap();
    let mut pipeline = wirefeed_run("wirefeed-run", dir.path(), &config, &broker.password_file);
    wait_for_desk_line(&mut pipeline, dir.path());
    eprintln!("wirefeed run up after {:?}", started.elapsed());
    let enriched = runtime.block_on(read_topic(
        &broker,
        &format!("{prefix}{}", topics::ENRICHED),
        2,
        WAIT,
    ));
    let alerts = runtime.block_on(read_topic(
        &broker,
        &format!("{prefix}{}", topics::ALERTS),
        1,
        WAIT,
    ));
    let logs = std::fs::read_to_string(dir.path().join("wirefeed-run.err")).unwrap_or_default();
    assert!(
        pipeline.exited().is_none(),
        "wirefeed run stopped early:\n{logs}"
    );
    pipeline.terminate(Duration::from_secs(30));
    eprintln!("pipeline done after {:?}", started.elapsed());

    let envelopes: Vec<Envelope> = enriched
        .iter()
        .map(|m| Envelope::decode(&m.payload).unwrap())
        .collect();
    assert_eq!(envelopes.len(), 2, "{envelopes:#?}\n{logs}");
    for (message, envelope) in enriched.iter().zip(&envelopes) {
        assert_eq!(envelope.wire.source.as_str(), "sasl-inbox");
        assert_eq!(envelope.article.language.as_deref(), Some("en"));
        assert_eq!(envelope.wire.is_original, Some(true));
        // Enriched messages are keyed by their family id.
        let family = envelope.wire.family.as_ref().expect("a story family");
        assert_eq!(message.key.as_deref(), Some(family.as_str().as_bytes()));
    }
    let syria = envelopes
        .iter()
        .find(|e| e.article.headline() == Some("Syria talks resume in Geneva"))
        .expect("the syria story");
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let alert = Alert::decode(&alerts[0].payload).unwrap();
    assert_eq!(alert.subscription, "syria-desk");
    assert_eq!(Some(&alert.family), syria.wire.family.as_ref());
    drop(broker);
}
