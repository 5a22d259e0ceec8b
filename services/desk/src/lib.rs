//! The desk: the archive of the wire (a tantivy index on disk of every enriched article
//! version and every alert) and its JSON API on `desk.listen`.
//!
//! - [`archive`]: the index, its writer and reader; [`schema`]: its documents;
//! - [`ingest`]: the reading loop (`wire.enriched.v1`, `wire.alerts.v1`, the merges of
//!   `wire.stories.v1` → the index);
//! - [`search`] and [`translate`]: the query language over the index, facets, paging, lookups;
//!   [`hits`]: what the API shows of articles, families and stories;
//! - [`api`]: the HTTP routes, described by `openapi.json`;
//! - [`web`]: the web wire desk at `/` (pages over the same archive).
//!
//! Entry: [`Desk::bind`] then [`BoundDesk::run`]; `main.rs` and `wirefeed run` both use them.
//!
//! Delivery guarantee: exactly once into the index. The desk reads its topics from the
//! positions its last index commit recorded (not from a consumer group), and each commit
//! records the positions it covers; a document written again replaces the one with its key
//! (article uri and version; alert subscription, family, kind and version). Every replica
//! reads every partition and keeps its own index.

pub mod api;
pub mod archive;
pub mod config;
pub mod events;
pub mod hits;
pub mod ingest;
pub mod schema;
pub mod search;
pub mod translate;
pub mod web;
pub mod words;

pub use config::DeskConfig;

use anyhow::Context as _;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::broadcast;
use wire_runtime::ServiceContext;

/// The desk, configured.
#[derive(Debug)]
pub struct Desk {
    config: DeskConfig,
}

/// The desk with its API's address taken.
#[derive(Debug)]
pub struct BoundDesk {
    config: DeskConfig,
    listener: tokio::net::TcpListener,
    address: SocketAddr,
}

impl Desk {
    pub fn new(config: DeskConfig) -> Self {
        Self { config }
    }

    /// Binds `desk.listen`.
    pub async fn bind(self) -> anyhow::Result<BoundDesk> {
        let listener = tokio::net::TcpListener::bind(&self.config.listen)
            .await
            .with_context(|| format!("the desk cannot listen on {}", self.config.listen))?;
        let address = listener.local_addr()?;
        Ok(BoundDesk {
            config: self.config,
            listener,
            address,
        })
    }
}

impl BoundDesk {
    /// Where the API listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Opens the archive, serves the API and reads the wire until the context's shutdown.
    pub async fn run(self, context: ServiceContext) -> anyhow::Result<()> {
        let Self {
            config,
            listener,
            address,
        } = self;
        let (mut writer, reader) = archive::Archive::open(
            &config.index_dir,
            config.writer_memory_mb.saturating_mul(1 << 20),
        )
        .with_context(|| {
            format!(
                "failed to open the archive in {}",
                config.index_dir.display()
            )
        })?;
        let (live, _) = broadcast::channel(1_024);
        let bus_id = bus_id(&context);
        if config.rebuild {
            // Emptied before the API answers: nobody reads the old archive as the new one.
            writer.clear()?;
            writer.commit(&bus_id)?;
        }
        events::Started {
            index_dir: &config.index_dir.display().to_string(),
            documents: reader.documents(),
            resumed_from: writer.committed().positions_on(&bus_id).len(),
            rebuild: config.rebuild,
            listen: address,
        }
        .emit();
        let router = desk_router(&config, &context, reader, live.clone())?;
        let stop_serving = context.shutdown.clone();
        let serving = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move { stop_serving.cancelled().await })
                .await
        });
        let ingested = ingest::run(
            writer,
            ingest::IngestContext {
                bus: context.bus.clone(),
                bus_id,
                commit_interval: Duration::from_millis(config.commit_interval_ms),
                retention_days: config.retention_days,
                live,
                health: context.health.clone(),
                shutdown: context.shutdown.clone(),
            },
        )
        .await;
        // The API stops with the reading loop, whichever way it ended.
        context.shutdown.cancel();
        let served = serving.await.context("the desk API task panicked")?;
        ingested?;
        served.context("the desk API failed")?;
        Ok(())
    }
}

/// The JSON API and the web desk, behind the read guard and with the security headers.
fn desk_router(
    config: &DeskConfig,
    context: &ServiceContext,
    reader: archive::ArchiveReader,
    live: broadcast::Sender<std::sync::Arc<Vec<ingest::Arrival>>>,
) -> anyhow::Result<axum::Router> {
    let admin = &context.runtime.admin;
    let sessions = web::session::Sessions::new(
        admin.token.clone(),
        admin.protect_reads,
        Duration::from_secs(config.session_minutes.saturating_mul(60)),
    );
    let operations = if config.fetcher_admin.is_empty() && config.alerter_admin.is_empty() {
        web::operations::Operations::InProcess(context.admin_router())
    } else {
        web::operations::Operations::Remote {
            fetchers: config.fetcher_admin.clone(),
            alerter: (!config.alerter_admin.is_empty()).then(|| config.alerter_admin.clone()),
            token: admin.token.clone(),
            client: reqwest::Client::builder()
                .build()
                .context("the desk's HTTP client")?,
        }
    };
    let templates = web::templates().context("the web desk's templates")?;
    let web = web::WebState {
        reader: reader.clone(),
        sessions,
        operations,
        templates: std::sync::Arc::new(templates),
    };
    Ok(web::desk_router(web, api::ApiState { reader, live }))
}

/// Names the bus in the index's commits: positions are only meaningful on the same bus (one
/// process's in-memory bus starts at 0 again).
fn bus_id(context: &ServiceContext) -> String {
    match context.bus.kind() {
        "kafka" => format!(
            "kafka:{}:{}",
            context.runtime.bus.kafka.bootstrap_servers, context.runtime.bus.kafka.topic_prefix
        ),
        other => format!(
            "{other}:{}:{}",
            std::process::id(),
            chrono::Utc::now().timestamp_micros()
        ),
    }
}

/// Runs the desk until the context's shutdown.
pub async fn run(config: DeskConfig, context: ServiceContext) -> anyhow::Result<()> {
    Desk::new(config).bind().await?.run(context).await
}
