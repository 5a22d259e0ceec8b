//! The gazetteer: countries, US states and cities with their names, demonyms, metonyms and M49
//! regions, read from `config/gazetteer/gazetteer.json` (made by `scripts/gazetteer/generate.py`)
//! and compiled into one Aho-Corasick automaton over every name.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::TaggingError;
use crate::fold::name_key;
use crate::word_automaton::WordAutomaton;

/// An article language the gazetteer has names for: an index into `Gazetteer::languages`, `0`
/// for none of them (English, or a language without names of its own).
pub(crate) type LanguageId = u8;

/// Names without a language: GeoNames names, English names and aliases.
pub(crate) const ANY_LANGUAGE: LanguageId = 0;

/// The kind of place an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    Country,
    /// A first-level administrative division (the US states).
    Admin1,
    City,
}

/// How a name refers to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// The GeoNames name or its ASCII form.
    Primary,
    /// A GeoNames alternate name, or an English alias of a country (`U.S.`, `Britain`).
    Alternate,
    /// `Syrian`, `Russians`.
    Demonym,
    /// The name of a former state mapped to its successor (`Soviet Union`).
    Historical,
    /// A region inside a country named on its own (`Crimea`, `Scotland`).
    Region,
    /// A seat of government standing for the state (`Kremlin`, `White House`).
    Metonym,
}

/// A country, US state or city.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceEntity {
    pub geonameid: u64,
    pub name: String,
    pub kind: PlaceKind,
    /// ISO 3166-1 alpha-2 of the country the place is in (or is).
    pub country: String,
    /// GeoNames admin1 code within the country (`GA` for Georgia, US), empty for countries.
    pub admin1: String,
    pub population: u64,
}

impl PlaceEntity {
    /// `http://sws.geonames.org/<id>/`.
    pub fn uri(&self) -> String {
        format!("http://sws.geonames.org/{}/", self.geonameid)
    }
}

/// One thing a name can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameTarget {
    pub entity: u32,
    pub how: NameKind,
    /// The name is all capitals in the gazetteer (`US`, `USSR`): it must match in that case.
    pub exact_case: bool,
    /// The language the name belongs to: it is matched only in articles in that language
    /// ([`ANY_LANGUAGE`] for everywhere).
    pub language: LanguageId,
    /// Spelled in lowercase in its language (`syrisch`, `syrienne`): matches in any case.
    pub any_case: bool,
    /// The gazetteer spells the name in ASCII for this entity (`Geneve` as well as `Genève`).
    /// Text in plain ASCII only matches such targets: folding makes `Genève` in the text
    /// match `Geneve`, but `Sale` in the text does not become `Salé` (Morocco) unless the
    /// gazetteer says so.
    pub ascii_spelled: bool,
}

impl NameTarget {
    /// Whether the name counts in an article in `language`.
    pub(crate) fn in_language(&self, language: LanguageId) -> bool {
        self.language == ANY_LANGUAGE || self.language == language
    }

    /// Whether the name counts where the text reads `matched`, in an article in `language`.
    pub(crate) fn counts(&self, language: LanguageId, matched: &str) -> bool {
        self.in_language(language) && (self.ascii_spelled || !matched.is_ascii())
    }
}

/// What the ambiguity lists say about one name (see `scripts/gazetteer/hand_lists.py`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NameFlags {
    pub common_word: bool,
    pub person_name: bool,
    pub speaking_capital: bool,
    pub vetoes: Vec<String>,
    /// The languages in which the name is an everyday word (`Lage` in German, `Tours` in
    /// French): there it counts only right after a locative word.
    pub common_word_in: Vec<LanguageId>,
}

/// The compiled gazetteer. Build it once ([`Gazetteer::from_json`] or [`Gazetteer::load`]) and
/// share it: tagging only reads it.
pub struct Gazetteer {
    pub(crate) entities: Vec<PlaceEntity>,
    /// Per automaton pattern: what the name refers to.
    pub(crate) targets: Vec<Vec<NameTarget>>,
    pub(crate) flags: Vec<NameFlags>,
    pub(crate) original_names: Vec<String>,
    pub(crate) automaton: WordAutomaton,
    /// The names whose gazetteer spelling does not start with a capital (`s-Hertogenbosch`),
    /// the only ones that can be accepted at a word starting with a lowercase letter.
    pub(crate) uncapitalised: WordAutomaton,
    /// Folded, ASCII-lowercased name ([`name_key`]) -> pattern index (datelines and
    /// neighbouring-word checks).
    pub(crate) pattern_by_name: HashMap<String, u32>,
    /// The article languages with names of their own (`de`, `fr`, ...); `LanguageId` `i + 1`
    /// is `languages[i]`.
    pub(crate) languages: Vec<String>,
    /// Per `LanguageId`: the words of that language the tagger reads around names.
    pub(crate) words: Vec<LanguageWords>,
    /// [`name_key`]s of words that are never a place, whatever name they start with.
    pub(crate) never_words: HashSet<String>,
    /// Dateline region qualifiers (`Calif.` -> (`US`, `CA`)), ASCII-lowercased.
    pub(crate) dateline_qualifiers: HashMap<String, (String, String)>,
    countries: foldhash::HashMap<String, CountryInfo>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("entities", &self.entities.len())
            .field("names", &self.targets.len())
            .finish()
    }
}

/// The words of one language the tagger reads around names, as [`name_key`]s.
#[derive(Debug, Clone, Default)]
pub(crate) struct LanguageWords {
    /// Words that make the next name a place: `in`, `à`, `nella`, `في`.
    pub locatives: HashSet<String>,
    /// Words that say what a story is about: `über`, `sur`, `sobre`, `حول`.
    pub about_words: HashSet<String>,
    /// Definite articles that may stand between an about word and a name: `la`, `die`.
    pub articles: HashSet<String>,
}

/// What the gazetteer knows about a country beyond its entity.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CountryInfo {
    pub entity: u32,
    pub region: String,
    pub subregion: String,
    pub neighbours: Vec<String>,
}

#[derive(Deserialize)]
struct GazetteerFile {
    #[serde(default)]
    ambiguity: AmbiguityLists,
    #[serde(default)]
    dateline_qualifiers: HashMap<String, (String, String)>,
    /// Per language code: its locative words and common-word place names.
    #[serde(default)]
    languages: std::collections::BTreeMap<String, LanguageRecord>,
    countries: Vec<CountryRecord>,
    places: Vec<PlaceRecord>,
}

#[derive(Deserialize, Default)]
struct AmbiguityLists {
    #[serde(default)]
    common_words: Vec<String>,
    #[serde(default)]
    context_vetoes: HashMap<String, Vec<String>>,
    #[serde(default)]
    person_names: Vec<String>,
    #[serde(default)]
    speaking_capitals: Vec<String>,
    /// Words that are never a place (`Hamas`): not even a name with a genitive `s` (`Hama`).
    #[serde(default)]
    never_match: Vec<String>,
}

#[derive(Deserialize, Default)]
struct LanguageRecord {
    #[serde(default)]
    locatives: Vec<String>,
    #[serde(default)]
    about_words: Vec<String>,
    #[serde(default)]
    articles: Vec<String>,
    #[serde(default)]
    common_words: Vec<String>,
}

#[derive(Deserialize)]
struct CountryRecord {
    cc: String,
    name: String,
    geonameid: u64,
    #[serde(default)]
    population: u64,
    #[serde(default)]
    region: String,
    #[serde(default)]
    subregion: String,
    #[serde(default)]
    neighbours: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    demonyms: Vec<String>,
    #[serde(default)]
    historical: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    metonyms: Vec<String>,
    #[serde(default)]
    names_by_language: HashMap<String, Vec<String>>,
    #[serde(default)]
    demonyms_by_language: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct PlaceRecord {
    id: u64,
    name: String,
    kind: String,
    cc: String,
    #[serde(default)]
    admin1: String,
    #[serde(default)]
    population: u64,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    names_by_language: HashMap<String, Vec<String>>,
}

/// Accumulates names into patterns while the gazetteer is built.
#[derive(Default)]
struct PatternTable {
    by_key: HashMap<String, u32>,
    targets: Vec<Vec<NameTarget>>,
    original: Vec<String>,
    /// The article languages with names of their own, in the order first seen.
    languages: Vec<String>,
}

impl PatternTable {
    /// The id of a language code, registering it on first sight.
    fn language(&mut self, code: &str) -> LanguageId {
        let position = match self.languages.iter().position(|l| l == code) {
            Some(p) => p,
            None => {
                self.languages.push(code.to_owned());
                self.languages.len() - 1
            }
        };
        LanguageId::try_from(position + 1).unwrap_or(LanguageId::MAX)
    }

    fn add(&mut self, name: &str, entity: u32, how: NameKind) {
        self.add_in(name, entity, how, ANY_LANGUAGE);
    }

    fn add_in(&mut self, name: &str, entity: u32, how: NameKind, language: LanguageId) {
        let name = name.trim();
        if name.chars().count() < 2 {
            return;
        }
        let key = name_key(name);
        let next = self.targets.len() as u32;
        let index = *self.by_key.entry(key).or_insert(next);
        if index == next {
            self.targets.push(Vec::new());
            self.original.push(name.to_owned());
        } else if language == ANY_LANGUAGE
            && self.targets[index as usize]
                .iter()
                .all(|t| t.language != ANY_LANGUAGE)
        {
            // The spelling case is checked against is a language-neutral name's, when there
            // is one: `Americana` (the city), not `americana` (an adjective in Spanish).
            self.original[index as usize] = name.to_owned();
        }
        let exact_case = name
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
        let any_case =
            language != ANY_LANGUAGE && name.chars().next().is_some_and(char::is_lowercase);
        let ascii_spelled = name.is_ascii();
        let list = &mut self.targets[index as usize];
        if let Some(known) = list
            .iter_mut()
            .find(|t| t.entity == entity && t.language == language)
        {
            known.ascii_spelled |= ascii_spelled;
            // Spanish `siria` (the adjective) is also `Siria` (the country).
            known.any_case |= any_case;
        } else {
            list.push(NameTarget {
                entity,
                how,
                exact_case,
                language,
                any_case,
                ascii_spelled,
            });
        }
    }
}

impl Gazetteer {
    /// Reads a gazetteer file from disk (see [`Gazetteer::from_json`]).
    pub fn load(path: &Path) -> Result<Self, TaggingError> {
        let text = std::fs::read_to_string(path).map_err(|source| TaggingError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text).map_err(|error| error.in_file(path))
    }

    /// Builds the gazetteer from the JSON that `scripts/gazetteer/generate.py` writes.
    pub fn from_json(json: &str) -> Result<Self, TaggingError> {
        let file: GazetteerFile =
            serde_json::from_str(json).map_err(|e| TaggingError::Invalid {
                file: None,
                key: "gazetteer".into(),
                message: e.to_string(),
            })?;
        let mut entities = Vec::new();
        let mut patterns = PatternTable::default();
        let countries = add_countries(&file.countries, &mut entities, &mut patterns)?;
        add_places(&file.places, &mut entities, &mut patterns)?;
        let mut flags = build_flags(&file.ambiguity, &patterns);
        let mut words = vec![LanguageWords::default()];
        let keys = |list: &[String]| list.iter().map(|w| name_key(w)).collect::<HashSet<_>>();
        for (code, record) in &file.languages {
            let id = patterns.language(code) as usize;
            words.resize(words.len().max(id + 1), LanguageWords::default());
            words[id] = LanguageWords {
                locatives: keys(&record.locatives),
                about_words: keys(&record.about_words),
                articles: keys(&record.articles),
            };
            for word in &record.common_words {
                if let Some(&pattern) = patterns.by_key.get(&name_key(word)) {
                    flags[pattern as usize]
                        .common_word_in
                        .push(id as LanguageId);
                }
            }
        }
        words.resize(patterns.languages.len() + 1, LanguageWords::default());
        let automaton = name_automaton(&patterns.original)?;
        // The names that may match at a word starting with a lowercase letter: spelled without
        // a capital, or matched in any case in their language. (A name starting with a letter
        // that has no case, such as Arabic, never matches there.)
        let uncapitalised: Vec<String> = patterns
            .original
            .iter()
            .zip(&patterns.targets)
            .filter(|(name, targets)| {
                let first = name.chars().next();
                let spelled_lowercase = first
                    .is_some_and(|c| c.is_lowercase() || !(c.is_uppercase() || c.is_alphabetic()));
                spelled_lowercase || targets.iter().any(|t| t.any_case)
            })
            .map(|(name, _)| name.clone())
            .collect();
        let uncapitalised = name_automaton(&uncapitalised)?;
        Ok(Self {
            entities,
            targets: patterns.targets,
            flags,
            original_names: patterns.original,
            automaton,
            uncapitalised,
            pattern_by_name: patterns.by_key,
            languages: patterns.languages,
            words,
            never_words: file
                .ambiguity
                .never_match
                .iter()
                .map(|w| name_key(w))
                .collect(),
            dateline_qualifiers: file
                .dateline_qualifiers
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            countries,
        })
    }

    /// Every country, US state and city, in file order (countries first).
    pub fn entities(&self) -> &[PlaceEntity] {
        &self.entities
    }

    /// The entity with this index.
    pub fn entity(&self, index: u32) -> Option<&PlaceEntity> {
        self.entities.get(index as usize)
    }

    /// The country entity for an ISO 3166-1 alpha-2 code.
    pub fn country(&self, code: &str) -> Option<&PlaceEntity> {
        self.countries.get(code).and_then(|c| self.entity(c.entity))
    }

    /// The UN M49 region and sub-region of a country.
    pub fn region_of(&self, code: &str) -> Option<wire_model::Region> {
        let info = self.countries.get(code)?;
        (!info.region.is_empty()).then(|| wire_model::Region {
            country: code.to_owned(),
            region: info.region.clone(),
            subregion: info.subregion.clone(),
        })
    }

    pub(crate) fn are_neighbours(&self, a: &str, b: &str) -> bool {
        self.countries
            .get(a)
            .is_some_and(|c| c.neighbours.iter().any(|n| n == b))
    }

    /// How many distinct names the automaton matches.
    pub fn name_count(&self) -> usize {
        self.targets.len()
    }

    /// The size of the name automaton's tables in bytes.
    pub fn automaton_bytes(&self) -> usize {
        self.automaton.memory_usage() + self.uncapitalised.memory_usage()
    }

    /// The gazetteer's id for an article's language (`de`, `fr-CH`, `ar`): [`ANY_LANGUAGE`]
    /// for a language without names of its own, or none.
    pub(crate) fn language_id(&self, language: Option<&str>) -> LanguageId {
        let Some(code) = language else {
            return ANY_LANGUAGE;
        };
        let primary = code.split(['-', '_']).next().unwrap_or_default().trim();
        self.languages
            .iter()
            .position(|l| l.eq_ignore_ascii_case(primary))
            .and_then(|p| LanguageId::try_from(p + 1).ok())
            .unwrap_or(ANY_LANGUAGE)
    }

    /// Whether `name` is a name of some place in an article in `language` (as written: plain
    /// ASCII only finds names the gazetteer spells in ASCII).
    pub(crate) fn knows_name(&self, name: &str, language: LanguageId) -> bool {
        self.pattern_by_name.get(&name_key(name)).is_some_and(|&p| {
            self.targets[p as usize]
                .iter()
                .any(|t| t.counts(language, name))
        })
    }

    /// Whether names take a genitive `s` in `language` (German `Syriens`, Dutch `Nederlands`).
    pub(crate) fn takes_genitive_s(&self, language: LanguageId) -> bool {
        language != ANY_LANGUAGE
            && self
                .languages
                .get(language as usize - 1)
                .is_some_and(|code| code == "de" || code == "nl")
    }

    /// Whether `word` is a locative word in `language` (English ones are the tagger's own).
    pub(crate) fn is_locative(&self, word: &str, language: LanguageId) -> bool {
        self.language_words(language)
            .is_some_and(|words| words.locatives.contains(&word_key(word)))
    }

    /// Whether `word` says what a story is about in `language` (`sur`, `über`).
    pub(crate) fn is_about_word(&self, word: &str, language: LanguageId) -> bool {
        self.language_words(language)
            .is_some_and(|words| words.about_words.contains(&word_key(word)))
    }

    /// Whether `word` is a definite article in `language` (`la`, `die`).
    pub(crate) fn is_article(&self, word: &str, language: LanguageId) -> bool {
        self.language_words(language)
            .is_some_and(|words| words.articles.contains(&word_key(word)))
    }

    fn language_words(&self, language: LanguageId) -> Option<&LanguageWords> {
        if language == ANY_LANGUAGE {
            return None;
        }
        self.words.get(language as usize)
    }
}

/// Adds the file's countries to `entities` and their names to `patterns`; the countries by code.
fn add_countries(
    file_countries: &[CountryRecord],
    entities: &mut Vec<PlaceEntity>,
    patterns: &mut PatternTable,
) -> Result<foldhash::HashMap<String, CountryInfo>, TaggingError> {
    let mut countries = foldhash::HashMap::default();
    for c in file_countries {
        if c.cc.len() != 2 {
            return Err(TaggingError::Invalid {
                file: None,
                key: format!("countries.{}", c.name),
                message: format!("country code {:?} is not ISO 3166-1 alpha-2", c.cc),
            });
        }
        let entity = entities.len() as u32;
        entities.push(PlaceEntity {
            geonameid: c.geonameid,
            name: c.name.clone(),
            kind: PlaceKind::Country,
            country: c.cc.clone(),
            admin1: String::new(),
            population: c.population,
        });
        let groups = [
            (&c.names, NameKind::Alternate),
            (&c.demonyms, NameKind::Demonym),
            (&c.historical, NameKind::Historical),
            (&c.regions, NameKind::Region),
            (&c.metonyms, NameKind::Metonym),
        ];
        patterns.add(&c.name, entity, NameKind::Primary);
        for (names, how) in groups {
            for name in names {
                patterns.add(name, entity, how);
            }
        }
        for (by_language, how) in [
            (&c.names_by_language, NameKind::Alternate),
            (&c.demonyms_by_language, NameKind::Demonym),
        ] {
            let mut languages: Vec<_> = by_language.iter().collect();
            languages.sort();
            for (code, names) in languages {
                let language = patterns.language(code);
                for name in names {
                    patterns.add_in(name, entity, how, language);
                }
            }
        }
        countries.insert(
            c.cc.clone(),
            CountryInfo {
                entity,
                region: c.region.clone(),
                subregion: c.subregion.clone(),
                neighbours: c.neighbours.clone(),
            },
        );
    }
    Ok(countries)
}

/// Adds the file's states and cities to `entities` and their names to `patterns`.
fn add_places(
    file_places: &[PlaceRecord],
    entities: &mut Vec<PlaceEntity>,
    patterns: &mut PatternTable,
) -> Result<(), TaggingError> {
    for p in file_places {
        let kind = match p.kind.as_str() {
            "admin1" => PlaceKind::Admin1,
            "city" => PlaceKind::City,
            other => {
                return Err(TaggingError::Invalid {
                    file: None,
                    key: format!("places.{}.kind", p.id),
                    message: format!("unknown place kind {other:?} (expected admin1 or city)"),
                });
            }
        };
        let entity = entities.len() as u32;
        entities.push(PlaceEntity {
            geonameid: p.id,
            name: p.name.clone(),
            kind,
            country: p.cc.clone(),
            admin1: p.admin1.clone(),
            population: p.population,
        });
        patterns.add(&p.name, entity, NameKind::Primary);
        for name in &p.names {
            let how = if *name == p.name {
                NameKind::Primary
            } else {
                NameKind::Alternate
            };
            patterns.add(name, entity, how);
        }
        let mut languages: Vec<_> = p.names_by_language.iter().collect();
        languages.sort();
        for (code, names) in languages {
            let language = patterns.language(code);
            for name in names {
                // A city's name in the article's own language is what that language calls
                // it, as trusted as its GeoNames name.
                patterns.add_in(name, entity, NameKind::Primary, language);
            }
        }
    }
    Ok(())
}

/// One automaton over `names`, matched ASCII case-insensitively, longest first.
fn name_automaton(names: &[String]) -> Result<WordAutomaton, TaggingError> {
    let lowercase: Vec<String> = names.iter().map(|n| name_key(n)).collect();
    WordAutomaton::new(&lowercase).map_err(|e| TaggingError::Invalid {
        file: None,
        key: "gazetteer".into(),
        message: format!("cannot build the name automaton: {e}"),
    })
}

/// A word as the language word lists hold it: folded, lowercase, straight apostrophe.
fn word_key(word: &str) -> String {
    name_key(&word.replace('’', "'")).to_lowercase()
}

fn build_flags(lists: &AmbiguityLists, patterns: &PatternTable) -> Vec<NameFlags> {
    let mut flags = vec![NameFlags::default(); patterns.targets.len()];
    let lookup = |name: &str| patterns.by_key.get(&name_key(name)).copied();
    let speaking: HashSet<&str> = lists.speaking_capitals.iter().map(String::as_str).collect();
    for name in &lists.common_words {
        if let Some(i) = lookup(name) {
            flags[i as usize].common_word = true;
        }
    }
    for name in &lists.person_names {
        if let Some(i) = lookup(name) {
            flags[i as usize].person_name = true;
            flags[i as usize].speaking_capital = speaking.contains(name.as_str());
        }
    }
    for (name, words) in &lists.context_vetoes {
        if let Some(i) = lookup(name) {
            flags[i as usize].vetoes = words.iter().map(|w| w.to_lowercase()).collect();
        }
    }
    flags
}
