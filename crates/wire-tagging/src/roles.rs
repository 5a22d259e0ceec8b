//! Roles: which resolved places a story is about, which it only mentions, where it was filed.

use std::collections::HashMap;
use wire_model::Place;

use crate::dateline::DatelineHit;
use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::places::{CountryTag, PlaceRole, PlaceTags, evidence_for};
use crate::text::{Field, TagInput};

/// A mention after disambiguation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResolvedMention {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub entity: u32,
    /// Named right after a word saying what the story is about (`sur la Syrie`).
    pub topical: bool,
}

/// A country is about-worthy with a score (mentions, +3 in the headline, +1 in the lead, +1
/// for the dateline) of at least this, and at least this share of the top country's score.
/// Chosen on Reuters-21578 TRAIN (micro-F1 0.917 about+dateline; 2.0/0.5 gave 0.907).
const ABOUT_MIN_SCORE: f64 = 3.0;
const ABOUT_SHARE_OF_TOP: f64 = 0.5;

/// A body mention this close to the start is in the lead.
const LEAD_BYTES: usize = 400;

#[derive(Debug, Default)]
struct Tally {
    hits: Vec<(Field, usize, usize)>,
    mentions: usize,
    in_headline: bool,
    in_lead: bool,
    is_dateline: bool,
    /// Named after an about word in the headline or the lead (`sur la Syrie`).
    topical: bool,
}

impl Tally {
    fn add(&mut self, field: Field, start: usize, end: usize, is_dateline: bool, topical: bool) {
        self.hits.push((field, start, end));
        if is_dateline {
            self.is_dateline = true;
            return;
        }
        self.mentions += 1;
        let in_lead = match field {
            Field::Headline => {
                self.in_headline = true;
                true
            }
            Field::Body => {
                self.in_lead |= start < LEAD_BYTES;
                start < LEAD_BYTES
            }
            Field::Dateline => false,
        };
        self.topical |= topical && in_lead;
    }

    fn score(&self) -> f64 {
        self.mentions as f64
            + if self.in_headline { 3.0 } else { 0.0 }
            + if self.is_dateline { 1.0 } else { 0.0 }
            + if self.in_lead { 1.0 } else { 0.0 }
    }
}

/// One place on its way out: its role, sort keys and evidence.
struct Row {
    role: PlaceRole,
    is_city: bool,
    score: f64,
    place: Place,
    hits: Vec<(Field, usize, usize)>,
    country: Option<CountryTag>,
}

pub(crate) fn assign_roles(
    gazetteer: &Gazetteer,
    input: &TagInput<'_>,
    resolved: &[ResolvedMention],
    dateline: Option<&DatelineHit>,
) -> PlaceTags {
    let (by_entity, by_country) = tally_mentions(gazetteer, resolved, dateline);
    let mut rows = country_rows(gazetteer, &by_country);
    let place_rows = place_rows(gazetteer, &by_entity, &rows);
    rows.extend(place_rows);
    rows.sort_by(|a, b| {
        (a.role, a.is_city)
            .cmp(&(b.role, b.is_city))
            .then(b.score.total_cmp(&a.score))
            .then(a.place.name.cmp(&b.place.name))
    });
    into_tags(gazetteer, input, rows)
}

/// The mentions (and the dateline) counted per place below country level and per country.
fn tally_mentions(
    gazetteer: &Gazetteer,
    resolved: &[ResolvedMention],
    dateline: Option<&DatelineHit>,
) -> (HashMap<u32, Tally>, HashMap<String, Tally>) {
    let mut by_entity: HashMap<u32, Tally> = HashMap::new();
    let mut by_country: HashMap<String, Tally> = HashMap::new();
    let mentions = resolved
        .iter()
        .map(|m| (m.entity, m.field, m.start, m.end, false, m.topical))
        .chain(dateline.map(|d| (d.entity, d.field, d.start, d.end, true, false)));
    for (entity_index, field, start, end, is_dateline, topical) in mentions {
        let Some(entity) = gazetteer.entity(entity_index) else {
            continue;
        };
        if entity.kind != PlaceKind::Country {
            by_entity
                .entry(entity_index)
                .or_default()
                .add(field, start, end, is_dateline, topical);
        }
        by_country.entry(entity.country.clone()).or_default().add(
            field,
            start,
            end,
            is_dateline,
            topical,
        );
    }
    (by_entity, by_country)
}

/// One row per country: `about` when in the headline, the only country, named after an about
/// word in the lead (`sur la Syrie`), or scoring close enough to the top one; else `mentioned`.
fn country_rows(gazetteer: &Gazetteer, by_country: &HashMap<String, Tally>) -> Vec<Row> {
    let best = by_country.values().map(Tally::score).fold(0.0, f64::max);
    let only_one_country = by_country.len() == 1;
    let mut rows: Vec<Row> = Vec::new();
    for (code, tally) in by_country {
        let Some(entity) = gazetteer.country(code) else {
            continue;
        };
        let about = tally.in_headline
            || only_one_country
            || tally.topical
            || tally.score() >= f64::max(ABOUT_MIN_SCORE, ABOUT_SHARE_OF_TOP * best);
        let role = if about {
            PlaceRole::About
        } else {
            PlaceRole::Mentioned
        };
        let tag = CountryTag {
            code: code.clone(),
            role,
            mentions: tally.mentions,
            dateline: tally.is_dateline,
        };
        rows.push(Row {
            role,
            is_city: false,
            score: tally.score(),
            place: place(entity, role),
            hits: tally.hits.clone(),
            country: Some(tag),
        });
    }
    rows
}

/// One row per place below country level: `dateline`, `about` (in the headline, or mentioned
/// three times in a country that is `about`), else `mentioned`.
fn place_rows(
    gazetteer: &Gazetteer,
    by_entity: &HashMap<u32, Tally>,
    country_rows: &[Row],
) -> Vec<Row> {
    let mut rows = Vec::new();
    for (&index, tally) in by_entity {
        let Some(entity) = gazetteer.entity(index) else {
            continue;
        };
        let country_about = country_rows.iter().any(|r| {
            r.country
                .as_ref()
                .is_some_and(|c| c.code == entity.country && c.role == PlaceRole::About)
        });
        let role = if tally.is_dateline {
            PlaceRole::Dateline
        } else if tally.in_headline || (tally.mentions >= 3 && country_about) {
            PlaceRole::About
        } else {
            PlaceRole::Mentioned
        };
        rows.push(Row {
            role,
            is_city: true,
            score: tally.score(),
            place: place(entity, role),
            hits: tally.hits.clone(),
            country: None,
        });
    }
    rows
}

/// The sorted rows as tags: places with their evidence, countries and their regions.
fn into_tags(gazetteer: &Gazetteer, input: &TagInput<'_>, rows: Vec<Row>) -> PlaceTags {
    let mut tags = PlaceTags::default();
    for Row {
        place,
        hits,
        country,
        ..
    } in rows
    {
        let uri = place.uri.clone().unwrap_or_default();
        tags.evidence.push(evidence_for(uri, input, &hits));
        if let Some(country) = country {
            if let Some(region) = gazetteer.region_of(&country.code) {
                tags.regions.push(region);
            }
            tags.countries.push(country);
        }
        tags.places.push(place);
    }
    tags
}

fn place(entity: &crate::gazetteer::PlaceEntity, role: PlaceRole) -> Place {
    Place {
        name: Some(entity.name.clone()),
        rel: Some(role.as_str().to_owned()),
        uri: Some(entity.uri()),
        literal: Some(entity.country.clone()),
        extra: Default::default(),
    }
}
