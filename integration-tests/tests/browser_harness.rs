//! The browser harness itself, against a page served here (no broker, no desk): a click runs an
//! external script, the wait helpers see what it changed, `eval` reads page state, screenshots
//! are PNG files, and a `Content-Security-Policy: default-src 'self'` blocks the page's inline
//! script (the same page without the header runs it: the check is not vacuous).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use integration_tests::browser::Browser;
use std::time::Duration;

/// A bound on waiting, not a timing assertion.
const WAIT: Duration = Duration::from_secs(30);
const CSP: &str = "default-src 'self'";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>harness</title>
<script>window.inlineRan = true;</script>
<script src="/app.js" defer></script>
</head>
<body>
<h1>Browser harness</h1>
<p id="pending">Waiting for a click</p>
<button id="go" type="button">Go</button>
</body>
</html>
"#;

const APP_JS: &str = r#"document.getElementById("go").addEventListener("click", () => {
  document.body.dataset.clicked = "yes";
  document.getElementById("pending").remove();
  const done = document.createElement("p");
  done.id = "done";
  done.textContent = "Done: clicked";
  document.body.append(done);
});
"#;

/// Serves `/` and `/app.js` with the CSP, `/no-csp` without it. Returns the base URL.
async fn serve_app() -> String {
    let router = axum::Router::new()
        .route(
            "/",
            axum::routing::get(|| async {
                (
                    [
                        (CONTENT_TYPE, "text/html; charset=utf-8"),
                        (CONTENT_SECURITY_POLICY, CSP),
                    ],
                    PAGE,
                )
            }),
        )
        .route(
            "/no-csp",
            axum::routing::get(|| async { ([(CONTENT_TYPE, "text/html; charset=utf-8")], PAGE) }),
        )
        .route(
            "/app.js",
            axum::routing::get(|| async {
                (
                    [
                        (CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (CONTENT_SECURITY_POLICY, CSP),
                    ],
                    APP_JS,
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

fn assert_png(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        path.display()
    );
}

#[tokio::test]
async fn click_wait_eval_screenshot_and_csp() {
    let base = serve_app().await;
    let browser = Browser::start().await.unwrap();

    browser.goto(&format!("{base}/")).await.unwrap();
    browser
        .wait_for("#go", WAIT)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done = browser.wait_for("#done", WAIT).await.unwrap();
    assert_eq!(done.text().await.unwrap(), "Done: clicked");
    browser.wait_for_text("p", "clicked", WAIT).await.unwrap();
    browser.wait_until_absent("#pending", WAIT).await.unwrap();
    let clicked = browser
        .eval("return document.body.dataset.clicked")
        .await
        .unwrap();
    assert_eq!(clicked, "yes");

    // The CSP blocked the inline script; without the header the same page runs it.
    let inline = browser
        .eval("return window.inlineRan === true")
        .await
        .unwrap();
    assert_eq!(inline, false, "the inline script ran despite the CSP");

    let desktop = browser.screenshot("browser-harness-desktop").await.unwrap();
    assert_png(&desktop);
    browser.set_size(390, 844).await.unwrap();
    let viewport = browser
        .eval("return [innerWidth, innerHeight]")
        .await
        .unwrap();
    assert_eq!(viewport, serde_json::json!([390, 844]));
    let phone = browser.screenshot("browser-harness-phone").await.unwrap();
    assert_png(&phone);

    // A wait that cannot succeed says what it waited for and where.
    let error = browser
        .wait_for("#never", Duration::from_millis(300))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("`#never`"), "{error}");
    assert!(error.contains(&base), "{error}");
    assert!(error.contains("Browser harness"), "{error}");

    browser.goto(&format!("{base}/no-csp")).await.unwrap();
    let inline = browser
        .eval("return window.inlineRan === true")
        .await
        .unwrap();
    assert_eq!(inline, true, "without the CSP the inline script should run");

    browser.close().await.unwrap();
}
