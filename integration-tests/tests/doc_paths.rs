//! The docs name only paths that exist (no broker needed): every repository path written in
//! backticks in ARCHITECTURE.md, README.md, BENCHMARKS.md, RELIABILITY.md and deploy/README.md is
//! a file or directory of the workspace, so "where to change what" never sends a reader to a file
//! that was renamed or never written.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::workspace_root;

/// The top-level directories whose paths the docs name.
const ROOTS: [&str; 10] = [
    "crates/",
    "services/",
    "tools/",
    "config/",
    "deploy/",
    "integration-tests/",
    "scripts/",
    "bench/",
    ".ci/",
    "docs/",
];

/// Crate directories that docs may name without their `crates/`, `services/` or `tools/` prefix
/// (`wire-runtime/src/stage/mod.rs`).
const PREFIXES: [&str; 4] = ["", "crates/", "services/", "tools/"];

/// The backticked spans of `text` that look like a path in the workspace: a known root or a
/// crate name, then a `/`, without placeholders (`<stage>`), globs or spaces.
fn named_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for (index, span) in text.split('`').enumerate() {
        if index % 2 == 0 {
            continue;
        }
        // `path:line` or `path::item` name the path too.
        let span = span.split(':').next().unwrap_or(span);
        let looks_like_path = span.contains('/')
            && !span.contains(['<', '>', '*', ' ', '{', '$', '='])
            && !span.starts_with(['/', '.', '-'])
            && !span.contains("://")
            && (ROOTS.iter().any(|root| span.starts_with(root))
                || span.starts_with("wire-")
                || span.starts_with("wirefeed-"));
        if looks_like_path {
            paths.push(span.trim_end_matches(['.', ',']).to_owned());
        }
    }
    paths
}

#[test]
fn every_path_the_docs_name_exists() {
    let root = workspace_root();
    let mut missing = Vec::new();
    let mut checked = 0;
    for doc in [
        "ARCHITECTURE.md",
        "README.md",
        "BENCHMARKS.md",
        "RELIABILITY.md",
        "deploy/README.md",
    ] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        for path in named_paths(&text) {
            checked += 1;
            let exists = PREFIXES
                .iter()
                .any(|prefix| root.join(format!("{prefix}{path}")).exists());
            if !exists {
                missing.push(format!("{doc}: `{path}`"));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} paths found: is the parser right?"
    );
    assert!(
        missing.is_empty(),
        "paths named in the docs that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_path_finder_reads_backticked_paths_only() {
    let text = "see `services/enricher/src/lineage.rs` and `wire-runtime/src/stage.rs:40`, \
                not `services/<stage>/src/lib.rs`, `a b`, `http://x/y` or services/plain.rs";
    assert_eq!(
        named_paths(text),
        vec![
            "services/enricher/src/lineage.rs".to_owned(),
            "wire-runtime/src/stage.rs".to_owned()
        ]
    );
}
