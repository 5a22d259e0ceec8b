//! HTTP polling: one conditional GET, redirects followed by hand (to remember permanent ones,
//! stop loops and apply the SSRF guard to every hop), a body capped while it streams, errors
//! classified, and the response's scheduling hints read.

use crate::config::HttpSource;
use crate::guard;
use crate::schedule;
use chrono::Utc;
use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION,
    RETRY_AFTER, USER_AGENT,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Validators remembered between polls of one source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// How to make one request.
#[derive(Debug, Clone)]
pub struct RequestPlan<'a> {
    pub source: &'a HttpSource,
    /// The SSRF guard to check every hop with (`None`: the source allows private networks).
    pub guard: Option<&'a guard::Guard>,
    /// Where to start: the configured URL, or where a permanent redirect pointed.
    pub url: &'a str,
    /// Validators to send (`None`: an unconditional GET).
    pub validators: Option<&'a Validators>,
    pub user_agent: &'a str,
    pub timeout: Duration,
    pub max_body_bytes: u64,
}

/// What a successful request brought.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    /// `None` for 304 Not Modified.
    pub body: Option<Vec<u8>>,
    pub content_type: Option<String>,
    pub validators: Validators,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    /// Set when every redirect on the way was permanent (301/308): poll this URL from now on.
    pub permanent_url: Option<String>,
    /// The URL the body came from.
    pub final_url: String,
}

/// Why a poll failed, classified for metrics and the sources table.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("dns lookup failed: {0}")]
    Dns(String),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("tls failed: {0}")]
    Tls(String),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("http status {status}")]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("body larger than {limit} bytes, cut off")]
    TooLarge { limit: u64 },
    #[error("redirect failed: {0}")]
    Redirect(String),
    #[error("{0}")]
    Blocked(String),
    #[error("request failed: {0}")]
    Other(String),
}

impl From<guard::Refused> for FetchError {
    fn from(refused: guard::Refused) -> Self {
        match refused {
            guard::Refused::Blocked(_) => Self::Blocked(refused.to_string()),
            guard::Refused::Unresolved(_) => Self::Dns(refused.to_string()),
        }
    }
}

impl FetchError {
    /// A bounded label: `dns`, `connect`, `tls`, `timeout`, `http_4xx`, `http_5xx`,
    /// `too_large`, `redirect`, `blocked`, `other`.
    pub fn class(&self) -> &'static str {
        match self {
            Self::Dns(_) => "dns",
            Self::Connect(_) => "connect",
            Self::Tls(_) => "tls",
            Self::Timeout(_) => "timeout",
            Self::Status { status, .. } if *status >= 500 => "http_5xx",
            Self::Status { .. } => "http_4xx",
            Self::TooLarge { .. } => "too_large",
            Self::Redirect(_) => "redirect",
            Self::Blocked(_) => "blocked",
            Self::Other(_) => "other",
        }
    }

    /// What the server asked for with `Retry-After`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    fn from_reqwest(error: reqwest::Error) -> Self {
        // The whole source chain says what actually happened (reqwest's own message is
        // often just "error sending request").
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            message = format!("{message}: {inner}");
            source = inner.source();
        }
        let lowered = message.to_lowercase();
        if lowered.contains(guard::BLOCKED_MARKER) {
            Self::Blocked(message)
        } else if error.is_timeout() {
            Self::Timeout(message)
        } else if lowered.contains("dns error") || lowered.contains("failed to lookup address") {
            Self::Dns(message)
        } else if lowered.contains("certificate")
            || lowered.contains("tls")
            || lowered.contains("handshake")
        {
            Self::Tls(message)
        } else if error.is_connect() {
            Self::Connect(message)
        } else {
            Self::Other(message)
        }
    }
}

const MAX_REDIRECTS: usize = 10;

/// Performs one poll of `plan.url`.
pub async fn fetch(
    client: &reqwest::Client,
    plan: &RequestPlan<'_>,
) -> Result<Fetched, FetchError> {
    let mut url = url::Url::parse(plan.url).map_err(|e| FetchError::Other(e.to_string()))?;
    let mut visited = vec![url.to_string()];
    let mut all_permanent = true;
    for _ in 0..=MAX_REDIRECTS {
        if let Some(guard) = plan.guard {
            guard.check_hop(&url).await?;
        }
        let response = send(client, plan, url.as_str()).await?;
        let status = response.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = header(response.headers(), LOCATION).ok_or_else(|| {
                FetchError::Redirect(format!("status {status} without a location"))
            })?;
            let next = url
                .join(&location)
                .map_err(|e| FetchError::Redirect(format!("bad location {location:?}: {e}")))?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(FetchError::Redirect(format!("to a non-http url {next}")));
            }
            if visited.contains(&next.to_string()) {
                return Err(FetchError::Redirect(format!("redirect loop at {next}")));
            }
            all_permanent &= matches!(
                status,
                StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
            );
            visited.push(next.to_string());
            url = next;
            continue;
        }
        let permanent_url = (all_permanent && visited.len() > 1).then(|| url.to_string());
        return read_response(response, plan, permanent_url, url.to_string()).await;
    }
    Err(FetchError::Redirect(format!(
        "more than {MAX_REDIRECTS} redirects"
    )))
}

async fn send(
    client: &reqwest::Client,
    plan: &RequestPlan<'_>,
    url: &str,
) -> Result<reqwest::Response, FetchError> {
    let mut request = client
        .get(url)
        .timeout(plan.timeout)
        .header(USER_AGENT, plan.user_agent);
    for (name, value) in &plan.source.headers {
        request = request.header(name, value);
    }
    for (name, path) in &plan.source.header_files {
        request = request.header(name, read_secret(path).await?);
    }
    if let Some(username) = &plan.source.username {
        let password = match &plan.source.password_file {
            Some(path) => Some(read_secret(path).await?),
            None => plan.source.password.clone(),
        };
        request = request.basic_auth(username, password);
    }
    if let Some(validators) = plan.validators {
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, last_modified);
        }
    }
    request.send().await.map_err(FetchError::from_reqwest)
}

/// A secret from a file (trimmed). The error names the file, never the contents.
async fn read_secret(path: &std::path::Path) -> Result<String, FetchError> {
    tokio::fs::read_to_string(path)
        .await
        .map(|secret| secret.trim().to_owned())
        .map_err(|e| {
            FetchError::Other(format!(
                "failed to read secret file {}: {e}",
                path.display()
            ))
        })
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

async fn read_response(
    mut response: reqwest::Response,
    plan: &RequestPlan<'_>,
    permanent_url: Option<String>,
    final_url: String,
) -> Result<Fetched, FetchError> {
    let status = response.status();
    let headers = response.headers().clone();
    let max_age = header(&headers, CACHE_CONTROL).and_then(|v| schedule::parse_max_age(&v));
    let validators = Validators {
        etag: header(&headers, ETAG),
        last_modified: header(&headers, LAST_MODIFIED),
    };
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched {
            status: status.as_u16(),
            body: None,
            content_type: None,
            validators,
            max_age,
            permanent_url,
            final_url,
        });
    }
    if !status.is_success() {
        let retry_after =
            header(&headers, RETRY_AFTER).and_then(|v| schedule::parse_retry_after(&v, Utc::now()));
        return Err(FetchError::Status {
            status: status.as_u16(),
            retry_after,
        });
    }
    let limit = plan.max_body_bytes;
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(FetchError::TooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(FetchError::from_reqwest)? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            // Stop reading here: dropping the response closes the connection.
            return Err(FetchError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        status: status.as_u16(),
        body: Some(body),
        content_type: header(&headers, reqwest::header::CONTENT_TYPE),
        validators,
        max_age,
        permanent_url,
        final_url,
    })
}
