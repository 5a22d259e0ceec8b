//! Labelled examples and their JSON-lines format: one `{"text": "...", "labels": ["..."]}` per
//! line, blank lines skipped.

use crate::error::{ClassifierError, Result};
use serde::{Deserialize, Serialize};
use std::io::BufRead;

/// One labelled text. `labels` may be empty (a negative example for every label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingExample {
    pub text: String,
    #[serde(default)]
    pub labels: Vec<String>,
}

/// Parses one line; `line_number` (1-based) names the line in the error.
pub fn parse_example_line(line: &str, line_number: usize) -> Result<TrainingExample> {
    serde_json::from_str(line).map_err(|error| ClassifierError::BadLine {
        line: line_number,
        message: format!("expected {{\"text\": \"...\", \"labels\": [\"...\"]}}: {error}"),
    })
}

/// Reads every non-blank line of `reader` as an example.
pub fn read_examples(reader: impl BufRead) -> Result<Vec<TrainingExample>> {
    let mut examples = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|error| ClassifierError::BadLine {
            line: index + 1,
            message: format!("cannot read line: {error}"),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        examples.push(parse_example_line(&line, index + 1)?);
    }
    Ok(examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_examples_and_skips_blank_lines() {
        let input = "{\"text\": \"oil prices rise\", \"labels\": [\"crude\"]}\n\n  \n{\"text\": \"no label\"}\n";
        let examples = read_examples(input.as_bytes()).unwrap();
        assert_eq!(
            examples,
            vec![
                TrainingExample {
                    text: "oil prices rise".into(),
                    labels: vec!["crude".into()]
                },
                TrainingExample {
                    text: "no label".into(),
                    labels: vec![]
                },
            ]
        );
    }

    #[test]
    fn a_bad_line_is_an_error_naming_the_line() {
        let input = "{\"text\": \"fine\", \"labels\": []}\n\n{\"text\": 3}\n";
        let error = read_examples(input.as_bytes()).map(|_| ()).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("line 3: "), "{message}");
    }

    #[test]
    fn a_line_that_is_not_json_is_an_error() {
        let error = read_examples("not json\n".as_bytes())
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(error, ClassifierError::BadLine { line: 1, .. }));
    }
}
