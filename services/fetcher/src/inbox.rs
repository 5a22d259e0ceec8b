//! Drop folders: pick up new and changed files, never a file still being written.

use crate::config::{AfterRead, DirSource};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What was last read of each file: path → (size, modification time in ms since the epoch).
pub type FileStamps = HashMap<String, (u64, i64)>;

/// A file ready to read.
#[derive(Debug)]
pub struct ReadyFile {
    pub path: PathBuf,
    pub stamp: (u64, i64),
    pub bytes: Vec<u8>,
}

/// A file that is skipped, with the reason.
#[derive(Debug)]
pub struct SkippedFile {
    pub path: PathBuf,
    pub reason: String,
}

fn millis(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Files in `source.path` that are new or changed since `stamps` and have settled (not
/// modified for `settle_secs`). Hidden files and partial uploads (`.part`, `.tmp`,
/// `.filepart`) are skipped; files over `max_bytes` are reported, not read.
pub async fn ready_files(
    source: &DirSource,
    stamps: &FileStamps,
    now: SystemTime,
    max_bytes: u64,
) -> std::io::Result<(Vec<ReadyFile>, Vec<SkippedFile>)> {
    let mut entries = tokio::fs::read_dir(&source.path).await?;
    let mut candidates = Vec::new();
    while let Some(entry) = entries.next_entry().await? {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let partial = [".part", ".tmp", ".filepart", ".crdownload"]
            .iter()
            .any(|suffix| name.ends_with(suffix));
        if name.starts_with('.') || partial {
            continue;
        }
        let metadata = entry.metadata().await?;
        if !metadata.is_file() {
            continue;
        }
        let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let stamp = (metadata.len(), millis(modified));
        if stamps.get(&path.display().to_string()) == Some(&stamp) {
            continue;
        }
        let settled = now
            .duration_since(modified)
            .is_ok_and(|age| age >= Duration::from_secs(source.settle_secs));
        if settled {
            candidates.push((path, stamp));
        }
    }
    candidates.sort();
    let mut ready = Vec::new();
    let mut skipped = Vec::new();
    for (path, stamp) in candidates {
        if stamp.0 > max_bytes {
            skipped.push(SkippedFile {
                reason: format!("file of {} bytes is over the limit of {max_bytes}", stamp.0),
                path,
            });
            continue;
        }
        match tokio::fs::read(&path).await {
            Ok(bytes) => ready.push(ReadyFile { path, stamp, bytes }),
            // Removed or renamed between listing and reading (a concurrent upload tool).
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => skipped.push(SkippedFile {
                reason: format!("failed to read: {error}"),
                path,
            }),
        }
    }
    Ok((ready, skipped))
}

/// After every item of `file` was published: move it to `processed/` when configured.
/// Returns whether the file was moved.
pub async fn finish_file(source: &DirSource, file: &Path) -> std::io::Result<bool> {
    if source.after != AfterRead::Move {
        return Ok(false);
    }
    let processed = source.path.join("processed");
    tokio::fs::create_dir_all(&processed).await?;
    if let Some(name) = file.file_name() {
        tokio::fs::rename(file, processed.join(name)).await?;
    }
    Ok(true)
}
