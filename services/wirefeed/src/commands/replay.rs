//! `wirefeed replay`: what a query (or a subscription's query) would have matched in the
//! desk's archive since a time, one line per story family; with `--send`, those articles go
//! to `wire.replay.v1` for the subscription, and the alerter alerts each family once, as it
//! would have live (families it already alerted stay quiet: its once-per-story rule holds).

use anyhow::{Context as _, bail};
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use wire_model::{Envelope, topics};
use wire_runtime::config::{BusConfig, BusKind};
use wire_runtime::{LoadedConfig, Record};
use wirefeed_alerter::AlerterConfig;
use wirefeed_desk::DeskConfig;

/// List (or re-send to a subscription) what a query would have matched in the archive.
#[derive(clap::Args)]
pub struct ReplayArgs {
    /// The query (the language of subscriptions and searches). Default: the subscription's.
    #[arg(long)]
    query: Option<String>,
    /// The subscription: its query from the config file, and with --send who gets the alerts.
    #[arg(long)]
    subscription: Option<String>,
    /// How far back: 90m, 24h, 7d, a date (2026-12-06) or an RFC 3339 time.
    #[arg(long, default_value = "24h")]
    since: String,
    /// The desk's API, e.g. http://127.0.0.1:9700 (default: desk.listen).
    #[arg(long, env = "WIREFEED_DESK")]
    desk: Option<String>,
    /// Publish the matches to wire.replay.v1 for --subscription (Kafka bus only).
    #[arg(long, requires = "subscription")]
    send: bool,
}

/// The first matching article of one family.
struct Match {
    family: String,
    uri: String,
    line: String,
}

const PAGE: usize = 200;

impl ReplayArgs {
    pub async fn run(self, config_file: Option<&Path>) -> anyhow::Result<ExitCode> {
        let loaded = LoadedConfig::load(config_file)?;
        let desk: DeskConfig = loaded.section("desk")?;
        let alerter: AlerterConfig = loaded.section("alerter")?;
        let query = match (&self.query, &self.subscription) {
            (Some(query), _) => query.clone(),
            (None, Some(id)) => subscription_query(&alerter, id)?,
            (None, None) => bail!("give --query or --subscription"),
        };
        let base = match &self.desk {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", loopback(&desk.listen)?),
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .context("failed to build the http client")?;
        let matches = search(&client, &base, &query, &self.since).await?;
        for found in &matches {
            println!("{}", found.line);
        }
        eprintln!(
            "{} {} matched {:?} since {}",
            matches.len(),
            if matches.len() == 1 {
                "family"
            } else {
                "families"
            },
            query,
            self.since
        );
        if !self.send {
            return Ok(ExitCode::SUCCESS);
        }
        let Some(subscription) = &self.subscription else {
            bail!("--send needs --subscription");
        };
        let bus: BusConfig = loaded.section("bus")?;
        if bus.kind != BusKind::Kafka {
            bail!(
                "--send publishes to {} on Kafka (bus.kind = \"kafka\"); the in-process bus of \
                 `wirefeed run` cannot be reached from another process",
                topics::REPLAY
            );
        }
        let kafka = wire_runtime::bus::KafkaBus::new(bus.kafka.clone())
            .context("failed to create the kafka producer")?;
        let mut sent = 0usize;
        for found in &matches {
            let envelope = latest_version(&client, &base, &found.uri).await?;
            let record = Record::new(topics::REPLAY, found.family.as_str(), envelope.encode())
                .with_header(topics::REPLAY_SUBSCRIPTION, subscription.as_bytes());
            wire_runtime::bus::publish(&kafka, record)
                .await
                .with_context(|| {
                    format!("failed to publish {} to {}", found.uri, topics::REPLAY)
                })?;
            sent += 1;
        }
        eprintln!(
            "sent {sent} to {} for {subscription}: the alerter alerts each family once \
             (families it alerted before stay quiet)",
            topics::REPLAY
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// The query of subscription `id` in the config file.
fn subscription_query(alerter: &AlerterConfig, id: &str) -> anyhow::Result<String> {
    let Some(subscription) = alerter.subscriptions.iter().find(|s| s.id == id) else {
        bail!("subscription {id:?} is not in the config file: give its --query");
    };
    if let Some(query) = &subscription.query {
        return Ok(query.clone());
    }
    Ok(subscription
        .keywords
        .iter()
        .map(|keyword| format!("\"{}\"", keyword.replace('"', " ")))
        .collect::<Vec<_>>()
        .join(" OR "))
}

/// `listen` with an unspecified address replaced by the loopback one.
fn loopback(listen: &str) -> anyhow::Result<std::net::SocketAddr> {
    let mut address: std::net::SocketAddr = listen
        .parse()
        .with_context(|| format!("desk.listen {listen} is not an address"))?;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    Ok(address)
}

/// Every family matching `query` since `since`, oldest first.
async fn search(
    client: &reqwest::Client,
    base: &str,
    query: &str,
    since: &str,
) -> anyhow::Result<Vec<Match>> {
    let url = format!("{base}/api/search");
    let mut matches = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let limit = PAGE.to_string();
        let mut params = vec![
            ("q", query),
            ("since", since),
            ("group", "family"),
            ("sort", "oldest"),
            ("limit", limit.as_str()),
        ];
        if let Some(cursor) = &cursor {
            params.push(("cursor", cursor));
        }
        let page = get_json(client.get(&url).query(&params), &url).await?;
        for group in page["groups"].as_array().into_iter().flatten() {
            let lead = &group["lead"];
            let family = group["id"].as_str().unwrap_or_default().to_owned();
            // A family a page boundary split shows again on the next page: once is enough.
            if matches.iter().any(|m: &Match| m.family == family) {
                continue;
            }
            matches.push(Match {
                line: format!(
                    "{} [{}] {} | {} | {}",
                    lead["time"].as_str().unwrap_or("-"),
                    lead["source"].as_str().unwrap_or("-"),
                    lead["headline"].as_str().unwrap_or("(no headline)"),
                    family,
                    lead["uri"].as_str().unwrap_or("-"),
                ),
                uri: lead["uri"].as_str().unwrap_or_default().to_owned(),
                family,
            });
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Ok(matches),
        }
    }
}

/// The newest version of article `uri` in the archive.
async fn latest_version(
    client: &reqwest::Client,
    base: &str,
    uri: &str,
) -> anyhow::Result<Envelope> {
    let url = format!("{base}/api/article");
    let body = get_json(client.get(&url).query(&[("uri", uri)]), &url).await?;
    let Some(latest) = body["versions"].as_array().and_then(|v| v.last()) else {
        bail!("the desk has no version of {uri}");
    };
    serde_json::from_value(latest.clone()).with_context(|| format!("{uri}: not an envelope"))
}

/// The JSON answer of `request`; the desk's error message on a 4xx.
async fn get_json(request: reqwest::RequestBuilder, url: &str) -> anyhow::Result<Value> {
    let response = request.send().await.with_context(|| {
        format!("failed to reach {url} (is the desk running? set its URL with --desk)")
    })?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .with_context(|| format!("failed to read {url}"))?;
    let body: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{url} did not answer with JSON"))?;
    if !status.is_success() {
        bail!(
            "{url}: {status}: {}{}",
            body["error"].as_str().unwrap_or("error"),
            body["column"]
                .as_u64()
                .map(|column| format!(" (column {column})"))
                .unwrap_or_default()
        );
    }
    Ok(body)
}
