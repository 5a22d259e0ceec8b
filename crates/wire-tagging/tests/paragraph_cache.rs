//! The cache of paragraph walks changes no tag (issue 23): every item of the labelled language
//! corpus (`tools/wirefeed-eval/labels/languages`, all splits, eight languages) and the first
//! Reuters-21578 stories (when `../shared/data` is there), each followed by pickups made from
//! it (paragraphs reordered, one dropped, an outlet line added, a word changed), are tagged by a
//! tagger that keeps paragraph walks (a large cache and one of three entries, which evicts all
//! the time) and by one that keeps none: the tags must be identical.

mod common;

use std::path::{Path, PathBuf};
use wire_tagging::{TagInput, Tagger, Tags};

struct Item {
    language: Option<String>,
    headline: String,
    body: String,
}

fn labelled_items() -> Vec<Item> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tools/wirefeed-eval/labels/languages");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .flat_map(|split| std::fs::read_dir(split.path()).into_iter().flatten())
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut items = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for line in text.lines() {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let field = |name: &str| value[name].as_str().map(str::to_owned);
            items.push(Item {
                language: field("language"),
                headline: field("headline").unwrap_or_default(),
                body: field("body").unwrap_or_default(),
            });
        }
    }
    items
}

fn reuters_items() -> Vec<Item> {
    let reuters = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/reuters21578");
    wire_datasets::reuters::load(&reuters)
        .map(|docs| {
            docs.into_iter()
                .filter(|d| !d.body.is_empty())
                .take(1_500)
                .map(|d| Item {
                    language: None,
                    headline: d.title,
                    body: d.body,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The item and pickups of it, as an outlet rewrites a wire story.
fn with_pickups(item: &Item) -> Vec<(String, String)> {
    let paragraphs: Vec<&str> = item.body.split("\n\n").collect();
    let mut reordered = paragraphs.clone();
    reordered.rotate_left(1);
    let mut dropped = paragraphs.clone();
    if dropped.len() > 2 {
        dropped.remove(1);
    }
    let mut reworded = paragraphs.clone();
    let changed = reworded
        .last()
        .map(|p| p.replacen(" the ", " THE ", 1))
        .unwrap_or_default();
    if let Some(last) = reworded.last_mut() {
        *last = &changed;
    }
    vec![
        (item.headline.clone(), item.body.clone()),
        (
            format!("UPDATE 1-{}", item.headline),
            reordered.join("\n\n"),
        ),
        (
            item.headline.clone(),
            format!("{}\n\n(Reporting by the Outlet desk)", dropped.join("\n\n")),
        ),
        (item.headline.clone(), reworded.join("\n\n")),
        (item.headline.clone(), item.body.replace("\n\n", "\n")),
    ]
}

fn tag(tagger: &Tagger, language: Option<&str>, headline: &str, body: &str) -> Tags {
    tagger.tag_input(
        &TagInput {
            headline,
            body,
            dateline: None,
            located: None,
            language,
        },
        &[],
    )
}

#[allow(clippy::panic)] // the shipped config must load
fn load(paragraphs: usize) -> Tagger {
    let mut tagger = Tagger::load(&common::config_dir())
        .unwrap_or_else(|e| panic!("the shipped config must load: {e}"));
    tagger.set_paragraph_cache(paragraphs);
    tagger
}

#[test]
fn the_paragraph_cache_changes_no_tag_on_real_corpora() {
    let mut items = labelled_items();
    assert!(items.len() > 400, "the labelled corpus is in the checkout");
    items.extend(reuters_items());
    let without = load(0);
    let cached = load(8_192);
    let tiny = load(3);
    let (mut articles, mut tagged) = (0usize, 0usize);
    // Twice over: the second pass finds every paragraph walked.
    for _ in 0..2 {
        for item in &items {
            let language = item.language.as_deref();
            for (headline, body) in with_pickups(item) {
                let expected = tag(&without, language, &headline, &body);
                assert_eq!(
                    tag(&cached, language, &headline, &body),
                    expected,
                    "{headline}"
                );
                assert_eq!(
                    tag(&tiny, language, &headline, &body),
                    expected,
                    "{headline}"
                );
                articles += 1;
                tagged += usize::from(!expected.places.is_empty() || !expected.subjects.is_empty());
            }
        }
    }
    // The comparison means something: most articles have places or subjects.
    assert!(tagged * 2 > articles, "{tagged} of {articles} tagged");
}

#[test]
fn a_new_catalog_is_not_read_through_walks_of_the_old_one() {
    let mut tagger = load(8_192);
    let body = "Peace talks on Syria resumed in Geneva.\n\nThe ceasefire holds, officials said.";
    let before = tag(&tagger, None, "Syria talks", body);
    let topic = wire_tagging::StoryTopic::from_toml_str(
        "id = \"ceasefires\"\nname = \"Ceasefires\"\nthreshold = 1.0\n[terms]\nceasefire = 2.0\n",
    );
    let catalog = topic
        .and_then(|t| wire_tagging::TopicCatalog::from_topics(vec![t]))
        .and_then(|c| tagger.set_catalog(&c).map(|()| c));
    assert!(catalog.is_ok(), "{catalog:?}");
    let after = tag(&tagger, None, "Syria talks", body);
    let fresh = {
        let mut fresh = load(0);
        let _ = catalog.map(|c| fresh.set_catalog(&c));
        tag(&fresh, None, "Syria talks", body)
    };
    assert_eq!(after, fresh);
    assert!(after.story_topic_ids().contains(&"ceasefires"));
    assert_ne!(before.story_topic_ids(), after.story_topic_ids());
}
