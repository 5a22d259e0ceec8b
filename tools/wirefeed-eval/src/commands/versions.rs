//! `wirefeed-eval versions`.

use anyhow::Context as _;
use chrono::{TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wire_model::{OriginInfo, RawFormat, RawItem, SourceId};
use wirefeed_eval::version_pairs::{self, PairKind, Story, VersionPair};
use wirefeed_eval::versions;
use wirefeed_normalizer::{NormalizerConfig, normalize_as};

/// Re-alerts on real version pairs (Reuters-21578 corrections and re-sends, Superdesk's
/// versions of one item): how many re-alert (`wire.change.material`) beside how many an editor
/// wants re-alerted, per split, with a sweep of `body_changed` thresholds on dev.
#[derive(clap::Args)]
pub struct VersionsArgs {
    /// The Reuters-21578 directory (reut2-*.sgm).
    #[arg(long, default_value = "../shared/data/reuters21578")]
    reuters: PathBuf,
    /// Superdesk's ingest fixtures (the `fixtures` directory).
    #[arg(
        long,
        default_value = "../shared/data/superdesk-wire-fixtures/fixtures"
    )]
    superdesk: PathBuf,
    /// The report as JSON, with every pair's `wire.change` and label.
    #[arg(long)]
    json: bool,
    /// Print each pair's word diff (for labelling) instead of the report; with `--kind`, only
    /// that source's pairs.
    #[arg(long)]
    diffs: bool,
    /// With `--diffs`: one source only.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum KindArg {
    ReutersCorrected,
    ReutersChanged,
    ReutersIdentical,
    Superdesk,
}

impl KindArg {
    fn kind(self) -> PairKind {
        match self {
            KindArg::ReutersCorrected => PairKind::ReutersCorrected,
            KindArg::ReutersChanged => PairKind::ReutersChanged,
            KindArg::ReutersIdentical => PairKind::ReutersIdentical,
            KindArg::Superdesk => PairKind::Superdesk,
        }
    }
}

impl VersionsArgs {
    pub fn run(self, config: Option<&Path>) -> anyhow::Result<ExitCode> {
        let config = super::enricher_config(config)?;
        let documents = super::load_reuters(&self.reuters)?;
        let mut pairs = version_pairs::reuters_pairs(&documents);
        pairs.extend(superdesk_pairs(&self.superdesk)?);
        if self.diffs {
            for pair in &pairs {
                if self.kind.is_none_or(|k| k.kind() == pair.kind) {
                    print!("{}", versions::pair_diff(pair));
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        let labels = versions::parse_labels(versions::LABELS)
            .map_err(|e| anyhow::anyhow!("labels/version-pairs.tsv: {e}"))?;
        let unknown: Vec<&String> = labels
            .keys()
            .filter(|id| !pairs.iter().any(|p| &p.id == *id))
            .collect();
        anyhow::ensure!(
            unknown.is_empty(),
            "labels for pairs that were not found: {unknown:?}"
        );
        let report = versions::report(versions::evaluate(&pairs, &labels, &config));
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{report}");
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Superdesk fixtures that are versions of one item (the same guid and story), each normalized
/// as the pipeline would.
fn superdesk_pairs(dir: &Path) -> anyhow::Result<Vec<VersionPair>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("failed to read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let fetched_at = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    type Version = ((Option<chrono::DateTime<Utc>>, String), Story);
    let mut by_guid: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    for path in files {
        let bytes =
            std::fs::read(&path).with_context(|| format!("failed to read {}", path.display()))?;
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let raw = RawItem::new(
            SourceId::from("superdesk"),
            name.clone(),
            RawFormat::Unknown,
            None,
            &bytes,
            fetched_at,
            OriginInfo::Dir { path: name.clone() },
        );
        // Superdesk's ninjs has no field the sniffer knows it by.
        let format = if name.ends_with(".json") {
            RawFormat::Ninjs
        } else {
            RawFormat::Unknown
        };
        let Ok(envelope) = normalize_as(&raw, format, &NormalizerConfig::default(), fetched_at)
        else {
            continue;
        };
        // Superdesk's own ninjs names the item `guid`, which ninjs readers do not know.
        let superdesk_guid = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("guid")?.as_str().map(str::to_owned));
        let Some(guid) = superdesk_guid
            .or_else(|| envelope.wire.guid.clone())
            .filter(|g| !g.is_empty())
        else {
            continue;
        };
        let key = (envelope.article.version_created, name);
        by_guid
            .entry(guid)
            .or_default()
            .push((key, Story::normalized(envelope)));
    }
    let mut pairs = Vec::new();
    // In order of `versionCreated`, then file name; fixtures that reuse a guid for another
    // story are test variants, not versions.
    for mut versions in by_guid.into_values() {
        versions.sort_by(|a, b| a.0.cmp(&b.0));
        for window in versions.windows(2) {
            let [((_, first_name), first), ((_, second_name), second)] = window else {
                continue;
            };
            let killed = second
                .envelope
                .as_ref()
                .is_some_and(|e| e.article.pub_status == Some(wire_model::PubStatus::Canceled));
            if !first.same_story(second) && !killed {
                continue;
            }
            pairs.push(VersionPair {
                id: format!("superdesk-{first_name}+{second_name}"),
                kind: PairKind::Superdesk,
                first: first.clone(),
                second: second.clone(),
            });
        }
    }
    Ok(pairs)
}
