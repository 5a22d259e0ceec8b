//! The gazetteer: countries, US states and cities with their names, demonyms, metonyms and M49
//! regions, read from `config/gazetteer/gazetteer.json` (made by `scripts/gazetteer/generate.py`)
//! and compiled into one Aho-Corasick automaton over every name.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::TaggingError;
use crate::word_automaton::WordAutomaton;

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
}

/// What the ambiguity lists say about one name (see `scripts/gazetteer/hand_lists.py`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NameFlags {
    pub common_word: bool,
    pub person_name: bool,
    pub speaking_capital: bool,
    pub vetoes: Vec<String>,
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
    /// ASCII-lowercased name -> pattern index (datelines and neighbouring-word checks).
    pub(crate) pattern_by_name: HashMap<String, u32>,
    /// Dateline region qualifiers (`Calif.` -> (`US`, `CA`)), ASCII-lowercased.
    pub(crate) dateline_qualifiers: HashMap<String, (String, String)>,
    countries: HashMap<String, CountryInfo>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("entities", &self.entities.len())
            .field("names", &self.targets.len())
            .finish()
    }
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
}

/// Accumulates names into patterns while the gazetteer is built.
#[derive(Default)]
struct PatternTable {
    by_key: HashMap<String, u32>,
    targets: Vec<Vec<NameTarget>>,
    original: Vec<String>,
}

impl PatternTable {
    fn add(&mut self, name: &str, entity: u32, how: NameKind) {
        let name = name.trim();
        if name.chars().count() < 2 {
            return;
        }
        let key = name.to_ascii_lowercase();
        let next = self.targets.len() as u32;
        let index = *self.by_key.entry(key).or_insert(next);
        if index == next {
            self.targets.push(Vec::new());
            self.original.push(name.to_owned());
        }
        let exact_case = name
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
        let list = &mut self.targets[index as usize];
        if !list.iter().any(|t| t.entity == entity) {
            list.push(NameTarget {
                entity,
                how,
                exact_case,
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
        let flags = build_flags(&file.ambiguity, &patterns);
        let automaton = name_automaton(&patterns.original)?;
        let uncapitalised: Vec<String> = patterns
            .original
            .iter()
            .filter(|name| !name.chars().next().is_some_and(char::is_uppercase))
            .cloned()
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
}

/// Adds the file's countries to `entities` and their names to `patterns`; the countries by code.
fn add_countries(
    file_countries: &[CountryRecord],
    entities: &mut Vec<PlaceEntity>,
    patterns: &mut PatternTable,
) -> Result<HashMap<String, CountryInfo>, TaggingError> {
    let mut countries = HashMap::new();
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
    }
    Ok(())
}

/// One automaton over `names`, matched ASCII case-insensitively, longest first.
fn name_automaton(names: &[String]) -> Result<WordAutomaton, TaggingError> {
    let lowercase: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    WordAutomaton::new(&lowercase).map_err(|e| TaggingError::Invalid {
        file: None,
        key: "gazetteer".into(),
        message: format!("cannot build the name automaton: {e}"),
    })
}

fn build_flags(lists: &AmbiguityLists, patterns: &PatternTable) -> Vec<NameFlags> {
    let mut flags = vec![NameFlags::default(); patterns.targets.len()];
    let lookup = |name: &str| patterns.by_key.get(&name.to_ascii_lowercase()).copied();
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
