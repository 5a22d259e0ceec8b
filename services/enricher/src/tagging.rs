//! Thin shell over the pure taggers: places, IPTC Media Topics and operator story topics
//! ([`wire_tagging`]) and trained classifiers ([`wire_classifier`]) applied to an enriched
//! article, plus the topic routes a desk consumes its beat from.

use crate::config::{RouteConfig, TaggingConfig};
use crate::events;
use anyhow::Context as _;
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wire_classifier::Model;
use wire_model::{Envelope, Evidence, Subject};
use wire_tagging::{PlaceRole, Tagger, TopicCatalog};

/// The creator of classifier subjects.
pub const CLASSIFIER_CREATOR: &str = "wirefeed/classifier";

pub struct Tagging {
    tagger: Tagger,
    classifiers: Vec<(String, Model)>,
    routes: Vec<RouteConfig>,
    /// The story topic files to watch (none for the built-in data).
    topics_dir: Option<PathBuf>,
    topics_fingerprint: u64,
    reload_check: Duration,
    last_check: Option<Instant>,
}

/// Names, sizes and modification times of the `*.toml` files of `dir`, hashed.
fn fingerprint(dir: &Path) -> u64 {
    let mut files: Vec<(String, u64, Option<std::time::SystemTime>)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                .map(|e| {
                    let metadata = e.metadata().ok();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        metadata.as_ref().map_or(0, |m| m.len()),
                        metadata.and_then(|m| m.modified().ok()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    hasher.finish()
}

impl std::fmt::Debug for Tagging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tagging")
            .field("classifiers", &self.classifiers.len())
            .field("routes", &self.routes)
            .finish()
    }
}

impl Tagging {
    /// The taggers of `config`, or `None` when tagging is off.
    pub fn load(config: &TaggingConfig) -> anyhow::Result<Option<Self>> {
        if !config.enabled {
            return Ok(None);
        }
        let tagger = if config.config_dir.is_empty() {
            Tagger::embedded().context("the built-in tagging data is invalid")?
        } else {
            Tagger::load(Path::new(&config.config_dir)).with_context(|| {
                format!("failed to load tagging data from {}", config.config_dir)
            })?
        };
        let classifiers = config
            .classifiers
            .iter()
            .map(|c| {
                Model::load(Path::new(&c.path))
                    .map(|model| (c.name.clone(), model))
                    .with_context(|| {
                        format!("failed to load classifier {} from {}", c.name, c.path)
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let topics_dir =
            (!config.config_dir.is_empty()).then(|| Path::new(&config.config_dir).join("topics"));
        Ok(Some(Self {
            tagger,
            classifiers,
            routes: config.routes.clone(),
            topics_fingerprint: topics_dir.as_deref().map_or(0, fingerprint),
            topics_dir,
            reload_check: Duration::from_secs(config.reload_check_secs),
            last_check: None,
        }))
    }

    /// Reloads the story topic catalog when its files changed (checked at most every
    /// `reload_check_secs`). True when a new catalog is in use.
    pub fn reload_if_changed(&mut self) -> bool {
        let Some(dir) = &self.topics_dir else {
            return false;
        };
        if self
            .last_check
            .is_some_and(|t| t.elapsed() < self.reload_check)
        {
            return false;
        }
        self.last_check = Some(Instant::now());
        let now = fingerprint(dir);
        if now == self.topics_fingerprint {
            return false;
        }
        self.topics_fingerprint = now;
        match TopicCatalog::from_dir(dir).and_then(|catalog| self.tagger.set_catalog(&catalog)) {
            Ok(()) => {
                events::TopicCatalogReloaded { dir }.emit();
                true
            }
            Err(error) => {
                events::TopicCatalogNotReloaded {
                    dir,
                    error: &error.to_string(),
                }
                .emit();
                false
            }
        }
    }

    /// Sets places, subjects, `wire.evidence` and `wire.regions`; returns the route topics the
    /// article also goes to.
    pub fn apply(&self, envelope: &mut Envelope) -> Vec<String> {
        let tags = self
            .tagger
            .tag(&envelope.article, envelope.wire.dateline.as_deref());
        let article = &mut envelope.article;
        for place in tags.places {
            if !article
                .places
                .iter()
                .any(|p| p.uri.is_some() && p.uri == place.uri)
            {
                article.places.push(place);
            }
        }
        let mut subjects = tags.subjects;
        let mut evidence = tags.evidence;
        // The classifiers' input, built only when there is a classifier (hot path).
        let text = if self.classifiers.is_empty() {
            String::new()
        } else {
            format!(
                "{}\n{}",
                article.headline().unwrap_or_default(),
                article.body_text().unwrap_or_default()
            )
        };
        for (name, model) in &self.classifiers {
            let prediction = model.predict(&text);
            for label in prediction.labels {
                let score = prediction.scores.get(&label).copied().unwrap_or(0.0);
                let uri = format!("urn:wirefeed:classifier:{name}:{label}");
                evidence.push(Evidence {
                    uri: uri.clone(),
                    matches: Vec::new(),
                    note: Some(format!("classifier {name} score {score:.2}")),
                });
                subjects.push(Subject {
                    name: Some(label),
                    uri: Some(uri),
                    creator: Some(CLASSIFIER_CREATOR.to_owned()),
                    confidence: Some((score.clamp(0.0, 1.0) * 100.0).round() as u8),
                    ..Subject::default()
                });
            }
        }
        for subject in subjects {
            if !article
                .subjects
                .iter()
                .any(|s| s.uri.is_some() && s.uri == subject.uri)
            {
                article.subjects.push(subject);
            }
        }
        envelope.wire.evidence = evidence;
        envelope.wire.regions = tags.regions;

        let about: Vec<&str> = tags
            .countries
            .iter()
            .filter(|c| c.dateline || matches!(c.role, PlaceRole::About | PlaceRole::Dateline))
            .map(|c| c.code.as_str())
            .collect();
        let subjects = &envelope.article.subjects;
        let mut routes: Vec<String> = self
            .routes
            .iter()
            .filter(|route| {
                route.topic.as_deref().is_none_or(|topic| {
                    let story_uri = format!("urn:wirefeed:topic:{topic}");
                    subjects
                        .iter()
                        .filter_map(|s| s.uri.as_deref())
                        .any(|uri| uri == topic || uri == story_uri)
                }) && route
                    .country
                    .as_deref()
                    .is_none_or(|country| about.iter().any(|c| c.eq_ignore_ascii_case(country)))
            })
            .map(|route| route.to.clone())
            .collect();
        routes.sort();
        routes.dedup();
        routes
    }
}
