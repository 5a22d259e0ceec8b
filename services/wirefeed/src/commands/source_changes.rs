//! `wirefeed sources list|add|remove`: the sources table through a fetcher's sources API
//! (`GET /sources/config`, `POST /sources`, `DELETE /sources/{id}`; changes need the admin
//! token, `admin.token` / `WIREFEED__ADMIN__TOKEN_FILE`). Every fetcher instance follows the
//! table, so any instance's admin URL will do.

use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;
use wirefeed_fetcher::config::{DirSource, HttpSource, SourceConfig};
use wirefeed_fetcher::source_table::SourceEntry;

#[derive(clap::Subcommand)]
pub enum SourceCommand {
    /// Every source in the table (from the config file and from the API), secrets hidden.
    List,
    /// Add (or replace) a source: an HTTP feed with --url, a drop folder with --dir, or any
    /// source as JSON (the config file's fields, with "kind") with --file.
    Add(AddArgs),
    /// Remove a source added through the API (config sources are removed in the config file).
    Remove {
        /// The source's id.
        id: String,
    },
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The source's id (letters, digits, '-', '_', '.').
    #[arg(long, required_unless_present = "file")]
    id: Option<String>,
    /// An HTTP(S) feed or document.
    #[arg(long, conflicts_with_all = ["dir", "file"])]
    url: Option<String>,
    /// A drop folder.
    #[arg(long, conflicts_with = "file")]
    dir: Option<PathBuf>,
    /// Seconds between polls (default: fetcher.default_interval_secs).
    #[arg(long)]
    interval_secs: Option<u64>,
    /// A source as JSON, e.g. {"kind": "http", "id": "afp", "url": "https://...",
    /// "password_file": "/run/secrets/afp"}; `-` reads standard input.
    #[arg(long)]
    file: Option<PathBuf>,
}

impl AddArgs {
    fn source(self) -> anyhow::Result<SourceConfig> {
        if let Some(file) = &self.file {
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).context("failed to read stdin")?
            } else {
                std::fs::read_to_string(file)
                    .with_context(|| format!("failed to read {}", file.display()))?
            };
            return serde_json::from_str(&text)
                .with_context(|| format!("{} is not a source as JSON", file.display()));
        }
        let id = self.id.unwrap_or_default();
        match (self.url, self.dir) {
            (Some(url), None) => {
                let mut http = HttpSource::new(&id, &url);
                http.interval_secs = self.interval_secs;
                Ok(SourceConfig::Http(http))
            }
            (None, Some(path)) => Ok(SourceConfig::Dir(DirSource {
                id,
                path,
                interval_secs: self.interval_secs,
                after: Default::default(),
                settle_secs: 2,
                idle_alarm_secs: None,
            })),
            _ => anyhow::bail!("give --url, --dir or --file"),
        }
    }
}

impl SourceCommand {
    pub async fn run(
        self,
        base: &str,
        token: Option<&str>,
        json: bool,
        client: reqwest::Client,
    ) -> anyhow::Result<ExitCode> {
        let authorized = |request: reqwest::RequestBuilder| match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let (request, what) = match self {
            Self::List => (
                authorized(client.get(format!("{base}/sources/config"))),
                "list",
            ),
            Self::Add(args) => {
                let body = serde_json::to_vec(&args.source()?)?;
                let request = client
                    .post(format!("{base}/sources"))
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body);
                (authorized(request), "add")
            }
            Self::Remove { id } => (
                authorized(client.delete(format!("{base}/sources/{id}"))),
                "remove",
            ),
        };
        let response = request.send().await.with_context(|| {
            format!("failed to reach {base} (is a fetcher running? set its admin URL with --admin)")
        })?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if !status.is_success() {
            eprintln!("{what} refused ({status}): {}", body.trim());
            return Ok(ExitCode::FAILURE);
        }
        if what != "list" || json {
            print!("{body}");
            return Ok(ExitCode::SUCCESS);
        }
        let entries: Vec<SourceEntry> = serde_json::from_str(&body)
            .with_context(|| format!("{base}/sources/config did not answer with sources"))?;
        print!("{}", render_entries(&entries));
        Ok(ExitCode::SUCCESS)
    }
}

/// One row per source: id, kind, where from, interval, target.
pub fn render_entries(entries: &[SourceEntry]) -> String {
    let rows: Vec<[String; 5]> = entries
        .iter()
        .map(|entry| {
            let origin = match entry.origin {
                wirefeed_fetcher::source_table::Origin::Config => "config",
                wirefeed_fetcher::source_table::Origin::Api => "api",
            };
            [
                entry.source.id().to_owned(),
                entry.source.kind().to_owned(),
                origin.to_owned(),
                entry
                    .source
                    .interval_secs()
                    .map_or("default".to_owned(), |s| format!("{s}s")),
                entry.source.target(),
            ]
        })
        .collect();
    let mut table =
        super::sources::render_table(&["SOURCE", "KIND", "FROM", "INTERVAL", "TARGET"], &rows);
    if entries.is_empty() {
        table.push_str("(no sources)\n");
    }
    table
}
