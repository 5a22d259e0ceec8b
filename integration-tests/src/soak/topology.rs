//! The four services as separate processes on the real broker, with one config file, started,
//! killed (`SIGKILL`), stopped (`SIGTERM`) and restarted one instance at a time.

use crate::processes::{ChildGuard, workspace_binary};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The pipeline's stages, upstream first.
pub const STAGES: [&str; 4] = ["fetcher", "normalizer", "enricher", "alerter"];

/// A subscription of the soak run: `(id, query)`.
pub const SUBSCRIPTIONS: [(&str, &str); 3] = [
    ("oil-desk", "oil OR crude"),
    ("grain-desk", "wheat OR grain OR maize"),
    ("rates-desk", "\"interest rates\" OR \"prime rate\""),
];

/// The subscription added through one alerter's admin API while two run (the
/// subscription-added fault).
pub const ADDED_SUBSCRIPTION: (&str, &str) = ("metals-desk", "copper OR zinc OR gold");

/// The admin token of the soak's services (changes over the admin API need one).
pub const ADMIN_TOKEN: &str = "soak-admin-token-0123456789";

/// The subscription whose webhook answers slowly in the slow-downstream fault.
pub const SLOW_SUBSCRIPTION: (&str, &str) = ("coffee-desk", "coffee OR cocoa");

/// `text` without ANSI escape sequences (`ESC [ ... m`).
fn without_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The running topology.
pub struct Topology {
    pub config: PathBuf,
    pub logs: PathBuf,
    running: BTreeMap<String, ChildGuard>,
    /// Peak resident memory (VmHWM, KiB) seen per stage, over all its instances.
    pub peak_rss_kib: BTreeMap<String, u64>,
    /// Restarts per instance (log files get a suffix).
    starts: BTreeMap<String, usize>,
}

/// Writes the run's config file: Kafka bus with `prefix`, the drop folder `inbox`, the soak
/// subscriptions (the slow one posting to `webhook` when given).
pub fn write_config(
    dir: &Path,
    broker: &str,
    prefix: &str,
    inbox: &Path,
    webhook: Option<&str>,
) -> PathBuf {
    let mut text = format!(
        r#"[bus]
kind = "kafka"

[bus.kafka]
bootstrap_servers = "{broker}"
topic_prefix = "{prefix}"
group_prefix = "{prefix}"
partitions = 3
session_timeout_ms = 6000

[admin]
listen = "127.0.0.1:0"
token = "{ADMIN_TOKEN}"

[fetcher]
reload_interval_secs = 0

[[fetcher.sources]]
id = "soak"
kind = "dir"
path = "{inbox}"
interval_secs = 1
after = "keep"
settle_secs = 1

[alerter]
print_alerts = false
"#,
        inbox = inbox.display()
    );
    for (id, query) in SUBSCRIPTIONS {
        text.push_str(&format!(
            "\n[[alerter.subscriptions]]\nid = \"{id}\"\nquery = '{query}'\n"
        ));
    }
    if let Some(url) = webhook {
        let (id, query) = SLOW_SUBSCRIPTION;
        text.push_str(&format!(
            "\n[[alerter.subscriptions]]\nid = \"{id}\"\nquery = '{query}'\n\
             max_per_minute = 10000\nwebhooks = [{{ url = \"{url}\", secret = \"soak-secret\" }}]\n"
        ));
    }
    let path = dir.join("soak.toml");
    std::fs::write(&path, text).unwrap();
    path
}

impl Topology {
    pub fn new(config: PathBuf, logs: PathBuf) -> Self {
        Self {
            config,
            logs,
            running: BTreeMap::new(),
            peak_rss_kib: BTreeMap::new(),
            starts: BTreeMap::new(),
        }
    }

    /// Starts `instance` (`enricher`, or `enricher-2` for a second one) of `stage`.
    pub fn start(&mut self, stage: &str, instance: &str) {
        let count = self.starts.entry(instance.to_owned()).or_default();
        *count += 1;
        let name = format!("{instance}.{count}");
        let env = BTreeMap::from([
            ("RUST_LOG".to_owned(), "info,rdkafka=warn".to_owned()),
            (
                "WIREFEED_CONFIG".to_owned(),
                self.config.display().to_string(),
            ),
        ]);
        let child = ChildGuard::spawn(
            &name,
            &workspace_binary(&format!("wirefeed-{stage}")),
            &[],
            &env,
            &self.logs,
        );
        self.running.insert(instance.to_owned(), child);
    }

    pub fn start_all(&mut self) {
        for stage in STAGES {
            self.start(stage, stage);
        }
    }

    fn record_rss(&mut self, instance: &str) {
        let Some(child) = self.running.get(instance) else {
            return;
        };
        let stage = instance.split('-').next().unwrap_or(instance).to_owned();
        if let Some(kib) = peak_rss_kib(child.child.id()) {
            let peak = self.peak_rss_kib.entry(stage).or_default();
            *peak = (*peak).max(kib);
        }
    }

    /// The standard error of the running (or last) process of `instance`, without the
    /// terminal colours of its log lines.
    pub fn current_log(&self, instance: &str) -> String {
        let count = self.starts.get(instance).copied().unwrap_or(0);
        let text = std::fs::read_to_string(self.logs.join(format!("{instance}.{count}.err")))
            .unwrap_or_default();
        without_colours(&text)
    }

    /// Where the admin server of `instance` listens, from its log (`admin.listen` is port 0).
    pub fn admin_address(&self, instance: &str) -> Option<String> {
        let log = self.current_log(instance);
        let line = log.lines().find(|l| l.contains("admin http listening"))?;
        let start = line.find("127.0.0.1:")?;
        let address: String = line[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
            .collect();
        Some(address)
    }

    /// Whether `instance` (a fetcher) polls any source now, from the last change of its share
    /// of the sources table in its log; `None` before the first.
    pub fn polls_sources(&self, instance: &str) -> Option<bool> {
        let log = self.current_log(instance);
        let line = log
            .lines()
            .rev()
            .find(|l| l.contains("the sources this instance polls changed"))?;
        Some(!(line.contains("sources=0") || line.contains("\"sources\":0")))
    }

    /// Records the peak memory of every running instance.
    pub fn sample_rss(&mut self) {
        let instances: Vec<String> = self.running.keys().cloned().collect();
        for instance in instances {
            self.record_rss(&instance);
        }
    }

    /// `kill -9` of `instance`: no shutdown, no flush, no commit.
    pub fn kill(&mut self, instance: &str) {
        self.record_rss(instance);
        if let Some(mut child) = self.running.remove(instance) {
            let _ = child.child.kill();
            let _ = child.child.wait();
        }
    }

    /// SIGTERM and wait: a clean stop (true when it exited on its own with success).
    pub fn stop(&mut self, instance: &str) -> bool {
        self.record_rss(instance);
        match self.running.remove(instance) {
            Some(mut child) => child
                .terminate(Duration::from_secs(60))
                .is_some_and(|status| status.success()),
            None => true,
        }
    }

    pub fn stop_all(&mut self) -> bool {
        let mut clean = true;
        for stage in STAGES.iter().rev() {
            let instances: Vec<String> = self
                .running
                .keys()
                .filter(|k| k.split('-').next() == Some(stage))
                .cloned()
                .collect();
            for instance in instances {
                clean &= self.stop(&instance);
            }
        }
        clean
    }

    /// Instances that exited by themselves (a crash), with their status.
    pub fn crashed(&mut self) -> Vec<String> {
        let mut crashed = Vec::new();
        for (instance, child) in &mut self.running {
            if let Some(status) = child.exited() {
                crashed.push(format!("{instance}: {status}"));
            }
        }
        crashed
    }

    /// The standard error of every process started, for a failure message.
    pub fn log_tail(&self, lines: usize) -> String {
        let mut out = String::new();
        let Ok(entries) = std::fs::read_dir(&self.logs) else {
            return out;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "err"))
        {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let all: Vec<&str> = text.lines().collect();
            out.push_str(&format!("--- {}\n", path.display()));
            for line in &all[all.len().saturating_sub(lines)..] {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }
}

/// VmHWM of a process, in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn colours_are_taken_out_of_log_lines() {
        let line = "\u{1b}[2m2026\u{1b}[0m INFO \u{1b}[3msources\u{1b}[0m\u{1b}[2m=\u{1b}[0m1 done";
        assert_eq!(super::without_colours(line), "2026 INFO sources=1 done");
    }
}
