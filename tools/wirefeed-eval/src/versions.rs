//! `wirefeed-eval versions`: how many real version pairs re-alert a desk (`wire.change.material`)
//! beside how many an editor would want re-alerted.
//!
//! Each pair goes through a fresh enricher core (tagging off): the first version, then the
//! second under the same `uri` half an hour later; the second's `wire.change` is read. The
//! editor's call on each pair is ours, made by reading the pair's diff
//! (`labels/version-pairs.tsv`, ids and reasons only). Pairs are split into dev and test by a
//! hash of their id; a threshold on `body_changed` is chosen on dev and reported on test.

use crate::version_pairs::{PairKind, Story, VersionPair};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use wire_model::{Article, Body, Change, Envelope, Headline, SourceId, WireMeta};
use wirefeed_enricher::{EnricherConfig, EnricherStage};

/// The editor's labels, shipped with the tool.
pub const LABELS: &str = include_str!("../labels/version-pairs.tsv");

/// What an editor wants for a pair.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    pub realert: bool,
    pub reason: String,
}

/// Reads `id <TAB> realert|quiet <TAB> reason` lines; `#` starts a comment line.
pub fn parse_labels(text: &str) -> Result<HashMap<String, Label>, String> {
    let mut labels = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let (Some(id), Some(call), reason) = (fields.next(), fields.next(), fields.next()) else {
            return Err(format!("line {}: needs an id and a call", number + 1));
        };
        let realert = match call.trim() {
            "realert" => true,
            "quiet" => false,
            other => return Err(format!("line {}: unknown call {other:?}", number + 1)),
        };
        let label = Label {
            realert,
            reason: reason.unwrap_or_default().trim().to_owned(),
        };
        if labels.insert(id.trim().to_owned(), label).is_some() {
            return Err(format!("line {}: {id} labelled twice", number + 1));
        }
    }
    Ok(labels)
}

/// Dev (thresholds are chosen here) or test (reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    Dev,
    Test,
}

/// The split of a pair: FNV-1a of its id, even is dev.
pub fn split_of(id: &str) -> Split {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    if hash.is_multiple_of(2) {
        Split::Dev
    } else {
        Split::Test
    }
}

/// What the enricher said about one pair's second version.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    pub id: String,
    pub kind: PairKind,
    pub split: Split,
    /// `None`: the second version was a re-send (dropped) or got no `wire.change`.
    pub change: Option<Change>,
    pub label: Option<Label>,
}

impl Outcome {
    pub fn realerted(&self) -> bool {
        self.change.as_ref().is_some_and(|c| c.material)
    }

    /// Material by every signal but the body share, or the body share at `threshold` or more.
    pub fn realerted_at(&self, threshold: f32) -> bool {
        self.change.as_ref().is_some_and(|c| {
            c.headline_changed
                || c.urgency_raised
                || c.kill
                || c.correction
                || c.reinstated
                || c.lede_rewritten
                || c.paragraphs_added > c.paragraphs_removed
                || c.body_changed >= threshold
        })
    }
}

/// Runs every pair through a fresh enricher core.
pub fn evaluate(
    pairs: &[VersionPair],
    labels: &HashMap<String, Label>,
    config: &EnricherConfig,
) -> Vec<Outcome> {
    let mut config = config.clone();
    config.tagging.enabled = false;
    let start = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
    pairs
        .iter()
        .map(|pair| {
            let mut stage = EnricherStage::new(&config);
            let uri = format!("urn:wirefeed-eval:versions:{}", pair.id);
            let second_at = start + Duration::minutes(30);
            let _ = stage.enrich(envelope(&uri, &pair.first, start, start), start);
            let change = stage
                .enrich(envelope(&uri, &pair.second, start, second_at), second_at)
                .and_then(|e| e.wire.change);
            Outcome {
                id: pair.id.clone(),
                kind: pair.kind,
                split: split_of(&pair.id),
                change,
                label: labels.get(&pair.id).cloned(),
            }
        })
        .collect()
}

/// One version as an article under `uri`: the normalized envelope when there is one (its
/// provider fields kept), restamped to `at`, else built from the headline and paragraphs.
fn envelope(uri: &str, story: &Story, first: DateTime<Utc>, at: DateTime<Utc>) -> Envelope {
    let mut envelope = story.envelope.clone().unwrap_or_else(|| {
        let article = Article {
            headlines: vec![Headline::new(story.headline.clone())],
            bodies: vec![Body::plain_text(story.paragraphs.join("\n\n"))],
            ..Article::default()
        };
        Envelope::new(article, WireMeta::default())
    });
    envelope.article.uri = uri.to_owned();
    envelope.article.first_created = Some(first);
    envelope.article.version_created = Some(at);
    envelope.wire.source = SourceId::from("agency");
    envelope.wire.item_identity = uri.to_owned();
    envelope.wire.fetched_at = at;
    envelope
}

/// Counts of one split over its labelled pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Confusion {
    /// Re-alerted and wanted.
    pub realerted_wanted: usize,
    /// Re-alerted, not wanted.
    pub realerted_unwanted: usize,
    /// Quiet, though wanted.
    pub quiet_wanted: usize,
    /// Quiet and not wanted.
    pub quiet_unwanted: usize,
}

impl Confusion {
    pub fn of<'a>(
        outcomes: impl Iterator<Item = &'a Outcome>,
        realerted: impl Fn(&Outcome) -> bool,
    ) -> Self {
        let mut counts = Confusion::default();
        for outcome in outcomes {
            let Some(label) = &outcome.label else {
                continue;
            };
            match (realerted(outcome), label.realert) {
                (true, true) => counts.realerted_wanted += 1,
                (true, false) => counts.realerted_unwanted += 1,
                (false, true) => counts.quiet_wanted += 1,
                (false, false) => counts.quiet_unwanted += 1,
            }
        }
        counts
    }

    pub fn labelled(&self) -> usize {
        self.realerted_wanted + self.realerted_unwanted + self.quiet_wanted + self.quiet_unwanted
    }

    pub fn realerted(&self) -> usize {
        self.realerted_wanted + self.realerted_unwanted
    }

    pub fn wanted(&self) -> usize {
        self.realerted_wanted + self.quiet_wanted
    }

    /// The share of labelled pairs where the enricher and the editor agree.
    pub fn agreement(&self) -> f64 {
        let labelled = self.labelled();
        if labelled == 0 {
            0.0
        } else {
            (self.realerted_wanted + self.quiet_unwanted) as f64 / labelled as f64
        }
    }
}

/// The figures of one split.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SplitReport {
    pub split: Split,
    /// Pairs found (labelled or not).
    pub pairs: usize,
    /// Of those, re-alerted (`material`).
    pub realerted: usize,
    /// Labelled pairs per source.
    pub labelled_by_kind: Vec<(PairKind, usize)>,
    pub confusion: Confusion,
}

/// One threshold of the dev sweep.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct SweepPoint {
    pub body_changed_at_least: f32,
    pub confusion: Confusion,
    pub agreement: f64,
}

/// Thresholds on `body_changed` tried on dev.
pub const SWEEP: [f32; 10] = [0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.01];

#[derive(Debug, Clone, serde::Serialize)]
pub struct VersionsReport {
    /// Pairs found per source.
    pub found: Vec<(PairKind, usize)>,
    pub splits: Vec<SplitReport>,
    /// On dev only: the pair is re-alerted by every other signal or `body_changed` at least
    /// the threshold.
    pub dev_sweep: Vec<SweepPoint>,
    pub outcomes: Vec<Outcome>,
}

pub fn report(outcomes: Vec<Outcome>) -> VersionsReport {
    let count = |kind: PairKind, outcomes: &[&Outcome], labelled: bool| {
        outcomes
            .iter()
            .filter(|o| o.kind == kind && (!labelled || o.label.is_some()))
            .count()
    };
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let found = PairKind::ALL
        .iter()
        .map(|&kind| (kind, count(kind, &all, false)))
        .collect();
    let splits = [Split::Dev, Split::Test]
        .into_iter()
        .map(|split| {
            let mine: Vec<&Outcome> = outcomes.iter().filter(|o| o.split == split).collect();
            SplitReport {
                split,
                pairs: mine.len(),
                realerted: mine.iter().filter(|o| o.realerted()).count(),
                labelled_by_kind: PairKind::ALL
                    .iter()
                    .map(|&kind| (kind, count(kind, &mine, true)))
                    .collect(),
                confusion: Confusion::of(mine.iter().copied(), Outcome::realerted),
            }
        })
        .collect();
    let dev_sweep = SWEEP
        .iter()
        .map(|&threshold| {
            let confusion = Confusion::of(outcomes.iter().filter(|o| o.split == Split::Dev), |o| {
                o.realerted_at(threshold)
            });
            SweepPoint {
                body_changed_at_least: threshold,
                agreement: confusion.agreement(),
                confusion,
            }
        })
        .collect();
    VersionsReport {
        found,
        splits,
        dev_sweep,
        outcomes,
    }
}

impl std::fmt::Display for VersionsReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let found: Vec<String> = self
            .found
            .iter()
            .map(|(kind, n)| format!("{} {n}", kind.as_str()))
            .collect();
        writeln!(f, "version pairs found: {}", found.join(", "))?;
        for split in &self.splits {
            let c = &split.confusion;
            let labelled: Vec<String> = split
                .labelled_by_kind
                .iter()
                .map(|(kind, n)| format!("{} {n}", kind.as_str()))
                .collect();
            writeln!(
                f,
                "{:?}: {} pairs, {} re-alerted; labelled {} ({})",
                split.split,
                split.pairs,
                split.realerted,
                c.labelled(),
                labelled.join(", ")
            )?;
            writeln!(
                f,
                "  labelled: {} re-alerted, {} wanted, agreement {:.3}",
                c.realerted(),
                c.wanted(),
                c.agreement()
            )?;
            writeln!(f, "                 wanted  not wanted")?;
            writeln!(
                f,
                "  re-alerted     {:>6}  {:>10}",
                c.realerted_wanted, c.realerted_unwanted
            )?;
            writeln!(
                f,
                "  quiet          {:>6}  {:>10}",
                c.quiet_wanted, c.quiet_unwanted
            )?;
        }
        writeln!(
            f,
            "dev sweep: re-alert on any other signal or body_changed >= threshold"
        )?;
        writeln!(
            f,
            "  threshold  re-alerted  wanted  agreement  (RW RU QW QU)"
        )?;
        for point in &self.dev_sweep {
            let c = &point.confusion;
            writeln!(
                f,
                "  {:>9.2}  {:>10}  {:>6}  {:>9.3}  ({} {} {} {})",
                point.body_changed_at_least,
                c.realerted(),
                c.wanted(),
                point.agreement,
                c.realerted_wanted,
                c.realerted_unwanted,
                c.quiet_wanted,
                c.quiet_unwanted
            )?;
        }
        Ok(())
    }
}

/// A word diff of two texts: removed words in `[-...-]`, added in `{+...+}`.
pub fn word_diff(before: &str, after: &str) -> String {
    let a: Vec<&str> = before.split_whitespace().collect();
    let b: Vec<&str> = after.split_whitespace().collect();
    // Longest common subsequence over words, from the end.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out: Vec<String> = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(a[i].to_owned());
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(format!("{{+{}+}}", b[j]));
            j += 1;
        } else {
            out.push(format!("[-{}-]", a[i]));
            i += 1;
        }
    }
    out.join(" ")
}

/// The pair's diff as an editor reads it: headline, then body.
pub fn pair_diff(pair: &VersionPair) -> String {
    format!(
        "== {} ({})\nheadline: {}\nbody: {}\n",
        pair.id,
        pair.kind.as_str(),
        word_diff(&pair.first.headline, &pair.second.headline),
        word_diff(
            &pair.first.paragraphs.join(" ¶ "),
            &pair.second.paragraphs.join(" ¶ ")
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_labels_parse() {
        let labels = parse_labels(LABELS).unwrap_or_default();
        assert!(!labels.is_empty());
    }

    #[test]
    fn labels_need_a_known_call_and_one_line_per_pair() {
        assert!(parse_labels("a\trealert\tfigure corrected\nb\tquiet\ttypo\n").is_ok());
        assert!(parse_labels("a\tmaybe\tunsure\n").is_err());
        assert!(parse_labels("a\tquiet\tx\na\trealert\ty\n").is_err());
    }

    #[test]
    fn word_diffs_mark_the_changed_words() {
        assert_eq!(
            word_diff("profit rose 5 pct", "profit rose 7 pct"),
            "profit rose {+7+} [-5-] pct"
        );
    }

    #[test]
    fn the_split_is_fixed_by_the_id() {
        assert_eq!(split_of("reuters-1-2"), split_of("reuters-1-2"));
    }
}
