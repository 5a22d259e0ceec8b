//! Searches of the archive: the query language ([`wire_query`]) over the latest version of
//! every article, with a time range, a sort, grouping by family or story, facets, a histogram
//! and cursor paging; and the lookups of an article, a family, a story and an alert log.
//!
//! A query means here what it means in the alerter: the index finds the candidates
//! ([`crate::translate`]) and, where the index cannot be exact (phrases, NOT of a phrase), each
//! candidate is checked with [`wire_query::evaluate`] on its envelope. Facets, histogram and
//! counts are then taken over exactly the matching set.

use crate::archive::{ArchiveError, ArchiveReader};
use crate::hits::{ArticleHit, FamilyView, StoryView};
use crate::schema::{self, micros};
use crate::translate::translate;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};
use wire_model::{Alert, Envelope};
use wire_query::{Expr, Facts, QueryError, Texts, evaluate};

/// Why a search was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{0}")]
    Query(#[from] QueryError),
    #[error("bad {parameter}: {reason}")]
    Parameter {
        parameter: &'static str,
        reason: String,
    },
    #[error(
        "the query needs {candidates} articles checked one by one (more than {limit}): add a word or a field to narrow it"
    )]
    TooBroad { candidates: usize, limit: usize },
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("archive index: {0}")]
    Index(#[from] tantivy::TantivyError),
}

impl SearchError {
    fn parameter(parameter: &'static str, reason: impl Into<String>) -> Self {
        Self::Parameter {
            parameter,
            reason: reason.into(),
        }
    }
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Relevance,
}

/// How hits are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    Family,
    Story,
}

/// The histogram's bucket width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Hour,
    Day,
}

impl Interval {
    fn micros(self) -> u64 {
        match self {
            Self::Hour => 3_600_000_000,
            Self::Day => 86_400_000_000,
        }
    }
}

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query (empty: everything).
    pub query: String,
    /// Articles whose own time is at or after this.
    pub since: Option<DateTime<Utc>>,
    /// Articles whose own time is before this.
    pub until: Option<DateTime<Utc>>,
    pub sort: Sort,
    pub group: Option<Group>,
    /// Hits (or groups) per page.
    pub limit: usize,
    /// Where the previous page ended.
    pub cursor: Option<String>,
    pub histogram: Option<Interval>,
    /// Facet values per facet (0: no facets are counted).
    pub facet_size: usize,
}

/// One group of hits.
#[derive(Debug, Clone, Serialize)]
pub struct HitGroup {
    /// The family or story id.
    pub id: String,
    /// The first hit of the group: its original when it matched, else the first in order.
    pub lead: ArticleHit,
    /// Every matching hit of the group on this page, the lead first.
    pub hits: Vec<ArticleHit>,
}

/// A value of a facet and how many matching articles have it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// A histogram bucket: matching articles from `start` for one interval.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub count: u64,
}

/// A search's answer.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    /// Matching articles (latest versions), over all pages.
    pub total: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hits: Option<Vec<ArticleHit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<HitGroup>>,
    /// topics, places, sources, languages, urgency: value counts over every match, or over
    /// the newest matches when there are more than [`FACET_SAMPLE`].
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// How many matches the facets counted (`total` unless it is above [`FACET_SAMPLE`]).
    pub facets_from: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Vec<Bucket>>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// What a search counts over every match.
struct Counts {
    total: u64,
    facets: BTreeMap<String, Vec<FacetCount>>,
    facets_from: u64,
    histogram: Option<Vec<Bucket>>,
}

/// Above this many matches, facets are counted over the newest matches only.
pub const FACET_SAMPLE: u64 = 100_000;

/// The paging position: the sort value of the last hit shown and how many hits with that
/// value were shown (time sorts), or how many hits were shown (relevance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    value: u64,
    skip: usize,
}

impl Cursor {
    fn encode(self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("{}:{}", self.value, self.skip))
    }

    fn decode(text: &str) -> Result<Self, SearchError> {
        let bad = || SearchError::parameter("cursor", "not a cursor this desk gave");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (value, skip) = text.split_once(':').ok_or_else(bad)?;
        Ok(Self {
            value: value.parse().map_err(|_| bad())?,
            skip: skip.parse().map_err(|_| bad())?,
        })
    }
}

/// How many candidates a query that the index cannot answer exactly may have checked one by one.
pub const MAX_CHECKED: usize = 200_000;

/// The facets a search counts: name in the response and the field.
const FACETS: [(&str, &str); 5] = [
    ("topics", "f_topic"),
    ("places", "f_place"),
    ("sources", "f_source"),
    ("languages", "f_lang"),
    ("urgency", "urgency"),
];

impl ArchiveReader {
    /// Runs `request`.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let searcher = self.reader.searcher();
        let expr = parse_query(&request.query)?;
        let matching = self.matching(&searcher, expr.as_ref(), request)?;
        let cursor = request.cursor.as_deref().map(Cursor::decode).transpose()?;
        let limit = request.limit.clamp(1, 500);
        let Counts {
            total,
            facets,
            facets_from,
            histogram,
        } = self.counts(&searcher, matching.as_ref(), request)?;
        // Groups are made from the hits in order: a grouped page reads up to eight hits per
        // group it shows.
        let hits_wanted = if request.group.is_some() {
            limit * 8
        } else {
            limit
        };
        let (hits, next_cursor) = self.page(
            &searcher,
            matching.as_ref(),
            request.sort,
            cursor,
            hits_wanted,
        )?;
        let aliases = self.story_aliases(&searcher)?;
        let hits = hits
            .into_iter()
            .map(|mut hit| {
                hit.story = canonical_story(&aliases, &hit.story);
                hit
            })
            .collect();
        let mut response = SearchResponse {
            total,
            hits: None,
            groups: None,
            facets,
            facets_from,
            histogram,
            next_cursor: next_cursor.map(Cursor::encode),
        };
        match request.group {
            None => response.hits = Some(hits),
            Some(group) => response.groups = Some(group_hits(hits, group, limit)),
        }
        Ok(response)
    }

    /// The ids of the articles (latest versions) `query` matches among those with a sequence
    /// number above `after`, in sequence order, at most `limit` (the live stream's catch-up).
    pub fn matches_after(
        &self,
        expr: Option<&Expr>,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, ArticleHit)>, SearchError> {
        let searcher = self.reader.searcher();
        let request = SearchRequest::default();
        let matching = self.matching(&searcher, expr, &request)?;
        let after = RangeQuery::new(
            Bound::Excluded(Term::from_field_u64(self.schema.seq, after)),
            Bound::Unbounded,
        );
        let query = BooleanQuery::new(vec![
            (Occur::Must, matching),
            (Occur::Must, Box::new(after)),
        ]);
        let top = TopDocs::with_limit(limit.max(1)).order_by_u64_field("seq", Order::Asc);
        let hits = searcher.search(&query, &top)?;
        let mut out = Vec::new();
        for (seq, address) in hits {
            if let Some(envelope) = self.envelope_at(&searcher, address)? {
                out.push((seq.unwrap_or(0), ArticleHit::of(&envelope)));
            }
        }
        Ok(out)
    }

    /// Every version of the article `uri`, oldest first; empty when the archive has none.
    pub fn article_versions(&self, uri: &str) -> Result<Vec<Envelope>, SearchError> {
        let searcher = self.reader.searcher();
        let query = self.articles_where(self.term_query(self.schema.uri, uri), false);
        let mut envelopes = self.envelopes(&searcher, &query, 1_000)?;
        envelopes.sort_by_key(schema::version_of);
        Ok(envelopes)
    }

    /// The family `id`; `None` when the archive has none of its copies.
    pub fn family(&self, id: &str) -> Result<Option<FamilyView>, SearchError> {
        let searcher = self.reader.searcher();
        let query = self.articles_where(self.term_query(self.schema.family, id), true);
        let latest: Vec<ArticleHit> = self
            .envelopes(&searcher, &query, 10_000)?
            .iter()
            .map(ArticleHit::of)
            .collect();
        let Some(original) = latest
            .iter()
            .find(|hit| hit.is_original)
            .or_else(|| latest.iter().min_by_key(|hit| hit.time))
        else {
            return Ok(None);
        };
        let versions = self
            .article_versions(&original.uri.clone())?
            .iter()
            .map(ArticleHit::of)
            .collect();
        Ok(FamilyView::of(id, latest, versions))
    }

    /// The story `id` (or the story it was merged into), with the families of every story
    /// merged into it; `None` when the archive has none of its copies.
    pub fn story(&self, id: &str) -> Result<Option<StoryView>, SearchError> {
        let searcher = self.reader.searcher();
        let aliases = self.story_aliases(&searcher)?;
        let story = canonical_story(&aliases, id);
        let mut merged: Vec<String> = aliases
            .keys()
            .filter(|alias| canonical_story(&aliases, alias) == story)
            .cloned()
            .collect();
        merged.sort();
        let ids = merged
            .iter()
            .chain(std::iter::once(&story))
            .map(|id| Term::from_field_text(self.schema.story, id));
        let query = self.articles_where(Box::new(TermSetQuery::new(ids)), true);
        let latest = self
            .envelopes(&searcher, &query, 10_000)?
            .iter()
            .map(|envelope| {
                let mut hit = ArticleHit::of(envelope);
                hit.story = story.clone();
                hit
            })
            .collect();
        Ok(StoryView::of(&story, latest).map(|view| view.with_merged(merged)))
    }

    /// Merged story → the story it became (one step; see [`canonical_story`]).
    fn story_aliases(&self, searcher: &Searcher) -> Result<HashMap<String, String>, SearchError> {
        let query = self.term_query(self.schema.doc_type, schema::ALIAS);
        let mut aliases = HashMap::new();
        for address in searcher.search(&query, &DocSetCollector)? {
            if let Some(payload) = payload_at(searcher, address, self.schema.body)?
                && let Ok(alias) = serde_json::from_slice::<serde_json::Value>(&payload)
                && let (Some(story), Some(into)) = (alias["story"].as_str(), alias["into"].as_str())
            {
                aliases.insert(story.to_owned(), into.to_owned());
            }
        }
        Ok(aliases)
    }

    /// The newest `limit` alerts of `subscription`, newest first.
    pub fn alerts(&self, subscription: &str, limit: usize) -> Result<Vec<Alert>, SearchError> {
        let searcher = self.reader.searcher();
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                self.term_query(self.schema.doc_type, schema::ALERT),
            ),
            (
                Occur::Must,
                self.term_query(self.schema.subscription, subscription),
            ),
        ]);
        let top =
            TopDocs::with_limit(limit.clamp(1, 1_000)).order_by_u64_field("time", Order::Desc);
        let mut alerts = Vec::new();
        for (_, address) in searcher.search(&query, &top)? {
            if let Some(payload) = payload_at(&searcher, address, self.schema.body)?
                && let Ok(alert) = Alert::decode(&payload)
            {
                alerts.push(alert);
            }
        }
        Ok(alerts)
    }

    /// Articles (latest versions only when `latest`) that also match `query`.
    fn articles_where(&self, query: Box<dyn Query>, latest: bool) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Must,
                self.term_query(self.schema.doc_type, schema::ARTICLE),
            ),
            (Occur::Must, query),
        ];
        if latest {
            clauses.push((Occur::Must, self.latest_query()));
        }
        BooleanQuery::new(clauses)
    }

    fn latest_query(&self) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_u64(self.schema.latest, 1),
            IndexRecordOption::Basic,
        ))
    }

    /// The exact set of latest article versions `expr` matches in the request's time range.
    fn matching(
        &self,
        searcher: &Searcher,
        expr: Option<&Expr>,
        request: &SearchRequest,
    ) -> Result<Box<dyn Query>, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Must,
                self.term_query(self.schema.doc_type, schema::ARTICLE),
            ),
            (Occur::Must, self.latest_query()),
        ];
        if request.since.is_some() || request.until.is_some() {
            let term = |time: DateTime<Utc>| Term::from_field_u64(self.schema.time, micros(time));
            let lower = request
                .since
                .map_or(Bound::Unbounded, |t| Bound::Included(term(t)));
            let upper = request
                .until
                .map_or(Bound::Unbounded, |t| Bound::Excluded(term(t)));
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        let Some(expr) = expr else {
            return Ok(Box::new(BooleanQuery::new(clauses)));
        };
        let translated = translate(expr, &self.schema);
        clauses.push((Occur::Must, translated.query));
        let candidates = BooleanQuery::new(clauses);
        if translated.exact {
            return Ok(Box::new(candidates));
        }
        // Checked one by one, with the alerter's own evaluation; the matching keys become the
        // query, so counts, facets and pages are over exactly them.
        let addresses = searcher.search(&candidates, &DocSetCollector)?;
        if addresses.len() > MAX_CHECKED {
            return Err(SearchError::TooBroad {
                candidates: addresses.len(),
                limit: MAX_CHECKED,
            });
        }
        let texts = Texts::of([expr]).map_err(|error| {
            SearchError::parameter("q", format!("too many words to look for: {error}"))
        })?;
        let mut keys = Vec::new();
        for address in addresses {
            if let Some(envelope) = self.envelope_at(searcher, address)?
                && evaluate(expr, &Facts::of(&envelope, &texts))
            {
                keys.push(Term::from_field_text(
                    self.schema.key,
                    &schema::article_key(&envelope.article.uri, schema::version_of(&envelope)),
                ));
            }
        }
        Ok(Box::new(TermSetQuery::new(keys)))
    }

    /// The total, the facets and the histogram. Facets count every match up to
    /// [`FACET_SAMPLE`] matches; beyond, the newest matches (those among the documents the
    /// archive took in last, about [`FACET_SAMPLE`] of them), and `facets_from` says how many.
    fn counts(
        &self,
        searcher: &Searcher,
        matching: &dyn Query,
        request: &SearchRequest,
    ) -> Result<Counts, SearchError> {
        let size = request.facet_size.clamp(1, 100);
        let mut facet_aggs = serde_json::Map::new();
        for (name, field) in FACETS {
            facet_aggs.insert(
                name.to_owned(),
                serde_json::json!({ "terms": { "field": field, "size": size } }),
            );
        }
        let mut histogram_aggs = serde_json::Map::new();
        if let Some(interval) = request.histogram {
            histogram_aggs.insert(
                "histogram".to_owned(),
                serde_json::json!({ "histogram": {
                    "field": "time", "interval": interval.micros() as f64, "min_doc_count": 1
                } }),
            );
        }
        let (total, histogram_results) = if histogram_aggs.is_empty() {
            (searcher.search(matching, &Count)?, None)
        } else {
            let (total, results) =
                searcher.search(matching, &(Count, self.aggregations(histogram_aggs)?))?;
            (total, Some(results))
        };
        let total = total as u64;
        if request.facet_size == 0 {
            // No facets asked for (a live wire column): no pass for them.
            let histogram_results = serde_json::to_value(histogram_results)
                .map_err(|error| SearchError::parameter("histogram", error.to_string()))?;
            return Ok(Counts {
                total,
                facets: BTreeMap::new(),
                facets_from: 0,
                histogram: request
                    .histogram
                    .map(|_| buckets(&histogram_results["histogram"]["buckets"])),
            });
        }
        let newest = self.newest_window(searcher, total)?;
        let facet_query: Box<dyn Query> = match newest {
            None => matching.box_clone(),
            Some(window) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, matching.box_clone()),
                (Occur::Must, window),
            ])),
        };
        let (facets_from, facet_results) = searcher.search(
            facet_query.as_ref(),
            &(Count, self.aggregations(facet_aggs)?),
        )?;
        let results = serde_json::to_value(facet_results)
            .map_err(|error| SearchError::parameter("facets", error.to_string()))?;
        let mut facets = BTreeMap::new();
        for (name, _) in FACETS {
            let buckets = results[name]["buckets"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let counts = buckets
                .iter()
                .map(|bucket| FacetCount {
                    value: match &bucket["key"] {
                        serde_json::Value::String(text) => text.clone(),
                        other => other.to_string(),
                    },
                    count: bucket["doc_count"].as_u64().unwrap_or(0),
                })
                .collect();
            facets.insert(name.to_owned(), counts);
        }
        let histogram_results = serde_json::to_value(histogram_results)
            .map_err(|error| SearchError::parameter("histogram", error.to_string()))?;
        // `null` without a histogram: no buckets.
        let histogram = request
            .histogram
            .map(|_| buckets(&histogram_results["histogram"]["buckets"]));
        Ok(Counts {
            total,
            facets,
            facets_from: facets_from as u64,
            histogram,
        })
    }

    /// The aggregation collector of `aggs` (a JSON map of tantivy aggregations).
    fn aggregations(
        &self,
        aggs: serde_json::Map<String, serde_json::Value>,
    ) -> Result<AggregationCollector, SearchError> {
        let aggs: Aggregations = serde_json::from_value(serde_json::Value::Object(aggs))
            .map_err(|error| SearchError::parameter("facets", error.to_string()))?;
        Ok(AggregationCollector::from_aggs(
            aggs,
            AggContextParams::new(
                AggregationLimitsGuard::default(),
                self.index.tokenizers().clone(),
            ),
        ))
    }

    /// For more than [`FACET_SAMPLE`] matches: the documents the archive took in last, as many
    /// as hold about [`FACET_SAMPLE`] matches at this query's share of the archive.
    fn newest_window(
        &self,
        searcher: &Searcher,
        total: u64,
    ) -> Result<Option<Box<dyn Query>>, SearchError> {
        if total <= FACET_SAMPLE {
            return Ok(None);
        }
        let documents = searcher.num_docs().max(1);
        let newest = searcher.search(
            &tantivy::query::AllQuery,
            &TopDocs::with_limit(1).order_by_u64_field("seq", Order::Desc),
        )?;
        let Some((Some(last_seq), _)) = newest.first() else {
            return Ok(None);
        };
        let span = (FACET_SAMPLE as u128 * u128::from(documents) / u128::from(total)) as u64;
        let from = last_seq.saturating_sub(span);
        Ok(Some(Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_u64(self.schema.seq, from)),
            Bound::Unbounded,
        ))))
    }

    /// One page of hits in `sort` order after `cursor`, and the cursor of the next page.
    fn page(
        &self,
        searcher: &Searcher,
        matching: &dyn Query,
        sort: Sort,
        cursor: Option<Cursor>,
        limit: usize,
    ) -> Result<(Vec<ArticleHit>, Option<Cursor>), SearchError> {
        let mut hits = Vec::new();
        let next = match sort {
            Sort::Relevance => {
                let offset = cursor.map_or(0, |cursor| cursor.skip);
                let top = TopDocs::with_limit(limit + 1)
                    .and_offset(offset)
                    .order_by_score();
                let found = searcher.search(matching, &top)?;
                let more = found.len() > limit;
                for (_, address) in found.into_iter().take(limit) {
                    if let Some(envelope) = self.envelope_at(searcher, address)? {
                        hits.push(ArticleHit::of(&envelope));
                    }
                }
                more.then_some(Cursor {
                    value: 0,
                    skip: offset + limit,
                })
            }
            Sort::Newest | Sort::Oldest => {
                let order = if sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let (query, skip): (Box<dyn Query>, usize) = match cursor {
                    None => (matching.box_clone(), 0),
                    Some(cursor) => {
                        let at = Term::from_field_u64(self.schema.time, cursor.value);
                        let range = if order == Order::Desc {
                            RangeQuery::new(Bound::Unbounded, Bound::Included(at))
                        } else {
                            RangeQuery::new(Bound::Included(at), Bound::Unbounded)
                        };
                        (
                            Box::new(BooleanQuery::new(vec![
                                (Occur::Must, matching.box_clone()),
                                (Occur::Must, Box::new(range)),
                            ])),
                            cursor.skip,
                        )
                    }
                };
                let top = TopDocs::with_limit(limit + skip + 1).order_by_u64_field("time", order);
                let found = searcher.search(&query, &top)?;
                let mut found: Vec<(u64, DocAddress)> = found
                    .into_iter()
                    .map(|(time, address)| (time.unwrap_or(0), address))
                    .collect();
                // Skip what the previous page showed with the cursor's time.
                let mut skipped = 0;
                if let Some(cursor) = cursor {
                    found.retain(|(time, _)| {
                        if *time == cursor.value && skipped < skip {
                            skipped += 1;
                            false
                        } else {
                            true
                        }
                    });
                }
                let more = found.len() > limit;
                found.truncate(limit);
                for (_, address) in &found {
                    if let Some(envelope) = self.envelope_at(searcher, *address)? {
                        hits.push(ArticleHit::of(&envelope));
                    }
                }
                match (more, found.last()) {
                    (true, Some((time, _))) => {
                        let same = found.iter().filter(|(t, _)| t == time).count();
                        let carried = match cursor {
                            Some(cursor) if cursor.value == *time => cursor.skip,
                            _ => 0,
                        };
                        Some(Cursor {
                            value: *time,
                            skip: same + carried,
                        })
                    }
                    _ => None,
                }
            }
        };
        Ok((hits, next))
    }

    fn envelopes(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        limit: usize,
    ) -> Result<Vec<Envelope>, SearchError> {
        let top = TopDocs::with_limit(limit).order_by_u64_field("time", Order::Asc);
        let mut envelopes = Vec::new();
        for (_, address) in searcher.search(query, &top)? {
            if let Some(envelope) = self.envelope_at(searcher, address)? {
                envelopes.push(envelope);
            }
        }
        Ok(envelopes)
    }

    fn envelope_at(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<Option<Envelope>, SearchError> {
        Ok(payload_at(searcher, address, self.schema.body)?
            .and_then(|payload| Envelope::decode(&payload).ok()))
    }
}

fn payload_at(
    searcher: &Searcher,
    address: DocAddress,
    body: tantivy::schema::Field,
) -> Result<Option<Vec<u8>>, SearchError> {
    let doc: TantivyDocument = searcher.doc(address)?;
    Ok(doc
        .get_first(body)
        .and_then(|value| value.as_bytes())
        .map(<[u8]>::to_vec))
}

/// The story `id` is now: followed through merges (a chain of at most 64; a cycle, which the
/// enricher never makes, stops where it closes).
pub fn canonical_story(aliases: &HashMap<String, String>, id: &str) -> String {
    let mut current = id;
    for _ in 0..64 {
        match aliases.get(current) {
            Some(next) if next != id => current = next,
            _ => break,
        }
    }
    current.to_owned()
}

/// The histogram buckets of an aggregation result (none when absent).
fn buckets(result: &serde_json::Value) -> Vec<Bucket> {
    let Some(buckets) = result.as_array() else {
        return Vec::new();
    };
    buckets
        .iter()
        .map(|bucket| Bucket {
            start: schema::from_micros(bucket["key"].as_f64().unwrap_or(0.0) as u64),
            count: bucket["doc_count"].as_u64().unwrap_or(0),
        })
        .collect()
}

/// Parses a search's query; empty (or blank) means every article.
pub fn parse_query(query: &str) -> Result<Option<Expr>, QueryError> {
    if query.trim().is_empty() {
        return Ok(None);
    }
    wire_query::parse(query).map(Some)
}

/// `hits` (in order) as at most `limit` groups.
fn group_hits(hits: Vec<ArticleHit>, group: Group, limit: usize) -> Vec<HitGroup> {
    let mut groups: Vec<HitGroup> = Vec::new();
    for hit in hits {
        let id = match group {
            Group::Family => hit.family.clone().unwrap_or_else(|| hit.uri.clone()),
            Group::Story => hit.story.clone(),
        };
        if let Some(existing) = groups.iter_mut().find(|g| g.id == id) {
            if hit.is_original && !existing.lead.is_original {
                existing.lead = hit.clone();
                existing.hits.insert(0, hit);
            } else {
                existing.hits.push(hit);
            }
        } else if groups.len() < limit {
            groups.push(HitGroup {
                id,
                lead: hit.clone(),
                hits: vec![hit],
            });
        }
    }
    groups
}

/// When `text` says: RFC 3339, a date (`2026-12-06`), or a time ago (`90m`, `24h`, `7d`).
pub fn parse_time(
    parameter: &'static str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, SearchError> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let amount: i64 = number.parse().map_err(|_| {
        SearchError::parameter(
            parameter,
            format!("{text:?} is not a time (2026-12-06T08:00:00Z, 2026-12-06, 90m, 24h or 7d)"),
        )
    })?;
    let span = match unit {
        "m" => chrono::Duration::try_minutes(amount),
        "h" => chrono::Duration::try_hours(amount),
        "d" => chrono::Duration::try_days(amount),
        _ => None,
    }
    .ok_or_else(|| SearchError::parameter(parameter, format!("{text:?}: use m, h or d")))?;
    now.checked_sub_signed(span)
        .ok_or_else(|| SearchError::parameter(parameter, format!("{text:?} is too far back")))
}
