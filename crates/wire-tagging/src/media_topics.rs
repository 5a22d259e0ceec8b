//! IPTC Media Topics: keyword tagging of the top two levels, and provider Subject Codes mapped to
//! Media Topics through the vocabulary's exactMatch/closeMatch links.
//!
//! Each concept has English `terms` and, in `terms_by_language`, terms of other languages (`de`,
//! `fr`, `es`, `it`, `pt`, `nl`, `ar`), each language's in an automaton of its own: an article
//! is read by the automaton of its language ([`TagInput::language`], its primary subtag: `pt-BR`
//! is `pt`), so the other languages' terms cost it nothing. An article in a language with
//! terms of its own counts those only. English terms do not count there: on the test items in
//! the seven languages and dpa's German items they added no right topic, and on a dpa story on
//! strikes in Beirut two wrong second-level ones (German `war`, "was", read as English "war");
//! many English terms are everyday words elsewhere (`union`, `party`, `mode`, `bank`). An
//! English article, one of unknown language and one in a language without terms of its own count
//! the English terms, exactly as before other languages had terms.

use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use wire_model::{Evidence, Subject};

use crate::TaggingError;
use crate::scan::{Prepared, ScanKind};
use crate::terms::{TermHit, TermMatcher, TermTable, evidence_matches};
use crate::text::{Field, TagInput};

/// `creator` of the Media Topic subjects this crate adds.
pub const MEDIA_TOPIC_CREATOR: &str = "wirefeed/mediatopics";
/// `creator` of Media Topics mapped from the provider's Subject Codes.
pub const SUBJECT_CODE_CREATOR: &str = "wirefeed/subjectcodes";

/// A second-level topic is tagged from this score (term weights, each term counted up to three
/// times, doubled in the headline); a top-level one from twice this.
const MEDIA_TOPIC_THRESHOLD: f64 = 4.0;
const MAX_COUNT_PER_TERM: usize = 3;

/// One Media Topic concept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MediaTopic {
    /// The 8-digit code, e.g. `16000000`.
    pub code: String,
    pub label: String,
    pub level: u8,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    subjectcodes_exact: Vec<String>,
    #[serde(default)]
    subjectcodes_close: Vec<String>,
    #[serde(default)]
    terms: HashMap<String, f64>,
    /// Terms of other languages, by primary language subtag (`de`, `ar`).
    #[serde(default)]
    terms_by_language: HashMap<String, HashMap<String, f64>>,
}

impl MediaTopic {
    /// `http://cv.iptc.org/newscodes/mediatopic/<code>`.
    pub fn uri(&self) -> String {
        format!("http://cv.iptc.org/newscodes/mediatopic/{}", self.code)
    }
}

#[derive(Deserialize)]
struct MediaTopicsFile {
    concepts: Vec<MediaTopic>,
}

/// Which language's terms an entry belongs to: [`ENGLISH`] or an index into
/// [`MediaTopics::languages`] plus one.
type LanguageIndex = u8;
const ENGLISH: LanguageIndex = 0;

/// Per term: the topics it adds to (topic index, weight).
type TermTopics = Vec<Vec<(usize, f64)>>;

/// One language's terms, compiled.
struct LanguageTerms {
    matcher: TermMatcher,
    term_topics: TermTopics,
}

/// The Media Topics vocabulary with its compiled terms.
pub struct MediaTopics {
    topics: Vec<MediaTopic>,
    by_code: HashMap<String, usize>,
    by_subject_code: HashMap<String, usize>,
    /// Per [`LanguageIndex`]: that language's terms.
    by_language: Vec<LanguageTerms>,
    /// The languages with terms of their own (primary subtags), sorted.
    languages: Vec<String>,
}

impl std::fmt::Debug for MediaTopics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaTopics")
            .field("topics", &self.topics.len())
            .finish()
    }
}

impl MediaTopics {
    /// Reads `config/topics/iptc/mediatopics.json` (see [`MediaTopics::from_json`]).
    pub fn load(path: &Path) -> Result<Self, TaggingError> {
        let text = std::fs::read_to_string(path).map_err(|source| TaggingError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text).map_err(|e| e.in_file(path))
    }

    /// Builds the vocabulary from the subset `scripts/gazetteer/iptc_subset.py` writes.
    pub fn from_json(json: &str) -> Result<Self, TaggingError> {
        let file: MediaTopicsFile =
            serde_json::from_str(json).map_err(|e| TaggingError::Invalid {
                file: None,
                key: "concepts".into(),
                message: e.to_string(),
            })?;
        let topics = file.concepts;
        let by_code: HashMap<String, usize> = topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.code.clone(), i))
            .collect();
        let mut by_subject_code = HashMap::new();
        for (i, topic) in topics.iter().enumerate() {
            for code in &topic.subjectcodes_close {
                by_subject_code.entry(code.clone()).or_insert(i);
            }
        }
        for (i, topic) in topics.iter().enumerate() {
            for code in &topic.subjectcodes_exact {
                by_subject_code.insert(code.clone(), i);
            }
        }
        let mut languages: Vec<String> = topics
            .iter()
            .flat_map(|t| t.terms_by_language.keys().cloned())
            .collect();
        languages.sort();
        languages.dedup();
        if let Some(bad) = languages.iter().find(|l| !is_primary_subtag(l)) {
            return Err(TaggingError::Invalid {
                file: None,
                key: format!("concepts.terms_by_language.{bad}"),
                message: "a language is a lowercase primary subtag other than `en` (`de`, `ar`); \
                          English terms go in `terms`"
                    .into(),
            });
        }
        if languages.len() >= usize::from(LanguageIndex::MAX) {
            return Err(TaggingError::Invalid {
                file: None,
                key: "concepts.terms_by_language".into(),
                message: format!("{} languages is too many", languages.len()),
            });
        }
        let mut tables: Vec<(TermTable, TermTopics)> = (0..=languages.len())
            .map(|_| (TermTable::default(), Vec::new()))
            .collect();
        for (i, topic) in topics.iter().enumerate() {
            let english = std::iter::once((ENGLISH, "terms".to_owned(), &topic.terms));
            let others = topic.terms_by_language.iter().map(|(language, terms)| {
                let index = languages.binary_search(language).unwrap_or_default() + 1;
                (
                    index as LanguageIndex,
                    format!("terms_by_language.{language}"),
                    terms,
                )
            });
            for (language, key, terms) in english.chain(others) {
                for (term, &weight) in terms {
                    if !(weight.is_finite() && weight > 0.0) {
                        return Err(TaggingError::Invalid {
                            file: None,
                            key: format!("concepts.{}.{key}.{term}", topic.code),
                            message: format!("weight {weight} is not a positive number"),
                        });
                    }
                    let (table, term_topics) = &mut tables[usize::from(language)];
                    let index = table.add(term) as usize;
                    if term_topics.len() <= index {
                        term_topics.resize(index + 1, Vec::new());
                    }
                    term_topics[index].push((i, weight));
                }
            }
        }
        Ok(Self {
            topics,
            by_code,
            by_subject_code,
            by_language: tables
                .into_iter()
                .map(|(table, term_topics)| {
                    Ok(LanguageTerms {
                        matcher: table.compile()?,
                        term_topics,
                    })
                })
                .collect::<Result<_, TaggingError>>()?,
            languages,
        })
    }

    /// The languages with terms of their own, as primary subtags (`ar`, `de`, ...); English
    /// terms are not among them.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Whose terms count for an article in `language` (a BCP 47 tag): its primary subtag's if
    /// that language has terms, else English.
    fn terms_language(&self, language: Option<&str>) -> LanguageIndex {
        let Some(primary) = language
            .and_then(|tag| tag.split(['-', '_']).next())
            .map(|p| p.trim().to_ascii_lowercase())
        else {
            return ENGLISH;
        };
        self.languages
            .binary_search(&primary)
            .map_or(ENGLISH, |i| (i + 1) as LanguageIndex)
    }

    pub fn get(&self, code: &str) -> Option<&MediaTopic> {
        self.by_code.get(code).map(|&i| &self.topics[i])
    }

    /// The Media Topic for a provider Subject Code: `subj:15054000`,
    /// `http://cv.iptc.org/newscodes/subjectcode/15054000` or `15054000`. A code without a
    /// mapping falls back to its parent codes (`15054000` → `15054000`, `15000000`).
    pub fn for_subject_code(&self, code: &str) -> Option<&MediaTopic> {
        let digits = code
            .rsplit(['/', ':'])
            .next()
            .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))?;
        let candidates = [
            digits.to_owned(),
            format!("{}000", &digits[..5]),
            format!("{}000000", &digits[..2]),
        ];
        candidates
            .iter()
            .find_map(|c| self.by_subject_code.get(c))
            .map(|&i| &self.topics[i])
    }

    /// Tags the top two levels from the text, with the terms of the article's language (see the
    /// module doc). Subjects and evidence come in the same order.
    pub fn tag(&self, input: &TagInput<'_>) -> (Vec<Subject>, Vec<Evidence>) {
        self.tag_prepared(input, &Prepared::new(input, None))
    }

    /// [`MediaTopics::tag`] over text folded (and walked) once for every tagger.
    pub(crate) fn tag_prepared(
        &self,
        input: &TagInput<'_>,
        prepared: &Prepared<'_>,
    ) -> (Vec<Subject>, Vec<Evidence>) {
        let language = self.terms_language(input.language);
        let terms = &self.by_language[usize::from(language)];
        let hits = terms
            .matcher
            .find_prepared(prepared, ScanKind::MediaTopics(language));
        let mut per_topic: foldhash::HashMap<usize, (f64, Vec<TermHit>)> = Default::default();
        let mut per_term_count: foldhash::HashMap<(u32, usize), usize> = Default::default();
        for hit in &hits {
            for &(topic, weight) in terms
                .term_topics
                .get(hit.term as usize)
                .into_iter()
                .flatten()
            {
                let count = per_term_count.entry((hit.term, topic)).or_default();
                *count += 1;
                let entry = per_topic.entry(topic).or_default();
                entry.1.push(*hit);
                if *count <= MAX_COUNT_PER_TERM {
                    let factor = if hit.field == Field::Headline {
                        2.0
                    } else {
                        1.0
                    };
                    entry.0 += weight * factor;
                }
            }
        }
        let total: f64 = per_topic.values().map(|v| v.0).sum();
        let mut tagged: Vec<(usize, f64, Vec<TermHit>)> = per_topic
            .into_iter()
            .filter(|(i, (score, _))| {
                let needed = if self.topics[*i].level <= 1 {
                    2.0 * MEDIA_TOPIC_THRESHOLD
                } else {
                    MEDIA_TOPIC_THRESHOLD
                };
                *score >= needed
            })
            .map(|(i, (score, hits))| (i, score, hits))
            .collect();
        tagged.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        tagged
            .into_iter()
            .map(|(i, score, hits)| {
                let topic = &self.topics[i];
                let subject = Subject {
                    name: Some(topic.label.clone()),
                    uri: Some(topic.uri()),
                    creator: Some(MEDIA_TOPIC_CREATOR.to_owned()),
                    confidence: Some(percent(score / (3.0 * MEDIA_TOPIC_THRESHOLD))),
                    relevance: Some(percent(if total > 0.0 { score / total } else { 0.0 })),
                    ..Subject::default()
                };
                let evidence = Evidence {
                    uri: topic.uri(),
                    matches: evidence_matches(input, &hits),
                    note: None,
                };
                (subject, evidence)
            })
            .unzip()
    }

    /// A subject for the Media Topic an operator story topic names as its parent
    /// (`media_topic = "20000073"`), tagged because the story topic was: the story topic's
    /// evidence stands for it too.
    pub fn subject_for_story_topic(
        &self,
        code: &str,
        story_topic: &Subject,
    ) -> Option<(Subject, Evidence)> {
        let topic = self.get(code)?;
        let story_topic_uri = story_topic.uri.as_deref().unwrap_or_default();
        Some((
            Subject {
                name: Some(topic.label.clone()),
                uri: Some(topic.uri()),
                creator: Some(crate::catalog::STORY_TOPIC_CREATOR.to_owned()),
                confidence: story_topic.confidence,
                relevance: story_topic.relevance,
                ..Subject::default()
            },
            Evidence {
                uri: topic.uri(),
                matches: Vec::new(),
                note: Some(format!("the parent Media Topic of {story_topic_uri}")),
            },
        ))
    }

    /// A subject for a Media Topic mapped from a provider Subject Code, with its evidence note.
    pub fn subject_for_code(&self, code: &str) -> Option<(Subject, Evidence)> {
        let topic = self.for_subject_code(code)?;
        Some((
            Subject {
                name: Some(topic.label.clone()),
                uri: Some(topic.uri()),
                creator: Some(SUBJECT_CODE_CREATOR.to_owned()),
                confidence: Some(100),
                relevance: Some(100),
                ..Subject::default()
            },
            Evidence {
                uri: topic.uri(),
                matches: Vec::new(),
                note: Some(format!("provider subject code {code}")),
            },
        ))
    }
}

/// `de`, `pt`, `ar`: two or three lowercase ASCII letters, and not English.
fn is_primary_subtag(language: &str) -> bool {
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && language != "en"
}

/// 0..=100 from a 0..1 fraction (clamped).
pub(crate) fn percent(fraction: f64) -> u8 {
    (fraction.clamp(0.0, 1.0) * 100.0).round() as u8
}
