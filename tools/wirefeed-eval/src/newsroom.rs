//! `wirefeed-eval newsroom`: kills, embargoes, originals and stream time measured on held-out
//! real copy. The stream is Reuters-21578 with generated republications and editorial events
//! ([`wire_corpus::newsroom`]): agency originals recognisable as agency copy (no
//! `agency_sources` configured), outlet pickups, agency updates, kills with pickups on both
//! sides, embargoes with pickups and an agency update before the lift, and agency copy fetched
//! after a pickup. It runs through a fresh enricher twice, with every record it publishes
//! (`enrich_all`: kill notices and handovers too):
//!
//! - **live**: articles dated as written, fetched minutes later, enriched when fetched;
//! - **archive**: the article times (and embargoes) a year back, fetched and enriched at
//!   replay time, one second apart in the same order.
//!
//! Each run is checked ([`crate::newsroom_checks`]), and the two are compared: B-cubed F1 of
//! `wire.family` and `wire.story` against the gold stories, the agreement of the archive's
//! clusters with the live ones, and the share of articles whose lineage (is_original, family,
//! story) differs.

use crate::clusters::{Scores, b_cubed};
use crate::newsroom_checks::{Checks, GoldCopy, Published, check, latest_by_uri};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;
use wire_corpus::newsroom::{NewsroomStream, Role, StreamItem, newsroom_stream};
use wire_datasets::reuters::{Document, Split};
use wire_model::{Article, Body, Envelope, Headline, PubStatus, SourceId, WireMeta};
use wirefeed_enricher::{EnricherConfig, EnricherStage};

/// How far back the archive run dates its articles.
pub const ARCHIVE_SHIFT_DAYS: i64 = 365;

/// The figures of one run of the stream.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub timestamps: &'static str,
    pub records: usize,
    pub kill_notices: usize,
    pub seconds: f64,
    pub family_b_cubed: ScoresJson,
    pub story_b_cubed: ScoresJson,
    pub checks: Checks,
    pub violations: usize,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ScoresJson {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl From<Scores> for ScoresJson {
    fn from(s: Scores) -> Self {
        Self {
            precision: s.precision,
            recall: s.recall,
            f1: s.f1,
        }
    }
}

/// Archive against live.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Archive F1 minus live F1, against the gold stories.
    pub family_f1_difference: f64,
    pub story_f1_difference: f64,
    /// B-cubed of the archive's clusters with the live ones as gold.
    pub family_agreement: ScoresJson,
    pub story_agreement: ScoresJson,
    /// Inputs whose own record differs in (is_original, family, story), or is a re-send in
    /// one run only.
    pub articles_differing: usize,
    pub articles: usize,
    /// Uris whose latest record differs the same way.
    pub latest_records_differing: usize,
    pub uris: usize,
    pub examples: Vec<String>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct NewsroomReport {
    pub split: String,
    pub seed: u64,
    pub stories: usize,
    pub items: usize,
    pub copies: usize,
    pub pickups: usize,
    pub agency_updates: usize,
    pub kills: usize,
    pub embargoes: usize,
    pub late_agency_copies: usize,
    pub live: RunReport,
    pub archive: RunReport,
    pub comparison: Comparison,
}

impl NewsroomReport {
    pub fn violations(&self) -> usize {
        self.live.violations + self.archive.violations
    }
}

/// The enricher's input for `item`, its article times `shift` back.
fn envelope(item: &StreamItem, shift: Duration) -> Envelope {
    let article = Article {
        uri: item.uri.clone(),
        first_created: Some(item.first_created - shift),
        version_created: Some(item.version_created - shift),
        embargoed_until: item.embargoed_until.map(|until| until - shift),
        pub_status: Some(if item.canceled {
            PubStatus::Canceled
        } else {
            PubStatus::Usable
        }),
        copyright_holder: item.copyright_holder.clone(),
        headlines: vec![Headline::new(item.headline.clone())],
        bodies: vec![Body::plain_text(item.body.clone())],
        ..Article::default()
    };
    let wire = WireMeta {
        source: SourceId::from(item.source.as_str()),
        item_identity: item.uri.clone(),
        link: Some(item.link.clone()),
        credit: Some(item.credit.clone()),
        fetched_at: item.fetched_at,
        ..WireMeta::default()
    };
    Envelope::new(article, wire)
}

/// The inputs of a run: live, or the archive replayed after the live stream's end.
fn inputs(stream: &NewsroomStream, archive: bool) -> Vec<(Envelope, DateTime<Utc>)> {
    let replay_start = stream
        .items
        .last()
        .map_or(DateTime::<Utc>::UNIX_EPOCH, |i| i.fetched_at)
        + Duration::days(1);
    stream
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            if archive {
                let mut envelope = envelope(item, Duration::days(ARCHIVE_SHIFT_DAYS));
                let now = replay_start + Duration::seconds(index as i64);
                envelope.wire.fetched_at = now;
                (envelope, now)
            } else {
                (envelope(item, Duration::zero()), item.fetched_at)
            }
        })
        .collect()
}

/// Every record a fresh enricher publishes for `inputs`, with the seconds it took.
fn enrich(
    inputs: Vec<(Envelope, DateTime<Utc>)>,
    config: &EnricherConfig,
) -> (Vec<Published>, f64) {
    let mut stage = EnricherStage::new(config);
    let progress = wire_corpus::progress(inputs.len(), "enriching");
    let started = Instant::now();
    let mut records = Vec::new();
    for (input, (envelope, now)) in inputs.into_iter().enumerate() {
        progress.inc(1);
        records.extend(
            stage
                .enrich_all(envelope, now)
                .into_iter()
                .map(|envelope| Published { input, envelope }),
        );
    }
    progress.finish_and_clear();
    (records, started.elapsed().as_secs_f64())
}

type Lineage = (Option<bool>, Option<String>, Option<String>);

fn lineage(envelope: &Envelope) -> Lineage {
    (
        envelope.wire.is_original,
        envelope.wire.family.as_ref().map(|f| f.as_str().to_owned()),
        envelope.wire.story.clone(),
    )
}

/// Each input's own record (the first it caused), if it was not a re-send.
fn own_records(records: &[Published], inputs: usize) -> Vec<Option<&Envelope>> {
    let mut own = vec![None; inputs];
    for record in records {
        if record.envelope.wire.notice.is_none() && own[record.input].is_none() {
            own[record.input] = Some(&record.envelope);
        }
    }
    own
}

/// Each uri's latest (family, story), sorted by uri.
fn latest_clusters(records: &[Published]) -> Vec<(String, Lineage)> {
    let mut latest: Vec<(String, Lineage)> = latest_by_uri(records)
        .into_iter()
        .map(|(uri, record)| (uri.to_owned(), lineage(&record.envelope)))
        .collect();
    latest.sort();
    latest
}

fn run_report(
    timestamps: &'static str,
    records: &[Published],
    seconds: f64,
    gold: &HashMap<String, GoldCopy>,
    stream: &NewsroomStream,
    shift: Duration,
) -> RunReport {
    let latest = latest_clusters(records);
    let score = |pick: fn(&Lineage) -> Option<String>| -> ScoresJson {
        let labelled: Vec<(Option<String>, u32)> = latest
            .iter()
            .filter_map(|(uri, l)| gold.get(uri).map(|g| (pick(l), g.story)))
            .collect();
        b_cubed(&labelled).into()
    };
    let shifted: HashMap<String, GoldCopy> = gold
        .iter()
        .map(|(uri, copy)| {
            let mut copy = *copy;
            copy.published -= shift;
            (uri.clone(), copy)
        })
        .collect();
    let checks = check(records, &shifted, &stream.events, shift);
    RunReport {
        timestamps,
        records: records.len(),
        kill_notices: records
            .iter()
            .filter(|r| r.envelope.wire.notice.as_deref() == Some(wire_model::notice::KILL))
            .count(),
        seconds,
        family_b_cubed: score(|l| l.1.clone()),
        story_b_cubed: score(|l| l.2.clone()),
        violations: checks.violations(),
        checks,
    }
}

fn compare(
    live: &[Published],
    archive: &[Published],
    inputs: usize,
    live_report: &RunReport,
    archive_report: &RunReport,
) -> Comparison {
    let (live_own, archive_own) = (own_records(live, inputs), own_records(archive, inputs));
    let mut examples = Vec::new();
    let mut articles_differing = 0;
    for (l, a) in live_own.iter().zip(&archive_own) {
        let (l, a) = (l.map(lineage), a.map(lineage));
        if l != a {
            articles_differing += 1;
            if examples.len() < crate::newsroom_checks::EXAMPLES {
                examples.push(format!("live {l:?} archive {a:?}"));
            }
        }
    }
    let (live_latest, archive_latest) = (latest_clusters(live), latest_clusters(archive));
    let live_by_uri: HashMap<&str, &Lineage> =
        live_latest.iter().map(|(u, l)| (u.as_str(), l)).collect();
    let latest_records_differing = archive_latest
        .iter()
        .filter(|(uri, l)| live_by_uri.get(uri.as_str()) != Some(&l))
        .count()
        + live_latest.len().saturating_sub(archive_latest.len());
    let agreement = |pick: fn(&Lineage) -> Option<String>| -> ScoresJson {
        let pairs: Vec<(Option<String>, Option<String>)> = archive_latest
            .iter()
            .filter_map(|(uri, a)| live_by_uri.get(uri.as_str()).map(|l| (pick(a), pick(l))))
            .collect();
        b_cubed(&pairs).into()
    };
    Comparison {
        family_f1_difference: archive_report.family_b_cubed.f1 - live_report.family_b_cubed.f1,
        story_f1_difference: archive_report.story_b_cubed.f1 - live_report.story_b_cubed.f1,
        family_agreement: agreement(|l| l.1.clone()),
        story_agreement: agreement(|l| l.2.clone()),
        articles_differing,
        articles: inputs,
        latest_records_differing,
        uris: live_latest.len(),
        examples,
    }
}

/// Runs the evaluation on `split` of `documents`.
pub fn evaluate(
    documents: &[Document],
    split: Split,
    seed: u64,
    config: &EnricherConfig,
) -> NewsroomReport {
    let chosen: Vec<&Document> = documents.iter().filter(|d| d.split == split).collect();
    let stream = newsroom_stream(&chosen, seed);
    let gold: HashMap<String, GoldCopy> = stream
        .items
        .iter()
        .filter(|item| item.role != Role::Kill)
        .map(|item| {
            let copy = GoldCopy {
                story: item.story,
                role: item.role,
                published: item.version_created,
            };
            (item.uri.clone(), copy)
        })
        .collect();
    let count = |role: Role| stream.items.iter().filter(|i| i.role == role).count();
    let events = |pick: fn(&wire_corpus::newsroom::StoryEvents) -> bool| {
        stream.events.values().filter(|e| pick(e)).count()
    };
    let (live, live_seconds) = enrich(inputs(&stream, false), config);
    let (archive, archive_seconds) = enrich(inputs(&stream, true), config);
    let shift = Duration::days(ARCHIVE_SHIFT_DAYS);
    let live_report = run_report(
        "live",
        &live,
        live_seconds,
        &gold,
        &stream,
        Duration::zero(),
    );
    let archive_report = run_report("archive", &archive, archive_seconds, &gold, &stream, shift);
    let comparison = compare(
        &live,
        &archive,
        stream.items.len(),
        &live_report,
        &archive_report,
    );
    NewsroomReport {
        split: format!("{split:?}"),
        seed,
        stories: stream.stories,
        items: stream.items.len(),
        copies: gold.len(),
        pickups: count(Role::Pickup),
        agency_updates: count(Role::AgencyUpdate),
        kills: count(Role::Kill),
        embargoes: events(|e| e.embargoed_until.is_some()),
        late_agency_copies: events(|e| e.late_agency_copy),
        live: live_report,
        archive: archive_report,
        comparison,
    }
}
