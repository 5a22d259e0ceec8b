//! Operators' pages: every source's health (the unhealthy first), the subscriptions with
//! their editor, preview and delivery log, and signing in and out. Changes go to the alerter's
//! admin API and need a session and its CSRF token.

use super::charts::{self, Bar};
use super::session::{Refused, Sessions, Viewer};
use super::views::ago;
use super::wire::preview;
use super::{WebState, blocking};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A source's health as the fetcher reports it (`GET /sources`), the fields shown here.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SourceStatus {
    id: String,
    kind: String,
    target: String,
    last_attempt_at: Option<DateTime<Utc>>,
    last_success_at: Option<DateTime<Utc>>,
    last_new_item_at: Option<DateTime<Utc>>,
    consecutive_errors: u32,
    last_error: Option<String>,
    idle: bool,
    published_by_hour: Vec<HourCount>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HourCount {
    hour: Option<DateTime<Utc>>,
    items: u64,
}

/// A row of the sources table.
#[derive(Debug, Serialize)]
struct SourceRow {
    id: String,
    kind: String,
    target: String,
    /// `failing`, `quiet`, `waiting` or `ok`.
    state: &'static str,
    state_label: &'static str,
    last_attempt: String,
    last_success: String,
    last_new_item: String,
    items_24h: u64,
    sparkline: String,
    consecutive_errors: u32,
    last_error: Option<String>,
}

impl SourceRow {
    fn of(status: SourceStatus, now: DateTime<Utc>) -> Self {
        let when =
            |time: Option<DateTime<Utc>>| time.map_or_else(|| "never".to_owned(), |t| ago(t, now));
        let (state, state_label) = if status.consecutive_errors > 0 {
            ("failing", "failing")
        } else if status.idle {
            ("quiet", "gone quiet")
        } else if status.last_success_at.is_none() {
            ("waiting", "not polled yet")
        } else {
            ("ok", "healthy")
        };
        let this_hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
        let bars: Vec<Bar> = (0..24)
            .rev()
            .map(|back| {
                let start = this_hour - Duration::hours(back);
                let count = status
                    .published_by_hour
                    .iter()
                    .filter(|count| count.hour == Some(start))
                    .map(|count| count.items)
                    .sum();
                Bar { start, count }
            })
            .collect();
        Self {
            items_24h: bars.iter().map(|bar| bar.count).sum(),
            sparkline: charts::sparkline(&bars, 120, 24),
            id: status.id,
            kind: status.kind,
            target: status.target,
            state,
            state_label,
            last_attempt: when(status.last_attempt_at),
            last_success: when(status.last_success_at),
            last_new_item: when(status.last_new_item_at),
            consecutive_errors: status.consecutive_errors,
            last_error: status.last_error,
        }
    }

    /// Failing first (most errors first), then gone quiet, then not polled yet, then by id.
    fn rank(&self) -> (u8, std::cmp::Reverse<u32>) {
        let order = match self.state {
            "failing" => 0,
            "quiet" => 1,
            "waiting" => 2,
            _ => 3,
        };
        (order, std::cmp::Reverse(self.consecutive_errors))
    }
}

/// `GET /sources`.
pub async fn sources_page(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let now = Utc::now();
    let (mut rows, error) = match state.operations.sources().await {
        Ok(list) => (
            list.into_iter()
                .map(|value| SourceRow::of(serde_json::from_value(value).unwrap_or_default(), now))
                .collect::<Vec<_>>(),
            None,
        ),
        Err(error) => (Vec::new(), Some(error.to_string())),
    };
    rows.sort_by(|a, b| a.rank().cmp(&b.rank()).then_with(|| a.id.cmp(&b.id)));
    let unhealthy = rows.iter().filter(|row| row.state != "ok").count();
    state.render(
        "sources.html",
        &viewer,
        minijinja::context! { title => "Sources", page => "sources", sources => rows, unhealthy, error },
    )
}

/// A subscription in the list.
#[derive(Debug, Serialize)]
struct SubscriptionRow {
    id: String,
    query: String,
    targets: String,
    origin: String,
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A subscription's query, its keywords written as the query they stand for.
fn query_of(subscription: &Value) -> String {
    let query = text(subscription, "query");
    if !query.is_empty() {
        return query;
    }
    subscription
        .get("keywords")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|keyword| format!("\"{}\"", keyword.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn webhook_urls(subscription: &Value) -> Vec<String> {
    subscription
        .get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|webhook| text(webhook, "url"))
        .collect()
}

fn emails(subscription: &Value) -> Vec<String> {
    subscription
        .get("channels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|channel| text(channel, "kind") == "email")
        .flat_map(|channel| {
            channel
                .get("to")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|to| to.as_str().map(str::to_owned))
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    deleted: Option<String>,
}

/// `GET /subscriptions`.
pub async fn subscriptions_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let (list, error) = match state.operations.subscriptions().await {
        Ok(list) => (list, None),
        Err(error) => (Vec::new(), Some(error.to_string())),
    };
    let rows: Vec<SubscriptionRow> = list
        .iter()
        .map(|subscription| {
            let mut targets = webhook_urls(subscription);
            let to = emails(subscription);
            if !to.is_empty() {
                targets.push(format!("e-mail {}", to.join(", ")));
            }
            targets.insert(0, "wire.alerts.v1".to_owned());
            SubscriptionRow {
                id: text(subscription, "id"),
                query: query_of(subscription),
                targets: targets.join(", "),
                origin: text(subscription, "origin"),
            }
        })
        .collect();
    let notice = params.deleted.map(|id| format!("Deleted {id}."));
    state.render(
        "subscriptions.html",
        &viewer,
        minijinja::context! {
            title => "Subscriptions", page => "subscriptions", subscriptions => rows, error, notice,
        },
    )
}

/// The subscription form's fields.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct SubscriptionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    webhook: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    embargo: String,
}

impl SubscriptionForm {
    fn of(subscription: &Value) -> Self {
        Self {
            csrf: String::new(),
            id: text(subscription, "id"),
            query: query_of(subscription),
            webhook: webhook_urls(subscription)
                .into_iter()
                .next()
                .unwrap_or_default(),
            email: emails(subscription).join(", "),
            embargo: text(subscription, "embargo"),
        }
    }

    /// The subscription to send: `current` (as listed) with this form's fields put in. A
    /// webhook whose URL did not change keeps its secret (sent back hidden: the alerter keeps it).
    fn subscription(&self, current: Option<&Value>) -> Value {
        let mut subscription = current.cloned().unwrap_or_else(|| json!({}));
        if let Some(object) = subscription.as_object_mut() {
            object.remove("origin");
            object.remove("keywords");
            object.insert("id".to_owned(), json!(self.id.trim()));
            object.insert("query".to_owned(), json!(self.query.trim()));
            let mut webhooks: Vec<Value> = object
                .get("webhooks")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let url = self.webhook.trim();
            match (webhooks.is_empty(), url.is_empty()) {
                (_, true) => webhooks.truncate(0),
                (true, false) => webhooks.push(json!({ "url": url })),
                (false, false) if text(&webhooks[0], "url") != url => {
                    webhooks[0] = json!({ "url": url })
                }
                (false, false) => {}
            }
            object.insert("webhooks".to_owned(), json!(webhooks));
            let to: Vec<&str> = self
                .email
                .split([',', ';', ' '])
                .map(str::trim)
                .filter(|to| !to.is_empty())
                .collect();
            let mut channels: Vec<Value> = object
                .get("channels")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            channels.retain(|channel| text(channel, "kind") != "email");
            if !to.is_empty() {
                channels.push(json!({ "kind": "email", "to": to }));
            }
            object.insert("channels".to_owned(), json!(channels));
            let embargo = if self.embargo == "hold" {
                "hold"
            } else {
                "notify"
            };
            object.insert("embargo".to_owned(), json!(embargo));
        }
        subscription
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EditParams {
    #[serde(default)]
    id: String,
    #[serde(default)]
    saved: bool,
}

/// `GET /subscriptions/edit[?id=]`: a new subscription, or one to change.
pub async fn subscription_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<EditParams>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let notice = params
        .saved
        .then(|| format!("Saved {}: it applies to the next article.", params.id));
    editor(&state, &viewer, &params.id, None, None, notice).await
}

/// The editor of subscription `id` (empty: a new one), with `form` as sent when saving failed.
async fn editor(
    state: &WebState,
    viewer: &Viewer,
    id: &str,
    form: Option<SubscriptionForm>,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let current = find(state, id).await;
    let existing = current.is_some();
    let read_only = current
        .as_ref()
        .is_some_and(|s| text(s, "origin") == "config");
    let form = form.unwrap_or_else(|| {
        current
            .as_ref()
            .map(SubscriptionForm::of)
            .unwrap_or_default()
    });
    let preview_html = preview(state, viewer, form.query.clone()).await;
    let reader = state.reader.clone();
    let log_id = form.id.clone();
    let alerts = if existing {
        blocking(move || reader.alerts(&log_id, 50))
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = state.render(
        "subscription.html",
        viewer,
        minijinja::context! {
            title => if existing { format!("Subscription {id}") } else { "New subscription".to_owned() },
            page => "subscriptions", form, existing, read_only, error, notice, alerts,
            preview => preview_html,
        },
    );
    (status, page).into_response()
}

async fn find(state: &WebState, id: &str) -> Option<Value> {
    if id.is_empty() {
        return None;
    }
    state
        .operations
        .subscriptions()
        .await
        .ok()?
        .into_iter()
        .find(|subscription| text(subscription, "id") == id)
}

fn refused(state: &WebState, viewer: &Viewer, refusal: Refused) -> Response {
    let status = match refusal {
        Refused::NotSignedIn => StatusCode::UNAUTHORIZED,
        _ => StatusCode::FORBIDDEN,
    };
    state.message(status, viewer, "Not allowed", &refusal.to_string())
}

/// `POST /subscriptions`: saves the form through the alerter.
pub async fn save_subscription(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<SubscriptionForm>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    if let Err(refusal) = state.sessions.check_change(&headers, &form.csrf) {
        return refused(&state, &viewer, refusal);
    }
    let id = form.id.trim().to_owned();
    let current = find(&state, &id).await;
    match state
        .operations
        .save_subscription(form.subscription(current.as_ref()))
        .await
    {
        Ok(()) => {
            let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
            Redirect::to(&format!("/subscriptions/edit?id={encoded}&saved=true")).into_response()
        }
        Err(error) => {
            editor(
                &state,
                &viewer,
                &id,
                Some(form),
                Some(error.to_string()),
                None,
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    id: String,
}

/// `POST /subscriptions/delete`.
pub async fn delete_subscription(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<DeleteForm>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    if let Err(refusal) = state.sessions.check_change(&headers, &form.csrf) {
        return refused(&state, &viewer, refusal);
    }
    match state.operations.delete_subscription(&form.id).await {
        Ok(()) => {
            let encoded: String =
                url::form_urlencoded::byte_serialize(form.id.as_bytes()).collect();
            Redirect::to(&format!("/subscriptions?deleted={encoded}")).into_response()
        }
        Err(error) => state.message(error.status, &viewer, "Not deleted", &error.to_string()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginParams {
    #[serde(default)]
    next: String,
}

/// Where to go after signing in: a path of this desk, never another site.
fn local_path(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

/// `GET /login`.
pub async fn login_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<LoginParams>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    login_form(&state, &viewer, &params.next, None)
}

fn login_form(state: &WebState, viewer: &Viewer, next: &str, message: Option<String>) -> Response {
    let status = if message.is_some() {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    let page = state.render(
        "login.html",
        viewer,
        minijinja::context! {
            title => "Sign in", page => "login", next => local_path(next),
            has_token => state.sessions.has_token(), message,
        },
    );
    (status, page).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: the admin token for a session cookie.
pub async fn sign_in(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    match state.sessions.sign_in(&form.token) {
        Ok(id) => {
            let mut response = Redirect::to(local_path(&form.next)).into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, state.sessions.cookie_for(&id));
            response
        }
        Err(refusal) => {
            let viewer = state.sessions.viewer(&headers);
            login_form(&state, &viewer, &form.next, Some(refusal.to_string()))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`.
pub async fn sign_out(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if let Err(refusal) = state.sessions.check_change(&headers, &form.csrf) {
        let viewer = state.sessions.viewer(&headers);
        return refused(&state, &viewer, refusal);
    }
    state.sessions.sign_out(&headers);
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, Sessions::expired_cookie());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_form_keeps_what_it_does_not_show_and_a_webhook_secret() {
        let current = json!({
            "id": "syria", "query": "syria", "origin": "api", "max_per_minute": 5,
            "webhooks": [{ "url": "http://hook.example/a", "secret": "(hidden)" }],
        });
        let form = SubscriptionForm {
            id: "syria".to_owned(),
            query: "syria AND talks".to_owned(),
            webhook: "http://hook.example/a".to_owned(),
            email: "desk@example.org, night@example.org".to_owned(),
            ..SubscriptionForm::default()
        };
        let sent = form.subscription(Some(&current));
        assert_eq!(sent["query"], "syria AND talks");
        assert_eq!(sent["max_per_minute"], 5);
        assert_eq!(sent["webhooks"][0]["secret"], "(hidden)");
        assert_eq!(sent["channels"][0]["to"][1], "night@example.org");
        assert!(sent.get("origin").is_none());
        let moved = SubscriptionForm {
            webhook: "http://hook.example/b".to_owned(),
            ..form
        };
        assert!(
            moved.subscription(Some(&current))["webhooks"][0]
                .get("secret")
                .is_none()
        );
    }

    #[test]
    fn failing_sources_come_first_and_quiet_ones_next() {
        let now = Utc::now();
        let row = |id: &str, errors: u32, idle: bool| {
            SourceRow::of(
                SourceStatus {
                    id: id.to_owned(),
                    consecutive_errors: errors,
                    idle,
                    last_success_at: Some(now),
                    published_by_hour: vec![HourCount {
                        hour: now.duration_trunc(Duration::hours(1)).ok(),
                        items: 3,
                    }],
                    ..SourceStatus::default()
                },
                now,
            )
        };
        let mut rows = [
            row("a", 0, false),
            row("b", 0, true),
            row("c", 2, false),
            row("d", 5, false),
        ];
        rows.sort_by(|a, b| a.rank().cmp(&b.rank()).then_with(|| a.id.cmp(&b.id)));
        let order: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
        assert_eq!(order, vec!["d", "c", "b", "a"]);
        assert_eq!(rows[3].items_24h, 3);
    }

    #[test]
    fn after_signing_in_the_desk_only_goes_to_its_own_pages() {
        assert_eq!(local_path("/subscriptions"), "/subscriptions");
        assert_eq!(local_path("//evil.example"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
    }
}
