//! Pure: the republication generator of `wirefeed-eval dedup`. It turns a real wire story into
//! the copies a newsroom sees of it, with the edits outlets and agencies really make, so that
//! every copy's family is known:
//!
//! - **pickups** by outlets (a new `uri` and source, minutes to hours later), each with two to
//!   five of: a new headline (sentence case, shortened, or the lead's first words); a photo
//!   caption or standfirst stuck on top; the last paragraphs cut (at most half the words); a
//!   paragraph of local context added (taken from another real story); house-style word edits
//!   (`mln` → `million`, `pct` → `per cent`, `said` → `says`, US → British spelling); a credit
//!   line (`(Reporting by ...)`, `Copyright Reuters`); paragraphs merged or split; a few typos;
//! - **agency updates** sent as new items (`UPDATE 1-` in the headline, a new top paragraph, a
//!   sentence added to the body), from the agency's own source.
//!
//! Everything is drawn from a seeded generator: the same seed gives the same set.
//! [`republish_story`] places a story's copies in time with their identities and sources; both
//! `wirefeed-eval dedup` and the bench corpus ([`crate::raw_items`]) use it.

use chrono::{DateTime, Utc};
use wire_datasets::reuters::Document;

/// The agency source of originals and agency updates.
pub const AGENCY: &str = "reuters";
/// Stories shorter than this get no generated copies (a caption on a two-line brief is
/// another story, not a pickup).
pub const MIN_WORDS_FOR_COPIES: usize = 40;
/// Outlets picking up stories: sources `outlet-1` to `outlet-OUTLETS`.
pub const OUTLETS: u8 = 20;

/// One generated copy of a story.
#[derive(Debug, Clone, PartialEq)]
pub struct Copy {
    pub kind: CopyKind,
    pub headline: String,
    pub body: String,
    /// The edits applied, for the report.
    pub edits: Vec<&'static str>,
    /// Seconds after the original.
    pub delay_seconds: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CopyKind {
    Pickup,
    AgencyUpdate,
}

/// A generated copy with its identity (`uri`), source and time.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedCopy {
    pub copy: Copy,
    pub uri: String,
    pub source: String,
    pub time: DateTime<Utc>,
}

/// The copies of one original story published at `time`: zero to three outlet pickups and, one
/// time in ten, an agency update, each with its uri (built from `key`, e.g. the Reuters id),
/// source and time. The paragraph of added context comes from a random story of `pool`.
/// Stories of fewer than [`MIN_WORDS_FOR_COPIES`] words get none.
pub fn republish_story(
    rng: &mut fastrand::Rng,
    key: &str,
    story: &Document,
    pool: &[&Document],
    time: DateTime<Utc>,
) -> Vec<PlacedCopy> {
    if pool.is_empty() || story.body.split_whitespace().count() < MIN_WORDS_FOR_COPIES {
        return Vec::new();
    }
    let paragraphs = story.paragraphs();
    let other = pool[rng.usize(..pool.len())].paragraphs();
    let other = other
        .first()
        .copied()
        .unwrap_or("Markets were closed on Monday.");
    let pickups = rng.usize(0..=3);
    let update = rng.u8(..10) == 0;
    copies(rng, &story.title, &paragraphs, other, pickups, update)
        .into_iter()
        .enumerate()
        .map(|(n, copy)| {
            let (uri, source) = match copy.kind {
                CopyKind::Pickup => {
                    let outlet = rng.u8(1..=OUTLETS);
                    (
                        format!("urn:outlet-{outlet}:reuters21578-{key}-{n}"),
                        format!("outlet-{outlet}"),
                    )
                }
                CopyKind::AgencyUpdate => (
                    format!("urn:reuters21578:{key}:update-{n}"),
                    AGENCY.to_owned(),
                ),
            };
            PlacedCopy {
                time: time + chrono::Duration::seconds(copy.delay_seconds),
                copy,
                uri,
                source,
            }
        })
        .collect()
}

/// House-style substitutions outlets make to wire copy (whole words).
const HOUSE_STYLE: &[(&str, &str)] = &[
    ("mln", "million"),
    ("dlrs", "dollars"),
    ("pct", "per cent"),
    ("billion", "bln"),
    ("said", "says"),
    ("centre", "center"),
    ("program", "programme"),
    ("labor", "labour"),
    ("U.S.", "US"),
    ("Corp", "Corporation"),
    ("Inc", "Incorporated"),
    ("cts", "cents"),
];

const CAPTIONS: &[&str] = &[
    "FILE PHOTO: A general view shows the skyline of the city.",
    "Photo: Reuters file picture.",
    "Our correspondent reports:",
    "This story was first published by Reuters and is republished with permission.",
    "Listen to this article. Share this article.",
];

const CREDITS: &[&str] = &[
    "(Reporting by the Reuters bureau; Editing by the desk)",
    "Copyright Reuters. All rights reserved.",
    "-- Reuters",
    "Additional reporting by our staff.",
];

/// Generates the copies of one story (`paragraphs` of its body) with `rng`. `other` is a
/// paragraph from a different real story, used as added local context.
pub fn copies(
    rng: &mut fastrand::Rng,
    headline: &str,
    paragraphs: &[&str],
    other: &str,
    pickups: usize,
    agency_update: bool,
) -> Vec<Copy> {
    let mut copies: Vec<Copy> = (0..pickups)
        .map(|_| pickup(rng, headline, paragraphs, other))
        .collect();
    if agency_update {
        copies.push(update(rng, headline, paragraphs, other));
    }
    copies
}

fn pickup(rng: &mut fastrand::Rng, headline: &str, paragraphs: &[&str], other: &str) -> Copy {
    let mut headline = headline.to_owned();
    let mut body: Vec<String> = paragraphs.iter().map(|p| (*p).to_owned()).collect();
    let mut edits = Vec::new();
    let mut order: Vec<usize> = (0..8).collect();
    rng.shuffle(&mut order);
    let count = rng.usize(2..=5);
    for edit in order.into_iter().take(count) {
        let name = match edit {
            0 => {
                headline = new_headline(rng, &headline, &body);
                "new headline"
            }
            1 => {
                body.insert(0, CAPTIONS[rng.usize(..CAPTIONS.len())].to_owned());
                "caption on top"
            }
            2 => {
                cut_tail(rng, &mut body);
                "tail cut"
            }
            3 => {
                let at = rng.usize(1..=body.len().max(1));
                body.insert(at.min(body.len()), other.to_owned());
                "paragraph added"
            }
            4 => {
                for paragraph in &mut body {
                    *paragraph = house_style(paragraph);
                }
                "house style"
            }
            5 => {
                body.push(CREDITS[rng.usize(..CREDITS.len())].to_owned());
                "credit line"
            }
            6 => {
                reflow(rng, &mut body);
                "paragraphs merged or split"
            }
            _ => {
                for _ in 0..rng.usize(1..=3) {
                    typo(rng, &mut body);
                }
                "typos"
            }
        };
        edits.push(name);
    }
    Copy {
        kind: CopyKind::Pickup,
        headline,
        body: body.join("\n\n"),
        edits,
        delay_seconds: rng.i64(300..=12 * 3600),
    }
}

fn update(rng: &mut fastrand::Rng, headline: &str, paragraphs: &[&str], other: &str) -> Copy {
    let mut body: Vec<String> = paragraphs.iter().map(|p| (*p).to_owned()).collect();
    let first_sentence = other.split(". ").next().unwrap_or(other);
    body.insert(0, format!("{first_sentence}, officials said on Friday."));
    if rng.bool() {
        body.push(other.to_owned());
    }
    Copy {
        kind: CopyKind::AgencyUpdate,
        headline: format!("UPDATE 1-{headline}"),
        body: body.join("\n\n"),
        edits: vec!["agency update"],
        delay_seconds: rng.i64(600..=6 * 3600),
    }
}

fn new_headline(rng: &mut fastrand::Rng, headline: &str, body: &[String]) -> String {
    match rng.usize(..3) {
        0 => sentence_case(headline),
        1 => {
            let words: Vec<&str> = headline.split_whitespace().collect();
            let keep = (words.len() * 2 / 3).max(2).min(words.len());
            sentence_case(&words[..keep].join(" "))
        }
        _ => body
            .first()
            .map(|lead| {
                lead.split_whitespace()
                    .take(10)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|| sentence_case(headline)),
    }
}

fn sentence_case(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Drops paragraphs from the end while at least half the words remain.
fn cut_tail(rng: &mut fastrand::Rng, body: &mut Vec<String>) {
    let total: usize = body.iter().map(|p| p.split_whitespace().count()).sum();
    let target = rng.usize(1..=3);
    for _ in 0..target {
        let last = body
            .last()
            .map(|p| p.split_whitespace().count())
            .unwrap_or(0);
        let remaining: usize = body.iter().map(|p| p.split_whitespace().count()).sum();
        if body.len() < 2 || (remaining - last) * 2 < total {
            break;
        }
        body.pop();
    }
}

fn house_style(paragraph: &str) -> String {
    paragraph
        .split(' ')
        .map(|word| {
            let core = word.trim_end_matches([',', '.', ';', ':']);
            let tail = &word[core.len()..];
            HOUSE_STYLE
                .iter()
                .find(|(from, _)| *from == core)
                .map(|(_, to)| format!("{to}{tail}"))
                .unwrap_or_else(|| word.to_owned())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn reflow(rng: &mut fastrand::Rng, body: &mut Vec<String>) {
    if body.len() >= 2 && rng.bool() {
        let at = rng.usize(..body.len() - 1);
        let next = body.remove(at + 1);
        body[at] = format!("{} {next}", body[at]);
    } else if let Some(paragraph) = body.first().cloned()
        && let Some(split) = paragraph.find(". ")
    {
        body[0] = paragraph[..=split].to_owned();
        body.insert(1, paragraph[split + 2..].to_owned());
    }
}

/// Swaps two adjacent letters of a random longer word.
fn typo(rng: &mut fastrand::Rng, body: &mut [String]) {
    if body.is_empty() {
        return;
    }
    let index = rng.usize(..body.len());
    let mut words: Vec<String> = body[index].split(' ').map(str::to_owned).collect();
    let long: Vec<usize> = (0..words.len())
        .filter(|i| words[*i].chars().count() >= 6 && words[*i].is_ascii())
        .collect();
    if long.is_empty() {
        return;
    }
    let word = &mut words[long[rng.usize(..long.len())]];
    let mut bytes = word.clone().into_bytes();
    let at = rng.usize(1..bytes.len() - 2);
    bytes.swap(at, at + 1);
    *word = String::from_utf8(bytes).unwrap_or_default();
    body[index] = words.join(" ");
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADLINE: &str = "BAHIA COCOA REVIEW";
    const STORY: &[&str] = &[
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January and improving prospects for the coming temporao, Comissaria Smith said in its weekly review.",
        "The dry period means the temporao will be late this year.",
        "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos making a cumulative total for the season of 5.93 mln against 5.81 at the same stage last year.",
        "Comissaria Smith said spot bean prices rose to 340 to 350 cruzados per arroba of 15 kilos.",
    ];
    const OTHER: &str = "The central bank said money supply rose 1.2 pct in January. Analysts had expected a smaller rise.";

    #[test]
    fn the_same_seed_gives_the_same_copies() {
        let a = copies(
            &mut fastrand::Rng::with_seed(7),
            HEADLINE,
            STORY,
            OTHER,
            3,
            true,
        );
        let b = copies(
            &mut fastrand::Rng::with_seed(7),
            HEADLINE,
            STORY,
            OTHER,
            3,
            true,
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 4);
        assert_eq!(a[3].kind, CopyKind::AgencyUpdate);
        assert!(a[3].headline.starts_with("UPDATE 1-"));
    }

    #[test]
    fn pickups_are_edited_but_keep_at_least_half_the_story() {
        let mut rng = fastrand::Rng::with_seed(1);
        let original_words = STORY.join(" ").split_whitespace().count();
        for copy in copies(&mut rng, HEADLINE, STORY, OTHER, 50, false) {
            assert!((2..=5).contains(&copy.edits.len()), "{:?}", copy.edits);
            assert_ne!(
                (copy.headline.as_str(), copy.body.as_str()),
                (HEADLINE, STORY.join("\n\n").as_str()),
                "{:?}",
                copy.edits
            );
            let kept = STORY
                .iter()
                .flat_map(|p| p.split_whitespace())
                .filter(|w| copy.body.contains(w))
                .count();
            assert!(kept * 2 >= original_words / 2, "{:?}", copy.edits);
            assert!(copy.delay_seconds >= 300);
        }
    }

    #[test]
    fn house_style_rewrites_whole_words_only() {
        assert_eq!(
            house_style("Output rose 5 pct to 3 mln dlrs, it said."),
            "Output rose 5 per cent to 3 million dollars, it says."
        );
        assert_eq!(house_style("The pctx mlns"), "The pctx mlns");
    }
}
