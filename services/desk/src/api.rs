//! The desk's JSON API (described by `openapi.json`, served at `/api/openapi.json`): search,
//! an article with its versions, a family, a story, the live stream of new matches
//! (server-sent events) and the alert log of a subscription. Every index read runs on the
//! blocking pool; every error is JSON with a status: 400 for what the client sent (a query's
//! error with its column), 404 for an unknown id.

use crate::archive::ArchiveReader;
use crate::hits::ArticleHit;
use crate::ingest::Arrival;
use crate::search::{Group, Interval, SearchError, SearchRequest, Sort, parse_query, parse_time};
use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use futures::Stream;
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast;
use wire_query::{Expr, Facts, Texts, evaluate};

/// The OpenAPI description of this API.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub reader: ArchiveReader,
    pub live: broadcast::Sender<Arc<Vec<Arrival>>>,
}

/// The API's routes.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/article", get(article))
        .route("/api/families/{id}", get(family))
        .route("/api/stories/{id}", get(story))
        .route("/api/alerts", get(alerts))
        .route("/api/stream", get(stream))
        .route("/api/status", get(status))
        .route("/api/openapi.json", get(openapi))
        .with_state(state)
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    column: Option<usize>,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            column: None,
        }
    }

    fn not_found(what: &str, id: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: format!("no {what} {id:?} in the archive"),
            column: None,
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::Query(error) => Self {
                status: StatusCode::BAD_REQUEST,
                message: error.message.clone(),
                column: Some(error.column),
            },
            SearchError::Parameter { .. } | SearchError::TooBroad { .. } => {
                Self::bad_request(error.to_string())
            }
            SearchError::Archive(_) | SearchError::Index(_) => {
                tracing::error!(error = %error, "desk: archive read failed");
                Self {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message: error.to_string(),
                    column: None,
                }
            }
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::bad_request(rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.message });
        if let Some(column) = self.column {
            body["column"] = column.into();
        }
        (self.status, Json(body)).into_response()
    }
}

/// Runs an index read on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("the search task failed: {error}"),
            column: None,
        })?
        .map_err(ApiError::from)
}

/// `/api/search`'s parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    since: Option<String>,
    until: Option<String>,
    #[serde(default)]
    sort: Sort,
    group: Option<Group>,
    limit: Option<usize>,
    cursor: Option<String>,
    histogram: Option<Interval>,
    facets: Option<usize>,
}

impl SearchParams {
    fn request(self) -> Result<SearchRequest, SearchError> {
        let now = Utc::now();
        Ok(SearchRequest {
            query: self.q,
            since: self
                .since
                .map(|text| parse_time("since", &text, now))
                .transpose()?,
            until: self
                .until
                .map(|text| parse_time("until", &text, now))
                .transpose()?,
            sort: self.sort,
            group: self.group,
            limit: self.limit.unwrap_or(20),
            cursor: self.cursor,
            histogram: self.histogram,
            facet_size: self.facets.unwrap_or(10),
        })
    }
}

async fn search(
    State(state): State<ApiState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let request = params.request()?;
    let response = blocking(move || state.reader.search(&request)).await?;
    Ok(Json(response).into_response())
}

#[derive(Debug, Deserialize)]
struct ArticleParams {
    uri: String,
}

async fn article(
    State(state): State<ApiState>,
    params: Result<Query<ArticleParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(ArticleParams { uri }) = params?;
    let lookup = uri.clone();
    let versions = blocking(move || state.reader.article_versions(&lookup)).await?;
    if versions.is_empty() {
        return Err(ApiError::not_found("article", &uri));
    }
    Ok(Json(serde_json::json!({ "uri": uri, "versions": versions })).into_response())
}

async fn family(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let lookup = id.clone();
    match blocking(move || state.reader.family(&lookup)).await? {
        Some(family) => Ok(Json(family).into_response()),
        None => Err(ApiError::not_found("family", &id)),
    }
}

async fn story(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let lookup = id.clone();
    match blocking(move || state.reader.story(&lookup)).await? {
        Some(story) => Ok(Json(story).into_response()),
        None => Err(ApiError::not_found("story", &id)),
    }
}

#[derive(Debug, Deserialize)]
struct AlertParams {
    subscription: String,
    limit: Option<usize>,
}

async fn alerts(
    State(state): State<ApiState>,
    params: Result<Query<AlertParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(AlertParams {
        subscription,
        limit,
    }) = params?;
    let alerts = blocking(move || state.reader.alerts(&subscription, limit.unwrap_or(50))).await?;
    Ok(Json(serde_json::json!({ "alerts": alerts })).into_response())
}

async fn status(State(state): State<ApiState>) -> Result<Response, ApiError> {
    let documents = blocking(move || Ok(state.reader.documents())).await?;
    Ok(Json(serde_json::json!({ "documents": documents })).into_response())
}

async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct StreamParams {
    #[serde(default)]
    q: String,
    /// For clients that cannot set the `Last-Event-ID` header.
    last_event_id: Option<u64>,
}

/// How many missed matches a reconnecting stream is sent at most.
const CATCH_UP_LIMIT: usize = 1_000;

async fn stream(
    State(state): State<ApiState>,
    headers: HeaderMap,
    params: Result<Query<StreamParams>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Query(params) = params?;
    let expr = parse_query(&params.q).map_err(SearchError::from)?;
    let texts = match &expr {
        Some(expr) => Texts::of([expr])
            .map_err(|error| ApiError::bad_request(format!("too many words: {error}")))?,
        None => Texts::none(),
    };
    let last_event_id = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|text| text.trim().parse::<u64>().ok())
                .ok_or_else(|| ApiError::bad_request("Last-Event-ID must be an event id"))?,
        ),
        None => params.last_event_id,
    };
    // Subscribe before catching up, so nothing falls between the two.
    let receiver = state.live.subscribe();
    let mut live = LiveMatches {
        reader: state.reader,
        receiver,
        expr: expr.map(Arc::new),
        texts: Arc::new(texts),
        queued: VecDeque::new(),
        last_sent: last_event_id.unwrap_or(0),
    };
    if let Some(after) = last_event_id {
        live.catch_up(after).await?;
    }
    let events = futures::stream::unfold(live, |mut live| async move {
        let (seq, hit) = live.next().await?;
        let event = Event::default()
            .id(seq.to_string())
            .event("article")
            .json_data(&hit)
            .unwrap_or_else(|_| Event::default().comment("unencodable article"));
        Some((Ok(event), live))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// One client's live stream: new archive arrivals that match its query, in sequence order.
struct LiveMatches {
    reader: ArchiveReader,
    receiver: broadcast::Receiver<Arc<Vec<Arrival>>>,
    expr: Option<Arc<Expr>>,
    texts: Arc<Texts>,
    queued: VecDeque<(u64, ArticleHit)>,
    last_sent: u64,
}

impl LiveMatches {
    /// Queues what matched after `after` from the archive.
    async fn catch_up(&mut self, after: u64) -> Result<(), ApiError> {
        let reader = self.reader.clone();
        let expr = self.expr.clone();
        let missed =
            blocking(move || reader.matches_after(expr.as_deref(), after, CATCH_UP_LIMIT)).await?;
        self.queued.extend(missed);
        Ok(())
    }

    /// The next match; `None` when the desk stops.
    async fn next(&mut self) -> Option<(u64, ArticleHit)> {
        loop {
            if let Some((seq, hit)) = self.queued.pop_front() {
                if seq > self.last_sent {
                    self.last_sent = seq;
                    return Some((seq, hit));
                }
                continue;
            }
            match self.receiver.recv().await {
                Ok(arrivals) => {
                    for arrival in arrivals.iter() {
                        let matches = match &self.expr {
                            Some(expr) => {
                                evaluate(expr, &Facts::of(&arrival.envelope, &self.texts))
                            }
                            None => true,
                        };
                        if matches && arrival.seq > self.last_sent {
                            self.queued
                                .push_back((arrival.seq, ArticleHit::of(&arrival.envelope)));
                        }
                    }
                }
                // Too slow for the live channel: what it missed comes from the archive.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    if self.catch_up(self.last_sent).await.is_err() {
                        return None;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}
