//! `wirefeed run`: all the stages and the desk in one process, with the same code paths as the
//! services.

use std::path::Path;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;
use wire_model::{Envelope, topics};
use wire_pipeline::{Pipeline, PipelineConfig};
use wire_runtime::{Process, Subscription};

/// Run fetcher, normalizer, enricher, alerter and the desk in one process until Ctrl-C.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Print enriched articles as JSON lines instead of one summary line each.
    #[arg(long)]
    json: bool,
}

impl RunArgs {
    pub async fn run(self, config_file: Option<&Path>) -> anyhow::Result<ExitCode> {
        run(config_file, self.json).await
    }
}

pub async fn run(config_file: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    let process = Process::start(config_file).await?;
    process.config.warn_about_inline_secrets();
    let config = PipelineConfig::from_loaded(&process.config)?;
    let context = process.context();
    tracing::info!(
        bus = context.bus.kind(),
        sources = config.fetcher.sources.len(),
        subscriptions = config.alerter.subscriptions.len(),
        "wirefeed run: fetcher, normalizer, enricher, alerter and desk in one process; Ctrl-C stops"
    );

    // Subscribe the printer before anything is published.
    let printer = context
        .bus
        .subscribe("printer", &[topics::ENRICHED])
        .await?;
    let printing = {
        let shutdown = context.shutdown.clone();
        tokio::spawn(async move {
            // A printer that fails or panics stops the pipeline.
            let stop_on_failure = shutdown.clone().drop_guard();
            let printed = print_enriched(printer, json, shutdown).await;
            if printed.is_ok() {
                stop_on_failure.disarm();
            }
            printed
        })
    };
    let pipeline = Pipeline::start(config, context.clone()).await?;
    if let Some(desk) = pipeline.desk_address() {
        println!("DESK http://{desk}/  (the web desk; its API: /api/search?q=, /api/openapi.json)");
    }
    let mut outcome = pipeline.join().await;
    // The printer stops with the pipeline.
    let printed = match printing.await {
        Ok(printed) => printed,
        Err(panicked) => Err(anyhow::Error::new(panicked).context("the printer task panicked")),
    };
    if let (Ok(()), Err(error)) = (&outcome, printed) {
        tracing::error!(error = %format!("{error:#}"), "the printer failed; stopping");
        outcome = Err(error);
    }
    process.finish().await?;
    outcome.map(|()| ExitCode::SUCCESS)
}

/// Prints each enriched article: one summary line, or the envelope as a JSON line.
async fn print_enriched(
    mut subscription: Box<dyn Subscription>,
    json: bool,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    loop {
        let delivery = tokio::select! {
            _ = shutdown.cancelled() => break,
            delivery = subscription.recv() => match delivery {
                Ok(delivery) => delivery,
                Err(wire_runtime::BusError::Closed) => break,
                Err(error) => return Err(error.into()),
            },
        };
        match Envelope::decode(&delivery.record.payload) {
            Ok(envelope) if json => println!("{}", String::from_utf8_lossy(&envelope.encode())),
            Ok(envelope) => println!("{}", summary_line(&envelope)),
            Err(error) => tracing::warn!(error = %error, "undecodable enriched message"),
        }
        subscription.commit(&delivery)?;
    }
    subscription.close().await?;
    Ok(())
}

fn summary_line(envelope: &Envelope) -> String {
    let wire = &envelope.wire;
    let relation = match (&wire.is_original, &wire.duplicate_of) {
        (_, Some(original)) => format!("duplicate of {original}"),
        (Some(true), None) => "original".to_owned(),
        _ => "unclassified".to_owned(),
    };
    format!(
        "ENRICHED [{}] {} | {} v{} | {} | {}",
        wire.source,
        envelope.article.headline().unwrap_or("(no headline)"),
        wire.family.as_ref().map(|f| f.as_str()).unwrap_or("-"),
        wire.version_seq.unwrap_or(1),
        relation,
        envelope.article.language.as_deref().unwrap_or("-"),
    )
}
