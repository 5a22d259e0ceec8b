//! `wirefeed-bench copy` (hidden; started by `pipeline`).

use std::path::Path;
use std::process::ExitCode;

/// One hop of the Kafka ceiling (started by `pipeline`): copy every record of one topic to
/// another, committing after the acknowledgement. A process like a service (config,
/// telemetry, admin port, signals).
#[derive(clap::Args)]
pub struct CopyArgs {
    #[arg(long)]
    group: String,
    #[arg(long)]
    from: String,
    #[arg(long)]
    to: String,
}

impl CopyArgs {
    pub async fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let process = wire_runtime::Process::start(config).await?;
        let context = process.context();
        let copied = wirefeed_bench::kafka_io::copy(
            context.bus.clone(),
            &self.group,
            &self.from,
            &self.to,
            context.stage().max_in_flight,
            context.shutdown.clone(),
        )
        .await?;
        tracing::info!(copied, from = self.from, to = self.to, "copier stopped");
        process.finish().await?;
        Ok(ExitCode::SUCCESS)
    }
}
