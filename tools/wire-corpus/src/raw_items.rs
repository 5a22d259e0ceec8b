//! The corpus of `wirefeed-bench core` and `pipeline`: raw items (`wire.raw.v1` messages, one JSON line each)
//! made from real wire text, written in time order.
//!
//! - the stories: every Reuters-21578 story with a body, in collection order, as agency
//!   originals; once they are used up, further rounds of *remixed* stories (the headline of one
//!   story over the lead of it and one paragraph each of three other random stories), so a
//!   corpus of any size holds distinct stories of real text;
//! - the copies: each story's outlet pickups and agency updates from the republication
//!   generator of `wirefeed-eval dedup` ([`republish_story`]), with its share of them;
//! - the formats: agency items (originals and updates, source `reuters`) are ninjs 3.x JSON
//!   objects with an HTML body, outlet pickups are single-item RSS 2.0 documents, as their
//!   feeds would deliver them.
//!
//! Stories are two seconds apart, so a million articles span about ten days, inside the
//! enricher's default window of fourteen. Copies wait in a small time-ordered queue until the
//! clock reaches them; the generator never holds the whole corpus.

use crate::markup::{escape_xml, html_paragraphs, rss_document};
use crate::republish::{AGENCY, CopyKind, republish_story};
use chrono::{DateTime, TimeZone as _, Utc};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::Write;
use wire_datasets::reuters::Document;
use wire_model::{OriginInfo, RawFormat, RawItem, SourceId};

/// Seconds between two stories.
const STORY_SPACING_SECS: i64 = 2;

/// What the corpus holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CorpusStats {
    pub items: usize,
    /// Agency originals: real Reuters-21578 stories.
    pub real_stories: usize,
    /// Agency originals remixed from paragraphs of real stories (after the real ones ran out).
    pub remixed_stories: usize,
    pub pickups: usize,
    pub agency_updates: usize,
    pub rss_items: usize,
    pub ninjs_items: usize,
    /// Bytes of the raw item lines, newlines included.
    pub bytes: usize,
}

/// The kind of a corpus item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Original,
    Pickup,
    AgencyUpdate,
}

#[derive(Debug)]
struct Pending {
    time: DateTime<Utc>,
    sequence: u64,
    kind: Kind,
    source: String,
    uri: String,
    headline: String,
    body: String,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.sequence) == (other.time, other.sequence)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.sequence).cmp(&(other.time, other.sequence))
    }
}

/// The time of the first story.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 6, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A story of `pool` or, from the second round on, a remix of four random stories.
fn story(rng: &mut fastrand::Rng, pool: &[&Document], round: usize, index: usize) -> Document {
    let base = pool[index];
    if round == 0 {
        return base.clone();
    }
    let mut paragraphs: Vec<String> = base
        .paragraphs()
        .first()
        .map(|p| vec![(*p).to_owned()])
        .unwrap_or_default();
    for _ in 0..3 {
        let other = pool[rng.usize(..pool.len())].paragraphs();
        if !other.is_empty() {
            paragraphs.push(other[rng.usize(..other.len())].to_owned());
        }
    }
    Document {
        body: paragraphs.join("\n\n"),
        ..base.clone()
    }
}

/// Writes `articles` raw items made from `documents` (those with a body) to `out`, one JSON line
/// each, in time order, the first story at [`start_time`]. `progress` is told about every item
/// written.
pub fn write(
    documents: &[Document],
    articles: usize,
    seed: u64,
    out: &mut impl Write,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<CorpusStats> {
    write_from(documents, articles, seed, start_time(), out, progress)
}

/// [`write`] with the first story at `start` (`wirefeed-bench pipeline` dates its corpus just before
/// the run, so the services' clock finds every article inside the dedup window).
pub fn write_from(
    documents: &[Document],
    articles: usize,
    seed: u64,
    start: DateTime<Utc>,
    out: &mut impl Write,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<CorpusStats> {
    let pool: Vec<&Document> = documents
        .iter()
        .filter(|d| !d.body.trim().is_empty())
        .collect();
    anyhow::ensure!(
        !pool.is_empty(),
        "no story with a body to build the corpus from"
    );
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut stats = CorpusStats::default();
    let mut queue: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
    let mut sequence = 0u64;
    let mut story_number = 0usize;
    while stats.items + queue.len() < articles {
        let round = story_number / pool.len();
        let index = story_number % pool.len();
        let time = start + chrono::Duration::seconds(story_number as i64 * STORY_SPACING_SECS);
        while queue.peek().is_some_and(|Reverse(p)| p.time <= time) {
            if let Some(Reverse(pending)) = queue.pop() {
                emit(&pending, &mut stats, out)?;
                progress.inc(1);
            }
        }
        let document = story(&mut rng, &pool, round, index);
        let key = if round == 0 {
            document.id.to_string()
        } else {
            format!("{}-r{round}", document.id)
        };
        if round == 0 {
            stats.real_stories += 1;
        } else {
            stats.remixed_stories += 1;
        }
        sequence += 1;
        queue.push(Reverse(Pending {
            time,
            sequence,
            kind: Kind::Original,
            source: AGENCY.to_owned(),
            uri: format!("urn:reuters21578:{key}"),
            headline: document.title.clone(),
            body: document.body.clone(),
        }));
        for placed in republish_story(&mut rng, &key, &document, &pool, time) {
            sequence += 1;
            queue.push(Reverse(Pending {
                time: placed.time,
                sequence,
                kind: match placed.copy.kind {
                    CopyKind::Pickup => Kind::Pickup,
                    CopyKind::AgencyUpdate => Kind::AgencyUpdate,
                },
                source: placed.source,
                uri: placed.uri,
                headline: placed.copy.headline,
                body: placed.copy.body,
            }));
        }
        story_number += 1;
    }
    while stats.items < articles {
        let Some(Reverse(pending)) = queue.pop() else {
            break;
        };
        emit(&pending, &mut stats, out)?;
        progress.inc(1);
    }
    // Stories counted above whose original was cut off at the end are not in the corpus.
    let originals_written = stats.items - stats.pickups - stats.agency_updates;
    let cut = (stats.real_stories + stats.remixed_stories).saturating_sub(originals_written);
    let from_remixed = cut.min(stats.remixed_stories);
    stats.remixed_stories -= from_remixed;
    stats.real_stories -= cut - from_remixed;
    out.flush()?;
    Ok(stats)
}

fn emit(pending: &Pending, stats: &mut CorpusStats, out: &mut impl Write) -> anyhow::Result<()> {
    let raw = raw_item(pending);
    let mut line = raw.encode();
    line.push(b'\n');
    out.write_all(&line)?;
    stats.items += 1;
    stats.bytes += line.len();
    match pending.kind {
        Kind::Original => {}
        Kind::Pickup => stats.pickups += 1,
        Kind::AgencyUpdate => stats.agency_updates += 1,
    }
    match raw.format {
        RawFormat::Rss => stats.rss_items += 1,
        _ => stats.ninjs_items += 1,
    }
    Ok(())
}

fn slug(uri: &str) -> String {
    uri.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The raw item the fetcher would publish for `pending`.
fn raw_item(pending: &Pending) -> RawItem {
    let time = pending.time;
    let (format, content_type, url, bytes) = if pending.source == AGENCY {
        let item = serde_json::json!({
            "uri": pending.uri,
            "type": "text",
            "version": "1",
            "firstCreated": time.to_rfc3339(),
            "versionCreated": time.to_rfc3339(),
            "pubStatus": "usable",
            "language": "en",
            "headlines": [{ "role": "main", "value": pending.headline }],
            "bodies": [{ "role": "main", "contentType": "text/html", "value": html_paragraphs(&pending.body) }],
        });
        (
            RawFormat::Ninjs,
            "application/json",
            format!(
                "https://agency.example.invalid/items/{}",
                slug(&pending.uri)
            ),
            serde_json::to_vec(&item).unwrap_or_default(),
        )
    } else {
        let site = format!("https://{}.example.invalid", pending.source);
        let link = format!("{site}/news/{}", slug(&pending.uri));
        let item = format!(
            "<item><title>{title}</title><link>{link}</link>\
             <guid isPermaLink=\"false\">{guid}</guid><pubDate>{date}</pubDate>\
             <description><![CDATA[{body}]]></description></item>\n",
            title = escape_xml(&pending.headline),
            guid = escape_xml(&pending.uri),
            date = time.to_rfc2822(),
            body = html_paragraphs(&pending.body).replace("]]>", "]]&gt;"),
        );
        let document = rss_document(
            &format!(
                "<title>{source} news</title><link>{site}/</link><description>News from {source}\
                 </description><language>en</language>",
                source = pending.source,
            ),
            [item.as_str()],
        );
        (
            RawFormat::Rss,
            "application/rss+xml",
            format!("{site}/rss.xml"),
            document.into_bytes(),
        )
    };
    RawItem::new(
        SourceId::from(pending.source.as_str()),
        pending.uri.clone(),
        format,
        Some(content_type.to_owned()),
        &bytes,
        time,
        OriginInfo::Http {
            url,
            status: 200,
            etag: None,
            last_modified: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_asked_number_of_items_in_time_order_with_copies() {
        let documents = crate::sample_documents(60);
        let mut out = Vec::new();
        let stats = write(
            &documents,
            300,
            7,
            &mut out,
            &indicatif::ProgressBar::hidden(),
        )
        .unwrap_or_default();
        assert_eq!(stats.items, 300);
        assert!(stats.pickups > 0 && stats.remixed_stories > 0);
        assert_eq!(stats.rss_items + stats.ninjs_items, 300);
        assert_eq!(stats.rss_items, stats.pickups);
        assert_eq!(
            stats.real_stories + stats.remixed_stories + stats.pickups + stats.agency_updates,
            300
        );
        let items: Vec<RawItem> = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .filter_map(|l| RawItem::decode(l).ok())
            .collect();
        assert_eq!(items.len(), 300);
        assert!(items.windows(2).all(|w| w[0].fetched_at <= w[1].fetched_at));
    }
}
