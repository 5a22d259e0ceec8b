//! Drop folders: pick up new and changed files, never a file still being written.

use crate::config::{AfterRead, DirSource};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What was last read of each file: (size, modification time).
pub type FileStamps = HashMap<PathBuf, (u64, SystemTime)>;

/// A file ready to read.
#[derive(Debug)]
pub struct ReadyFile {
    pub path: PathBuf,
    pub stamp: (u64, SystemTime),
    pub bytes: Vec<u8>,
}

/// Files in `source.path` that are new or changed since `stamps` and have settled (not
/// modified for `settle_secs`). Hidden files and partial uploads (`.part`, `.tmp`) are skipped.
pub async fn ready_files(
    source: &DirSource,
    stamps: &FileStamps,
    now: SystemTime,
    max_bytes: u64,
) -> std::io::Result<(Vec<ReadyFile>, Vec<(PathBuf, String)>)> {
    let mut entries = tokio::fs::read_dir(&source.path).await?;
    let mut paths = Vec::new();
    while let Some(entry) = entries.next_entry().await? {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with(".part") || name.ends_with(".tmp") {
            continue;
        }
        let metadata = entry.metadata().await?;
        if !metadata.is_file() {
            continue;
        }
        let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let stamp = (metadata.len(), modified);
        if stamps.get(&path) == Some(&stamp) {
            continue;
        }
        let settled = now
            .duration_since(modified)
            .is_ok_and(|age| age >= Duration::from_secs(source.settle_secs));
        if settled {
            paths.push((path, stamp));
        }
    }
    paths.sort();
    let mut ready = Vec::new();
    let mut too_large = Vec::new();
    for (path, stamp) in paths {
        if stamp.0 > max_bytes {
            too_large.push((
                path,
                format!("file of {} bytes is over {max_bytes}", stamp.0),
            ));
            continue;
        }
        let bytes = tokio::fs::read(&path).await?;
        ready.push(ReadyFile { path, stamp, bytes });
    }
    Ok((ready, too_large))
}

/// After every item of `file` was published: move it to `processed/` when configured.
pub async fn finish_file(source: &DirSource, file: &Path) -> std::io::Result<()> {
    if source.after == AfterRead::Move {
        let processed = source.path.join("processed");
        tokio::fs::create_dir_all(&processed).await?;
        if let Some(name) = file.file_name() {
            tokio::fs::rename(file, processed.join(name)).await?;
        }
    }
    Ok(())
}
