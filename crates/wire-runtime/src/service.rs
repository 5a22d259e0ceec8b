//! What a service gets from the process it runs in: [`ServiceContext`]. Every service has the
//! same entry, `run(config, context)`, whether [`crate::Process`] started it as its own binary,
//! the in-process pipeline started it next to the others, or a test started it alone.
//!
//! Services add their own admin routes (the fetcher's `/sources`) through
//! [`ServiceContext::mount_admin_routes`]; the admin server serves them behind the same access
//! policy as its own routes, however late they are mounted.

use crate::admin::Health;
use crate::bus::{BusError, SharedBus};
use crate::config::{LoadedConfig, RuntimeConfig, StageConfig, StateKind};
use crate::stage::Stage;
use crate::state::SharedStateStore;
use axum::Router;
use axum::extract::Request;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

/// What a service needs from its process: the bus, the runtime settings (stage loop, state),
/// the health table, the shutdown token, its state store and a place for its admin routes.
/// Cloning shares all of them.
#[derive(Clone)]
pub struct ServiceContext {
    pub bus: SharedBus,
    pub runtime: RuntimeConfig,
    pub health: Health,
    /// Cancelled when the service should stop (a signal, or another stage failing).
    pub shutdown: CancellationToken,
    /// The config file the process loaded, for services that reload part of it.
    pub config_file: Option<PathBuf>,
    admin_routes: AdminRoutes,
    state_stores: BTreeMap<String, SharedStateStore>,
}

impl std::fmt::Debug for ServiceContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceContext")
            .field("bus", &self.bus.kind())
            .field("config_file", &self.config_file)
            .finish_non_exhaustive()
    }
}

impl ServiceContext {
    /// A context over `bus` with `runtime`, a fresh health table and shutdown token, no config
    /// file and no admin routes yet.
    pub fn new(runtime: RuntimeConfig, bus: SharedBus) -> Self {
        Self {
            bus,
            runtime,
            health: Health::new(),
            shutdown: CancellationToken::new(),
            config_file: None,
            admin_routes: AdminRoutes::default(),
            state_stores: BTreeMap::new(),
        }
    }

    /// A context over `bus` with the built-in default settings and state in memory (each store
    /// opened empty): for tests and tools.
    pub fn with_defaults(bus: SharedBus) -> anyhow::Result<Self> {
        let mut runtime = LoadedConfig::load_from(None, &[])?.runtime()?;
        runtime.state.kind = StateKind::Memory;
        Ok(Self::new(runtime, bus))
    }

    pub fn with_stage(mut self, stage: StageConfig) -> Self {
        self.runtime.stage = stage;
        self
    }

    pub fn with_shutdown(mut self, shutdown: CancellationToken) -> Self {
        self.shutdown = shutdown;
        self
    }

    pub fn with_health(mut self, health: Health) -> Self {
        self.health = health;
        self
    }

    pub fn with_config_file(mut self, config_file: Option<PathBuf>) -> Self {
        self.config_file = config_file;
        self
    }

    /// Hands `store` to the service that opens the state store `name`, instead of opening the
    /// one the config asks for (a test keeping state across restarts).
    pub fn with_state_store(mut self, name: &str, store: SharedStateStore) -> Self {
        self.state_stores.insert(name.to_owned(), store);
        self
    }

    /// The stage loop's settings.
    pub fn stage(&self) -> &StageConfig {
        &self.runtime.stage
    }

    /// Runs `stage` in the stage loop ([`crate::run_stage`]) over this context's bus, stage
    /// settings, health table and shutdown token, until shutdown.
    pub async fn run_stage<S: Stage>(self, stage: S) -> Result<(), BusError> {
        crate::run_stage(
            stage,
            self.bus,
            &self.runtime.stage,
            self.health,
            self.shutdown,
        )
        .await
    }

    /// The state store `name` (`fetcher`, `enricher`, ...): the one handed over with
    /// [`ServiceContext::with_state_store`], else the one the config asks for
    /// ([`crate::open_state_store`]).
    pub async fn open_state_store(&self, name: &str) -> anyhow::Result<SharedStateStore> {
        match self.state_stores.get(name) {
            Some(store) => Ok(store.clone()),
            None => crate::open_state_store(&self.runtime, name).await,
        }
    }

    /// Serves `routes` on the admin port under `name`; mounting the same name again replaces
    /// them. Without an admin server (tests, `admin.enabled = false`) nothing serves them.
    pub fn mount_admin_routes(&self, name: &str, routes: Router) {
        self.admin_routes.mount(name, routes);
    }

    /// A router that answers with whatever is mounted now: give it to [`crate::admin::serve`].
    pub fn admin_router(&self) -> Router {
        self.admin_routes.router()
    }

    /// Serves the admin port (`/livez`, `/readyz`, `/metrics` and the mounted routes) until
    /// shutdown; the bound address, or `None` when `admin.enabled` is off.
    pub async fn serve_admin(&self) -> anyhow::Result<Option<std::net::SocketAddr>> {
        crate::admin::serve(
            &self.runtime.admin,
            self.health.clone(),
            self.bus.clone(),
            Some(self.admin_router()),
            self.shutdown.clone(),
        )
        .await
    }
}

/// Admin routes services mount while the server already runs.
#[derive(Clone, Default)]
struct AdminRoutes {
    inner: Arc<RwLock<AdminRoutesInner>>,
}

#[derive(Default)]
struct AdminRoutesInner {
    by_service: BTreeMap<String, Router>,
    merged: Router,
}

impl AdminRoutes {
    fn mount(&self, name: &str, routes: Router) {
        let mut inner = self
            .inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.by_service.insert(name.to_owned(), routes);
        inner.merged = inner
            .by_service
            .values()
            .fold(Router::new(), |merged, routes| merged.merge(routes.clone()));
    }

    fn current(&self) -> Router {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .merged
            .clone()
    }

    fn router(&self) -> Router {
        let routes = self.clone();
        Router::new().fallback(move |request: Request| {
            let current = routes.current();
            async move {
                match current.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::bus::MemoryBus;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;

    fn context() -> ServiceContext {
        ServiceContext::with_defaults(Arc::new(MemoryBus::new(8))).unwrap()
    }

    async fn status(router: &Router, path: &str) -> StatusCode {
        let request = Request::builder().uri(path).body(Body::empty()).unwrap();
        router.clone().oneshot(request).await.unwrap().status()
    }

    #[tokio::test]
    async fn routes_mounted_after_the_router_was_handed_out_are_served() {
        let context = context();
        let router = context.admin_router();
        assert_eq!(status(&router, "/sources").await, StatusCode::NOT_FOUND);
        context.mount_admin_routes("fetcher", Router::new().route("/sources", get(|| async {})));
        context.mount_admin_routes(
            "alerter",
            Router::new().route("/subscriptions", get(|| async {})),
        );
        assert_eq!(status(&router, "/sources").await, StatusCode::OK);
        assert_eq!(status(&router, "/subscriptions").await, StatusCode::OK);
        // Mounting a name again replaces its routes instead of clashing with them.
        context.mount_admin_routes("fetcher", Router::new().route("/sources", get(|| async {})));
        assert_eq!(status(&router, "/sources").await, StatusCode::OK);
    }

    #[tokio::test]
    async fn a_handed_over_store_is_the_one_opened() {
        let store: SharedStateStore = Arc::new(crate::state::MemoryStateStore::default());
        store.put("k", Some(b"v".to_vec())).await.unwrap();
        let context = context().with_state_store("enricher", store);
        let opened = context.open_state_store("enricher").await.unwrap();
        assert_eq!(opened.load_all().await.unwrap().len(), 1);
        let other = context.open_state_store("alerter").await.unwrap();
        assert!(other.load_all().await.unwrap().is_empty());
    }
}
