//! `[alerter]` configuration.

use serde::Deserialize;
use wire_runtime::Validate;
use wire_runtime::config::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlerterConfig {
    /// Print one line per alert on stdout (in addition to `wire.alerts.v1`).
    pub print_alerts: bool,
    #[serde(default)]
    pub subscriptions: Vec<SubscriptionConfig>,
}

/// `[[alerter.subscriptions]]`: alert once per story family when an original's headline or
/// body contains one of the keywords (case-insensitive, whole words or phrases).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionConfig {
    pub id: String,
    pub keywords: Vec<String>,
}

impl Validate for AlerterConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        let mut ids = std::collections::HashSet::new();
        for (index, subscription) in self.subscriptions.iter().enumerate() {
            let key = |field: &str| format!("alerter.subscriptions[{index}].{field}");
            if subscription.id.trim().is_empty() {
                return Err(ConfigError::invalid(
                    &key("id"),
                    &subscription.id,
                    "must not be empty",
                ));
            }
            if !ids.insert(subscription.id.clone()) {
                return Err(ConfigError::invalid(
                    &key("id"),
                    &subscription.id,
                    "is used by another subscription",
                ));
            }
            if subscription.keywords.is_empty()
                || subscription.keywords.iter().any(|k| k.trim().is_empty())
            {
                return Err(ConfigError::invalid(
                    &key("keywords"),
                    &subscription.keywords,
                    "must hold at least one keyword and no empty ones",
                ));
            }
        }
        Ok(())
    }
}
