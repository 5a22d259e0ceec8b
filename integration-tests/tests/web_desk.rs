//! The web wire desk as an editor uses it, in headless Chromium, over `wirefeed run` on the
//! real broker with the demo inbox as its drop folder:
//!
//! 1. the live wire shows the demo's Syria story as one card with its pickup; an item dropped
//!    into the folder appears without a reload, and a pickup of it joins its card;
//! 2. a search narrows the list, a facet narrows it further, a bad query shows its column;
//! 3. the article view marks the evidence of a place tag;
//! 4. a subscription created in the browser (after signing in) raises an alert for the next
//!    matching article, seen in its delivery log;
//! 5. an item whose body carries `<script>` and an `onerror=` attribute runs nothing;
//! 6. the sources page shows the drop folder's health.
//!
//! Screenshots of each view go to `target/screenshots/`. Waits are bounded by generous
//! timeouts; how long the live wire took is printed, not asserted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fantoccini::Locator;
use integration_tests::browser::Browser;
use integration_tests::processes::{ChildGuard, workspace_binary, workspace_root};
use integration_tests::{require_broker, unique_prefix};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(90);
const TOKEN: &str = "web-desk-test-admin-token";

/// A ninjs item as an agency would drop it.
fn item(uri: &str, headline: &str, body_html: &str, body_text: &str) -> String {
    serde_json::json!({
        "uri": uri,
        "type": "text",
        "version": "1",
        "firstCreated": chrono::Utc::now().to_rfc3339(),
        "versionCreated": chrono::Utc::now().to_rfc3339(),
        "pubStatus": "usable",
        "urgency": 3,
        "language": "en",
        "headlines": [{ "role": "main", "value": headline }],
        "bodies": [
            { "role": "main", "contentType": "text/html", "value": body_html },
            { "role": "main", "contentType": "text/plain", "value": body_text }
        ]
    })
    .to_string()
}

/// Writes `content` as `name` in the drop folder the way an agency's transfer does: to a
/// temporary name, then renamed.
fn drop_file(inbox: &Path, name: &str, content: &str) {
    let partial = inbox.join(format!(".{name}.part"));
    std::fs::write(&partial, content).unwrap();
    std::fs::rename(&partial, inbox.join(name)).unwrap();
}

const HARBOUR_TEXT: &str = "VALLETTA (Wirefeed Demo) - Cranes at Malta's Freeport stood idle on \
    Monday as harbour pilots walked out over a pay dispute, leaving a dozen container ships \
    waiting offshore. The pilots' union said the strike would last 48 hours unless the port \
    authority reopened talks on allowances.";

struct Desk {
    _process: ChildGuard,
    _dir: tempfile::TempDir,
    inbox: std::path::PathBuf,
    url: String,
    logs: std::path::PathBuf,
}

/// `wirefeed run` over the broker, the demo inbox copied into a drop folder of its own.
fn start_desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    for entry in std::fs::read_dir(workspace_root().join("config/samples/inbox")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), inbox.join(entry.file_name())).unwrap();
    }
    let prefix = unique_prefix("web-desk");
    let config = dir.path().join("wirefeed.toml");
    std::fs::write(
        &config,
        format!(
            "[bus]\nkind = \"kafka\"\n[bus.kafka]\nbootstrap_servers = {broker:?}\n\
             topic_prefix = {prefix:?}\ngroup_prefix = {prefix:?}\nretention_hours = 1\n\
             [state]\ndir = {state:?}\n\
             [admin]\nlisten = \"127.0.0.1:0\"\ntoken = {TOKEN:?}\n\
             [desk]\nlisten = \"127.0.0.1:0\"\nindex_dir = {desk:?}\ncommit_interval_ms = 100\n\
             [[fetcher.sources]]\nid = \"demo-inbox\"\nkind = \"dir\"\npath = {inbox:?}\n\
             interval_secs = 1\nsettle_secs = 0\n",
            broker = require_broker(),
            state = dir.path().join("state"),
            desk = dir.path().join("desk"),
        ),
    )
    .unwrap();
    let process = ChildGuard::spawn(
        "wirefeed-run",
        &workspace_binary("wirefeed"),
        &[
            "run".to_owned(),
            "--config".to_owned(),
            config.display().to_string(),
        ],
        &BTreeMap::new(),
        dir.path(),
    );
    let out = dir.path().join("wirefeed-run.out");
    let logs = dir.path().join("wirefeed-run.err");
    let deadline = Instant::now() + WAIT;
    let url = loop {
        let printed = std::fs::read_to_string(&out).unwrap_or_default();
        if let Some(line) = printed
            .lines()
            .find(|line| line.starts_with("DESK http://"))
        {
            let address = line["DESK http://".len()..].split('/').next().unwrap();
            break format!("http://{address}");
        }
        assert!(
            Instant::now() < deadline,
            "wirefeed run printed no DESK line:\n{printed}\n{}",
            std::fs::read_to_string(&logs).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    Desk {
        _process: process,
        _dir: dir,
        inbox,
        url,
        logs,
    }
}

/// Presses and releases `key` on the keyboard.
async fn press(browser: &Browser, key: char) -> anyhow::Result<()> {
    use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser.client().perform_actions(actions).await?;
    Ok(())
}

async fn count(browser: &Browser, css: &str) -> usize {
    browser
        .client()
        .find_all(Locator::Css(css))
        .await
        .unwrap()
        .len()
}

/// Reloads `url` until `css` holds `text` (a page without a live stream, as a person would).
async fn reload_until(browser: &Browser, url: &str, css: &str, text: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        browser.goto(url).await.unwrap();
        if browser
            .wait_for_text(css, text, Duration::from_millis(500))
            .await
            .is_ok()
        {
            return;
        }
        assert!(Instant::now() < deadline, "{url}: no {css} with {text:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_works_the_wire_in_a_browser() {
    let desk = start_desk();
    let browser = Browser::start().await.unwrap();
    let result = the_desk_in_use(&browser, &desk).await;
    let _ = browser.close().await;
    if let Err(error) = result {
        panic!(
            "{error:#}\n--- wirefeed run's log (tail) ---\n{}",
            std::fs::read_to_string(&desk.logs)
                .unwrap_or_default()
                .lines()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

async fn the_desk_in_use(browser: &Browser, desk: &Desk) -> anyhow::Result<()> {
    let url = &desk.url;

    // 1. The live wire: the demo's Syria story is one card with its pickup.
    browser.goto(&format!("{url}/?c=")).await?;
    browser.wait_for("body[data-ready=yes]", WAIT).await?;
    let syria = ".card[data-family] .copies";
    reload_until(
        browser,
        &format!("{url}/?c=syria"),
        ".card .copy-count",
        "2 copies",
    )
    .await;
    assert_eq!(
        count(browser, ".card").await,
        1,
        "the Syria story is one card"
    );
    let copies = browser.wait_for(syria, WAIT).await?.text().await?;
    assert!(
        copies.contains("gazette.demo.invalid"),
        "the pickup's outlet: {copies}"
    );
    browser.screenshot("live-wire-syria").await?;

    // An item dropped while the wire is open appears without a reload.
    browser.goto(&format!("{url}/?c=&c=valletta")).await?;
    browser
        .wait_for("section.column[data-live=open]", WAIT)
        .await?;
    browser
        .eval("window.__sameDocument = 'yes'; return true;")
        .await?;
    let dropped = Instant::now();
    drop_file(
        &desk.inbox,
        "harbour-1.ninjs.json",
        &item(
            "urn:test:web-desk:harbour-1",
            "Harbour pilots strike leaves Valletta cranes idle",
            &format!("<p>{HARBOUR_TEXT}</p>"),
            HARBOUR_TEXT,
        ),
    );
    let card = ".card .headline";
    browser
        .wait_for_text(card, "Harbour pilots strike", WAIT)
        .await?;
    println!(
        "live wire: the dropped item appeared {:?} after the drop",
        dropped.elapsed()
    );
    let same = browser
        .eval("return window.__sameDocument || 'reloaded';")
        .await?;
    assert_eq!(same, "yes", "the page must not reload");
    // Its pickup joins the card.
    drop_file(
        &desk.inbox,
        "harbour-2.ninjs.json",
        &item(
            "urn:test:web-desk:harbour-2-outlet",
            "Harbour pilots strike leaves Valletta cranes idle",
            &format!("<p>{HARBOUR_TEXT} (Reporting by the desk)</p>"),
            &format!("{HARBOUR_TEXT} (Reporting by the desk)"),
        ),
    );
    browser
        .wait_for_text(
            "section.column[data-query=valletta] .copy-count",
            "2 copies",
            WAIT,
        )
        .await?;
    assert_eq!(
        count(browser, "section.column[data-query=valletta] .card").await,
        1,
        "the pickup joined its card"
    );
    assert_eq!(
        browser
            .eval("return window.__sameDocument || 'reloaded';")
            .await?,
        "yes"
    );
    browser.screenshot("live-wire-pickup").await?;
    browser.goto(&format!("{url}/?c=&c=syria")).await?;
    browser
        .wait_for("section.column[data-live=open]", WAIT)
        .await?;
    browser.screenshot("live-wire").await?;
    // The keyboard: j moves to the first card, j again to the next, / goes to the search box.
    press(browser, 'j').await?;
    press(browser, 'j').await?;
    let focused = browser
        .eval("const a = document.activeElement; return [...document.querySelectorAll('.card')].indexOf(a);")
        .await?;
    assert_eq!(focused, 1, "j moved to the second card");
    press(browser, '/').await?;
    let focused = browser.eval("return document.activeElement.id;").await?;
    assert_eq!(focused, "find-q", "/ goes to the search box");
    browser.set_size(390, 844).await?;
    browser.screenshot("live-wire-phone").await?;
    browser.set_size(1280, 900).await?;

    // 2. Search, a facet, a bad query.
    browser.goto(&format!("{url}/search")).await?;
    let query = browser.wait_for("#q", WAIT).await?;
    query.send_keys("talks\u{E007}").await?; // Enter submits
    browser.wait_for_text(".count", "match", WAIT).await?;
    let broad = count(browser, ".results .card").await;
    assert!(
        broad >= 2,
        "talks: the Syria and COP31 stories, found {broad}"
    );
    let geneva = browser
        .wait_for(
            "section.facet[data-facet=places] a[data-value=Geneva]",
            WAIT,
        )
        .await?;
    geneva.click().await?;
    browser.wait_for_text(".count", "match", WAIT).await?;
    let narrow = count(browser, ".results .card").await;
    assert!(
        narrow >= 1 && narrow < broad,
        "a facet narrows: {broad} → {narrow}"
    );
    browser
        .wait_for_text(".results .card .headline", "Syria", WAIT)
        .await?;
    browser.screenshot("search").await?;
    browser
        .goto(&format!("{url}/search?q=%28syria+AND"))
        .await?;
    let error = browser
        .wait_for(".results .error", WAIT)
        .await?
        .text()
        .await?;
    assert!(
        error.contains("column"),
        "the error names its column: {error}"
    );

    // 3. The article view marks a place's evidence.
    browser.goto(&format!("{url}/?c=syria")).await?;
    browser
        .wait_for(".card .headline a", WAIT)
        .await?
        .click()
        .await?;
    let mark = browser.wait_for(".body mark.ev-place", WAIT).await?;
    let marked = mark.text().await?;
    let number = mark.attr("data-tag").await?.unwrap_or_default();
    let tag = browser
        .wait_for(&format!(".tag-place[data-tag=\"{number}\"]"), WAIT)
        .await?
        .text()
        .await?;
    assert!(
        !marked.is_empty() && tag.to_lowercase().contains(&marked.to_lowercase()),
        "the mark {marked:?} is one of its tag's terms: {tag}"
    );
    browser
        .wait_for_text(".provenance", "demo-inbox", WAIT)
        .await?;
    browser.wait_for(".timeline svg", WAIT).await?;
    browser.screenshot("article").await?;

    // 4. A subscription made in the browser alerts on the next matching article.
    browser
        .goto(&format!("{url}/login?next=/subscriptions/edit"))
        .await?;
    browser
        .wait_for("#token", WAIT)
        .await?
        .send_keys(TOKEN)
        .await?;
    browser
        .wait_for(".login button", WAIT)
        .await?
        .click()
        .await?;
    browser
        .wait_for("#sub-id", WAIT)
        .await?
        .send_keys("ferry-desk")
        .await?;
    let query = browser.wait_for("#sub-query", WAIT).await?;
    query.send_keys("ferry AND (").await?;
    browser
        .wait_for_text("#sub-query-error", "Column", WAIT)
        .await?;
    query.clear().await?;
    query.send_keys("ferry OR ferries").await?;
    browser
        .wait_until_absent("#sub-query[aria-invalid]", WAIT)
        .await?;
    browser
        .wait_for(".subscription-form button[type=submit]", WAIT)
        .await?
        .click()
        .await?;
    browser
        .wait_for_text(".notice", "Saved ferry-desk", WAIT)
        .await?;
    browser.screenshot("subscription").await?;
    let ferry = "ATHENS (Wirefeed Demo) - Greek ferries stayed in port on Tuesday as seamen \
        began a 24-hour strike over pensions, stranding thousands of travellers in Piraeus.";
    drop_file(
        &desk.inbox,
        "ferry.ninjs.json",
        &item(
            "urn:test:web-desk:ferry",
            "Ferry strike strands travellers in Piraeus",
            ferry,
            ferry,
        ),
    );
    reload_until(
        browser,
        &format!("{url}/subscriptions/edit?id=ferry-desk"),
        ".deliveries",
        "Ferry strike strands travellers",
    )
    .await;
    browser.screenshot("subscription-log").await?;

    // 5. Hostile HTML runs nothing.
    let hostile_text = "NICOSIA (Wirefeed Demo) - A hostile test item about a marina in Cyprus.";
    drop_file(
        &desk.inbox,
        "hostile.ninjs.json",
        &item(
            "urn:test:web-desk:hostile",
            "Marina item with script <script>window.__pwned = 'headline'</script>",
            "<p>A marina in Cyprus.</p><script>window.__pwned = 'script'</script>\
             <img src=\"x\" onerror=\"window.__pwned = 'onerror'\">\
             <a href=\"javascript:window.__pwned='link'\">link</a>",
            hostile_text,
        ),
    );
    reload_until(
        browser,
        &format!("{url}/?c=marina"),
        ".card .headline",
        "Marina item",
    )
    .await;
    browser
        .wait_for(".card .headline a", WAIT)
        .await?
        .click()
        .await?;
    browser.wait_for(".article-view", WAIT).await?;
    if let Ok(details) = browser
        .wait_for("details.formatted summary", Duration::from_secs(2))
        .await
    {
        details.click().await?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pwned = browser
        .eval("return window.__pwned || 'nothing ran';")
        .await?;
    assert_eq!(pwned, "nothing ran", "hostile markup ran");
    let page = browser.client().source().await?;
    assert!(
        !page.contains("onerror="),
        "an event handler reached the page"
    );
    browser.screenshot("hostile").await?;

    // 6. Sources.
    browser.goto(&format!("{url}/sources")).await?;
    let row = browser
        .wait_for("tr.source[data-source=demo-inbox]", WAIT)
        .await?;
    let text = row.text().await?;
    assert!(
        text.contains("healthy"),
        "the drop folder is healthy: {text}"
    );
    browser.screenshot("sources").await?;
    Ok(())
}
