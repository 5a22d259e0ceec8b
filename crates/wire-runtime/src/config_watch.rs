//! Config-file reloading for the parts that apply a change without a restart (the fetcher's
//! sources, the alerter's subscriptions): the file is checked every interval, and a section
//! that changed and still loads and validates is sent on; a broken edit is logged and the
//! running settings stay.

use crate::config::{LoadedConfig, Validate};
use crate::events;
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Watches `config_file` (its modification time, checked every `every`) until `shutdown` and
/// sends what `pick` takes from its `[section]` whenever the file changed, still loads and
/// validates, and the picked value differs. `None` without a file or with a zero interval.
pub fn watch_section<S, T>(
    config_file: Option<PathBuf>,
    every: Duration,
    section: &'static str,
    pick: impl Fn(S) -> T + Send + 'static,
    initial: T,
    shutdown: CancellationToken,
) -> Option<watch::Receiver<T>>
where
    S: DeserializeOwned + Validate,
    T: PartialEq + Send + Sync + 'static,
{
    let path = config_file?;
    if every.is_zero() {
        return None;
    }
    let (sender, receiver) = watch::channel(initial);
    tokio::spawn(async move {
        let modified = |path: &PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let mut last = modified(&path);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
            let now = modified(&path);
            if now == last {
                continue;
            }
            last = now;
            match LoadedConfig::load(Some(&path)).and_then(|config| config.section::<S>(section)) {
                Ok(loaded) => {
                    let picked = pick(loaded);
                    sender.send_if_modified(|current| {
                        let changed = *current != picked;
                        *current = picked;
                        changed
                    });
                    events::ConfigReloaded {
                        path: &path,
                        section,
                        error: None,
                    }
                    .emit();
                }
                Err(error) => events::ConfigReloaded {
                    path: &path,
                    section,
                    error: Some(&error.to_string()),
                }
                .emit(),
            }
        }
    });
    Some(receiver)
}
