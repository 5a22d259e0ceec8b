//! The stages' per-phase CPU counters, read from each process's admin `/metrics` (Prometheus
//! text): `wirefeed_stage_phase_cpu_seconds_total{stage="…",phase="…"}`. The parsing is pure;
//! [`scrape`] is the one HTTP GET.
//!
//! Hand-written: a sample line is `name{label="value",…} number`, and the one counter family
//! read here needs no more than that; the crates that parse the whole exposition format
//! (types, help, timestamps, histograms) are not in the workspace.

use std::collections::BTreeMap;
use std::time::Duration;

/// The counter the stage loop exposes: CPU seconds per stage and phase.
pub const PHASE_CPU: &str = "wirefeed_stage_phase_cpu_seconds_total";

/// CPU seconds by phase (summed over the stages a process reports: one per service).
pub type PhaseSeconds = BTreeMap<String, f64>;

/// The labels of a sample's `{…}`, unescaping `\"`, `\\` and `\n` in values.
fn parse_labels(text: &str) -> Option<BTreeMap<String, String>> {
    let mut labels = BTreeMap::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=')?;
        let mut chars = after.trim_start().strip_prefix('"')?.char_indices();
        let mut value = String::new();
        let end = loop {
            let (index, c) = chars.next()?;
            match c {
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                '"' => break index,
                c => value.push(c),
            }
        };
        labels.insert(name.trim().to_owned(), value);
        let after_value = &after.trim_start()[end + 2..];
        rest = after_value
            .trim_start()
            .trim_start_matches(',')
            .trim_start();
    }
    Some(labels)
}

/// One sample line: metric name, labels, value. `None` for comments, blank lines and lines
/// that do not parse.
fn parse_sample(line: &str) -> Option<(&str, BTreeMap<String, String>, f64)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (name, labels, rest) = match line.find('{') {
        Some(open) => {
            let close = line.rfind('}')?;
            (
                &line[..open],
                parse_labels(&line[open + 1..close])?,
                &line[close + 1..],
            )
        }
        None => {
            let (name, rest) = line.split_once(char::is_whitespace)?;
            (name, BTreeMap::new(), rest)
        }
    };
    let value: f64 = rest.split_whitespace().next()?.parse().ok()?;
    Some((name.trim(), labels, value))
}

/// The [`PHASE_CPU`] samples of a `/metrics` text, by phase; empty when the metric is absent.
pub fn phase_cpu_seconds(text: &str) -> PhaseSeconds {
    let mut phases = PhaseSeconds::new();
    for (name, labels, value) in text.lines().filter_map(parse_sample) {
        if name != PHASE_CPU {
            continue;
        }
        if let Some(phase) = labels.get("phase") {
            *phases.entry(phase.clone()).or_default() += value;
        }
    }
    phases
}

/// `after - before`, phase by phase (a phase missing before counts from zero).
pub fn since(after: &PhaseSeconds, before: &PhaseSeconds) -> PhaseSeconds {
    after
        .iter()
        .map(|(phase, seconds)| {
            let earlier = before.get(phase).copied().unwrap_or(0.0);
            (phase.clone(), (seconds - earlier).max(0.0))
        })
        .collect()
}

/// Adds `more` into `total`, phase by phase.
pub fn add(total: &mut PhaseSeconds, more: &PhaseSeconds) {
    for (phase, seconds) in more {
        *total.entry(phase.clone()).or_default() += seconds;
    }
}

/// The admin `/metrics` text of the process listening on `127.0.0.1:port`: one HTTP/1.0 GET
/// on a plain socket (the bench has no HTTP client of its own; a loopback GET of a text page
/// needs no more than this, and adding one would change the lock file's bench entry).
pub async fn scrape(port: u16) -> anyhow::Result<String> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = tokio::time::timeout(Duration::from_secs(5), exchange).await??;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no HTTP response from port {port}"))?;
    anyhow::ensure!(
        head.split_whitespace().nth(1) == Some("200"),
        "GET /metrics on port {port}: {}",
        head.lines().next().unwrap_or_default()
    );
    Ok(body.to_owned())
}

/// [`phase_cpu_seconds`] of the process on `port`; empty when it cannot be read.
pub async fn scrape_phases(port: Option<u16>) -> PhaseSeconds {
    let Some(port) = port else {
        return PhaseSeconds::new();
    };
    match scrape(port).await {
        Ok(text) => phase_cpu_seconds(&text),
        Err(_) => PhaseSeconds::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape `metrics-exporter-prometheus` renders (the admin server's exporter).
    const EXPOSITION: &str = r#"# TYPE wirefeed_stage_inputs_total counter
wirefeed_stage_inputs_total{stage="enricher",outcome="emitted"} 10300
# TYPE wirefeed_stage_phase_cpu_seconds_total counter
wirefeed_stage_phase_cpu_seconds_total{stage="enricher",phase="consume"} 0.412
wirefeed_stage_phase_cpu_seconds_total{stage="enricher",phase="decode"} 0.95
wirefeed_stage_phase_cpu_seconds_total{phase="core",stage="enricher"} 3.25e0
wirefeed_stage_phase_cpu_seconds_total{stage="enricher",phase="state",note="a \"quoted\", value"} 0.5

wirefeed_process_up 1
"#;

    #[test]
    fn reads_the_phase_counters_of_an_exposition() {
        let phases = phase_cpu_seconds(EXPOSITION);
        assert_eq!(
            phases.keys().map(String::as_str).collect::<Vec<_>>(),
            ["consume", "core", "decode", "state"]
        );
        assert_eq!(phases["core"], 3.25);
        assert_eq!(phases["state"], 0.5);
        assert!(phase_cpu_seconds("wirefeed_process_up 1\n# nothing else").is_empty());
        assert!(
            phase_cpu_seconds("wirefeed_stage_phase_cpu_seconds_total{phase=\"x\" 1").is_empty()
        );
    }

    #[test]
    fn labels_unescape_and_differences_never_go_negative() {
        let labels = parse_labels(r#"a="x\"y", b = "1\\2""#).unwrap_or_default();
        assert_eq!(labels["a"], "x\"y");
        assert_eq!(labels["b"], "1\\2");
        let before = phase_cpu_seconds(EXPOSITION);
        let mut after = before.clone();
        after.insert("core".to_owned(), 4.25);
        after.insert("encode".to_owned(), 0.25);
        let delta = since(&after, &before);
        assert_eq!(delta["core"], 1.0);
        assert_eq!(delta["encode"], 0.25);
        assert_eq!(delta["decode"], 0.0);
        let mut total = delta.clone();
        add(&mut total, &delta);
        assert_eq!(total["core"], 2.0);
    }
}
