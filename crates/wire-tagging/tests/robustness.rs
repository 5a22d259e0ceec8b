//! Any input: no panic, and every evidence offset lies inside its field.

mod common;

use proptest::prelude::*;
use wire_tagging::{TagInput, Tagger};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn the_tagger_can_be_shared_across_threads() {
    assert_send_sync::<Tagger>();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_tags_without_panicking(
        headline in "\\PC{0,60}",
        body in "(\\PC|Syria|Georgia|Jordan|MOSCOW \\(AFP\\) - |Nice|U\\.S\\.|é|\\n|Syriens|GENÈVE \\(AFP\\) - |à Genève|ß|وسوريا|بال|سـوريّة|ال|\u{064B}|Síria|d'Italie){0,80}",
        dateline in proptest::option::of("\\PC{0,30}"),
        language in proptest::option::of("(en|de|fr|es|it|pt|nl|ar|fr-CH|xx)"),
    ) {
        let input = TagInput {
            headline: &headline,
            body: &body,
            dateline: dateline.as_deref(),
            located: None,
            language: language.as_deref(),
        };
        let tags = common::tagger().tag_input(&input, &["subj:15054000", "garbage"]);
        for evidence in &tags.evidence {
            for m in &evidence.matches {
                let field_chars = match m.field.as_str() {
                    "headline" => headline.chars().count(),
                    "body" => body.chars().count(),
                    _ => dateline.as_deref().unwrap_or_default().chars().count(),
                };
                prop_assert!(m.start <= m.end && m.end <= field_chars, "{m:?}");
            }
        }
    }
}
