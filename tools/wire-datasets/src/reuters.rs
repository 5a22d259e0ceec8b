//! Reuters-21578 (Distribution 1.0): 21,578 Reuters wire stories of 1987 in 22 SGML files.
//!
//! Hand-written on purpose: the files are SGML, not XML (no root element, a DTD reference,
//! control characters as `&#1;`..`&#31;` entities, unescaped `<` in places), so XML parsers
//! reject them; the element structure is flat and fixed by `lewis.dtd`, so a few anchored
//! regexes read it exactly.

use crate::DatasetError;
use chrono::NaiveDateTime;
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// The ModApte split of a document (`LEWISSPLIT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    Train,
    Test,
    NotUsed,
}

impl Split {
    fn parse(value: &str) -> Self {
        match value {
            "TRAIN" => Split::Train,
            "TEST" => Split::Test,
            _ => Split::NotUsed,
        }
    }
}

/// One Reuters story.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `NEWID`, unique in the collection.
    pub id: u32,
    pub split: Split,
    /// `TOPICS="YES"`: the document was indexed for topics (ModApte uses only these).
    pub topics_indexed: bool,
    pub date: Option<NaiveDateTime>,
    pub topics: Vec<String>,
    pub places: Vec<String>,
    pub title: String,
    /// The dateline as printed, e.g. `SALVADOR, Feb 26 -`.
    pub dateline: String,
    /// The body with its trailing `Reuter` signature removed; paragraphs are separated by a
    /// blank line and each paragraph's wrapped lines are joined.
    pub body: String,
}

impl Document {
    /// The body's paragraphs.
    pub fn paragraphs(&self) -> Vec<&str> {
        self.body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }
}

#[allow(clippy::expect_used)] // constant patterns, checked by the tests
fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

static DOCUMENT: LazyLock<Regex> = LazyLock::new(|| regex(r"(?s)<REUTERS([^>]*)>(.*?)</REUTERS>"));
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| regex(r#"([A-Z]+)="([^"]*)""#));
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| regex(r"<D>(.*?)</D>"));
static ENTITY: LazyLock<Regex> = LazyLock::new(|| regex(r"&(#[0-9]+|lt|gt|amp|quot);"));
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?si)\s*\bReuters?\s*$"));

/// The content of the first `<name>` or `<name attributes...>` element.
fn element<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let close = format!("</{name}>");
    let open = text
        .match_indices(&format!("<{name}"))
        .map(|(at, _)| at + name.len() + 1)
        .find(|after| text[*after..].starts_with(['>', ' ']))?;
    let start = open + text[open..].find('>')? + 1;
    let end = text[start..].find(&close)? + start;
    Some(&text[start..end])
}

/// Replaces the named entities and drops the control-character ones.
fn unescape(text: &str) -> String {
    ENTITY
        .replace_all(text, |captures: &regex::Captures<'_>| match &captures[1] {
            "lt" => "<".to_owned(),
            "gt" => ">".to_owned(),
            "amp" => "&".to_owned(),
            "quot" => "\"".to_owned(),
            _ => String::new(),
        })
        .into_owned()
}

/// Joins wrapped lines; a line indented by whitespace starts a new paragraph.
fn reflow(body: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    for line in body.lines() {
        let starts_paragraph = line.starts_with(|c: char| c.is_whitespace());
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match paragraphs.last_mut() {
            Some(last) if !starts_paragraph => {
                last.push(' ');
                last.push_str(line);
            }
            _ => paragraphs.push(line.to_owned()),
        }
    }
    paragraphs.join("\n\n")
}

fn list(text: &str, name: &str) -> Vec<String> {
    element(text, name)
        .map(|items| {
            LIST_ITEM
                .captures_iter(items)
                .map(|c| c[1].trim().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Parses the documents of one SGML file's text.
pub fn parse(text: &str) -> Vec<Document> {
    DOCUMENT
        .captures_iter(text)
        .filter_map(|captures| {
            let attributes: Vec<(String, String)> = ATTRIBUTE
                .captures_iter(&captures[1])
                .map(|a| (a[1].to_owned(), a[2].to_owned()))
                .collect();
            let attribute = |name: &str| {
                attributes
                    .iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.as_str())
            };
            let id = attribute("NEWID")?.parse().ok()?;
            let inner = &captures[2];
            let date = element(inner, "DATE")
                .and_then(|d| NaiveDateTime::parse_from_str(d.trim(), "%d-%b-%Y %H:%M:%S%.f").ok());
            let text_part = element(inner, "TEXT").unwrap_or_default();
            let title = unescape(element(text_part, "TITLE").unwrap_or_default());
            let dateline = unescape(element(text_part, "DATELINE").unwrap_or_default());
            let body = unescape(element(text_part, "BODY").unwrap_or_default());
            let body = SIGNATURE.replace(&reflow(&body), "").into_owned();
            Some(Document {
                id,
                split: Split::parse(attribute("LEWISSPLIT").unwrap_or_default()),
                topics_indexed: attribute("TOPICS") == Some("YES"),
                date,
                topics: list(inner, "TOPICS"),
                places: list(inner, "PLACES"),
                title: title.split_whitespace().collect::<Vec<_>>().join(" "),
                dateline: dateline.split_whitespace().collect::<Vec<_>>().join(" "),
                body,
            })
        })
        .collect()
}

/// Reads every `reut2-*.sgm` file of `dir`, in file order. The files hold a few stray bytes
/// that are not UTF-8; they are replaced, not fatal.
pub fn load(dir: &Path) -> Result<Vec<Document>, DatasetError> {
    let read_dir = std::fs::read_dir(dir).map_err(|source| DatasetError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut files: Vec<_> = read_dir
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("reut2-") && n.ends_with(".sgm"))
        })
        .collect();
    files.sort();
    let mut documents = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).map_err(|source| DatasetError::Io {
            path: path.clone(),
            source,
        })?;
        documents.extend(parse(&String::from_utf8_lossy(&bytes)));
    }
    if documents.is_empty() {
        return Err(DatasetError::Empty {
            what: "Reuters-21578 documents (reut2-*.sgm)",
            path: dir.to_owned(),
        });
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="1">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS>
<PLACES><D>el-salvador</D><D>usa</D></PLACES>
<PEOPLE></PEOPLE>
<TEXT>&#2;
<TITLE>BAHIA COCOA &lt;REVIEW></TITLE>
<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued throughout the week in
the Bahia cocoa zone.
    The dry period means the temporao will be late this year.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TEST" CGISPLIT="TRAINING-SET" OLDID="5545" NEWID="2">
<DATE>26-FEB-1987 15:02:20.00</DATE>
<TOPICS></TOPICS>
<TEXT TYPE="BRIEF">&#2;
<TITLE>STANDARD OIL &lt;SRD> TO FORM FINANCIAL UNIT</TITLE>
</TEXT>
</REUTERS>"#;

    #[test]
    fn documents_fields_and_paragraphs_are_read() {
        let documents = parse(SAMPLE);
        assert_eq!(documents.len(), 2);
        let first = &documents[0];
        assert_eq!(first.id, 1);
        assert_eq!(first.split, Split::Train);
        assert!(first.topics_indexed);
        assert_eq!(first.topics, vec!["cocoa"]);
        assert_eq!(first.places, vec!["el-salvador", "usa"]);
        assert_eq!(first.title, "BAHIA COCOA <REVIEW>");
        assert_eq!(first.dateline, "SALVADOR, Feb 26 -");
        assert_eq!(
            first.paragraphs(),
            vec![
                "Showers continued throughout the week in the Bahia cocoa zone.",
                "The dry period means the temporao will be late this year."
            ]
        );
        assert_eq!(
            first.date.map(|d| d.to_string()).as_deref(),
            Some("1987-02-26 15:01:01.790")
        );
        let second = &documents[1];
        assert_eq!(second.split, Split::Test);
        assert!(!second.topics_indexed);
        assert!(second.body.is_empty());
        assert_eq!(second.title, "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT");
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let error = load(Path::new("/nonexistent/reuters"))
            .err()
            .map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("/nonexistent/reuters")));
    }
}
