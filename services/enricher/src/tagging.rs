//! Thin shell over the pure taggers: places, IPTC Media Topics and operator story topics
//! ([`wire_tagging`]) and trained classifiers ([`wire_classifier`]) applied to an enriched
//! article, plus the topic routes a desk consumes its beat from.

use crate::config::{RouteConfig, TaggingConfig};
use anyhow::Context as _;
use std::path::Path;
use wire_classifier::Model;
use wire_model::{Envelope, Evidence, Subject};
use wire_tagging::{PlaceRole, Tagger};

/// The creator of classifier subjects.
pub const CLASSIFIER_CREATOR: &str = "wirefeed/classifier";

pub struct Tagging {
    tagger: Tagger,
    classifiers: Vec<(String, Model)>,
    routes: Vec<RouteConfig>,
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
        Ok(Some(Self {
            tagger,
            classifiers,
            routes: config.routes.clone(),
        }))
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
        let text = format!(
            "{}\n{}",
            article.headline().unwrap_or_default(),
            article.body_text().unwrap_or_default()
        );
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
