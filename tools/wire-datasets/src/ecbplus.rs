//! ECB+ (`ecbplus_docs.jsonl`): 982 news articles about 86 real events, one JSON document per
//! line with the event it reports (`story`, e.g. `1ecb` and `1ecbplus` are two similar but
//! different events of topic 1).

use crate::DatasetError;
use serde::Deserialize;
use std::path::Path;

/// One ECB+ article.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Document {
    /// The file name, e.g. `1_10ecb.xml`.
    pub doc: String,
    /// The topic (two similar events share one).
    pub topic: u32,
    /// The event cluster: the gold label for story clustering.
    pub story: String,
    pub text: String,
}

/// Parses JSON lines; blank lines are skipped, a malformed line is an error with its number.
pub fn parse(text: &str, path: &Path) -> Result<Vec<Document>, DatasetError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|error| DatasetError::Malformed {
                path: path.to_owned(),
                line: index + 1,
                message: error.to_string(),
            })
        })
        .collect()
}

/// Reads `ecbplus_docs.jsonl` from `dir`.
pub fn load(dir: &Path) -> Result<Vec<Document>, DatasetError> {
    let path = dir.join("ecbplus_docs.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|source| DatasetError::Io {
        path: path.clone(),
        source,
    })?;
    let documents = parse(&text, &path)?;
    if documents.is_empty() {
        return Err(DatasetError::Empty {
            what: "ECB+ documents",
            path,
        });
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_documents_and_a_bad_line_is_named() {
        let path = Path::new("ecbplus_docs.jsonl");
        let good = r#"{"doc": "1_1ecb.xml", "topic": 1, "subtopic": "ecb", "story": "1ecb", "url": null, "sentences": [], "text": "Tara Reid checked in."}"#;
        let documents = parse(&format!("{good}\n\n{good}\n"), path).unwrap_or_default();
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[0].story, "1ecb");
        let error = parse(&format!("{good}\n{{not json\n"), path).err();
        assert!(error.is_some_and(|e| e.to_string().contains("line 2")));
    }
}
