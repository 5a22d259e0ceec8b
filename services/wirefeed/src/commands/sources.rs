//! `wirefeed sources` (the fetcher's `GET /sources` health table in the terminal) and
//! `wirefeed health` (exit 0 when an admin URL such as `/livez` answers 2xx; the container
//! health check, since the runtime image has no curl).

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use wire_runtime::LoadedConfig;
use wire_runtime::config::AdminConfig;
use wirefeed_fetcher::record::SourceStatus;

/// Print the fetcher's per-source health table (its admin API's /sources), or list, add and
/// remove sources in the sources table (any fetcher instance's admin API; every instance
/// applies the change).
#[derive(clap::Args)]
pub struct SourcesArgs {
    /// The fetcher's admin URL, e.g. http://127.0.0.1:9601 (default: admin.listen).
    #[arg(long, env = "WIREFEED_FETCHER_ADMIN", global = true)]
    admin: Option<String>,
    /// Print the JSON as the fetcher serves it.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    change: Option<super::source_changes::SourceCommand>,
}

impl SourcesArgs {
    pub async fn run(self, config_file: Option<&Path>) -> anyhow::Result<ExitCode> {
        match self.change {
            None => sources(config_file, self.admin.as_deref(), self.json).await,
            Some(command) => {
                let config: AdminConfig = LoadedConfig::load(config_file)?.section("admin")?;
                let base = match self.admin {
                    Some(url) => url.trim_end_matches('/').to_owned(),
                    None => admin_url(&config)?,
                };
                command
                    .run(&base, config.token.as_deref(), self.json, http_client()?)
                    .await
            }
        }
    }
}

/// Exit 0 when an admin URL answers 2xx within 5 seconds (a container health check).
#[derive(clap::Args)]
pub struct HealthArgs {
    #[arg(long, default_value = "http://127.0.0.1:9600/livez")]
    url: String,
}

impl HealthArgs {
    pub async fn run(self) -> anyhow::Result<ExitCode> {
        health(&self.url).await
    }
}

const HTTP_TIMEOUT: Duration = Duration::from_secs(5);

/// `wirefeed sources [--admin URL] [--json]`.
pub async fn sources(
    config_file: Option<&Path>,
    admin: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let config: AdminConfig = LoadedConfig::load(config_file)?.section("admin")?;
    let base = match admin {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => admin_url(&config)?,
    };
    let url = format!("{base}/sources");
    let mut request = http_client()?.get(&url);
    // With admin.protect_reads the table needs the admin token (WIREFEED__ADMIN__TOKEN_FILE).
    if let Some(token) = &config.token {
        request = request.bearer_auth(token);
    }
    let body = request
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .with_context(|| {
            format!("failed to read {url} (is the fetcher running? set its admin URL with --admin)")
        })?
        .text()
        .await
        .with_context(|| format!("failed to read {url}"))?;
    if json {
        println!("{body}");
        return Ok(ExitCode::SUCCESS);
    }
    let statuses: Vec<SourceStatus> = serde_json::from_str(&body)
        .with_context(|| format!("{url} did not answer with a list of sources"))?;
    print!("{}", render_sources(&statuses, Utc::now()));
    Ok(ExitCode::SUCCESS)
}

/// `wirefeed health [--url URL]`: exit 0 when the URL answers 2xx within 5 seconds.
pub async fn health(url: &str) -> anyhow::Result<ExitCode> {
    let response = http_client()?.get(url).send().await;
    match response {
        Ok(response) if response.status().is_success() => Ok(ExitCode::SUCCESS),
        Ok(response) => {
            eprintln!("unhealthy: {url} answered {}", response.status());
            Ok(ExitCode::FAILURE)
        }
        Err(error) => {
            eprintln!("unhealthy: {url}: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(HTTP_TIMEOUT)
        .build()
        .context("failed to build the http client")
}

/// `http://<admin.listen>`, with an unspecified address (`0.0.0.0`) replaced by the loopback
/// address.
fn admin_url(admin: &AdminConfig) -> anyhow::Result<String> {
    let mut address: std::net::SocketAddr = admin
        .listen
        .parse()
        .with_context(|| format!("admin.listen {} is not an address", admin.listen))?;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    Ok(format!("http://{address}"))
}

/// The health table: one row per source, the unhealthy state first in its row.
pub fn render_sources(statuses: &[SourceStatus], now: DateTime<Utc>) -> String {
    let header = [
        "SOURCE",
        "KIND",
        "STATE",
        "ERRORS",
        "LAST NEW ITEM",
        "LAST SUCCESS",
        "NEXT POLL",
        "PUBLISHED",
        "POLLS",
        "LAST ERROR",
    ];
    let rows: Vec<[String; 10]> = statuses
        .iter()
        .map(|status| {
            let state = if status.consecutive_errors > 0 {
                "failing"
            } else if status.idle {
                "idle"
            } else if status.last_success_at.is_none() {
                "pending"
            } else {
                "ok"
            };
            let last_error = match (&status.last_error_class, &status.last_error) {
                (Some(class), Some(error)) => format!("{class}: {}", shorten(error, 60)),
                (Some(class), None) => class.clone(),
                (None, Some(error)) => shorten(error, 60),
                (None, None) => "-".to_owned(),
            };
            [
                status.id.clone(),
                status.kind.clone(),
                state.to_owned(),
                status.consecutive_errors.to_string(),
                ago(status.last_new_item_at, now),
                ago(status.last_success_at, now),
                until(status.next_poll_at, now),
                status.items_published_total.to_string(),
                status.polls_total.to_string(),
                last_error,
            ]
        })
        .collect();
    let mut table = render_table(&header, &rows);
    if statuses.is_empty() {
        table.push_str("(no sources)\n");
    }
    table
}

fn ago(time: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match time {
        None => "never".to_owned(),
        Some(time) => format!("{} ago", human_duration((now - time).num_seconds().max(0))),
    }
}

fn until(time: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match time {
        None => "-".to_owned(),
        Some(time) if time <= now => "now".to_owned(),
        Some(time) => format!("in {}", human_duration((time - now).num_seconds())),
    }
}

/// `45s`, `12m`, `3h05m`, `2d04h`.
pub fn human_duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

fn shorten(text: &str, max_chars: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= max_chars {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// A left-aligned text table: columns two spaces apart, no trailing spaces.
pub fn render_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_cells = header.map(str::to_owned);
    for row in std::iter::once(&header_cells).chain(rows) {
        let mut line = String::new();
        for (index, (cell, width)) in row.iter().zip(widths).enumerate() {
            if index > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(
                ' ',
                width.saturating_sub(cell.chars().count()),
            ));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: &str) -> SourceStatus {
        SourceStatus {
            id: id.to_owned(),
            kind: "http".to_owned(),
            target: "https://agency.example/rss".to_owned(),
            ..SourceStatus::default()
        }
    }

    #[test]
    fn the_table_shows_state_ages_and_the_last_error() {
        let now: DateTime<Utc> = "2026-11-25T12:00:00Z".parse().unwrap();
        let mut healthy = status("agency-world");
        healthy.last_success_at = Some("2026-11-25T11:59:30Z".parse().unwrap());
        healthy.last_new_item_at = Some("2026-11-25T09:55:00Z".parse().unwrap());
        healthy.next_poll_at = Some("2026-11-25T12:01:00Z".parse().unwrap());
        healthy.items_published_total = 42;
        healthy.polls_total = 7;
        let mut failing = status("outlet");
        failing.consecutive_errors = 3;
        failing.last_error_class = Some("timeout".to_owned());
        failing.last_error = Some("request timed out after 30s".to_owned());
        let mut idle = status("quiet");
        idle.idle = true;
        idle.last_success_at = Some("2026-11-20T12:00:00Z".parse().unwrap());
        let table = render_sources(&[healthy, failing, idle], now);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("SOURCE        KIND  STATE"), "{table}");
        assert!(
            lines[1].contains("ok") && lines[1].contains("2h05m ago"),
            "{table}"
        );
        assert!(lines[1].contains("30s ago") && lines[1].contains("in 1m"));
        assert!(lines[2].contains("failing") && lines[2].contains("timeout: request timed out"));
        assert!(lines[3].contains("idle") && lines[3].contains("5d00h ago"));
        assert!(table.lines().all(|line| !line.ends_with(' ')));
    }

    #[test]
    fn an_empty_list_says_so() {
        let table = render_sources(&[], Utc::now());
        assert!(table.ends_with("(no sources)\n"), "{table}");
    }

    #[test]
    fn durations_read_like_a_person_writes_them() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(125), "2m");
        assert_eq!(human_duration(3 * 3600 + 300), "3h05m");
        assert_eq!(human_duration(2 * 86_400 + 4 * 3600), "2d04h");
    }
}
