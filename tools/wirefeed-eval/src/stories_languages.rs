//! `wirefeed-eval stories --multilingual FILE`: event clusters across languages. Each event of
//! the set is written up separately in several languages (not translated), and events come in
//! pairs of the same kind (two earthquakes, two coaches sacked) that must stay apart. Every
//! write-up goes through the real normalizer (its language detected, its dateline read) and
//! the enricher, in order of publication; the predicted `wire.story` is scored against the
//! gold event with B-cubed precision, recall and F1, beside the baseline of one story per
//! write-up and the same score within each language alone.
//!
//! The set is JSON lines: `{"id", "event", "pair", "language", "style", "published",
//! "headline", "body"}` (`published` in RFC 3339, `body` paragraphs one blank line apart).

use crate::clusters::{Scores, b_cubed};
use crate::languages::Pipeline;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use wirefeed_enricher::{EnricherConfig, EnricherStage};

/// One write-up of an event.
#[derive(Debug, Clone, Deserialize)]
pub struct WriteUp {
    pub id: String,
    pub event: String,
    pub pair: String,
    pub language: String,
    pub style: String,
    pub published: DateTime<Utc>,
    pub headline: String,
    pub body: String,
}

/// Reads the set, one write-up a line.
pub fn parse(jsonl: &str) -> anyhow::Result<Vec<WriteUp>> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .map_err(|e| anyhow::anyhow!("line {}: not a write-up: {e}", n + 1))
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct MultilingualReport {
    pub write_ups: usize,
    pub events: usize,
    pub languages: usize,
    pub predicted_stories: usize,
    pub scores: Scores,
    pub singletons: Scores,
    /// B-cubed within each language alone (its write-ups only), by language.
    pub within_language: BTreeMap<String, Scores>,
    /// Each event's write-ups by predicted story: `e01: en,de,fr | es | ...`.
    pub by_event: Vec<String>,
    /// Write-ups the normalizer refused, with why.
    pub refused: Vec<String>,
}

/// Runs the set through the normalizer and the enricher (tagging on) in order of publication.
pub fn evaluate(
    write_ups: &[WriteUp],
    pipeline: &Pipeline,
    config: &EnricherConfig,
) -> anyhow::Result<MultilingualReport> {
    let mut ordered: Vec<&WriteUp> = write_ups.iter().collect();
    ordered.sort_by(|a, b| a.published.cmp(&b.published).then(a.id.cmp(&b.id)));
    let mut stage = EnricherStage::with_tagging(config)?;
    let mut labelled: Vec<(String, &WriteUp)> = Vec::new();
    let mut refused = Vec::new();
    for write_up in ordered {
        let uri = format!("urn:wirefeed-eval:stories:{}", write_up.id);
        let source = format!("{}-{}", write_up.style.to_lowercase(), write_up.language);
        let raw = Pipeline::raw_item(
            &source,
            &uri,
            &write_up.headline,
            &write_up.body,
            write_up.published,
        );
        let envelope = match pipeline.normalize(&raw) {
            Ok(envelope) => envelope,
            Err(error) => {
                refused.push(format!("{}: {error}", write_up.id));
                continue;
            }
        };
        let story = stage
            .enrich(envelope, write_up.published)
            .and_then(|e| e.wire.story)
            .unwrap_or_else(|| format!("none:{uri}"));
        labelled.push((story, write_up));
    }
    // A consumer applies the merge records: a story merged into another is that one now.
    for (story, _) in &mut labelled {
        *story = stage.current_story(story).to_owned();
    }
    let pairs: Vec<(&str, &str)> = labelled
        .iter()
        .map(|(story, w)| (story.as_str(), w.event.as_str()))
        .collect();
    let singletons: Vec<(&str, &str)> = labelled
        .iter()
        .map(|(_, w)| (w.id.as_str(), w.event.as_str()))
        .collect();
    let languages: BTreeSet<&str> = labelled.iter().map(|(_, w)| w.language.as_str()).collect();
    let within_language = languages
        .iter()
        .map(|language| {
            let own: Vec<(&str, &str)> = labelled
                .iter()
                .filter(|(_, w)| w.language == *language)
                .map(|(story, w)| (story.as_str(), w.event.as_str()))
                .collect();
            ((*language).to_owned(), b_cubed(&own))
        })
        .collect();
    Ok(MultilingualReport {
        write_ups: labelled.len(),
        events: labelled
            .iter()
            .map(|(_, w)| w.event.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        languages: languages.len(),
        predicted_stories: labelled
            .iter()
            .map(|(story, _)| story.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        scores: b_cubed(&pairs),
        singletons: b_cubed(&singletons),
        within_language,
        by_event: by_event(&labelled),
        refused,
    })
}

/// Each event's write-ups grouped by predicted story, the largest group first, with the
/// other events sharing a group named.
fn by_event(labelled: &[(String, &WriteUp)]) -> Vec<String> {
    let mut events: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    let mut story_events: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (story, write_up) in labelled {
        events
            .entry(write_up.event.as_str())
            .or_default()
            .entry(story.as_str())
            .or_default()
            .push(write_up.language.as_str());
        story_events
            .entry(story.as_str())
            .or_default()
            .insert(write_up.event.as_str());
    }
    events
        .into_iter()
        .map(|(event, stories)| {
            let mut groups: Vec<(&str, Vec<&str>)> = stories.into_iter().collect();
            groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
            let text: Vec<String> = groups
                .iter()
                .map(|(story, languages)| {
                    let others: Vec<&str> = story_events[story]
                        .iter()
                        .filter(|e| **e != event)
                        .copied()
                        .collect();
                    if others.is_empty() {
                        languages.join(",")
                    } else {
                        format!("{} (with {})", languages.join(","), others.join(","))
                    }
                })
                .collect();
            format!("{event}: {}", text.join(" | "))
        })
        .collect()
}

impl std::fmt::Display for MultilingualReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Multilingual events: {} write-ups of {} events in {} languages, {} predicted stories",
            self.write_ups, self.events, self.languages, self.predicted_stories
        )?;
        writeln!(f, "  B-cubed wire.story    {}", self.scores)?;
        writeln!(
            f,
            "  B-cubed baseline      {}  (one story per write-up)",
            self.singletons
        )?;
        for (language, scores) in &self.within_language {
            writeln!(f, "  within {language} alone     {scores}")?;
        }
        for line in &self.by_event {
            writeln!(f, "  {line}")?;
        }
        for line in &self.refused {
            writeln!(f, "  refused by the normalizer: {line}")?;
        }
        Ok(())
    }
}
