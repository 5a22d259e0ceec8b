//! Pure: the entry-level expectations of one feedparser test file.
//!
//! Each file of feedparser's test suite opens with a comment holding an `Expect:` line, a Python
//! expression such as `not bozo and entries[0]['title'] == u'Example'`. This reads the clauses
//! that compare a value under `entries[0]` with a literal (a string, a number, a time tuple or
//! `None`), which is what "entry-level expectations" means here. Written by hand because the
//! expressions are a small, fixed subset of Python literals and subscripts; an embedded Python
//! interpreter would be far more than this needs.

/// One step of a path under `entries[0]`: `['title']` or `[0]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A Python literal on the right of `==`.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Int(i64),
    Tuple(Vec<f64>),
    None,
}

/// `entries[0]<path> == <expected>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub path: Vec<Step>,
    pub expected: Literal,
}

/// What one test file expects of its first entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryExpectations {
    /// The comparable clauses.
    pub comparisons: Vec<Expectation>,
    /// Clauses about `entries[0]` in another shape (`len(...)`, `.get(...)`, `not ...`).
    pub other_clauses: usize,
}

/// The `Expect:` line of a test file's text, if it has one.
pub fn expect_line(text: &str) -> Option<&str> {
    text.lines()
        .take(20)
        .find_map(|line| line.trim_start().strip_prefix("Expect:"))
        .map(str::trim)
}

/// The entry-level expectations in `expect`.
pub fn entry_expectations(expect: &str) -> EntryExpectations {
    let mut found = EntryExpectations::default();
    for clause in top_level_clauses(expect) {
        let clause = strip_parentheses(clause.trim());
        if !clause.contains("entries[0]") {
            continue;
        }
        match comparison(clause) {
            Some(expectation) => found.comparisons.push(expectation),
            None => found.other_clauses += 1,
        }
    }
    found
}

/// Splits on ` and ` outside quotes and brackets.
fn top_level_clauses(expect: &str) -> Vec<&str> {
    let bytes = expect.as_bytes();
    let mut clauses = Vec::new();
    let (mut depth, mut quote, mut start, mut i) = (0i32, None::<u8>, 0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b' ' if depth == 0 && expect[i..].starts_with(" and ") => {
                    clauses.push(&expect[start..i]);
                    start = i + 5;
                    i += 4;
                }
                _ => {}
            },
        }
        i += 1;
    }
    clauses.push(&expect[start..]);
    clauses
}

fn strip_parentheses(clause: &str) -> &str {
    let mut clause = clause;
    while clause.starts_with('(') && clause.ends_with(')') && balanced(&clause[1..clause.len() - 1])
    {
        clause = clause[1..clause.len() - 1].trim();
    }
    clause
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut quote = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth < 0 {
                        return false;
                    }
                }
                _ => {}
            },
        }
    }
    depth == 0
}

/// `entries[0][...] == literal`.
fn comparison(clause: &str) -> Option<Expectation> {
    let rest = clause.strip_prefix("entries[0]")?;
    let (path, rest) = subscripts(rest)?;
    let rest = rest.trim_start();
    let (expected, rest) = if let Some(rest) = rest.strip_prefix("==") {
        literal(rest.trim())?
    } else if let Some(rest) = rest.strip_prefix("is None") {
        (Literal::None, rest)
    } else {
        return None;
    };
    rest.trim()
        .is_empty()
        .then_some(Expectation { path, expected })
}

fn subscripts(mut rest: &str) -> Option<(Vec<Step>, &str)> {
    let mut path = Vec::new();
    while let Some(inner) = rest.strip_prefix('[') {
        if let Some((key, after)) = string_literal(inner) {
            path.push(Step::Key(key));
            rest = after.strip_prefix(']')?;
        } else {
            let end = inner.find(']')?;
            path.push(Step::Index(inner[..end].trim().parse().ok()?));
            rest = &inner[end + 1..];
        }
    }
    (!path.is_empty()).then_some((path, rest))
}

/// A literal and what follows it.
fn literal(text: &str) -> Option<(Literal, &str)> {
    if let Some(rest) = text.strip_prefix("None") {
        return Some((Literal::None, rest));
    }
    if let Some(inner) = text.strip_prefix('(') {
        let end = inner.find(')')?;
        let numbers = inner[..end]
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| n.parse::<f64>().ok())
            .collect::<Option<Vec<_>>>()?;
        return Some((Literal::Tuple(numbers), &inner[end + 1..]));
    }
    if let Some((first, mut rest)) = string_literal(text) {
        // Adjacent pieces joined with `+`.
        let mut joined = first;
        while let Some(next) = rest.trim_start().strip_prefix('+') {
            let (piece, after) = string_literal(next.trim_start())?;
            joined.push_str(&piece);
            rest = after;
        }
        return Some((Literal::Str(joined), rest));
    }
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(text.len());
    let number = text[..end].parse().ok()?;
    Some((Literal::Int(number), &text[end..]))
}

/// A Python string literal (`'x'`, `u'x'`, `"x"`, with escapes) and what follows it.
fn string_literal(text: &str) -> Option<(String, &str)> {
    let text = text.strip_prefix('u').unwrap_or(text);
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let mut value = String::new();
    let mut chars = text[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            return Some((value, &text[1 + i + 1..]));
        }
        if c != '\\' {
            value.push(c);
            continue;
        }
        let (_, escape) = chars.next()?;
        match escape {
            'n' => value.push('\n'),
            't' => value.push('\t'),
            'r' => value.push('\r'),
            'x' | 'u' | 'U' => {
                let digits = match escape {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..digits)
                    .filter_map(|_| chars.next().map(|(_, h)| h))
                    .collect();
                value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            other => value.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_title_comparison_and_skips_bozo() {
        let expect = expect_line(
            "<!--\nDescription: x\nExpect:   not bozo and entries[0]['title'] == u'Example \\u2019 Atom'\n-->",
        )
        .unwrap();
        let found = entry_expectations(expect);
        assert_eq!(
            found.comparisons,
            vec![Expectation {
                path: vec![Step::Key("title".into())],
                expected: Literal::Str("Example \u{2019} Atom".into()),
            }]
        );
    }

    #[test]
    fn reads_nested_paths_tuples_concatenations_and_parenthesised_clauses() {
        let found = entry_expectations(
            "not bozo and (entries[0]['content'][0]['value'] == u'a' + u' and b') and entries[0]['updated_parsed'] == (2003, 12, 31, 10, 14, 55, 2, 365, 0) and len(entries[0]['tags']) == 2",
        );
        assert_eq!(found.comparisons.len(), 2);
        assert_eq!(
            found.comparisons[0].path,
            vec![
                Step::Key("content".into()),
                Step::Index(0),
                Step::Key("value".into())
            ]
        );
        assert_eq!(
            found.comparisons[0].expected,
            Literal::Str("a and b".into())
        );
        assert!(matches!(&found.comparisons[1].expected, Literal::Tuple(t) if t.len() == 9));
        assert_eq!(found.other_clauses, 1);
    }
}
