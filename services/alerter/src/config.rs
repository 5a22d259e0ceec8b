//! `[alerter]` configuration.

use crate::matcher::CompiledQuery;
use crate::query;
use serde::{Deserialize, Serialize};
use wire_runtime::Validate;
use wire_runtime::config::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlerterConfig {
    /// Print one line per alert on stdout (in addition to `wire.alerts.v1`).
    pub print_alerts: bool,
    /// How long a (subscription, story family) pair is remembered after its last alert; a
    /// copy of the family after that alerts again as new.
    #[serde(default = "default_window_hours")]
    pub alerted_window_hours: u64,
    /// A material new version re-alerts when its headline, urgency, correction flag changed,
    /// or when at least this share of its paragraphs was added or removed (0.0: any material
    /// change re-alerts).
    #[serde(default)]
    pub update_min_body_change: f64,
    /// How webhooks are delivered.
    #[serde(default)]
    pub webhook: WebhookDeliveryConfig,
    #[serde(default)]
    pub subscriptions: Vec<SubscriptionConfig>,
}

fn default_window_hours() -> u64 {
    336
}

impl Default for AlerterConfig {
    fn default() -> Self {
        Self {
            print_alerts: false,
            alerted_window_hours: default_window_hours(),
            update_min_body_change: 0.0,
            webhook: WebhookDeliveryConfig::default(),
            subscriptions: Vec::new(),
        }
    }
}

/// `[alerter.webhook]`: retries of webhook deliveries before the alert is dead-lettered.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookDeliveryConfig {
    pub timeout_secs: u64,
    pub max_attempts: u32,
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
}

impl Default for WebhookDeliveryConfig {
    fn default() -> Self {
        Self {
            timeout_secs: 10,
            max_attempts: 5,
            initial_backoff_ms: 500,
            max_backoff_ms: 30_000,
        }
    }
}

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
}

/// One webhook of a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookTarget {
    pub url: String,
    /// `generic` (the alert as JSON, signed) or `slack` (`{"text": ...}`).
    #[serde(default)]
    pub kind: WebhookKind,
    /// Signs generic deliveries: `X-Wirefeed-Signature: sha256=<hex HMAC-SHA256 of the body>`.
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
        if self.alerted_window_hours == 0 {
            return Err(ConfigError::invalid(
                "alerter.alerted_window_hours",
                self.alerted_window_hours,
                "must be at least 1",
            ));
        }
        if !(0.0..=1.0).contains(&self.update_min_body_change) {
            return Err(ConfigError::invalid(
                "alerter.update_min_body_change",
                self.update_min_body_change,
                "must be between 0.0 and 1.0",
            ));
        }
        let webhook = &self.webhook;
        if webhook.max_attempts == 0 || webhook.timeout_secs == 0 {
            return Err(ConfigError::invalid(
                "alerter.webhook.max_attempts",
                webhook.max_attempts,
                "max_attempts and timeout_secs must be at least 1",
            ));
        }
        if webhook.initial_backoff_ms > webhook.max_backoff_ms {
            return Err(ConfigError::invalid(
                "alerter.webhook.initial_backoff_ms",
                webhook.initial_backoff_ms,
                "must not exceed alerter.webhook.max_backoff_ms",
            ));
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
