//! Admin HTTP: `/livez` (the process runs), `/readyz` (the bus is reachable, every stage has
//! partitions assigned, and shutdown has not begun), `/metrics` (Prometheus text). Services add
//! their own routes (e.g. the fetcher's `/sources`). Every route is behind
//! [`crate::admin_auth`]: changes need the `admin.token` bearer token.

use crate::bus::SharedBus;
use crate::config::AdminConfig;
use crate::{events, telemetry};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// Readiness of the parts of a process.
#[derive(Clone, Default)]
pub struct Health {
    inner: Arc<HealthInner>,
}

#[derive(Default)]
struct HealthInner {
    shutting_down: AtomicBool,
    /// Component name → why it is not ready (`None` when ready).
    components: Mutex<BTreeMap<String, Option<String>>>,
}

impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Health").finish_non_exhaustive()
    }
}

impl Health {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `component` is ready, or why not.
    pub fn set(&self, component: &str, not_ready_because: Option<String>) {
        self.components()
            .insert(component.to_owned(), not_ready_because);
    }

    /// Whether `component` has reported its state at least once.
    pub fn is_registered(&self, component: &str) -> bool {
        self.components().contains_key(component)
    }

    /// From now on, `/readyz` answers 503.
    pub fn begin_shutdown(&self) {
        self.inner.shutting_down.store(true, Ordering::Relaxed);
    }

    /// `Ok` when ready, else the reasons.
    pub fn readiness(&self) -> Result<(), Vec<String>> {
        if self.inner.shutting_down.load(Ordering::Relaxed) {
            return Err(vec!["shutting down".to_owned()]);
        }
        let reasons: Vec<String> = self
            .components()
            .iter()
            .filter_map(|(name, reason)| reason.as_ref().map(|r| format!("{name}: {r}")))
            .collect();
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(reasons)
        }
    }

    fn components(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Option<String>>> {
        self.inner
            .components
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[derive(Clone)]
struct AdminState {
    health: Health,
    bus: SharedBus,
}

/// Binds the admin server and serves it until `shutdown`. Returns the bound address (useful
/// with port 0). `extra` routes are merged in.
pub async fn serve(
    config: &AdminConfig,
    health: Health,
    bus: SharedBus,
    extra: Option<Router>,
    shutdown: CancellationToken,
) -> anyhow::Result<Option<SocketAddr>> {
    use anyhow::Context as _;
    if !config.enabled {
        return Ok(None);
    }
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| {
            format!(
                "failed to bind admin.listen {} (set WIREFEED__ADMIN__LISTEN to another address)",
                config.listen
            )
        })?;
    let address = listener.local_addr()?;
    let mut router = Router::new()
        .route("/livez", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(|| async { telemetry::render_metrics() }))
        .with_state(AdminState { health, bus });
    if let Some(extra) = extra {
        router = router.merge(extra);
    }
    // Every route, the service's own included, goes through the access policy.
    let router = router.layer(axum::middleware::from_fn_with_state(
        crate::admin_auth::AdminAuth::new(config),
        crate::admin_auth::require,
    ));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await;
    });
    events::AdminListening { address }.emit();
    Ok(Some(address))
}

async fn readyz(State(state): State<AdminState>) -> (StatusCode, String) {
    let mut reasons = state.health.readiness().err().unwrap_or_default();
    if !state.bus.is_reachable().await {
        reasons.push(format!("{} bus is not reachable", state.bus.kind()));
    }
    if reasons.is_empty() {
        (StatusCode::OK, "ready\n".to_owned())
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {}\n", reasons.join("; ")),
        )
    }
}
