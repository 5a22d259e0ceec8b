//! End-to-end behaviour of the public API on a small synthetic corpus.

use std::path::PathBuf;
use wire_classifier::{
    ClassifierError, FeatureConfig, Model, TrainingConfig, TrainingExample, cross_validate,
    predict_lines, train_command,
};

const SPORT: &[&str] = &[
    "match", "goal", "striker", "league", "coach", "stadium", "season",
];
const MARKETS: &[&str] = &[
    "shares",
    "bond",
    "yield",
    "investors",
    "earnings",
    "dividend",
    "stocks",
];
const WEATHER: &[&str] = &[
    "storm",
    "rain",
    "forecast",
    "flooding",
    "winds",
    "temperatures",
];
const FILLER: &[&str] = &[
    "the",
    "said",
    "on",
    "monday",
    "in",
    "a",
    "report",
    "officials",
];

/// A deterministic corpus: each text mixes words of its topics with filler; every fifth
/// example is about markets and weather at once.
fn corpus(count: usize, offset: usize) -> Vec<TrainingExample> {
    (0..count)
        .map(|i| {
            let i = i + offset;
            let (topics, labels): (Vec<&[&str]>, Vec<&str>) = match i % 5 {
                0 | 1 => (vec![SPORT], vec!["sport"]),
                2 | 3 => (vec![MARKETS], vec!["markets"]),
                _ => (vec![MARKETS, WEATHER], vec!["markets", "weather"]),
            };
            let mut words = Vec::new();
            for (k, topic) in topics.iter().enumerate() {
                for j in 0..4 {
                    words.push(topic[(i * 3 + j * 5 + k) % topic.len()]);
                    words.push(FILLER[(i + j + k) % FILLER.len()]);
                }
            }
            TrainingExample {
                text: words.join(" "),
                labels: labels.into_iter().map(String::from).collect(),
            }
        })
        .collect()
}

fn small_config() -> TrainingConfig {
    TrainingConfig {
        features: FeatureConfig {
            bucket_bits: 16,
            ..FeatureConfig::default()
        },
        ..TrainingConfig::default()
    }
}

fn temporary_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("wire-classifier-{}-{name}", std::process::id()))
}

#[test]
fn learns_a_separable_multi_label_corpus() {
    let model = Model::train(&corpus(60, 0), &small_config()).unwrap();
    assert_eq!(model.labels(), ["markets", "sport", "weather"]);
    for example in corpus(20, 1000) {
        let mut predicted = model.predict(&example.text).labels;
        predicted.sort();
        let mut expected = example.labels.clone();
        expected.sort();
        assert_eq!(predicted, expected, "{}", example.text);
    }
    let prediction = model.predict("the striker scored a goal in the stadium");
    assert_eq!(prediction.labels, ["sport"]);
    assert!(prediction.scores["sport"] > 0.5 && prediction.scores["weather"] < 0.5);
    assert_eq!(prediction.scores.len(), 3);
}

#[test]
fn cross_validation_of_a_separable_corpus_is_near_perfect() {
    let scores = cross_validate(&corpus(60, 0), &small_config(), 3).unwrap();
    assert_eq!(scores.documents, 60);
    assert!(scores.micro.f1 > 0.95, "{:?}", scores.micro);
}

#[test]
fn training_is_deterministic() {
    let first = Model::train(&corpus(40, 0), &small_config()).unwrap();
    let second = Model::train(&corpus(40, 0), &small_config()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn save_and_load_give_the_same_model_and_predictions() {
    let config = TrainingConfig {
        features: FeatureConfig::words_bigrams_and_char_ngrams(),
        ..TrainingConfig::default()
    };
    let model = Model::train(&corpus(60, 0), &config).unwrap();
    let path = temporary_path("round-trip.model");
    model.save(&path).unwrap();
    let loaded = Model::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded, model);
    for example in corpus(10, 500) {
        assert_eq!(loaded.predict(&example.text), model.predict(&example.text));
    }
}

#[test]
fn damaged_or_foreign_files_are_errors_not_panics() {
    let bytes = Model::train(&corpus(30, 0), &small_config())
        .unwrap()
        .to_bytes()
        .unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let mut newer = bytes.clone();
    newer[8] = 9;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("foreign", b"{\"not\": \"a model\"}".to_vec()),
        ("truncated", bytes[..bytes.len() - 100].to_vec()),
        ("header only", bytes[..16].to_vec()),
        ("flipped bit", flipped),
        ("newer version", newer),
    ];
    for (name, case) in cases {
        let error = Model::from_bytes(&case).unwrap_err();
        assert!(
            matches!(error, ClassifierError::InvalidModel(_)),
            "{name}: {error}"
        );
    }
    let error = Model::from_bytes(&{
        let mut newer = bytes.clone();
        newer[8] = 9;
        newer
    })
    .unwrap_err();
    assert!(error.to_string().contains("format version 9"), "{error}");
    assert!(Model::load(&temporary_path("does-not-exist")).is_err());
}

#[test]
fn the_commands_train_from_and_predict_json_lines() {
    let input = temporary_path("train.jsonl");
    let output = temporary_path("command.model");
    let lines: Vec<String> = corpus(60, 0)
        .iter()
        .map(|example| serde_json::to_string(example).unwrap())
        .collect();
    std::fs::write(&input, lines.join("\n\n")).unwrap();
    let report = train_command(&input, &output, &small_config()).unwrap();
    assert_eq!(report.examples, 60);
    assert_eq!(report.label_examples["weather"], 12);
    let model = Model::load(&output).unwrap();
    std::fs::remove_file(&input).unwrap();
    std::fs::remove_file(&output).unwrap();
    assert_eq!(
        report.model_bytes as u64,
        model.to_bytes().unwrap().len() as u64
    );

    let requests = "{\"text\": \"storm and flooding hit shares\"}\n\n{\"text\": \"coach praises striker\", \"labels\": [\"sport\"], \"id\": 7}\n";
    let mut written = Vec::new();
    let count = predict_lines(&model, requests.as_bytes(), &mut written).unwrap();
    assert_eq!(count, 2);
    let outputs: Vec<serde_json::Value> = String::from_utf8(written)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(outputs[1]["labels"], serde_json::json!(["sport"]));
    assert!(
        outputs[0]["labels"]
            .as_array()
            .unwrap()
            .contains(&"weather".into())
    );
    assert_eq!(outputs[0]["scores"].as_object().unwrap().len(), 3);

    let error = predict_lines(
        &model,
        "{\"text\": \"ok\"}\n[1, 2]\n".as_bytes(),
        Vec::new(),
    )
    .unwrap_err();
    assert!(error.to_string().starts_with("line 2: "), "{error}");
}

#[test]
fn bad_configurations_and_empty_training_sets_are_errors() {
    let unlabelled = vec![TrainingExample {
        text: "no labels here".into(),
        labels: vec![],
    }];
    assert!(Model::train(&unlabelled, &small_config()).is_err());
    assert!(Model::train(&[], &small_config()).is_err());
    let zero_epochs = TrainingConfig {
        epochs: 0,
        ..small_config()
    };
    let error = Model::train(&corpus(10, 0), &zero_epochs).unwrap_err();
    assert!(error.to_string().contains("epochs"), "{error}");
}
