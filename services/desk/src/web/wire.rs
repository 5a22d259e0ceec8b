//! The live wire (columns of saved queries, each refreshed by the script when its stream
//! says something new matched), search with facets, the as-you-type query check and the
//! 24-hour preview of a query.

use super::charts::{self, Bar};
use super::session::Viewer;
use super::views::{Card, StoryBlock};
use super::{WebState, blocking};
use crate::archive::ArchiveReader;
use crate::search::{
    Group, Interval, SearchError, SearchRequest, SearchResponse, Sort, parse_query, parse_time,
};
use axum::Json;
use axum::extract::{Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Stories per column.
const COLUMN_STORIES: usize = 25;
/// Family cards per column at most (a story shows its families as cards): with six columns a
/// page stays well under 200 KB.
const COLUMN_CARDS: usize = 30;
/// The most columns a wire page shows.
const MAX_COLUMNS: usize = 6;

/// A query's error, placed.
#[derive(Debug, Clone, Serialize)]
pub struct QueryErrorView {
    pub message: String,
    pub query: String,
    pub column: Option<usize>,
    /// Spaces then `^` under the column.
    pub pointer: String,
}

/// One column: a saved query and what it shows now.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    pub query: String,
    /// The wire page's URL without this column.
    pub without: String,
    pub total: u64,
    pub since: Option<String>,
    pub blocks: Vec<StoryBlock>,
    pub histogram: String,
    pub error: Option<QueryErrorView>,
}

/// The error of `query` as a page shows it; other failures keep their words.
fn query_error(query: &str, error: &SearchError) -> QueryErrorView {
    let column = match error {
        SearchError::Query(error) => Some(error.column),
        _ => None,
    };
    let message = match error {
        SearchError::Query(error) => error.message.clone(),
        other => other.to_string(),
    };
    QueryErrorView {
        message,
        query: query.to_owned(),
        column,
        pointer: column
            .map(|column| format!("{}^", " ".repeat(column.saturating_sub(1))))
            .unwrap_or_default(),
    }
}

/// A search's answer as story blocks of family cards: each family looked up for its copies.
fn blocks_of(
    reader: &ArchiveReader,
    response: &SearchResponse,
    now: DateTime<Utc>,
) -> Result<Vec<StoryBlock>, SearchError> {
    let mut blocks = Vec::new();
    let mut shown = 0;
    for group in response.groups.iter().flatten() {
        let mut cards: Vec<Card> = Vec::new();
        for hit in &group.hits {
            if shown == COLUMN_CARDS {
                break;
            }
            let family = hit.family.clone().unwrap_or_else(|| hit.uri.clone());
            if cards.iter().any(|card| card.family == family) {
                continue;
            }
            let card = match hit
                .family
                .as_deref()
                .map(|id| reader.family(id))
                .transpose()?
            {
                Some(Some(view)) => Card::of_family(&view, now),
                _ => Card::of_hit(hit, now),
            };
            cards.push(card);
            shown += 1;
        }
        if cards.is_empty() {
            break;
        }
        blocks.push(StoryBlock {
            story: group.id.clone(),
            cards,
        });
    }
    Ok(blocks)
}

/// The histogram of a search as an inline SVG.
fn histogram_svg(response: &SearchResponse, interval: Interval) -> String {
    let bars: Vec<Bar> = response
        .histogram
        .iter()
        .flatten()
        .map(|bucket| Bar {
            start: bucket.start,
            count: bucket.count,
        })
        .collect();
    let label = match interval {
        Interval::Hour => "hour",
        Interval::Day => "day",
    };
    charts::histogram(&bars, label, 560, 64)
}

/// Runs one column's search: stories newest first, with the histogram.
fn column(reader: &ArchiveReader, query: &str, without: String, now: DateTime<Utc>) -> ColumnView {
    let request = SearchRequest {
        query: query.to_owned(),
        group: Some(Group::Story),
        limit: COLUMN_STORIES,
        histogram: Some(Interval::Day),
        facet_size: 0,
        ..SearchRequest::default()
    };
    let mut view = ColumnView {
        query: query.to_owned(),
        without,
        total: 0,
        since: None,
        blocks: Vec::new(),
        histogram: String::new(),
        error: None,
    };
    match reader
        .search(&request)
        .and_then(|response| Ok((blocks_of(reader, &response, now)?, response)))
    {
        Ok((blocks, response)) => {
            view.total = response.total;
            view.histogram = histogram_svg(&response, Interval::Day);
            view.blocks = blocks;
        }
        Err(error) => view.error = Some(query_error(query, &error)),
    }
    view
}

/// The columns of a wire page's query string: every `c`, in order.
fn columns_of(raw: Option<&str>) -> Vec<String> {
    let mut columns: Vec<String> = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .filter(|(key, _)| key == "c")
        .map(|(_, value)| value.trim().to_owned())
        .collect();
    let mut seen = std::collections::HashSet::new();
    columns.retain(|column| seen.insert(column.clone()));
    columns.truncate(MAX_COLUMNS);
    columns
}

/// The wire page's URL for `columns`.
fn wire_url(columns: &[&String]) -> String {
    if columns.is_empty() {
        return "/?c=".to_owned();
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for column in columns {
        query.append_pair("c", column);
    }
    format!("/?{}", query.finish())
}

/// `GET /?c=<query>&c=<query>`: the live wire, one column per query (one of everything
/// without any).
pub async fn wire_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let mut columns = columns_of(raw.as_deref());
    if columns.is_empty() {
        columns.push(String::new());
    }
    let reader = state.reader.clone();
    let now = Utc::now();
    let views = tokio::task::spawn_blocking(move || {
        columns
            .iter()
            .map(|query| {
                let others: Vec<&String> = columns.iter().filter(|c| *c != query).collect();
                column(&reader, query, wire_url(&others), now)
            })
            .collect::<Vec<ColumnView>>()
    })
    .await
    .unwrap_or_default();
    let stream_query = stream_query(&views);
    state.render(
        "wire.html",
        &viewer,
        minijinja::context! {
            title => "Live wire", page => "wire", columns => views, stream_query,
        },
    )
}

/// The one query the page's live stream follows: every valid column's query OR-ed, or
/// everything when a column shows everything. One stream for the page, not one per column:
/// a browser opens at most six connections to a host, and each stream holds one.
fn stream_query(columns: &[ColumnView]) -> String {
    let valid: Vec<&str> = columns
        .iter()
        .filter(|column| column.error.is_none())
        .map(|column| column.query.trim())
        .collect();
    if valid.iter().any(|query| query.is_empty()) {
        return String::new();
    }
    valid
        .iter()
        .map(|query| format!("({query})"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

#[derive(Debug, Deserialize)]
pub struct ColumnParams {
    #[serde(default)]
    q: String,
}

/// `GET /column?q=`: one column's body, for the script to swap in.
pub async fn column_fragment(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<ColumnParams>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let reader = state.reader.clone();
    let view =
        tokio::task::spawn_blocking(move || column(&reader, &params.q, String::new(), Utc::now()))
            .await;
    match view {
        Ok(view) => state.render(
            "column.html",
            &viewer,
            minijinja::context! { column => view },
        ),
        Err(error) => Html(format!(
            "<p class=\"error\">{}</p>",
            super::highlight::escape(&error.to_string())
        ))
        .into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    since: String,
    cursor: Option<String>,
}

/// A facet value with the link that narrows the search to it.
#[derive(Debug, Serialize)]
struct FacetValue {
    value: String,
    count: u64,
    href: String,
}

#[derive(Debug, Serialize)]
struct FacetView {
    name: &'static str,
    title: &'static str,
    values: Vec<FacetValue>,
}

/// Facet name in the answer, its title, and the query field that narrows to a value.
const FACET_FIELDS: [(&str, &str, &str); 5] = [
    ("topics", "Topic", "topic"),
    ("places", "Place", "place"),
    ("sources", "Source", "source"),
    ("languages", "Language", "lang"),
    ("urgency", "Urgency", "urgency"),
];

/// `query` narrowed by `field:value`.
fn narrowed(query: &str, field: &str, value: &str) -> String {
    let term = if field == "urgency" {
        format!("urgency:{value}")
    } else {
        format!("{field}:\"{}\"", value.replace('"', ""))
    };
    if query.trim().is_empty() {
        term
    } else {
        format!("({}) AND {term}", query.trim())
    }
}

fn search_url(query: &str, since: &str, cursor: Option<&str>) -> String {
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    url.append_pair("q", query);
    if !since.is_empty() {
        url.append_pair("since", since);
    }
    if let Some(cursor) = cursor {
        url.append_pair("cursor", cursor);
    }
    format!("/search?{}", url.finish())
}

/// `GET /search?q=&since=`: families matching a query, with facets that narrow it.
pub async fn search_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let reader = state.reader.clone();
    let SearchParams { q, since, cursor } = params;
    let (query, since_text) = (q.clone(), since.clone());
    let searched = blocking(move || {
        let now = Utc::now();
        let since = (!since_text.is_empty())
            .then(|| parse_time("since", &since_text, now))
            .transpose()?;
        let request = SearchRequest {
            query: query.clone(),
            since,
            sort: Sort::Newest,
            group: Some(Group::Story),
            limit: COLUMN_STORIES,
            cursor,
            histogram: Some(Interval::Day),
            facet_size: 12,
            ..SearchRequest::default()
        };
        let response = reader.search(&request)?;
        let blocks = blocks_of(&reader, &response, now)?;
        Ok((response, blocks))
    })
    .await;
    let mut column = ColumnView {
        query: q.clone(),
        without: String::new(),
        total: 0,
        since: (!since.is_empty()).then(|| since.clone()),
        blocks: Vec::new(),
        histogram: String::new(),
        error: None,
    };
    let mut facets = Vec::new();
    let mut next_page = None;
    match searched {
        Ok((response, blocks)) => {
            column.total = response.total;
            column.histogram = histogram_svg(&response, Interval::Day);
            column.blocks = blocks;
            next_page = response
                .next_cursor
                .as_deref()
                .map(|cursor| search_url(&q, &since, Some(cursor)));
            for (name, title, field) in FACET_FIELDS {
                let values = response
                    .facets
                    .get(name)
                    .into_iter()
                    .flatten()
                    .map(|facet| FacetValue {
                        value: facet.value.clone(),
                        count: facet.count,
                        href: search_url(&narrowed(&q, field, &facet.value), &since, None),
                    })
                    .collect();
                facets.push(FacetView {
                    name,
                    title,
                    values,
                });
            }
        }
        Err(error) => column.error = Some(query_error(&q, &error)),
    }
    let since_options: Vec<minijinja::Value> = [
        ("", "any time"),
        ("24h", "the last 24 hours"),
        ("7d", "the last 7 days"),
        ("30d", "the last 30 days"),
    ]
    .into_iter()
    .map(|(value, label)| minijinja::context! { value, label })
    .collect();
    state.render(
        "search.html",
        &viewer,
        minijinja::context! {
            title => if q.is_empty() { "Search".to_owned() } else { format!("Search: {q}") },
            page => "search", query => q, since, since_options, column, facets, next_page,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct CheckParams {
    #[serde(default)]
    q: String,
}

/// `GET /check?q=`: `{"ok": true}` or the query's error with its column, as you type.
pub async fn check_query(Query(params): Query<CheckParams>) -> Response {
    match parse_query(&params.q) {
        Ok(_) => Json(serde_json::json!({ "ok": true })).into_response(),
        Err(error) => Json(serde_json::json!({
            "ok": false, "error": error.message, "column": error.column,
        }))
        .into_response(),
    }
}

/// `GET /preview?q=`: what a query matched in the last 24 hours (the newest ten).
pub async fn preview_fragment(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<CheckParams>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    Html(preview(&state, &viewer, params.q).await).into_response()
}

/// The preview's HTML, also shown when the subscription page opens.
pub async fn preview(state: &WebState, viewer: &Viewer, query: String) -> String {
    if query.trim().is_empty() {
        return String::new();
    }
    let reader = state.reader.clone();
    let searched = blocking(move || {
        reader.search(&SearchRequest {
            query,
            since: Some(Utc::now() - chrono::Duration::hours(24)),
            limit: 10,
            facet_size: 0,
            ..SearchRequest::default()
        })
    })
    .await;
    let context = match searched {
        Ok(response) => minijinja::context! {
            total => response.total, hits => response.hits.unwrap_or_default(),
        },
        Err(error) => minijinja::context! { error => error.to_string() },
    };
    state
        .render_string("preview.html", viewer, context)
        .unwrap_or_else(|error| {
            format!(
                "<p class=\"error\">{}</p>",
                super::highlight::escape(&error.to_string())
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_from_the_query_string_in_order() {
        let columns = columns_of(Some("c=place%3ADE&c=urgency%3A%3C%3D2&x=1&c=place%3ADE"));
        assert_eq!(columns, vec!["place:DE", "urgency:<=2"]);
        let first = &columns[1];
        assert_eq!(wire_url(&[first]), "/?c=urgency%3A%3C%3D2");
    }

    fn column(query: &str, error: bool) -> ColumnView {
        ColumnView {
            query: query.to_owned(),
            without: String::new(),
            total: 0,
            since: None,
            blocks: Vec::new(),
            histogram: String::new(),
            error: error.then(|| QueryErrorView {
                message: String::new(),
                query: query.to_owned(),
                column: None,
                pointer: String::new(),
            }),
        }
    }

    #[test]
    fn the_page_follows_one_stream_for_all_its_columns() {
        let columns = [
            column("place:DE", false),
            column("syria OR iraq", false),
            column("(", true),
        ];
        assert_eq!(stream_query(&columns), "(place:DE) OR (syria OR iraq)");
        assert_eq!(stream_query(&[column("x", false), column(" ", false)]), "");
    }

    #[test]
    fn a_facet_narrows_the_query_it_was_counted_for() {
        assert_eq!(narrowed("", "place", "Syria"), "place:\"Syria\"");
        assert_eq!(
            narrowed("talks OR truce", "lang", "de"),
            "(talks OR truce) AND lang:\"de\""
        );
        assert_eq!(narrowed("x", "urgency", "2"), "(x) AND urgency:2");
    }
}
