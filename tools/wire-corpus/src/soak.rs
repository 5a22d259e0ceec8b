//! The soak corpus: a stream of RSS files built from real Reuters-21578 stories, with a known
//! share of outlet pickups, agency updates, exact re-sends and deliberately bad files.
//!
//! Every distinct input carries a reference token (`SOAK<story>V<version>` or
//! `SOAK<story>P<outlet>`) at the end of its first paragraph, so whatever reaches
//! `wire.enriched.v1` can be traced back to exactly one input.

use crate::markup::{escape_xml as escape, rss_document};
use std::collections::BTreeSet;
use wire_datasets::reuters::Document;

/// Items per RSS file.
pub const ITEMS_PER_FILE: usize = 50;

/// One file of the stream, written into the drop folder in order.
#[derive(Debug, Clone)]
pub struct StreamFile {
    pub name: String,
    pub content: Vec<u8>,
}

/// The generated stream and what must come out of it.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub files: Vec<StreamFile>,
    /// Items in the files (re-sends included, bad files excluded).
    pub items: usize,
    /// Tokens of the distinct inputs: each must reach `wire.enriched.v1` exactly once.
    pub expected: BTreeSet<String>,
    pub pickups: usize,
    pub versions: usize,
    pub resends: usize,
    /// Files that are not feeds: each must end in the dead-letter topic, nothing else may.
    pub bad_files: usize,
    /// The first original stories (token, story index), for the restart-with-state check.
    pub originals: Vec<(usize, Item)>,
}

/// One RSS item.
#[derive(Debug, Clone)]
pub struct Item {
    pub guid: String,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub token: String,
    pub minute: usize,
}

impl Item {
    fn to_rss(&self) -> String {
        let mut body = String::new();
        for (index, paragraph) in self.paragraphs.iter().enumerate() {
            body.push_str("<p>");
            body.push_str(&escape(paragraph));
            if index == 0 {
                body.push_str(" (Ref ");
                body.push_str(&self.token);
                body.push_str(".)");
            }
            body.push_str("</p>");
        }
        let (hour, minute) = (self.minute / 60 % 24, self.minute % 60);
        let day = 1 + self.minute / 1440 % 28;
        format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title>\
             <link>https://wire.example/{guid}</link>\
             <pubDate>{day:02} Nov 2026 {hour:02}:{minute:02}:00 GMT</pubDate>\
             <description>{body}</description></item>\n",
            guid = escape(&self.guid),
            title = escape(&self.title),
            body = escape(&body),
        )
    }
}

fn rss(channel: &str, items: &[Item]) -> String {
    let items: Vec<String> = items.iter().map(Item::to_rss).collect();
    rss_document(
        &format!(
            "<title>{channel}</title><link>https://wire.example/</link><description>soak</description>"
        ),
        items.iter().map(String::as_str),
    )
}

/// Deterministic choices (splitmix64), so a run can be repeated exactly.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const BAD_FILES: [&[u8]; 3] = [
    b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title><item><title>cut off",
    b"{\"not\": \"a feed\"}",
    // A PNG header: not UTF-8, NUL bytes.
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\xff\xfe binary, not a feed",
];

/// Builds a stream of about `items` items from `documents` (stories with at least two
/// paragraphs), with `bad_files` bad files spread through it.
pub fn generate(documents: &[Document], items: usize, bad_files: usize, seed: u64) -> Corpus {
    let stories: Vec<&Document> = documents
        .iter()
        .filter(|d| d.paragraphs().len() >= 2 && d.body.len() > 400 && !d.title.is_empty())
        .collect();
    let mut dice = Dice(seed);
    // (minute, order, item): pickups, updates and re-sends come a few minutes after their original.
    let mut timeline: Vec<(usize, usize, Item)> = Vec::new();
    let mut corpus = Corpus::default();
    let mut story = 0usize;
    while timeline.len() < items && story < stories.len() {
        let document = stories[story];
        let paragraphs: Vec<String> = document
            .paragraphs()
            .iter()
            .take(8)
            .map(|p| (*p).to_owned())
            .collect();
        let original = Item {
            guid: format!("soak-{story}"),
            title: document.title.clone(),
            paragraphs: paragraphs.clone(),
            token: format!("SOAK{story}V1"),
            minute: story,
        };
        if corpus.originals.len() < 100 {
            corpus.originals.push((story, original.clone()));
        }
        corpus.expected.insert(original.token.clone());
        timeline.push((story, timeline.len(), original.clone()));
        if dice.chance(25) {
            let outlets = 1 + (dice.next() % 3) as usize;
            for outlet in 1..=outlets {
                let mut kept = paragraphs.clone();
                if kept.len() > 2 {
                    kept.pop(); // the last paragraph cut
                }
                kept.push(format!("PHOTO: REUTERS. Read more at outlet {outlet}."));
                let pickup = Item {
                    guid: format!("outlet{outlet}-{story}"),
                    title: format!("{} - outlet {outlet}", document.title),
                    paragraphs: kept,
                    token: format!("SOAK{story}P{outlet}"),
                    minute: story + outlet * 3,
                };
                corpus.expected.insert(pickup.token.clone());
                corpus.pickups += 1;
                timeline.push((pickup.minute, timeline.len(), pickup));
            }
        }
        // An update comes an hour later (a later file: a feed shows one version of an item).
        let updated = dice.chance(10);
        if updated {
            let mut extended = paragraphs.clone();
            extended
                .push("The company said it would give more details later on Tuesday.".to_owned());
            let update = Item {
                guid: original.guid.clone(),
                title: format!("UPDATE 1-{}", document.title),
                paragraphs: extended,
                token: format!("SOAK{story}V2"),
                minute: story + 60,
            };
            corpus.expected.insert(update.token.clone());
            corpus.versions += 1;
            timeline.push((update.minute, timeline.len(), update));
        }
        // An exact re-send, of a story that was not updated, later (a later file).
        if !updated && dice.chance(3) {
            corpus.resends += 1;
            timeline.push((story + 90, timeline.len(), original));
        }
        story += 1;
    }
    timeline.sort_by_key(|(minute, order, _)| (*minute, *order));
    corpus.items = timeline.len();
    let chunks: Vec<Vec<Item>> = timeline
        .chunks(ITEMS_PER_FILE)
        .map(|chunk| chunk.iter().map(|(_, _, item)| item.clone()).collect())
        .collect();
    let bad_every = chunks.len() / (bad_files + 1);
    for (index, chunk) in chunks.iter().enumerate() {
        corpus.files.push(StreamFile {
            name: format!("{index:05}-wire.rss.xml"),
            content: rss("Soak wire", chunk).into_bytes(),
        });
        if bad_every > 0 && (index + 1) % bad_every == 0 && corpus.bad_files < bad_files {
            // Each bad file is distinct, so the dead letters can be counted by content.
            let mut content = BAD_FILES[corpus.bad_files % BAD_FILES.len()].to_vec();
            content.extend_from_slice(format!(" {}", corpus.bad_files).as_bytes());
            corpus.files.push(StreamFile {
                name: format!("{index:05}-bad.rss.xml"),
                content,
            });
            corpus.bad_files += 1;
        }
    }
    corpus
}

/// A file of exact re-sends and fresh pickups of `originals` (yesterday's stories, for the
/// restart-with-state check): none of them may raise a new alert.
pub fn yesterday(originals: &[(usize, Item)]) -> (StreamFile, usize) {
    let mut items = Vec::new();
    for (story, original) in originals {
        items.push(original.clone());
        let mut paragraphs = original.paragraphs.clone();
        paragraphs.push("Reporting by the late desk.".to_owned());
        items.push(Item {
            guid: format!("late-outlet-{story}"),
            title: format!("{} (late pickup)", original.title),
            paragraphs,
            token: format!("SOAK{story}L"),
            minute: original.minute + 600,
        });
    }
    let pickups = originals.len();
    (
        StreamFile {
            name: "99999-yesterday.rss.xml".to_owned(),
            content: rss("Late outlet", &items).into_bytes(),
        },
        pickups,
    )
}

/// The reference token in an article's text.
pub fn token_of(text: &str) -> Option<&str> {
    let start = text.find("(Ref SOAK")? + "(Ref ".len();
    let rest = &text[start..];
    let end = rest.find(|c: char| !c.is_ascii_alphanumeric())?;
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_has_every_kind_of_input_and_traces_back() {
        let documents = crate::sample_documents(400);
        let corpus = generate(&documents, 500, 3, 7);
        assert!(corpus.items >= 500);
        assert!(corpus.pickups > 0 && corpus.versions > 0 && corpus.resends > 0);
        assert_eq!(corpus.bad_files, 3);
        assert_eq!(corpus.expected.len(), corpus.items - corpus.resends);
        let text = String::from_utf8_lossy(&corpus.files[0].content);
        assert!(text.contains("(Ref SOAK0V1.)"), "{text}");
        assert_eq!(token_of("a (Ref SOAK12P3.) b"), Some("SOAK12P3"));
        assert_eq!(token_of("no token"), None);
        let (file, pickups) = yesterday(&corpus.originals[..5]);
        assert_eq!(pickups, 5);
        assert!(String::from_utf8_lossy(&file.content).contains("late-outlet-0"));
    }
}
