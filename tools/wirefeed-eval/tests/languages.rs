//! `wirefeed-eval languages` on a tiny fixture through the real normalizer, tagger and
//! duplicate index: the scoring rules a newsroom reads the figures by (mentioned countries
//! ignored, deliberate label errors counted as misses, republications in their original's
//! family), with the numbers the fixture fixes. The fixture is described in
//! `tests/fixtures/README.md`.

#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use wire_tagging::Tagger;
use wirefeed_enricher::EnricherConfig;
use wirefeed_eval::languages::{LanguageReport, Options, Pipeline, evaluate_language, load_labels};
use wirefeed_eval::languages_dpa::{self, CountryNames};
use wirefeed_eval::languages_report::LanguagesReport;
use wirefeed_normalizer::NormalizerConfig;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn pipeline() -> Pipeline {
    Pipeline {
        normalizer: NormalizerConfig::default(),
        tagger: Tagger::load(&repo().join("config")).expect("the shipped tagging data loads"),
    }
}

fn evaluate(pipeline: &Pipeline) -> LanguagesReport {
    let options = Options {
        details: true,
        dedup: Some((EnricherConfig::default(), 18)),
        min_timing_seconds: Some(0.0),
    };
    let labels = load_labels(&fixtures().join("languages"), "dev").expect("fixture labels read");
    LanguagesReport {
        source: "fixture".to_owned(),
        languages: labels
            .iter()
            .map(|(language, items)| evaluate_language(pipeline, language, items, &options))
            .collect(),
        dpa: None,
    }
}

fn language<'a>(report: &'a LanguagesReport, name: &str) -> &'a LanguageReport {
    report
        .languages
        .iter()
        .find(|r| r.language == name)
        .expect("language in the report")
}

#[test]
fn labelled_items_are_scored_per_language_and_together() {
    let pipeline = pipeline();
    let report = evaluate(&pipeline);
    let languages: Vec<&str> = report
        .languages
        .iter()
        .map(|r| r.language.as_str())
        .collect();
    assert_eq!(languages, ["en", "fr"], "English first, then the others");

    let en = language(&report, "en");
    assert_eq!((en.items, en.rejected, en.language_right), (2, 0, 2));
    // US (Washington dateline) and CH (Geneva dateline) found; NZ, a deliberate wrong label,
    // missed; SY, tagged about but labelled only mentioned, ignored rather than a false positive.
    assert_eq!((en.places.tp, en.places.fp, en.places.fn_), (2, 0, 1));
    assert_eq!(en.places_ignored, 1);
    assert_eq!(en.places.precision(), Some(1.0));
    assert_eq!(en.syria.about, 1);
    assert_eq!(en.syria.tagged_about, 1);
    assert_eq!(en.syria.tagged_not_about, 0);
    // fed-interest-rates and syria-peace-process, each on its own story.
    assert_eq!(
        (en.story_topics.tp, en.story_topics.fp, en.story_topics.fn_),
        (2, 0, 0)
    );
    // Every labelled Media Topic is either found or missed.
    assert_eq!(en.media_topics.tp + en.media_topics.fn_, 2);

    let fr = language(&report, "fr");
    assert_eq!((fr.items, fr.language_right), (2, 2));
    // GENÈVE dateline and Syria about; PARIS dateline.
    assert_eq!((fr.places.tp, fr.places.fp, fr.places.fn_), (3, 0, 0));
    assert_eq!(fr.syria.about, 1);
    assert_eq!(
        fr.syria.tagged_not_about, 0,
        "a French budget story is not about Syria"
    );
    assert_eq!(fr.media_topics.tp + fr.media_topics.fn_, 3);

    let all = report.all();
    assert_eq!(all.items, 4);
    assert_eq!((all.places.tp, all.places.fp, all.places.fn_), (5, 0, 1));
    assert_eq!(all.places_ignored, 1);
    assert_eq!(all.syria.about, 2);

    let text = report.to_string();
    assert!(text.contains("ignored (neither TP nor FP)"), "{text}");
    assert!(
        text.contains("en-fixture-2"),
        "details name the item: {text}"
    );
    assert!(text.contains("expected [CH,NZ] found [CH,SY]"), "{text}");
}

#[test]
fn republications_in_each_language_join_their_original_family() {
    let report = evaluate(&pipeline());
    for language in &report.languages {
        let dedup = language.dedup.as_ref().expect("dedup measured");
        assert_eq!(dedup.originals, 2);
        // Seed 18 gives each story one outlet copy: one gold pair per story.
        assert_eq!(dedup.copies, 2, "{}", language.language);
        assert_eq!(dedup.pairs.gold, 2, "{}", language.language);
        // Two different stories are never one family.
        assert_eq!(dedup.pairs.scores().precision, 1.0, "{}", language.language);
        let edits: usize = dedup.recall_by_edit.iter().map(|(_, _, total)| total).sum();
        assert!(edits >= 2 * dedup.copies, "two edits at least per copy");
    }
    let english = language(&report, "en")
        .dedup
        .as_ref()
        .expect("dedup measured");
    assert_eq!(english.pairs.true_positives, 2, "{:?}", english.wrong);
    assert_eq!(report.all().dedup.expect("summed").pairs.gold, 4);
}

#[test]
fn throughput_counts_every_article_of_one_pass() {
    let report = evaluate(&pipeline());
    for language in &report.languages {
        let throughput = language.throughput.expect("timed");
        assert_eq!(throughput.articles, 2);
    }
    assert_eq!(report.all().throughput.expect("summed").articles, 4);
}

#[test]
fn dpa_items_are_scored_against_their_geosubject_countries() {
    let pipeline = pipeline();
    let names = CountryNames::from_gazetteer_json(
        &std::fs::read_to_string(repo().join("config/gazetteer/gazetteer.json"))
            .expect("gazetteer read"),
    )
    .expect("gazetteer countries");
    assert_eq!(names.code("Deutschland"), Some("DE"));
    assert_eq!(names.code("USA"), Some("US"));
    let report = languages_dpa::evaluate(&pipeline, &names, &fixtures().join("dpa"), true)
        .expect("dpa fixtures read");
    assert_eq!(report.files, 2);
    assert_eq!(report.without_body, 1, "the audio item has no text");
    assert_eq!(report.scored, 1);
    // Deutschland found (Berlin dateline); Japan, a deliberate wrong label, missed; Berlin is a
    // city, not scored.
    assert_eq!(report.places.tp, 1);
    assert_eq!(report.places.fn_, 1);
    assert_eq!(report.not_countries, vec![("Berlin".to_owned(), 1)]);
    assert!(
        report.lines[0].contains("expected [DE,JP]"),
        "{:?}",
        report.lines
    );
}
