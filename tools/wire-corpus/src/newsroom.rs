//! Pure: the newsroom stream of `wirefeed-eval newsroom`. Real wire stories, each sent by the
//! agency as a real feed sends it (source `reuters-wire`, credit and copyright `Reuters`, a
//! `reuters.com` link), picked up by outlets (their own sources and link hosts, credited to
//! the agency) and updated by the agency ([`crate::republish`] writes the copies), with the
//! editorial events a desk must honour, each drawn for about one story in ten and
//! independently of the others:
//!
//! - **kills**: the agency kills its original (same `uri`, `pubStatus: canceled`, a kill
//!   advisory, a later `versionCreated`) between its first and its last pickup, so some
//!   pickups come before the kill and some after it;
//! - **embargoes**: the original carries `embargoedUntil` between its first and its last
//!   pickup, and the agency sends an update before the lift without repeating the embargo;
//! - **late agency copy**: the agency's feed is fetched after an outlet's pickup (the
//!   original's `firstCreated` is earlier, its fetch later), so the original must be handed
//!   over to it.
//!
//! Every item knows its gold story and role; the stream is in fetch order. Seeded: the same
//! seed gives the same stream.

use crate::republish::{self, CopyKind};
use chrono::{DateTime, Duration, TimeZone as _, Utc};
use std::collections::HashMap;
use wire_datasets::reuters::Document;

/// The agency's own feed.
pub const AGENCY_SOURCE: &str = "reuters-wire";
/// The agency's name as its copy and the outlets credit it.
pub const AGENCY_NAME: &str = "Reuters";

/// What an item of the stream is to its story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Role {
    /// The agency's first copy of the story.
    Original,
    /// A later real story with word for word the same text (a re-send under a new id).
    AgencyResend,
    /// An agency update sent as a new item (`UPDATE 1-`).
    AgencyUpdate,
    /// An outlet's copy.
    Pickup,
    /// The agency's kill of its original (the original's `uri`).
    Kill,
}

impl Role {
    /// Whether the copy comes from the agency itself.
    pub fn from_agency(self) -> bool {
        !matches!(self, Role::Pickup)
    }
}

/// One item of the stream, as the normalizer would hand it to the enricher.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamItem {
    /// The gold story (the Reuters id of its first document).
    pub story: u32,
    pub role: Role,
    pub uri: String,
    pub source: String,
    pub link: String,
    pub credit: String,
    pub copyright_holder: Option<String>,
    pub headline: String,
    pub body: String,
    pub first_created: DateTime<Utc>,
    pub version_created: DateTime<Utc>,
    pub fetched_at: DateTime<Utc>,
    pub embargoed_until: Option<DateTime<Utc>>,
    pub canceled: bool,
}

/// The editorial events drawn for one story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoryEvents {
    /// When the agency killed it (`versionCreated` of the kill).
    pub killed_at: Option<DateTime<Utc>>,
    pub embargoed_until: Option<DateTime<Utc>>,
    /// The agency's original was fetched after an outlet's pickup.
    pub late_agency_copy: bool,
}

/// The stream and what was drawn for each story.
#[derive(Debug, Clone, Default)]
pub struct NewsroomStream {
    /// In fetch order.
    pub items: Vec<StreamItem>,
    pub events: HashMap<u32, StoryEvents>,
    /// Stories in the stream (documents with a date and a body, re-sends folded in).
    pub stories: usize,
    /// Real re-sends left out because they came after their story's kill.
    pub resends_after_a_kill: usize,
}

/// How often each event is drawn, as one story in `one_in`.
pub const ONE_IN: u8 = 10;

/// The stream of `documents` (one split, in collection order) with `seed`.
pub fn newsroom_stream(documents: &[&Document], seed: u64) -> NewsroomStream {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut stream = NewsroomStream::default();
    let mut first_with_text: HashMap<String, u32> = HashMap::new();
    for document in documents {
        let (Some(date), false) = (document.date, document.body.trim().is_empty()) else {
            continue;
        };
        let time = Utc.from_utc_datetime(&date);
        let story = *first_with_text
            .entry(text_key(document))
            .or_insert(document.id);
        if story != document.id {
            let mut resend = agency_item(story, Role::AgencyResend, document, time);
            resend.uri = format!("urn:reuters21578:{}", document.id);
            resend.fetched_at = time + Duration::seconds(rng.i64(0..=120));
            // The agency sending a killed story again as usable lifts its kill: that is a
            // reinstatement, not a kill to check, so such re-sends stay out of the stream.
            let killed_before = stream
                .events
                .get(&story)
                .and_then(|events| events.killed_at)
                .is_some_and(|killed_at| killed_at <= resend.version_created);
            if killed_before {
                stream.resends_after_a_kill += 1;
            } else {
                stream.items.push(resend);
            }
            continue;
        }
        stream.stories += 1;
        story_items(&mut rng, document, documents, time, &mut stream);
    }
    stream
        .items
        .sort_by(|a, b| (a.fetched_at, &a.uri).cmp(&(b.fetched_at, &b.uri)));
    stream
}

/// Identical texts are one story: words of headline and body, lowercased.
fn text_key(document: &Document) -> String {
    format!("{} {}", document.title, document.body)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn agency_item(story: u32, role: Role, document: &Document, time: DateTime<Utc>) -> StreamItem {
    StreamItem {
        story,
        role,
        uri: format!("urn:reuters21578:{story}"),
        source: AGENCY_SOURCE.to_owned(),
        link: format!("https://www.reuters.com/article/idUS{story}"),
        credit: AGENCY_NAME.to_owned(),
        copyright_holder: Some(AGENCY_NAME.to_owned()),
        headline: document.title.clone(),
        body: document.body.clone(),
        first_created: time,
        version_created: time,
        fetched_at: time,
        embargoed_until: None,
        canceled: false,
    }
}

/// The original, its copies and its events, pushed onto `stream`.
fn story_items(
    rng: &mut fastrand::Rng,
    document: &Document,
    pool: &[&Document],
    time: DateTime<Utc>,
    stream: &mut NewsroomStream,
) {
    let story = document.id;
    let mut original = agency_item(story, Role::Original, document, time);
    original.fetched_at = time + Duration::seconds(rng.i64(0..=120));
    let long_enough = document.body.split_whitespace().count() >= republish::MIN_WORDS_FOR_COPIES
        && !pool.is_empty();
    let (kill, embargo, late) = (
        rng.u8(..ONE_IN) == 0,
        rng.u8(..ONE_IN) == 0,
        rng.u8(..ONE_IN) == 0,
    );
    let (kill, embargo, late) = (
        kill && long_enough,
        embargo && long_enough,
        late && long_enough,
    );
    let mut copies = Vec::new();
    if long_enough {
        let paragraphs = document.paragraphs();
        let other = pool[rng.usize(..pool.len())].paragraphs();
        let other = other
            .first()
            .copied()
            .unwrap_or("Markets were closed on Monday.");
        let pickups = if kill || embargo || late {
            rng.usize(2..=4)
        } else {
            rng.usize(0..=3)
        };
        let update = embargo || rng.u8(..10) == 0;
        copies = republish::copies(rng, &document.title, &paragraphs, other, pickups, update);
    }
    let mut items: Vec<StreamItem> = copies
        .into_iter()
        .enumerate()
        .map(|(n, copy)| {
            let published = time + Duration::seconds(copy.delay_seconds);
            let mut item = agency_item(story, Role::Pickup, document, published);
            item.first_created = published;
            item.headline = copy.headline;
            item.body = copy.body;
            item.fetched_at = published + Duration::seconds(rng.i64(0..=600));
            match copy.kind {
                CopyKind::Pickup => {
                    let outlet = rng.u8(1..=republish::OUTLETS);
                    item.uri = format!("https://www.outlet{outlet}.example/world/{story}-{n}");
                    item.link = item.uri.clone();
                    item.source = format!("outlet-{outlet}");
                    item.copyright_holder = Some(format!("Outlet {outlet} Media"));
                }
                CopyKind::AgencyUpdate => {
                    item.role = Role::AgencyUpdate;
                    item.uri = format!("urn:reuters21578:{story}:update-{n}");
                    item.link = format!("https://www.reuters.com/article/idUS{story}-{n}");
                }
            }
            item
        })
        .collect();
    let pickup_times = {
        let mut times: Vec<DateTime<Utc>> = items
            .iter()
            .filter(|i| i.role == Role::Pickup)
            .map(|i| i.version_created)
            .collect();
        times.sort();
        times
    };
    let mut events = StoryEvents::default();
    if late
        && let Some(first_fetch) = items
            .iter()
            .filter(|i| i.role == Role::Pickup)
            .map(|i| i.fetched_at)
            .min()
    {
        events.late_agency_copy = true;
        original.fetched_at = first_fetch + Duration::seconds(rng.i64(60..=3600));
        for update in items.iter_mut().filter(|i| i.role == Role::AgencyUpdate) {
            update.fetched_at = update
                .fetched_at
                .max(original.fetched_at + Duration::seconds(60));
        }
    }
    if embargo {
        let until = between_first_and_last(rng, &pickup_times);
        original.embargoed_until = Some(until);
        events.embargoed_until = Some(until);
        // The agency's update before the lift, without repeating the embargo.
        let span = (until - time).num_seconds();
        for update in items.iter_mut().filter(|i| i.role == Role::AgencyUpdate) {
            let published = time + Duration::seconds(rng.i64(span / 4..=span * 3 / 4));
            update.first_created = published;
            update.version_created = published;
            update.fetched_at = (published + Duration::seconds(rng.i64(0..=120)))
                .max(original.fetched_at + Duration::seconds(60));
        }
    }
    if kill {
        let killed_at = between_first_and_last(rng, &pickup_times)
            .max(original.fetched_at + Duration::seconds(60));
        events.killed_at = Some(killed_at);
        // The agency updates before it kills, never after.
        for update in items.iter_mut().filter(|i| i.role == Role::AgencyUpdate) {
            if update.fetched_at >= killed_at {
                update.version_created = time + (killed_at - time) / 2;
                update.first_created = update.version_created;
                update.fetched_at = update
                    .version_created
                    .max(original.fetched_at + Duration::seconds(30));
            }
        }
        let mut kill = original.clone();
        kill.role = Role::Kill;
        kill.canceled = true;
        kill.embargoed_until = None;
        kill.headline = format!("KILL - {}", document.title);
        kill.body = format!(
            "Editors: the story headlined \"{}\" is withdrawn. It must not be published or used. A replacement story will not be issued.",
            document.title
        );
        kill.version_created = killed_at;
        kill.fetched_at = killed_at + Duration::seconds(rng.i64(0..=120));
        items.push(kill);
    }
    if events != StoryEvents::default() {
        stream.events.insert(story, events);
    }
    stream.items.push(original);
    stream.items.extend(items);
}

/// A time strictly between the first and the last of `times` (sorted, at least two), else an
/// hour after the first.
fn between_first_and_last(rng: &mut fastrand::Rng, times: &[DateTime<Utc>]) -> DateTime<Utc> {
    match (times.first(), times.last()) {
        (Some(first), Some(last)) if (*last - *first).num_seconds() > 2 => {
            *first + Duration::seconds(rng.i64(1..(*last - *first).num_seconds()))
        }
        (Some(first), _) => *first + Duration::hours(1),
        _ => DateTime::<Utc>::UNIX_EPOCH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample_documents;

    fn dated(count: usize) -> Vec<Document> {
        let start = Utc.with_ymd_and_hms(1987, 3, 2, 9, 0, 0).unwrap();
        sample_documents(count)
            .into_iter()
            .enumerate()
            .map(|(i, mut d)| {
                d.date = Some((start + Duration::minutes(7 * i as i64)).naive_utc());
                d
            })
            .collect()
    }

    fn stream(count: usize, seed: u64) -> NewsroomStream {
        let documents = dated(count);
        let refs: Vec<&Document> = documents.iter().collect();
        newsroom_stream(&refs, seed)
    }

    #[test]
    fn the_same_seed_gives_the_same_stream_in_fetch_order() {
        let (a, b) = (stream(60, 3), stream(60, 3));
        assert_eq!(a.items, b.items);
        assert_eq!(a.stories, 60);
        assert!(
            a.items
                .windows(2)
                .all(|w| w[0].fetched_at <= w[1].fetched_at)
        );
        assert!(
            a.items
                .iter()
                .all(|i| i.role.from_agency() == (i.source == AGENCY_SOURCE))
        );
        assert!(
            a.items
                .iter()
                .filter(|i| i.role == Role::Pickup)
                .all(|i| { i.credit == AGENCY_NAME && i.link.starts_with("https://www.outlet") })
        );
    }

    #[test]
    fn kills_fall_between_pickups_and_nothing_of_the_agency_follows_them() {
        let stream = stream(300, 11);
        let kills: Vec<(&u32, DateTime<Utc>)> = stream
            .events
            .iter()
            .filter_map(|(story, events)| events.killed_at.map(|at| (story, at)))
            .collect();
        assert!(!kills.is_empty());
        for (story, killed_at) in kills {
            if stream.events[story].late_agency_copy {
                continue;
            }
            let items: Vec<&StreamItem> =
                stream.items.iter().filter(|i| i.story == *story).collect();
            let kill = items.iter().find(|i| i.role == Role::Kill).unwrap();
            let original = items.iter().find(|i| i.role == Role::Original).unwrap();
            assert_eq!(kill.uri, original.uri);
            assert!(kill.canceled && kill.version_created == killed_at);
            assert!(
                items
                    .iter()
                    .any(|i| i.role == Role::Pickup && i.version_created < killed_at)
            );
            assert!(
                items
                    .iter()
                    .any(|i| i.role == Role::Pickup && i.version_created > killed_at)
            );
            assert!(
                items
                    .iter()
                    .filter(|i| i.role == Role::AgencyUpdate)
                    .all(|u| u.fetched_at < kill.fetched_at)
            );
        }
    }

    #[test]
    fn embargoes_have_pickups_on_both_sides_and_an_update_before_the_lift() {
        let stream = stream(300, 5);
        let mut seen = 0;
        for (story, events) in &stream.events {
            let Some(until) = events.embargoed_until else {
                continue;
            };
            seen += 1;
            let items: Vec<&StreamItem> =
                stream.items.iter().filter(|i| i.story == *story).collect();
            assert!(
                items
                    .iter()
                    .any(|i| i.role == Role::Pickup && i.version_created < until)
            );
            assert!(
                items
                    .iter()
                    .any(|i| i.role == Role::Pickup && i.version_created > until)
            );
            let update = items.iter().find(|i| i.role == Role::AgencyUpdate).unwrap();
            assert!(update.version_created < until && update.embargoed_until.is_none());
        }
        assert!(seen > 0);
    }

    #[test]
    fn a_late_agency_copy_is_fetched_after_a_pickup_but_written_first() {
        let stream = stream(300, 8);
        let late: Vec<&u32> = stream
            .events
            .iter()
            .filter(|(_, e)| e.late_agency_copy)
            .map(|(s, _)| s)
            .collect();
        assert!(!late.is_empty());
        for story in late {
            let items: Vec<&StreamItem> =
                stream.items.iter().filter(|i| i.story == *story).collect();
            let original = items.iter().find(|i| i.role == Role::Original).unwrap();
            let first_pickup = items
                .iter()
                .filter(|i| i.role == Role::Pickup)
                .min_by_key(|i| i.fetched_at)
                .unwrap();
            assert!(original.fetched_at > first_pickup.fetched_at);
            assert!(original.first_created < first_pickup.first_created);
        }
    }
}
