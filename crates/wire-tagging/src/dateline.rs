//! Datelines: `MOSCOW (AFP) -`, `SALVADOR, Feb 26 -`, ninjs `located`, or a dateline at the
//! head of the body when the caller has none.

use regex::Regex;
use std::sync::LazyLock;

use crate::fold::name_key;
use crate::gazetteer::{ANY_LANGUAGE, Gazetteer, LanguageId, PlaceKind};
use crate::text::{Field, TagInput};

/// The place a story was filed from, and where its name is (byte offsets in `field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DatelineHit {
    pub entity: u32,
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

/// A dateline opening a paragraph: a place in capitals, an optional `, date` or `(AGENCY)`, then
/// a dash.
#[allow(clippy::expect_used)] // a constant pattern, checked by the tests
static BODY_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t]*([A-Z][A-Z'.\-]*(?: [A-Z][A-Z'.\-]*){0,3})(?:, [A-Za-z][A-Za-z.]*(?: \d{1,2})?)?(?:\s\([A-Za-z][A-Za-z./\- ]{0,20}\))?\s?[-–—]\s",
    )
    .expect("the dateline pattern is valid")
});

/// The same in any script and in the forms agencies in other languages print:
/// `GENÈVE (AFP) -`, `MADRID, 5 dic (EFE).-`, `ROMA, 5 DIC - (ANSA)`, `بيروت (أ ف ب) -`. Used
/// for articles in a language other than English.
#[allow(clippy::expect_used)] // a constant pattern, checked by the tests
static BODY_DATELINE_ANY_SCRIPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t]*(\p{Lu}[\p{Lu}'.\-]*(?: \p{Lu}[\p{Lu}'.\-]*){0,3}|\p{Arabic}+(?: \p{Arabic}+){0,2})(?:,[^()\n\-–—]{1,30})?(?:\s?\([^)\n]{1,25}\))?\.?\s?[-–—]\s",
    )
    .expect("the dateline pattern is valid")
});

/// How far into the body a dateline is looked for (captions may come before it).
const BODY_DATELINE_WINDOW: usize = 2_000;

/// Finds the dateline place: from the printed dateline or `located` ([`printed_dateline`]), else
/// a dateline at the head of a body paragraph. A printed dateline and `located` are read alike: the place before
/// the first comma, narrowed by a region or country after it (`Paris, France`,
/// `SANTA CRUZ, Calif.`); a date after the comma (`PARIS, April 8`) is passed over.
pub(crate) fn resolve_dateline(
    gazetteer: &Gazetteer,
    input: &TagInput<'_>,
    language: LanguageId,
) -> Option<DatelineHit> {
    if let Some(dateline) = printed_dateline(input) {
        let (start, end) = place_part(dateline);
        let qualifier = qualifier_of(gazetteer, &dateline[end..], language);
        let home = input
            .dateline
            .and_then(credit_in)
            .and_then(national_agency_country);
        return lookup(
            gazetteer,
            &dateline[start..end],
            qualifier.as_ref(),
            home,
            language,
        )
        .or_else(|| qualifier.and_then(|q| q.entity))
        .map(|entity| DatelineHit {
            entity,
            field: Field::Dateline,
            start,
            end,
        });
    }
    let mut window = input.body.len().min(BODY_DATELINE_WINDOW);
    while !input.body.is_char_boundary(window) {
        window -= 1;
    }
    let pattern = if language == ANY_LANGUAGE {
        &BODY_DATELINE
    } else {
        &BODY_DATELINE_ANY_SCRIPT
    };
    pattern
        .captures_iter(&input.body[..window])
        .filter_map(|c| c.get(1))
        .find_map(|place| {
            lookup(gazetteer, place.as_str(), None, None, language).map(|entity| DatelineHit {
                entity,
                field: Field::Body,
                start: place.start(),
                end: place.end(),
            })
        })
}

/// The dateline text the place is read from (and [`Field::Dateline`] offsets point into): the
/// printed dateline, unless the normalizer's `located` says more about the same place
/// (`Mérida, Venezuela` from `MÉRIDA (Venezuela), 6 jul (EFE).-`) or the dateline has its
/// credit first (`(AGI) - Milano, 10 dic. -`); else `located`. A printed dateline naming
/// another place than `located` wins.
pub(crate) fn printed_dateline<'a>(input: &TagInput<'a>) -> Option<&'a str> {
    let place_key = |text: &str| {
        let (start, end) = place_part(text);
        name_key(&text[start..end])
    };
    let qualified_located = input.located.filter(|located| {
        located.contains(',')
            && input
                .dateline
                .is_none_or(|dateline| place_key(dateline) == place_key(located))
    });
    [qualified_located, input.dateline, input.located]
        .into_iter()
        .flatten()
        .find(|text| {
            let (start, end) = place_part(text);
            start < end
        })
}

/// The place name at the head of a dateline: up to the first comma, bracket or dash.
fn place_part(dateline: &str) -> (usize, usize) {
    let start = dateline.len() - dateline.trim_start().len();
    let rest = &dateline[start..];
    let cut = rest
        .find([',', '(', '-', '–', '—', '/', ':'])
        .unwrap_or(rest.len());
    let end = start + rest[..cut].trim_end().len();
    (start, end)
}

/// The region after the place in `SANTA CRUZ, Calif., Feb 26 -` or `Scarborough, Ontario`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Qualifier {
    country: String,
    admin1: String,
    /// The qualifier's own entity (the state or country), when the gazetteer has it.
    entity: Option<u32>,
}

fn qualifier_of(gazetteer: &Gazetteer, rest: &str, language: LanguageId) -> Option<Qualifier> {
    let rest = rest.trim_start();
    let part = match rest.strip_prefix('(') {
        Some(inside) => inside.split(')').next()?,
        None => rest.strip_prefix(',')?.split(',').next()?,
    }
    .trim();
    let part = part.split(" - ").next()?.trim();
    if let Some((country, admin1)) = gazetteer
        .dateline_qualifiers
        .get(&part.to_ascii_lowercase())
    {
        let entity = gazetteer.entities.iter().position(|e| {
            e.country == *country
                && if admin1.is_empty() {
                    e.kind == PlaceKind::Country
                } else {
                    e.kind == PlaceKind::Admin1 && e.admin1 == *admin1
                }
        });
        return Some(Qualifier {
            country: country.clone(),
            admin1: admin1.clone(),
            entity: entity.map(|i| i as u32),
        });
    }
    let pattern = *gazetteer.pattern_by_name.get(&name_key(part))?;
    let target = gazetteer.targets[pattern as usize]
        .iter()
        .filter(|t| t.counts(language, part))
        .filter_map(|t| gazetteer.entity(t.entity).map(|e| (t.entity, e)))
        .find(|(_, e)| e.kind != PlaceKind::City)?;
    Some(Qualifier {
        country: target.1.country.clone(),
        admin1: if target.1.kind == PlaceKind::Admin1 {
            target.1.admin1.clone()
        } else {
            String::new()
        },
        entity: Some(target.0),
    })
}

/// The agency in a printed dateline: `EFE` in `LEÓN, 23 feb (EFE).- ...`.
fn credit_in(dateline: &str) -> Option<&str> {
    let head = dateline.get(..dateline.len().min(120)).unwrap_or(dateline);
    let open = head.find('(')?;
    let inside = &head[open + 1..];
    Some(inside[..inside.find(')')?].trim())
}

/// The home country of a national agency, which writes its own country's cities without a
/// country (`LEÓN (EFE)` is León in Spain) and others' with one (`LEÓN (México)`). The world
/// agencies (AFP, AP, Reuters) name foreign capitals alone, so they have none here.
fn national_agency_country(credit: &str) -> Option<&'static str> {
    let agency = credit.split(['/', ',']).next()?.trim().to_ascii_lowercase();
    Some(match agency.as_str() {
        "dpa" | "epd" | "kna" | "ddp" => "DE",
        "efe" | "europa press" => "ES",
        "ansa" | "agi" | "adnkronos" | "askanews" => "IT",
        "lusa" => "PT",
        "anp" => "NL",
        "belga" => "BE",
        "apa" => "AT",
        "sda" | "keystone-sda" | "ats" => "CH",
        "agência brasil" | "agencia brasil" => "BR",
        _ => return None,
    })
}

/// A dateline names a city far more often than a country: the most populous city wins (within
/// the qualifier's country and state, if there is one; in a national agency's `home` country
/// first), then a first-level division, then a country.
fn lookup(
    gazetteer: &Gazetteer,
    name: &str,
    qualifier: Option<&Qualifier>,
    home: Option<&str>,
    language: LanguageId,
) -> Option<u32> {
    let key = name_key(name.trim().trim_end_matches('.'));
    let pattern = *gazetteer.pattern_by_name.get(&key)?;
    gazetteer.targets[pattern as usize]
        .iter()
        .filter(|t| t.counts(language, name))
        .filter_map(|t| gazetteer.entity(t.entity).map(|e| (t.entity, e)))
        .filter(|(_, e)| {
            qualifier.is_none_or(|q| {
                e.country == q.country && (q.admin1.is_empty() || e.admin1 == q.admin1)
            })
        })
        .max_by_key(|(_, e)| {
            let rank = match e.kind {
                PlaceKind::City => 2,
                PlaceKind::Admin1 => 1,
                PlaceKind::Country => 0,
            };
            let at_home = home.is_some_and(|home| e.country == home);
            (rank, at_home, e.population)
        })
        .map(|(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_part_of_datelines() {
        let part = |d: &'static str| {
            let (s, e) = place_part(d);
            &d[s..e]
        };
        assert_eq!(part("  SALVADOR, Feb 26 - "), "SALVADOR");
        assert_eq!(part("MOSCOW (AFP) -"), "MOSCOW");
        assert_eq!(part("NEW YORK"), "NEW YORK");
    }

    #[test]
    fn body_datelines_are_found_after_captions() {
        let body = "A caption line.PHOTO: AGENCY\n\nMOSCOW (AFP) - The envoy met the president.";
        let found = BODY_DATELINE.captures(body).and_then(|c| c.get(1));
        assert_eq!(found.map(|m| m.as_str()), Some("MOSCOW"));
        let reuters = "SAN SALVADOR, March 3 - Coffee exports rose.";
        let found = BODY_DATELINE.captures(reuters).and_then(|c| c.get(1));
        assert_eq!(found.map(|m| m.as_str()), Some("SAN SALVADOR"));
    }

    #[test]
    fn body_datelines_in_other_languages_and_scripts() {
        for (body, place) in [
            ("GENÈVE (AFP) - Les pourparlers ont repris.", "GENÈVE"),
            ("MADRID, 5 dic (EFE).- El Gobierno aprobó.", "MADRID"),
            ("ROMA, 5 DIC - (ANSA) - Il governo ha approvato.", "ROMA"),
            ("PARIS, 5 déc 2026 (AFP) - Le gouvernement.", "PARIS"),
            ("بيروت (أ ف ب) - قال مسؤولون", "بيروت"),
        ] {
            let found = BODY_DATELINE_ANY_SCRIPT
                .captures(body)
                .and_then(|c| c.get(1));
            assert_eq!(found.map(|m| m.as_str()), Some(place), "{body}");
        }
    }
}
