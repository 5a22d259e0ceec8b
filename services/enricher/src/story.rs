//! Pure: event clusters ("stories"), online, across languages. Different write-ups of one
//! event share few sentences but the same names, numbers, places and subject words. Each story
//! keeps a centroid: the sum of its members' unit vectors of names and numbers (with number
//! values, weighted by rarity, idf), of places (GeoNames ids) and of content words
//! (`(1 + ln count) × idf`), each cut to its heaviest terms. A new family joins the live story
//! most similar to it, else it starts a story (Miranda et al., "Multilingual Clustering of
//! Streaming News", EMNLP 2018, with their sub-vectors reduced and a year check in place of
//! their time features: two like events years apart name different years near their top).
//! Two paths join: the weighted cosines of names and words; and, for a write-up in a language
//! the story has no member in (it shares no words), names, numbers and places alone, the
//! anchors every language writes alike. The number of stories is never needed.
//!
//! Stories in two languages may form apart before a write-up shows them to be one (an English
//! and a German story, then a French write-up close to both): once a family joins, the stories
//! with no language in common whose names, numbers and places are close enough merge into the
//! one seen first (Miranda et al. link monolingual clusters the same way). Stories in one
//! language merge only when their centroids are far closer than a write-up must be to join
//! (`same_language_merge_ratio`): a centroid is often as close to that of a like event (two
//! earthquakes) as to its own event's other half, measured on ECB+, but the halves of one event
//! split early come much closer once both have grown. And never when the years most of their
//! members name near their top differ: the closest like events are the same kind of event in
//! another year (the year penalty of a join is too small to tell them apart once both grew).
//!
//! Candidates come from an inverted index of every story's heaviest centroid terms, looked up
//! with the article's heaviest words and, apart, its heaviest anchors, reading the latest
//! stories filed under each: the cost per article stays flat as the window grows.
//! Hand-written: the scoring is the product's own, and the index is [`Postings`].

use crate::postings::{Postings, TokenCounts};
use crate::story_terms::{is_anchor, is_language, is_place, is_word, word_count, word_term};
use chrono::{DateTime, Utc};
use foldhash::HashMap;
use half::f16;
use hashbrown::HashTable;
use std::collections::VecDeque;
use wire_model::{FamilyId, SourceId, StoryMember};
use xxhash_rust::xxh3::xxh3_64;

/// Terms of an article looked up in the inverted index: this many of its words, and as many
/// of its names, numbers and places (the heaviest).
const LOOKUP_TERMS: usize = 16;
/// Stories scored per article: those sharing the most of its heaviest terms. A story of the
/// same event shares most of them; the rest share a common word or two.
const MAX_CANDIDATES: usize = 16;
/// Stories looked at per term: the latest filed under it. A term that many live stories carry
/// says little, and reading all of them would make the cost grow with the window.
const POSTINGS_PER_TERM: usize = 32;
/// A story is filed in the postings under this many of its heaviest words and as many of its
/// heaviest names, numbers and places (not every centroid term): an article finds its story by
/// its own heaviest terms, which are among the story's heaviest when they tell one event.
/// `bench core`: 901 → 865 bytes of index per article at 100,000; `eval stories` unchanged on
/// every half, six orders and the multilingual sets.
const FILED_TERMS: usize = 32;
/// Names and numbers a centroid keeps (the heaviest).
const CENTROID_NAMES: usize = 48;
/// Content words a centroid keeps (the heaviest).
const CENTROID_WORDS: usize = 64;
/// Distinct years a story remembers (the most named).
const STORY_YEARS: usize = 8;
/// The earliest year a story remembers: a year is kept in a `u16` as its offset from this in
/// the high byte and how many members named it (at most 255) in the low byte.
const FIRST_YEAR: u16 = 1950;
/// Places a centroid keeps (the heaviest).
const STORY_PLACES: usize = 16;
// A story keeps where its centroid's runs start in a byte each.
const _: () = assert!(CENTROID_NAMES + CENTROID_WORDS <= u8::MAX as usize);

/// What a story compares of an article: its names and numbers (`features::key_tokens`), its
/// content words with their counts (`story_terms::story_words`) and the years near its top.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoryInput<'a> {
    pub names: &'a [u32],
    pub words: &'a [u32],
    pub years: &'a [u16],
}

/// How similarity is scored (`[enricher]` `story_*` settings).
#[derive(Debug, Clone, Copy)]
pub struct StoryScoring {
    /// A family joins a story at this similarity or more (0 to 1).
    pub min_similarity: f64,
    /// The names-and-numbers share of the similarity; content words weigh the rest.
    pub names_weight: f64,
    /// Taken off when both name years near their top and share none.
    pub year_penalty: f64,
    /// A family in a language the story has no member in also joins it when names, numbers
    /// and places alone reach this (such a write-up shares no words with the story).
    pub min_names_similarity: f64,
    /// A story seen longer ago than this (seconds) is not joined.
    pub window: i64,
    /// Two live stories with no language in common merge when the names, numbers and places
    /// of one reach this share of `min_names_similarity` against the other's centroid (1.0:
    /// what a write-up would join by). 0 never merges.
    pub merge_ratio: f64,
    /// Two live stories sharing a language merge when the weighted cosines of one's centroid
    /// against the other's reach this share of `min_similarity`, unless the years most of
    /// their members name differ. 0 never merges.
    pub same_language_merge_ratio: f64,
    /// A story of one family merges into a live story sharing its language that has grown
    /// since, when that family would now join it at this share of `min_similarity`. 0 never.
    pub rejoin_ratio: f64,
}

/// Where [`Stories::assign`] put a family.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The story it is in now.
    pub story: String,
    /// How similar it was to the story it joined; none when it started one.
    pub similarity: Option<f64>,
    /// Stories it showed to tell its story's event, merged into it, with those merged into
    /// them before (only a family that joined a story can show that).
    pub merged: Vec<String>,
    /// The story's summary after the change.
    pub summary: StorySummary,
}

/// What a desk shows of a story: who had it first and how many families it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct StorySummary {
    pub first: Option<StoryMember>,
    pub families: u32,
}

/// A term of one of the two sub-vectors: names (and numbers) or content words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Term {
    Name(u32),
    Anchor(u32),
    Word(u32),
}

impl Term {
    /// The key counted in the document-frequency sketch (word hashes are mixed so the two
    /// kinds do not share cells systematically).
    fn value(self) -> u32 {
        match self {
            Term::Name(value) | Term::Anchor(value) | Term::Word(value) => value,
        }
    }

    /// The term as one number that orders as the term does (its kind, then its value).
    fn order_key(self) -> u64 {
        let (rank, value) = match self {
            Term::Name(value) => (0, value),
            Term::Anchor(value) => (1, value),
            Term::Word(value) => (2, value),
        };
        (rank << 32) | u64::from(value)
    }

    fn sketch_key(self) -> u32 {
        match self {
            Term::Name(name) => name,
            Term::Anchor(term) | Term::Word(term) => term.rotate_left(13) ^ 0x9E37_79B9,
        }
    }
}

/// A unit vector (or a centroid), sorted by term.
type Vector = Vec<(Term, f32)>;

#[derive(Debug)]
struct Story {
    id: String,
    /// The centroid in one allocation, 6 bytes a term ([`Cell`]): four runs of one kind of
    /// term each, sorted, whose kind their place says (see [`Story::runs`]): the names and
    /// numbers, the anchors among the names, the words, the places (the centroid of its
    /// members' places).
    centroid: Box<[Cell]>,
    /// Where the second, third and fourth runs start.
    starts: [u8; 3],
    names_norm: f32,
    words_norm: f32,
    place_norm: f32,
    /// The years its members name near their top, with how many name each ([`counted`]),
    /// sorted.
    years: Vec<u16>,
    /// The languages of its members (language terms), sorted.
    languages: Vec<u32>,
    /// Families in it.
    members: u32,
    /// Its earliest family by the family's own time: who had it first.
    first: Option<PackedMember>,
    /// The ids of the stories merged into this one, which name it from then on.
    merged: Vec<String>,
    first_seen: i64,
    last_seen: i64,
}

/// A story's first member as the story keeps it: its six strings back to back in one
/// allocation, where a [`StoryMember`] held six, each with 24 bytes inline and its own
/// allocation (`bench core`: 11 bytes less index memory per article at 100,000).
#[derive(Debug)]
struct PackedMember {
    /// The family, uri, headline, source, agency and language, back to back.
    text: Box<str>,
    /// Where each string but the last ends in `text`.
    ends: [u32; 5],
    /// Bit 0: it names an agency; bit 1: a language.
    present: u8,
    first_created: DateTime<Utc>,
    embargoed_until: Option<DateTime<Utc>>,
}

impl PackedMember {
    fn new(member: &StoryMember) -> Self {
        let parts = [
            member.family.as_str(),
            &member.article_uri,
            &member.headline,
            member.source.as_str(),
            member.agency.as_deref().unwrap_or_default(),
            member.language.as_deref().unwrap_or_default(),
        ];
        let mut text = String::with_capacity(parts.iter().map(|part| part.len()).sum());
        let mut ends = [0u32; 5];
        for (at, part) in parts.iter().enumerate() {
            text.push_str(part);
            if let Some(end) = ends.get_mut(at) {
                // A member's strings come from one message: far below 4 GB.
                *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
            }
        }
        Self {
            text: text.into_boxed_str(),
            ends,
            present: u8::from(member.agency.is_some()) | (u8::from(member.language.is_some()) << 1),
            first_created: member.first_created,
            embargoed_until: member.embargoed_until,
        }
    }

    /// String `at` (0 to 5, in the order of `text`).
    fn part(&self, at: usize) -> &str {
        let start = at
            .checked_sub(1)
            .map_or(0, |before| self.ends[before] as usize);
        let end = self
            .ends
            .get(at)
            .map_or(self.text.len(), |end| *end as usize);
        self.text.get(start..end).unwrap_or_default()
    }

    fn member(&self) -> StoryMember {
        let optional =
            |bit: u8, at: usize| (self.present & bit != 0).then(|| self.part(at).to_owned());
        StoryMember {
            family: FamilyId::new(self.part(0)),
            article_uri: self.part(1).to_owned(),
            headline: self.part(2).to_owned(),
            source: SourceId::from(self.part(3)),
            agency: optional(1, 4),
            language: optional(2, 5),
            first_created: self.first_created,
            embargoed_until: self.embargoed_until,
        }
    }
}

/// A centroid term with its weight, in 6 bytes: the term's value in two halves (a `u32` would
/// align the cell to 4 bytes, 8 in all) and the weight as a half-precision float (within
/// 0.05% of the `f32`, rounded again as members are added). `bench core`: 921 → 901 bytes of
/// index per article at 100,000, the same duplicate decisions; `eval stories` unchanged on
/// every half and on six article orders.
#[derive(Debug, Clone, Copy)]
struct Cell {
    term: [u16; 2],
    weight: f16,
}

impl Cell {
    fn new(term: u32, weight: f32) -> Self {
        Self {
            term: [(term >> 16) as u16, (term & 0xFFFF) as u16],
            weight: f16::from_f32(weight),
        }
    }

    fn term(self) -> u32 {
        (u32::from(self.term[0]) << 16) | u32::from(self.term[1])
    }

    fn weight(self) -> f32 {
        self.weight.to_f32()
    }
}

/// Terms of one kind, sorted, with their weights: part of a centroid.
#[derive(Clone, Copy)]
struct Run<'a> {
    kind: fn(u32) -> Term,
    terms: &'a [Cell],
}

impl Story {
    /// The centroid's runs: names and numbers, the anchors among the names, words, places.
    fn runs(&self) -> [Run<'_>; 4] {
        let starts = self.starts.map(usize::from);
        let (names, rest) = self.centroid.split_at(starts[0].min(self.centroid.len()));
        let (anchors, rest) = rest.split_at((starts[1] - starts[0]).min(rest.len()));
        let (words, places) = rest.split_at((starts[2] - starts[1]).min(rest.len()));
        [
            Run {
                kind: Term::Name,
                terms: names,
            },
            Run {
                kind: Term::Anchor,
                terms: anchors,
            },
            Run {
                kind: Term::Word,
                terms: words,
            },
            Run {
                kind: Term::Anchor,
                terms: places,
            },
        ]
    }

    /// The names-and-numbers sub-vector, sorted by term (names sort before anchors).
    fn names(&self) -> [Run<'_>; 2] {
        let [names, anchors, _, _] = self.runs();
        [names, anchors]
    }

    fn words(&self) -> [Run<'_>; 1] {
        [self.runs()[2]]
    }

    fn place_vector(&self) -> [Run<'_>; 1] {
        [self.runs()[3]]
    }

    /// Sets the centroid from its three sub-vectors, each sorted by term (names holding names
    /// and anchors, words words, places anchors: what [`Stories::vectors`] makes).
    fn set_centroid(
        &mut self,
        names: &[(Term, f32)],
        words: &[(Term, f32)],
        places: &[(Term, f32)],
    ) {
        let name_count = names
            .iter()
            .take_while(|(term, _)| matches!(term, Term::Name(_)))
            .count();
        self.centroid = names
            .iter()
            .chain(words)
            .chain(places)
            .map(|(term, weight)| Cell::new(term.value(), *weight))
            .collect();
        // The cuts keep these within a byte.
        self.starts = [name_count, names.len(), names.len() + words.len()].map(|at| at as u8);
    }
}

/// The terms of `runs`, in order.
fn expand<'a>(runs: &'a [Run<'a>]) -> impl Iterator<Item = (Term, f32)> + 'a {
    runs.iter().flat_map(|run| {
        run.terms
            .iter()
            .map(move |cell| ((run.kind)(cell.term()), cell.weight()))
    })
}

/// An article's two unit vectors and its heaviest terms.
struct ArticleVectors {
    names: Vector,
    words: Vector,
    /// Its places by GeoNames id, weighted by role and rarity (a unit vector).
    place_vector: Vector,
    heaviest: Vec<Term>,
    /// Its language's term, when known (a story's languages, when merging).
    languages: Vec<u32>,
    /// Families these vectors sum: 1 for an article.
    members: u32,
}

/// The story index. Memory per story: the story itself (boxed, so the map's free cells stay
/// small), its id once, 6 bytes per centroid term (at most [`CENTROID_NAMES`] +
/// [`CENTROID_WORDS`] + [`STORY_PLACES`], held without spare capacity), about 15 bytes per
/// posting ([`Postings`]; a story is filed under its heaviest centroid terms, not kept apart),
/// 16 bytes per id in `slots`; document frequencies live in a fixed-size sketch.
#[derive(Debug, Default)]
pub struct Stories {
    stories: HashMap<u32, Box<Story>>,
    /// (hash of a story id, slot) for every story id and every id merged into a live story:
    /// the id itself is the story's (`Story::id` or one of `Story::merged`), not held twice.
    slots: HashTable<(u64, u32)>,
    postings: Postings<Term>,
    document_frequency: TokenCounts,
    documents: u32,
    next_slot: u32,
    /// (time, story) for every article added, oldest first: eviction pops from the front
    /// instead of scanning every story.
    added: VecDeque<(i64, u32)>,
    /// Live stories with a member in each language, and with a member of a known language:
    /// whether a story has any story in other languages to merge with, at no lookup.
    stories_in_language: HashMap<u32, u32>,
    stories_with_language: u32,
}

impl Stories {
    /// Counts the terms of an article in the corpus statistics (for idf), once per article.
    pub fn observe(&mut self, article: StoryInput<'_>) {
        self.documents += 1;
        for term in terms(article) {
            self.document_frequency.add(term.sketch_key());
        }
    }

    fn idf(&self, term: Term) -> f32 {
        let df = f64::from(self.document_frequency.count(term.sketch_key()));
        ((1.0 + f64::from(self.documents)) / (1.0 + df))
            .ln()
            .max(0.0) as f32
    }

    /// The story an article belongs to and the similarity, if a live story reaches
    /// `scoring.min_similarity` (what [`Stories::assign`] joins, without joining).
    #[cfg(test)]
    pub fn best_match(
        &self,
        article: StoryInput<'_>,
        time: i64,
        scoring: &StoryScoring,
    ) -> Option<(String, f64)> {
        let years = counted(article.years);
        self.best_match_of(&self.vectors(article), &years, time, scoring)
    }

    /// Puts a family (its first copy `article`, told by `member`) into the story it belongs
    /// to, or into a new story `new_id`, and merges the stories it shows to be one.
    pub fn assign(
        &mut self,
        new_id: &str,
        article: StoryInput<'_>,
        member: &StoryMember,
        time: i64,
        scoring: &StoryScoring,
    ) -> Assignment {
        let vectors = self.vectors(article);
        let years = counted(article.years);
        let joined = self.best_match_of(&vectors, &years, time, scoring);
        let (id, similarity) = match joined {
            Some((id, similarity)) => (id, Some(similarity)),
            None => (new_id.to_owned(), None),
        };
        let slot = self.add_vectors(&id, &vectors, &years, time);
        self.note_member(slot, member);
        // Only a story that grew can have come closer to another (a family that starts a
        // story would have joined one it is that close to).
        let (slot, merged) = if similarity.is_some() {
            self.merge_neighbours(slot, time, scoring)
        } else {
            (slot, Vec::new())
        };
        let story = self.stories.get(&slot).map_or(id, |story| story.id.clone());
        Assignment {
            summary: self.summary(&story),
            story,
            similarity,
            merged,
        }
    }

    /// Who had story `id` (or the story it was merged into) first, and its families.
    pub fn summary(&self, id: &str) -> StorySummary {
        let story = self.slot_of(id).and_then(|slot| self.stories.get(&slot));
        StorySummary {
            first: story.and_then(|story| story.first.as_ref().map(PackedMember::member)),
            families: story.map_or(0, |story| story.members),
        }
    }

    /// Keeps `member` as the story's first when it is earlier than the first so far.
    fn note_member(&mut self, slot: u32, member: &StoryMember) {
        if let Some(story) = self.stories.get_mut(&slot)
            && story
                .first
                .as_ref()
                .is_none_or(|first| member.first_created < first.first_created)
        {
            story.first = Some(PackedMember::new(member));
        }
    }

    /// Merges the story in `slot` with every live story in other languages whose anchors its
    /// centroid now resembles (`scoring.merge_ratio`), into the one seen first: the slot that
    /// remains, and the ids that name it from now on.
    fn merge_neighbours(
        &mut self,
        slot: u32,
        time: i64,
        scoring: &StoryScoring,
    ) -> (u32, Vec<String>) {
        let same_language = self.same_language_neighbours(slot, time, scoring);
        if scoring.merge_ratio <= 0.0 && same_language.is_empty() {
            return (slot, Vec::new());
        }
        let Some(story) = self.stories.get(&slot) else {
            return (slot, Vec::new());
        };
        // In a stream of one language (the common case) there is nothing to merge with.
        let others_exist = match story.languages.as_slice() {
            [] => false,
            [language] => {
                self.stories_with_language
                    > self.stories_in_language.get(language).copied().unwrap_or(0)
            }
            _ => true,
        };
        if !others_exist || scoring.merge_ratio <= 0.0 {
            return self.merge_all(slot, same_language);
        }
        // Stories in other languages share the anchors only: look them up by those, and
        // compare whole centroids only when there is such a story.
        let anchors: Vec<Term> =
            heaviest(expand(&story.names()).chain(expand(&story.place_vector()))).collect();
        let others: Vec<u32> = self
            .candidates(&anchors)
            .into_iter()
            .filter(|other| *other != slot)
            .filter(|other| {
                self.stories.get(other).is_some_and(|other| {
                    (time - other.last_seen).abs() <= scoring.window
                        && disjoint(&story.languages, &other.languages)
                })
            })
            .collect();
        if others.is_empty() {
            return self.merge_all(slot, same_language);
        }
        let vectors = story_vectors(story);
        let mut merge: Vec<u32> = others
            .into_iter()
            .filter(|other| {
                self.stories.get(other).is_some_and(|other| {
                    paths(&vectors, &story.years, other, scoring).by_names.0 >= scoring.merge_ratio
                })
            })
            .collect();
        merge.extend(same_language);
        self.merge_all(slot, merge)
    }

    /// Live stories sharing a language with the story in `slot` whose centroid its own now
    /// resembles (`scoring.same_language_merge_ratio`): halves of one event split early; and the
    /// stories of one family that would now join it (`scoring.rejoin_ratio`): a write-up that
    /// came before the story's centroid settled.
    fn same_language_neighbours(&self, slot: u32, time: i64, scoring: &StoryScoring) -> Vec<u32> {
        let (ratio, rejoin) = (scoring.same_language_merge_ratio, scoring.rejoin_ratio);
        if ratio <= 0.0 && rejoin <= 0.0 {
            return Vec::new();
        }
        let Some(story) = self.stories.get(&slot) else {
            return Vec::new();
        };
        let vectors = story_vectors(story);
        self.candidates(&vectors.heaviest)
            .into_iter()
            .filter(|other| *other != slot)
            .filter(|other| {
                self.stories.get(other).is_some_and(|other| {
                    (time - other.last_seen).abs() <= scoring.window
                        && !disjoint(&story.languages, &other.languages)
                        && ((ratio > 0.0
                            // Two stories whose members name other years are like events
                            // years apart, however close their words.
                            && !years_disjoint(&story.years, &other.years)
                            && paths(&vectors, &story.years, other, scoring).by_words.0 >= ratio)
                            // A family that started a story of its own before this one
                            // grew close enough: it would join it now.
                            || (other.members == 1
                                && rejoin > 0.0
                                && paths(&story_unit_vectors(other), &other.years, story, scoring)
                                    .by_words
                                    .0
                                    >= rejoin))
                })
            })
            .collect()
    }

    /// Merges the stories `merge` with the one in `slot` into the one seen first.
    fn merge_all(&mut self, slot: u32, mut merge: Vec<u32>) -> (u32, Vec<String>) {
        if merge.is_empty() {
            return (slot, Vec::new());
        }
        merge.push(slot);
        merge.sort_by_key(|s| {
            self.stories
                .get(s)
                .map(|story| (story.first_seen, story.id.clone()))
        });
        let into = merge[0];
        let mut merged = Vec::new();
        for from in merge.into_iter().skip(1) {
            merged.extend(self.merge(from, into));
        }
        (into, merged)
    }

    /// Moves story `from` into story `into`: the ids that name `into` from now on (the story
    /// gone and those merged into it before).
    fn merge(&mut self, from: u32, into: u32) -> Vec<String> {
        let Some(gone) = self.stories.remove(&from) else {
            return Vec::new();
        };
        let gone = *gone;
        self.forget_languages(&gone.languages);
        for term in filed(&gone) {
            self.postings.remove(term, from);
        }
        for id in gone.merged.iter().chain(std::iter::once(&gone.id)) {
            let hash = id_hash(id);
            if let Some(entry) = self
                .slots
                .find_mut(hash, |&(other, slot)| other == hash && slot == from)
            {
                entry.1 = into;
            }
        }
        if let Some(story) = self.stories.get_mut(&into) {
            story.merged.extend(gone.merged.iter().cloned());
            story.merged.push(gone.id.clone());
        }
        let vectors = ArticleVectors {
            names: expand(&gone.names()).collect(),
            words: expand(&gone.words()).collect(),
            place_vector: expand(&gone.place_vector()).collect(),
            heaviest: Vec::new(),
            languages: gone.languages,
            members: gone.members,
        };
        let id = self
            .stories
            .get(&into)
            .map(|s| s.id.clone())
            .unwrap_or_default();
        self.add_vectors(&id, &vectors, &gone.years, gone.last_seen);
        if let Some(story) = self.stories.get_mut(&into) {
            story.first_seen = story.first_seen.min(gone.first_seen);
        }
        if let Some(first) = gone.first.as_ref().map(PackedMember::member) {
            self.note_member(into, &first);
        }
        let mut ids = gone.merged;
        ids.push(gone.id);
        ids
    }

    fn best_match_of(
        &self,
        vectors: &ArticleVectors,
        years: &[u16],
        time: i64,
        scoring: &StoryScoring,
    ) -> Option<(String, f64)> {
        self.candidates(&vectors.heaviest)
            .into_iter()
            .filter_map(|slot| self.stories.get(&slot))
            .filter(|story| (time - story.last_seen).abs() <= scoring.window)
            .map(|story| (story, similarity(vectors, years, story, scoring)))
            .filter(|(_, (share, _))| *share >= 1.0)
            .max_by(|a, b| a.1.0.total_cmp(&b.1.0).then(b.0.id.cmp(&a.0.id)))
            .map(|(story, (_, similarity))| (story.id.clone(), similarity))
    }

    /// The stories sharing the most of the article's heaviest terms, at most
    /// [`MAX_CANDIDATES`] (ties: the older story first), of the [`POSTINGS_PER_TERM`] latest
    /// stories filed under each term.
    fn candidates(&self, heaviest: &[Term]) -> Vec<u32> {
        // Sized at once: collected through `flat_map`, the list grew by doubling.
        let mut slots: Vec<u32> = Vec::with_capacity(heaviest.len() * POSTINGS_PER_TERM);
        for term in heaviest {
            let filed = self.postings.get(term);
            slots.extend_from_slice(&filed[filed.len().saturating_sub(POSTINGS_PER_TERM)..]);
        }
        slots.sort_unstable();
        let mut shared: Vec<(u32, usize)> = slots
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0], run.len()))
            .collect();
        if shared.len() > MAX_CANDIDATES {
            let more_shared =
                |a: &(u32, usize), b: &(u32, usize)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
            shared.select_nth_unstable_by(MAX_CANDIDATES, more_shared);
            shared.truncate(MAX_CANDIDATES);
            shared.sort_unstable_by(more_shared);
        }
        shared.into_iter().map(|(slot, _)| slot).collect()
    }

    /// The article's unit vectors under the current idf.
    fn vectors(&self, article: StoryInput<'_>) -> ArticleVectors {
        let weighted = |word: &u32| {
            let term = term_of(*word);
            let count = word_count(*word).max(1) as f32;
            (term, (1.0 + count.ln()) * self.idf(term))
        };
        let names: Vector = article
            .names
            .iter()
            .map(|name| (Term::Name(*name), self.idf(Term::Name(*name))))
            .chain(
                article
                    .words
                    .iter()
                    .filter(|w| is_anchor(**w) && !is_place(**w))
                    .map(weighted),
            )
            .collect();
        let place_vector: Vector = article
            .words
            .iter()
            .filter(|w| is_place(**w))
            .map(weighted)
            .collect();
        let words: Vector = article
            .words
            .iter()
            .filter(|w| is_word(**w))
            .map(weighted)
            .collect();
        // The heaviest words, and apart from them the heaviest names, numbers and places: a
        // write-up in another language shares only the latter.
        let heaviest: Vec<Term> = heaviest(words.iter().copied())
            .chain(heaviest(names.iter().chain(&place_vector).copied()))
            .collect();
        ArticleVectors {
            names: unit(sorted(names)),
            words: unit(sorted(words)),
            place_vector: unit(sorted(place_vector)),
            heaviest,
            languages: article
                .words
                .iter()
                .find(|w| is_language(**w))
                .map(|w| word_term(*w))
                .into_iter()
                .collect(),
            members: 1,
        }
    }

    /// Adds a family's first copy at `time` to story `id` (a new story when `id` is unknown),
    /// as a restart restores it.
    pub fn add(&mut self, id: &str, article: StoryInput<'_>, member: &StoryMember, time: i64) {
        let vectors = self.vectors(article);
        let slot = self.add_vectors(id, &vectors, &counted(article.years), time);
        self.note_member(slot, member);
    }

    /// Adds `vectors` (an article's or a story's) and their `years` ([`counted`]) to story `id`.
    fn add_vectors(&mut self, id: &str, vectors: &ArticleVectors, years: &[u16], time: i64) -> u32 {
        let slot = match self.slot_of(id) {
            Some(slot) => slot,
            None => {
                let slot = self.next_slot;
                self.next_slot = self.next_slot.wrapping_add(1);
                let hash = id_hash(id);
                self.slots
                    .insert_unique(hash, (hash, slot), |&(hash, _)| hash);
                self.stories.insert(
                    slot,
                    Box::new(Story {
                        id: id.to_owned(),
                        centroid: Box::default(),
                        starts: [0; 3],
                        names_norm: 0.0,
                        words_norm: 0.0,
                        place_norm: 0.0,
                        years: Vec::new(),
                        languages: Vec::new(),
                        members: 0,
                        first: None,
                        merged: Vec::new(),
                        first_seen: time,
                        last_seen: time,
                    }),
                );
                slot
            }
        };
        let Some(story) = self.stories.get_mut(&slot) else {
            return slot;
        };
        story.last_seen = story.last_seen.max(time);
        story.members += vectors.members;
        self.added.push_back((time, slot));
        let was_filed = filed(story);
        let names = add_cut(expand(&story.names()), &vectors.names, CENTROID_NAMES);
        let words = add_cut(expand(&story.words()), &vectors.words, CENTROID_WORDS);
        let places = add_cut(
            expand(&story.place_vector()),
            &vectors.place_vector,
            STORY_PLACES,
        );
        story.place_norm = norm(&places);
        story.names_norm = norm(&names);
        story.words_norm = norm(&words);
        story.set_centroid(&names, &words, &places);
        add_years(&mut story.years, years);
        if story.languages.is_empty() && !vectors.languages.is_empty() {
            self.stories_with_language += 1;
        }
        for language in &vectors.languages {
            if let Err(at) = story.languages.binary_search(language) {
                story.languages.insert(at, *language);
                *self.stories_in_language.entry(*language).or_default() += 1;
            }
        }
        let now_filed = filed(story);
        for term in difference(&was_filed, &now_filed) {
            self.postings.remove(term, slot);
        }
        for term in difference(&now_filed, &was_filed) {
            self.postings.insert(term, slot);
        }
        slot
    }

    /// Takes the languages of a story that is gone out of the counts.
    fn forget_languages(&mut self, languages: &[u32]) {
        if !languages.is_empty() {
            self.stories_with_language = self.stories_with_language.saturating_sub(1);
        }
        for language in languages {
            if let Some(count) = self.stories_in_language.get_mut(language) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    self.stories_in_language.remove(language);
                }
            }
        }
    }

    /// The story a story id names now: itself, or the story it was merged into; none once it
    /// has left the window.
    pub fn current(&self, id: &str) -> Option<&str> {
        let slot = self.slot_of(id)?;
        self.stories.get(&slot).map(|story| story.id.as_str())
    }

    /// The slot of the live story `id` names (its own or one merged into it).
    fn slot_of(&self, id: &str) -> Option<u32> {
        let hash = id_hash(id);
        self.slots
            .find(hash, |&(other, slot)| {
                other == hash
                    && self.stories.get(&slot).is_some_and(|story| {
                        story.id == id || story.merged.iter().any(|merged| merged == id)
                    })
            })
            .map(|&(_, slot)| slot)
    }

    /// Forgets that `id` names the story in `slot`.
    fn unlink(&mut self, id: &str, slot: u32) {
        let hash = id_hash(id);
        if let Ok(entry) = self
            .slots
            .find_entry(hash, |&(other, at)| other == hash && at == slot)
        {
            entry.remove();
        }
    }

    /// Forgets stories not seen since `oldest` (seconds).
    /// Returns the ids of the stories merged into those forgotten (their aliases end).
    pub fn evict(&mut self, oldest: i64) -> Vec<String> {
        let mut aliases = Vec::new();
        while let Some(&(time, slot)) = self.added.front() {
            if time >= oldest {
                break;
            }
            self.added.pop_front();
            // A story seen again later stays; its later article has its own queue entry.
            let stale = self
                .stories
                .get(&slot)
                .is_some_and(|story| story.last_seen < oldest);
            if stale && let Some(story) = self.stories.remove(&slot) {
                self.forget_languages(&story.languages);
                self.unlink(&story.id, slot);
                for id in &story.merged {
                    self.unlink(id, slot);
                }
                for term in filed(&story) {
                    self.postings.remove(term, slot);
                }
                aliases.extend(story.merged);
            }
        }
        aliases
    }

    /// Puts back, after a restart, that story `merged` was merged into story `into`: whether
    /// `into` is live (else the alias has ended).
    pub fn restore_merge(&mut self, merged: &str, into: &str) -> bool {
        let Some(slot) = self.slot_of(into) else {
            return false;
        };
        // `merged` may name a story of its own (restored before the merge was read): from
        // now on it names `into`'s.
        let hash = id_hash(merged);
        match self.slot_of(merged) {
            Some(at) if at == slot => {}
            Some(at) => {
                if let Some(entry) = self
                    .slots
                    .find_mut(hash, |&(other, other_at)| other == hash && other_at == at)
                {
                    entry.1 = slot;
                }
            }
            None => {
                self.slots
                    .insert_unique(hash, (hash, slot), |&(hash, _)| hash);
            }
        }
        if let Some(story) = self.stories.get_mut(&slot)
            && !story.merged.iter().any(|id| id == merged)
        {
            story.merged.push(merged.to_owned());
        }
        true
    }
}

/// The hash `Stories::slots` files a story id under.
fn id_hash(id: &str) -> u64 {
    xxh3_64(id.as_bytes())
}

/// The terms a story is filed under in the postings, sorted: the [`FILED_TERMS`] heaviest of
/// its words and as many of its names, numbers and places.
fn filed(story: &Story) -> Vec<Term> {
    let mut filed: Vec<Term> = heaviest_n(expand(&story.words()), FILED_TERMS)
        .chain(heaviest_n(
            expand(&story.names()).chain(expand(&story.place_vector())),
            FILED_TERMS,
        ))
        .collect();
    filed.sort_unstable();
    filed
}

/// The [`LOOKUP_TERMS`] heaviest of `terms` (ties: the lower term first).
fn heaviest(terms: impl Iterator<Item = (Term, f32)>) -> impl Iterator<Item = Term> {
    heaviest_n(terms, LOOKUP_TERMS)
}

/// The `n` heaviest of `terms` (ties: the lower term first), in no particular order: every
/// caller uses them as a set (the postings' lookup counts stories per term; a story's filing
/// sorts them by term).
fn heaviest_n(terms: impl Iterator<Item = (Term, f32)>, n: usize) -> impl Iterator<Item = Term> {
    let mut terms: Vec<(Term, f32)> = terms.collect();
    let heavier = |a: &(Term, f32), b: &(Term, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    // The order is total (ties broken by term), so selecting the heaviest picks the same
    // terms as sorting all would, in time linear in the terms.
    if terms.len() > n {
        terms.select_nth_unstable_by(n, heavier);
        terms.truncate(n);
    }
    terms.into_iter().map(|(term, _)| term)
}

/// A story's centroid as unit vectors, with its heaviest terms, to compare with other stories.
fn story_vectors(story: &Story) -> ArticleVectors {
    let heaviest = heaviest(expand(&story.words()))
        .chain(heaviest(
            expand(&story.names()).chain(expand(&story.place_vector())),
        ))
        .collect();
    ArticleVectors {
        heaviest,
        ..story_unit_vectors(story)
    }
}

/// [`story_vectors`] without the heaviest terms: what [`paths`] compares.
fn story_unit_vectors(story: &Story) -> ArticleVectors {
    let scaled = |runs: &[Run<'_>], norm: f32| -> Vector {
        if norm <= 0.0 {
            return Vec::new();
        }
        expand(runs).map(|(term, w)| (term, w / norm)).collect()
    };
    ArticleVectors {
        names: scaled(&story.names(), story.names_norm),
        words: scaled(&story.words(), story.words_norm),
        place_vector: scaled(&story.place_vector(), story.place_norm),
        heaviest: Vec::new(),
        languages: story.languages.clone(),
        members: 0,
    }
}

/// Every term of an article, names then words.
fn terms(article: StoryInput<'_>) -> impl Iterator<Item = Term> + '_ {
    let names = article.names.iter().map(|name| Term::Name(*name));
    let words = article.words.iter().filter(|word| !is_language(**word));
    names.chain(words.map(|word| term_of(*word)))
}

/// A kept word's term: anchors (places, number values) weigh with names and numbers.
fn term_of(word: u32) -> Term {
    if is_anchor(word) {
        Term::Anchor(word_term(word))
    } else {
        Term::Word(word_term(word))
    }
}

/// How far an article is from joining a story: the better of its two paths, each as a share
/// of its threshold (1.0 or more joins), with the similarity that path gives. The paths: the
/// weighted cosines of the two sub-vectors (the one only when the article or the story has
/// nothing of the other), and names, numbers and places alone. Both lose the year penalty
/// when the two name years near their top and share none.
fn similarity(
    article: &ArticleVectors,
    years: &[u16],
    story: &Story,
    scoring: &StoryScoring,
) -> (f64, f64) {
    let paths = paths(article, years, story, scoring);
    if paths.by_words.0 >= paths.by_names.0 {
        paths.by_words
    } else {
        paths.by_names
    }
}

/// The two ways to join, each as (share of its threshold, similarity).
struct Paths {
    by_words: (f64, f64),
    /// Zero unless the article (or story) and the story share no language.
    by_names: (f64, f64),
}

/// [`similarity`]'s two paths.
fn paths(article: &ArticleVectors, years: &[u16], story: &Story, scoring: &StoryScoring) -> Paths {
    let names = cosine(&article.names, &story.names(), story.names_norm);
    let words = cosine(&article.words, &story.words(), story.words_norm);
    let has_names = !article.names.is_empty() && story.names_norm > 0.0;
    let has_words = !article.words.is_empty() && story.words_norm > 0.0;
    let combined = match (has_names, has_words) {
        (true, true) => scoring.names_weight * names + (1.0 - scoring.names_weight) * words,
        (true, false) => names,
        (false, true) => words,
        (false, false) => 0.0,
    };
    let penalty = if years_disjoint(years, &story.years) {
        scoring.year_penalty
    } else {
        0.0
    };
    let combined = combined - penalty;
    // Names, numbers and places alone, for a write-up in a language the story has none in
    // (or of a language not known): the places are what write-ups in different scripts
    // share most surely.
    let other_language = article.languages.is_empty()
        || !article
            .languages
            .iter()
            .any(|language| story.languages.binary_search(language).is_ok());
    let names = if !other_language {
        0.0
    } else if !article.place_vector.is_empty() && story.place_norm > 0.0 {
        let places = cosine(
            &article.place_vector,
            &story.place_vector(),
            story.place_norm,
        );
        (names + places) / 2.0
    } else {
        names
    } - penalty;
    Paths {
        by_words: (
            combined / scoring.min_similarity.max(f64::EPSILON),
            combined,
        ),
        by_names: (
            names / scoring.min_names_similarity.max(f64::EPSILON),
            names,
        ),
    }
}

/// An article's years (sorted, distinct) as a story keeps them, each named once.
fn counted(years: &[u16]) -> Vec<u16> {
    let mut counted: Vec<u16> = years
        .iter()
        .filter_map(|year| year.checked_sub(FIRST_YEAR))
        .filter(|offset| *offset <= 0xff)
        .map(|offset| (offset << 8) | 1)
        .collect();
    counted.sort_unstable();
    counted.dedup();
    counted
}

/// How many members named a kept year.
fn year_count(counted: u16) -> u16 {
    counted & 0xff
}

/// Adds `years` to a story's `into`, both [`counted`]: the counts of a year add up, and past
/// [`STORY_YEARS`] the most named stay (ties: the earlier).
fn add_years(into: &mut Vec<u16>, years: &[u16]) {
    for &year in years {
        match into.binary_search_by_key(&(year >> 8), |kept| kept >> 8) {
            Ok(at) => {
                let count = (year_count(into[at]) + year_count(year)).min(0xff);
                into[at] = (into[at] & 0xff00) | count;
            }
            Err(at) => into.insert(at, year),
        }
    }
    if into.len() > STORY_YEARS {
        into.sort_by_key(|year| std::cmp::Reverse(year_count(*year)));
        into.truncate(STORY_YEARS);
        into.sort_unstable();
    }
}

/// The years most named of `counted`: at least half as often as the most named one (an
/// article's years are all named once). A story's members name background years here and
/// there; the years most of them name are its event's.
fn top_years(counted: &[u16]) -> impl Iterator<Item = u16> + '_ {
    let most = counted
        .iter()
        .map(|year| year_count(*year))
        .max()
        .unwrap_or(0);
    counted
        .iter()
        .filter(move |year| 2 * year_count(**year) >= most)
        .map(|year| year >> 8)
}

/// Whether two lists of [`counted`] years both name years and their most named share none.
fn years_disjoint(a: &[u16], b: &[u16]) -> bool {
    !a.is_empty() && !b.is_empty() && !top_years(a).any(|x| top_years(b).any(|y| y == x))
}

/// Whether two sorted lists both hold something and share nothing.
fn disjoint<T: Ord>(a: &[T], b: &[T]) -> bool {
    !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.binary_search(x).is_ok())
}

fn sorted(mut vector: Vector) -> Vector {
    vector.sort_unstable_by_key(|(term, _)| *term);
    vector.dedup_by_key(|(term, _)| *term);
    vector
}

fn norm(vector: &[(Term, f32)]) -> f32 {
    vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt()
}

/// `vector` scaled to length 1 (empty when it has no weight).
fn unit(vector: Vector) -> Vector {
    let length = norm(&vector);
    if length <= 0.0 {
        return Vec::new();
    }
    vector
        .into_iter()
        .filter(|(_, w)| *w > 0.0)
        .map(|(term, w)| (term, w / length))
        .collect()
}

/// The cosine of a unit vector and a centroid of norm `centroid_norm` (its runs in term
/// order), both sorted by term.
fn cosine(unit_vector: &[(Term, f32)], centroid: &[Run<'_>], centroid_norm: f32) -> f64 {
    if centroid_norm <= 0.0 {
        return 0.0;
    }
    let (mut i, mut dot) = (0, 0.0f32);
    for run in centroid {
        // A run holds one kind of term: its cells compare as numbers, without building a
        // term from each through `kind`.
        let kind = (run.kind)(0).order_key();
        let mut j = 0;
        while i < unit_vector.len() && j < run.terms.len() {
            let cell = run.terms[j];
            match unit_vector[i]
                .0
                .order_key()
                .cmp(&(kind | u64::from(cell.term())))
            {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    // The weight is widened only where the terms meet.
                    dot += unit_vector[i].1 * cell.weight();
                    i += 1;
                    j += 1;
                }
            }
        }
    }
    f64::from(dot / centroid_norm)
}

/// The sum of two vectors sorted by term, cut to its `keep` heaviest terms, sorted by term.
fn add_cut(a: impl Iterator<Item = (Term, f32)>, b: &[(Term, f32)], keep: usize) -> Vector {
    let a: Vector = a.collect();
    let mut sum: Vector = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                sum.push((x.0, x.1 + y.1));
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                sum.push(*x);
                i += 1;
            }
            (Some(x), None) => {
                sum.push(*x);
                i += 1;
            }
            (_, Some(y)) => {
                sum.push(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    if sum.len() > keep {
        // Which `keep` are heaviest (ties: the lower term) is all that matters: they are
        // sorted by term again after.
        if keep > 0 {
            sum.select_nth_unstable_by(keep - 1, |x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        }
        sum.truncate(keep);
        sum.sort_unstable_by_key(|(term, _)| *term);
    }
    sum
}

/// The terms of sorted `a` not in sorted `b`.
fn difference(a: &[Term], b: &[Term]) -> Vec<Term> {
    a.iter()
        .filter(|term| b.binary_search(term).is_err())
        .copied()
        .collect()
}

#[cfg(test)]
mod order_key_tests {
    use super::Term;

    #[test]
    fn a_terms_order_key_orders_as_the_term_does() {
        let values = [0, 1, 7, 0x7FFF_FFFF, 0x8000_0000, u32::MAX];
        let mut terms: Vec<Term> = values
            .iter()
            .flat_map(|&value| [Term::Word(value), Term::Anchor(value), Term::Name(value)])
            .collect();
        let mut by_key = terms.clone();
        terms.sort();
        by_key.sort_by_key(|term| term.order_key());
        assert_eq!(terms, by_key);
    }
}

#[cfg(test)]
mod cell_tests {
    use super::Cell;

    #[test]
    fn a_cell_keeps_its_term_exactly_and_its_weight_within_half_precision() {
        assert_eq!(std::mem::size_of::<Cell>(), 6);
        for (term, weight) in [
            (0u32, 0.0f32),
            (u32::MAX, 1.0),
            (0x1234_5678, 0.123_456),
            (0xFFFF_0000, 37.5),
            (0x0000_FFFF, 0.000_731),
        ] {
            let cell = Cell::new(term, weight);
            assert_eq!(cell.term(), term);
            assert!(
                (cell.weight() - weight).abs() <= weight * 0.0005 + f32::EPSILON,
                "{weight} came back as {}",
                cell.weight()
            );
        }
    }
}

#[cfg(test)]
mod packed_member_tests {
    use super::*;

    #[test]
    fn a_packed_member_comes_back_as_it_went_in() {
        let member = StoryMember {
            family: FamilyId::new("family:0123456789abcdef01234567"),
            article_uri: "urn:outlet-6:reuters21578-10603-1".to_owned(),
            headline: "Genève: négociations reprises".to_owned(),
            source: SourceId::from("outlet-6"),
            agency: Some("afp".to_owned()),
            language: None,
            first_created: DateTime::from_timestamp(1_800_000_000, 5).unwrap_or_default(),
            embargoed_until: DateTime::from_timestamp(1_800_003_600, 0),
        };
        assert_eq!(PackedMember::new(&member).member(), member);
        let bare = StoryMember {
            headline: String::new(),
            agency: None,
            language: Some(String::new()),
            embargoed_until: None,
            ..member
        };
        assert_eq!(PackedMember::new(&bare).member(), bare);
    }
}

#[cfg(test)]
#[path = "story_tests.rs"]
mod tests;
