//! Pure: what the pages show, built from the archive's hits: a family as one card (its
//! original, how many copies and from whom, first and latest copy), a story as its cards, the
//! badges of an article, times in words.

use crate::hits::{ArticleHit, FamilyView};
use chrono::{DateTime, Utc};
use serde::Serialize;
use wire_model::Change;

/// A label on a card: `update`, `correction`, `kill`, `embargo` (urgency has its own mark).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Badge {
    pub kind: &'static str,
    pub label: String,
}

/// One family on the wire.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Card {
    pub family: String,
    pub story: String,
    /// The original's newest version.
    pub lead: ArticleHit,
    /// Copies in the family, the original included.
    pub copies: usize,
    /// Where the original appeared ([`outlet`]).
    pub lead_outlet: String,
    /// Where the other copies appeared, in the order they came, each once.
    pub pickups_from: Vec<String>,
    pub first_time: DateTime<Utc>,
    pub latest_time: DateTime<Utc>,
    pub badges: Vec<Badge>,
    /// When the newest copy arrived (enriched, else fetched).
    pub arrived: DateTime<Utc>,
    /// The same in words (`4m ago`).
    pub age: String,
}

/// The families of one story shown together.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoryBlock {
    pub story: String,
    pub cards: Vec<Card>,
}

impl Card {
    /// The card of a family.
    pub fn of_family(family: &FamilyView, now: DateTime<Utc>) -> Self {
        let mut copies: Vec<&ArticleHit> = std::iter::once(&family.original)
            .chain(&family.pickups)
            .collect();
        copies.sort_by_key(|hit| hit.time);
        let mut pickups_from: Vec<String> = Vec::new();
        for hit in &family.pickups {
            let outlet = outlet(hit);
            if !pickups_from.contains(&outlet) {
                pickups_from.push(outlet);
            }
        }
        let first_time = copies.first().map_or(family.original.time, |hit| hit.time);
        let latest_time = copies.last().map_or(family.original.time, |hit| hit.time);
        let latest_arrival = copies
            .iter()
            .map(|hit| hit.enriched_at.unwrap_or(hit.fetched_at))
            .max()
            .unwrap_or(family.original.fetched_at);
        let mut badges = badges(&family.original, now);
        if family.killed && !badges.iter().any(|badge| badge.kind == "kill") {
            badges.insert(0, kill_badge());
        }
        Self {
            family: family.family.clone(),
            story: family.original.story.clone(),
            lead: family.original.clone(),
            lead_outlet: outlet(&family.original),
            copies: copies.len(),
            pickups_from,
            first_time,
            latest_time,
            badges,
            arrived: latest_arrival,
            age: ago(latest_arrival, now),
        }
    }

    /// The card of an article whose family the archive does not hold.
    pub fn of_hit(hit: &ArticleHit, now: DateTime<Utc>) -> Self {
        Self {
            family: hit.family.clone().unwrap_or_else(|| hit.uri.clone()),
            story: hit.story.clone(),
            lead: hit.clone(),
            lead_outlet: outlet(hit),
            copies: 1,
            pickups_from: Vec::new(),
            first_time: hit.time,
            latest_time: hit.time,
            badges: badges(hit, now),
            arrived: hit.enriched_at.unwrap_or(hit.fetched_at),
            age: ago(hit.enriched_at.unwrap_or(hit.fetched_at), now),
        }
    }
}

/// Where a copy appeared: the web site of its link (one drop folder or aggregator feed carries
/// many outlets), else its source.
pub fn outlet(hit: &ArticleHit) -> String {
    hit.link
        .as_deref()
        .and_then(|link| url::Url::parse(link).ok())
        .and_then(|url| {
            url.host_str()
                .map(|host| host.trim_start_matches("www.").to_owned())
        })
        .unwrap_or_else(|| hit.source.clone())
}

fn kill_badge() -> Badge {
    Badge {
        kind: "kill",
        label: "KILLED".to_owned(),
    }
}

/// The badges of one article version.
pub fn badges(hit: &ArticleHit, now: DateTime<Utc>) -> Vec<Badge> {
    let mut out = Vec::new();
    if hit.killed {
        out.push(kill_badge());
    }
    if let Some(until) = hit.embargoed_until.filter(|until| *until > now) {
        out.push(Badge {
            kind: "embargo",
            label: format!("EMBARGO until {}", until.format("%d %b %H:%M UTC")),
        });
    }
    let signalled = |name: &str| hit.signals.iter().any(|signal| signal == name);
    if signalled("correction") {
        out.push(Badge {
            kind: "correction",
            label: "CORRECTION".to_owned(),
        });
    }
    if hit.version > 1 || signalled("update") {
        out.push(Badge {
            kind: "update",
            label: format!("UPDATE {}", hit.version.max(2)),
        });
    }
    out
}

/// `12s ago`, `4m ago`, `3h ago`, `2d ago`; `in 5m` for a time ahead.
pub fn ago(time: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - time).num_seconds();
    let (amount, ahead) = (seconds.unsigned_abs(), seconds < 0);
    let words = match amount {
        0..=59 => format!("{amount}s"),
        60..=3_599 => format!("{}m", amount / 60),
        3_600..=86_399 => format!("{}h", amount / 3_600),
        _ => format!("{}d", amount / 86_400),
    };
    if ahead {
        format!("in {words}")
    } else {
        format!("{words} ago")
    }
}

/// What changed from the previous version, in a desk's words.
pub fn change_words(change: &Change) -> Vec<String> {
    let mut out = Vec::new();
    if change.kill {
        out.push("killed".to_owned());
    }
    if change.correction {
        out.push("correction".to_owned());
    }
    if change.headline_changed {
        out.push("headline rewritten".to_owned());
    }
    if change.lede_rewritten {
        out.push("lede rewritten".to_owned());
    }
    if change.urgency_raised {
        out.push("urgency raised".to_owned());
    }
    if change.paragraphs_added > 0 {
        out.push(format!("{} paragraph(s) added", change.paragraphs_added));
    }
    if change.paragraphs_removed > 0 {
        out.push(format!(
            "{} paragraph(s) removed",
            change.paragraphs_removed
        ));
    }
    if change.body_changed >= 0.005 {
        out.push(format!(
            "about {:.0}% of the text changed",
            change.body_changed * 100.0
        ));
    }
    if out.is_empty() {
        out.push("touched up".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn hit(uri: &str, source: &str, minute: u32) -> ArticleHit {
        let time = Utc
            .with_ymd_and_hms(2026, 12, 7, 9, minute, 0)
            .single()
            .unwrap_or_default();
        ArticleHit {
            uri: uri.to_owned(),
            version: 1,
            headline: "Ceasefire holds".to_owned(),
            source: source.to_owned(),
            agency: None,
            language: Some("en".to_owned()),
            urgency: Some(3),
            time,
            fetched_at: time,
            enriched_at: None,
            family: Some("f1".to_owned()),
            story: "s1".to_owned(),
            is_original: uri == "a",
            duplicate_of: None,
            killed: false,
            embargoed_until: None,
            link: None,
            signals: Vec::new(),
            topics: Vec::new(),
            places: Vec::new(),
        }
    }

    #[test]
    fn a_family_is_one_card_with_its_copies_and_who_picked_it_up() {
        let mut killed = hit("c", "outlet-b", 20);
        killed.killed = true;
        let family = FamilyView {
            family: "f1".to_owned(),
            original: hit("a", "afp", 0),
            versions: Vec::new(),
            pickups: vec![hit("b", "outlet-a", 10), killed],
            killed: true,
        };
        let now = family.original.time + chrono::Duration::minutes(30);
        let card = Card::of_family(&family, now);
        assert_eq!(card.copies, 3);
        assert_eq!(card.pickups_from, vec!["outlet-a", "outlet-b"]);
        let mut linked = hit("d", "aggregator", 1);
        linked.link = Some("https://www.example.org/news/1".to_owned());
        assert_eq!(outlet(&linked), "example.org");
        assert_eq!((card.latest_time - card.first_time).num_minutes(), 20);
        assert_eq!(card.badges[0].kind, "kill");
        assert_eq!(card.age, "10m ago");
    }

    #[test]
    fn badges_name_updates_corrections_and_a_future_embargo() {
        let mut update = hit("a", "afp", 0);
        update.version = 3;
        update.signals = vec!["correction".to_owned()];
        update.embargoed_until = Some(update.time + chrono::Duration::hours(2));
        let kinds: Vec<&str> = badges(&update, update.time)
            .iter()
            .map(|b| b.kind)
            .collect();
        assert_eq!(kinds, vec!["embargo", "correction", "update"]);
        let lifted = badges(&update, update.time + chrono::Duration::hours(3));
        assert!(!lifted.iter().any(|badge| badge.kind == "embargo"));
    }
}
