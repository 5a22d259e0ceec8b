//! `[fetcher]` configuration: global politeness settings and the sources.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use wire_runtime::Validate;
use wire_runtime::config::{ConfigError, require_at_least};

/// `[fetcher]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetcherConfig {
    /// Sent with every HTTP request (a source may override it).
    pub user_agent: String,
    /// Poll interval of a source that sets none.
    pub default_interval_secs: u64,
    /// No HTTP source is polled more often than this, whatever its interval or hints.
    pub min_interval_secs: u64,
    /// No healthy HTTP source waits longer than this, whatever its feed's `ttl` says.
    pub max_interval_secs: u64,
    /// The longest wait after consecutive errors (polling never stops).
    pub max_backoff_secs: u64,
    /// Per-request timeout (connect, headers and body).
    pub timeout_secs: u64,
    /// Bodies larger than this are cut off and reported, never buffered whole.
    pub max_body_bytes: u64,
    /// Sources polled at the same time, over all sources.
    pub max_concurrent_polls: usize,
    /// Requests in flight to one host at a time.
    pub per_host_concurrency: usize,
    /// A source without a new item for this long is reported idle (event, metric, /sources).
    pub idle_alarm_secs: u64,
    /// Item hashes remembered per source to tell new and changed items from re-sent ones.
    pub max_items_remembered: usize,
    /// How often the config file is checked for changed sources (0: never).
    pub reload_interval_secs: u64,
    /// The sources (the defaults have the demo inbox).
    pub sources: Vec<SourceConfig>,
}

/// `[fetcher]` of the embedded `config/wirefeed.toml`, the one place its defaults are stated
/// (see [`wire_runtime::config::embedded_section`]), the demo inbox source included.
impl Default for FetcherConfig {
    fn default() -> Self {
        wire_runtime::config::embedded_section("fetcher")
    }
}

/// One `[[fetcher.sources]]` entry (also an entry of the sources table, as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SourceConfig {
    /// A feed or document served over HTTP(S).
    Http(HttpSource),
    /// A drop folder, as agencies deliver by FTP.
    Dir(DirSource),
}

/// `kind = "http"`. Its `Debug` hides header values and the password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSource {
    pub id: String,
    pub url: String,
    /// Seconds between polls (default `fetcher.default_interval_secs`).
    pub interval_secs: Option<u64>,
    /// Extra request headers. Put API keys in a secret: in a config file, or with
    /// `WIREFEED__...__FILE`; header values are never logged.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Request headers whose values are read from files at each poll (API keys in
    /// `/run/secrets/...`, rotated without a restart): header name → file path.
    #[serde(default)]
    pub header_files: BTreeMap<String, PathBuf>,
    /// HTTP basic auth.
    pub username: Option<String>,
    pub password: Option<String>,
    /// The basic-auth password, read from a file at each poll.
    pub password_file: Option<PathBuf>,
    /// Overrides `fetcher.user_agent`.
    pub user_agent: Option<String>,
    /// Overrides `fetcher.timeout_secs`.
    pub timeout_secs: Option<u64>,
    /// Overrides `fetcher.max_body_bytes`.
    pub max_body_bytes: Option<u64>,
    /// Send `If-None-Match` / `If-Modified-Since` (default true). Switch it off for servers
    /// whose validators lie; wirefeed also detects stale validators by itself.
    #[serde(default = "default_true")]
    pub conditional_get: bool,
    /// Allow private, loopback and link-local addresses (default false: the SSRF guard
    /// refuses them).
    #[serde(default)]
    pub allow_private_network: bool,
    /// Overrides `fetcher.idle_alarm_secs`.
    pub idle_alarm_secs: Option<u64>,
}

impl std::fmt::Debug for HttpSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden: BTreeMap<&str, &str> = self
            .headers
            .keys()
            .map(|name| (name.as_str(), "(hidden)"))
            .collect();
        f.debug_struct("HttpSource")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("interval_secs", &self.interval_secs)
            .field("headers", &hidden)
            .field("header_files", &self.header_files)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("password_file", &self.password_file)
            .field("user_agent", &self.user_agent)
            .field("timeout_secs", &self.timeout_secs)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("conditional_get", &self.conditional_get)
            .field("allow_private_network", &self.allow_private_network)
            .field("idle_alarm_secs", &self.idle_alarm_secs)
            .finish()
    }
}

/// `kind = "dir"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirSource {
    pub id: String,
    pub path: PathBuf,
    pub interval_secs: Option<u64>,
    /// `keep` (read in place; remember what was read, re-read a file when it changes) or
    /// `move` (move processed files to `<path>/processed/`).
    #[serde(default)]
    pub after: AfterRead,
    /// A file is read only once it has not changed for this long (it may still be uploading).
    #[serde(default = "default_settle_secs")]
    pub settle_secs: u64,
    /// Overrides `fetcher.idle_alarm_secs`.
    pub idle_alarm_secs: Option<u64>,
}

fn default_true() -> bool {
    true
}

fn default_settle_secs() -> u64 {
    2
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterRead {
    #[default]
    Keep,
    Move,
}

impl HttpSource {
    /// A source with every optional setting at its default.
    pub fn new(id: &str, url: &str) -> Self {
        Self {
            id: id.to_owned(),
            url: url.to_owned(),
            interval_secs: None,
            headers: BTreeMap::new(),
            header_files: BTreeMap::new(),
            username: None,
            password: None,
            password_file: None,
            user_agent: None,
            timeout_secs: None,
            max_body_bytes: None,
            conditional_get: true,
            allow_private_network: false,
            idle_alarm_secs: None,
        }
    }
}

impl SourceConfig {
    pub fn id(&self) -> &str {
        match self {
            Self::Http(source) => &source.id,
            Self::Dir(source) => &source.id,
        }
    }

    pub fn interval_secs(&self) -> Option<u64> {
        match self {
            Self::Http(source) => source.interval_secs,
            Self::Dir(source) => source.interval_secs,
        }
    }

    pub fn idle_alarm_secs(&self) -> Option<u64> {
        match self {
            Self::Http(source) => source.idle_alarm_secs,
            Self::Dir(source) => source.idle_alarm_secs,
        }
    }

    /// `http` or `dir`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Http(_) => "http",
            Self::Dir(_) => "dir",
        }
    }

    /// The URL or the folder, for the sources table.
    pub fn target(&self) -> String {
        match self {
            Self::Http(source) => source.url.clone(),
            Self::Dir(source) => source.path.display().to_string(),
        }
    }
}

impl Validate for FetcherConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        self.validate_limits()?;
        let mut seen = HashSet::new();
        for (index, source) in self.sources.iter().enumerate() {
            source.validate_at(&format!("fetcher.sources[{index}]"), &mut seen)?;
        }
        Ok(())
    }
}

impl FetcherConfig {
    /// The global settings: intervals, timeouts and limits.
    fn validate_limits(&self) -> Result<(), ConfigError> {
        require_at_least(
            "fetcher.default_interval_secs",
            self.default_interval_secs,
            1,
        )?;
        require_at_least("fetcher.timeout_secs", self.timeout_secs, 1)?;
        require_at_least("fetcher.min_interval_secs", self.min_interval_secs, 1)?;
        require_at_least("fetcher.per_host_concurrency", self.per_host_concurrency, 1)?;
        require_at_least("fetcher.max_items_remembered", self.max_items_remembered, 1)?;
        require_at_least("fetcher.idle_alarm_secs", self.idle_alarm_secs, 1)?;
        if self.max_interval_secs < self.min_interval_secs {
            return Err(ConfigError::invalid(
                "fetcher.max_interval_secs",
                self.max_interval_secs,
                "must not be below fetcher.min_interval_secs",
            ));
        }
        require_at_least("fetcher.max_concurrent_polls", self.max_concurrent_polls, 1)
    }
}

impl SourceConfig {
    /// The source at config key `at` (`fetcher.sources[<index>]`); `seen` holds the ids of the
    /// sources before it, and takes this one's.
    pub(crate) fn validate_at(
        &self,
        at: &str,
        seen: &mut HashSet<String>,
    ) -> Result<(), ConfigError> {
        let key = |field: &str| format!("{at}.{field}");
        let id = self.id();
        let valid_id = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid_id {
            return Err(ConfigError::invalid(
                &key("id"),
                id,
                "must be non-empty ascii letters, digits, '-', '_' or '.'",
            ));
        }
        if !seen.insert(id.to_owned()) {
            return Err(ConfigError::invalid(
                &key("id"),
                id,
                "is used by another source",
            ));
        }
        if let Some(interval) = self.interval_secs() {
            require_at_least(&key("interval_secs"), interval, 1)?;
        }
        match self {
            Self::Http(http) => http.validate_at(at),
            Self::Dir(_) => Ok(()),
        }
    }
}

impl HttpSource {
    /// The URL and the credentials of the HTTP source at config key `at`.
    fn validate_at(&self, at: &str) -> Result<(), ConfigError> {
        let key = |field: &str| format!("{at}.{field}");
        match url::Url::parse(&self.url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            Ok(_) => {
                return Err(ConfigError::invalid(
                    &key("url"),
                    &self.url,
                    "must be an http or https url",
                ));
            }
            Err(error) => {
                return Err(ConfigError::invalid(
                    &key("url"),
                    &self.url,
                    error.to_string(),
                ));
            }
        }
        if (self.password.is_some() || self.password_file.is_some()) && self.username.is_none() {
            return Err(ConfigError::invalid(
                &key("username"),
                "",
                "is required when a password is set",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_runtime::LoadedConfig;

    #[test]
    fn debug_output_hides_header_values_and_the_password() {
        let source = HttpSource {
            headers: [("X-Api-Key".to_owned(), "key-value-7f3a".to_owned())].into(),
            username: Some("wirefeed".to_owned()),
            password: Some("password-2d8e".to_owned()),
            ..HttpSource::new("agency", "https://agency.example/feed")
        };
        let shown = format!(
            "{:?}",
            FetcherConfig {
                sources: vec![SourceConfig::Http(source)],
                ..FetcherConfig::default()
            }
        );
        assert!(
            shown.contains("X-Api-Key") && shown.contains("agency.example"),
            "{shown}"
        );
        assert!(
            !shown.contains("key-value-7f3a") && !shown.contains("password-2d8e"),
            "{shown}"
        );
    }

    fn load(toml_text: &str) -> Result<FetcherConfig, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, toml_text).unwrap();
        LoadedConfig::load_from(Some(&path), &[])?.section("fetcher")
    }

    #[test]
    fn the_default_config_has_the_demo_inbox() {
        let config: FetcherConfig = LoadedConfig::load_from(None, &[])
            .unwrap()
            .section("fetcher")
            .unwrap();
        assert!(matches!(&config.sources[0], SourceConfig::Dir(d) if d.id == "demo-inbox"));
    }

    #[test]
    fn the_default_is_the_embedded_toml_with_no_other_rust_default() {
        let loaded: FetcherConfig = LoadedConfig::load_from(None, &[])
            .unwrap()
            .section("fetcher")
            .unwrap();
        let default = FetcherConfig::default();
        assert_eq!(format!("{default:?}"), format!("{loaded:?}"));
        default.validate().unwrap();
        assert_eq!(
            wire_runtime::config::keys_with_rust_defaults::<FetcherConfig>("fetcher"),
            Vec::<String>::new()
        );
    }

    /// The per-source defaults live in Rust (a source's optional keys); the demo inbox states
    /// the same values, but for the one it overrides on purpose.
    #[test]
    fn the_demo_inbox_states_the_rust_defaults_of_a_dir_source() {
        let default = FetcherConfig::default();
        let Some(SourceConfig::Dir(inbox)) = default.sources.first() else {
            panic!("no demo inbox: {default:?}");
        };
        let bare: DirSource =
            serde_json::from_str(r#"{"id": "demo-inbox", "path": "config/samples/inbox"}"#)
                .unwrap();
        assert_eq!(inbox.after, bare.after);
        // Except `settle_secs`: the demo inbox reads a file at once (0, said beside it in
        // config/wirefeed.toml, so a dropped file is on the desk's live stream within two
        // seconds); the default stays 2, as the comment there says.
        assert_eq!((inbox.settle_secs, bare.settle_secs), (0, 2));
        let http: HttpSource =
            serde_json::from_str(r#"{"id": "a", "url": "https://e.org/rss"}"#).unwrap();
        assert_eq!(http, HttpSource::new("a", "https://e.org/rss"));
    }

    #[test]
    fn http_and_dir_sources_parse() {
        let config = load(
            "[[fetcher.sources]]\nid = \"a\"\nkind = \"http\"\nurl = \"https://e.org/rss\"\n\
             headers = { \"X-Api-Key\" = \"k\" }\n",
        )
        .unwrap();
        // A file's array replaces the default one.
        assert_eq!(config.sources.len(), 1);
        assert!(
            matches!(&config.sources[0], SourceConfig::Http(h) if h.headers["X-Api-Key"] == "k")
        );
    }

    #[test]
    fn bad_sources_are_named() {
        let error =
            load("[[fetcher.sources]]\nid = \"a\"\nkind = \"http\"\nurl = \"ftp://e.org\"\n")
                .unwrap_err()
                .to_string();
        assert!(error.contains("fetcher.sources[0].url"), "{error}");
        let error = load("[[fetcher.sources]]\nid = \"a b\"\nkind = \"dir\"\npath = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("fetcher.sources[0].id"), "{error}");
        let error =
            load("[[fetcher.sources]]\nid = \"a\"\nkind = \"dir\"\npath = \"x\"\nbogus = 1\n")
                .unwrap_err()
                .to_string();
        assert!(error.contains("bogus"), "{error}");
    }
}
