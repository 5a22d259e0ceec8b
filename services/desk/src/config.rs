//! `[desk]` configuration: where the archive lives, how long it keeps the wire, where its API
//! listens.

use serde::Deserialize;
use std::path::PathBuf;
use wire_runtime::Validate;
use wire_runtime::config::{ConfigError, require_at_least};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskConfig {
    /// Where the JSON API listens (`host:port`; port 0 picks a free one).
    pub listen: String,
    /// The index directory (relative paths against the working directory).
    pub index_dir: PathBuf,
    /// Articles and alerts are deleted this many days after the archive took them in (0: kept
    /// for ever).
    pub retention_days: u32,
    /// How often what was read is committed (searchable and durable), in milliseconds: the
    /// longest an enriched article waits before a search finds it.
    pub commit_interval_ms: u64,
    /// The index writer's memory budget, in megabytes (at least 15).
    pub writer_memory_mb: usize,
    /// Drop the index and read the topics again from their beginning (`wirefeed-desk --rebuild`).
    pub rebuild: bool,
    /// Base URLs of the fetchers' admin APIs whose `/sources` the web desk shows; empty: this
    /// process's own admin routes.
    pub fetcher_admin: Vec<String>,
    /// Base URL of the alerter's admin API whose `/subscriptions` the web desk edits; empty:
    /// this process's own admin routes.
    pub alerter_admin: String,
    /// A web desk session ends this many minutes after its last request.
    pub session_minutes: u64,
}

/// `[desk]` of the embedded `config/wirefeed.toml`, the one place its defaults are stated.
impl Default for DeskConfig {
    fn default() -> Self {
        wire_runtime::config::embedded_section("desk")
    }
}

impl Validate for DeskConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError::invalid(
                "desk.listen",
                &self.listen,
                "must be host:port, e.g. 127.0.0.1:9700",
            ));
        }
        if self.index_dir.as_os_str().is_empty() {
            return Err(ConfigError::invalid(
                "desk.index_dir",
                self.index_dir.display(),
                "must name a directory",
            ));
        }
        require_at_least("desk.commit_interval_ms", self.commit_interval_ms, 10)?;
        require_at_least("desk.writer_memory_mb", self.writer_memory_mb as u64, 15)?;
        require_at_least("desk.session_minutes", self.session_minutes, 1)?;
        let urls = self
            .fetcher_admin
            .iter()
            .map(|url| ("desk.fetcher_admin", url));
        let alerter =
            (!self.alerter_admin.is_empty()).then_some(("desk.alerter_admin", &self.alerter_admin));
        for (key, url) in urls.chain(alerter) {
            let parsed = url::Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"));
            if parsed.is_none() {
                return Err(ConfigError::invalid(
                    key,
                    url,
                    "must be an http(s) base URL, e.g. http://fetcher:9601",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_keep_the_wire_a_month() {
        let config = DeskConfig::default();
        assert!(config.validate().is_ok());
        assert_eq!(config.listen, "127.0.0.1:9700");
        assert_eq!(config.retention_days, 30);
        assert!(config.commit_interval_ms <= 1_000);
    }

    #[test]
    fn a_listen_address_without_a_port_is_refused() {
        let config = DeskConfig {
            listen: "localhost".to_owned(),
            ..DeskConfig::default()
        };
        let error = config
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("desk.listen"), "{error}");
    }
}
