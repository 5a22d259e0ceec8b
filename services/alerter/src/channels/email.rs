//! E-mail over SMTP ([`lettre`], STARTTLS optional): the message text (pure) and the
//! retrying send (the thin async part).

use super::Outgoing;
use crate::config::SmtpConfig;
use crate::events;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt::Write as _;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::Alert;

/// The channel label of e-mail in metrics and logs.
pub const CHANNEL: &str = "email";

/// An SMTP connection pool and the sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    config: SmtpConfig,
}

impl Mailer {
    /// A mailer for `config` (connects lazily, on the first send).
    pub fn new(config: &SmtpConfig) -> anyhow::Result<Self> {
        let builder = if config.starttls {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)?
        } else {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(Duration::from_secs(config.timeout_secs)));
        if let Some(username) = &config.username {
            builder = builder.credentials(Credentials::new(
                username.clone(),
                config.read_password()?.unwrap_or_default(),
            ));
        }
        let from = config
            .from
            .parse()
            .map_err(|error| anyhow::anyhow!("alerter.smtp.from = {:?}: {error}", config.from))?;
        Ok(Self {
            transport: builder.build(),
            from,
            config: config.clone(),
        })
    }

    /// Sends `outgoing` to `to`, retrying transient failures (connection errors, 4xx answers)
    /// with backoff; `Err` names the last failure.
    pub async fn send(
        &self,
        subscription: &str,
        to: &[String],
        outgoing: &Outgoing<'_>,
        shutdown: &CancellationToken,
    ) -> Sent {
        let message = match self.message(to, outgoing) {
            Ok(message) => message,
            Err(error) => return Sent::Failed { attempts: 0, error },
        };
        let retries = self.config.retry_policy();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.transport.send(message.clone()).await {
                Ok(_) => {
                    events::WebhookDelivered {
                        subscription,
                        channel: CHANNEL,
                        attempts: attempt,
                    }
                    .emit();
                    return Sent::Delivered;
                }
                Err(error) if error.is_permanent() => {
                    return Sent::Failed {
                        attempts: attempt,
                        error: format!("SMTP server refused the message: {error}"),
                    };
                }
                Err(error) => format!("SMTP send failed: {error}"),
            };
            if !retries.retries_after(attempt) {
                return Sent::Failed {
                    attempts: attempt,
                    error,
                };
            }
            let retry = super::webhook::Retry {
                subscription,
                channel: CHANNEL,
                attempt,
                error: &error,
            };
            if !retry.wait(&retries, shutdown).await {
                return Sent::Interrupted;
            }
        }
    }

    fn message(&self, to: &[String], outgoing: &Outgoing<'_>) -> Result<Message, String> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(subject(outgoing));
        for address in to {
            let mailbox: Mailbox = address
                .parse()
                .map_err(|error| format!("recipient {address:?}: {error}"))?;
            builder = builder.to(mailbox);
        }
        builder
            .header(ContentType::TEXT_PLAIN)
            .body(text(outgoing))
            .map_err(|error| format!("could not build the message: {error}"))
    }
}

/// The outcome of an e-mail send.
#[derive(Debug, PartialEq)]
pub enum Sent {
    Delivered,
    Failed {
        attempts: u32,
        error: String,
    },
    /// Shutdown came during a backoff.
    Interrupted,
}

fn label(alert: &Alert) -> &'static str {
    match alert.kind.as_deref() {
        Some("update") => "UPDATE: ",
        Some("kill") => "KILL: ",
        _ => "",
    }
}

/// The subject line: `[wirefeed <subscription>] EMBARGOED until 2026-12-07 05:00 UTC: UPDATE:
/// <headline>` (the embargo and the kind when there are), or a batch's count (and how many of
/// it are embargoed).
pub fn subject(outgoing: &Outgoing<'_>) -> String {
    let subject = match outgoing {
        Outgoing::One(alert) => format!(
            "[wirefeed {}] {}{}{}",
            alert.subscription,
            crate::embargo_label(alert),
            label(alert),
            alert.headline
        ),
        Outgoing::Batch {
            subscription,
            alerts,
            omitted,
            digest,
        } => {
            let embargoed = alerts
                .iter()
                .filter(|alert| alert.embargoed_until.is_some())
                .count();
            format!(
                "[wirefeed {subscription}] {} {} alerts{}",
                if *digest { "Digest:" } else { "Batched:" },
                alerts.len() + omitted,
                match embargoed {
                    0 => String::new(),
                    n => format!(" ({n} EMBARGOED)"),
                }
            )
        }
    };
    // One line, bounded.
    subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect()
}

/// The plain-text body.
pub fn text(outgoing: &Outgoing<'_>) -> String {
    match outgoing {
        Outgoing::One(alert) => alert_text(alert),
        Outgoing::Batch {
            subscription,
            alerts,
            omitted,
            digest,
        } => {
            let mut text = String::new();
            let _ = writeln!(
                text,
                "{} for {subscription}: {} alerts\n",
                if *digest {
                    "Digest"
                } else {
                    "More alerts than the per-minute cap"
                },
                alerts.len() + omitted
            );
            for alert in alerts.iter() {
                let _ = writeln!(
                    text,
                    "- {}{}{} ({})",
                    crate::embargo_label(alert),
                    label(alert),
                    alert.headline,
                    alert.link.as_deref().unwrap_or(&alert.article_uri)
                );
            }
            if *omitted > 0 {
                let _ = writeln!(text, "- ... and {omitted} more");
            }
            for alert in alerts.iter() {
                let _ = writeln!(text, "\n----------------------------------------\n");
                text.push_str(&alert_text(alert));
            }
            text
        }
    }
}

fn extra_list(alert: &Alert, key: &str) -> String {
    alert
        .extra
        .get(key)
        .and_then(|value| value.as_array())
        .map(|values| {
            values
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// One alert as text: the embargo, headline, link, source, places, topics, evidence, family
/// and times.
pub fn alert_text(alert: &Alert) -> String {
    let mut text = String::new();
    if let Some(until) = alert.embargoed_until {
        let _ = writeln!(
            text,
            "EMBARGOED until {}: do not publish before then.\n",
            crate::embargo_time(until)
        );
    }
    let _ = writeln!(text, "{}{}", label(alert), alert.headline);
    let _ = writeln!(
        text,
        "{}\n",
        alert.link.as_deref().unwrap_or(&alert.article_uri)
    );
    if !alert.changes.is_empty() {
        let _ = writeln!(text, "Changes:   {}", alert.changes.join(", "));
    }
    let _ = writeln!(text, "Source:    {}", alert.source);
    let _ = writeln!(text, "Places:    {}", extra_list(alert, "places"));
    let _ = writeln!(text, "Topics:    {}", extra_list(alert, "topics"));
    let _ = writeln!(text, "Evidence:  {}", alert.evidence.join("; "));
    let _ = writeln!(text, "Family:    {}", alert.family);
    let _ = writeln!(text, "Article:   {}", alert.article_uri);
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| "-".to_owned())
    };
    let _ = writeln!(text, "Published: {}", time(alert.published_at));
    let _ = writeln!(text, "Fetched:   {}", time(Some(alert.fetched_at)));
    let _ = writeln!(text, "Enriched:  {}", time(alert.enriched_at));
    let _ = writeln!(text, "Alerted:   {}", time(Some(alert.alerted_at)));
    let _ = writeln!(text, "Subscription: {}", alert.subscription);
    text
}
