//! HTTP polling: one conditional GET with a capped body, errors classified.

use crate::config::HttpSource;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

/// Validators remembered between polls of one source.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A fetched body.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub validators: Validators,
}

/// Why a poll failed, classified for metrics and the sources table.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("http status {status}")]
    Status { status: u16 },
    #[error("body larger than {limit} bytes, cut off")]
    TooLarge { limit: u64 },
    #[error("request failed: {0}")]
    Other(String),
}

impl FetchError {
    /// A bounded label: `timeout`, `connect`, `http_4xx`, `http_5xx`, `too_large`, `other`.
    pub fn class(&self) -> &'static str {
        match self {
            Self::Timeout(_) => "timeout",
            Self::Connect(_) => "connect",
            Self::Status { status } if *status >= 500 => "http_5xx",
            Self::Status { .. } => "http_4xx",
            Self::TooLarge { .. } => "too_large",
            Self::Other(_) => "other",
        }
    }

    fn from_reqwest(error: reqwest::Error) -> Self {
        // Walk the source chain so the message says what actually happened.
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            message = format!("{message}: {inner}");
            source = inner.source();
        }
        if error.is_timeout() {
            Self::Timeout(message)
        } else if error.is_connect() {
            Self::Connect(message)
        } else {
            Self::Other(message)
        }
    }
}

/// GETs `source.url` with the remembered validators. `Ok(None)` means 304 Not Modified.
pub async fn fetch(
    client: &reqwest::Client,
    source: &HttpSource,
    validators: &Validators,
    max_body_bytes: u64,
) -> Result<Option<Fetched>, FetchError> {
    let mut request = client.get(&source.url);
    for (name, value) in &source.headers {
        request = request.header(name, value);
    }
    if let Some(username) = &source.username {
        request = request.basic_auth(username, source.password.as_ref());
    }
    if let Some(etag) = &validators.etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some(last_modified) = &validators.last_modified {
        request = request.header(IF_MODIFIED_SINCE, last_modified);
    }
    let mut response = request.send().await.map_err(FetchError::from_reqwest)?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(FetchError::Status {
            status: status.as_u16(),
        });
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let new_validators = Validators {
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
    };
    let content_type = header(reqwest::header::CONTENT_TYPE);
    if response
        .content_length()
        .is_some_and(|length| length > max_body_bytes)
    {
        return Err(FetchError::TooLarge {
            limit: max_body_bytes,
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(FetchError::from_reqwest)? {
        if body.len() as u64 + chunk.len() as u64 > max_body_bytes {
            return Err(FetchError::TooLarge {
                limit: max_body_bytes,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(Fetched {
        status: status.as_u16(),
        content_type,
        body,
        validators: new_validators,
    }))
}
