//! Posting one alert to one webhook: the body (pure), the signature (pure), and the retrying
//! POST (the thin async part, waiting as its [`RetryPolicy`] says).

use super::Outgoing;
use crate::config::{WebhookKind, WebhookTarget};
use crate::events;
use tokio_util::sync::CancellationToken;
use wire_model::Alert;
use wire_runtime::RetryPolicy;

pub use super::signing::{SIGNATURE_HEADER, signature};

/// A stable id of the alert (`<subscription>:<family>:<kind>:<version>`): the same on every
/// retry and redelivery, so a receiver can drop duplicates.
pub const ALERT_ID_HEADER: &str = "X-Wirefeed-Alert-Id";

/// The stable id of an alert.
pub fn alert_id(alert: &Alert) -> String {
    format!(
        "{}:{}:{}:{}",
        alert.subscription,
        alert.family.as_str(),
        alert.kind.as_deref().unwrap_or("new"),
        alert.version_seq.unwrap_or(1)
    )
}

/// The schema of a batch of alerts (throttled or digest) posted to a generic webhook.
pub const BATCH_SCHEMA: &str = "wirefeed.alert-batch/1";

/// The stable id of an outgoing message: the alert's, or the batch's (its subscription, kind
/// and first alert).
pub fn outgoing_id(outgoing: &Outgoing<'_>) -> String {
    match outgoing {
        Outgoing::One(alert) => alert_id(alert),
        Outgoing::Batch {
            subscription,
            alerts,
            digest,
            ..
        } => format!(
            "{subscription}:{}:{}",
            if *digest { "digest" } else { "batch" },
            alerts.first().map(alert_id).unwrap_or_default()
        ),
    }
}

/// The request body for `kind`: the alert as JSON (a batch: `{"schema":
/// "wirefeed.alert-batch/1", "subscription", "kind": "digest" | "throttled", "alerts": [...],
/// "omitted"}`), or Slack's `{"text": ...}` (one line per alert).
pub fn body(kind: WebhookKind, outgoing: &Outgoing<'_>) -> Vec<u8> {
    match (kind, outgoing) {
        (WebhookKind::Generic, Outgoing::One(alert)) => alert.encode(),
        (
            WebhookKind::Generic,
            Outgoing::Batch {
                subscription,
                alerts,
                omitted,
                digest,
            },
        ) => serde_json::to_vec(&serde_json::json!({
            "schema": BATCH_SCHEMA,
            "subscription": subscription,
            "kind": if *digest { "digest" } else { "throttled" },
            "alerts": alerts,
            "omitted": omitted,
        }))
        .unwrap_or_default(),
        (WebhookKind::Slack, _) => {
            let text = match outgoing {
                Outgoing::One(alert) => crate::alert_line(alert),
                Outgoing::Batch {
                    subscription,
                    alerts,
                    omitted,
                    digest,
                } => {
                    let mut lines = vec![format!(
                        "{} [{subscription}]: {} alerts",
                        if *digest { "DIGEST" } else { "BATCH" },
                        alerts.len() + omitted
                    )];
                    lines.extend(alerts.iter().map(crate::alert_line));
                    if *omitted > 0 {
                        lines.push(format!("... and {omitted} more"));
                    }
                    lines.join("\n")
                }
            };
            serde_json::to_vec(&serde_json::json!({ "text": text })).unwrap_or_default()
        }
    }
}

/// Why a webhook was given up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WebhookError {
    #[error("webhook answered {status} (not retried)")]
    Refused { status: u16 },
    #[error("webhook failed after {attempts} attempts: {last}")]
    Exhausted { attempts: u32, last: String },
    /// The secret file could not be read (the message names the file, never a secret).
    #[error("{0} (not sent)")]
    Secret(String),
}

/// The outcome of posting an alert.
#[derive(Debug, PartialEq)]
pub enum Posted {
    Delivered,
    Failed(WebhookError),
    /// Shutdown came during a backoff: neither delivered nor failed.
    Interrupted,
}

/// Posts `outgoing` to `target`, retrying transient failures (connection errors, timeouts,
/// 408, 429, 5xx) as `retries` says, with jitter.
pub async fn post(
    client: &reqwest::Client,
    retries: &RetryPolicy,
    target: &WebhookTarget,
    outgoing: &Outgoing<'_>,
    shutdown: &CancellationToken,
) -> Posted {
    let payload = body(target.kind, outgoing);
    let secret = match target.kind {
        WebhookKind::Generic => match target.signing_secret() {
            Ok(secret) => secret,
            Err(error) => return Posted::Failed(WebhookError::Secret(error)),
        },
        WebhookKind::Slack => None,
    };
    let id = outgoing_id(outgoing);
    let subscription = outgoing.subscription();
    let channel = target.kind.as_str();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut request = client
            .post(&target.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(ALERT_ID_HEADER, id.as_str())
            .body(payload.clone());
        if let Some(secret) = &secret {
            let now = chrono::Utc::now().timestamp();
            request = request.header(SIGNATURE_HEADER, signature(secret, now, &payload));
        }
        let error = match request.send().await {
            Ok(response) if response.status().is_success() => {
                events::WebhookDelivered {
                    subscription,
                    channel,
                    attempts: attempt,
                }
                .emit();
                return Posted::Delivered;
            }
            Ok(response) => {
                let status = response.status();
                let transient = status.is_server_error()
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                    || status == reqwest::StatusCode::REQUEST_TIMEOUT;
                if !transient {
                    return Posted::Failed(WebhookError::Refused {
                        status: status.as_u16(),
                    });
                }
                format!("webhook answered {}", status.as_u16())
            }
            Err(error) if error.is_timeout() => "webhook timed out".to_owned(),
            Err(error) if error.is_connect() => "could not connect to the webhook".to_owned(),
            Err(_) => "webhook request failed".to_owned(),
        };
        if !retries.retries_after(attempt) {
            return Posted::Failed(WebhookError::Exhausted {
                attempts: attempt,
                last: error,
            });
        }
        let retry = Retry {
            subscription,
            channel,
            attempt,
            error: &error,
        };
        if !retry.wait(retries, shutdown).await {
            return Posted::Interrupted;
        }
    }
}

/// A failed attempt of a channel that will be tried again.
pub(super) struct Retry<'a> {
    pub subscription: &'a str,
    pub channel: &'static str,
    pub attempt: u32,
    pub error: &'a str,
}

impl Retry<'_> {
    /// Reports the retry and waits its jittered backoff; `false` when shutdown came first.
    pub(super) async fn wait(self, retries: &RetryPolicy, shutdown: &CancellationToken) -> bool {
        let wait = retries.jittered_delay(self.attempt, fastrand::f64());
        events::WebhookRetry {
            subscription: self.subscription,
            channel: self.channel,
            attempt: self.attempt,
            backoff_ms: wait.as_millis() as u64,
            error: self.error,
        }
        .emit();
        tokio::select! {
            _ = shutdown.cancelled() => false,
            _ = tokio::time::sleep(wait) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn backoff_grows_exponentially_with_jitter_up_to_the_cap() {
        let config = crate::config::WebhookDeliveryConfig {
            initial_backoff_ms: 100,
            max_backoff_ms: 1000,
            ..crate::config::WebhookDeliveryConfig::default()
        };
        let backoff = |attempt, random| config.retry_policy().jittered_delay(attempt, random);
        assert_eq!(backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(1, 0.0), Duration::from_millis(50));
        assert_eq!(backoff(3, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(10, 1.0), Duration::from_millis(1000));
        assert_eq!(backoff(u32::MAX, 0.5), Duration::from_millis(750));
    }

    #[test]
    fn a_batch_is_one_body_listing_its_alerts() {
        let alert = |headline: &str| Alert {
            schema: wire_model::ALERT_SCHEMA.to_owned(),
            subscription: "desk".to_owned(),
            evidence: Vec::new(),
            family: wire_model::FamilyId::new("family:1"),
            article_uri: "urn:a:1".to_owned(),
            headline: headline.to_owned(),
            link: None,
            source: wire_model::SourceId::from("agency"),
            published_at: None,
            fetched_at: chrono::DateTime::UNIX_EPOCH,
            enriched_at: None,
            alerted_at: chrono::DateTime::UNIX_EPOCH,
            kind: None,
            changes: Vec::new(),
            embargoed_until: None,
            version_seq: None,
            extra: Default::default(),
        };
        let alerts = vec![alert("One"), alert("Two")];
        let batch = Outgoing::Batch {
            subscription: "desk",
            alerts: &alerts,
            omitted: 3,
            digest: false,
        };
        let generic: serde_json::Value =
            serde_json::from_slice(&body(WebhookKind::Generic, &batch)).unwrap_or_default();
        assert_eq!(generic["schema"], BATCH_SCHEMA);
        assert_eq!(generic["kind"], "throttled");
        assert_eq!(generic["alerts"].as_array().map(Vec::len), Some(2));
        assert_eq!(generic["omitted"], 3);
        let slack: serde_json::Value =
            serde_json::from_slice(&body(WebhookKind::Slack, &batch)).unwrap_or_default();
        let text = slack["text"].as_str().unwrap_or_default();
        assert!(
            text.starts_with("BATCH [desk]: 5 alerts\nALERT [desk] One"),
            "{text}"
        );
        assert!(text.ends_with("... and 3 more"), "{text}");
        assert_eq!(outgoing_id(&batch), "desk:batch:desk:family:1:new:1");
    }
}
