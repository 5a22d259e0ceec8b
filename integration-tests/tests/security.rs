//! Security over real sockets on 127.0.0.1:
//! - the admin API: subscription changes need the bearer token configured from a `*_FILE`
//!   secret (none: 401, wrong: 403, right: done); reads stay open unless `admin.protect_reads`;
//! - secrets (a feed's API key header and basic-auth password, a webhook secret from a
//!   `secret_file` and one inline, the SMTP and Kafka passwords, the admin token) never appear
//!   in the logs of a run at `trace` level, in `/metrics`, or in the error messages the run
//!   produced, while every path that handles a secret was exercised (the keyed feed came
//!   through, the webhook got an alert signed with the file's secret, a wrong key, a missing
//!   key file, a refused SMTP server and a refused SASL login failed); each secret written
//!   inline in the config file is warned about by its key, and none read from a file is.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::*;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_util::sync::CancellationToken;
use wire_pipeline::{Pipeline, PipelineConfig};
use wire_runtime::config::BusConfig;
use wire_runtime::config::StateKind;
use wire_runtime::{LoadedConfig, ServiceContext, connect_bus};

const WAIT: Duration = Duration::from_secs(60);

/// One HTTP/1.1 request over a TCP socket: (status, headers and body as text).
async fn request(
    address: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut text = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    stream.write_all(text.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    (response[9..12].parse().unwrap(), response)
}

fn write_secret(dir: &std::path::Path, name: &str, value: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("{value}\n")).unwrap();
    path.to_str().unwrap().to_owned()
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A context for `loaded`'s bus and settings, with state in memory and `shutdown`.
async fn memory_state_context(
    loaded: &LoadedConfig,
    shutdown: &CancellationToken,
) -> ServiceContext {
    let mut runtime = loaded.runtime().unwrap();
    runtime.state.kind = StateKind::Memory;
    let bus = connect_bus(&runtime.bus).await.unwrap();
    ServiceContext::new(runtime, bus).with_shutdown(shutdown.clone())
}

/// The alerter's registry behind the real admin server, configured through the real config
/// loader from `env`; returns the admin address.
async fn alerter_admin(
    env: &[(String, String)],
    shutdown: &CancellationToken,
) -> std::net::SocketAddr {
    let loaded = LoadedConfig::load_from(None, env).unwrap();
    let context = memory_state_context(&loaded, shutdown).await;
    let address = context.serve_admin().await.unwrap().unwrap();
    let config = loaded.section("alerter").unwrap();
    tokio::spawn(wirefeed_alerter::run(config, context));
    // The registry accepts changes once the alerter has loaded its state.
    tokio::time::sleep(Duration::from_millis(300)).await;
    address
}

const SUBSCRIPTION: &str = r#"{"id": "api-desk", "query": "Syria"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_changes_need_the_admin_token_and_reads_stay_open() {
    let dir = tempfile::tempdir().unwrap();
    let token = "a-long-admin-token-0123456789";
    let token_file = write_secret(dir.path(), "admin-token", token);
    let shutdown = CancellationToken::new();
    let address = alerter_admin(
        &env(&[
            ("WIREFEED__ADMIN__LISTEN", "127.0.0.1:0"),
            ("WIREFEED__ADMIN__TOKEN_FILE", &token_file),
        ]),
        &shutdown,
    )
    .await;
    let right = format!("Bearer {token}");
    let wrong = [("Authorization", "Bearer a-long-admin-token-0123456780")];

    let (status, response) = request(address, "POST", "/subscriptions", &[], SUBSCRIPTION).await;
    assert_eq!(status, 401, "{response}");
    assert!(response.contains("www-authenticate: Bearer"), "{response}");
    let (status, response) = request(address, "POST", "/subscriptions", &wrong, SUBSCRIPTION).await;
    assert_eq!(status, 403, "{response}");
    let (status, response) = request(
        address,
        "POST",
        "/subscriptions",
        &[("Authorization", "Basic d2lyZWZlZWQ6eA==")],
        SUBSCRIPTION,
    )
    .await;
    assert_eq!(status, 401, "{response}");
    let (status, response) = request(
        address,
        "POST",
        "/subscriptions",
        &[("Authorization", &right)],
        SUBSCRIPTION,
    )
    .await;
    assert_eq!(status, 201, "{response}");
    // Reads are open: the added subscription is listed without a token.
    let (status, response) = request(address, "GET", "/subscriptions", &[], "").await;
    assert_eq!(status, 200, "{response}");
    assert!(response.contains("api-desk"), "{response}");
    for path in ["/livez", "/metrics"] {
        assert_eq!(
            request(address, "GET", path, &[], "").await.0,
            200,
            "{path}"
        );
    }
    let (status, _) = request(address, "DELETE", "/subscriptions/api-desk", &[], "").await;
    assert_eq!(status, 401);
    let (status, _) = request(address, "DELETE", "/subscriptions/api-desk", &wrong, "").await;
    assert_eq!(status, 403);
    let (status, response) = request(
        address,
        "DELETE",
        "/subscriptions/api-desk",
        &[("Authorization", &right)],
        "",
    )
    .await;
    assert_eq!(status, 204, "{response}");
    let (_, response) = request(address, "GET", "/metrics", &[], "").await;
    assert!(
        response.contains("wirefeed_admin_refused_total{reason=\"missing_token\"}"),
        "{response}"
    );
    assert!(!response.contains(token));

    // No token configured: every change is refused, whatever the request carries.
    let open = alerter_admin(
        &env(&[("WIREFEED__ADMIN__LISTEN", "127.0.0.1:0")]),
        &shutdown,
    )
    .await;
    let (status, response) = request(
        open,
        "POST",
        "/subscriptions",
        &[("Authorization", &right)],
        SUBSCRIPTION,
    )
    .await;
    assert_eq!(status, 403, "{response}");
    assert!(response.contains("admin.token"), "{response}");

    // protect_reads: reads need the token too, probes stay open.
    let guarded = alerter_admin(
        &env(&[
            ("WIREFEED__ADMIN__LISTEN", "127.0.0.1:0"),
            ("WIREFEED__ADMIN__TOKEN_FILE", &token_file),
            ("WIREFEED__ADMIN__PROTECT_READS", "true"),
        ]),
        &shutdown,
    )
    .await;
    for path in ["/subscriptions", "/metrics"] {
        assert_eq!(
            request(guarded, "GET", path, &[], "").await.0,
            401,
            "{path}"
        );
        let headers = [("Authorization", right.as_str())];
        assert_eq!(
            request(guarded, "GET", path, &headers, "").await.0,
            200,
            "{path}"
        );
    }
    for path in ["/livez", "/readyz"] {
        assert_ne!(
            request(guarded, "GET", path, &[], "").await.0,
            401,
            "{path}"
        );
    }
    shutdown.cancel();
}

/// A webhook call: its signature header and body.
type Delivered = (String, Vec<u8>);

/// Everything written by `tracing` (and `log`, through the bridge) in this test binary.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_secret_appears_in_logs_metrics_or_error_messages() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(true)
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();
    wire_runtime::telemetry::metrics_handle();

    let secrets: BTreeMap<&str, &str> = [
        ("feed api key", "feedkey-7f3a9c1e5b2d"),
        ("feed password", "feedpass-2d8e4a6c0f1b"),
        ("inline header of a refused feed", "wrongkey-5e7a9c1d3f"),
        ("webhook secret", "hooksecret-9b1d3f5a7c"),
        ("inline webhook secret", "inlinehook-6d2b8f0a4c"),
        ("smtp password", "smtppass-4c6e8a0b2d9f"),
        ("kafka password", "kafkapass-1a3c5e7b9d"),
        ("admin token", "admintoken-8f6d4b2a0c-long"),
    ]
    .into_iter()
    .collect();
    let dir = tempfile::tempdir().unwrap();
    let key_file = write_secret(dir.path(), "feed-key", secrets["feed api key"]);
    let password_file = write_secret(dir.path(), "feed-password", secrets["feed password"]);
    let smtp_file = write_secret(dir.path(), "smtp-password", secrets["smtp password"]);
    let kafka_file = write_secret(dir.path(), "kafka-password", secrets["kafka password"]);
    let admin_file = write_secret(dir.path(), "admin-token", secrets["admin token"]);
    let hook_file = write_secret(dir.path(), "webhook-secret", secrets["webhook secret"]);

    // A feed that answers only with the right key and password; a webhook receiver.
    let expected_key = secrets["feed api key"].to_owned();
    let feed = rss_feed(&[(
        "tag:keyed,1",
        "Syria talks resume in Geneva",
        "GENEVA - Envoys met on Tuesday to revive the Syria peace process.",
    )]);
    let received: Arc<Mutex<Vec<Delivered>>> = Arc::default();
    let hooks = received.clone();
    let router = axum::Router::new()
        .route(
            "/keyed.xml",
            axum::routing::get(move |headers: axum::http::HeaderMap| {
                let (feed, expected_key) = (feed.clone(), expected_key.clone());
                async move {
                    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
                    let basic = headers.get("authorization").is_some();
                    if key == Some(expected_key.as_str()) && basic {
                        (axum::http::StatusCode::OK, feed)
                    } else {
                        (axum::http::StatusCode::UNAUTHORIZED, String::new())
                    }
                }
            }),
        )
        .route(
            "/hook",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                    let hooks = hooks.clone();
                    async move {
                        let signature = headers
                            .get("x-wirefeed-signature")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        hooks.lock().unwrap().push((signature, body.to_vec()));
                        axum::http::StatusCode::OK
                    }
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let closed_port = processes::free_port();

    let config_file = dir.path().join("wirefeed.toml");
    let mut file = std::fs::File::create(&config_file).unwrap();
    write!(
        file,
        r#"
[telemetry]
level = "trace"
[admin]
listen = "127.0.0.1:0"
[fetcher]
min_interval_secs = 1

[[fetcher.sources]]
id = "keyed"
kind = "http"
url = "{base}/keyed.xml"
interval_secs = 1
allow_private_network = true
header_files = {{ "X-Api-Key" = "{key_file}" }}
username = "wirefeed"
password_file = "{password_file}"

[[fetcher.sources]]
id = "refused"
kind = "http"
url = "{base}/keyed.xml"
interval_secs = 1
allow_private_network = true
headers = {{ "X-Api-Key" = "{wrong}" }}

[[fetcher.sources]]
id = "missing-key-file"
kind = "http"
url = "{base}/keyed.xml"
interval_secs = 1
allow_private_network = true
header_files = {{ "X-Api-Key" = "{missing}" }}

[alerter]
print_alerts = false
[alerter.smtp]
host = "127.0.0.1"
port = {closed_port}
from = "alerts@wirefeed.test"
username = "wirefeed"
starttls = false
timeout_secs = 2
max_attempts = 2
initial_backoff_ms = 10
max_backoff_ms = 20

[[alerter.subscriptions]]
id = "secure-desk"
query = "Syria"
webhooks = [{{ url = "{base}/hook", secret_file = "{hook_file}" }}]
channels = [{{ kind = "email", to = ["desk@wirefeed.test"] }}]

[[alerter.subscriptions]]
id = "inline-secret-desk"
query = "zzqx-matches-nothing"
webhooks = [{{ url = "{base}/hook", secret = "{inline_hook_secret}" }}]
"#,
        wrong = secrets["inline header of a refused feed"],
        missing = dir.path().join("no-such-key").display(),
        inline_hook_secret = secrets["inline webhook secret"],
    )
    .unwrap();
    let loaded = LoadedConfig::load_from(
        Some(&config_file),
        &env(&[
            ("WIREFEED__ALERTER__SMTP__PASSWORD_FILE", &smtp_file),
            ("WIREFEED__ADMIN__TOKEN_FILE", &admin_file),
            (
                "WIREFEED__BUS__KAFKA__OPTIONS__SASL.PASSWORD_FILE",
                &kafka_file,
            ),
        ]),
    )
    .unwrap();
    let runtime = loaded.runtime().unwrap();
    // What every binary does once telemetry is up: one warning per inline secret, by key.
    loaded.warn_about_inline_secrets();
    tracing::info!(config = ?runtime.admin, "admin config");
    let mut errors: Vec<String> = Vec::new();

    // The pipeline in one process, over the in-process bus.
    let shutdown = CancellationToken::new();
    let context = memory_state_context(&loaded, &shutdown).await;
    let admin_address = context.serve_admin().await.unwrap().unwrap();
    let pipeline = Pipeline::start(
        PipelineConfig {
            normalizer: Default::default(),
            desk: None,
            ..PipelineConfig::from_loaded(&loaded).unwrap()
        },
        context,
    )
    .await
    .unwrap();
    let fetcher_registry = pipeline.sources().clone();

    // The keyed feed comes through to a signed webhook call; the other sources fail.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let statuses = fetcher_registry.snapshot();
        let failed = |id: &str| {
            statuses
                .iter()
                .any(|s| s.id == id && s.last_error.is_some())
        };
        if !received.lock().unwrap().is_empty() && failed("refused") && failed("missing-key-file") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the run did not get through: {statuses:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (signature, body) = received.lock().unwrap()[0].clone();
    assert_eq!(
        wirefeed_alerter::channels::signing::verify(
            secrets["webhook secret"],
            &signature,
            &body,
            chrono::Utc::now().timestamp(),
            wirefeed_alerter::channels::signing::DEFAULT_TOLERANCE_SECS,
        ),
        Ok(()),
        "{signature}"
    );
    for status in fetcher_registry.snapshot() {
        errors.extend(status.last_error);
    }
    // Admin calls with a wrong and the right token.
    let wrong = "Bearer admintoken-8f6d4b2a0c-lonX";
    let right = format!("Bearer {}", secrets["admin token"]);
    let (status, response) = request(
        admin_address,
        "POST",
        "/subscriptions",
        &[("Authorization", wrong)],
        SUBSCRIPTION,
    )
    .await;
    assert_eq!(status, 403);
    errors.push(response);
    let (status, _) = request(
        admin_address,
        "POST",
        "/subscriptions",
        &[("Authorization", &right)],
        SUBSCRIPTION,
    )
    .await;
    assert_eq!(status, 201);
    let (_, listed) = request(admin_address, "GET", "/subscriptions", &[], "").await;
    errors.push(listed);
    // Let the e-mail channel fail against the closed port.
    tokio::time::sleep(Duration::from_secs(3)).await;
    if let Err(error) = pipeline.shutdown().await {
        errors.push(format!("{error:#}"));
    }

    // Kafka with SASL against a broker that offers none: the login fails.
    let mut kafka: BusConfig = runtime.bus.clone();
    kafka.kind = wire_runtime::config::BusKind::Kafka;
    kafka.kafka.bootstrap_servers = bootstrap_servers();
    kafka.kafka.create_topics = false;
    kafka.kafka.message_timeout_ms = 3000;
    for (key, value) in [
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanisms", "PLAIN"),
        ("sasl.username", "wirefeed"),
    ] {
        kafka.kafka.options.insert(key.to_owned(), value.to_owned());
    }
    assert_eq!(
        kafka.kafka.options["sasl.password"],
        secrets["kafka password"]
    );
    match connect_bus(&kafka).await {
        Ok(bus) => {
            let record = wire_runtime::Record::new("wire.raw.v1", "k", b"x".to_vec());
            let result = wire_runtime::bus::publish(bus.as_ref(), record).await;
            errors.push(format!("{:?}", result.as_ref().err()));
            assert!(result.is_err(), "publishing without a SASL login worked");
            errors.extend(result.err().map(|e| e.to_string()));
        }
        Err(error) => errors.push(format!("{error:#}")),
    }
    // Config errors name the key, never the value of a secret.
    let short = write_secret(dir.path(), "short-token", "s3cr3t-short");
    let error = LoadedConfig::load_from(None, &env(&[("WIREFEED__ADMIN__TOKEN_FILE", &short)]))
        .unwrap()
        .runtime()
        .unwrap_err()
        .to_string();
    assert!(!error.contains("s3cr3t-short"), "{error}");
    errors.push(error);

    let logs = captured.text();
    let metrics = wire_runtime::telemetry::render_metrics();
    let dump = std::env::temp_dir().join("wirefeed-security-run.log");
    std::fs::write(&dump, format!("{logs}\n{metrics}")).unwrap();
    println!("the logs and metrics checked: {}", dump.display());
    // The paths that handle secrets were exercised and logged.
    for expected in [
        "keyed",
        "http status 401",
        "no-such-key",
        "admin request refused",
        "alerter-webhooks",
        "sasl",
    ] {
        assert!(
            logs.contains(expected) || errors.iter().any(|e| e.contains(expected)),
            "expected {expected:?} in the logs or errors"
        );
    }
    assert!(logs.lines().count() > 50, "too few log lines: {logs}");
    // The inline secrets were warned about by key; the file forms were not.
    let warnings: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("a secret is written inline"))
        .collect();
    let warned = |key: &str| {
        warnings
            .iter()
            .any(|line| line.contains(&format!("\"key\":\"{key}\"")))
    };
    assert!(
        warned("alerter.subscriptions[1].webhooks[0].secret"),
        "{warnings:?}"
    );
    assert!(
        warned("fetcher.sources[1].headers.X-Api-Key"),
        "{warnings:?}"
    );
    assert_eq!(warnings.len(), 2, "only the inline secrets: {warnings:?}");
    for error in &errors {
        println!(
            "error message checked: {}",
            error.lines().next().unwrap_or_default()
        );
    }
    println!(
        "captured {} log lines, {} bytes of metrics, {} error messages",
        logs.lines().count(),
        metrics.len(),
        errors.len()
    );
    for (what, secret) in &secrets {
        assert!(!logs.contains(secret), "the {what} appears in the logs");
        assert!(!metrics.contains(secret), "the {what} appears in /metrics");
        for error in &errors {
            assert!(!error.contains(secret), "the {what} appears in {error:?}");
        }
    }
}
