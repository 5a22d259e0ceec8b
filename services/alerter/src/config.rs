//! `[alerter]` configuration.

use crate::digest::Schedule;
use crate::matcher::CompiledQuery;
use crate::query;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use wire_runtime::config::{ConfigError, require_at_least, require_not_above, require_share};
use wire_runtime::{RetryPolicy, Validate};

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
/// counted as failed. The password can come from a file: `WIREFEED__ALERTER__SMTP__PASSWORD_FILE`.
/// Its `Debug` hides the password.
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
const HIDDEN: &str = "(hidden)";

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| HIDDEN))
            .field("starttls", &self.starttls)
            .field("timeout_secs", &self.timeout_secs)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &self.url)
            .field("kind", &self.kind)
            .field("secret", &self.secret.as_ref().map(|_| HIDDEN))
            .finish()
    }
}

/// The default cap of alerts per subscription and minute.
pub const DEFAULT_MAX_PER_MINUTE: u32 = 20;

/// `[[alerter.subscriptions]]`: alert once per story family when an article matches `query`
/// (or, older form, contains one of `keywords`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionConfig {
    pub id: String,
    /// A query (see [`crate::query`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Sugar for `"keyword 1" OR "keyword 2" OR ...`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Where alerts are posted, besides `wire.alerts.v1`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<WebhookTarget>,
    /// Other channels: `{ kind = "email", to = ["desk@example.org"] }`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelTarget>,
    /// `realtime` (default): each alert as it comes, at most `max_per_minute` a minute, the
    /// rest batched into one message when the minute ends. `digest`: one message per channel
    /// every `every_minutes`, or at the times of day in `at`.
    #[serde(default, skip_serializing_if = "Mode::is_realtime")]
    pub mode: Mode,
    /// The digest period (digest mode, instead of `at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_minutes: Option<u32>,
    /// Times of day (`"HH:MM"`, 24-hour) when the digest goes out (digest mode, instead of
    /// `every_minutes`), in `time_zone`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at: Vec<String>,
    /// The IANA time zone of `at` (`Europe/Berlin`, `America/New_York`; default `UTC`),
    /// daylight saving time included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Alerts a minute before the rest are batched (default [`DEFAULT_MAX_PER_MINUTE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_minute: Option<u32>,
    /// What the channels do with a story under embargo: `notify` (default) delivers its alert
    /// at once, marked EMBARGOED until its time; `hold` delivers it when the embargo lifts
    /// (held durably, like digests). A kill is never held. `wire.alerts.v1` always gets the
    /// alert at once, with `embargoed_until`.
    #[serde(default, skip_serializing_if = "Embargo::is_notify")]
    pub embargo: Embargo,
}

/// What a subscription's channels do with an alert under embargo.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Embargo {
    /// Delivered at once, marked `EMBARGOED until <time>`.
    #[default]
    Notify,
    /// Delivered when the embargo lifts.
    Hold,
}

impl Embargo {
    fn is_notify(&self) -> bool {
        *self == Self::Notify
    }
}

/// How a subscription's alerts reach its channels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Realtime,
    Digest,
}

impl Mode {
    fn is_realtime(&self) -> bool {
        *self == Self::Realtime
    }
}

/// A non-webhook channel of a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelTarget {
    pub kind: ChannelKind,
    /// E-mail recipients.
    #[serde(default)]
    pub to: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Email,
}

/// One webhook of a subscription. Its `Debug` hides the secret.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookTarget {
    pub url: String,
    /// `generic` (the alert as JSON, signed) or `slack` (`{"text": ...}`).
    #[serde(default)]
    pub kind: WebhookKind,
    /// Signs generic deliveries: `X-Wirefeed-Signature: t=<unix seconds>,sha256=<hex
    /// HMAC-SHA256 of "<t>.<body>">` (see [`crate::channels::signing`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookKind {
    #[default]
    Generic,
    Slack,
}

impl WebhookKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Slack => "slack",
        }
    }
}

/// Why a subscription is not valid; `key` is relative to the subscription.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{key} = {value}: {reason}")]
pub struct SubscriptionError {
    pub key: String,
    pub value: String,
    pub reason: String,
}

impl SubscriptionConfig {
    /// When digests go out: `None` for a realtime subscription (or an invalid schedule, which
    /// [`Self::compile`] refuses).
    pub fn digest_schedule(&self) -> Option<Schedule> {
        if self.mode != Mode::Digest {
            return None;
        }
        if let Some(every) = self.every_minutes {
            return Some(Schedule::Every(every));
        }
        let zone = match self.time_zone.as_deref() {
            None => chrono_tz::UTC,
            Some(name) => name.parse::<chrono_tz::Tz>().ok()?,
        };
        let mut times = self
            .at
            .iter()
            .map(|time| NaiveTime::parse_from_str(time, "%H:%M").ok())
            .collect::<Option<Vec<_>>>()?;
        times.sort_unstable();
        times.dedup();
        (!times.is_empty()).then_some(Schedule::At { times, zone })
    }

    /// The mode's settings: `(key, value, reason)` of the first that is wrong.
    fn check_schedule(&self) -> Result<(), (&'static str, String, String)> {
        let digest = self.mode == Mode::Digest;
        if !digest {
            for (key, set) in [
                ("every_minutes", self.every_minutes.is_some()),
                ("at", !self.at.is_empty()),
                ("time_zone", self.time_zone.is_some()),
            ] {
                if set {
                    return Err((key, String::new(), "only with mode = \"digest\"".to_owned()));
                }
            }
            return Ok(());
        }
        match (self.every_minutes, self.at.is_empty()) {
            (Some(1..=10_080), true) => {}
            (Some(every), true) => {
                return Err((
                    "every_minutes",
                    every.to_string(),
                    "must be from 1 to 10080".to_owned(),
                ));
            }
            (Some(_), false) => {
                return Err((
                    "at",
                    format!("{:?}", self.at),
                    "give either every_minutes or at, not both".to_owned(),
                ));
            }
            (None, true) => {
                return Err((
                    "mode",
                    "\"digest\"".to_owned(),
                    "digest mode needs every_minutes (1 to 10080) or at (times of day)".to_owned(),
                ));
            }
            (None, false) => {
                if let Some(bad) = self
                    .at
                    .iter()
                    .find(|time| NaiveTime::parse_from_str(time, "%H:%M").is_err())
                {
                    return Err((
                        "at",
                        format!("{bad:?}"),
                        "must be times of day as \"HH:MM\" (24-hour)".to_owned(),
                    ));
                }
            }
        }
        if let Some(zone) = &self.time_zone {
            if self.at.is_empty() {
                return Err((
                    "time_zone",
                    format!("{zone:?}"),
                    "only with at (every_minutes is aligned to UTC)".to_owned(),
                ));
            }
            if zone.parse::<chrono_tz::Tz>().is_err() {
                return Err((
                    "time_zone",
                    format!("{zone:?}"),
                    "must be an IANA time zone such as Europe/Berlin or UTC".to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// Checks the subscription and compiles its query.
    pub fn compile(&self) -> Result<CompiledQuery, SubscriptionError> {
        let error = |key: &str, value: &dyn std::fmt::Debug, reason: String| SubscriptionError {
            key: key.to_owned(),
            value: format!("{value:?}"),
            reason,
        };
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 128
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !id_ok {
            return Err(error(
                "id",
                &self.id,
                "must be 1 to 128 letters, digits, '-', '_' or '.'".to_owned(),
            ));
        }
        for (index, webhook) in self.webhooks.iter().enumerate() {
            let url_ok = url::Url::parse(&webhook.url)
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
            if !url_ok {
                return Err(error(
                    &format!("webhooks[{index}].url"),
                    &webhook.url,
                    "must be an http or https URL".to_owned(),
                ));
            }
        }
        for (index, channel) in self.channels.iter().enumerate() {
            let ChannelKind::Email = channel.kind;
            if channel.to.is_empty() {
                return Err(error(
                    &format!("channels[{index}].to"),
                    &channel.to,
                    "must name at least one recipient".to_owned(),
                ));
            }
            for to in &channel.to {
                if to.parse::<lettre::message::Mailbox>().is_err() {
                    return Err(error(
                        &format!("channels[{index}].to"),
                        to,
                        "must be e-mail addresses".to_owned(),
                    ));
                }
            }
        }
        self.check_schedule()
            .map_err(|(key, value, reason)| error(key, &Shown(value), reason))?;
        if self.embargo == Embargo::Hold && self.webhooks.is_empty() && self.channels.is_empty() {
            return Err(error(
                "embargo",
                &Shown("\"hold\"".to_owned()),
                "holds alerts for webhooks and e-mail channels, and this subscription has none \
                 (wire.alerts.v1 always gets the alert at once, with embargoed_until)"
                    .to_owned(),
            ));
        }
        if self.max_per_minute == Some(0) {
            return Err(error(
                "max_per_minute",
                &self.max_per_minute,
                "must be at least 1".to_owned(),
            ));
        }
        let expr = match (&self.query, self.keywords.is_empty()) {
            (Some(text), true) => query::parse(text)
                .map_err(|parse_error| error("query", text, parse_error.to_string()))?,
            (None, false) => {
                if self.keywords.iter().any(|k| k.trim().is_empty()) {
                    return Err(error(
                        "keywords",
                        &self.keywords,
                        "must not hold empty keywords".to_owned(),
                    ));
                }
                query::any_of(&self.keywords)
            }
            _ => {
                return Err(error(
                    "query",
                    &self.query,
                    "set either query or keywords (not both, not neither)".to_owned(),
                ));
            }
        };
        Ok(CompiledQuery {
            id: self.id.clone(),
            expr,
        })
    }
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
struct Shown(String);

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_smtp_password_and_webhook_secrets() {
        let smtp: SmtpConfig = serde_json::from_str(
            r#"{"host": "smtp.example", "from": "a@example.org", "password": "hunter2-smtp"}"#,
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let webhook = WebhookTarget {
            url: "https://desk.example/hook".to_owned(),
            kind: WebhookKind::Generic,
            secret: Some("hunter2-hook".to_owned()),
        };
        let shown = format!("{smtp:?} {webhook:?} {:?}", vec![webhook.clone()]);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("(hidden)") && shown.contains("smtp.example"));
    }

    #[test]
    fn the_default_is_the_embedded_toml_with_no_other_rust_default() {
        let loaded = wire_runtime::LoadedConfig::load_from(None, &[]).unwrap_or_else(|e| {
            unreachable!("{e}");
        });
        let loaded: AlerterConfig = loaded
            .section("alerter")
            .unwrap_or_else(|e| unreachable!("{e}"));
        let default = AlerterConfig::default();
        assert_eq!(format!("{default:?}"), format!("{loaded:?}"));
        assert_eq!(
            format!("{:?}", WebhookDeliveryConfig::default()),
            format!("{:?}", loaded.webhook)
        );
        assert!(default.validate().is_ok());
        assert!(default.print_alerts);
        assert_eq!(
            wire_runtime::config::keys_with_rust_defaults::<AlerterConfig>("alerter"),
            Vec::<String>::new()
        );
    }

    /// `[alerter.smtp]` is optional, so its defaults live in Rust; the commented example in
    /// config/wirefeed.toml states the same values.
    #[test]
    fn the_commented_smtp_example_states_the_rust_defaults() {
        let example: String = wire_runtime::config::DEFAULTS_TOML
            .lines()
            .skip_while(|line| line.trim() != "# [alerter.smtp]")
            .skip(1)
            .take_while(|line| line.starts_with("# ") && line.contains(" = "))
            .map(|line| format!("{}\n", &line[2..]))
            .collect();
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let file = dir.path().join("smtp.toml");
        std::fs::write(&file, format!("[alerter.smtp]\n{example}"))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let stated: AlerterConfig = wire_runtime::LoadedConfig::load_from(Some(&file), &[])
            .and_then(|loaded| loaded.section("alerter"))
            .unwrap_or_else(|e| unreachable!("{e}: {example}"));
        let Some(stated) = stated.smtp else {
            unreachable!("no smtp in {example}")
        };
        let bare: SmtpConfig = serde_json::from_str(r#"{"host": "h", "from": "a@example.org"}"#)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(stated.port, bare.port);
        assert_eq!(stated.starttls, bare.starttls);
        assert_eq!(stated.timeout_secs, bare.timeout_secs);
        assert_eq!(stated.retry_policy(), bare.retry_policy());
    }

    fn subscription(json: &str) -> SubscriptionConfig {
        serde_json::from_str(json).unwrap_or_default()
    }

    #[test]
    fn email_channels_and_pacing_parse_and_are_checked() {
        let ok = subscription(
            r#"{"id": "syria-desk", "query": "syria",
                "channels": [{"kind": "email", "to": ["desk@example.org"]}],
                "mode": "digest", "every_minutes": 60}"#,
        );
        assert_eq!(ok.mode, Mode::Digest);
        assert_eq!(ok.channels[0].to, vec!["desk@example.org".to_owned()]);
        assert!(ok.compile().is_ok());
        let key = |s: SubscriptionConfig| s.compile().err().map(|e| e.key).unwrap_or_default();
        let no_period = SubscriptionConfig {
            every_minutes: None,
            ..ok.clone()
        };
        assert_eq!(key(no_period.clone()), "mode");
        let set_times = SubscriptionConfig {
            at: vec!["16:30".to_owned(), "07:00".to_owned()],
            time_zone: Some("Europe/Berlin".to_owned()),
            ..no_period.clone()
        };
        assert!(set_times.compile().is_ok());
        assert_eq!(
            set_times.digest_schedule(),
            Some(Schedule::At {
                times: vec![
                    NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
                    NaiveTime::from_hms_opt(16, 30, 0).unwrap_or_default()
                ],
                zone: chrono_tz::Europe::Berlin
            })
        );
        assert_eq!(ok.digest_schedule(), Some(Schedule::Every(60)));
        let both = SubscriptionConfig {
            at: vec!["07:00".to_owned()],
            ..ok.clone()
        };
        assert_eq!(key(both), "at");
        let bad_time = SubscriptionConfig {
            at: vec!["7 am".to_owned()],
            ..set_times.clone()
        };
        assert_eq!(key(bad_time), "at");
        let bad_zone = SubscriptionConfig {
            time_zone: Some("Mars/Olympus".to_owned()),
            ..set_times.clone()
        };
        assert_eq!(key(bad_zone), "time_zone");
        let zone_with_period = SubscriptionConfig {
            time_zone: Some("UTC".to_owned()),
            ..ok.clone()
        };
        assert_eq!(key(zone_with_period), "time_zone");
        let realtime_with_period = SubscriptionConfig {
            mode: Mode::Realtime,
            ..ok.clone()
        };
        assert_eq!(key(realtime_with_period), "every_minutes");
        let bad_address = SubscriptionConfig {
            channels: vec![ChannelTarget {
                kind: ChannelKind::Email,
                to: vec!["not an address".to_owned()],
            }],
            ..ok.clone()
        };
        assert_eq!(key(bad_address), "channels[0].to");
        let zero_cap = SubscriptionConfig {
            mode: Mode::Realtime,
            every_minutes: None,
            max_per_minute: Some(0),
            ..ok.clone()
        };
        assert_eq!(key(zero_cap), "max_per_minute");
    }

    #[test]
    fn the_embargo_choice_parses_defaults_to_notify_and_is_checked() {
        let notify = subscription(r#"{"id": "desk", "query": "syria"}"#);
        assert_eq!(notify.embargo, Embargo::Notify);
        let hold = subscription(
            r#"{"id": "desk", "query": "syria", "embargo": "hold",
                "webhooks": [{"url": "https://desk.example/hook"}]}"#,
        );
        assert_eq!(hold.embargo, Embargo::Hold);
        assert!(hold.compile().is_ok());
        let unknown: Result<SubscriptionConfig, _> =
            serde_json::from_str(r#"{"id": "desk", "query": "syria", "embargo": "ignore"}"#);
        let message = unknown.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("notify") && message.contains("hold"),
            "{message}"
        );
        // Holding needs something to hold for.
        let nothing_to_hold = SubscriptionConfig {
            webhooks: Vec::new(),
            ..hold
        };
        let error = nothing_to_hold.compile().err();
        assert_eq!(error.as_ref().map(|e| e.key.as_str()), Some("embargo"));
        let config = AlerterConfig {
            subscriptions: vec![nothing_to_hold],
            ..AlerterConfig::default()
        };
        let shown = config
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            shown.contains("alerter.subscriptions[0].embargo"),
            "{shown}"
        );
    }

    #[test]
    fn email_channels_need_an_smtp_server() {
        let mut config = AlerterConfig {
            subscriptions: vec![SubscriptionConfig {
                id: "desk".to_owned(),
                query: Some("syria".to_owned()),
                channels: vec![ChannelTarget {
                    kind: ChannelKind::Email,
                    to: vec!["desk@example.org".to_owned()],
                }],
                ..SubscriptionConfig::default()
            }],
            ..AlerterConfig::default()
        };
        assert!(config.validate().is_err());
        config.smtp = Some(SmtpConfig {
            host: "127.0.0.1".to_owned(),
            port: 25,
            from: "alerts@example.org".to_owned(),
            username: None,
            password: None,
            starttls: false,
            timeout_secs: 5,
            max_attempts: 3,
            initial_backoff_ms: 10,
            max_backoff_ms: 100,
        });
        assert!(config.validate().is_ok());
        if let Some(smtp) = config.smtp.as_mut() {
            smtp.from = "nobody".to_owned();
        }
        assert!(config.validate().is_err());
    }
}
