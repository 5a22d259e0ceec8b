//! A headless Chromium for end-to-end tests of the web desk, driven over WebDriver: chromedriver
//! runs as a child process on a free 127.0.0.1 port, and a [`fantoccini::Client`] holds one
//! session in it.
//!
//! [`Browser::start`] finds chromedriver (`WIREFEED_CHROMEDRIVER`, else `chromedriver` on
//! `PATH`, else `/usr/bin/chromedriver`) and the browser (`WIREFEED_CHROMIUM`, else
//! `/usr/bin/chromium`, else `chromium`, `google-chrome` on `PATH`). Their major versions must
//! match (Debian's `chromium-driver` is pinned to its `chromium`). The browser runs with a
//! fresh profile in a temporary directory.
//!
//! chromedriver gets a process group of its own; dropping the [`Browser`] (a failed test
//! included) kills that group, so Chromium goes with it, and reaps chromedriver.
//! [`Browser::close`] ends the session first, which is the clean way.
//!
//! The wait helpers poll until a generous timeout and then return an error naming what was
//! awaited, the page URL and an excerpt of the page: they bound waiting, they assert no timing.

use crate::processes::workspace_root;
use anyhow::{Context as _, Result, anyhow, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::future::Future;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::time::Instant;

/// What to install when chromedriver or Chromium is missing.
const INSTALL: &str = "install them with `apt-get install chromium chromium-driver`";
/// How long chromedriver may take to answer `/status`.
const DRIVER_READY: Duration = Duration::from_secs(20);
/// How long the browser may take to start and open a session.
const SESSION_READY: Duration = Duration::from_secs(60);
/// Between two polls of a wait helper.
const POLL: Duration = Duration::from_millis(100);

/// Chromium's command line: headless (the new mode, the full browser without a window), no
/// sandbox (CI runs as root in a container), /tmp instead of a small /dev/shm, no GPU.
const CHROMIUM_ARGS: [&str; 6] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--window-size=1280,900",
    "--lang=en-US",
];

/// A headless Chromium session; see the module documentation.
pub struct Browser {
    // Fields drop in order: the client, then the driver (its process group is killed), then
    // the profile directory nothing uses any more.
    client: Client,
    driver: DriverGuard,
    scratch: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and opens a session in a headless Chromium.
    pub async fn start() -> Result<Browser> {
        let chromedriver = find_chromedriver()?;
        let chromium = find_chromium()?;
        let scratch = tempfile::Builder::new()
            .prefix("wirefeed-browser.")
            .tempdir()
            .context("failed to create the browser's profile directory")?;
        let log_path = scratch.path().join("chromedriver.log");
        let port = free_port()?;
        let log = std::fs::File::create(&log_path)
            .with_context(|| format!("failed to create {}", log_path.display()))?;
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // Its own process group: Drop kills the browser with it.
            .process_group(0)
            .spawn()
            .with_context(|| format!("failed to start {}", chromedriver.display()))?;
        let mut driver = DriverGuard { child, log_path };
        driver.wait_ready(port).await?;
        let url = format!("http://127.0.0.1:{port}");

        let profile = scratch.path().join("profile");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            serde_json::json!({ "binary": chromium.to_string_lossy(), "args": args }),
        );
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let client = match tokio::time::timeout(SESSION_READY, builder.connect(&url)).await {
            Ok(Ok(client)) => client,
            Ok(Err(error)) => bail!(
                "chromedriver could not start {} ({error}); chromedriver's log:\n{}",
                chromium.display(),
                driver.log_tail()
            ),
            Err(_) => bail!(
                "no browser session after {SESSION_READY:?}; chromedriver's log:\n{}",
                driver.log_tail()
            ),
        };
        Ok(Browser {
            client,
            driver,
            scratch,
        })
    }

    /// The WebDriver client, for everything the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits for its `load` event.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("failed to open {url}"))
    }

    /// The first element matching `css`, once there is one; an error after `timeout`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element> {
        self.poll(timeout, &format!("an element matching `{css}`"), || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => Ok(Some(element)),
                Err(error) if error.is_no_such_element() => Ok(None),
                Err(error) => Err(error.into()),
            }
        })
        .await
    }

    /// An element matching `css` whose text contains `text`, once there is one.
    pub async fn wait_for_text(&self, css: &str, text: &str, timeout: Duration) -> Result<Element> {
        let what = format!("an element matching `{css}` with text containing {text:?}");
        self.poll(timeout, &what, || async {
            for element in self.client.find_all(Locator::Css(css)).await? {
                match element.text().await {
                    Ok(found) if found.contains(text) => return Ok(Some(element)),
                    // Replaced between the search and the read: the next poll looks again.
                    Err(error) if !error.is_stale_element_reference() => return Err(error.into()),
                    _ => {}
                }
            }
            Ok(None)
        })
        .await
    }

    /// Returns once no element matches `css`.
    pub async fn wait_until_absent(&self, css: &str, timeout: Duration) -> Result<()> {
        let what = format!("no element matching `{css}`");
        self.poll(timeout, &what, || async {
            let found = self.client.find_all(Locator::Css(css)).await?;
            Ok(found.is_empty().then_some(()))
        })
        .await
    }

    /// Saves a PNG of the viewport as `<target dir>/screenshots/<name>.png` and returns its
    /// path. The target dir is `CARGO_TARGET_DIR`, else the workspace's `target/`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            bail!("screenshot name {name:?} must be a plain file name");
        }
        let png = self
            .client
            .screenshot()
            .await
            .context("failed to take a screenshot")?;
        let dir = target_dir().join("screenshots");
        tokio::fs::create_dir_all(&dir)
            .await
            .with_context(|| format!("failed to create {}", dir.display()))?;
        let path = dir.join(format!("{name}.png"));
        tokio::fs::write(&path, png)
            .await
            .with_context(|| format!("failed to write {}", path.display()))?;
        Ok(path)
    }

    /// Sizes the window so that the viewport (what the page and screenshots see) is `width` ×
    /// `height` CSS pixels (390 × 844 is a phone). Headless Chromium's window includes some
    /// 140 px of browser UI, so the window is set, the viewport measured, and the window grown
    /// by what the viewport lacks.
    pub async fn set_size(&self, width: u32, height: u32) -> Result<()> {
        let set = |w: u32, h: u32| async move {
            self.client
                .set_window_size(w, h)
                .await
                .with_context(|| format!("failed to set the window to {w}x{h}"))
        };
        set(width, height).await?;
        let viewport = self.eval("return [innerWidth, innerHeight]").await?;
        let inner = |i: usize| viewport.get(i).and_then(serde_json::Value::as_u64);
        let (Some(inner_width), Some(inner_height)) = (inner(0), inner(1)) else {
            bail!("no viewport size in {viewport}");
        };
        let grow = |want: u32, have: u64| {
            let missing = u64::from(want).saturating_sub(have);
            u32::try_from(u64::from(want) + missing).unwrap_or(u32::MAX)
        };
        if inner_width < u64::from(width) || inner_height < u64::from(height) {
            set(grow(width, inner_width), grow(height, inner_height)).await?;
        }
        Ok(())
    }

    /// Runs `js` as the body of a function in the page (`return document.title`) and returns
    /// what it returned.
    pub async fn eval(&self, js: &str) -> Result<serde_json::Value> {
        self.client
            .execute(js, Vec::new())
            .await
            .with_context(|| format!("script failed: {js}"))
    }

    /// Ends the session (Chromium quits), then stops chromedriver.
    pub async fn close(self) -> Result<()> {
        let Browser {
            client,
            driver,
            scratch,
        } = self;
        let closed = client.close().await.context("failed to end the session");
        drop(driver);
        drop(scratch);
        closed
    }

    /// Calls `check` every [`POLL`] until it finds something or `timeout` passed; the error
    /// then names `what` was awaited and shows where the page stood.
    async fn poll<T, F, Fut>(&self, timeout: Duration, what: &str, mut check: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            let result = check().await;
            if let Some(found) = result.with_context(|| format!("while waiting for {what}"))? {
                return Ok(found);
            }
            if Instant::now() >= deadline {
                return Err(anyhow!(
                    "timed out after {timeout:?} waiting for {what}\n{}",
                    self.page_summary().await
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The current URL and the start of the page source, whitespace collapsed.
    async fn page_summary(&self) -> String {
        let url = match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(error) => format!("(no URL: {error})"),
        };
        let source = match self.client.source().await {
            Ok(source) => excerpt(&source, 600),
            Err(error) => format!("(no source: {error})"),
        };
        format!("page: {url}\nsource: {source}")
    }
}

/// chromedriver's process; killed with its process group, and reaped, when dropped.
struct DriverGuard {
    child: Child,
    log_path: PathBuf,
}

impl DriverGuard {
    /// Polls `/status` on `port` until chromedriver says it is ready.
    async fn wait_ready(&mut self, port: u16) -> Result<()> {
        let deadline = Instant::now() + DRIVER_READY;
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "chromedriver exited at start ({status}); its log:\n{}",
                    self.log_tail()
                );
            }
            if driver_ready(port).await {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "chromedriver did not answer on port {port} within {DRIVER_READY:?}; its \
                     log:\n{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The last lines chromedriver (and the browser it started) wrote.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for DriverGuard {
    fn drop(&mut self) {
        // The group is chromedriver's pid (process_group(0)): the browser is in it too.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether chromedriver on `port` answers `GET /status` with `"ready":true`. HTTP/1.1: it
/// refuses HTTP/1.0, and keeps the connection open whatever the request says, so the answer
/// is read only until it says what we wait for.
async fn driver_ready(port: u16) -> bool {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        let request = format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        let mut chunk = [0_u8; 4096];
        loop {
            let read = stream.read(&mut chunk).await?;
            response.extend_from_slice(&chunk[..read]);
            let text = String::from_utf8_lossy(&response);
            if read == 0 || text.contains("\"ready\":true") {
                return std::io::Result::Ok(text.starts_with("HTTP/1.1 200") && read > 0);
            }
        }
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(2), exchange).await,
        Ok(Ok(true))
    )
}

/// chromedriver: `WIREFEED_CHROMEDRIVER`, `chromedriver` on `PATH`, `/usr/bin/chromedriver`.
fn find_chromedriver() -> Result<PathBuf> {
    find_program(
        "WIREFEED_CHROMEDRIVER",
        &[
            Candidate::Path("chromedriver"),
            Candidate::File("/usr/bin/chromedriver"),
        ],
    )
    .ok_or_else(|| missing("chromedriver", "WIREFEED_CHROMEDRIVER"))?
}

/// The browser: `WIREFEED_CHROMIUM`, `/usr/bin/chromium`, `chromium` or `google-chrome` on
/// `PATH`.
fn find_chromium() -> Result<PathBuf> {
    find_program(
        "WIREFEED_CHROMIUM",
        &[
            Candidate::File("/usr/bin/chromium"),
            Candidate::Path("chromium"),
            Candidate::Path("google-chrome"),
        ],
    )
    .ok_or_else(|| missing("Chromium", "WIREFEED_CHROMIUM"))?
}

fn missing(what: &str, variable: &str) -> anyhow::Error {
    anyhow!(
        "{what} not found: the browser tests need chromium and chromedriver; {INSTALL} \
         (Debian), or set {variable} to the program"
    )
}

enum Candidate {
    /// A name looked up on `PATH`.
    Path(&'static str),
    /// A fixed file.
    File(&'static str),
}

/// `variable` when set (an error if it names no executable), else the first candidate found.
fn find_program(variable: &str, candidates: &[Candidate]) -> Option<Result<PathBuf>> {
    if let Some(value) = std::env::var_os(variable).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(&value);
        return Some(if is_executable(&path) {
            Ok(path)
        } else {
            Err(anyhow!(
                "{variable}={} is not an executable file; unset it or {INSTALL}",
                path.display()
            ))
        });
    }
    candidates
        .iter()
        .find_map(|candidate| match candidate {
            Candidate::File(file) => Some(PathBuf::from(file)).filter(|p| is_executable(p)),
            Candidate::Path(name) => std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join(name))
                .find(|p| is_executable(p)),
        })
        .map(Ok)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A free TCP port on 127.0.0.1 (bound and released).
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .context("failed to find a free port for chromedriver")?;
    Ok(listener.local_addr()?.port())
}

/// `CARGO_TARGET_DIR` (relative to the workspace root when relative), else `<workspace>/target`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// The first `max` characters of `text` with runs of whitespace as one space.
fn excerpt(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &collapsed[..end]),
        None => collapsed,
    }
}
