//! Layered configuration: the embedded defaults (`config/wirefeed.toml`), then an optional file
//! (`--config`), then environment variables `WIREFEED__SECTION__KEY` (nested keys joined by
//! `__`), then secrets: `WIREFEED__SECTION__KEY_FILE=/path` sets `section.key` to the file's
//! contents (trimmed). Every section is parsed with `deny_unknown_fields` and then validated, and
//! errors name the key and the value.

mod inline_secrets;

pub use inline_secrets::InlineSecret;

use crate::retry::RetryPolicy;
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The defaults every wirefeed binary starts from.
pub const DEFAULTS_TOML: &str = include_str!("../../../config/wirefeed.toml");

/// The embedded defaults, parsed once.
fn embedded_defaults() -> &'static Figment {
    static EMBEDDED: std::sync::OnceLock<Figment> = std::sync::OnceLock::new();
    EMBEDDED.get_or_init(|| Figment::from(Toml::string(DEFAULTS_TOML)))
}

/// Section `name` (`"enricher"`, or a nested one such as `"enricher.tagging"`) as the embedded
/// `config/wirefeed.toml` has it: what a config section's `Default` returns, so that the TOML
/// is the one source of every default.
///
/// It cannot fail on the shipped file: the file is compiled into the binary, and the tests
/// parse every section of it into its struct and validate it (each service's
/// `the_default_is_the_embedded_toml_with_no_other_rust_default`, this crate's
/// `the_embedded_defaults_parse_into_every_runtime_section`, the `wirefeed` crate's
/// `every_config_file_parses_into_every_section`), so a file that would fail here fails the
/// tests before it ships.
pub fn embedded_section<T: DeserializeOwned>(name: &str) -> T {
    embedded_defaults()
        .extract_inner(name)
        .unwrap_or_else(|error| {
            unreachable!("the embedded config/wirefeed.toml has no valid [{name}]: {error}")
        })
}

/// The keys of section `name` in the embedded TOML that `T` parses without: keys for which a
/// Rust default (`#[serde(default)]`) would stand in for the TOML's value. Tests assert it is
/// empty, so that a section's defaults are stated once, in `config/wirefeed.toml`. Tables are
/// walked into (the table and each of its keys are tried); an array counts as one key.
pub fn keys_with_rust_defaults<T: DeserializeOwned>(name: &str) -> Vec<String> {
    let Ok(root) = DEFAULTS_TOML.parse::<toml::Table>() else {
        return vec![format!("(config/wirefeed.toml does not parse)")];
    };
    let mut section = toml::Value::Table(root);
    for part in name.split('.') {
        let Some(inner) = section.get(part).cloned() else {
            return vec![format!("(config/wirefeed.toml has no [{name}])")];
        };
        section = inner;
    }
    let mut paths = Vec::new();
    collect_key_paths(&section, &mut Vec::new(), &mut paths);
    paths
        .into_iter()
        .filter(|path| {
            let mut without = section.clone();
            remove_key_path(&mut without, path);
            without.try_into::<T>().is_ok()
        })
        .map(|path| format!("{name}.{}", path.join(".")))
        .collect()
}

fn collect_key_paths(value: &toml::Value, prefix: &mut Vec<String>, paths: &mut Vec<Vec<String>>) {
    let Some(table) = value.as_table() else {
        return;
    };
    for (key, inner) in table {
        prefix.push(key.clone());
        paths.push(prefix.clone());
        collect_key_paths(inner, prefix, paths);
        prefix.pop();
    }
}

fn remove_key_path(value: &mut toml::Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = value;
    for part in parents {
        let Some(inner) = node.get_mut(part.as_str()) else {
            return;
        };
        node = inner;
    }
    if let Some(table) = node.as_table_mut() {
        table.remove(last);
    }
}

/// The environment variable prefix.
pub const ENV_PREFIX: &str = "WIREFEED__";

/// The top-level sections a config file may have.
pub const SECTIONS: [&str; 10] = [
    "bus",
    "state",
    "telemetry",
    "admin",
    "stage",
    "fetcher",
    "normalizer",
    "enricher",
    "alerter",
    "desk",
];

/// A configuration error that names what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("failed to read config: {0}")]
    Load(String),
    #[error("invalid config value {key} = {value}: {reason}")]
    Invalid {
        key: String,
        value: String,
        reason: String,
    },
    #[error(
        "unknown config section [{0}] (known: bus, telemetry, admin, stage, fetcher, normalizer, enricher, alerter)"
    )]
    UnknownSection(String),
    #[error("failed to read secret file {path} for {key}: {reason}")]
    Secret {
        key: String,
        path: PathBuf,
        reason: String,
    },
}

impl ConfigError {
    /// An [`ConfigError::Invalid`] for `key`.
    pub fn invalid(key: &str, value: impl std::fmt::Debug, reason: impl Into<String>) -> Self {
        Self::Invalid {
            key: key.to_owned(),
            value: format!("{value:?}"),
            reason: reason.into(),
        }
    }
}

/// `Ok` when `value` is at least `min`, else the error naming `key` and `value`.
pub fn require_at_least<T: PartialOrd + std::fmt::Debug>(
    key: &str,
    value: T,
    min: T,
) -> Result<(), ConfigError> {
    if value < min {
        return Err(ConfigError::invalid(
            key,
            value,
            format!("must be at least {min:?}"),
        ));
    }
    Ok(())
}

/// `Ok` when `value` does not exceed `limit`, the value of `limit_key`; else the error naming
/// `key` and `value`.
pub fn require_not_above<T: PartialOrd + std::fmt::Debug>(
    key: &str,
    value: T,
    limit_key: &str,
    limit: T,
) -> Result<(), ConfigError> {
    if value > limit {
        return Err(ConfigError::invalid(
            key,
            value,
            format!("must not exceed {limit_key}"),
        ));
    }
    Ok(())
}

/// `Ok` when `value` is a share between 0.0 and 1.0, else the error naming `key` and `value`.
pub fn require_share(key: &str, value: f64) -> Result<(), ConfigError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(ConfigError::invalid(
            key,
            value,
            "must be between 0.0 and 1.0",
        ));
    }
    Ok(())
}

/// A config section that can check itself after parsing.
pub trait Validate {
    fn validate(&self) -> Result<(), ConfigError>;
}

/// The merged configuration, from which each binary extracts the sections it uses.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    figment: Figment,
    /// Secrets written inline in the config file or in plain environment variables (keys only).
    inline_secrets: Vec<InlineSecret>,
}

impl LoadedConfig {
    /// Loads defaults, then `file`, then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, &vars)
    }

    /// Like [`LoadedConfig::load`] with an explicit environment (for tests).
    pub fn load_from(file: Option<&Path>, env: &[(String, String)]) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS_TOML));
        let mut inline_secrets = Vec::new();
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::Load(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
            let text = std::fs::read_to_string(path).unwrap_or_default();
            inline_secrets = inline_secrets::in_toml(&text);
        }
        inline_secrets.extend(inline_secrets::in_environment(env));
        let plain: BTreeMap<String, String> = env
            .iter()
            .filter(|(key, _)| key.starts_with(ENV_PREFIX) && !key.ends_with("_FILE"))
            .cloned()
            .collect();
        figment = figment.merge(Serialized::defaults(nest_env(&plain)?));
        figment = figment.merge(Serialized::defaults(secrets_from_files(env)?));
        let loaded = Self {
            figment,
            inline_secrets,
        };
        loaded.check_sections()?;
        Ok(loaded)
    }

    fn check_sections(&self) -> Result<(), ConfigError> {
        let value: serde_json::Value = self
            .figment
            .extract()
            .map_err(|e| ConfigError::Load(e.to_string()))?;
        if let Some(map) = value.as_object() {
            for key in map.keys() {
                if !SECTIONS.contains(&key.as_str()) {
                    return Err(ConfigError::UnknownSection(key.clone()));
                }
            }
        }
        Ok(())
    }

    /// The secrets written inline in the config file or in plain `WIREFEED__...` environment
    /// variables (their keys, never their values).
    pub fn inline_secrets(&self) -> &[InlineSecret] {
        &self.inline_secrets
    }

    /// Warns once per inline secret, naming its key and the file form to use instead (call it
    /// after telemetry is initialised).
    pub fn warn_about_inline_secrets(&self) {
        for secret in &self.inline_secrets {
            crate::events::InlineSecretConfigured {
                key: &secret.key,
                instead: &secret.instead,
            }
            .emit();
        }
    }

    /// Parses and validates section `name` (e.g. `"fetcher"`).
    pub fn section<T: DeserializeOwned + Validate>(&self, name: &str) -> Result<T, ConfigError> {
        let section: T = self.figment.extract_inner(name).map_err(|e| {
            ConfigError::Load(format!("[{name}]: {}", e.to_string().replace('\n', " ")))
        })?;
        section.validate()?;
        Ok(section)
    }

    /// The sections every binary needs.
    pub fn runtime(&self) -> Result<RuntimeConfig, ConfigError> {
        Ok(RuntimeConfig {
            bus: self.section("bus")?,
            state: self.section("state")?,
            telemetry: self.section("telemetry")?,
            admin: self.section("admin")?,
            stage: self.section("stage")?,
        })
    }
}

/// Turns `WIREFEED__A__B=v` into `{ "a": { "b": v } }`, parsing `v` as a TOML value where it is
/// one (numbers, booleans, arrays) and keeping it as a string otherwise. `WIREFEED__LOG__...` is
/// another name for `WIREFEED__TELEMETRY__...` (`WIREFEED__LOG__FORMAT=json`).
fn nest_env(values: &BTreeMap<String, String>) -> Result<serde_json::Value, ConfigError> {
    let mut root = serde_json::Map::new();
    for (key, raw) in values {
        let mut path: Vec<String> = key[ENV_PREFIX.len()..]
            .split("__")
            .map(str::to_lowercase)
            .collect();
        if path.len() > 1 && path[0] == "log" {
            path[0] = "telemetry".to_owned();
        }
        insert_path(&mut root, &path, parse_env_value(raw), key)?;
    }
    Ok(serde_json::Value::Object(root))
}

fn parse_env_value(raw: &str) -> serde_json::Value {
    let probe = format!("value = {raw}");
    match toml::from_str::<BTreeMap<String, serde_json::Value>>(&probe) {
        Ok(mut table) => table
            .remove("value")
            .unwrap_or_else(|| serde_json::Value::String(raw.to_owned())),
        Err(_) => serde_json::Value::String(raw.to_owned()),
    }
}

fn insert_path(
    root: &mut serde_json::Map<String, serde_json::Value>,
    path: &[String],
    value: serde_json::Value,
    env_key: &str,
) -> Result<(), ConfigError> {
    let Some((last, parents)) = path.split_last() else {
        return Err(ConfigError::Load(format!(
            "environment variable {env_key} names no key"
        )));
    };
    let mut node = root;
    for part in parents {
        let entry = node
            .entry(part.clone())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        node = entry.as_object_mut().ok_or_else(|| {
            ConfigError::Load(format!(
                "environment variable {env_key} conflicts with another"
            ))
        })?;
    }
    node.insert(last.clone(), value);
    Ok(())
}

/// `WIREFEED__FETCHER__API_KEY_FILE=/run/secrets/key` → `fetcher.api_key = "<file contents>"`.
fn secrets_from_files(env: &[(String, String)]) -> Result<serde_json::Value, ConfigError> {
    let mut values = BTreeMap::new();
    for (key, path) in env {
        let Some(stripped) = key
            .strip_prefix(ENV_PREFIX)
            .and_then(|k| k.strip_suffix("_FILE"))
        else {
            continue;
        };
        let contents = std::fs::read_to_string(path).map_err(|error| ConfigError::Secret {
            key: stripped.to_lowercase().replace("__", "."),
            path: PathBuf::from(path),
            reason: error.to_string(),
        })?;
        values.insert(
            format!("{ENV_PREFIX}{stripped}"),
            contents.trim().to_owned(),
        );
    }
    let mut root = serde_json::Map::new();
    for (key, contents) in values {
        let path: Vec<String> = key[ENV_PREFIX.len()..]
            .split("__")
            .map(str::to_lowercase)
            .collect();
        insert_path(&mut root, &path, serde_json::Value::String(contents), &key)?;
    }
    Ok(serde_json::Value::Object(root))
}

/// The sections shared by every binary.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    pub bus: BusConfig,
    pub state: StateConfig,
    pub telemetry: TelemetryConfig,
    pub admin: AdminConfig,
    pub stage: StageConfig,
}

/// `[bus]`: which transport carries messages between stages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusConfig {
    /// `memory` (in one process) or `kafka`.
    pub kind: BusKind,
    pub memory: MemoryConfig,
    pub kafka: KafkaConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BusKind {
    Memory,
    Kafka,
}

/// `[bus.memory]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryConfig {
    /// Records each in-process channel holds before publishers wait.
    pub channel_capacity: usize,
}

/// `[bus.kafka]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaConfig {
    pub bootstrap_servers: String,
    pub client_id: String,
    /// Prepended to every topic name (lets several deployments or tests share a cluster).
    pub topic_prefix: String,
    /// Prepended to every consumer group name.
    pub group_prefix: String,
    /// Partitions and replication factor of topics `wirefeed` creates.
    pub partitions: i32,
    pub replication_factor: i32,
    pub auto_offset_reset: String,
    pub session_timeout_ms: u64,
    pub auto_commit_interval_ms: u64,
    pub statistics_interval_ms: u64,
    pub message_timeout_ms: u64,
    pub message_max_bytes: u64,
    pub linger_ms: u64,
    pub compression: String,
    /// Create the wirefeed topics (with `partitions` and `replication_factor`) at start-up when
    /// they do not exist.
    pub create_topics: bool,
    /// How long data topics keep messages (`retention.ms` of topics `wirefeed topics create`
    /// makes); 0 keeps them forever. State topics are compacted instead.
    pub retention_hours: u64,
    /// Extra librdkafka properties, e.g. `"security.protocol" = "SASL_SSL"`.
    pub options: BTreeMap<String, String>,
}

/// `[state]`: where stages keep what must survive a restart.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateConfig {
    /// `auto` (a compacted Kafka topic when `bus.kind = "kafka"`, else files in `dir`), `file`,
    /// `kafka` or `memory` (forgotten at exit).
    pub kind: StateKind,
    /// The directory of the file stores.
    pub dir: std::path::PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StateKind {
    Auto,
    File,
    Kafka,
    Memory,
}

impl Validate for StateConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.kind != StateKind::Memory && self.dir.as_os_str().is_empty() {
            return Err(ConfigError::invalid(
                "state.dir",
                "",
                "must name a directory unless state.kind = \"memory\"",
            ));
        }
        Ok(())
    }
}

/// `[telemetry]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryConfig {
    /// `human` or `json`.
    pub format: LogFormat,
    /// A `tracing` filter (`info`, `wirefeed=debug,rdkafka=warn`); `RUST_LOG` overrides it.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

/// `[admin]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    pub enabled: bool,
    /// Address of `/livez`, `/readyz` and `/metrics` (port 0 picks a free port).
    pub listen: String,
    /// The bearer token that changes over the admin API need (`POST`, `PUT`, `PATCH`,
    /// `DELETE`, e.g. the alerter's `/subscriptions`): `Authorization: Bearer <token>`. Set it
    /// from a secret file, `WIREFEED__ADMIN__TOKEN_FILE=/run/secrets/admin-token`. Default:
    /// unset, and then every change is refused (403); reads stay open.
    #[serde(default)]
    pub token: Option<String>,
    /// Require the token on reads too (`/metrics`, `/sources`, `/subscriptions`); `/livez` and
    /// `/readyz` stay open for probes.
    pub protect_reads: bool,
}

impl std::fmt::Debug for AdminConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminConfig")
            .field("enabled", &self.enabled)
            .field("listen", &self.listen)
            .field("token", &self.token.as_ref().map(|_| "(hidden)"))
            .field("protect_reads", &self.protect_reads)
            .finish()
    }
}

/// The shortest admin token accepted.
pub const ADMIN_TOKEN_MIN_CHARS: usize = 16;

/// `[stage]`: the stage loop.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageConfig {
    /// Inputs whose outputs or state writes await acknowledgement before the loop waits.
    pub max_in_flight: usize,
    /// Attempts of a `Retry` outcome before the message goes to the dead-letter topic.
    pub retry_max_attempts: u32,
    pub retry_initial_backoff_ms: u64,
    pub retry_max_backoff_ms: u64,
    /// How long shutdown waits for in-flight work.
    pub drain_timeout_ms: u64,
    /// How often a stage takes in the state other instances of it wrote to the shared state
    /// store (0: only when a rebalance assigns it partitions).
    pub state_refresh_ms: u64,
    /// Worker threads that prepare inputs ahead of the loop, for stages that offer a
    /// [`crate::stage::Prepare`]; 1 (the default): none, all on the loop; 0: one per core.
    pub workers: usize,
}

impl StageConfig {
    /// The worker threads `workers` asks for: one per core for 0.
    pub fn worker_threads(&self) -> usize {
        match self.workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
    }

    /// How a `Retry` outcome is retried: `retry_max_attempts` attempts, capped exponential
    /// backoff from `retry_initial_backoff_ms` to `retry_max_backoff_ms`, no jitter.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy::from_millis(
            self.retry_max_attempts,
            self.retry_initial_backoff_ms,
            self.retry_max_backoff_ms,
        )
    }
}

impl Validate for BusConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        require_at_least(
            "bus.memory.channel_capacity",
            self.memory.channel_capacity,
            1,
        )?;
        let kafka = &self.kafka;
        if self.kind == BusKind::Kafka && kafka.bootstrap_servers.trim().is_empty() {
            return Err(ConfigError::invalid(
                "bus.kafka.bootstrap_servers",
                &kafka.bootstrap_servers,
                "must name at least one broker when bus.kind = \"kafka\"",
            ));
        }
        require_at_least("bus.kafka.partitions", kafka.partitions, 1)?;
        require_at_least("bus.kafka.replication_factor", kafka.replication_factor, 1)?;
        if !["earliest", "latest"].contains(&kafka.auto_offset_reset.as_str()) {
            return Err(ConfigError::invalid(
                "bus.kafka.auto_offset_reset",
                &kafka.auto_offset_reset,
                "must be \"earliest\" or \"latest\"",
            ));
        }
        for reserved in [
            "enable.auto.offset.store",
            "enable.idempotence",
            "group.id",
            "bootstrap.servers",
        ] {
            if kafka.options.contains_key(reserved) {
                return Err(ConfigError::invalid(
                    &format!("bus.kafka.options.\"{reserved}\""),
                    &kafka.options[reserved],
                    "is set by wirefeed itself to keep its delivery guarantee",
                ));
            }
        }
        Ok(())
    }
}

impl Validate for TelemetryConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        tracing_subscriber::EnvFilter::try_new(&self.level)
            .map(|_| ())
            .map_err(|e| ConfigError::invalid("telemetry.level", &self.level, e.to_string()))
    }
}

impl Validate for AdminConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        self.listen
            .parse::<std::net::SocketAddr>()
            .map_err(|e| ConfigError::invalid("admin.listen", &self.listen, e.to_string()))?;
        // The value of a secret is never put in an error message.
        if let Some(token) = &self.token {
            if token.chars().count() < ADMIN_TOKEN_MIN_CHARS {
                return Err(ConfigError::invalid(
                    "admin.token",
                    "(hidden)",
                    format!("must have at least {ADMIN_TOKEN_MIN_CHARS} characters"),
                ));
            }
            if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ConfigError::invalid(
                    "admin.token",
                    "(hidden)",
                    "must not contain spaces or control characters",
                ));
            }
        } else if self.protect_reads {
            return Err(ConfigError::invalid(
                "admin.protect_reads",
                true,
                "needs admin.token (set WIREFEED__ADMIN__TOKEN_FILE)",
            ));
        }
        Ok(())
    }
}

/// The most worker threads a stage may ask for.
const MAX_STAGE_WORKERS: usize = 256;

impl Validate for StageConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        require_at_least("stage.max_in_flight", self.max_in_flight, 1)?;
        require_not_above("stage.workers", self.workers, "256", MAX_STAGE_WORKERS)?;
        require_not_above(
            "stage.retry_initial_backoff_ms",
            self.retry_initial_backoff_ms,
            "stage.retry_max_backoff_ms",
            self.retry_max_backoff_ms,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_load_and_validate() {
        let config = LoadedConfig::load_from(None, &[]).unwrap();
        let runtime = config.runtime().unwrap();
        assert_eq!(runtime.bus.kind, BusKind::Memory);
        assert!(runtime.stage.max_in_flight > 0);
    }

    #[test]
    fn the_embedded_defaults_parse_into_every_runtime_section() {
        let loaded = LoadedConfig::load_from(None, &[]).unwrap();
        let runtime = loaded.runtime().unwrap();
        // What embedded_section hands out is what a run without a config file gets.
        let stage: StageConfig = embedded_section("stage");
        assert_eq!(format!("{stage:?}"), format!("{:?}", runtime.stage));
        let bus: BusConfig = embedded_section("bus");
        assert_eq!(format!("{bus:?}"), format!("{:?}", runtime.bus));
        let kafka: KafkaConfig = embedded_section("bus.kafka");
        assert_eq!(format!("{kafka:?}"), format!("{:?}", runtime.bus.kafka));
    }

    #[test]
    fn no_runtime_key_has_a_rust_default_besides_the_toml() {
        let mut hidden = Vec::new();
        hidden.extend(keys_with_rust_defaults::<BusConfig>("bus"));
        hidden.extend(keys_with_rust_defaults::<StateConfig>("state"));
        hidden.extend(keys_with_rust_defaults::<TelemetryConfig>("telemetry"));
        hidden.extend(keys_with_rust_defaults::<AdminConfig>("admin"));
        hidden.extend(keys_with_rust_defaults::<StageConfig>("stage"));
        assert_eq!(hidden, Vec::<String>::new());
    }

    #[test]
    fn keys_with_rust_defaults_finds_a_serde_default() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct WithDefault {
            max_in_flight: usize,
            #[serde(default)]
            retry_max_attempts: u32,
            retry_initial_backoff_ms: u64,
            retry_max_backoff_ms: u64,
            drain_timeout_ms: u64,
            state_refresh_ms: u64,
            workers: usize,
        }
        assert_eq!(
            keys_with_rust_defaults::<WithDefault>("stage"),
            ["stage.retry_max_attempts"]
        );
        assert_eq!(
            keys_with_rust_defaults::<WithDefault>("nonexistent"),
            ["(config/wirefeed.toml has no [nonexistent])"]
        );
    }

    #[test]
    fn the_stage_retry_policy_is_the_stage_section() {
        let stage: StageConfig = embedded_section("stage");
        let policy = stage.retry_policy();
        assert_eq!(policy.max_attempts, 5);
        assert_eq!(policy.delay(1), std::time::Duration::from_millis(200));
        assert_eq!(policy.delay(20), std::time::Duration::from_millis(10_000));
    }

    #[test]
    fn a_file_overrides_defaults_and_the_environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("wirefeed.toml");
        std::fs::write(
            &file,
            "[bus]\nkind = \"kafka\"\n[bus.kafka]\nbootstrap_servers = \"file:9092\"\npartitions = 6\n",
        )
        .unwrap();
        let config = LoadedConfig::load_from(
            Some(&file),
            &env(&[
                ("WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS", "env:9092"),
                ("WIREFEED__STAGE__MAX_IN_FLIGHT", "7"),
                ("UNRELATED", "x"),
            ]),
        )
        .unwrap();
        let runtime = config.runtime().unwrap();
        assert_eq!(runtime.bus.kind, BusKind::Kafka);
        assert_eq!(runtime.bus.kafka.bootstrap_servers, "env:9092");
        assert_eq!(runtime.bus.kafka.partitions, 6);
        assert_eq!(runtime.stage.max_in_flight, 7);
    }

    #[test]
    fn log_is_another_name_for_telemetry_in_the_environment() {
        let config =
            LoadedConfig::load_from(None, &env(&[("WIREFEED__LOG__FORMAT", "json")])).unwrap();
        let telemetry: TelemetryConfig = config.section("telemetry").unwrap();
        assert_eq!(format!("{:?}", telemetry.format).to_lowercase(), "json");
    }

    #[test]
    fn secrets_come_from_files_named_by_file_variables() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("password");
        std::fs::write(&secret, "s3cret\n").unwrap();
        let config = LoadedConfig::load_from(
            None,
            &env(&[(
                "WIREFEED__BUS__KAFKA__OPTIONS__SASL.PASSWORD_FILE",
                secret.to_str().unwrap(),
            )]),
        )
        .unwrap();
        let bus: BusConfig = config.section("bus").unwrap();
        assert_eq!(bus.kafka.options["sasl.password"], "s3cret");
    }

    #[test]
    fn a_missing_secret_file_is_an_error_naming_the_key() {
        let error = LoadedConfig::load_from(
            None,
            &env(&[("WIREFEED__ALERTER__TOKEN_FILE", "/nonexistent/token")]),
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("alerter.token"), "{message}");
        assert!(message.contains("/nonexistent/token"), "{message}");
    }

    #[test]
    fn invalid_values_are_named_with_key_and_value() {
        let config = LoadedConfig::load_from(
            None,
            &env(&[("WIREFEED__BUS__KAFKA__AUTO_OFFSET_RESET", "sometimes")]),
        )
        .unwrap();
        let message = config.runtime().unwrap_err().to_string();
        assert!(message.contains("bus.kafka.auto_offset_reset"), "{message}");
        assert!(message.contains("sometimes"), "{message}");
    }

    #[test]
    fn unknown_keys_and_sections_are_rejected() {
        let config =
            LoadedConfig::load_from(None, &env(&[("WIREFEED__STAGE__MAX_INFLIGHT", "3")])).unwrap();
        let message = config.runtime().unwrap_err().to_string();
        assert!(message.contains("max_inflight"), "{message}");
        let error =
            LoadedConfig::load_from(None, &env(&[("WIREFEED__FETCHR__X", "1")])).unwrap_err();
        assert!(matches!(error, ConfigError::UnknownSection(ref s) if s == "fetchr"));
    }

    #[test]
    fn the_admin_token_comes_from_a_secret_file_and_is_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("admin-token");
        std::fs::write(&secret, "an-admin-token-of-some-length\n").unwrap();
        let config = LoadedConfig::load_from(
            None,
            &env(&[("WIREFEED__ADMIN__TOKEN_FILE", secret.to_str().unwrap())]),
        )
        .unwrap();
        let admin: AdminConfig = config.section("admin").unwrap();
        assert_eq!(
            admin.token.as_deref(),
            Some("an-admin-token-of-some-length")
        );
        assert!(!format!("{admin:?}").contains("an-admin-token"));

        std::fs::write(&secret, "short-secret").unwrap();
        let config = LoadedConfig::load_from(
            None,
            &env(&[("WIREFEED__ADMIN__TOKEN_FILE", secret.to_str().unwrap())]),
        )
        .unwrap();
        let message = config.runtime().unwrap_err().to_string();
        assert!(message.contains("admin.token"), "{message}");
        assert!(!message.contains("short-secret"), "{message}");

        let config =
            LoadedConfig::load_from(None, &env(&[("WIREFEED__ADMIN__PROTECT_READS", "true")]))
                .unwrap();
        let message = config.runtime().unwrap_err().to_string();
        assert!(message.contains("admin.protect_reads"), "{message}");
    }

    #[test]
    fn reserved_kafka_options_are_refused() {
        let config = LoadedConfig::load_from(
            None,
            &env(&[(
                "WIREFEED__BUS__KAFKA__OPTIONS__ENABLE.AUTO.OFFSET.STORE",
                "true",
            )]),
        )
        .unwrap();
        let message = config.runtime().unwrap_err().to_string();
        assert!(message.contains("enable.auto.offset.store"), "{message}");
    }
}
