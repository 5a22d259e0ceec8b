//! The web desk's pages over HTTP on a real listener: what every answer promises (the
//! Content-Security-Policy, escaped and sanitized provider text), signing in for a session
//! cookie, changes refused without it or without the form's CSRF token, reads protected
//! when `admin.protect_reads` is set, and a page's weight. The browser tests
//! (integration-tests/tests/web_desk.rs) drive the same pages in Chromium.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::broadcast;
use wirefeed_desk::api::ApiState;
use wirefeed_desk::web::operations::Operations;
use wirefeed_desk::web::session::Sessions;
use wirefeed_desk::web::{CONTENT_SECURITY_POLICY, WebState, desk_router, templates};

const TOKEN: &str = "web-test-admin-token-0123";

struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
}

async fn request(address: &str, method: &str, path: &str, headers: &str, body: &str) -> Answer {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{headers}\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    Answer {
        status: head[9..12].parse().unwrap(),
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// A desk over an archive of `envelopes`, reads protected or not.
async fn serve(
    envelopes: &[wire_model::Envelope],
    protect_reads: bool,
) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    add_all(&mut writer, envelopes);
    let (live, _) = broadcast::channel(16);
    let web = WebState {
        reader: reader.clone(),
        sessions: Sessions::new(
            Some(TOKEN.to_owned()),
            protect_reads,
            Duration::from_secs(600),
        ),
        operations: Operations::InProcess(axum::Router::new()),
        templates: Arc::new(templates().unwrap()),
    };
    let router = desk_router(web, ApiState { reader, live });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (address, dir)
}

fn hostile() -> wire_model::Envelope {
    let mut envelope = article(
        "urn:test:hostile",
        "family-hostile",
        "Marina <script>window.pwned=1</script> opens",
        "A marina opened <img src=x onerror=alert(1)> in Larnaca.",
        1,
    );
    envelope.article.bodies.push(wire_model::Body {
        role: None,
        content_type: Some("text/html".to_owned()),
        char_count: None,
        word_count: None,
        value: "<p onclick=\"x()\">A marina</p><script>window.pwned=1</script>\
                <img src=\"x\" onerror=\"window.pwned=2\"><a href=\"javascript:alert(1)\">more</a>"
            .to_owned(),
    });
    envelope.wire.link = Some("javascript:alert(1)".to_owned());
    envelope
}

#[tokio::test]
async fn pages_carry_the_policy_and_show_provider_text_only_escaped_or_sanitized() {
    let original = article(
        "urn:test:1",
        "family-1",
        "Ceasefire holds in Idlib",
        "Monitors said.",
        0,
    );
    let copy = pickup(&original, "urn:test:2", "outlet", 5);
    let (address, _dir) = serve(&[original, copy, hostile()], false).await;
    for path in [
        "/",
        "/?c=idlib",
        "/search?q=marina",
        "/sources",
        "/subscriptions",
        "/login",
    ] {
        let answer = request(&address, "GET", path, "", "").await;
        assert!(
            answer.status == 200,
            "{path}: {} {}",
            answer.status,
            answer.body
        );
        assert_eq!(
            answer.header("content-security-policy").as_deref(),
            Some(CONTENT_SECURITY_POLICY)
        );
        assert!(
            !answer.body.contains("<script>"),
            "{path} has an inline script"
        );
        assert!(
            !answer.body.contains(" style="),
            "{path} has an inline style"
        );
        assert!(
            answer.body.len() < 200_000,
            "{path} weighs {} bytes",
            answer.body.len()
        );
    }
    // The family is one card with both copies.
    let wire = request(&address, "GET", "/?c=idlib", "", "").await.body;
    assert_eq!(wire.matches("<article class=\"card").count(), 1, "{wire}");
    assert!(wire.contains("2 copies"), "{wire}");
    assert!(
        wire.contains(">09:00</time>") && wire.contains(">09:05</time>"),
        "first and latest copy: {wire}"
    );
    // The hostile article: its text escaped, its HTML cleaned, its javascript: link not a link.
    let page = request(&address, "GET", "/article?uri=urn%3Atest%3Ahostile", "", "").await;
    assert_eq!(page.status, 200, "{}", page.body);
    // Escaped text never holds `<`: every `<` opens a tag the page itself made.
    for tag in page
        .body
        .split('<')
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or_default())
    {
        let tag = tag.to_lowercase();
        for forbidden in ["onerror", "onclick", "javascript:"] {
            assert!(
                !tag.contains(forbidden),
                "the article page has a tag with {forbidden}: <{tag}>"
            );
        }
        assert!(tag != "script", "an inline script");
    }
    assert!(
        page.body
            .contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"),
        "the headline is shown, escaped"
    );
    assert!(
        page.body.contains("<p>A marina</p>"),
        "the cleaned provider HTML is shown"
    );
}

#[tokio::test]
async fn the_token_buys_a_strict_session_and_changes_need_its_csrf_token() {
    let (address, _dir) = serve(&[], false).await;
    let wrong = request(&address, "POST", "/login", "", "token=nope&next=%2F").await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.header("set-cookie").is_none());
    let signed = request(
        &address,
        "POST",
        "/login",
        "",
        &format!("token={TOKEN}&next=%2F%2Fevil.example"),
    )
    .await;
    assert_eq!(signed.status, 303);
    assert_eq!(
        signed.header("location").as_deref(),
        Some("/"),
        "never sent to another site"
    );
    let cookie = signed.header("set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let with_cookie = format!("Cookie: {session}\r\n");
    let form = request(&address, "GET", "/subscriptions/edit", &with_cookie, "")
        .await
        .body;
    let csrf = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    assert_eq!(csrf.len(), 64);
    let body = "id=x&query=syria&csrf=";
    // No session, a forged token, another site's form: all refused before anything changes.
    assert_eq!(
        request(
            &address,
            "POST",
            "/subscriptions",
            "",
            &format!("{body}{csrf}")
        )
        .await
        .status,
        401
    );
    assert_eq!(
        request(
            &address,
            "POST",
            "/subscriptions",
            &with_cookie,
            &format!("{body}forged")
        )
        .await
        .status,
        403
    );
    let cross_site = format!("{with_cookie}Origin: http://evil.example\r\n");
    assert_eq!(
        request(
            &address,
            "POST",
            "/subscriptions",
            &cross_site,
            &format!("{body}{csrf}")
        )
        .await
        .status,
        403
    );
    // With both, the change reaches the alerter: none runs here, and the page says so.
    let sent = request(
        &address,
        "POST",
        "/subscriptions",
        &with_cookie,
        &format!("{body}{csrf}"),
    )
    .await;
    assert_eq!(sent.status, 400, "{}", sent.body);
    assert!(sent.body.contains("alerter"), "{}", sent.body);
    // Signing out ends the session.
    let out = request(
        &address,
        "POST",
        "/logout",
        &with_cookie,
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(out.status, 303);
    assert_eq!(
        request(
            &address,
            "POST",
            "/subscriptions",
            &with_cookie,
            &format!("{body}{csrf}")
        )
        .await
        .status,
        401
    );
}

#[tokio::test]
async fn protected_reads_send_pages_to_sign_in_and_refuse_the_api() {
    let (address, _dir) = serve(&[article("urn:test:1", "f", "Talks", "Text.", 0)], true).await;
    let page = request(&address, "GET", "/search?q=talks", "", "").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.header("location").as_deref(),
        Some("/login?next=%2Fsearch%3Fq%3Dtalks")
    );
    assert_eq!(
        request(&address, "GET", "/api/search?q=talks", "", "")
            .await
            .status,
        401
    );
    assert_eq!(request(&address, "GET", "/login", "", "").await.status, 200);
    assert_eq!(
        request(&address, "GET", "/static/desk.js", "", "")
            .await
            .status,
        200
    );
    let bearer = format!("Authorization: Bearer {TOKEN}\r\n");
    assert_eq!(
        request(&address, "GET", "/api/search?q=talks", &bearer, "")
            .await
            .status,
        200
    );
}
