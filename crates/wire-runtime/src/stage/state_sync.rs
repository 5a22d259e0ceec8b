//! Taking in what the other instances of a stage wrote to the shared state store: read beside
//! the loop every `stage.state_refresh_ms`, and before the next input after a rebalance.

use super::Stage;
use crate::bus::BusError;
use crate::events;
use crate::state::{StateError, StateWrite};
use futures::FutureExt;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A read of what the other instances wrote, running beside the loop.
pub(super) type StateRead =
    futures::future::BoxFuture<'static, Result<Vec<StateWrite>, StateError>>;

/// Starts a periodic [`StateRead`]; `None` for a stage without a state store.
pub(super) fn start_state_read<S: Stage>(stage: &S) -> Option<StateRead> {
    stage
        .state_store()
        .map(|store| async move { store.changes_from_others().await }.boxed())
}

/// Hands the stage what other instances of it wrote to its state store since the last time
/// (see [`Stage::apply_state_changes`]).
async fn catch_up_with_state<S: Stage>(
    stage: &mut S,
    reason: &'static str,
) -> Result<(), BusError> {
    let Some(store) = stage.state_store() else {
        return Ok(());
    };
    let changes = store.changes_from_others().await?;
    apply_state_changes(stage, changes, reason);
    Ok(())
}

/// Applies a finished [`StateRead`], or reports its failure.
pub(super) fn apply_state_read<S: Stage>(
    stage: &mut S,
    read: Result<Vec<StateWrite>, StateError>,
    reason: &'static str,
) {
    match read {
        Ok(changes) => apply_state_changes(stage, changes, reason),
        Err(error) => events::StateCatchUpFailed {
            stage: stage.name(),
            error: &error.to_string(),
        }
        .emit(),
    }
}

fn apply_state_changes<S: Stage>(stage: &mut S, changes: Vec<StateWrite>, reason: &'static str) {
    if !changes.is_empty() {
        events::StateCaughtUp {
            stage: stage.name(),
            reason,
            changes: changes.len(),
        }
        .emit();
        stage.apply_state_changes(changes);
    }
}

/// [`catch_up_with_state`] after a rebalance, retried every second until it succeeds; false
/// when `shutdown` came first.
pub(super) async fn catch_up_after_rebalance<S: Stage>(
    stage: &mut S,
    shutdown: &CancellationToken,
) -> bool {
    loop {
        match catch_up_with_state(stage, "rebalance").await {
            Ok(()) => return true,
            Err(error) => events::StateCatchUpFailed {
                stage: stage.name(),
                error: &error.to_string(),
            }
            .emit(),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return false,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}
