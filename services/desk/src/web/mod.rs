//! The web wire desk at `/` on `desk.listen`: server-rendered pages (minijinja templates,
//! HTML escaped by default) over the archive, with one small script (`static/desk.js`) for
//! the live wire (server-sent events of `/api/stream`), keyboard navigation and the query
//! checked as you type.
//!
//! - [`wire`]: the live wire's columns, search with facets, the query check and preview;
//! - [`article`]: an article with its evidence, provenance and lineage; a family; a story;
//! - [`admin`]: sources' health, subscriptions, signing in;
//! - [`views`], [`highlight`], [`charts`]: the pure parts (cards, marked text, inline SVG);
//! - [`session`]: sessions, CSRF; [`operations`]: the fetchers' and alerter's admin APIs.
//!
//! Every answer carries a Content-Security-Policy that allows no inline script and no inline
//! style; provider HTML is shown only after ammonia cleaned it.

pub mod admin;
pub mod article;
pub mod charts;
pub mod highlight;
pub mod operations;
pub mod session;
pub mod views;
pub mod wire;

use crate::archive::ArchiveReader;
use crate::search::SearchError;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use minijinja::Environment;
use operations::Operations;
use session::{Sessions, Viewer};
use std::sync::Arc;

/// The policy of every page: scripts, styles and connections from this desk only, no
/// framing, forms posting only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// What the pages share.
#[derive(Clone)]
pub struct WebState {
    pub reader: ArchiveReader,
    pub sessions: Sessions,
    pub operations: Operations,
    pub templates: Arc<Environment<'static>>,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState")
            .field("sessions", &self.sessions)
            .field("operations", &self.operations)
            .finish_non_exhaustive()
    }
}

/// The templates, compiled into the binary.
const TEMPLATES: [(&str, &str); 13] = [
    ("base.html", include_str!("templates/base.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("column.html", include_str!("templates/column.html")),
    ("wire.html", include_str!("templates/wire.html")),
    ("search.html", include_str!("templates/search.html")),
    ("article.html", include_str!("templates/article.html")),
    ("story_body.html", include_str!("templates/story_body.html")),
    ("story.html", include_str!("templates/story.html")),
    ("family.html", include_str!("templates/family.html")),
    ("sources.html", include_str!("templates/sources.html")),
    (
        "subscriptions.html",
        include_str!("templates/subscriptions.html"),
    ),
    (
        "subscription.html",
        include_str!("templates/subscription.html"),
    ),
    ("login.html", include_str!("templates/login.html")),
];

/// Templates rendered on their own (fragments and messages).
const MORE_TEMPLATES: [(&str, &str); 2] = [
    ("message.html", include_str!("templates/message.html")),
    ("preview.html", include_str!("templates/preview.html")),
];

const STYLESHEET: &str = include_str!("static/desk.css");
const SCRIPT: &str = include_str!("static/desk.js");

/// The template environment; a template that does not compile is a bug caught by the tests.
pub fn templates() -> Result<Environment<'static>, minijinja::Error> {
    let mut environment = Environment::new();
    // Block tags leave no blank lines behind: pages are smaller.
    environment.set_trim_blocks(true);
    environment.set_lstrip_blocks(true);
    for (name, source) in TEMPLATES.into_iter().chain(MORE_TEMPLATES) {
        environment.add_template(name, source)?;
    }
    Ok(environment)
}

/// Everything `desk.listen` serves: the JSON API and the web desk, behind the read guard and
/// with the security headers.
pub fn desk_router(web: WebState, api: crate::api::ApiState) -> Router {
    let sessions = web.sessions.clone();
    crate::api::router(api)
        .merge(router(web))
        .layer(axum::middleware::from_fn_with_state(sessions, guard_reads))
        .layer(axum::middleware::from_fn(security_headers))
}

/// The web desk's routes.
pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/", get(wire::wire_page))
        .route("/column", get(wire::column_fragment))
        .route("/search", get(wire::search_page))
        .route("/check", get(wire::check_query))
        .route("/preview", get(wire::preview_fragment))
        .route("/article", get(article::article_page))
        .route("/family/{id}", get(article::family_page))
        .route("/story/{id}", get(article::story_page))
        .route("/sources", get(admin::sources_page))
        .route(
            "/subscriptions",
            get(admin::subscriptions_page).post(admin::save_subscription),
        )
        .route("/subscriptions/edit", get(admin::subscription_page))
        .route(
            "/subscriptions/delete",
            axum::routing::post(admin::delete_subscription),
        )
        .route("/login", get(admin::login_page).post(admin::sign_in))
        .route("/logout", axum::routing::post(admin::sign_out))
        .route(
            "/static/desk.css",
            get(|| async { asset("text/css; charset=utf-8", STYLESHEET) }),
        )
        .route(
            "/static/desk.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .with_state(state)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// Security headers on every answer of the desk, pages and API alike.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// With `admin.protect_reads`, everything but signing in and the static files needs a
/// session (or the admin token as a bearer token): pages send the browser to `/login`, the
/// API answers 401.
pub async fn guard_reads(
    State(sessions): State<Sessions>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let open = path == "/login" || path.starts_with("/static/");
    if !sessions.protects_reads() || open || sessions.viewer(request.headers()).signed_in() {
        return next.run(request).await;
    }
    if path.starts_with("/api/") {
        let body = serde_json::json!({ "error": "sign in first: this desk protects reads" });
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    let next_page = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let encoded: String = url::form_urlencoded::byte_serialize(next_page.as_bytes()).collect();
    Redirect::to(&format!("/login?next={encoded}")).into_response()
}

impl WebState {
    /// Renders `template` with `context` plus who is viewing.
    pub fn render_string(
        &self,
        template: &str,
        viewer: &Viewer,
        context: minijinja::Value,
    ) -> Result<String, minijinja::Error> {
        let context = minijinja::context! {
            viewer_signed_in => viewer.signed_in(),
            csrf => viewer.csrf.clone().unwrap_or_default(),
            ..context
        };
        self.templates.get_template(template)?.render(context)
    }

    /// [`WebState::render_string`] as a page; a failure is a 500 page.
    pub fn render(&self, template: &str, viewer: &Viewer, context: minijinja::Value) -> Response {
        match self.render_string(template, viewer, context) {
            Ok(html) => Html(html).into_response(),
            Err(error) => {
                tracing::error!(error = %format!("{error:#}"), template, "desk: a page failed to render");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the page failed to render",
                )
                    .into_response()
            }
        }
    }

    /// A page that only says something (`kind`: `error` or `notice`).
    pub fn message(
        &self,
        status: StatusCode,
        viewer: &Viewer,
        title: &str,
        message: &str,
    ) -> Response {
        let kind = if status.is_success() {
            "notice"
        } else {
            "error"
        };
        let page = self.render(
            "message.html",
            viewer,
            minijinja::context! { title, message, kind, page => "message" },
        );
        (status, page).into_response()
    }

    /// The error page of a failed archive read.
    pub fn archive_failed(&self, viewer: &Viewer, error: &SearchError) -> Response {
        tracing::error!(%error, "desk: a page's archive read failed");
        self.message(
            StatusCode::INTERNAL_SERVER_ERROR,
            viewer,
            "The archive could not answer",
            &error.to_string(),
        )
    }
}

/// Runs an archive read on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, SearchError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|error| {
            Err(SearchError::Parameter {
                parameter: "task",
                reason: format!("the archive read failed: {error}"),
            })
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_compiles() {
        if let Err(error) = super::templates() {
            panic!("{error:#}");
        }
    }
}
