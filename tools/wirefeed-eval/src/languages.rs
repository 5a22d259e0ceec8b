//! `wirefeed-eval languages`: issue 18's per-language figures on the labelled wire items of
//! `labels/languages/<split>/<lang>.jsonl` (one [`LabelledItem`] a line).
//!
//! Every item goes the product's way: a ninjs item (headline and plain-text body, no
//! `language`) through the normalizer's pure core ([`wirefeed_normalizer::normalize`], as
//! `wirefeed parse` does), so its dateline, credit and language detection are part of what is
//! measured, then through the enricher's tagger ([`Tagger::tag`] with the envelope's printed
//! dateline, as the enricher's tagging does). Per language ([`LanguageReport`]):
//!
//! - places: the countries tagged about or as the dateline's against `countries`; a country
//!   of `mentioned` tagged about is ignored (neither true nor false positive);
//! - story topics: the Syria peace process (items about it, found, tagged without being about
//!   it) and every catalogue topic (micro precision and recall);
//! - Media Topics: the top-level topics tagged (a second-level topic counts as its top-level
//!   parent) against `media_topics`;
//! - duplicates: generated outlet republications through the enricher's duplicate index
//!   ([`crate::languages_dedup`]);
//! - throughput: articles per CPU-second of normalize + tag on one thread.
//!
//! The scores are in [`crate::languages_scores`], the report's table in
//! [`crate::languages_report`]; real dpa items with their
//! `geosubject` countries are scored by [`crate::languages_dpa`].

use crate::languages_dedup::{self, DedupFigures};
use crate::languages_scores::time_pipeline;
pub use crate::languages_scores::{Counts, Throughput, TopicFound};
use anyhow::Context as _;
use chrono::{DateTime, Duration, TimeZone as _, Utc};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;
use wire_model::{Envelope, OriginInfo, RawFormat, RawItem, SourceId};
use wire_tagging::{PlaceRole, Tagger, Tags};
use wirefeed_enricher::EnricherConfig;
use wirefeed_normalizer::{NormalizeError, NormalizerConfig};

/// The languages of the labelled set, in report order (English first, for comparison).
pub const LANGUAGES: &[&str] = &["en", "de", "fr", "es", "it", "pt", "nl", "ar"];

/// The story topic issue 18 measures on its own.
pub const SYRIA_PEACE_PROCESS: &str = "syria-peace-process";

const MEDIA_TOPIC_PREFIX: &str = "http://cv.iptc.org/newscodes/mediatopic/";

/// One labelled wire item (see the set's format note: `countries` about or datelined,
/// `mentioned` in passing only, catalogue `story_topics`, top-level `media_topics`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct LabelledItem {
    pub id: String,
    pub language: String,
    /// The agency whose style the item is written in (`AFP`, `dpa`, ...).
    #[serde(default)]
    pub style: String,
    pub headline: String,
    pub body: String,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub mentioned: Vec<String>,
    #[serde(default)]
    pub story_topics: Vec<String>,
    #[serde(default)]
    pub media_topics: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Reads JSON lines of [`LabelledItem`]s; blank lines are skipped, a bad line is an error
/// naming its number.
pub fn parse_labels(jsonl: &str) -> anyhow::Result<Vec<LabelledItem>> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).with_context(|| format!("line {}", index + 1))
        })
        .collect()
}

/// The labelled items of `split` under `labels`, by language: the [`LANGUAGES`] that have a
/// file first, then any other `<lang>.jsonl`, by name.
pub fn load_labels(labels: &Path, split: &str) -> anyhow::Result<Vec<(String, Vec<LabelledItem>)>> {
    let dir = labels.join(split);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("failed to read {}", dir.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".jsonl")
                .map(str::to_owned)
        })
        .collect();
    names.sort_by_key(|n| {
        (
            LANGUAGES.iter().position(|l| l == n).unwrap_or(usize::MAX),
            n.clone(),
        )
    });
    names
        .into_iter()
        .map(|language| {
            let path = dir.join(format!("{language}.jsonl"));
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            let items = parse_labels(&text)
                .with_context(|| format!("failed to read {}", path.display()))?;
            Ok((language, items))
        })
        .collect()
}

/// The normalizer's core and the enricher's tagger, as the product runs them.
pub struct Pipeline {
    pub normalizer: NormalizerConfig,
    pub tagger: Tagger,
}

/// A fixed clock for the labelled items (the stories are dated December 2026).
pub fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

impl Pipeline {
    /// The raw item a provider sends for a story: a ninjs item with `uri`, `headline`,
    /// `body_text` and `versioncreated`, and no `language` (the normalizer detects it).
    pub fn raw_item(
        source: &str,
        uri: &str,
        headline: &str,
        body: &str,
        time: DateTime<Utc>,
    ) -> RawItem {
        let ninjs = serde_json::json!({
            "uri": uri,
            "headline": headline,
            "body_text": body,
            "versioncreated": time.to_rfc3339(),
        });
        RawItem::new(
            SourceId::from(source),
            uri.to_owned(),
            RawFormat::Ninjs,
            Some("application/json".to_owned()),
            ninjs.to_string().as_bytes(),
            time,
            OriginInfo::Dir {
                path: format!("{uri}.json"),
            },
        )
    }

    pub fn normalize(&self, raw: &RawItem) -> Result<Envelope, NormalizeError> {
        wirefeed_normalizer::normalize(raw, &self.normalizer, raw.fetched_at)
    }

    /// Tags the article as the enricher does: with the printed dateline the normalizer kept.
    pub fn tag(&self, envelope: &Envelope) -> Tags {
        self.tagger
            .tag(&envelope.article, envelope.wire.dateline.as_deref())
    }

    /// The top-level Media Topic of `code` (itself at level 1, else its ancestor).
    pub fn top_level_media_topic(&self, code: &str) -> Option<String> {
        let mut topic = self.tagger.media_topics().get(code)?;
        for _ in 0..4 {
            if topic.level <= 1 {
                return Some(topic.code.clone());
            }
            topic = self.tagger.media_topics().get(topic.parent.as_deref()?)?;
        }
        None
    }
}

/// The countries tagged about the story or as the dateline's (ISO 3166-1 alpha-2).
pub fn about_and_dateline_countries(tags: &Tags) -> BTreeSet<String> {
    tags.countries
        .iter()
        .filter(|c| c.dateline || matches!(c.role, PlaceRole::About | PlaceRole::Dateline))
        .map(|c| c.code.clone())
        .collect()
}

/// The operator story topic ids tagged.
pub fn story_topics(tags: &Tags) -> BTreeSet<String> {
    tags.story_topic_ids()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The top-level Media Topic codes tagged.
pub fn top_level_media_topics(pipeline: &Pipeline, tags: &Tags) -> BTreeSet<String> {
    tags.subjects
        .iter()
        .filter_map(|s| s.uri.as_deref()?.strip_prefix(MEDIA_TOPIC_PREFIX))
        .filter_map(|code| pipeline.top_level_media_topic(code))
        .collect()
}

/// The figures of one language (or of all together).
#[derive(Debug, Clone, Default)]
pub struct LanguageReport {
    pub language: String,
    pub items: usize,
    /// Items the normalizer rejected (not scored).
    pub rejected: usize,
    /// Items whose detected language is the labelled one.
    pub language_right: usize,
    /// Items the normalizer left without a language (`language_unsure`).
    pub language_unsure: usize,
    pub places: Counts,
    /// Countries tagged about or dateline that are only `mentioned` in the labels (ignored).
    pub places_ignored: usize,
    pub syria: TopicFound,
    pub story_topics: Counts,
    pub media_topics: Counts,
    pub dedup: Option<DedupFigures>,
    pub throughput: Option<Throughput>,
    /// With details on: one line per item that has a miss or a false positive.
    pub details: Vec<String>,
}

impl LanguageReport {
    /// Adds another language's figures (for the all-languages row).
    pub fn merge(&mut self, other: &LanguageReport) {
        self.items += other.items;
        self.rejected += other.rejected;
        self.language_right += other.language_right;
        self.language_unsure += other.language_unsure;
        self.places.merge(other.places);
        self.places_ignored += other.places_ignored;
        self.syria.about += other.syria.about;
        self.syria.tagged_about += other.syria.tagged_about;
        self.syria.tagged_not_about += other.syria.tagged_not_about;
        self.story_topics.merge(other.story_topics);
        self.media_topics.merge(other.media_topics);
        if let Some(dedup) = &other.dedup {
            self.dedup
                .get_or_insert_with(DedupFigures::default)
                .merge(dedup);
        }
        if let Some(t) = other.throughput {
            let sum = self.throughput.get_or_insert(Throughput {
                cpu: t.cpu,
                ..Throughput::default()
            });
            sum.articles += t.articles;
            sum.seconds += t.seconds;
            sum.cpu &= t.cpu;
        }
    }
}

/// What to measure besides places and topics.
#[derive(Debug, Clone)]
pub struct Options {
    /// Per-item lines for misses and false positives.
    pub details: bool,
    /// Run the duplicate evaluation with this enricher configuration and generator seed.
    pub dedup: Option<(EnricherConfig, u64)>,
    /// Time normalize + tag over the items, in passes, until at least this many seconds were
    /// spent (one pass at least); `None`: no timing.
    pub min_timing_seconds: Option<f64>,
}

fn set(values: &[String]) -> BTreeSet<String> {
    values.iter().map(|v| v.trim().to_owned()).collect()
}

fn list(values: &BTreeSet<String>) -> String {
    values.iter().cloned().collect::<Vec<_>>().join(",")
}

/// The uri of a labelled item, and its agency source (from its style, else `agency`).
fn identity(item: &LabelledItem) -> (String, String) {
    let source = if item.style.trim().is_empty() {
        "agency".to_owned()
    } else {
        item.style.trim().to_lowercase()
    };
    (format!("urn:wirefeed-eval:languages:{}", item.id), source)
}

/// The raw item of the `index`th labelled item (ten minutes after the previous one).
pub fn raw_of(item: &LabelledItem, index: usize) -> RawItem {
    let (uri, source) = identity(item);
    let time = base_time() + Duration::minutes(10 * index as i64);
    Pipeline::raw_item(&source, &uri, &item.headline, &item.body, time)
}

/// Scores one language's items.
pub fn evaluate_language(
    pipeline: &Pipeline,
    language: &str,
    items: &[LabelledItem],
    options: &Options,
) -> LanguageReport {
    let mut report = LanguageReport {
        language: language.to_owned(),
        items: items.len(),
        ..LanguageReport::default()
    };
    let raws: Vec<RawItem> = items
        .iter()
        .enumerate()
        .map(|(i, item)| raw_of(item, i))
        .collect();
    let mut articles = Vec::new();
    for (item, raw) in items.iter().zip(&raws) {
        let envelope = match pipeline.normalize(raw) {
            Ok(envelope) => envelope,
            Err(error) => {
                report.rejected += 1;
                report
                    .details
                    .push(format!("{}: rejected by the normalizer: {error}", item.id));
                continue;
            }
        };
        score_item(pipeline, item, &envelope, &mut report);
        articles.push((item, envelope));
    }
    if !options.details {
        report.details.clear();
    }
    if let Some((config, seed)) = &options.dedup {
        let mut dedup = languages_dedup::evaluate(pipeline, language, items, config.clone(), *seed);
        if !options.details {
            dedup.wrong.clear();
        }
        report.dedup = Some(dedup);
    }
    if let Some(min_seconds) = options.min_timing_seconds {
        report.throughput = Some(time_pipeline(pipeline, &raws, min_seconds));
    }
    report
}

fn score_item(
    pipeline: &Pipeline,
    item: &LabelledItem,
    envelope: &Envelope,
    report: &mut LanguageReport,
) {
    let detected = envelope.article.language.as_deref().unwrap_or_default();
    let detected_base = detected.split('-').next().unwrap_or_default();
    if detected_base.eq_ignore_ascii_case(&item.language) {
        report.language_right += 1;
    }
    if envelope.wire.flags.iter().any(|f| f == "language_unsure") {
        report.language_unsure += 1;
    }
    let tags = pipeline.tag(envelope);
    let mut problems = Vec::new();
    if !detected_base.eq_ignore_ascii_case(&item.language) {
        problems.push(format!(
            "language {:?} (labelled {})",
            detected, item.language
        ));
    }

    let gold = set(&item.countries);
    let mentioned: BTreeSet<String> = set(&item.mentioned).difference(&gold).cloned().collect();
    let predicted = about_and_dateline_countries(&tags);
    report.places_ignored += predicted.intersection(&mentioned).count();
    let (false_positives, missed) = report.places.add(&predicted, &gold, &mentioned);
    if !false_positives.is_empty() || !missed.is_empty() {
        problems.push(format!(
            "places expected [{}] found [{}] (located {:?}, credit {:?})",
            list(&gold),
            list(&predicted),
            envelope.article.located.as_deref().unwrap_or_default(),
            envelope.wire.credit.as_deref().unwrap_or_default()
        ));
    }

    let gold_topics = set(&item.story_topics);
    let topics = story_topics(&tags);
    let about = gold_topics.contains(SYRIA_PEACE_PROCESS);
    let tagged = topics.contains(SYRIA_PEACE_PROCESS);
    report.syria.about += about as usize;
    report.syria.tagged_about += (about && tagged) as usize;
    report.syria.tagged_not_about += (!about && tagged) as usize;
    let (false_positives, missed) =
        report
            .story_topics
            .add(&topics, &gold_topics, &BTreeSet::new());
    if !false_positives.is_empty() || !missed.is_empty() {
        let scores: Vec<String> = pipeline
            .tagger
            .explain_story_topics(&envelope.article, envelope.wire.dateline.as_deref())
            .into_iter()
            .filter(|(found, _)| gold_topics.contains(&found.id) || topics.contains(&found.id))
            .map(|(found, passed)| {
                let terms: Vec<&str> = found
                    .evidence
                    .matches
                    .iter()
                    .map(|m| m.term.as_str())
                    .collect();
                format!(
                    "{} {:.1}/{:.1}{} [{}]",
                    found.id,
                    found.score,
                    found.threshold,
                    if passed { "" } else { " not passed" },
                    terms.join(", ")
                )
            })
            .collect();
        problems.push(format!(
            "story topics expected [{}] found [{}] ({})",
            list(&gold_topics),
            list(&topics),
            scores.join("; ")
        ));
    }

    let gold_media = set(&item.media_topics);
    let media = top_level_media_topics(pipeline, &tags);
    let (false_positives, missed) = report
        .media_topics
        .add(&media, &gold_media, &BTreeSet::new());
    if !false_positives.is_empty() || !missed.is_empty() {
        problems.push(format!(
            "media topics expected [{}] found [{}]",
            list(&gold_media),
            list(&media)
        ));
    }
    if !problems.is_empty() {
        report.details.push(format!(
            "{} {:?}: {}",
            item.id,
            item.headline,
            problems.join("; ")
        ));
    }
}
