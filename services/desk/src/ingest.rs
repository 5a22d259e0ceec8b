//! The desk's reading loop: `wire.enriched.v1`, `wire.alerts.v1` and the merges of
//! `wire.stories.v1` into the archive, from
//! the positions its last commit recorded; a commit every `desk.commit_interval_ms` makes
//! what was read searchable and durable together with the positions, then announces the new
//! articles to the live streams.
//!
//! Not the stage loop of `wire-runtime`, written once here because the desk is a sink whose
//! output is its index: the stage loop commits consumer-group offsets after outputs are
//! acknowledged on the bus, while the desk must commit its read positions inside the index
//! commit itself (one atomic step), or a crash between the two would lose or double articles.

use crate::archive::ArchiveWriter;
use crate::events;
use crate::schema::micros;
use chrono::Utc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use wire_model::{Alert, Envelope, StoryChange, StoryRecord, topics};
use wire_runtime::bus::publish;
use wire_runtime::{Delivery, Health, SharedBus, StageError, stage::dead_letter};

/// The topics the desk reads.
pub const TOPICS: [&str; 3] = [topics::ENRICHED, topics::ALERTS, topics::STORIES];

/// How often retention runs.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// A newly searchable article, for the live streams.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub seq: u64,
    pub envelope: Arc<Envelope>,
}

/// What the loop needs besides the writer.
pub struct IngestContext {
    pub bus: SharedBus,
    /// Names the bus in the commit payload (positions on another bus are not used).
    pub bus_id: String,
    pub commit_interval: Duration,
    pub retention_days: u32,
    pub live: broadcast::Sender<Arc<Vec<Arrival>>>,
    pub health: Health,
    pub shutdown: CancellationToken,
}

/// Reads until shutdown, then commits what it read.
pub async fn run(mut writer: ArchiveWriter, context: IngestContext) -> anyhow::Result<()> {
    let positions = writer.committed().positions_on(&context.bus_id);
    if positions.is_empty() {
        writer.reset_positions();
    }
    let mut subscription = context.bus.read_from(&TOPICS, &positions).await?;
    context.health.set("desk", None);
    let mut tick = tokio::time::interval(context.commit_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut arrivals: Vec<Arrival> = Vec::new();
    let mut last_retention: Option<Instant> = None;
    loop {
        tokio::select! {
            biased;
            _ = context.shutdown.cancelled() => break,
            _ = tick.tick() => {
                if last_retention.is_none_or(|at| at.elapsed() >= RETENTION_EVERY) {
                    last_retention = Some(Instant::now());
                    apply_retention(&mut writer, context.retention_days)?;
                }
                writer = commit(writer, &context, &mut arrivals).await?;
            }
            delivery = subscription.recv() => match delivery {
                Ok(delivery) => take(&mut writer, &context, delivery, &mut arrivals).await?,
                Err(wire_runtime::BusError::Closed) => break,
                Err(error) => return Err(error.into()),
            },
        }
    }
    commit(writer, &context, &mut arrivals).await?;
    subscription.close().await?;
    Ok(())
}

/// Writes one delivery; an unreadable one goes to the dead-letter topic.
async fn take(
    writer: &mut ArchiveWriter,
    context: &IngestContext,
    delivery: Delivery,
    arrivals: &mut Vec<Arrival>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let record = &delivery.record;
    let outcome = if record.topic == topics::STORIES {
        StoryRecord::decode(&record.payload)
            .map_err(StageError::decode)
            .and_then(|story| {
                if story.change != StoryChange::Merged {
                    return Ok(None);
                }
                writer
                    .add_merge(&story.story, &story.merged, now)
                    .map(|()| None)
                    .map_err(|error| StageError::new("index", error.to_string()))
            })
    } else if record.topic == topics::ALERTS {
        Alert::decode(&record.payload)
            .map_err(StageError::decode)
            .and_then(|alert| {
                writer
                    .add_alert(&alert, &record.payload, now)
                    .map(|_| None)
                    .map_err(|error| StageError::new("index", error.to_string()))
            })
    } else {
        Envelope::decode(&record.payload)
            .map_err(StageError::decode)
            .and_then(|envelope| {
                let payload: Arc<[u8]> = Arc::from(record.payload.as_slice());
                writer
                    .add_article(&envelope, payload, now)
                    .map(|(seq, _)| Some((seq, envelope)))
                    .map_err(|error| StageError::new("index", error.to_string()))
            })
    };
    match outcome {
        Ok(Some((seq, envelope))) => arrivals.push(Arrival {
            seq,
            envelope: Arc::new(envelope),
        }),
        Ok(None) => {}
        Err(error) if error.kind == "index" => {
            // The index itself failed (disk full, ...): stop without moving past the record.
            anyhow::bail!("the archive could not write a document: {error}");
        }
        Err(error) => {
            events::Unreadable {
                topic: &record.topic,
                reason: &error.message,
            }
            .emit();
            publish(context.bus.as_ref(), dead_letter("desk", &delivery, &error)).await?;
        }
    }
    writer.advance(&record.topic, delivery.partition, delivery.offset);
    Ok(())
}

/// Commits on the blocking pool (a commit writes and syncs files), then announces the arrivals.
async fn commit(
    mut writer: ArchiveWriter,
    context: &IngestContext,
    arrivals: &mut Vec<Arrival>,
) -> anyhow::Result<ArchiveWriter> {
    let documents = writer.uncommitted();
    if documents == 0 && !writer.positions_moved() {
        return Ok(writer);
    }
    let started = Instant::now();
    let bus_id = context.bus_id.clone();
    let (writer, committed) = tokio::task::spawn_blocking(move || {
        let committed = writer.commit(&bus_id);
        (writer, committed)
    })
    .await?;
    committed?;
    events::Committed {
        documents,
        took_ms: started.elapsed().as_millis(),
        searchable: writer.searchable(),
    }
    .emit();
    if !arrivals.is_empty() {
        // No receiver is fine: nobody is watching the live stream.
        let _ = context.live.send(Arc::new(std::mem::take(arrivals)));
    }
    Ok(writer)
}

fn apply_retention(writer: &mut ArchiveWriter, retention_days: u32) -> anyhow::Result<()> {
    if retention_days == 0 {
        return Ok(());
    }
    let cutoff = Utc::now() - chrono::Duration::days(i64::from(retention_days));
    if micros(cutoff) == 0 {
        return Ok(());
    }
    writer.expire_before(cutoff)?;
    events::Expired { cutoff }.emit();
    Ok(())
}
