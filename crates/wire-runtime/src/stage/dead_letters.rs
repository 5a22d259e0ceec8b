//! The dead-letter record of an input the stage could not handle.

use super::StageError;
use crate::bus::{Delivery, Record};
use crate::events;
use chrono::Utc;
use wire_model::topics::{self, dlq_headers};

/// The largest payload copied into a dead-letter record; the rest is cut and flagged, so a
/// message too big for the topic still leaves a trace.
const DLQ_MAX_PAYLOAD_BYTES: usize = 512 * 1024;

/// Why an input whose output the bus refused as too large is dead-lettered.
pub(super) fn too_large(topic: &str, bytes: usize, limit: &str) -> StageError {
    StageError::new(
        "too_large",
        format!("an output of {bytes} bytes for {topic} is larger than the bus accepts ({limit})"),
    )
}

/// The dead-letter record for `delivery`: the original key, payload (cut at
/// [`DLQ_MAX_PAYLOAD_BYTES`]) and headers, plus the reason and the origin.
pub fn dead_letter(stage: &'static str, delivery: &Delivery, error: &StageError) -> Record {
    events::MessageDeadLettered {
        stage,
        kind: error.kind,
        reason: &error.message,
        topic: &delivery.record.topic,
        partition: delivery.partition,
        offset: delivery.offset,
    }
    .emit();
    let original = &delivery.record;
    let truncated = original.payload.len() > DLQ_MAX_PAYLOAD_BYTES;
    let payload = original.payload[..original.payload.len().min(DLQ_MAX_PAYLOAD_BYTES)].to_vec();
    let mut record = Record {
        topic: topics::DLQ.to_owned(),
        key: original.key.clone(),
        payload,
        headers: original.headers.clone(),
    }
    .with_header(dlq_headers::REASON, error.message.as_bytes())
    .with_header(dlq_headers::KIND, error.kind)
    .with_header(dlq_headers::STAGE, stage)
    .with_header(dlq_headers::SOURCE_TOPIC, original.topic.as_bytes())
    .with_header(
        dlq_headers::SOURCE_PARTITION,
        delivery.partition.to_string(),
    )
    .with_header(dlq_headers::SOURCE_OFFSET, delivery.offset.to_string())
    .with_header(dlq_headers::REJECTED_AT, Utc::now().to_rfc3339());
    if truncated {
        record = record.with_header(
            dlq_headers::TRUNCATED_FROM_BYTES,
            original.payload.len().to_string(),
        );
    }
    record
}
