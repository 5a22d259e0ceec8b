//! Who is signed in to the web desk. The admin token is exchanged once, at `POST /login`, for
//! a session: a random id in an `HttpOnly; SameSite=Strict` cookie, and a random CSRF token
//! every form that changes something carries and every change checks. Sessions live in memory
//! (a restarted desk asks to sign in again) and end `desk.session_minutes` after their last use.

use axum::http::{HeaderMap, HeaderValue, header};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use wire_runtime::admin_auth::constant_time_eq;

/// The session cookie's name.
pub const COOKIE: &str = "wirefeed_desk_session";

/// The sessions of one desk, and the token that opens one.
#[derive(Clone)]
pub struct Sessions {
    inner: Arc<Inner>,
}

struct Inner {
    token: Option<String>,
    protect_reads: bool,
    lifetime: Duration,
    open: Mutex<HashMap<String, Session>>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("token", &self.inner.token.as_ref().map(|_| "(hidden)"))
            .field("protect_reads", &self.inner.protect_reads)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
struct Session {
    csrf: String,
    last_used: Instant,
}

/// Who made a request.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// The CSRF token of the viewer's session; `None` when not signed in.
    pub csrf: Option<String>,
}

impl Viewer {
    pub fn signed_in(&self) -> bool {
        self.csrf.is_some()
    }
}

/// Why a sign-in or a change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("changes are disabled: the desk has no admin.token")]
    NoToken,
    #[error("that is not the admin token")]
    WrongToken,
    #[error("sign in first")]
    NotSignedIn,
    #[error(
        "the form is stale or was not sent by this desk (CSRF check failed): reload and try again"
    )]
    Csrf,
}

impl Sessions {
    pub fn new(token: Option<String>, protect_reads: bool, lifetime: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                token: token.filter(|token| !token.is_empty()),
                protect_reads,
                lifetime,
                open: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Whether reading needs a session too (`admin.protect_reads`).
    pub fn protects_reads(&self) -> bool {
        self.inner.protect_reads
    }

    /// Whether signing in is possible at all.
    pub fn has_token(&self) -> bool {
        self.inner.token.is_some()
    }

    /// Opens a session for the right token: its id (for the cookie).
    pub fn sign_in(&self, presented: &str) -> Result<String, Refused> {
        let expected = self.inner.token.as_deref().ok_or(Refused::NoToken)?;
        if !constant_time_eq(presented.trim().as_bytes(), expected.as_bytes()) {
            return Err(Refused::WrongToken);
        }
        let id = random_token();
        let session = Session {
            csrf: random_token(),
            last_used: Instant::now(),
        };
        let mut open = self.lock();
        let lifetime = self.inner.lifetime;
        open.retain(|_, session| session.last_used.elapsed() < lifetime);
        open.insert(id.clone(), session);
        Ok(id)
    }

    /// Ends the session of `headers`' cookie.
    pub fn sign_out(&self, headers: &HeaderMap) {
        if let Some(id) = cookie(headers) {
            self.lock().remove(&id);
        }
    }

    /// The viewer of a request: signed in when its cookie names a live session (which is then
    /// kept alive), or when it carries the admin token as a bearer token (API clients).
    pub fn viewer(&self, headers: &HeaderMap) -> Viewer {
        if let (Some(expected), Some(presented)) = (&self.inner.token, bearer(headers))
            && constant_time_eq(presented.as_bytes(), expected.as_bytes())
        {
            return Viewer {
                csrf: Some(String::new()),
            };
        }
        let Some(id) = cookie(headers) else {
            return Viewer::default();
        };
        let mut open = self.lock();
        let lifetime = self.inner.lifetime;
        match open.get_mut(&id) {
            Some(session) if session.last_used.elapsed() < lifetime => {
                session.last_used = Instant::now();
                Viewer {
                    csrf: Some(session.csrf.clone()),
                }
            }
            Some(_) => {
                open.remove(&id);
                Viewer::default()
            }
            None => Viewer::default(),
        }
    }

    /// Whether a change (a form POST) may go ahead: a live session, the session's CSRF token
    /// in the form, and, when the browser says where the form came from, this desk.
    pub fn check_change(&self, headers: &HeaderMap, form_csrf: &str) -> Result<(), Refused> {
        let viewer = self.viewer(headers);
        let Some(csrf) = viewer.csrf else {
            return Err(if self.has_token() {
                Refused::NotSignedIn
            } else {
                Refused::NoToken
            });
        };
        if csrf.is_empty() {
            // A bearer token: not a browser, no cookie to ride on.
            return Ok(());
        }
        if !same_origin(headers) || !constant_time_eq(form_csrf.as_bytes(), csrf.as_bytes()) {
            return Err(Refused::Csrf);
        }
        Ok(())
    }

    /// The `Set-Cookie` value of a new session.
    pub fn cookie_for(&self, id: &str) -> HeaderValue {
        let max_age = self.inner.lifetime.as_secs();
        HeaderValue::from_str(&format!(
            "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn expired_cookie() -> HeaderValue {
        HeaderValue::from_static(
            "wirefeed_desk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.inner
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// 32 random bytes from the operating system, hex-encoded. Without a working random source
/// the token is empty, which no session id or CSRF check accepts.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    match getrandom::fill(&mut bytes) {
        Ok(()) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Err(error) => {
            tracing::error!(%error, "desk: no random source for a session token");
            String::new()
        }
    }
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && value.len() == 64)
        .map(|(_, value)| value.to_owned())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// False when the browser names an origin (or, without one, a referrer) other than the host
/// the request was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true;
    };
    let origin = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|value| value.to_str().ok());
    match origin {
        None => true,
        Some(origin) => url::Url::parse(origin)
            .ok()
            .map(|url| match url.port() {
                Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
                None => url.host_str().unwrap_or_default().to_owned(),
            })
            .is_some_and(|origin_host| origin_host.eq_ignore_ascii_case(host)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions() -> Sessions {
        Sessions::new(
            Some("a-long-enough-admin-token".to_owned()),
            false,
            Duration::from_secs(60),
        )
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                *name,
                HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("x")),
            );
        }
        headers
    }

    #[test]
    fn the_token_opens_a_session_whose_forms_need_its_csrf_token() {
        let sessions = sessions();
        assert_eq!(sessions.sign_in("wrong"), Err(Refused::WrongToken));
        let id = sessions
            .sign_in("a-long-enough-admin-token")
            .unwrap_or_default();
        assert_eq!(id.len(), 64);
        let cookie = format!("{COOKIE}={id}");
        let request = headers(&[("cookie", &cookie), ("host", "127.0.0.1:9700")]);
        let csrf = sessions.viewer(&request).csrf.unwrap_or_default();
        assert_eq!(csrf.len(), 64);
        assert_eq!(sessions.check_change(&request, &csrf), Ok(()));
        assert_eq!(
            sessions.check_change(&request, "forged"),
            Err(Refused::Csrf)
        );
        let elsewhere = headers(&[
            ("cookie", &cookie),
            ("host", "127.0.0.1:9700"),
            ("origin", "http://evil.example"),
        ]);
        assert_eq!(sessions.check_change(&elsewhere, &csrf), Err(Refused::Csrf));
        sessions.sign_out(&request);
        assert_eq!(
            sessions.check_change(&request, &csrf),
            Err(Refused::NotSignedIn)
        );
    }

    #[test]
    fn without_a_token_nobody_signs_in() {
        let sessions = Sessions::new(None, false, Duration::from_secs(60));
        assert_eq!(sessions.sign_in(""), Err(Refused::NoToken));
        assert_eq!(
            sessions.check_change(&HeaderMap::new(), ""),
            Err(Refused::NoToken)
        );
    }

    #[test]
    fn the_cookie_is_http_only_and_same_site_strict() {
        let value = sessions().cookie_for("abc");
        let text = value.to_str().unwrap_or_default();
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Strict"),
            "{text}"
        );
    }
}
