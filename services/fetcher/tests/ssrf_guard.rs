//! The SSRF guard on, over real servers on 127.0.0.1: the feed server is let through by its
//! exact socket address ([`wirefeed_fetcher::Fetcher::with_guard_exemptions`]), everything else
//! is guarded as in production.
//!
//! - Every redirect hop is checked: a feed that redirects (after an allowed hop) to a loopback,
//!   private, link-local or metadata address, by literal or by a name that resolves to one, is
//!   refused with the `blocked` class, and the private server is never contacted.
//! - With `HTTP_PROXY` set, the guard resolves and checks each target itself before the request
//!   goes to the proxy: the proxy is never asked for a private target. reqwest reads the proxy
//!   from the environment, which a test may not change in its own process, so that part runs
//!   in a child process of this test binary with `HTTP_PROXY` set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use common::*;
use std::sync::{Arc, Mutex};
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

/// An HTTP source polled every second behind the SSRF guard (the production default).
fn guarded_source(id: &str, url: &str) -> SourceConfig {
    SourceConfig::Http(HttpSource {
        interval_secs: Some(1),
        ..HttpSource::new(id, url)
    })
}

fn feed() -> String {
    rss(&[(
        "tag:guard,1",
        "Harbour reopens",
        "The harbour reopened on Tuesday.",
    )])
}

/// A server that serves `/feed.xml`, as a private service would.
async fn private_server() -> Server {
    let body = feed();
    Server::start(Router::new().route("/feed.xml", get(move || async move { body }))).await
}

/// Where each guarded source is redirected on its third hop, after two allowed ones.
fn private_targets(private: &Server) -> Vec<(&'static str, String)> {
    let port = private.port();
    vec![
        ("loopback-literal", private.url("/feed.xml")),
        (
            "localhost-name",
            format!("http://localhost:{port}/feed.xml"),
        ),
        ("ipv6-loopback", format!("http://[::1]:{port}/feed.xml")),
        (
            "ipv4-mapped-loopback",
            format!("http://[::ffff:127.0.0.1]:{port}/feed.xml"),
        ),
        (
            "decimal-loopback",
            format!("http://2130706433:{port}/feed.xml"),
        ),
        (
            "cloud-metadata",
            "http://169.254.169.254/latest/meta-data/".to_owned(),
        ),
        ("private-10", "http://10.0.0.1/feed.xml".to_owned()),
    ]
}

/// The feed server: `/start/<i>` redirects (302) to `/middle/<i>`, which redirects (307) to
/// target `i`; `/feed.xml` is a feed.
async fn redirecting_server(targets: Vec<String>) -> Server {
    let mut routes = Router::new().route("/feed.xml", get(|| async { feed() }));
    for (index, target) in targets.into_iter().enumerate() {
        let middle = format!("/middle/{index}");
        routes = routes
            .route(
                &format!("/start/{index}"),
                get(move || async move { Redirect::to(&middle).into_response() }),
            )
            .route(
                &format!("/middle/{index}"),
                get(move || async move { Redirect::temporary(&target).into_response() }),
            );
    }
    Server::start(routes).await
}

#[tokio::test]
async fn a_redirect_to_a_private_address_is_refused_on_a_later_hop() {
    let private = private_server().await;
    let targets = private_targets(&private);
    let mut hops: Vec<String> = targets.iter().map(|(_, url)| url.clone()).collect();
    // The control: the same two hops, then the feed server's own feed (relative: the exempt
    // address) is fetched.
    hops.push("/feed.xml".to_owned());
    let entry = redirecting_server(hops).await;
    let mut sources: Vec<SourceConfig> = targets
        .iter()
        .enumerate()
        .map(|(index, (id, _))| guarded_source(id, &entry.url(&format!("/start/{index}"))))
        .collect();
    let control = targets.len();
    sources.push(guarded_source(
        "control",
        &entry.url(&format!("/start/{control}")),
    ));
    let mut fetcher = Fetcher::start_guarded(config(sources), vec![entry.address()]).await;

    let item = fetcher.next_item().await;
    assert_eq!(item.source.as_str(), "control");
    for (index, (id, target)) in targets.iter().enumerate() {
        let status = fetcher
            .wait_for_status(id, |s| s.consecutive_errors > 0)
            .await;
        assert_eq!(
            status.last_error_class.as_deref(),
            Some("blocked"),
            "{id} ({target}): {:?}",
            status.last_error
        );
        // The refused hop is the third: the first two were followed.
        assert!(entry.hits(&format!("/middle/{index}")) >= 1, "{id}");
    }
    assert_eq!(private.total_hits(), 0, "the private server was contacted");
    fetcher.stop().await;
}

#[tokio::test]
async fn a_feed_url_that_names_a_private_address_is_refused_on_the_first_hop() {
    let private = private_server().await;
    let sources = private_targets(&private)
        .into_iter()
        .map(|(id, url)| guarded_source(id, &url))
        .collect();
    let fetcher = Fetcher::start_guarded(config(sources), Vec::new()).await;
    for (id, _) in private_targets(&private) {
        let status = fetcher
            .wait_for_status(id, |s| s.consecutive_errors > 0)
            .await;
        assert_eq!(status.last_error_class.as_deref(), Some("blocked"), "{id}");
    }
    assert_eq!(private.total_hits(), 0);
    fetcher.stop().await;
}

// ---------------------------------------------------------------------------------------------
// With a proxy

/// The child's environment variable: `<exempt port>,<private port>`.
const CHILD_PORTS: &str = "WIREFEED_TEST_GUARD_CHILD_PORTS";

/// A forward proxy stand-in on 127.0.0.1: it records the request target of every request
/// (absolute-form, `http://host:port/path`, as clients send to a proxy) and answers
/// `/redirect` with a redirect to `redirect_to`, anything else with a feed.
struct RecordingProxy {
    address: std::net::SocketAddr,
    asked: Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    async fn start(redirect_to: String) -> Self {
        let asked: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = asked.clone();
        let app = Router::new().fallback(move |request: Request| {
            let log = log.clone();
            let redirect_to = redirect_to.clone();
            async move {
                log.lock().unwrap().push(request.uri().to_string());
                let answer: Response = if request.uri().path() == "/redirect" {
                    Redirect::to(&redirect_to).into_response()
                } else {
                    feed().into_response()
                };
                answer
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { address, asked }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn with_a_proxy_set_a_private_target_is_checked_before_the_proxy_is_asked() {
    // `direct` would answer if the allowed source did not go through the proxy.
    let direct = private_server().await;
    let private = private_server().await;
    let private_by_name = format!("http://localhost:{}/feed.xml", private.port());
    let proxy = RecordingProxy::start(private_by_name).await;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "fetches_through_a_proxy_in_a_child_process",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        // By name: the proxy's own name is trusted though it resolves to loopback.
        .env(
            "HTTP_PROXY",
            format!("http://localhost:{}", proxy.address.port()),
        )
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env(CHILD_PORTS, format!("{},{}", direct.port(), private.port()));
    // On the blocking pool: this runtime keeps serving the proxy and the servers meanwhile.
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .unwrap()
        .unwrap();
    let shown = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the child failed:\n{shown}");
    assert!(
        shown.contains("1 passed"),
        "the child ran no test:\n{shown}"
    );
    let asked = proxy.asked();
    let allowed = format!("{}", direct.address());
    // The allowed source went through the proxy: the guard did not just break proxying.
    assert!(
        asked.iter().any(|target| target.contains(&allowed)),
        "{asked:?}"
    );
    assert!(
        asked.iter().all(|target| target.contains(&allowed)),
        "the proxy was asked for a target the guard must refuse: {asked:?}"
    );
    assert_eq!(
        direct.total_hits(),
        0,
        "the allowed source bypassed the proxy"
    );
    assert_eq!(private.total_hits(), 0, "the private server was contacted");
}

/// The child of the test above: runs with `HTTP_PROXY` set and fails unless every source ends
/// as expected. Does nothing when not started by it.
#[tokio::test]
#[ignore = "run by with_a_proxy_set_a_private_target_is_checked_before_the_proxy_is_asked"]
async fn fetches_through_a_proxy_in_a_child_process() {
    let Ok(ports) = std::env::var(CHILD_PORTS) else {
        return;
    };
    let (exempt, private) = ports.split_once(',').unwrap();
    let exempt: std::net::SocketAddr = format!("127.0.0.1:{exempt}").parse().unwrap();
    let sources = vec![
        guarded_source("allowed", &format!("http://{exempt}/feed.xml")),
        guarded_source(
            "private-by-name",
            &format!("http://localhost:{private}/feed.xml"),
        ),
        guarded_source(
            "private-literal",
            &format!("http://127.0.0.1:{private}/feed.xml"),
        ),
        guarded_source("private-on-redirect", &format!("http://{exempt}/redirect")),
        guarded_source(
            "not-resolvable-here",
            "http://wirefeed-guard-test.invalid/feed.xml",
        ),
    ];
    let mut fetcher = Fetcher::start_guarded(config(sources), vec![exempt]).await;
    let item = fetcher.next_item().await;
    assert_eq!(item.source.as_str(), "allowed");
    for (id, class) in [
        ("private-by-name", "blocked"),
        ("private-literal", "blocked"),
        ("private-on-redirect", "blocked"),
        ("not-resolvable-here", "dns"),
    ] {
        let status = fetcher
            .wait_for_status(id, |s| s.consecutive_errors > 0)
            .await;
        assert_eq!(
            status.last_error_class.as_deref(),
            Some(class),
            "{id}: {:?}",
            status.last_error
        );
    }
    fetcher.stop().await;
}
