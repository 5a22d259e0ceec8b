//! Real dpa digitalwires items for `wirefeed-eval languages --dpa DIR`: each `*.json` file goes
//! through the fetcher's splitting and the normalizer's core exactly as `wirefeed parse` reads
//! it, then through the enricher's tagger; the countries tagged about or as the dateline's are
//! scored against the editors' `categories` of type `dnltype:geosubject` whose name is a
//! country's ([`CountryNames`]: any name of the gazetteer's countries, in any language, folded).
//! Items without a body (audio, pictures) and items whose geosubjects name no country (only
//! cities, states or `International`) are counted apart, not scored.

use crate::languages::{Counts, Pipeline, about_and_dateline_countries};
use anyhow::Context as _;
use chrono::Utc;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use unicode_normalization::UnicodeNormalization as _;
use wire_model::{OriginInfo, SourceId};

/// Country names to ISO 3166-1 alpha-2, folded (lowercase, no accents).
#[derive(Debug, Clone, Default)]
pub struct CountryNames {
    codes: HashMap<String, String>,
}

#[derive(Deserialize)]
struct GazetteerFile {
    countries: Vec<GazetteerCountry>,
}

#[derive(Deserialize)]
struct GazetteerCountry {
    cc: String,
    name: String,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    names_by_language: HashMap<String, Vec<String>>,
}

/// Lowercase without Latin accents.
fn fold(name: &str) -> String {
    name.trim()
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect::<String>()
        .to_lowercase()
}

impl CountryNames {
    /// The countries of `gazetteer.json`: their name, English aliases and names per language.
    pub fn from_gazetteer_json(json: &str) -> anyhow::Result<Self> {
        let file: GazetteerFile = serde_json::from_str(json).context("not a gazetteer")?;
        let mut codes = HashMap::new();
        for country in file.countries {
            let names = std::iter::once(&country.name)
                .chain(&country.names)
                .chain(country.names_by_language.values().flatten());
            for name in names {
                codes
                    .entry(fold(name))
                    .or_insert_with(|| country.cc.clone());
            }
        }
        Ok(Self { codes })
    }

    /// The country `name` names, if any.
    pub fn code(&self, name: &str) -> Option<&str> {
        self.codes.get(&fold(name)).map(String::as_str)
    }
}

/// The `dnltype:geosubject` names of a digitalwires item.
pub fn geosubjects(item: &serde_json::Value) -> Vec<String> {
    item.get("categories")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| c.get("type").and_then(serde_json::Value::as_str) == Some("dnltype:geosubject"))
        .filter_map(|c| c.get("name")?.as_str().map(str::to_owned))
        .collect()
}

/// Places on the dpa items of one directory.
#[derive(Debug, Clone, Default)]
pub struct DpaReport {
    pub files: usize,
    pub scored: usize,
    /// Items without body text (audio, pictures).
    pub without_body: usize,
    /// Items whose geosubjects name no country.
    pub without_country: usize,
    pub unreadable: usize,
    pub places: Counts,
    /// Geosubject names that are no country (cities, states, regions), with counts.
    pub not_countries: Vec<(String, usize)>,
    /// Per scored item: file, language, expected and found countries, when they differ (all
    /// items with details on).
    pub lines: Vec<String>,
}

/// Scores the `*.json` files of `dir` (sorted by name).
pub fn evaluate(
    pipeline: &Pipeline,
    names: &CountryNames,
    dir: &Path,
    details: bool,
) -> anyhow::Result<DpaReport> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("failed to read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut report = DpaReport::default();
    let mut not_countries: HashMap<String, usize> = HashMap::new();
    let source = SourceId::from("dpa");
    for file in files {
        report.files += 1;
        let bytes =
            std::fs::read(&file).with_context(|| format!("failed to read {}", file.display()))?;
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            report.unreadable += 1;
            continue;
        };
        let mut gold = BTreeSet::new();
        for subject in geosubjects(&json) {
            match names.code(&subject) {
                Some(code) => {
                    gold.insert(code.to_owned());
                }
                None => *not_countries.entry(subject).or_default() += 1,
            }
        }
        let origin = OriginInfo::Dir {
            path: file.display().to_string(),
        };
        let now = Utc::now();
        let (items, _) =
            wirefeed_fetcher::document::items(&source, &bytes, None, &origin, &name, now);
        for raw in items.into_iter().map(|item| item.raw) {
            let Ok(envelope) = pipeline.normalize(&raw) else {
                report.unreadable += 1;
                continue;
            };
            if envelope
                .article
                .body_text()
                .is_none_or(|b| b.trim().is_empty())
            {
                report.without_body += 1;
                continue;
            }
            if gold.is_empty() {
                report.without_country += 1;
                continue;
            }
            report.scored += 1;
            let predicted = about_and_dateline_countries(&pipeline.tag(&envelope));
            let (false_positives, missed) = report.places.add(&predicted, &gold, &BTreeSet::new());
            if details || !false_positives.is_empty() || !missed.is_empty() {
                let join = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(",");
                report.lines.push(format!(
                    "{name} [{}] {:?}: expected [{}] found [{}]",
                    envelope.article.language.as_deref().unwrap_or("?"),
                    envelope.article.headline().unwrap_or_default(),
                    join(&gold),
                    join(&predicted)
                ));
            }
        }
    }
    let mut not_countries: Vec<(String, usize)> = not_countries.into_iter().collect();
    not_countries.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    report.not_countries = not_countries;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_names_in_any_language_folded() {
        let names = CountryNames::from_gazetteer_json(
            r#"{"countries": [
                {"cc": "US", "name": "United States", "names": ["USA"], "names_by_language": {"de": ["Vereinigte Staaten"]}},
                {"cc": "LB", "name": "Lebanon", "names_by_language": {"es": ["Líbano"], "de": ["Libanon"]}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(names.code("USA"), Some("US"));
        assert_eq!(names.code("vereinigte staaten"), Some("US"));
        assert_eq!(names.code("Libano"), Some("LB"));
        assert_eq!(names.code("Libanon"), Some("LB"));
        assert_eq!(names.code("Niedersachsen"), None);
    }

    #[test]
    fn geosubjects_are_read_from_categories() {
        let item = serde_json::json!({"categories": [
            {"type": "dnltype:geosubject", "name": "USA"},
            {"type": "dnltype:dpasubject", "name": "Politik"},
            {"type": "dnltype:geosubject", "name": "Berlin"}
        ]});
        assert_eq!(geosubjects(&item), vec!["USA", "Berlin"]);
    }
}
