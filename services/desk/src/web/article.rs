//! The article view (clean text with the evidence of its tags marked, provenance, lineage,
//! the story's other write-ups and who had it first), a family's page and a story's page.

use super::charts::{self, Copy};
use super::highlight;
use super::session::Viewer;
use super::views::{Card, badges, change_words, outlet};
use super::{WebState, blocking};
use crate::archive::ArchiveReader;
use crate::hits::{ArticleHit, FamilyView};
use crate::schema::version_of;
use crate::search::SearchError;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use wire_model::Envelope;

/// Families of a story drawn on its timeline.
const TIMELINE_FAMILIES: usize = 40;

#[derive(Debug, Deserialize)]
pub struct ArticleParams {
    uri: String,
    version: Option<u64>,
}

/// A version in the lineage.
#[derive(Debug, Serialize)]
struct VersionRow {
    version: u64,
    time: DateTime<Utc>,
    headline: String,
    headline_differs: bool,
    changes: Vec<String>,
}

/// A copy after the original, and how far behind it came.
#[derive(Debug, Serialize)]
struct PickupRow {
    uri: String,
    source: String,
    delay: String,
    killed: bool,
}

/// A family of a story, in the table of write-ups.
#[derive(Debug, Serialize)]
struct WriteUp {
    uri: String,
    headline: String,
    source: String,
    language: String,
    copies: usize,
    delay: String,
}

/// A story as its pages show it.
#[derive(Debug, Serialize)]
struct StoryContext {
    id: String,
    merged: Vec<String>,
    first: ArticleHit,
    languages: Vec<String>,
    families: Vec<WriteUp>,
    timeline: String,
}

fn pickups(family: &FamilyView) -> Vec<PickupRow> {
    family
        .pickups
        .iter()
        .map(|hit| PickupRow {
            uri: hit.uri.clone(),
            source: outlet(hit),
            delay: charts::delay_label((hit.time - family.original.time).num_seconds()),
            killed: hit.killed,
        })
        .collect()
}

/// The story `id` with every copy of its first families on a timeline.
fn story_context(reader: &ArchiveReader, id: &str) -> Result<Option<StoryContext>, SearchError> {
    let Some(story) = reader.story(id)? else {
        return Ok(None);
    };
    let Some(first) = story.families.first().map(|family| family.first.clone()) else {
        return Ok(None);
    };
    let mut copies = Vec::new();
    let mut languages: Vec<String> = Vec::new();
    let mut families = Vec::new();
    for entry in &story.families {
        if let Some(language) = &entry.first.language
            && !languages.contains(language)
        {
            languages.push(language.clone());
        }
        families.push(WriteUp {
            uri: entry.first.uri.clone(),
            headline: entry.first.headline.clone(),
            source: outlet(&entry.first),
            language: entry.first.language.clone().unwrap_or_default(),
            copies: entry.copies,
            delay: charts::delay_label((entry.first.time - first.time).num_seconds()),
        });
        if families.len() > TIMELINE_FAMILIES {
            continue;
        }
        let members = match reader.family(&entry.family)? {
            Some(family) => std::iter::once(family.original)
                .chain(family.pickups)
                .collect(),
            None => vec![entry.first.clone()],
        };
        copies.extend(members.iter().map(|hit| Copy {
            lane: match &hit.agency {
                Some(agency) if !agency.eq_ignore_ascii_case(&outlet(hit)) => {
                    format!("{agency} · {}", outlet(hit))
                }
                _ => outlet(hit),
            },
            source: outlet(hit),
            headline: hit.headline.clone(),
            time: hit.time,
            from_agency: hit.is_original,
            href: Some(format!("/article?uri={}", encode(&hit.uri))),
        }));
    }
    Ok(Some(StoryContext {
        id: story.story.clone(),
        merged: story.merged.clone(),
        first,
        languages,
        families,
        timeline: charts::timeline(&copies, 640),
    }))
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Provenance rows: label, value, and a link when the value is a web address.
fn provenance(envelope: &Envelope) -> Vec<(String, String, Option<String>)> {
    let wire = &envelope.wire;
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339());
    let mut rows: Vec<(&str, Option<String>)> = vec![
        ("Source", Some(wire.source.as_str().to_owned())),
        ("Agency", wire.agency.clone()),
        ("Credit", wire.credit.clone()),
        ("Original format", wire.format.clone()),
        ("Provider guid", wire.guid.clone()),
        ("Item identity", Some(wire.item_identity.clone())),
        ("Fetched", Some(wire.fetched_at.to_rfc3339())),
        ("Normalized", time(wire.normalized_at)),
        ("Enriched", time(wire.enriched_at)),
        ("Charset", wire.charset.clone()),
        (
            "Similarity to the original",
            wire.similarity.map(|s| format!("{s:.2}")),
        ),
        (
            "Story confidence",
            wire.story_confidence.map(|s| format!("{s:.2}")),
        ),
    ];
    if !wire.flags.is_empty() {
        rows.push(("Lenient about", Some(wire.flags.join(", "))));
    }
    if !wire.removed.is_empty() {
        rows.push((
            "Boilerplate removed",
            Some(format!("{} piece(s)", wire.removed.len())),
        ));
    }
    let mut out: Vec<(String, String, Option<String>)> = rows
        .into_iter()
        .filter_map(|(label, value)| Some((label.to_owned(), value?, None)))
        .collect();
    let link = wire
        .link
        .clone()
        .or_else(|| envelope.article.web_link().map(str::to_owned));
    if let Some(link) = link {
        // Only web addresses become links: a `javascript:` link from a feed stays text.
        let safe = url::Url::parse(&link)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .map(|url| url.to_string());
        out.push(("Original".to_owned(), link, safe));
    }
    out
}

/// The provider's HTML body, cleaned by ammonia (no script, no event handler, no style).
fn formatted(envelope: &Envelope) -> Option<String> {
    let html = envelope
        .article
        .bodies
        .iter()
        .find(|body| body.content_type.as_deref() == Some("text/html"))?;
    Some(
        ammonia::Builder::default()
            .link_rel(Some("noopener noreferrer nofollow"))
            .clean(&html.value)
            .to_string(),
    )
}

/// `GET /article?uri=[&version=]`.
pub async fn article_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<ArticleParams>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let reader = state.reader.clone();
    let uri = params.uri.clone();
    let looked_up = blocking(move || {
        let mut versions = reader.article_versions(&uri)?;
        versions.sort_by_key(version_of);
        let Some(latest) = versions.last() else {
            return Ok(None);
        };
        let family = latest
            .wire
            .family
            .as_ref()
            .map(|id| reader.family(id.as_str()))
            .transpose()?
            .flatten();
        let story = story_context(&reader, &ArticleHit::of(latest).story)?;
        Ok(Some((versions, family, story)))
    })
    .await;
    let (versions, family, story) = match looked_up {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(&state, &viewer, "article", &params.uri),
        Err(error) => return state.archive_failed(&viewer, &error),
    };
    let chosen = params
        .version
        .and_then(|wanted| versions.iter().find(|v| version_of(v) == wanted))
        .or(versions.last());
    let Some(chosen) = chosen else {
        return not_found(&state, &viewer, "article", &params.uri);
    };
    let hit = ArticleHit::of(chosen);
    let first_headline = versions
        .first()
        .and_then(|v| v.article.headline())
        .unwrap_or_default()
        .to_owned();
    let rows: Vec<VersionRow> = versions
        .iter()
        .map(|version| {
            let headline = version.article.headline().unwrap_or_default().to_owned();
            VersionRow {
                version: version_of(version),
                time: version
                    .article
                    .version_created
                    .unwrap_or(version.wire.fetched_at),
                headline_differs: headline != first_headline,
                headline,
                changes: version
                    .wire
                    .change
                    .as_ref()
                    .map(change_words)
                    .unwrap_or_default(),
            }
        })
        .collect();
    let now = Utc::now();
    let mut page_badges = badges(&hit, now);
    if family.as_ref().is_some_and(|f| f.killed) && !hit.killed {
        page_badges.insert(
            0,
            super::views::Badge {
                kind: "kill",
                label: "FAMILY KILLED".to_owned(),
            },
        );
    }
    state.render(
        "article.html",
        &viewer,
        minijinja::context! {
            title => hit.headline.clone(), page => "article",
            marked => highlight::mark(chosen),
            formatted => formatted(chosen),
            provenance => provenance(chosen),
            badges => page_badges,
            versions => rows,
            pickups => family.as_ref().map(pickups).unwrap_or_default(),
            original_outlet => family.as_ref().map(|f| outlet(&f.original)),
            family, story, hit,
        },
    )
}

fn not_found(state: &WebState, viewer: &Viewer, what: &str, id: &str) -> Response {
    state.message(
        StatusCode::NOT_FOUND,
        viewer,
        "Not in the archive",
        &format!("No {what} {id:?} in the archive (it may have expired)."),
    )
}

/// `GET /family/{id}`: the family's card and every copy.
pub async fn family_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let reader = state.reader.clone();
    let lookup = id.clone();
    match blocking(move || reader.family(&lookup)).await {
        Ok(Some(family)) => state.render(
            "family.html",
            &viewer,
            minijinja::context! {
                title => format!("Family {id}"), page => "family",
                card => Card::of_family(&family, Utc::now()),
                pickups => pickups(&family),
                family,
            },
        ),
        Ok(None) => not_found(&state, &viewer, "family", &id),
        Err(error) => state.archive_failed(&viewer, &error),
    }
}

/// `GET /story/{id}`: the story's write-ups, who had it first and its timeline.
pub async fn story_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let viewer = state.sessions.viewer(&headers);
    let reader = state.reader.clone();
    let lookup = id.clone();
    match blocking(move || story_context(&reader, &lookup)).await {
        Ok(Some(story)) => state.render(
            "story.html",
            &viewer,
            minijinja::context! { title => format!("Story {id}"), page => "story", story },
        ),
        Ok(None) => not_found(&state, &viewer, "story", &id),
        Err(error) => state.archive_failed(&viewer, &error),
    }
}
