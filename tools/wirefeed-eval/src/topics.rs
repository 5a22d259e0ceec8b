//! The Reuters-21578 ModApte evaluation of the classifier on the ten most frequent TOPICS.
//!
//! Conventions: documents with `TOPICS="YES"` only; `LEWISSPLIT` TRAIN to train and TEST to
//! test (9,603 and 3,299 documents); the ten labels are the most frequent TOPICS among those
//! TRAIN documents (ties broken by name); every other topic is ignored; text is the title, a
//! blank line and the body. TEST is scored two ways: over the test documents with at least one
//! of the ten labels (the usual "ModApte top-10" figure) and over every test document (those
//! without a top-ten label count only through false positives). Hyper-parameters are chosen by
//! cross-validation on TRAIN only; TEST is scored once, for the report.

use serde::Serialize;
use std::collections::BTreeMap;
use wire_classifier::{SplitScores, TopicsEvalOptions, TrainingExample, evaluate_holdout};
use wire_datasets::reuters::{Document, Split};

/// How many of the most frequent TRAIN topics are evaluated.
pub const REUTERS_TOP_TOPICS: usize = 10;

/// What `eval_reuters_topics` measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicsReport {
    /// The ten labels with their TRAIN document counts, most frequent first.
    pub labels: Vec<(String, usize)>,
    pub train_documents: usize,
    pub test_documents: usize,
    pub options: TopicsEvalOptions,
    /// Cross-validation on TRAIN (`validation_folds` folds); `None` without validation.
    pub validation: Option<SplitScores>,
    /// The model trained on all of TRAIN, scored on TEST.
    pub test: SplitScores,
}

/// Runs the evaluation with the default options (the tuned `TrainingConfig`, 5-fold validation).
pub fn eval_reuters_topics(documents: &[Document]) -> anyhow::Result<TopicsReport> {
    eval_reuters_topics_with(documents, &TopicsEvalOptions::default())
}

/// Runs the evaluation with `options`.
pub fn eval_reuters_topics_with(
    documents: &[Document],
    options: &TopicsEvalOptions,
) -> anyhow::Result<TopicsReport> {
    let in_split = |split: Split| {
        documents
            .iter()
            .filter(move |doc| doc.topics_indexed && doc.split == split)
            .collect::<Vec<_>>()
    };
    let (train, test) = (in_split(Split::Train), in_split(Split::Test));
    let top = top_topics(&train, REUTERS_TOP_TOPICS);
    if top.len() < REUTERS_TOP_TOPICS || test.is_empty() {
        anyhow::bail!(
            "cannot train: need ModApte TRAIN documents with {REUTERS_TOP_TOPICS} topics and TEST documents, found {} topics and {} test documents",
            top.len(),
            test.len()
        );
    }
    let names: Vec<String> = top.iter().map(|(name, _)| name.clone()).collect();
    let train_examples: Vec<TrainingExample> =
        train.iter().map(|doc| example(doc, &names)).collect();
    let test_examples: Vec<TrainingExample> = test.iter().map(|doc| example(doc, &names)).collect();
    let scores = evaluate_holdout(&train_examples, &test_examples, options)?;
    Ok(TopicsReport {
        labels: top,
        train_documents: train.len(),
        test_documents: test.len(),
        options: options.clone(),
        validation: scores.validation,
        test: scores.test,
    })
}

/// The `count` most frequent topics of `documents` with their document counts.
fn top_topics(documents: &[&Document], count: usize) -> Vec<(String, usize)> {
    let mut frequency: BTreeMap<&str, usize> = BTreeMap::new();
    for doc in documents {
        let mut topics: Vec<&str> = doc.topics.iter().map(String::as_str).collect();
        topics.sort_unstable();
        topics.dedup();
        for topic in topics {
            *frequency.entry(topic).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = frequency
        .into_iter()
        .map(|(topic, n)| (topic.to_string(), n))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(count);
    ranked
}

fn example(doc: &Document, labels: &[String]) -> TrainingExample {
    TrainingExample {
        text: format!("{}\n\n{}", doc.title, doc.body),
        labels: doc
            .topics
            .iter()
            .filter(|topic| labels.contains(topic))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_classifier::{FeatureConfig, TrainingConfig};

    const TOPICS: [&str; 11] = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo",
    ];

    fn document(id: u32, split: Split, topic: Option<usize>, indexed: bool) -> Document {
        let (topics, body) = match topic {
            Some(t) => (
                vec![TOPICS[t].to_string()],
                format!("the {0} report about {0} {0} said", TOPICS[t]),
            ),
            None => (vec![], "a story about nothing in particular".to_string()),
        };
        Document {
            id,
            split,
            topics_indexed: indexed,
            date: None,
            topics,
            places: vec![],
            title: String::new(),
            dateline: String::new(),
            body,
        }
    }

    /// Topic `t` has `12 - t` TRAIN documents, so "kilo" (the eleventh) is not in the top ten.
    fn corpus() -> Vec<Document> {
        let mut documents = Vec::new();
        let mut id = 0;
        let mut push = |split, topic, indexed| {
            id += 1;
            documents.push(document(id, split, topic, indexed));
        };
        for t in 0..TOPICS.len() {
            for _ in 0..(12 - t) {
                push(Split::Train, Some(t), true);
            }
            push(Split::Test, Some(t), true);
            push(Split::Test, Some(t), false); // not topics-indexed: ignored
        }
        for _ in 0..5 {
            push(Split::Train, None, true);
            push(Split::Test, None, true);
        }
        documents
    }

    #[test]
    fn ranks_train_topics_and_scores_both_conventions() {
        let options = TopicsEvalOptions {
            config: TrainingConfig {
                features: FeatureConfig {
                    bucket_bits: 12,
                    ..FeatureConfig::default()
                },
                ..TrainingConfig::default()
            },
            validation_folds: 3,
            train_on_unlabelled_documents: true,
        };
        let report = eval_reuters_topics_with(&corpus(), &options).unwrap();
        let names: Vec<&str> = report
            .labels
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, TOPICS[..10]);
        assert_eq!(report.labels[0].1, 12);
        assert_eq!(report.train_documents, 82);
        assert_eq!(report.test_documents, 16);
        // Ten test documents carry a top-ten label; "kilo" and the five unlabelled do not.
        assert_eq!(report.test.with_top_label.documents, 10);
        assert_eq!(report.test.all_documents.documents, 16);
        assert_eq!(report.test.with_top_label.micro.f1, 1.0);
        assert!(
            report
                .validation
                .is_some_and(|v| v.all_documents.micro.f1 > 0.9)
        );
    }

    #[test]
    fn too_few_topics_is_an_error() {
        let documents = vec![document(1, Split::Train, Some(0), true)];
        assert!(eval_reuters_topics(&documents).is_err());
    }
}
