//! `[[alerter.subscriptions]]`: a subscription's query, channels, delivery mode and embargo
//! handling, and their validation.

use super::{HIDDEN, Shown};
use crate::digest::Schedule;
use crate::matcher::CompiledQuery;
use crate::query;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

impl std::fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &self.url)
            .field("kind", &self.kind)
            .field("secret", &self.secret.as_ref().map(|_| HIDDEN))
            .field("secret_file", &self.secret_file)
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
    /// The secret read from this file (trimmed) at each delivery, so a rotated secret is used
    /// without a restart; checked readable at start-up. Only in the config file: the admin API
    /// refuses it (a caller could have any file the alerter can read used as a signing key).
    /// Not with `secret`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_file: Option<PathBuf>,
}

impl WebhookTarget {
    /// A webhook without a secret.
    pub fn new(url: &str, kind: WebhookKind) -> Self {
        Self {
            url: url.to_owned(),
            kind,
            secret: None,
            secret_file: None,
        }
    }

    /// The secret that signs deliveries: `secret`, or the contents of `secret_file` (trimmed).
    /// The error names the file, never its contents.
    pub fn signing_secret(&self) -> Result<Option<String>, String> {
        match &self.secret_file {
            Some(path) => std::fs::read_to_string(path)
                .map(|secret| Some(secret.trim().to_owned()))
                .map_err(|e| format!("failed to read webhook secret file {}: {e}", path.display())),
            None => Ok(self.secret.clone()),
        }
    }
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
            if webhook.secret.is_some() && webhook.secret_file.is_some() {
                return Err(error(
                    &format!("webhooks[{index}].secret_file"),
                    &webhook.secret_file,
                    "set secret or secret_file, not both".to_owned(),
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
