//! Thin shell over the pure taggers: places, IPTC Media Topics and operator story topics
//! ([`wire_tagging`]) and trained classifiers ([`wire_classifier`]) applied to an enriched
//! article, plus the topic routes a desk consumes its beat from. The story topic catalog comes
//! from where [`crate::catalog`] says and is replaced, checked, while the enricher runs.

use crate::catalog::{self, CatalogSource, CatalogStatus, FolderOrigin, LiveCatalog};
use crate::catalog_watch::{self, CatalogWatcher};
use crate::config::{RouteConfig, TaggingConfig};
use crate::events;
use anyhow::Context as _;
use chrono::Utc;
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
    /// The story topic catalog in use, where it came from, and its reloads.
    catalog: LiveCatalog,
    /// The watcher of the catalog folder, until the service takes it (none for the built-in
    /// catalog, or with `reload_check_secs = 0`).
    watcher: Option<CatalogWatcher>,
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
    /// The taggers of `config`, or `None` when tagging is off; the story topic catalog from
    /// where [`CatalogSource::find`] says with no config file.
    pub fn load(config: &TaggingConfig) -> anyhow::Result<Option<Self>> {
        Self::load_from(config, &CatalogSource::find(&config.config_dir, None))
    }

    /// The taggers of `config`, or `None` when tagging is off, with the story topic catalog of
    /// `source`.
    pub fn load_from(
        config: &TaggingConfig,
        source: &CatalogSource,
    ) -> anyhow::Result<Option<Self>> {
        if !config.enabled {
            return Ok(None);
        }
        // Taken before the folder is read: an edit made meanwhile is seen by the watcher.
        let fingerprint = source.folder().map(catalog_watch::fingerprint);
        let tagger = match source {
            CatalogSource::Folder {
                path,
                origin: FolderOrigin::ConfigDir,
            } => Tagger::load(Path::new(&config.config_dir)).with_context(|| {
                format!(
                    "failed to load tagging data from {} (story topics in {})",
                    config.config_dir,
                    path.display()
                )
            })?,
            CatalogSource::Folder { path, .. } => {
                let mut tagger =
                    Tagger::embedded().context("the built-in tagging data is invalid")?;
                let (_, compiled) = catalog::read_catalog(path).with_context(|| {
                    format!(
                        "failed to load the story topic catalog from {}",
                        path.display()
                    )
                })?;
                tagger.set_compiled_catalog(compiled);
                tagger
            }
            CatalogSource::BuiltIn => {
                Tagger::embedded().context("the built-in tagging data is invalid")?
            }
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
        let reload_check_secs = source
            .folder()
            .and((config.reload_check_secs > 0).then_some(config.reload_check_secs));
        let status = CatalogStatus {
            source: source.label(),
            origin: source.origin(),
            loaded_at: Utc::now(),
            reload_check_secs,
            topics: tagger.catalog().topics().to_vec(),
            last_reload_error: None,
        };
        events::TopicCatalogInUse {
            source: &status.source,
            origin: status.origin,
            topics: status.topics.len(),
            reload_check_secs,
        }
        .emit();
        let live = LiveCatalog::new(status);
        let watcher = match (source.folder(), fingerprint, reload_check_secs) {
            (Some(dir), Some(fingerprint), Some(_)) => Some(CatalogWatcher::new(
                dir.to_path_buf(),
                fingerprint,
                live.clone(),
            )),
            _ => None,
        };
        Ok(Some(Self {
            tagger,
            classifiers,
            routes: config.routes.clone(),
            catalog: live,
            watcher,
        }))
    }

    /// The story topic catalog in use and its reloads (for `GET /story-topics`).
    pub fn catalog(&self) -> &LiveCatalog {
        &self.catalog
    }

    /// The watcher of the catalog folder, for the service to run
    /// ([`catalog_watch::watch`]); `None` once taken, or when nothing is to be watched.
    pub fn take_watcher(&mut self) -> Option<CatalogWatcher> {
        self.watcher.take()
    }

    /// Uses the catalog the watcher offered since the last call, if any. True when a new
    /// catalog is in use.
    pub fn use_latest_catalog(&mut self) -> bool {
        match self.catalog.take_next() {
            Some(compiled) => {
                self.tagger.set_compiled_catalog(compiled);
                true
            }
            None => false,
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
