//! The checks a story topic folder passes before its catalog is used, over real files: each
//! refusal names the file and the reason.

#![allow(clippy::panic)]

use std::path::{Path, PathBuf};
use wirefeed_enricher::catalog::read_catalog;

const TOPIC: &str = r#"
id = "geneva-talks"
name = "Geneva talks"
threshold = 2.0
[terms]
geneva = 2.0
"peace talks" = 1.0
"#;

/// A folder holding `files` (name, text).
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("write: {e}"));
    }
    dir
}

/// The file named by the refusal of `dir`'s catalog, its kind and its message.
fn refusal(dir: &Path) -> (Option<PathBuf>, &'static str, String) {
    match read_catalog(dir) {
        Ok((catalog, _)) => panic!("accepted: {catalog:?}"),
        Err(error) => (
            error.path().map(Path::to_path_buf),
            error.kind(),
            error.to_string(),
        ),
    }
}

#[test]
fn a_good_folder_is_read_sorted_by_id_and_other_files_are_ignored() {
    let other = TOPIC.replace("geneva-talks", "astana-talks");
    let dir = folder(&[
        ("geneva-talks.toml", TOPIC),
        ("astana-talks.toml", &other),
        ("README.md", "not a topic"),
        ("geneva-talks.toml~", "an editor's backup"),
    ]);
    let read = read_catalog(dir.path());
    let Ok((catalog, compiled)) = read else {
        panic!("refused: {:?}", read.err());
    };
    let ids: Vec<&str> = catalog.topics.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["astana-talks", "geneva-talks"]);
    assert_eq!(compiled.topics().len(), 2);
}

#[test]
fn each_bad_edit_is_refused_naming_the_file_and_the_reason() {
    let cases: [(&str, String, &str, &str); 6] = [
        (
            "a file that does not parse",
            TOPIC.replace("threshold = 2.0", "threshold = "),
            "does_not_parse",
            "does not parse",
        ),
        (
            "a value of the wrong type",
            TOPIC.replace("threshold = 2.0", "threshold = \"high\""),
            "does_not_parse",
            "threshold",
        ),
        (
            "an empty term list",
            TOPIC
                .replace("geneva = 2.0", "")
                .replace("\"peace talks\" = 1.0", ""),
            "invalid",
            "terms: needs at least one term",
        ),
        (
            "a zero weight",
            TOPIC.replace("geneva = 2.0", "geneva = 0.0"),
            "invalid",
            "weight 0 must be a positive number",
        ),
        (
            "an id that is not the file name",
            TOPIC.replace("id = \"geneva-talks\"", "id = \"geneva\""),
            "invalid",
            "differs from the file name",
        ),
        (
            "a term with nothing to match once folded",
            TOPIC.replace("geneva = 2.0", "\"\u{301}\" = 2.0"),
            "invalid",
            "terms",
        ),
    ];
    for (what, text, kind, reason) in cases {
        let good = TOPIC.replace("geneva-talks", "astana-talks");
        let dir = folder(&[("astana-talks.toml", &good), ("geneva-talks.toml", &text)]);
        let (file, found_kind, message) = refusal(dir.path());
        assert_eq!(
            file.as_deref(),
            Some(dir.path().join("geneva-talks.toml").as_path()),
            "{what}: {message}"
        );
        assert_eq!(found_kind, kind, "{what}: {message}");
        assert!(message.contains(reason), "{what}: {message}");
    }
}

#[test]
fn a_copy_of_a_topic_under_another_name_is_refused_as_a_second_definition() {
    // Ids are file names, so a duplicate id shows as a file whose id is another file's.
    let dir = folder(&[
        ("geneva-talks.toml", TOPIC),
        ("geneva-talks-copy.toml", TOPIC),
    ]);
    let (file, kind, message) = refusal(dir.path());
    assert_eq!(file, Some(dir.path().join("geneva-talks-copy.toml")));
    assert_eq!(kind, "invalid");
    assert!(
        message.contains("\"geneva-talks\" differs from the file name"),
        "{message}"
    );
}

#[test]
fn a_missing_folder_is_refused_as_unreadable() {
    let dir = folder(&[]);
    let gone = dir.path().join("topics");
    let (file, kind, _) = refusal(&gone);
    assert_eq!((file, kind), (Some(gone), "unreadable"));
}
