//! Place tagging: find every gazetteer name in the headline and body, decide which place each
//! one means (or that it is no place at all), and give every place a role.

use std::collections::{HashMap, HashSet};
use wire_model::{Evidence, EvidenceMatch, Place, Region};

use crate::dateline::resolve_dateline;
use crate::disambiguate::{Reading, read_mention};
use crate::gazetteer::{Gazetteer, NameKind, NameTarget, PlaceKind};
use crate::text::{
    CharCounter, Field, TagInput, at_word_boundaries, in_capitals_context, whole_word_matches,
};

/// The role of a place in a story (ninjs `rel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceRole {
    /// The place the story was filed from.
    Dateline,
    /// A place the story is about: in the headline, or among the most mentioned.
    About,
    Mentioned,
}

impl PlaceRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceRole::Dateline => "dateline",
            PlaceRole::About => "about",
            PlaceRole::Mentioned => "mentioned",
        }
    }
}

/// A country the story involves, with the role decided for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryTag {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    pub role: PlaceRole,
    /// Mentions of the country and of places in it.
    pub mentions: usize,
    /// The dateline place is in this country.
    pub dateline: bool,
}

/// What place tagging found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceTags {
    /// ninjs places: dateline first, then about, then mentioned.
    pub places: Vec<Place>,
    /// The M49 region of every country in `places`, in the same order.
    pub regions: Vec<Region>,
    /// One entry per place uri: the matched names and where they are.
    pub evidence: Vec<Evidence>,
    /// Country-level summary, the same order as `places`.
    pub countries: Vec<CountryTag>,
}

/// One matched name in one field (byte offsets).
#[derive(Debug, Clone, Copy)]
struct Mention {
    field: Field,
    start: usize,
    end: usize,
    pattern: u32,
    reading: Reading,
}

/// A mention resolved to one entity.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    mention: Mention,
    entity: u32,
}

/// What already-certain mentions say about the story's geography.
#[derive(Debug, Clone)]
struct Anchor {
    pattern: u32,
    entity: u32,
}

/// Tags the places of one article. Pure; never fails (unknown text just yields no places).
pub fn tag_places(gazetteer: &Gazetteer, input: &TagInput<'_>) -> PlaceTags {
    let mut mentions = find_mentions(gazetteer, Field::Headline, input.headline);
    mentions.extend(find_mentions(gazetteer, Field::Body, input.body));
    let dateline = resolve_dateline(gazetteer, input);

    let people: HashSet<u32> = mentions
        .iter()
        .filter(|m| m.reading.person_in_story)
        .map(|m| m.pattern)
        .collect();
    mentions.retain(|m| !m.reading.rejected && !people.contains(&m.pattern));

    let mut anchors: Vec<Anchor> = mentions
        .iter()
        .filter(|m| is_anchor(gazetteer, m))
        .filter_map(|m| {
            best_target(gazetteer, m, input, None).map(|(entity, _)| Anchor {
                pattern: m.pattern,
                entity,
            })
        })
        .collect();
    if let Some(hit) = &dateline {
        anchors.push(Anchor {
            pattern: u32::MAX,
            entity: hit.entity,
        });
    }
    let resolved: Vec<Resolved> = mentions
        .iter()
        .filter_map(|m| {
            let (entity, supported) = best_target(gazetteer, m, input, Some(&anchors))?;
            let keep = !m.reading.needs_support || supported || m.reading.locative;
            keep.then_some(Resolved {
                mention: *m,
                entity,
            })
        })
        .collect();
    crate::roles::assign_roles(
        gazetteer,
        input,
        &resolved_views(&resolved),
        dateline.as_ref(),
    )
}

/// The resolved mentions as the role step sees them.
fn resolved_views(resolved: &[Resolved]) -> Vec<crate::roles::ResolvedMention> {
    resolved
        .iter()
        .map(|r| crate::roles::ResolvedMention {
            field: r.mention.field,
            start: r.mention.start,
            end: r.mention.end,
            entity: r.entity,
        })
        .collect()
}

/// Every acceptable match of a gazetteer name in `text`, left to right, longest first.
///
/// Most words start with a lowercase letter, and [`case_fits`] rejects any name found there
/// unless the gazetteer spells it without a capital (a lowercase first letter is never in a
/// capitals context, and an exact-case name must then start with that lowercase letter). So
/// the whole gazetteer is only walked at such a word when one of the few uncapitalised names
/// starts there (`Gazetteer::uncapitalised`): the longest name there, which alone decides,
/// can only be accepted if it is one of them. The mentions found are the same.
fn find_mentions(gazetteer: &Gazetteer, field: Field, text: &str) -> Vec<Mention> {
    let mut mentions = Vec::new();
    let worth_trying = |position: usize, first: char| {
        !first.is_lowercase() || gazetteer.uncapitalised.longest_at(text, position).is_some()
    };
    whole_word_matches(
        &gazetteer.automaton,
        text,
        worth_trying,
        |start, end, pattern| {
            let accepted = at_word_boundaries(text, start, end)
                && case_fits(gazetteer, pattern, text, start, end);
            if accepted {
                let reading = read_mention(gazetteer, pattern, text, start, end);
                mentions.push(Mention {
                    field,
                    start,
                    end,
                    pattern,
                    reading,
                });
            }
            accepted
        },
    );
    mentions
}

/// Names are proper nouns: the match must be capitalised like the gazetteer spells it, unless
/// the words around it are all capitals (then short all-capital names such as `US` are skipped).
fn case_fits(gazetteer: &Gazetteer, pattern: u32, text: &str, start: usize, end: usize) -> bool {
    let matched = &text[start..end];
    let original = &gazetteer.original_names[pattern as usize];
    let exact_only = gazetteer.targets[pattern as usize]
        .iter()
        .all(|t| t.exact_case);
    if in_capitals_context(text, start, end) {
        return !(exact_only && matched.chars().filter(|c| c.is_alphabetic()).count() <= 3);
    }
    if exact_only {
        return matched == original;
    }
    matched
        .split(' ')
        .zip(original.split(' '))
        .all(|(seen, spelled)| {
            !crate::text::is_capitalised(spelled) || crate::text::is_capitalised(seen)
        })
}

/// A mention certain enough to support others: no ambiguity flag and no doubt from context.
fn is_anchor(gazetteer: &Gazetteer, mention: &Mention) -> bool {
    let flags = &gazetteer.flags[mention.pattern as usize];
    !flags.common_word && !flags.person_name && !mention.reading.needs_support
}

/// Picks the most likely entity for a mention: a prior from the kind of place and its
/// population, plus support from anchors in the same country, admin division or a neighbour.
/// Returns the entity and whether any anchor supported it. Without anchors (the first pass,
/// which finds the anchors) only priors count.
fn best_target(
    gazetteer: &Gazetteer,
    mention: &Mention,
    input: &TagInput<'_>,
    anchors: Option<&[Anchor]>,
) -> Option<(u32, bool)> {
    let first_pass = anchors.is_none();
    let anchors = anchors.unwrap_or_default();
    let text = match mention.field {
        Field::Headline => input.headline,
        _ => input.body,
    };
    let matched = &text[mention.start..mention.end];
    let all_capitals = !matched.chars().any(char::is_lowercase);
    let single_word = !matched.contains(' ');
    gazetteer.targets[mention.pattern as usize]
        .iter()
        .filter(|t| !t.exact_case || all_capitals)
        .filter_map(|t| {
            let (score, supported) = score_target(gazetteer, t, mention.pattern, anchors)?;
            let entity = gazetteer.entity(t.entity)?;
            let trusted_population = if t.how == NameKind::Alternate {
                crate::SMALL_CITY_POPULATION_BY_ALTERNATE_NAME
            } else {
                crate::SMALL_CITY_POPULATION
            };
            let small_city = entity.kind == PlaceKind::City
                && entity.population < trusted_population
                && single_word;
            if small_city && !mention.reading.locative && (first_pass || !supported) {
                return None;
            }
            Some((t.entity, score, supported))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(entity, _, supported)| (entity, supported))
}

fn score_target(
    gazetteer: &Gazetteer,
    target: &NameTarget,
    own_pattern: u32,
    anchors: &[Anchor],
) -> Option<(f64, bool)> {
    let entity = gazetteer.entity(target.entity)?;
    let mut score = match entity.kind {
        PlaceKind::Country => 10.0,
        PlaceKind::Admin1 => 8.0,
        PlaceKind::City => 2.0 * ((entity.population + 1) as f64).log10() - 2.0,
    };
    if target.how == NameKind::Alternate && entity.kind == PlaceKind::City {
        score -= 2.0;
    }
    let (mut same_country, mut same_admin1, mut subnational, mut neighbour) =
        (false, false, false, false);
    for anchor in anchors.iter().filter(|a| a.pattern != own_pattern) {
        let Some(other) = gazetteer.entity(anchor.entity) else {
            continue;
        };
        if other.country == entity.country {
            same_country = true;
            subnational |= other.kind != PlaceKind::Country;
            same_admin1 |= other.kind != PlaceKind::Country
                && !entity.admin1.is_empty()
                && other.admin1 == entity.admin1;
        } else if gazetteer.are_neighbours(&entity.country, &other.country) {
            neighbour = true;
        }
    }
    match entity.kind {
        PlaceKind::Country => {
            score += if same_country { 3.0 } else { 0.0 };
        }
        _ => {
            score += if subnational {
                3.0
            } else if same_country {
                1.0
            } else {
                0.0
            };
            score += if same_admin1 { 4.0 } else { 0.0 };
        }
    }
    score += if neighbour { 1.0 } else { 0.0 };
    Some((score, same_country || neighbour))
}

/// Builds evidence for one uri from byte ranges, converting to character offsets.
pub(crate) fn evidence_for(
    uri: String,
    input: &TagInput<'_>,
    hits: &[(Field, usize, usize)],
) -> Evidence {
    let mut sorted = hits.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut counters: HashMap<Field, CharCounter<'_>> = HashMap::new();
    let matches = sorted
        .iter()
        .filter_map(|&(field, start, end)| {
            let text = match field {
                Field::Headline => input.headline,
                Field::Body => input.body,
                Field::Dateline => input.dateline.or(input.located).unwrap_or(""),
            };
            let term = text.get(start..end)?.to_owned();
            let counter = counters
                .entry(field)
                .or_insert_with(|| CharCounter::new(text));
            let char_start = counter.chars_at(start);
            let char_end = counter.chars_at(end);
            Some(EvidenceMatch {
                term,
                field: field.as_str().to_owned(),
                start: char_start,
                end: char_end,
            })
        })
        .collect();
    Evidence {
        uri,
        matches,
        note: None,
    }
}
