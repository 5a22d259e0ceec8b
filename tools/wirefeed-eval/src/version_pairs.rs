//! Real version pairs: two versions of one story as an agency sent them, for measuring which
//! changes re-alert a desk (`wirefeed-eval versions`).
//!
//! - Reuters-21578: a story whose title says `CORRECTED` paired with the earlier story it
//!   corrects (the earlier story with the most word trigrams in common, sharing title words),
//!   and a story sent again under the same title within 12 hours (a re-send or a writethru)
//!   paired with the previous one of that title.
//! - Superdesk's ingest fixtures: files that are versions of one item (the same guid), read by
//!   the normalizer as the pipeline reads them.

use std::collections::{HashMap, HashSet};
use wire_datasets::reuters::Document;
use wire_model::Envelope;

/// Where a pair comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairKind {
    /// Reuters-21578: a `CORRECTED` story and the story it corrects.
    ReutersCorrected,
    /// Reuters-21578: the same title sent again with the same words.
    ReutersIdentical,
    /// Reuters-21578: the same title sent again with other words.
    ReutersChanged,
    /// Superdesk's fixtures: two versions of one item.
    Superdesk,
}

impl PairKind {
    pub const ALL: [PairKind; 4] = [
        PairKind::ReutersCorrected,
        PairKind::ReutersChanged,
        PairKind::ReutersIdentical,
        PairKind::Superdesk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PairKind::ReutersCorrected => "reuters-corrected",
            PairKind::ReutersIdentical => "reuters-identical",
            PairKind::ReutersChanged => "reuters-changed",
            PairKind::Superdesk => "superdesk",
        }
    }
}

/// Two versions of one story, the earlier first, as the pipeline would see them.
#[derive(Debug, Clone)]
pub struct VersionPair {
    /// Stable: `reuters-<first NEWID>-<second NEWID>` or `superdesk-<name>`.
    pub id: String,
    pub kind: PairKind,
    pub first: Story,
    pub second: Story,
}

/// One version: its headline and body paragraphs, plus the normalized envelope when it came
/// from a raw item (Superdesk), which then carries the provider's status, urgency and signals.
#[derive(Debug, Clone)]
pub struct Story {
    pub headline: String,
    pub paragraphs: Vec<String>,
    pub envelope: Option<Envelope>,
}

impl Story {
    fn of(document: &Document) -> Self {
        Story {
            headline: document.title.clone(),
            paragraphs: document
                .paragraphs()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            envelope: None,
        }
    }

    /// A normalized article's headline and paragraphs.
    pub fn normalized(envelope: Envelope) -> Self {
        Story {
            headline: envelope.article.headline().unwrap_or_default().to_owned(),
            paragraphs: envelope
                .article
                .body_text()
                .unwrap_or_default()
                .split("\n\n")
                .map(str::to_owned)
                .filter(|p| !p.trim().is_empty())
                .collect(),
            envelope: Some(envelope),
        }
    }
}

impl Story {
    /// True when the two versions tell one story: enough word trigrams in common.
    pub fn same_story(&self, other: &Story) -> bool {
        let text = |s: &Story| trigrams(&format!("{}\n{}", s.headline, s.paragraphs.join("\n")));
        jaccard(&text(self), &text(other)) >= MIN_OVERLAP
    }
}

/// The lowercase words of `text`.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn trigrams(text: &str) -> HashSet<[String; 3]> {
    words(text)
        .windows(3)
        .map(|w| [w[0].clone(), w[1].clone(), w[2].clone()])
        .collect()
}

fn jaccard<T: Eq + std::hash::Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        0.0
    } else {
        a.intersection(b).count() as f64 / union as f64
    }
}

/// A `CORRECTED` marker anywhere in the title, and the title without it.
fn corrected_title(title: &str) -> Option<String> {
    let upper = title.to_uppercase();
    let at = upper.find("CORRECTED")?;
    let without = format!("{} {}", &title[..at], &title[at + "CORRECTED".len()..]);
    Some(
        without
            .trim_matches(|c: char| c.is_whitespace() || "-()<>".contains(c))
            .to_owned(),
    )
}

/// Least word-trigram overlap (Jaccard over title and body) for a pair.
const MIN_OVERLAP: f64 = 0.1;
/// Title words, besides the overlap, a corrected story shares with the one it corrects.
const MIN_SHARED_TITLE_WORDS: f64 = 0.4;

/// A story sent again under its title later than this is a new story of a daily series (hog
/// slaughter estimates, the Fed's money market action), not a version.
const MAX_RESEND_HOURS: i64 = 12;

fn within_hours(earlier: &Document, later: &Document, hours: i64) -> bool {
    match (earlier.date, later.date) {
        (Some(a), Some(b)) => (b - a).num_hours().abs() <= hours,
        _ => false,
    }
}

/// The version pairs of Reuters-21578, in the order of the later story's `NEWID`.
pub fn reuters_pairs(documents: &[Document]) -> Vec<VersionPair> {
    let texts: Vec<HashSet<[String; 3]>> = documents
        .iter()
        .map(|d| trigrams(&format!("{}\n{}", d.title, d.body)))
        .collect();
    let mut by_title_word: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, document) in documents.iter().enumerate() {
        let title: HashSet<String> = words(&document.title).into_iter().collect();
        for word in title {
            by_title_word.entry(word).or_default().push(index);
        }
    }
    let mut pairs = Vec::new();
    let mut last_of_title: HashMap<&str, usize> = HashMap::new();
    for (index, document) in documents.iter().enumerate() {
        if document.body.trim().is_empty() {
            continue;
        }
        if let Some(title) = corrected_title(&document.title) {
            let title_words: HashSet<String> = words(&title).into_iter().collect();
            let candidates: HashSet<usize> = title_words
                .iter()
                .flat_map(|w| by_title_word.get(w).into_iter().flatten().copied())
                .filter(|&c| documents[c].id < document.id && !documents[c].body.is_empty())
                .filter(|&c| corrected_title(&documents[c].title).is_none())
                .collect();
            let best = candidates
                .into_iter()
                .filter(|&c| {
                    let theirs: HashSet<String> = words(&documents[c].title).into_iter().collect();
                    let shared = title_words.intersection(&theirs).count() as f64;
                    shared >= MIN_SHARED_TITLE_WORDS * title_words.len().min(theirs.len()) as f64
                })
                .map(|c| (jaccard(&texts[c], &texts[index]), c))
                .filter(|(overlap, _)| *overlap >= MIN_OVERLAP)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, earlier)) = best {
                pairs.push(pair(
                    &documents[earlier],
                    document,
                    PairKind::ReutersCorrected,
                ));
            }
            continue;
        }
        if words(&document.title).len() >= 3
            && let Some(&earlier) = last_of_title.get(document.title.as_str())
            && within_hours(&documents[earlier], document, MAX_RESEND_HOURS)
            && jaccard(&texts[earlier], &texts[index]) >= MIN_OVERLAP
        {
            let kind = if words(&documents[earlier].body) == words(&document.body) {
                PairKind::ReutersIdentical
            } else {
                PairKind::ReutersChanged
            };
            pairs.push(pair(&documents[earlier], document, kind));
        }
        last_of_title.insert(document.title.as_str(), index);
    }
    pairs
}

fn pair(first: &Document, second: &Document, kind: PairKind) -> VersionPair {
    VersionPair {
        id: format!("reuters-{}-{}", first.id, second.id),
        kind,
        first: Story::of(first),
        second: Story::of(second),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrected_markers_come_off_the_title() {
        assert_eq!(
            corrected_title("CORRECTED - AUSTRIA 1987 GROWTH").as_deref(),
            Some("AUSTRIA 1987 GROWTH")
        );
        assert_eq!(
            corrected_title("(CORRECTED)-CRAZY EDDIE <CRZY> SETS RIGHTS").as_deref(),
            Some("CRAZY EDDIE <CRZY> SETS RIGHTS")
        );
        assert_eq!(corrected_title("AUSTRIA 1987 GROWTH"), None);
    }
}
