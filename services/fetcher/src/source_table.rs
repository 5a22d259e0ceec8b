//! The sources as a table ([`wire_runtime::table`], `wire.sources.v1` in Kafka mode): one
//! entry per source id, the source and where it came from. The config file's sources are
//! written at start-up and whenever the file changes (those gone from it are deleted); the
//! sources API adds, replaces and deletes the others. Fetcher instances share the table out by
//! partition ([`GROUP`]), so ten thousand feeds over three fetchers need one config, and a dead
//! instance's sources move to the others.
//!
//! The API, on the admin port (changes need the admin token):
//! `GET /sources/config` (every source in the table, secrets hidden), `POST /sources` (a source
//! as JSON, as in the config file: 201 added, 200 replaced), `PUT /sources/{id}` (the same, the
//! id from the path), `DELETE /sources/{id}` (204). `GET /sources` stays the health of the
//! sources this instance polls.
//!
//! Secrets: the table holds sources as written, so an inline `password` or header value is in
//! the topic; `password_file` and `header_files` keep them out (files read at each poll).

use crate::config::{FetcherConfig, SourceConfig};
use crate::events;
use crate::sources::SourceRegistry;
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, put};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use wire_runtime::table::{Snapshot, Table, TableError};

/// The consumer group fetcher instances share the table's partitions in.
pub const GROUP: &str = "fetcher-sources";

/// Shown instead of a password or a header value by `GET /sources/config`.
pub const HIDDEN: &str = "(hidden)";

/// One entry of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    pub origin: Origin,
    pub source: SourceConfig,
}

/// Who wrote a source: the config file (changed there only) or the sources API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Config,
    Api,
}

/// Why a change through the API was refused.
#[derive(Debug, thiserror::Error)]
pub enum SourceChangeError {
    #[error("source {0:?} is set in the config file; change it there")]
    Configured(String),
    #[error("no source {0:?}")]
    NotFound(String),
    #[error("invalid source: {0}")]
    Invalid(String),
    #[error("the id in the path ({path:?}) is not the source's ({body:?})")]
    IdMismatch { path: String, body: String },
    #[error("the sources table: {0}")]
    Table(#[from] TableError),
}

/// The sources of a snapshot of the table, ordered by id; an entry that does not decode or
/// validate is left out with an event (a bad write must not stop the others).
pub fn decode(snapshot: &Snapshot) -> Vec<SourceConfig> {
    let mut seen = HashSet::new();
    snapshot
        .entries
        .iter()
        .filter_map(|(id, value)| {
            let decoded = serde_json::from_slice::<SourceEntry>(value)
                .map_err(|error| error.to_string())
                .and_then(|entry| {
                    entry
                        .source
                        .validate_at(&format!("wire.sources.v1[{id}]"), &mut seen)
                        .map_err(|error| error.to_string())?;
                    if entry.source.id() == id {
                        Ok(entry.source)
                    } else {
                        Err(format!(
                            "filed under {id:?} but has id {:?}",
                            entry.source.id()
                        ))
                    }
                });
            decoded
                .map_err(|reason| {
                    events::SourceEntryRejected {
                        id,
                        reason: &reason,
                    }
                    .emit()
                })
                .ok()
        })
        .collect()
}

/// What [`sync_configured`] changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Synced {
    pub written: usize,
    pub deleted: usize,
}

/// Makes the table hold `configured` as the config file's sources: writes those that are new or
/// differ, deletes config entries no longer in it; API entries stay (one the config now names
/// becomes the config's). Several instances with one config write the same: harmless.
pub async fn sync_configured(
    table: &Table,
    configured: &[SourceConfig],
) -> Result<Synced, TableError> {
    let current = table.read_all().await?;
    let mut synced = Synced::default();
    for source in configured {
        let entry = SourceEntry {
            origin: Origin::Config,
            source: source.clone(),
        };
        let known = current
            .get(source.id())
            .and_then(|value| serde_json::from_slice::<SourceEntry>(value).ok());
        if known.as_ref() != Some(&entry) {
            table.put(source.id(), Some(encode(&entry))).await?;
            synced.written += 1;
        }
    }
    for (id, value) in &current {
        let from_config = serde_json::from_slice::<SourceEntry>(value)
            .is_ok_and(|entry| entry.origin == Origin::Config);
        if from_config && configured.iter().all(|source| source.id() != id) {
            table.put(id, None).await?;
            synced.deleted += 1;
        }
    }
    Ok(synced)
}

fn encode(entry: &SourceEntry) -> Vec<u8> {
    serde_json::to_vec(entry).unwrap_or_default()
}

/// The sources API over `table`, with `GET /sources` from `registry` (this instance's health
/// table); `limits` checks a source as the config file's would be.
pub fn router(table: Table, limits: FetcherConfig, registry: SourceRegistry) -> axum::Router {
    let api = Api { table, limits };
    let (list, post, put_api, remove) = (api.clone(), api.clone(), api.clone(), api);
    registry
        .router()
        .route(
            "/sources/config",
            get(move || async move { list.list().await.map(Json).map_err(|e| refusal(&e)) }),
        )
        .route(
            "/sources",
            axum::routing::post(move |body: Body| async move {
                let source = body.map_err(bad_request)?.0;
                post.upsert(source).await.map_err(|e| refusal(&e))
            }),
        )
        .route(
            "/sources/{id}",
            put(move |Path(id): Path<String>, body: Body| async move {
                let source = body.map_err(bad_request)?.0;
                if source.id() != id {
                    return Err(refusal(&SourceChangeError::IdMismatch {
                        path: id,
                        body: source.id().to_owned(),
                    }));
                }
                put_api.upsert(source).await.map_err(|e| refusal(&e))
            })
            .delete(move |Path(id): Path<String>| async move {
                remove
                    .remove(&id)
                    .await
                    .map(|()| StatusCode::NO_CONTENT)
                    .map_err(|e| refusal(&e))
            }),
        )
}

type Body = Result<Json<SourceConfig>, axum::extract::rejection::JsonRejection>;

fn bad_request(rejection: axum::extract::rejection::JsonRejection) -> (StatusCode, String) {
    (
        StatusCode::BAD_REQUEST,
        format!("{}\n", rejection.body_text()),
    )
}

#[derive(Clone)]
struct Api {
    table: Table,
    limits: FetcherConfig,
}

impl Api {
    async fn entries(&self) -> Result<BTreeMap<String, SourceEntry>, SourceChangeError> {
        Ok(self
            .table
            .read_all()
            .await?
            .into_iter()
            .filter_map(|(id, value)| Some((id, serde_json::from_slice(&value).ok()?)))
            .collect())
    }

    async fn list(&self) -> Result<Vec<SourceEntry>, SourceChangeError> {
        Ok(self
            .entries()
            .await?
            .into_values()
            .map(hide_secrets)
            .collect())
    }

    /// Adds or replaces an API source: `201 added` or `200 replaced`.
    async fn upsert(
        &self,
        source: SourceConfig,
    ) -> Result<(StatusCode, &'static str), SourceChangeError> {
        let mut checked = self.limits.clone();
        checked.sources = vec![source.clone()];
        wire_runtime::Validate::validate(&checked)
            .map_err(|error| SourceChangeError::Invalid(error.to_string()))?;
        let id = source.id().to_owned();
        let existing = self.entries().await?.remove(&id);
        if existing
            .as_ref()
            .is_some_and(|entry| entry.origin == Origin::Config)
        {
            return Err(SourceChangeError::Configured(id));
        }
        let mut source = source;
        keep_hidden_secrets(&mut source, existing.as_ref().map(|entry| &entry.source))?;
        let entry = SourceEntry {
            origin: Origin::Api,
            source,
        };
        self.table.put(&id, Some(encode(&entry))).await?;
        events::SourceChanged {
            source: &id,
            change: "upserted",
        }
        .emit();
        Ok(if existing.is_some() {
            (StatusCode::OK, "replaced\n")
        } else {
            (StatusCode::CREATED, "created\n")
        })
    }

    async fn remove(&self, id: &str) -> Result<(), SourceChangeError> {
        match self.entries().await?.get(id) {
            None => Err(SourceChangeError::NotFound(id.to_owned())),
            Some(entry) if entry.origin == Origin::Config => {
                Err(SourceChangeError::Configured(id.to_owned()))
            }
            Some(_) => {
                self.table.put(id, None).await?;
                events::SourceChanged {
                    source: id,
                    change: "deleted",
                }
                .emit();
                Ok(())
            }
        }
    }
}

/// `entry` with its password and header values replaced by [`HIDDEN`].
fn hide_secrets(mut entry: SourceEntry) -> SourceEntry {
    if let SourceConfig::Http(http) = &mut entry.source {
        if http.password.is_some() {
            http.password = Some(HIDDEN.to_owned());
        }
        for value in http.headers.values_mut() {
            *value = HIDDEN.to_owned();
        }
    }
    entry
}

/// Replaces each [`HIDDEN`] value sent back (a listed source, edited) by the stored one; one
/// with nothing stored under it is refused.
fn keep_hidden_secrets(
    source: &mut SourceConfig,
    stored: Option<&SourceConfig>,
) -> Result<(), SourceChangeError> {
    let SourceConfig::Http(http) = source else {
        return Ok(());
    };
    let stored = match stored {
        Some(SourceConfig::Http(stored)) => Some(stored),
        _ => None,
    };
    let missing = |what: &str| {
        SourceChangeError::Invalid(format!(
            "{what} {HIDDEN:?} keeps a stored value, and there is none"
        ))
    };
    if http.password.as_deref() == Some(HIDDEN) {
        http.password = Some(
            stored
                .and_then(|stored| stored.password.clone())
                .ok_or_else(|| missing("password"))?,
        );
    }
    for (name, value) in &mut http.headers {
        if value == HIDDEN {
            *value = stored
                .and_then(|stored| stored.headers.get(name).cloned())
                .ok_or_else(|| missing(&format!("header {name}")))?;
        }
    }
    Ok(())
}

fn refusal(error: &SourceChangeError) -> (StatusCode, String) {
    let status = match error {
        SourceChangeError::Configured(_) => StatusCode::CONFLICT,
        SourceChangeError::NotFound(_) => StatusCode::NOT_FOUND,
        SourceChangeError::Invalid(_) | SourceChangeError::IdMismatch { .. } => {
            StatusCode::BAD_REQUEST
        }
        SourceChangeError::Table(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, format!("{error}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HttpSource;
    use wire_runtime::table::MemoryTable;

    fn http(id: &str) -> SourceConfig {
        SourceConfig::Http(HttpSource::new(id, &format!("https://{id}.example/feed")))
    }

    #[tokio::test]
    async fn config_sources_are_synced_and_api_sources_kept() {
        let table = Table::Memory(MemoryTable::open("sources", None).await.unwrap());
        let synced = sync_configured(&table, &[http("a"), http("b")])
            .await
            .unwrap();
        assert_eq!(
            synced,
            Synced {
                written: 2,
                deleted: 0
            }
        );
        let api = Api {
            table: table.clone(),
            limits: FetcherConfig::default(),
        };
        assert_eq!(api.upsert(http("c")).await.unwrap().0, StatusCode::CREATED);
        assert!(matches!(
            api.upsert(http("a")).await,
            Err(SourceChangeError::Configured(_))
        ));
        // The same config again writes nothing; a config without "b" deletes it, not "c".
        let again = sync_configured(&table, &[http("a"), http("b")])
            .await
            .unwrap();
        assert_eq!(again, Synced::default());
        let shrunk = sync_configured(&table, &[http("a")]).await.unwrap();
        assert_eq!(shrunk.deleted, 1);
        let ids: Vec<String> = decode(&Snapshot {
            generation: 1,
            entries: table.read_all().await.unwrap(),
        })
        .iter()
        .map(|s| s.id().to_owned())
        .collect();
        assert_eq!(ids, ["a", "c"]);
        assert!(matches!(
            api.remove("a").await,
            Err(SourceChangeError::Configured(_))
        ));
        api.remove("c").await.unwrap();
        assert!(matches!(
            api.remove("c").await,
            Err(SourceChangeError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn invalid_sources_are_refused_and_bad_entries_skipped() {
        let table = Table::Memory(MemoryTable::open("sources", None).await.unwrap());
        let api = Api {
            table: table.clone(),
            limits: FetcherConfig::default(),
        };
        let bad = SourceConfig::Http(HttpSource::new("bad", "ftp://example.org/feed"));
        assert!(matches!(
            api.upsert(bad).await,
            Err(SourceChangeError::Invalid(_))
        ));
        table
            .put("junk", Some(b"{not json".to_vec()))
            .await
            .unwrap();
        let misfiled = encode(&SourceEntry {
            origin: Origin::Api,
            source: http("other"),
        });
        table.put("elsewhere", Some(misfiled)).await.unwrap();
        table
            .put(
                "good",
                Some(encode(&SourceEntry {
                    origin: Origin::Api,
                    source: http("good"),
                })),
            )
            .await
            .unwrap();
        let snapshot = Snapshot {
            generation: 1,
            entries: table.read_all().await.unwrap(),
        };
        let ids: Vec<String> = decode(&snapshot)
            .iter()
            .map(|s| s.id().to_owned())
            .collect();
        assert_eq!(ids, ["good"]);
    }

    #[test]
    fn listed_sources_hide_passwords_and_header_values() {
        let mut source = HttpSource::new("s", "https://s.example/feed");
        source.password = Some("hunter2".to_owned());
        source
            .headers
            .insert("X-Api-Key".to_owned(), "k-123".to_owned());
        let shown = hide_secrets(SourceEntry {
            origin: Origin::Api,
            source: SourceConfig::Http(source),
        });
        let text = serde_json::to_string(&shown).unwrap();
        assert!(
            !text.contains("hunter2") && !text.contains("k-123"),
            "{text}"
        );
        assert!(text.contains(HIDDEN));
    }

    #[tokio::test]
    async fn a_hidden_secret_sent_back_keeps_the_stored_one() {
        let table = Table::Memory(MemoryTable::open("sources", None).await.unwrap());
        let api = Api {
            table: table.clone(),
            limits: FetcherConfig::default(),
        };
        let mut source = HttpSource::new("s", "https://s.example/feed");
        source.username = Some("desk".to_owned());
        source.password = Some("hunter2".to_owned());
        api.upsert(SourceConfig::Http(source.clone()))
            .await
            .unwrap();
        let listed = api.list().await.unwrap().remove(0).source;
        assert_eq!(api.upsert(listed).await.unwrap().0, StatusCode::OK);
        let stored = api.entries().await.unwrap().remove("s").unwrap().source;
        assert_eq!(stored, SourceConfig::Http(source));
        let mut fresh = HttpSource::new("t", "https://t.example/feed");
        fresh.username = Some("desk".to_owned());
        fresh.password = Some(HIDDEN.to_owned());
        assert!(matches!(
            api.upsert(SourceConfig::Http(fresh)).await,
            Err(SourceChangeError::Invalid(_))
        ));
    }
}
