//! Place tagging: find every gazetteer name in the headline and body, decide which place each
//! one means (or that it is no place at all), and give every place a role.

use std::collections::HashSet;
use wire_model::{Evidence, EvidenceMatch, Place, Region};

use crate::dateline::resolve_dateline;
use crate::disambiguate::{Reading, read_mention};
use crate::gazetteer::{Gazetteer, LanguageId, NameKind, NameTarget, PlaceKind};
use crate::scan::{Prepared, ScanKind, WordStart, candidates, replay};
use crate::text::{CharCounter, Field, TagInput, in_capitals_context};

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
    tag_places_prepared(gazetteer, input, &Prepared::new(input, None))
}

/// [`tag_places`] over the text folded (and its paragraphs walked, or found walked) once for
/// every tagger.
pub(crate) fn tag_places_prepared(
    gazetteer: &Gazetteer,
    input: &TagInput<'_>,
    prepared: &Prepared<'_>,
) -> PlaceTags {
    let language = gazetteer.language_id(input.language);
    let mut mentions = find_mentions(
        gazetteer,
        prepared,
        Field::Headline,
        input.headline,
        language,
    );
    mentions.extend(find_mentions(
        gazetteer,
        prepared,
        Field::Body,
        input.body,
        language,
    ));
    let dateline = resolve_dateline(gazetteer, input, language);

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
            best_target(gazetteer, m, input, None, language).map(|(entity, _)| Anchor {
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
            let (entity, supported) = best_target(gazetteer, m, input, Some(&anchors), language)?;
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
            topical: r.mention.reading.topical,
        })
        .collect()
}

/// Every acceptable match of a gazetteer name in `text`, left to right, longest first, for an
/// article in `language`.
///
/// The text is folded first (`Folded`: accents, Arabic letter forms; once for every tagger, in
/// `prepared`) and matched against the folded names, through the candidates of its paragraphs
/// (`scan.rs`: walked once per distinct paragraph, then replayed); every offset is mapped back
/// to `text` before the match is read, so the case and context checks and the evidence see the
/// text as it came.
///
/// Most words start with a lowercase letter, and [`case_fits`] rejects any name found there
/// unless the gazetteer spells it without a capital (a lowercase first letter is never in a
/// capitals context, and an exact-case name must then start with that lowercase letter). So
/// the whole gazetteer is only walked at such a word when one of the few uncapitalised names
/// starts there (`Gazetteer::uncapitalised`): the longest name there, which alone decides,
/// can only be accepted if it is one of them. The mentions found are the same.
///
/// German and Dutch names also match with a genitive `s` (`Syriens`, `Deutschlands`); Arabic
/// names also match after the attached prefixes (`وسوريا`, `بسوريا`, `لسوريا`, `السوري`).
fn find_mentions(
    gazetteer: &Gazetteer,
    prepared: &Prepared<'_>,
    field: Field,
    text: &str,
    language: LanguageId,
) -> Vec<Mention> {
    let folded = &prepared.field(field).folded;
    let matched = folded.text();
    let genitive_s = gazetteer.takes_genitive_s(language);
    let mut mentions = Vec::new();
    // The filter of first words says no to most lowercase words without walking.
    let worth_trying = |text: &str, start: &WordStart| {
        !start.first.is_lowercase()
            || (gazetteer.uncapitalised.may_start_with(&start.hash)
                && gazetteer
                    .uncapitalised
                    .longest_at(text, start.position)
                    .is_some())
    };
    let by_paragraph =
        !(gazetteer.automaton.spans_lines() || gazetteer.uncapitalised.spans_lines());
    let found = prepared.candidates(
        field,
        ScanKind::Places(genitive_s),
        by_paragraph,
        |text, starts| candidates(&gazetteer.automaton, text, starts, genitive_s, worth_trying),
    );
    let accept = |start: usize,
                  end: usize,
                  pattern: u32,
                  after_prefix: bool,
                  mentions: &mut Vec<Mention>| {
        let counts = |start: usize, end: usize, pattern: u32| {
            let seen = &text[folded.original(start)..folded.original(end)];
            gazetteer.targets[pattern as usize]
                .iter()
                .any(|t| t.counts(language, seen))
        };
        // The longest name there may not count here (French `syriens` in German `Syriens`,
        // `San José de ...` in plain ASCII): then the longest shorter name that does.
        let mut candidate = Some((end, pattern));
        while let Some((end, pattern)) = candidate {
            if counts(start, end, pattern) {
                break;
            }
            let shorter_haystack = matched[..end]
                .char_indices()
                .next_back()
                .map(|(i, _)| i)
                .filter(|&cut| cut > start);
            candidate = shorter_haystack
                .and_then(|cut| gazetteer.automaton.longest_at(&matched[..cut], start))
                .map(|m| (m.end(), m.pattern().as_u32()));
        }
        let Some((end, pattern)) = candidate else {
            return false;
        };
        let Some(word_end) = word_end(matched, start, end, genitive_s, after_prefix) else {
            return false;
        };
        if word_end != end
            && gazetteer
                .never_words
                .contains(&matched[start..word_end].to_ascii_lowercase())
        {
            return false; // `Hamas` is not the genitive of Hama
        }
        let (start, name_end, end) = (
            folded.original(start),
            folded.original(end),
            folded.original(word_end),
        );
        let accepted = case_fits(gazetteer, pattern, text, start, name_end, language);
        if accepted {
            let reading = read_mention(gazetteer, pattern, text, start, end, language);
            mentions.push(Mention {
                field,
                start,
                end,
                pattern,
                reading,
            });
        }
        accepted
    };
    replay(&found, |start, end, pattern| {
        accept(start, end, pattern, false, &mut mentions)
    });
    if has_arabic_letters(matched) {
        let mut found = Vec::new();
        for (start, end, pattern) in arabic_prefixed_matches(gazetteer, matched) {
            let original_start = folded.original(start);
            let covered = mentions
                .iter()
                .any(|m| m.start <= original_start && original_start < m.end);
            if !covered {
                accept(start, end, pattern, true, &mut found);
            }
        }
        mentions.extend(found);
        mentions.sort_by_key(|m| m.start);
    }
    mentions
}

/// Where the word a name matched at `text[start..end]` ends: at the name, or after a genitive
/// `s` (`Syriens`) where `genitive_s`; `None` if the name runs into a longer word. After an
/// attached prefix (`after_prefix`) the name starts inside its word.
fn word_end(
    text: &str,
    start: usize,
    end: usize,
    genitive_s: bool,
    after_prefix: bool,
) -> Option<usize> {
    let before = text[..start].chars().next_back();
    let starts_alone = after_prefix || !before.is_some_and(crate::text::is_word_char);
    if !starts_alone {
        return None;
    }
    let after = text[end..].chars().next();
    if !after.is_some_and(crate::text::is_word_char) {
        return Some(end);
    }
    if !genitive_s {
        return None;
    }
    let name_ends_in_s = text[..end]
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, 's' | 'S' | 'x' | 'X' | 'z' | 'Z'));
    let after_s = text[end..].strip_prefix('s')?;
    let standalone = !after_s
        .chars()
        .next()
        .is_some_and(crate::text::is_word_char);
    (standalone && !name_ends_in_s).then_some(end + 1)
}

/// Arabic prefixes written together with the next word: and, so, with/in, for/to, like, the,
/// and their combinations. Shortest first: the first one after which a name stands alone wins.
const ARABIC_PREFIXES: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "ال", "وب", "ول", "فب", "فل", "وك", "لل", "وال", "فال", "بال", "كال",
    "ولل", "وبال",
];

fn has_arabic_letters(text: &str) -> bool {
    text.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c))
}

/// Names found after an attached Arabic prefix at a word start (`بسوريا` → `سوريا`), as
/// (start, end, pattern) in `text`; the name must end where the word ends and keep at least
/// three letters.
fn arabic_prefixed_matches(gazetteer: &Gazetteer, text: &str) -> Vec<(usize, usize, u32)> {
    let mut found = Vec::new();
    let mut after_word_char = false;
    for (position, c) in text.char_indices() {
        let word_start = !after_word_char;
        after_word_char = crate::text::is_word_char(c);
        if !word_start || !matches!(c, 'و' | 'ف' | 'ب' | 'ل' | 'ك' | 'ا') {
            continue;
        }
        let rest = &text[position..];
        let hit = ARABIC_PREFIXES.iter().find_map(|prefix| {
            let name_start = position + prefix.len();
            rest.strip_prefix(prefix)?;
            if text[name_start..].chars().take(3).count() < 3
                || !gazetteer.automaton.may_start_at(text, name_start)
            {
                return None;
            }
            let found = gazetteer.automaton.longest_at(text, name_start)?;
            let standalone = !text[found.end()..]
                .chars()
                .next()
                .is_some_and(crate::text::is_word_char);
            // The article makes an adjective of a demonym or a country's name (`السوري`,
            // `السورية`), but a city's name that does not carry it is another word with it
            // (`الحمص`, chickpeas, is not Homs).
            let with_article = prefix.ends_with("ال") || prefix.ends_with("لل");
            let adjective = gazetteer.targets[found.pattern().as_usize()]
                .iter()
                .any(|t| {
                    t.how == NameKind::Demonym
                        || gazetteer.entities[t.entity as usize].kind == PlaceKind::Country
                });
            (standalone && (adjective || !with_article))
                .then(|| (name_start, found.end(), found.pattern().as_u32()))
        });
        found.extend(hit);
    }
    found
}

/// Names are proper nouns: the match must be capitalised like the gazetteer spells it, unless
/// the words around it are all capitals (then short all-capital names such as `US` are skipped).
/// A name of the article's language spelled in lowercase (`syrisch`) matches in any case.
fn case_fits(
    gazetteer: &Gazetteer,
    pattern: u32,
    text: &str,
    start: usize,
    end: usize,
    language: LanguageId,
) -> bool {
    let matched = &text[start..end];
    let original = &gazetteer.original_names[pattern as usize];
    let targets = &gazetteer.targets[pattern as usize];
    if targets
        .iter()
        .any(|t| t.any_case && t.counts(language, matched))
    {
        return true;
    }
    let exact_only = targets
        .iter()
        .filter(|t| t.counts(language, matched))
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
    language: LanguageId,
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
        .filter(|t| t.counts(language, matched))
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
    let mut counters: foldhash::HashMap<Field, CharCounter<'_>> = Default::default();
    let matches = sorted
        .iter()
        .filter_map(|&(field, start, end)| {
            let text = match field {
                Field::Headline => input.headline,
                Field::Body => input.body,
                Field::Dateline => crate::dateline::printed_dateline(input).unwrap_or(""),
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
