//! `[alerter]` configuration: the alerter's settings here, subscriptions in [`subscription`].

use serde::Deserialize;
use wire_runtime::config::{ConfigError, require_at_least, require_not_above, require_share};
use wire_runtime::{RetryPolicy, Validate};

mod subscription;
pub use subscription::*;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlerterConfig {
    /// Print one line per alert on stdout (in addition to `wire.alerts.v1`).
    pub print_alerts: bool,
    /// How long a (subscription, story family) pair is remembered after its last alert; a
    /// copy of the family after that alerts again as new.
    pub alerted_window_hours: u64,
    /// A new version the enricher found material (`wire.change.material`) re-alerts; one that
    /// changed only the body (wording, paragraphs added or removed: not the headline, lede,
    /// urgency, correction, kill or reinstatement) only when at least this share of its
    /// wording changed (`wire.change.body_changed`, 0.0 to 1.0). 0.0: the enricher's rule.
    pub update_min_body_change: f64,
    /// How often the config file is checked for changed subscriptions (0: never).
    pub reload_interval_secs: u64,
    /// How webhooks are delivered.
    pub webhook: WebhookDeliveryConfig,
    /// The SMTP server e-mail channels send through (none: e-mail channels fail).
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    /// The subscriptions (the defaults have two demo desks).
    pub subscriptions: Vec<SubscriptionConfig>,
}

/// `[alerter]` of the embedded `config/wirefeed.toml`, the one place its defaults are stated
/// (see [`wire_runtime::config::embedded_section`]): alerts printed, the demo subscriptions.
impl Default for AlerterConfig {
    fn default() -> Self {
        wire_runtime::config::embedded_section("alerter")
    }
}

/// `[alerter.webhook]`: retries of webhook deliveries before the alert is dead-lettered.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookDeliveryConfig {
    pub timeout_secs: u64,
    pub max_attempts: u32,
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
}

/// `[alerter.webhook]` of the embedded `config/wirefeed.toml`.
impl Default for WebhookDeliveryConfig {
    fn default() -> Self {
        wire_runtime::config::embedded_section("alerter.webhook")
    }
}

impl WebhookDeliveryConfig {
    /// `max_attempts` posts, capped exponential backoff with jitter in between.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy::from_millis(
            self.max_attempts,
            self.initial_backoff_ms,
            self.max_backoff_ms,
        )
    }
}

/// `[alerter.smtp]`: the SMTP server of e-mail channels, and retries of a send before it is
/// counted as failed. The password can come from a file: `password_file` (read at start-up) or
/// `WIREFEED__ALERTER__SMTP__PASSWORD_FILE`. Its `Debug` hides the password.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// The sender, `desk-alerts@example.org` or `Wirefeed <alerts@example.org>`.
    pub from: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The password read from this file (trimmed) at start-up. Not with `password`.
    #[serde(default)]
    pub password_file: Option<std::path::PathBuf>,
    /// Upgrade the connection with STARTTLS (required when set); false: plain SMTP.
    #[serde(default = "default_true")]
    pub starttls: bool,
    #[serde(default = "default_smtp_timeout")]
    pub timeout_secs: u64,
    #[serde(default = "default_smtp_attempts")]
    pub max_attempts: u32,
    #[serde(default = "default_smtp_initial_backoff")]
    pub initial_backoff_ms: u64,
    #[serde(default = "default_smtp_max_backoff")]
    pub max_backoff_ms: u64,
}

fn default_smtp_port() -> u16 {
    587
}
fn default_true() -> bool {
    true
}
fn default_smtp_timeout() -> u64 {
    30
}
fn default_smtp_attempts() -> u32 {
    5
}
fn default_smtp_initial_backoff() -> u64 {
    1000
}
fn default_smtp_max_backoff() -> u64 {
    60_000
}

impl SmtpConfig {
    /// The password: `password`, or the contents of `password_file` (trimmed). The error names
    /// the key and the file, never the contents.
    pub fn read_password(&self) -> Result<Option<String>, ConfigError> {
        match &self.password_file {
            Some(path) => read_secret_file("alerter.smtp.password_file", path).map(Some),
            None => Ok(self.password.clone()),
        }
    }

    /// `max_attempts` sends, capped exponential backoff with jitter in between (as webhooks).
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy::from_millis(
            self.max_attempts,
            self.initial_backoff_ms,
            self.max_backoff_ms,
        )
    }
}

/// Shown instead of a secret in `Debug` output.
pub(crate) const HIDDEN: &str = "(hidden)";

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| HIDDEN))
            .field("password_file", &self.password_file)
            .field("starttls", &self.starttls)
            .field("timeout_secs", &self.timeout_secs)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

/// The contents of the secret file at `path` (trimmed), for config key `key`. The error names
/// the key and the file, never the contents.
fn read_secret_file(key: &str, path: &std::path::Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map(|secret| secret.trim().to_owned())
        .map_err(|error| ConfigError::Secret {
            key: key.to_owned(),
            path: path.to_path_buf(),
            reason: error.to_string(),
        })
}

impl Validate for AlerterConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        require_at_least("alerter.alerted_window_hours", self.alerted_window_hours, 1)?;
        require_share(
            "alerter.update_min_body_change",
            self.update_min_body_change,
        )?;
        let webhook = &self.webhook;
        if webhook.max_attempts == 0 || webhook.timeout_secs == 0 {
            return Err(ConfigError::invalid(
                "alerter.webhook.max_attempts",
                webhook.max_attempts,
                "max_attempts and timeout_secs must be at least 1",
            ));
        }
        require_not_above(
            "alerter.webhook.initial_backoff_ms",
            webhook.initial_backoff_ms,
            "alerter.webhook.max_backoff_ms",
            webhook.max_backoff_ms,
        )?;
        if let Some(smtp) = &self.smtp {
            if smtp.from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(ConfigError::invalid(
                    "alerter.smtp.from",
                    &smtp.from,
                    "must be an e-mail address",
                ));
            }
            if smtp.host.is_empty() || smtp.max_attempts == 0 || smtp.timeout_secs == 0 {
                return Err(ConfigError::invalid(
                    "alerter.smtp.host",
                    &smtp.host,
                    "host must be set, max_attempts and timeout_secs at least 1",
                ));
            }
            require_not_above(
                "alerter.smtp.initial_backoff_ms",
                smtp.initial_backoff_ms,
                "alerter.smtp.max_backoff_ms",
                smtp.max_backoff_ms,
            )?;
            if smtp.password.is_some() && smtp.password_file.is_some() {
                return Err(ConfigError::invalid(
                    "alerter.smtp.password_file",
                    &smtp.password_file,
                    "set password or password_file, not both",
                ));
            }
            smtp.read_password()?;
        }
        let mut ids = std::collections::HashSet::new();
        for (index, subscription) in self.subscriptions.iter().enumerate() {
            let key = |field: &str| format!("alerter.subscriptions[{index}].{field}");
            if let Err(error) = subscription.compile() {
                return Err(ConfigError::invalid(
                    &key(&error.key),
                    Shown(error.value),
                    error.reason,
                ));
            }
            for (hook, webhook) in subscription.webhooks.iter().enumerate() {
                if let Some(path) = &webhook.secret_file {
                    read_secret_file(&key(&format!("webhooks[{hook}].secret_file")), path)?;
                }
            }
            if self.smtp.is_none() && !subscription.channels.is_empty() {
                return Err(ConfigError::invalid(
                    &key("channels"),
                    subscription.channels.len(),
                    "e-mail channels need [alerter.smtp]",
                ));
            }
            if !ids.insert(subscription.id.clone()) {
                return Err(ConfigError::invalid(
                    &key("id"),
                    &subscription.id,
                    "is used by another subscription",
                ));
            }
        }
        Ok(())
    }
}

/// A value already formatted for an error message.
pub(crate) struct Shown(pub(crate) String);

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
