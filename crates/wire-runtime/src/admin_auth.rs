//! Who may do what on the admin port. Changes (`POST`, `PUT`, `PATCH`, `DELETE`: the alerter's
//! `/subscriptions`, and whatever routes a service adds later) need `Authorization: Bearer
//! <admin.token>`; without a configured token they are refused. Reads are open unless
//! `admin.protect_reads` is set; `/livez` and `/readyz` are always open (probes carry no
//! secrets). The token is compared in constant time and never logged; a refusal is an event
//! with a bounded reason.

use crate::config::AdminConfig;
use crate::events;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The access policy of one admin server.
#[derive(Clone)]
pub struct AdminAuth {
    token: Option<Arc<str>>,
    protect_reads: bool,
}

impl std::fmt::Debug for AdminAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminAuth")
            .field("token", &self.token.as_ref().map(|_| "(hidden)"))
            .field("protect_reads", &self.protect_reads)
            .finish()
    }
}

/// Why a request was refused (a bounded metric label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No `Authorization: Bearer` header: 401.
    Missing,
    /// A token that is not the configured one: 403.
    Wrong,
    /// A change while no token is configured: 403.
    ChangesDisabled,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing_token",
            Self::Wrong => "wrong_token",
            Self::ChangesDisabled => "changes_disabled",
        }
    }
}

impl AdminAuth {
    pub fn new(config: &AdminConfig) -> Self {
        Self {
            token: config.token.as_deref().map(Arc::from),
            protect_reads: config.protect_reads,
        }
    }

    /// Whether a request with `method` on `path` and this `Authorization` header may pass.
    pub fn check(
        &self,
        method: &Method,
        path: &str,
        authorization: Option<&HeaderValue>,
    ) -> Result<(), Refusal> {
        let is_read = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        if is_read && (!self.protect_reads || matches!(path, "/livez" | "/readyz")) {
            return Ok(());
        }
        let Some(expected) = &self.token else {
            return Err(Refusal::ChangesDisabled);
        };
        let presented = authorization
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .ok_or(Refusal::Missing)?;
        if constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
            Ok(())
        } else {
            Err(Refusal::Wrong)
        }
    }
}

/// Equal bytes, in a time that depends on the lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The axum middleware applying `auth` to every admin route.
pub async fn require(
    axum::extract::State(auth): axum::extract::State<AdminAuth>,
    request: Request,
    next: Next,
) -> Response {
    let checked = auth.check(
        request.method(),
        request.uri().path(),
        request.headers().get(header::AUTHORIZATION),
    );
    match checked {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            events::AdminRequestRefused {
                method: request.method().as_str(),
                path: request.uri().path(),
                reason: refusal.as_str(),
            }
            .emit();
            let (status, message) = match refusal {
                Refusal::Missing => (
                    StatusCode::UNAUTHORIZED,
                    "missing bearer token (Authorization: Bearer <admin.token>)\n",
                ),
                Refusal::Wrong => (StatusCode::FORBIDDEN, "wrong bearer token\n"),
                Refusal::ChangesDisabled => (
                    StatusCode::FORBIDDEN,
                    "changes over the admin api are disabled: set admin.token \
                     (WIREFEED__ADMIN__TOKEN_FILE)\n",
                ),
            };
            let mut response = (status, message).into_response();
            if status == StatusCode::UNAUTHORIZED {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(token: Option<&str>, protect_reads: bool) -> AdminAuth {
        AdminAuth::new(&AdminConfig {
            enabled: true,
            listen: "127.0.0.1:0".to_owned(),
            token: token.map(str::to_owned),
            protect_reads,
        })
    }

    fn bearer(token: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap_or(HeaderValue::from_static(""))
    }

    #[test]
    fn changes_need_the_token_and_reads_are_open_by_default() {
        let token = "0123456789abcdef-token";
        let open = auth(Some(token), false);
        let post = Method::POST;
        assert_eq!(open.check(&Method::GET, "/subscriptions", None), Ok(()));
        assert_eq!(
            open.check(&post, "/subscriptions", None),
            Err(Refusal::Missing)
        );
        assert_eq!(
            open.check(
                &post,
                "/subscriptions",
                Some(&bearer("0123456789abcdef-tokeX"))
            ),
            Err(Refusal::Wrong)
        );
        assert_eq!(
            open.check(&Method::DELETE, "/subscriptions/x", Some(&bearer("short"))),
            Err(Refusal::Wrong)
        );
        assert_eq!(
            open.check(
                &post,
                "/subscriptions",
                Some(&HeaderValue::from_static("Basic abc"))
            ),
            Err(Refusal::Missing)
        );
        assert_eq!(
            open.check(&post, "/subscriptions", Some(&bearer(token))),
            Ok(())
        );
        let lowercase = HeaderValue::from_str(&format!("bearer {token}")).ok();
        assert_eq!(
            open.check(&post, "/subscriptions", lowercase.as_ref()),
            Ok(())
        );
    }

    #[test]
    fn without_a_token_changes_are_disabled_and_protected_reads_keep_probes_open() {
        assert_eq!(
            auth(None, false).check(&Method::POST, "/subscriptions", Some(&bearer("x"))),
            Err(Refusal::ChangesDisabled)
        );
        let guarded = auth(Some("0123456789abcdef-token"), true);
        assert_eq!(
            guarded.check(&Method::GET, "/metrics", None),
            Err(Refusal::Missing)
        );
        assert_eq!(guarded.check(&Method::GET, "/livez", None), Ok(()));
        assert_eq!(guarded.check(&Method::GET, "/readyz", None), Ok(()));
        assert_eq!(
            guarded.check(
                &Method::GET,
                "/metrics",
                Some(&bearer("0123456789abcdef-token"))
            ),
            Ok(())
        );
    }
}
