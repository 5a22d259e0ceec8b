//! Running the workspace's binaries (`wirefeed`, `wirefeed-fetcher`, ...) as processes, the way
//! an operator or compose runs them.
//!
//! Cargo gives a test the path of its own package's binaries only, so [`workspace_binary`]
//! runs `cargo build --bins` for the binary's package once per test process (a no-op when it is
//! up to date) and takes it from the same target directory as the test executable.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The workspace root (where `Cargo.toml`, `config/` and `deploy/` are).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The directory the test executable's profile builds binaries into (`target/debug`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // A test: target/<profile>/deps/<test>-<hash>; a binary: target/<profile>/<name>.
    let dir = exe.parent().unwrap();
    if dir.file_name().is_some_and(|name| name == "deps") {
        dir.parent().unwrap().to_path_buf()
    } else {
        dir.to_path_buf()
    }
}

static BUILT: OnceLock<()> = OnceLock::new();

/// The path of workspace binary `name` (`wirefeed`, `wirefeed-fetcher`, ...). The first call
/// runs `cargo build --workspace --bins --tests`: the same set `cargo test --workspace` builds
/// (same features, so nothing is rebuilt or replaced under a running test), plus the binaries
/// of packages that have no tests of their own.
pub fn workspace_binary(name: &str) -> PathBuf {
    let dir = profile_dir();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = Command::new(cargo);
        command
            .args(["build", "--workspace", "--bins", "--tests"])
            .current_dir(workspace_root());
        if dir.file_name().and_then(|n| n.to_str()) == Some("release") {
            command.arg("--release");
        }
        let output = command.output().expect("failed to run cargo build");
        assert!(
            output.status.success(),
            "cargo build --workspace --bins failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    });
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

/// `wirefeed ARGS` in the workspace root with `env` and none of the caller's `WIREFEED*`
/// variables; waits for it and returns its output.
pub fn wirefeed(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = clean_command(&workspace_binary("wirefeed"));
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("failed to run wirefeed")
}

/// A command for `program` in the workspace root, without the caller's `WIREFEED*` variables.
pub fn clean_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    command.current_dir(workspace_root());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("WIREFEED") {
            command.env_remove(key);
        }
    }
    command
}

/// A child process that is killed when dropped (a failing test leaves nothing running).
#[derive(Debug)]
pub struct ChildGuard {
    pub name: String,
    pub child: Child,
}

impl ChildGuard {
    /// Starts `program` with `args` and `env`, stdout and stderr to `<name>.out` and
    /// `<name>.err` in `log_dir`.
    pub fn spawn(
        name: &str,
        program: &Path,
        args: &[String],
        env: &BTreeMap<String, String>,
        log_dir: &Path,
    ) -> Self {
        let mut command = clean_command(program);
        command
            .args(args)
            .envs(env)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(log_dir.join(format!("{name}.out"))).unwrap())
            .stderr(std::fs::File::create(log_dir.join(format!("{name}.err"))).unwrap());
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("failed to start {}: {e}", program.display()));
        Self {
            name: name.to_owned(),
            child,
        }
    }

    /// Whether the process has exited (and how).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// SIGTERM, then waits up to `wait` for the exit; kills it after that.
    pub fn terminate(&mut self, wait: Duration) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = std::time::Instant::now() + wait;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A free TCP port on 127.0.0.1 (bound and released; good enough for a test).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET `url` with a plain HTTP/1.0 request over a TCP stream: (status, body).
pub fn http_get(url: &str) -> std::io::Result<(u16, String)> {
    http_request(url, "GET", None, "")
}

/// POST `body` (JSON) to `url` with `Authorization: Bearer <token>`: (status, body).
pub fn http_post_json(url: &str, token: &str, body: &str) -> std::io::Result<(u16, String)> {
    http_request(url, "POST", Some(token), body)
}

fn http_request(
    url: &str,
    method: &str,
    token: Option<&str>,
    body: &str,
) -> std::io::Result<(u16, String)> {
    use std::io::{Read as _, Write as _};
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other(format!("not an http url: {url}")))?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = std::net::TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let authorization = token.map_or(String::new(), |token| {
        format!("Authorization: Bearer {token}\r\n")
    });
    let content = if body.is_empty() {
        String::new()
    } else {
        format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        )
    };
    write!(
        stream,
        "{method} /{path} HTTP/1.0\r\nHost: {authority}\r\n{authorization}{content}Connection: close\r\n\r\n{body}"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad response from {url}: {head}")))?;
    Ok((status, body.to_owned()))
}
