//! `[fetcher]` configuration: global politeness settings and the sources.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use wire_runtime::Validate;
use wire_runtime::config::ConfigError;

/// `[fetcher]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetcherConfig {
    /// Sent with every HTTP request.
    pub user_agent: String,
    /// Poll interval of a source that sets none.
    pub default_interval_secs: u64,
    /// Per-request timeout.
    pub timeout_secs: u64,
    /// Bodies larger than this are cut off and reported.
    pub max_body_bytes: u64,
    /// Sources polled at the same time.
    pub max_concurrent_polls: usize,
    #[serde(default)]
    pub sources: Vec<SourceConfig>,
}

/// One `[[fetcher.sources]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SourceConfig {
    /// A feed or document served over HTTP(S).
    Http(HttpSource),
    /// A drop folder, as agencies deliver by FTP.
    Dir(DirSource),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSource {
    pub id: String,
    pub url: String,
    pub interval_secs: Option<u64>,
    /// Extra request headers (API keys: set them from a `*_FILE` secret).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirSource {
    pub id: String,
    pub path: PathBuf,
    pub interval_secs: Option<u64>,
    /// `keep` (read in place, re-read when a file changes) or `move` (move processed files to
    /// `<path>/processed/`).
    #[serde(default)]
    pub after: AfterRead,
    /// A file is read only once it has not changed for this long (it may still be uploading).
    #[serde(default = "default_settle_secs")]
    pub settle_secs: u64,
}

fn default_settle_secs() -> u64 {
    2
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterRead {
    #[default]
    Keep,
    Move,
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
}

impl Validate for FetcherConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.default_interval_secs == 0 {
            return Err(ConfigError::invalid(
                "fetcher.default_interval_secs",
                0,
                "must be at least 1",
            ));
        }
        if self.timeout_secs == 0 {
            return Err(ConfigError::invalid(
                "fetcher.timeout_secs",
                0,
                "must be at least 1",
            ));
        }
        if self.max_concurrent_polls == 0 {
            return Err(ConfigError::invalid(
                "fetcher.max_concurrent_polls",
                0,
                "must be at least 1",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (index, source) in self.sources.iter().enumerate() {
            let key = |field: &str| format!("fetcher.sources[{index}].{field}");
            let id = source.id();
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
            if source.interval_secs() == Some(0) {
                return Err(ConfigError::invalid(
                    &key("interval_secs"),
                    0,
                    "must be at least 1",
                ));
            }
            if let SourceConfig::Http(http) = source {
                match url::Url::parse(&http.url) {
                    Ok(url) if matches!(url.scheme(), "http" | "https") => {}
                    Ok(_) => {
                        return Err(ConfigError::invalid(
                            &key("url"),
                            &http.url,
                            "must be an http or https url",
                        ));
                    }
                    Err(error) => {
                        return Err(ConfigError::invalid(
                            &key("url"),
                            &http.url,
                            error.to_string(),
                        ));
                    }
                }
                if http.password.is_some() && http.username.is_none() {
                    return Err(ConfigError::invalid(
                        &key("username"),
                        "",
                        "is required when a password is set",
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_runtime::LoadedConfig;

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
