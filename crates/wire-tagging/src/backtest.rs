//! Backtesting a topic definition on past articles before it goes live: which articles it
//! tags, with evidence, and against its previous version what it gains and loses.

use std::fmt;

use crate::catalog::{StoryTopic, TopicCatalog};
use crate::places::tag_places;
use crate::story_topics::{CompiledCatalog, TopicMatch};
use crate::{Gazetteer, TagInput, TaggingError};

/// One past article, owned (read from a JSONL line by the caller).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BacktestArticle {
    /// The article's uri or any id the caller prints.
    pub id: String,
    pub headline: String,
    pub body: String,
    pub dateline: Option<String>,
}

impl BacktestArticle {
    /// Reads one JSONL line: a wirefeed envelope (`{"article": {...}}`), a ninjs article, or
    /// `{"id", "headline", "body", "dateline"}`.
    pub fn from_json_line(line: &str) -> Result<Self, TaggingError> {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| TaggingError::Invalid {
                file: None,
                key: "line".into(),
                message: e.to_string(),
            })?;
        let value = value.get("article").cloned().unwrap_or(value);
        if value.get("headlines").is_some() || value.get("bodies").is_some() {
            let article: wire_model::Article =
                serde_json::from_value(value).map_err(|e| TaggingError::Invalid {
                    file: None,
                    key: "article".into(),
                    message: e.to_string(),
                })?;
            return Ok(Self {
                id: article.uri.clone(),
                headline: article.headline().unwrap_or_default().to_owned(),
                body: crate::tagger::body_of(&article).to_owned(),
                dateline: None,
            });
        }
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        Ok(Self {
            id: text("id").or_else(|| text("uri")).unwrap_or_default(),
            headline: text("headline").unwrap_or_default(),
            body: text("body").or_else(|| text("text")).unwrap_or_default(),
            dateline: text("dateline"),
        })
    }

    fn input(&self) -> TagInput<'_> {
        TagInput {
            headline: &self.headline,
            body: &self.body,
            dateline: self.dateline.as_deref(),
            located: None,
            language: None,
        }
    }
}

/// What a backtest found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BacktestReport {
    pub topic_id: String,
    pub articles: usize,
    /// Articles the new version tags.
    pub hits: usize,
    /// Up to [`SAMPLE_SIZE`] tagged articles with their evidence: (article id, match).
    pub samples: Vec<(String, TopicMatch)>,
    /// With an old version: articles only the new one tags, and only the old one tags.
    pub gained: Option<Vec<String>>,
    pub lost: Option<Vec<String>>,
    /// Articles the old version tags (with an old version).
    pub old_hits: Option<usize>,
}

/// How many sample matches a report keeps.
pub const SAMPLE_SIZE: usize = 10;

/// Runs `new` (and `old`, if given) over the articles. Place constraints use the gazetteer.
pub fn backtest(
    gazetteer: &Gazetteer,
    old: Option<&StoryTopic>,
    new: &StoryTopic,
    articles: &[BacktestArticle],
) -> Result<BacktestReport, TaggingError> {
    let compile = |topic: &StoryTopic| -> Result<CompiledCatalog, TaggingError> {
        CompiledCatalog::new(&TopicCatalog::from_topics(vec![topic.clone()])?)
    };
    let new_catalog = compile(new)?;
    let old_catalog = old.map(compile).transpose()?;
    let mut report = BacktestReport {
        topic_id: new.id.clone(),
        articles: articles.len(),
        ..BacktestReport::default()
    };
    let (mut gained, mut lost, mut old_hits) = (Vec::new(), Vec::new(), 0);
    for article in articles {
        let input = article.input();
        let places = tag_places(gazetteer, &input);
        let new_match = new_catalog.tag(&input, &places).into_iter().next();
        let old_matched = old_catalog
            .as_ref()
            .is_some_and(|c| !c.tag(&input, &places).is_empty());
        old_hits += usize::from(old_matched);
        match (&new_match, old_matched) {
            (Some(_), false) => gained.push(article.id.clone()),
            (None, true) => lost.push(article.id.clone()),
            _ => {}
        }
        if let Some(found) = new_match {
            report.hits += 1;
            if report.samples.len() < SAMPLE_SIZE {
                report.samples.push((article.id.clone(), found));
            }
        }
    }
    if old.is_some() {
        report.gained = Some(gained);
        report.lost = Some(lost);
        report.old_hits = Some(old_hits);
    }
    Ok(report)
}

impl fmt::Display for BacktestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "topic {}: {} of {} articles tagged",
            self.topic_id, self.hits, self.articles
        )?;
        if let Some(old_hits) = self.old_hits {
            writeln!(f, "previous version: {old_hits} articles tagged")?;
        }
        for (id, found) in &self.samples {
            let terms: Vec<String> = found
                .evidence
                .matches
                .iter()
                .map(|m| format!("{:?} ({} {}..{})", m.term, m.field, m.start, m.end))
                .collect();
            writeln!(
                f,
                "  {id}  score {:.1}/{:.1}: {}",
                found.score,
                found.threshold,
                terms.join(", ")
            )?;
        }
        let list = |ids: &[String]| {
            let shown: Vec<&str> = ids.iter().take(20).map(String::as_str).collect();
            let more = ids.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" (+{more} more)")
            } else {
                String::new()
            };
            format!("{}{tail}", shown.join(", "))
        };
        if let Some(gained) = &self.gained {
            writeln!(f, "gained {}: {}", gained.len(), list(gained))?;
        }
        if let Some(lost) = &self.lost {
            writeln!(f, "lost {}: {}", lost.len(), list(lost))?;
        }
        Ok(())
    }
}
