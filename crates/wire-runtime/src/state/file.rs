//! A local state store: an append-only JSON-lines file (`{"key": .., "value": base64 | null}`
//! per line), compacted when it is opened and whenever it grows to twice its live size. Each
//! `put` is flushed and synced before it returns.

use super::{StateError, StateStore};
use async_trait::async_trait;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use tokio::sync::Mutex;

#[derive(Serialize, Deserialize)]
struct Line {
    key: String,
    value: Option<String>,
}

struct Inner {
    values: HashMap<String, Vec<u8>>,
    file: std::fs::File,
    lines: usize,
}

/// State in `<dir>/<name>.jsonl`.
pub struct FileStateStore {
    path: PathBuf,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for FileStateStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStateStore")
            .field("path", &self.path)
            .finish()
    }
}

impl FileStateStore {
    /// Opens (creating when needed) the store `name` in `dir`, reading and compacting it.
    pub fn open(dir: &Path, name: &str) -> Result<Self, StateError> {
        let path = dir.join(format!("{name}.jsonl"));
        let io = |source| StateError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let values = read_values(&path)?;
        let file = write_compacted(&path, &values).map_err(io)?;
        Ok(Self {
            inner: Mutex::new(Inner {
                lines: values.len(),
                values,
                file,
            }),
            path,
        })
    }
}

fn read_values(path: &Path) -> Result<HashMap<String, Vec<u8>>, StateError> {
    let mut values = HashMap::new();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(values),
        Err(source) => {
            return Err(StateError::Io {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let line_count = text.lines().count();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let corrupt = |reason: String| StateError::Corrupt {
            path: path.display().to_string(),
            line: index + 1,
            reason,
        };
        let parsed: Line = match serde_json::from_str(line) {
            Ok(parsed) => parsed,
            // A crash can leave the last line half written: that write never returned, so
            // dropping it loses nothing that was acknowledged.
            Err(_) if index + 1 == line_count => break,
            Err(error) => return Err(corrupt(error.to_string())),
        };
        match parsed.value {
            Some(encoded) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|e| corrupt(e.to_string()))?;
                values.insert(parsed.key, bytes);
            }
            None => {
                values.remove(&parsed.key);
            }
        }
    }
    Ok(values)
}

/// Rewrites the file with one line per live key (via a temporary file and a rename, so a
/// crash leaves either the old or the new file) and returns it opened for appending.
fn write_compacted(
    path: &Path,
    values: &HashMap<String, Vec<u8>>,
) -> std::io::Result<std::fs::File> {
    let temporary = path.with_extension("jsonl.tmp");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
        let mut keys: Vec<&String> = values.keys().collect();
        keys.sort();
        for key in keys {
            write_line(&mut out, key, values.get(key).map(Vec::as_slice))?;
        }
        out.flush()?;
        out.get_ref().sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    std::fs::OpenOptions::new().append(true).open(path)
}

fn write_line(
    out: &mut impl std::io::Write,
    key: &str,
    value: Option<&[u8]>,
) -> std::io::Result<()> {
    let line = Line {
        key: key.to_owned(),
        value: value.map(|v| base64::engine::general_purpose::STANDARD.encode(v)),
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

#[async_trait]
impl StateStore for FileStateStore {
    async fn load_all(&self) -> Result<HashMap<String, Vec<u8>>, StateError> {
        Ok(self.inner.lock().await.values.clone())
    }

    async fn put(&self, key: &str, value: Option<Vec<u8>>) -> Result<(), StateError> {
        let mut inner = self.inner.lock().await;
        let io = |source| StateError::Io {
            path: self.path.display().to_string(),
            source,
        };
        let mut line = Vec::new();
        write_line(&mut line, key, value.as_deref()).map_err(io)?;
        inner.file.write_all(&line).map_err(io)?;
        inner.file.sync_data().map_err(io)?;
        inner.lines += 1;
        match value {
            Some(value) => inner.values.insert(key.to_owned(), value),
            None => inner.values.remove(key),
        };
        if inner.lines > 2 * inner.values.len() + 1000 {
            inner.file = write_compacted(&self.path, &inner.values).map_err(io)?;
            inner.lines = inner.values.len();
        }
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn values_survive_reopening_and_deletes_stick() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = FileStateStore::open(dir.path(), "fetcher").unwrap();
            store.put("a", Some(b"1".to_vec())).await.unwrap();
            store.put("b", Some(b"2".to_vec())).await.unwrap();
            store.put("a", Some(b"3".to_vec())).await.unwrap();
            store.put("b", None).await.unwrap();
        }
        let store = FileStateStore::open(dir.path(), "fetcher").unwrap();
        let values = store.load_all().await.unwrap();
        assert_eq!(values.len(), 1);
        assert_eq!(values["a"], b"3");
        // Reopening compacted the log to one line per live key.
        let text = std::fs::read_to_string(dir.path().join("fetcher.jsonl")).unwrap();
        assert_eq!(text.lines().count(), 1);
    }

    #[tokio::test]
    async fn a_half_written_last_line_is_dropped_but_corruption_elsewhere_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        std::fs::write(
            &path,
            "{\"key\":\"a\",\"value\":\"MQ==\"}\n{\"key\":\"b\",\"val",
        )
        .unwrap();
        let store = FileStateStore::open(dir.path(), "s").unwrap();
        assert_eq!(store.load_all().await.unwrap()["a"], b"1");

        std::fs::write(&path, "garbage\n{\"key\":\"a\",\"value\":null}\n").unwrap();
        let error = FileStateStore::open(dir.path(), "s").unwrap_err();
        assert!(error.to_string().contains("line 1"), "{error}");
    }

    #[tokio::test]
    async fn the_log_is_compacted_as_it_grows() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStateStore::open(dir.path(), "s").unwrap();
        for n in 0..1500u32 {
            store
                .put("same", Some(n.to_be_bytes().to_vec()))
                .await
                .unwrap();
        }
        let text = std::fs::read_to_string(dir.path().join("s.jsonl")).unwrap();
        assert!(
            text.lines().count() < 1100,
            "{} lines",
            text.lines().count()
        );
        assert_eq!(
            store.load_all().await.unwrap()["same"],
            1499u32.to_be_bytes()
        );
    }
}
