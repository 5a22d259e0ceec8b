//! `wirefeed-eval stories`: event clusters (`wire.story`) measured on ECB+, where every
//! article is labelled with the real-world event it reports and each topic holds two similar
//! but different events (two earthquakes, two celebrity rehab stays).
//!
//! The articles of one half of the topics are enriched in a seeded random order, all within
//! the story window, and the predicted `wire.story` is compared with the gold event: B-cubed
//! precision, recall and F1, beside the baseline of one cluster per article. The odd topics are
//! for tuning; the even topics are held out for the reported figure.
//!
//! [`Timestamps`] says how the articles are dated: live (written the moment they are enriched)
//! or from an archive (written `shift` earlier, fetched and enriched now, as a replay of last
//! year's copy would be). The same copy should make the same stories either way.

use crate::clusters::{Scores, b_cubed};
use chrono::{DateTime, Duration, Utc};
use wire_datasets::ecbplus::Document;
use wire_model::{Article, Body, Envelope, Headline, SourceId, WireMeta};
use wirefeed_enricher::{EnricherConfig, EnricherStage};

/// Which topics of ECB+ to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Half {
    /// Odd topics: the tuning half.
    Odd,
    /// Even topics: the held-out half.
    Even,
    All,
}

impl Half {
    fn keeps(self, topic: u32) -> bool {
        match self {
            Half::Odd => !topic.is_multiple_of(2),
            Half::Even => topic.is_multiple_of(2),
            Half::All => true,
        }
    }
}

/// How the articles are dated against the enricher's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamps {
    /// `firstCreated` and `versionCreated` are the moment the article is fetched and enriched.
    Live,
    /// `firstCreated` and `versionCreated` are `shift` before it; `fetched_at` and the
    /// enricher's clock are still the moment of the replay.
    Archive { shift: Duration },
}

impl std::fmt::Display for Timestamps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Timestamps::Live => write!(f, "live timestamps"),
            Timestamps::Archive { shift } => {
                write!(f, "archive timestamps ({} days back)", shift.num_days())
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoriesReport {
    pub half: Half,
    pub timestamps: Timestamps,
    pub articles: usize,
    pub events: usize,
    pub predicted_clusters: usize,
    pub scores: Scores,
    pub singletons: Scores,
    /// The predicted stories holding write-ups of more than one event: each event's articles
    /// in it (`13ecb×22 + 13ecbplus×1`), the largest first.
    pub mixed: Vec<String>,
    /// The events told in more than one predicted story: the sizes of its pieces
    /// (`13ecb: 12 + 3 + 1`), the most scattered first.
    pub split: Vec<String>,
}

/// Runs the evaluation on `half` of `documents`, through the enricher as the product runs it
/// (tagging on: places are story anchors).
pub fn evaluate(
    documents: &[Document],
    half: Half,
    seed: u64,
    timestamps: Timestamps,
    config: &EnricherConfig,
) -> anyhow::Result<StoriesReport> {
    let mut chosen: Vec<&Document> = documents.iter().filter(|d| half.keeps(d.topic)).collect();
    fastrand::Rng::with_seed(seed).shuffle(&mut chosen);
    let start = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
    let mut stage = EnricherStage::with_tagging(config)?;
    let mut labelled: Vec<(String, &str)> = Vec::new();
    let progress = wire_corpus::progress(chosen.len(), "enriching");
    for (index, document) in chosen.iter().enumerate() {
        progress.inc(1);
        let time = start + Duration::minutes(index as i64);
        let written = match timestamps {
            Timestamps::Live => time,
            Timestamps::Archive { shift } => time - shift,
        };
        let uri = format!("urn:ecbplus:{}", document.doc);
        let mut lines = document.text.lines();
        let headline = lines.next().unwrap_or_default().to_owned();
        let article = Article {
            uri: uri.clone(),
            first_created: Some(written),
            version_created: Some(written),
            headlines: vec![Headline::new(headline)],
            // English, as the normalizer detects it.
            language: Some("en".to_owned()),
            bodies: vec![Body::plain_text(lines.collect::<Vec<_>>().join("\n\n"))],
            ..Article::default()
        };
        let wire = WireMeta {
            source: SourceId::from(format!("ecbplus-{index}").as_str()),
            item_identity: uri.clone(),
            fetched_at: time,
            ..WireMeta::default()
        };
        let story = stage
            .enrich(Envelope::new(article, wire), time)
            .and_then(|e| e.wire.story)
            .unwrap_or(uri);
        labelled.push((story, document.story.as_str()));
    }
    progress.finish_and_clear();
    // A consumer applies the merge records: a story merged into another is that one now.
    for (story, _) in &mut labelled {
        *story = stage.current_story(story).to_owned();
    }
    let singletons: Vec<(usize, &str)> = labelled
        .iter()
        .enumerate()
        .map(|(i, (_, gold))| (i, *gold))
        .collect();
    Ok(StoriesReport {
        half,
        timestamps,
        articles: labelled.len(),
        events: labelled
            .iter()
            .map(|(_, g)| *g)
            .collect::<std::collections::HashSet<_>>()
            .len(),
        predicted_clusters: labelled
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len(),
        scores: b_cubed(&labelled),
        singletons: b_cubed(&singletons),
        mixed: mixed_stories(&labelled),
        split: split_events(&labelled),
    })
}

/// [`StoriesReport::mixed`] of (predicted, gold) labels.
fn mixed_stories(labelled: &[(String, &str)]) -> Vec<String> {
    let mut by_story: std::collections::BTreeMap<&str, std::collections::BTreeMap<&str, usize>> =
        std::collections::BTreeMap::new();
    for (predicted, gold) in labelled {
        *by_story
            .entry(predicted.as_str())
            .or_default()
            .entry(gold)
            .or_default() += 1;
    }
    let mut mixed: Vec<(usize, String)> = by_story
        .values()
        .filter(|events| events.len() > 1)
        .map(|events| {
            let mut counts: Vec<(&str, usize)> = events.iter().map(|(e, n)| (*e, *n)).collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let total = counts.iter().map(|(_, n)| n).sum();
            let text: Vec<String> = counts.iter().map(|(e, n)| format!("{e}×{n}")).collect();
            (total, text.join(" + "))
        })
        .collect();
    mixed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    mixed.into_iter().map(|(_, text)| text).collect()
}

/// [`StoriesReport::split`] of (predicted, gold) labels.
fn split_events(labelled: &[(String, &str)]) -> Vec<String> {
    let mut by_event: std::collections::BTreeMap<&str, std::collections::BTreeMap<&str, usize>> =
        std::collections::BTreeMap::new();
    for (predicted, gold) in labelled {
        *by_event
            .entry(gold)
            .or_default()
            .entry(predicted.as_str())
            .or_default() += 1;
    }
    let mut split: Vec<(usize, String)> = by_event
        .into_iter()
        .filter(|(_, stories)| stories.len() > 1)
        .map(|(event, stories)| {
            let mut sizes: Vec<usize> = stories.into_values().collect();
            sizes.sort_unstable_by(|a, b| b.cmp(a));
            let text: Vec<String> = sizes.iter().map(usize::to_string).collect();
            (sizes.len(), format!("{event}: {}", text.join(" + ")))
        })
        .collect();
    split.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    split.into_iter().map(|(_, text)| text).collect()
}

impl std::fmt::Display for StoriesReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "ECB+ {:?} topics, {}: {} articles about {} events, {} predicted stories",
            self.half, self.timestamps, self.articles, self.events, self.predicted_clusters
        )?;
        writeln!(f, "  B-cubed wire.story    {}", self.scores)?;
        writeln!(
            f,
            "  B-cubed baseline      {}  (one story per article)",
            self.singletons
        )?;
        for mixed in &self.mixed {
            writeln!(f, "  one story, several events: {mixed}")?;
        }
        for split in &self.split {
            writeln!(f, "  one event, several stories: {split}")?;
        }
        Ok(())
    }
}
