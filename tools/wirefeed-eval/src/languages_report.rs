//! The tables `wirefeed-eval languages` prints: one row per language and one for all together,
//! for places, story topics, Media Topics, duplicates and throughput, then the dpa items and,
//! with details on, every item with a miss or a false positive.

use crate::languages::{Counts, LanguageReport, SYRIA_PEACE_PROCESS};
use crate::languages_dpa::DpaReport;
use std::fmt;

/// Everything one run measured.
#[derive(Debug, Clone, Default)]
pub struct LanguagesReport {
    /// What was read (`test split of tools/wirefeed-eval/labels/languages`).
    pub source: String,
    pub languages: Vec<LanguageReport>,
    pub dpa: Option<DpaReport>,
}

impl LanguagesReport {
    /// All languages together.
    pub fn all(&self) -> LanguageReport {
        let mut all = LanguageReport {
            language: "all".to_owned(),
            ..LanguageReport::default()
        };
        for language in &self.languages {
            all.merge(language);
        }
        all
    }

    /// The languages, then the all-languages row.
    fn rows(&self) -> Vec<LanguageReport> {
        let mut rows = self.languages.clone();
        rows.push(self.all());
        rows
    }
}

fn score(value: Option<f64>) -> String {
    value.map_or_else(|| "  -  ".to_owned(), |v| format!("{v:.3}"))
}

fn counts(c: &Counts) -> String {
    format!("{:>5} {:>5} {:>5}", c.tp, c.fp, c.fn_)
}

impl fmt::Display for LanguagesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = self.rows();
        writeln!(f, "Languages: {}", self.source)?;
        writeln!(
            f,
            "\nPlaces, country level (about + dateline) against `countries`. A country the labels list only in `mentioned` that the tagger calls about or dateline is ignored (neither TP nor FP): the `ignored` column."
        )?;
        writeln!(
            f,
            "lang  items  lang-ok unsure   P      R      F1       tp    fp    fn  ignored"
        )?;
        for r in &rows {
            writeln!(
                f,
                "{:<5} {:>5}  {:>7} {:>6}   {}  {}  {}  {}  {:>7}",
                r.language,
                r.items,
                r.language_right,
                r.language_unsure,
                score(r.places.precision()),
                score(r.places.recall()),
                score(r.places.f1()),
                counts(&r.places),
                r.places_ignored
            )?;
        }
        writeln!(
            f,
            "\nStory topics: {SYRIA_PEACE_PROCESS} (items about it, of them tagged, tagged items not about it); all catalogue topics (micro)."
        )?;
        writeln!(
            f,
            "lang  about tagged not-about   all: P      R        tp    fp    fn"
        )?;
        for r in &rows {
            writeln!(
                f,
                "{:<5} {:>5} {:>6} {:>9}        {}  {}  {}",
                r.language,
                r.syria.about,
                r.syria.tagged_about,
                r.syria.tagged_not_about,
                score(r.story_topics.precision()),
                score(r.story_topics.recall()),
                counts(&r.story_topics)
            )?;
        }
        writeln!(
            f,
            "\nIPTC Media Topics, top level (a second-level tag counts as its top-level parent) against `media_topics`."
        )?;
        writeln!(f, "lang    P      R        tp    fp    fn")?;
        for r in &rows {
            writeln!(
                f,
                "{:<5} {}  {}  {}",
                r.language,
                score(r.media_topics.precision()),
                score(r.media_topics.recall()),
                counts(&r.media_topics)
            )?;
        }
        if rows.iter().any(|r| r.dedup.is_some()) {
            writeln!(
                f,
                "\nDuplicates: outlet republications generated from each language's items, through the enricher's duplicate index; pairwise family precision and recall."
            )?;
            writeln!(
                f,
                "lang  originals copies   P      R      pairs: gold predicted correct"
            )?;
            for r in &rows {
                if let Some(d) = &r.dedup {
                    let scores = d.pairs.scores();
                    writeln!(
                        f,
                        "{:<5} {:>9} {:>6}   {:.3}  {:.3}        {:>5} {:>9} {:>7}",
                        r.language,
                        d.originals,
                        d.copies,
                        scores.precision,
                        scores.recall,
                        d.pairs.gold,
                        d.pairs.predicted,
                        d.pairs.true_positives
                    )?;
                }
            }
            if let Some(all) = rows.last().and_then(|r| r.dedup.as_ref()) {
                let edits: Vec<String> = all
                    .recall_by_edit
                    .iter()
                    .map(|(edit, linked, total)| format!("{edit} {linked}/{total}"))
                    .collect();
                writeln!(f, "copies linked, by edit: {}", edits.join(", "))?;
            }
        }
        if rows.iter().any(|r| r.throughput.is_some()) {
            let english = self
                .languages
                .iter()
                .find(|r| r.language == "en")
                .and_then(|r| r.throughput)
                .map(|t| t.per_second());
            let cpu = rows.iter().filter_map(|r| r.throughput).all(|t| t.cpu);
            writeln!(
                f,
                "\nThroughput: normalize + tag, one thread, articles per {} second (repeated passes over the items).",
                if cpu { "CPU" } else { "wall-clock" }
            )?;
            writeln!(f, "lang   articles  seconds  articles/s  vs en")?;
            for r in &rows {
                if let Some(t) = r.throughput {
                    let versus = english.map_or_else(
                        || "  -".to_owned(),
                        |en| format!("{:.2}", t.per_second() / en),
                    );
                    writeln!(
                        f,
                        "{:<5} {:>9} {:>8.2} {:>11.0}  {versus}",
                        r.language,
                        t.articles,
                        t.seconds,
                        t.per_second()
                    )?;
                }
            }
        }
        if let Some(dpa) = &self.dpa {
            writeln!(
                f,
                "\ndpa digitalwires: places against the editors' geosubject countries ({} files; {} scored, {} without body, {} whose geosubjects name no country, {} unreadable)",
                dpa.files, dpa.scored, dpa.without_body, dpa.without_country, dpa.unreadable
            )?;
            writeln!(
                f,
                "  P {}  R {}  F1 {}  (tp fp fn {})",
                score(dpa.places.precision()),
                score(dpa.places.recall()),
                score(dpa.places.f1()),
                counts(&dpa.places)
            )?;
            let names: Vec<String> = dpa
                .not_countries
                .iter()
                .map(|(name, n)| format!("{name} {n}"))
                .collect();
            writeln!(
                f,
                "  geosubjects that are no country (not scored): {}",
                names.join(", ")
            )?;
            for line in &dpa.lines {
                writeln!(f, "  {line}")?;
            }
        }
        for r in &self.languages {
            let wrong = r.dedup.as_ref().map_or(&[][..], |d| &d.wrong[..]);
            if r.details.is_empty() && wrong.is_empty() {
                continue;
            }
            writeln!(
                f,
                "\n[{}] items with a miss or a false positive:",
                r.language
            )?;
            for line in r.details.iter().chain(wrong) {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}
