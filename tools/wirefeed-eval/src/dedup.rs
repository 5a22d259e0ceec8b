//! `wirefeed-eval dedup`: duplicate, version and family decisions of the enricher measured on
//! Reuters-21578 with generated republications (see [`wire_corpus::republish`]).
//!
//! The labelled set: every story of the chosen split with a body is an original from the
//! agency source `reuters`; stories whose headline and body are word-for-word the same are
//! one gold family (Reuters-21578 holds real re-sends); stories of at least
//! [`MIN_WORDS_FOR_COPIES`] words get zero to three outlet pickups and, one in ten, an agency
//! update, each in its original's gold family. All items are enriched in time order and the
//! predicted `wire.family` is compared with the gold family: pairwise precision, recall and F1,
//! recall per kind of copy, and the templated-story false-positive rate: the share of
//! *templated pairs* (two different stories whose texts, with every number masked, share at
//! least [`TEMPLATED_CONTAINMENT`] of their word shingles) that were put in one family.

use crate::clusters::{PairCounts, Scores, pair_counts};
use crate::reference;
use chrono::{DateTime, TimeZone as _, Utc};
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use wire_corpus::republish::{self, AGENCY, CopyKind};
use wire_datasets::reuters::{Document, Split};
use wire_model::{Article, Body, Envelope, Headline, SourceId, WireMeta};
use wirefeed_enricher::{EnricherConfig, EnricherStage, features, minhash};

/// Masked-shingle containment from which two different stories count as templated.
pub const TEMPLATED_CONTAINMENT: f64 = 0.5;

/// What kind of item of the labelled set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ItemKind {
    Original,
    RealResend,
    /// A real story related to an earlier one (see [`crate::reference`]): not scored.
    Unlabelled,
    Copy(CopyKind),
}

struct Item {
    kind: ItemKind,
    gold: u32,
    time: DateTime<Utc>,
    envelope: Envelope,
    edits: Vec<&'static str>,
}

/// The figures of one run.
#[derive(Debug, Clone)]
pub struct DedupReport {
    pub split: Split,
    pub seed: u64,
    pub stories: usize,
    pub real_resends: usize,
    /// Real stories set aside as related to an earlier one (not scored).
    pub unlabelled: usize,
    pub pickups: usize,
    pub agency_updates: usize,
    pub items: usize,
    pub pairs: PairCounts,
    pub scores: Scores,
    /// Copies (and real re-sends) in their original's predicted family, by kind.
    pub recall_by_kind: Vec<(&'static str, usize, usize)>,
    pub templated_pairs: usize,
    pub templated_false_positives: usize,
    pub seconds: f64,
    pub text_bytes: usize,
    pub indexed: usize,
    /// Pickups with each edit in their original's family: (edit, linked, total).
    pub recall_by_edit: Vec<(&'static str, usize, usize)>,
    /// Wrongly merged pairs where both items are real Reuters-21578 stories (not generated).
    pub real_pairs_merged: u64,
    /// A few wrong decisions, for tuning.
    pub missed: Vec<String>,
    pub merged: Vec<String>,
}

impl DedupReport {
    pub fn templated_fp_rate(&self) -> f64 {
        if self.templated_pairs == 0 {
            0.0
        } else {
            self.templated_false_positives as f64 / self.templated_pairs as f64
        }
    }
}

fn words_of(document: &Document) -> Vec<String> {
    let mut words = features::words(&document.title);
    words.extend(features::words(&document.body));
    words
}

fn time_of(document: &Document) -> DateTime<Utc> {
    document
        .date
        .map(|date| Utc.from_utc_datetime(&date))
        .unwrap_or_default()
}

fn envelope(
    uri: String,
    source: &str,
    headline: &str,
    body: &str,
    time: DateTime<Utc>,
) -> Envelope {
    let article = Article {
        uri: uri.clone(),
        first_created: Some(time),
        version_created: Some(time),
        headlines: vec![Headline::new(headline.to_owned())],
        bodies: vec![Body::plain_text(body.to_owned())],
        ..Article::default()
    };
    let wire = WireMeta {
        source: SourceId::from(source),
        item_identity: uri,
        fetched_at: time,
        ..WireMeta::default()
    };
    Envelope::new(article, wire)
}

/// Builds the labelled items of `documents` (already restricted to one split).
fn labelled_items(documents: &[&Document], seed: u64) -> (Vec<Item>, usize) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut first_with_text: HashMap<Vec<String>, u32> = HashMap::new();
    let mut items = Vec::new();
    let mut real_resends = 0;
    let mut unscored: HashSet<u32> = HashSet::new();
    let texts: Vec<String> = documents
        .iter()
        .map(|d| format!("{}\n{}", d.title, d.body))
        .collect();
    let related =
        reference::related_to_earlier(&texts.iter().map(String::as_str).collect::<Vec<_>>());
    for (document, related) in documents.iter().zip(related) {
        let gold = *first_with_text
            .entry(words_of(document))
            .or_insert(document.id);
        let kind = if gold != document.id {
            if unscored.contains(&gold) {
                ItemKind::Unlabelled
            } else {
                real_resends += 1;
                ItemKind::RealResend
            }
        } else if related {
            unscored.insert(gold);
            ItemKind::Unlabelled
        } else {
            ItemKind::Original
        };
        let time = time_of(document);
        items.push(Item {
            kind,
            gold,
            time,
            envelope: envelope(
                format!("urn:reuters21578:{}", document.id),
                AGENCY,
                &document.title,
                &document.body,
                time,
            ),
            edits: Vec::new(),
        });
        if kind != ItemKind::Original {
            continue;
        }
        let key = document.id.to_string();
        for placed in republish::republish_story(&mut rng, &key, document, documents, time) {
            items.push(Item {
                kind: ItemKind::Copy(placed.copy.kind),
                gold,
                time: placed.time,
                envelope: envelope(
                    placed.uri,
                    &placed.source,
                    &placed.copy.headline,
                    &placed.copy.body,
                    placed.time,
                ),
                edits: placed.copy.edits,
            });
        }
    }
    items.sort_by_key(|item| item.time);
    (items, real_resends)
}

/// Pairs of different gold families among `originals` that share a template once numbers are
/// masked: LSH candidates over masked shingles, verified on the exact shingle sets.
fn templated_pairs(originals: &[(u32, &str)]) -> Vec<(u32, u32)> {
    let masked: Vec<Vec<u64>> = originals
        .iter()
        .map(|(_, text)| {
            let words = features::Words::of(text);
            let masked = features::Words::from_read(words.iter().map(|w| {
                if w.chars().any(|c| c.is_ascii_digit()) {
                    "#"
                } else {
                    w
                }
            }));
            features::shingles(&masked)
        })
        .collect();
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    for (index, shingles) in masked.iter().enumerate() {
        if shingles.len() < 3 {
            continue;
        }
        for key in minhash::band_keys(&minhash::signature(shingles)) {
            buckets.entry(key).or_default().push(index);
        }
    }
    let mut candidates: HashSet<(usize, usize)> = HashSet::new();
    for members in buckets.values().filter(|m| m.len() > 1 && m.len() < 2000) {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                candidates.insert((*a.min(b), *a.max(b)));
            }
        }
    }
    let mut pairs: Vec<(u32, u32)> = candidates
        .into_iter()
        .filter(|(a, b)| originals[*a].0 != originals[*b].0)
        .filter(|(a, b)| {
            let (x, y) = (&masked[*a], &masked[*b]);
            let shared = x.iter().filter(|h| y.binary_search(h).is_ok()).count();
            shared as f64 >= TEMPLATED_CONTAINMENT * x.len().min(y.len()) as f64
        })
        .map(|(a, b)| (originals[a].0, originals[b].0))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Runs the evaluation on `split` of `documents`. Long because it is one pass that builds the
/// stream, enriches it and scores every decision kind over shared maps of the same run.
pub fn evaluate(
    documents: &[Document],
    split: Split,
    seed: u64,
    mut config: EnricherConfig,
) -> DedupReport {
    if !config.agency_sources.iter().any(|s| s == AGENCY) {
        config.agency_sources.push(AGENCY.to_owned());
    }
    let chosen: Vec<&Document> = documents
        .iter()
        .filter(|d| d.split == split && !d.body.trim().is_empty())
        .collect();
    let (items, real_resends) = labelled_items(&chosen, seed);
    let text_bytes = items
        .iter()
        .map(|i| i.envelope.article.body_text().map_or(0, str::len))
        .sum();

    let mut stage = EnricherStage::new(&config);
    let started = Instant::now();
    let progress = wire_corpus::progress(items.len(), "enriching");
    let predicted: Vec<String> = items
        .iter()
        .map(|item| {
            progress.inc(1);
            stage
                .enrich(item.envelope.clone(), item.time)
                .and_then(|e| e.wire.family.map(|f| f.as_str().to_owned()))
                .unwrap_or_else(|| format!("dropped:{}", item.envelope.article.uri))
        })
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    progress.finish_and_clear();

    let labelled: Vec<(&str, u32)> = predicted
        .iter()
        .zip(&items)
        .filter(|(_, item)| item.kind != ItemKind::Unlabelled)
        .map(|(p, item)| (p.as_str(), item.gold))
        .collect();
    let pairs = pair_counts(&labelled);

    let original_family: HashMap<u32, &str> = items
        .iter()
        .zip(&predicted)
        .filter(|(item, _)| item.kind == ItemKind::Original)
        .map(|(item, p)| (item.gold, p.as_str()))
        .collect();
    let mut by_kind: HashMap<&'static str, (usize, usize)> = HashMap::new();
    let mut by_edit: HashMap<&'static str, (usize, usize)> = HashMap::new();
    let mut missed = Vec::new();
    for (item, p) in items.iter().zip(&predicted) {
        let name = match item.kind {
            ItemKind::Original | ItemKind::Unlabelled => continue,
            ItemKind::RealResend => "real re-sends in Reuters-21578",
            ItemKind::Copy(CopyKind::Pickup) => "outlet pickups",
            ItemKind::Copy(CopyKind::AgencyUpdate) => "agency updates (UPDATE 1-)",
        };
        let linked = original_family.get(&item.gold) == Some(&p.as_str());
        let entry = by_kind.entry(name).or_default();
        entry.0 += linked as usize;
        entry.1 += 1;
        for edit in &item.edits {
            let entry = by_edit.entry(edit).or_default();
            entry.0 += linked as usize;
            entry.1 += 1;
        }
        if !linked && missed.len() < 8 {
            missed.push(format!(
                "{} ({}): {:?}",
                item.envelope.article.uri,
                item.edits.join(", "),
                item.envelope.article.headline().unwrap_or_default()
            ));
        }
    }
    let mut recall_by_kind: Vec<(&'static str, usize, usize)> =
        by_kind.into_iter().map(|(k, (a, b))| (k, a, b)).collect();
    recall_by_kind.sort();
    let mut recall_by_edit: Vec<(&'static str, usize, usize)> =
        by_edit.into_iter().map(|(k, (a, b))| (k, a, b)).collect();
    recall_by_edit.sort();
    let real: Vec<(&str, u32)> = predicted
        .iter()
        .zip(&items)
        .filter(|(_, item)| matches!(item.kind, ItemKind::Original | ItemKind::RealResend))
        .map(|(p, item)| (p.as_str(), item.gold))
        .collect();
    let real_counts = pair_counts(&real);
    let real_pairs_merged = real_counts.predicted - real_counts.true_positives;

    let originals: Vec<(u32, &str)> = chosen
        .iter()
        .filter(|d| original_family.contains_key(&d.id))
        .map(|d| (d.id, d.body.as_str()))
        .collect();
    let templated = templated_pairs(&originals);
    let templated_false_positives = templated
        .iter()
        .filter(|(a, b)| original_family.get(a) == original_family.get(b))
        .count();

    let unlabelled = items
        .iter()
        .filter(|i| i.kind == ItemKind::Unlabelled)
        .count();
    let mut members: HashMap<&str, Vec<&Item>> = HashMap::new();
    for (item, p) in items
        .iter()
        .zip(&predicted)
        .filter(|(item, _)| item.kind != ItemKind::Unlabelled)
    {
        members.entry(p.as_str()).or_default().push(item);
    }
    let merged = members
        .values()
        .filter(|m| m.iter().map(|i| i.gold).collect::<HashSet<_>>().len() > 1)
        .take(8)
        .map(|m| {
            m.iter()
                .map(|i| format!("{:?}", i.envelope.article.headline().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect();

    DedupReport {
        split,
        seed,
        stories: chosen.len(),
        unlabelled,
        real_resends,
        pickups: items
            .iter()
            .filter(|i| i.kind == ItemKind::Copy(CopyKind::Pickup))
            .count(),
        agency_updates: items
            .iter()
            .filter(|i| i.kind == ItemKind::Copy(CopyKind::AgencyUpdate))
            .count(),
        items: items.len(),
        pairs,
        scores: pairs.scores(),
        recall_by_kind,
        templated_pairs: templated.len(),
        templated_false_positives,
        seconds,
        text_bytes,
        indexed: stage.indexed(),
        recall_by_edit,
        real_pairs_merged,
        missed,
        merged,
    }
}

impl std::fmt::Display for DedupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Reuters-21578 {:?} split, generator seed {}",
            self.split, self.seed
        )?;
        writeln!(
            f,
            "  items: {} ({} stories, {} of them real re-sends; {} outlet pickups; {} agency updates)",
            self.items, self.stories, self.real_resends, self.pickups, self.agency_updates
        )?;
        writeln!(
            f,
            "  not scored: {} real stories related to an earlier one (>= {:.0}% of word trigrams; corrected re-sends and rewrites the collection does not label)",
            self.unlabelled,
            reference::RELATED_CONTAINMENT * 100.0
        )?;
        writeln!(
            f,
            "  family pairs: {} predicted, {} gold, {} correct",
            self.pairs.predicted, self.pairs.gold, self.pairs.true_positives
        )?;
        writeln!(f, "  pairwise      {}", self.scores)?;
        for (kind, linked, total) in &self.recall_by_kind {
            writeln!(
                f,
                "  recall        {:.4}  {kind} ({linked} of {total} in their original's family)",
                *linked as f64 / (*total).max(1) as f64
            )?;
        }
        for (edit, linked, total) in &self.recall_by_edit {
            writeln!(
                f,
                "    with {edit}: {:.4} ({linked} of {total})",
                *linked as f64 / (*total).max(1) as f64
            )?;
        }
        writeln!(
            f,
            "  wrong pairs between two real stories: {}",
            self.real_pairs_merged
        )?;
        writeln!(
            f,
            "  templated     {} pairs of different stories share a template (>= {:.0}% of masked shingles); {} put in one family: false-positive rate {:.4}",
            self.templated_pairs,
            TEMPLATED_CONTAINMENT * 100.0,
            self.templated_false_positives,
            self.templated_fp_rate()
        )?;
        writeln!(
            f,
            "  throughput    {:.0} articles/s, {:.1} MB/s of body text (enricher core, one thread, {} articles in {:.2} s; {} in the index)",
            self.items as f64 / self.seconds.max(1e-9),
            self.text_bytes as f64 / 1e6 / self.seconds.max(1e-9),
            self.items,
            self.seconds,
            self.indexed
        )?;
        if !self.missed.is_empty() {
            writeln!(f, "  missed (not in their original's family):")?;
            for line in &self.missed {
                writeln!(f, "    {line}")?;
            }
        }
        if !self.merged.is_empty() {
            writeln!(
                f,
                "  merged (predicted families holding different stories):"
            )?;
            for line in &self.merged {
                writeln!(f, "    {line}")?;
            }
        }
        Ok(())
    }
}
