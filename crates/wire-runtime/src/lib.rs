//! What every wirefeed stage shares, written once: layered [`config`], [`telemetry`], the
//! [`bus`] (Kafka and in-process, with the Kafka [`bus::topic_plan`]), the generic [`stage`] loop
//! with its [`Outcome`]s, the [`retry`] policy, admin HTTP ([`admin`]: `/livez`, `/readyz`,
//! `/metrics`) and graceful [`shutdown`]; what a service gets from its process
//! ([`ServiceContext`]), the start-up sequence of a service binary ([`Process`]) and what the
//! `main` of every binary shares ([`binary`]).
//!
//! Delivery guarantee: at-least-once through the stage loop. An input is committed only after
//! every output it caused was acknowledged by the bus; a crash re-delivers what was not
//! committed, and downstream stages are idempotent by article id and content hash.

pub mod admin;
pub mod admin_auth;
pub mod binary;
pub mod bus;
pub mod config;
pub mod config_watch;
pub mod events;
pub mod retry;
pub mod service;
pub mod shutdown;
pub mod stage;
pub mod state;
pub mod table;
pub mod telemetry;

pub use admin::Health;
pub use bus::{Bus, BusError, Delivery, Record, SharedBus, Subscription};
pub use config::{LoadedConfig, RuntimeConfig, Validate};
pub use retry::RetryPolicy;
pub use service::ServiceContext;
pub use stage::{Outcome, Stage, StageError, run_stage};
pub use state::StateWrite;

use anyhow::Context as _;
use config::{BusConfig, BusKind};
use std::path::Path;
use std::sync::Arc;

/// How long [`connect_bus`] waits for a first answer over TLS or SASL before it goes on (the
/// broker may still be starting): a refused login or certificate is reported within it.
const SECURED_PROBE_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Builds the bus the config asks for; for Kafka, creates missing topics when
/// `bus.kafka.create_topics` is set.
pub async fn connect_bus(config: &BusConfig) -> anyhow::Result<SharedBus> {
    match config.kind {
        BusKind::Memory => Ok(Arc::new(bus::MemoryBus::new(
            config.memory.channel_capacity,
        ))),
        BusKind::Kafka => {
            let kafka = bus::KafkaBus::new(config.kafka.clone())
                .context("failed to create the kafka producer")?;
            // With TLS or SASL, a refused login or certificate ends the start at once, with
            // librdkafka's reason (it would retry forever). A broker that is down is waited for
            // as before: connecting stays lazy.
            if bus::is_secured(&config.kafka) {
                let settings = config.kafka.clone();
                let reachability = tokio::task::spawn_blocking(move || {
                    bus::probe_connection(&settings, SECURED_PROBE_WAIT)
                })
                .await
                .context("the kafka connection check failed")?;
                if let bus::Reachability::Refused(reason) = reachability {
                    anyhow::bail!(reason);
                }
            }
            if config.kafka.create_topics {
                kafka
                    .ensure_topics(&wire_model::topics::ALL)
                    .await
                    .with_context(|| {
                        format!(
                            "failed to create topics on {} (is the broker running? \
                             deploy/kafka/kafka.sh start)",
                            config.kafka.bootstrap_servers
                        )
                    })?;
            }
            Ok(Arc::new(kafka))
        }
    }
}

/// Opens the state store `name` (`fetcher`, `enricher`, ...) the config asks for.
pub async fn open_state_store(
    runtime: &RuntimeConfig,
    name: &str,
) -> anyhow::Result<state::SharedStateStore> {
    use config::StateKind;
    let kind = match (runtime.state.kind, runtime.bus.kind) {
        (StateKind::Auto, BusKind::Kafka) => StateKind::Kafka,
        (StateKind::Auto, BusKind::Memory) => StateKind::File,
        (kind, _) => kind,
    };
    Ok(match kind {
        StateKind::Kafka => Arc::new(
            state::KafkaStateStore::open(&runtime.bus.kafka, name)
                .await
                .with_context(|| format!("failed to open the {name} state topic"))?,
        ),
        StateKind::File | StateKind::Auto => Arc::new(
            state::FileStateStore::open(&runtime.state.dir, name)
                .with_context(|| format!("failed to open the {name} state file"))?,
        ),
        StateKind::Memory => Arc::new(state::MemoryStateStore::default()),
    })
}

/// A started service process: its config and the context its service runs with.
#[derive(Clone)]
pub struct Process {
    pub config: LoadedConfig,
    context: ServiceContext,
}

impl std::fmt::Debug for Process {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Process")
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl Process {
    /// Loads config (defaults, `config_file`, environment), initialises telemetry, connects the
    /// bus, installs signal handlers and serves admin HTTP (with the routes services mount).
    pub async fn start(config_file: Option<&Path>) -> anyhow::Result<Self> {
        let config = LoadedConfig::load(config_file)?;
        let runtime = config.runtime()?;
        telemetry::init(&runtime.telemetry);
        let bus = connect_bus(&runtime.bus).await?;
        let context = ServiceContext::new(runtime, bus)
            .with_shutdown(shutdown::on_signals())
            .with_config_file(config_file.map(Path::to_path_buf));
        context.serve_admin().await?;
        Ok(Self { config, context })
    }

    /// What the service runs with: `service::run(config, process.context())`.
    pub fn context(&self) -> ServiceContext {
        self.context.clone()
    }

    /// The sections shared by every binary.
    pub fn runtime(&self) -> &RuntimeConfig {
        &self.context.runtime
    }

    /// Flushes the producer (bounded by `stage.drain_timeout_ms`) before exit.
    pub async fn finish(&self) -> anyhow::Result<()> {
        let timeout = std::time::Duration::from_millis(self.context.stage().drain_timeout_ms);
        self.context
            .bus
            .flush(timeout)
            .await
            .context("failed to flush the producer")
    }
}
