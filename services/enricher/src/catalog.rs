//! The operator story topic catalog: where it comes from, the one in use, and what became of
//! its last reload.
//!
//! Where it comes from, the first that applies (chosen once, at start-up):
//! 1. `enricher.tagging.config_dir` is set: `<config_dir>/topics/` (the gazetteer and the Media
//!    Topics come from that directory too);
//! 2. a `topics/` folder beside the config file the process loaded (`--config
//!    /etc/wirefeed/wirefeed.toml` reads `/etc/wirefeed/topics/`);
//! 3. a `config/topics/` folder in the working directory (`wirefeed run` in a checkout);
//! 4. the copy compiled into the binary.
//!
//! A catalog read from a folder is checked before use ([`read_catalog`]): every `*.toml` file
//! parses and validates, its id is its file name, ids are unique, and the catalog compiles. A
//! folder that fails at start-up stops the enricher (as a bad config does); a folder that fails
//! on a reload leaves the previous catalog in use and says why ([`CatalogStatus`], served as
//! `GET /story-topics` on the admin port). The watcher (`catalog_watch`) reads the folder; the
//! stage takes a new catalog through [`LiveCatalog`] before its next article.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use wire_tagging::{CompiledCatalog, StoryTopic, TaggingError, TopicCatalog};

/// Why a catalog folder was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderOrigin {
    /// `<enricher.tagging.config_dir>/topics/`.
    ConfigDir,
    /// `topics/` beside the loaded config file.
    BesideConfigFile,
    /// `config/topics/` in the working directory.
    WorkingDirectory,
}

/// Where the story topic catalog comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogSource {
    /// The `*.toml` files of a folder, watched for changes.
    Folder { path: PathBuf, origin: FolderOrigin },
    /// The copy compiled into the binary.
    BuiltIn,
}

impl CatalogSource {
    /// The rule of the module doc, with `is_dir` telling which folders exist (pure: tests give
    /// their own).
    pub fn choose(
        config_dir: &str,
        config_file: Option<&Path>,
        is_dir: impl Fn(&Path) -> bool,
    ) -> Self {
        if !config_dir.is_empty() {
            return Self::Folder {
                path: Path::new(config_dir).join("topics"),
                origin: FolderOrigin::ConfigDir,
            };
        }
        if let Some(file) = config_file {
            let beside = file.parent().unwrap_or(Path::new("")).join("topics");
            if is_dir(&beside) {
                return Self::Folder {
                    path: beside,
                    origin: FolderOrigin::BesideConfigFile,
                };
            }
        }
        let working = Path::new("config").join("topics");
        if is_dir(&working) {
            return Self::Folder {
                path: working,
                origin: FolderOrigin::WorkingDirectory,
            };
        }
        Self::BuiltIn
    }

    /// [`CatalogSource::choose`] on the file system, with the folder made absolute (for the
    /// log and the admin API).
    pub fn find(config_dir: &str, config_file: Option<&Path>) -> Self {
        match Self::choose(config_dir, config_file, Path::is_dir) {
            Self::Folder { path, origin } => Self::Folder {
                path: std::path::absolute(&path).unwrap_or(path),
                origin,
            },
            Self::BuiltIn => Self::BuiltIn,
        }
    }

    /// The folder, or `None` for the built-in copy.
    pub fn folder(&self) -> Option<&Path> {
        match self {
            Self::Folder { path, .. } => Some(path),
            Self::BuiltIn => None,
        }
    }

    /// The folder's path, or `built-in`.
    pub fn label(&self) -> String {
        match self {
            Self::Folder { path, .. } => path.display().to_string(),
            Self::BuiltIn => "built-in".to_owned(),
        }
    }

    /// Why this source: `config_dir`, `beside_config_file`, `working_directory` or `built_in`.
    pub fn origin(&self) -> &'static str {
        match self {
            Self::Folder { origin, .. } => match origin {
                FolderOrigin::ConfigDir => "config_dir",
                FolderOrigin::BesideConfigFile => "beside_config_file",
                FolderOrigin::WorkingDirectory => "working_directory",
            },
            Self::BuiltIn => "built_in",
        }
    }
}

/// Reads and checks the catalog of `dir`: every `*.toml` file parses and validates, its id is
/// its file name, ids are unique, and the whole compiles for matching. The error names the
/// file at fault where there is one.
pub fn read_catalog(dir: &Path) -> Result<(TopicCatalog, CompiledCatalog), TaggingError> {
    let catalog = TopicCatalog::from_dir(dir)?;
    let compiled = compile(dir, &catalog)?;
    Ok((catalog, compiled))
}

/// Compiles `catalog`; when that fails, the error names the first topic file that fails alone.
pub fn compile(dir: &Path, catalog: &TopicCatalog) -> Result<CompiledCatalog, TaggingError> {
    CompiledCatalog::new(catalog).map_err(|error| {
        let alone = |topic: &StoryTopic| TopicCatalog {
            topics: vec![topic.clone()],
        };
        match catalog
            .topics
            .iter()
            .find(|topic| CompiledCatalog::new(&alone(topic)).is_err())
        {
            Some(topic) => error.in_file(&dir.join(format!("{}.toml", topic.id))),
            None => error,
        }
    })
}

/// Why the last reload was refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReloadError {
    /// When the folder was read.
    pub at: DateTime<Utc>,
    /// The file at fault (or the folder, when it could not be listed), when known.
    pub file: Option<String>,
    /// `unreadable`, `does_not_parse` or `invalid`.
    pub kind: &'static str,
    /// What is wrong, naming the key.
    pub reason: String,
}

impl ReloadError {
    pub fn new(error: &TaggingError, at: DateTime<Utc>) -> Self {
        Self {
            at,
            file: error.path().map(|path| path.display().to_string()),
            kind: error.kind(),
            reason: error.to_string(),
        }
    }
}

/// The catalog in use and where it came from: the body of `GET /story-topics`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogStatus {
    /// The folder read, or `built-in`.
    pub source: String,
    /// Why that source (see [`CatalogSource::origin`]).
    pub origin: &'static str,
    /// When the catalog in use was read.
    pub loaded_at: DateTime<Utc>,
    /// How often the folder is looked at for changes; `null` when it is not (built in, or
    /// `reload_check_secs = 0`).
    pub reload_check_secs: Option<u64>,
    /// The topics in use, sorted by id.
    pub topics: Vec<StoryTopic>,
    /// Why the last change to the folder was refused; `null` once a later change is taken.
    pub last_reload_error: Option<ReloadError>,
}

/// The catalog status shared by the stage (takes new catalogs), the watcher (offers them) and
/// the admin route (shows the status). Cloning shares it.
#[derive(Clone)]
pub struct LiveCatalog {
    inner: Arc<LiveInner>,
}

struct LiveInner {
    status: RwLock<CatalogStatus>,
    next: Mutex<Option<CompiledCatalog>>,
    /// Set with `next`: the stage looks at this flag, not the lock, for every article.
    has_next: AtomicBool,
}

impl std::fmt::Debug for LiveCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCatalog")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl LiveCatalog {
    pub fn new(status: CatalogStatus) -> Self {
        Self {
            inner: Arc::new(LiveInner {
                status: RwLock::new(status),
                next: Mutex::new(None),
                has_next: AtomicBool::new(false),
            }),
        }
    }

    /// A copy of the status now.
    pub fn status(&self) -> CatalogStatus {
        self.inner
            .status
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Offers a checked catalog read at `at`: the stage uses it from its next article.
    pub fn replace(&self, catalog: TopicCatalog, compiled: CompiledCatalog, at: DateTime<Utc>) {
        *self
            .inner
            .next
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(compiled);
        self.inner.has_next.store(true, Ordering::Release);
        let mut status = self
            .inner
            .status
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        status.topics = catalog.topics;
        status.loaded_at = at;
        status.last_reload_error = None;
    }

    /// Records why a change was refused; the catalog in use stays.
    pub fn refuse(&self, error: ReloadError) {
        self.inner
            .status
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .last_reload_error = Some(error);
    }

    /// Whether a catalog was offered since the last [`LiveCatalog::take_next`] (cheap: for
    /// every article).
    pub fn has_next(&self) -> bool {
        self.inner.has_next.load(Ordering::Acquire)
    }

    /// The catalog offered since the last call, if any.
    pub fn take_next(&self) -> Option<CompiledCatalog> {
        if !self.inner.has_next.swap(false, Ordering::Acquire) {
            return None;
        }
        self.inner
            .next
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exists(dirs: &'static [&'static str]) -> impl Fn(&Path) -> bool {
        move |path| dirs.iter().any(|d| Path::new(d) == path)
    }

    fn folder(path: &str, origin: FolderOrigin) -> CatalogSource {
        CatalogSource::Folder {
            path: PathBuf::from(path),
            origin,
        }
    }

    #[test]
    fn the_catalog_folder_is_the_first_that_applies() {
        let file = Some(Path::new("/etc/wirefeed/wirefeed.toml"));
        let all = exists(&["/etc/wirefeed/topics", "config/topics", "/srv/data/topics"]);
        // config_dir wins, whether its topics/ exists or not (a missing one fails at start-up).
        assert_eq!(
            CatalogSource::choose("/srv/data", file, &all),
            folder("/srv/data/topics", FolderOrigin::ConfigDir)
        );
        assert_eq!(
            CatalogSource::choose("/nowhere", None, exists(&[])),
            folder("/nowhere/topics", FolderOrigin::ConfigDir)
        );
        assert_eq!(
            CatalogSource::choose("", file, &all),
            folder("/etc/wirefeed/topics", FolderOrigin::BesideConfigFile)
        );
        assert_eq!(
            CatalogSource::choose("", file, exists(&["config/topics"])),
            folder("config/topics", FolderOrigin::WorkingDirectory)
        );
        assert_eq!(
            CatalogSource::choose("", None, exists(&["config/topics"])),
            folder("config/topics", FolderOrigin::WorkingDirectory)
        );
        // A config file named without a folder: its topics/ is in the working directory.
        assert_eq!(
            CatalogSource::choose("", Some(Path::new("wirefeed.toml")), exists(&["topics"])),
            folder("topics", FolderOrigin::BesideConfigFile)
        );
        let none = CatalogSource::choose("", file, exists(&[]));
        assert_eq!(none, CatalogSource::BuiltIn);
        assert_eq!(
            (none.label().as_str(), none.origin()),
            ("built-in", "built_in")
        );
    }

    const TOPIC: &str =
        "id = \"test-topic\"\nname = \"Test\"\nthreshold = 1.0\n[terms]\ntalks = 1.0\n";

    fn status() -> CatalogStatus {
        CatalogStatus {
            source: "built-in".to_owned(),
            origin: "built_in",
            loaded_at: DateTime::<Utc>::UNIX_EPOCH,
            reload_check_secs: None,
            topics: Vec::new(),
            last_reload_error: None,
        }
    }

    #[test]
    fn a_refused_change_keeps_the_topics_and_a_good_one_clears_the_error() {
        let live = LiveCatalog::new(status());
        assert!(live.take_next().is_none());
        let error = TaggingError::Parse {
            file: Some(PathBuf::from("/t/bad.toml")),
            message: "expected a value".to_owned(),
        };
        let at = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::seconds(5);
        live.refuse(ReloadError::new(&error, at));
        let refused = live.status();
        assert!(refused.topics.is_empty() && refused.loaded_at == DateTime::<Utc>::UNIX_EPOCH);
        let Some(reported) = refused.last_reload_error else {
            panic!("the refusal is reported");
        };
        assert_eq!(reported.file.as_deref(), Some("/t/bad.toml"));
        assert_eq!(reported.kind, "does_not_parse");
        assert!(
            reported.reason.contains("expected a value"),
            "{}",
            reported.reason
        );
        assert!(
            live.take_next().is_none(),
            "nothing to take after a refusal"
        );

        let topic = StoryTopic::from_toml_str(TOPIC).unwrap_or_else(|e| panic!("{e}"));
        let catalog = TopicCatalog::from_topics(vec![topic]).unwrap_or_else(|e| panic!("{e}"));
        let compiled = CompiledCatalog::new(&catalog).unwrap_or_else(|e| panic!("{e}"));
        live.replace(catalog, compiled, at);
        let replaced = live.status();
        assert_eq!(replaced.topics.len(), 1);
        assert_eq!((replaced.loaded_at, replaced.last_reload_error), (at, None));
        assert!(live.take_next().is_some());
        assert!(live.take_next().is_none(), "a catalog is taken once");
    }
}
