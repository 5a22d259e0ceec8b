//! Normalizer telemetry: one struct per occurrence; `emit()` logs and counts. What the stage
//! loop counts for every stage (messages by outcome, dead letters by kind) is in
//! `wire_runtime::events`: an item the normalizer cannot read is a dead letter of kind
//! [`crate::NormalizeError::kind`].

/// A raw item decoded: every later log line about its message names its source.
pub struct ItemReceived<'a> {
    pub source: &'a str,
}

impl ItemReceived<'_> {
    pub fn emit(self) {
        tracing::Span::current().record("source", self.source);
    }
}
