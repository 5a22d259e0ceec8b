//! The other services the web desk shows and changes: the fetchers' `/sources` and the
//! alerter's `/subscriptions`, through their admin APIs. In `wirefeed run` those routes are
//! this process's own and are called in process; a desk on its own machine calls the URLs of
//! `desk.fetcher_admin` and `desk.alerter_admin` with `admin.token`.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;
use std::time::Duration;
use tower::ServiceExt as _;

/// How long a call to another service may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest answer read from another service.
const MAX_ANSWER_BYTES: usize = 16 << 20;

/// Where the admin routes are.
#[derive(Clone)]
pub enum Operations {
    /// This process's admin routes.
    InProcess(Router),
    /// Other processes, by base URL.
    Remote {
        fetchers: Vec<String>,
        alerter: Option<String>,
        token: Option<String>,
        client: reqwest::Client,
    },
}

impl std::fmt::Debug for Operations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InProcess(_) => f.write_str("Operations::InProcess"),
            Self::Remote {
                fetchers, alerter, ..
            } => f
                .debug_struct("Operations::Remote")
                .field("fetchers", fetchers)
                .field("alerter", alerter)
                .finish_non_exhaustive(),
        }
    }
}

/// A call that did not give what was asked.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{service}: {message}")]
pub struct CallError {
    pub service: &'static str,
    /// The other service's status (502 when it could not be reached).
    pub status: StatusCode,
    pub message: String,
}

/// One admin call.
struct Call<'a> {
    service: &'static str,
    method: Method,
    path: &'a str,
    body: Option<Value>,
}

impl Operations {
    /// Every source of every fetcher, as `GET /sources` gives them.
    pub async fn sources(&self) -> Result<Vec<Value>, CallError> {
        let bases: Vec<Option<&str>> = match self {
            Self::InProcess(_) => vec![None],
            Self::Remote { fetchers, .. } => fetchers.iter().map(|b| Some(b.as_str())).collect(),
        };
        let mut all = Vec::new();
        for base in bases {
            let answer = self
                .call(
                    base,
                    Call {
                        service: "fetcher",
                        method: Method::GET,
                        path: "/sources",
                        body: None,
                    },
                )
                .await?;
            if let Value::Array(sources) = answer {
                all.extend(sources);
            }
        }
        Ok(all)
    }

    /// Every subscription, as `GET /subscriptions` gives them.
    pub async fn subscriptions(&self) -> Result<Vec<Value>, CallError> {
        let answer = self
            .alerter_call(Method::GET, "/subscriptions", None)
            .await?;
        Ok(match answer {
            Value::Array(list) => list,
            _ => Vec::new(),
        })
    }

    /// Adds or replaces a subscription.
    pub async fn save_subscription(&self, subscription: Value) -> Result<(), CallError> {
        self.alerter_call(Method::POST, "/subscriptions", Some(subscription))
            .await
            .map(drop)
    }

    /// Deletes a subscription.
    pub async fn delete_subscription(&self, id: &str) -> Result<(), CallError> {
        let path = format!("/subscriptions/{}", encode_path_segment(id));
        self.alerter_call(Method::DELETE, &path, None)
            .await
            .map(drop)
    }

    async fn alerter_call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, CallError> {
        let base = match self {
            Self::InProcess(_) => None,
            Self::Remote { alerter, .. } => Some(alerter.as_deref().ok_or_else(|| CallError {
                service: "alerter",
                status: StatusCode::SERVICE_UNAVAILABLE,
                message: "no alerter is configured (desk.alerter_admin)".to_owned(),
            })?),
        };
        self.call(
            base,
            Call {
                service: "alerter",
                method,
                path,
                body,
            },
        )
        .await
    }

    async fn call(&self, base: Option<&str>, call: Call<'_>) -> Result<Value, CallError> {
        let service = call.service;
        let failed = |status: StatusCode, message: String| CallError {
            service,
            status,
            message,
        };
        let (status, bytes) =
            match (self, base) {
                (Self::InProcess(router), _) => {
                    let mut request = Request::builder()
                        .method(call.method.clone())
                        .uri(call.path);
                    if call.body.is_some() {
                        request = request.header(header::CONTENT_TYPE, "application/json");
                    }
                    let body = call
                        .body
                        .map(|v| Body::from(v.to_string()))
                        .unwrap_or_default();
                    let request = request
                        .body(body)
                        .map_err(|error| failed(StatusCode::BAD_REQUEST, error.to_string()))?;
                    let response = router
                        .clone()
                        .oneshot(request)
                        .await
                        .map_err(|error| failed(StatusCode::BAD_GATEWAY, error.to_string()))?;
                    let status = response.status();
                    let bytes = axum::body::to_bytes(response.into_body(), MAX_ANSWER_BYTES)
                        .await
                        .map_err(|error| failed(StatusCode::BAD_GATEWAY, error.to_string()))?;
                    (status, bytes.to_vec())
                }
                (Self::Remote { token, client, .. }, Some(base)) => {
                    let url = format!("{}{}", base.trim_end_matches('/'), call.path);
                    let method = reqwest::Method::from_bytes(call.method.as_str().as_bytes())
                        .unwrap_or(reqwest::Method::GET);
                    let mut request = client.request(method, &url).timeout(CALL_TIMEOUT);
                    if let Some(token) = token {
                        request = request.bearer_auth(token);
                    }
                    if let Some(body) = &call.body {
                        request = request
                            .header(header::CONTENT_TYPE.as_str(), "application/json")
                            .body(body.to_string());
                    }
                    let response = request.send().await.map_err(|error| {
                        failed(StatusCode::BAD_GATEWAY, format!("{url}: {error}"))
                    })?;
                    let status = StatusCode::from_u16(response.status().as_u16())
                        .unwrap_or(StatusCode::BAD_GATEWAY);
                    let bytes = response.bytes().await.map_err(|error| {
                        failed(StatusCode::BAD_GATEWAY, format!("{url}: {error}"))
                    })?;
                    (status, bytes.to_vec())
                }
                (Self::Remote { .. }, None) => {
                    return Err(failed(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "not configured".to_owned(),
                    ));
                }
            };
        if status == StatusCode::NOT_FOUND && (call.method == Method::GET || bytes.is_empty()) {
            return Err(failed(
                status,
                format!(
                    "no {} here: is the {service} running in this process, or set desk.{service}_admin",
                    call.path
                ),
            ));
        }
        if !status.is_success() {
            let text = String::from_utf8_lossy(&bytes).trim().to_owned();
            return Err(failed(status, text));
        }
        if bytes.is_empty() || call.method != Method::GET {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|error| {
            failed(
                StatusCode::BAD_GATEWAY,
                format!("unreadable answer: {error}"),
            )
        })
    }
}

/// `id` percent-encoded for one path segment.
fn encode_path_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
