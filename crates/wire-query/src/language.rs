//! Pure: the query language of subscriptions and searches, parsed once into an [`Expr`].
//!
//! ```text
//! topic:syria-peace-process AND place:SY AND NOT topic:sport
//! "peace talks" OR ceasefire
//! (Syria OR Damascus) urgency:<=2 -source:tabloid lang:en
//! ```
//!
//! - A bare word matches a whole word of the headline or body, regardless of case, accents and
//!   Arabic letter forms (`"processus de paix"` matches `Processus de Paix`, `geneve` matches
//!   `Genève`, `سورية` matches `سوريّة`); `word*` also
//!   matches words starting with `word`. A `"quoted phrase"` matches its words in sequence
//!   (spacing and line breaks between them do not matter).
//! - Fields: `topic:` (an operator topic id `urn:wirefeed:topic:<id>`, an IPTC media topic code
//!   or a subject's name), `place:` (an ISO country code or a place name), `source:` (the
//!   configured source id, or the wire agency that wrote the story), `credit:` (the agency that
//!   wrote the story: its canonical name, `AFP`, or its credit line as written), `lang:`
//!   (`en` also matches `en-GB`), `family:`, and `urgency:` with `<`, `<=`, `=`, `>=`, `>`
//!   (1 is the most urgent). Field values are case-insensitive; `place:"United Kingdom"`.
//! - `AND`, `OR`, `NOT` (upper case), `-term` for `NOT term`, parentheses. Adjacent terms are
//!   joined with `AND`, which binds tighter than `OR`.
//!
//! Errors name the 1-based character column: `expected ')' at column 17`.

use std::fmt;

/// A field a query can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Topic,
    Place,
    Source,
    Credit,
    Lang,
    Family,
}

impl Field {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "topic" => Self::Topic,
            "place" => Self::Place,
            "source" => Self::Source,
            "credit" => Self::Credit,
            "lang" => Self::Lang,
            "family" => Self::Family,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Topic => "topic",
            Self::Place => "place",
            Self::Source => "source",
            Self::Credit => "credit",
            Self::Lang => "lang",
            Self::Family => "family",
        }
    }
}

/// How `urgency:` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Less,
    LessOrEqual,
    Equal,
    GreaterOrEqual,
    Greater,
}

impl Comparison {
    pub fn holds(self, left: u8, right: u8) -> bool {
        match self {
            Self::Less => left < right,
            Self::LessOrEqual => left <= right,
            Self::Equal => left == right,
            Self::GreaterOrEqual => left >= right,
            Self::Greater => left > right,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Equal => "=",
            Self::GreaterOrEqual => ">=",
            Self::Greater => ">",
        }
    }
}

/// A word or phrase as matched: lower case, single spaces; `prefix` for `word*`. `shown` is
/// how the subscriber wrote it (for evidence); equality and hashing ignore it.
#[derive(Debug, Clone)]
pub struct Text {
    pub text: String,
    pub prefix: bool,
    pub shown: String,
}

impl Text {
    pub fn new(text: String, prefix: bool) -> Self {
        Self {
            shown: text.clone(),
            text,
            prefix,
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.prefix == other.prefix
    }
}

impl Eq for Text {}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
        self.prefix.hash(state);
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Text(Text),
    /// A field and its value in lower case.
    Field(Field, String),
    Urgency(Comparison, u8),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A phrase ending in `*` is a prefix too: `"peace tal*"`.
            Self::Text(text) if text.prefix && needs_quotes(&text.shown) => {
                write!(f, "\"{}*\"", text.shown)
            }
            Self::Text(text) if text.prefix => write!(f, "{}*", text.shown),
            Self::Text(text) if needs_quotes(&text.shown) => write!(f, "\"{}\"", text.shown),
            Self::Text(text) => f.write_str(&text.shown),
            Self::Field(field, value)
                if value
                    .chars()
                    .any(|c| c.is_whitespace() || matches!(c, '(' | ')')) =>
            {
                write!(f, "{}:\"{value}\"", field.name())
            }
            Self::Field(field, value) => write!(f, "{}:{value}", field.name()),
            Self::Urgency(comparison, value) => write!(f, "urgency:{}{value}", comparison.symbol()),
            Self::Not(inner) => write!(f, "NOT {inner}"),
            Self::And(items) | Self::Or(items) => {
                let joiner = if matches!(self, Self::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                f.write_str("(")?;
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        f.write_str(joiner)?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Whether `text` must be quoted to be read back as the same single term: anything the lexer
/// would split or read as syntax (found by fuzzing: a phrase `"((("` printed bare).
fn needs_quotes(text: &str) -> bool {
    let field_like = text
        .split_once(':')
        .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()));
    text.is_empty()
        || field_like
        || text
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '(' | ')'))
        || text.starts_with('-')
        || text.ends_with('*')
        || matches!(text, "AND" | "OR" | "NOT" | "&&" | "||")
}

/// Why a query does not parse: the reason and the 1-based character column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {column}")]
pub struct QueryError {
    pub message: String,
    pub column: usize,
}

impl QueryError {
    fn new(message: impl Into<String>, column: usize) -> Self {
        Self {
            message: message.into(),
            column,
        }
    }
}

/// Folded ([`wire_model::fold`]), lower case, runs of white space as one space: how texts and
/// terms are compared.
pub fn normalize_text(text: &str) -> String {
    wire_model::fold::fold_lowercase(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

/// Parses a query.
pub fn parse(input: &str) -> Result<Expr, QueryError> {
    let tokens = lex(input)?;
    let end = input.chars().count() + 1;
    let mut parser = Parser {
        tokens,
        position: 0,
        end,
    };
    let expr = parser.parse_or(0)?;
    match parser.peek() {
        None => Ok(expr),
        Some((Token::RightParen, column)) => Err(QueryError::new("unexpected ')'", column)),
        Some((_, column)) => Err(QueryError::new("unexpected input", column)),
    }
}

/// `word1 OR word2 OR ...`: a subscription's `keywords = [...]` as a query.
pub fn any_of(keywords: &[String]) -> Expr {
    Expr::Or(
        keywords
            .iter()
            .map(|keyword| {
                Expr::Text(Text {
                    text: normalize_text(keyword),
                    prefix: false,
                    shown: collapse_spaces(keyword),
                })
            })
            .collect(),
    )
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    LeftParen,
    RightParen,
    Phrase(String),
    Word(String),
    And,
    Or,
    Not,
}

fn lex(input: &str) -> Result<Vec<(Token, usize)>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let column = index + 1;
        let c = chars[index];
        if c.is_whitespace() {
            index += 1;
        } else if c == '(' {
            tokens.push((Token::LeftParen, column));
            index += 1;
        } else if c == ')' {
            tokens.push((Token::RightParen, column));
            index += 1;
        } else if c == '"' {
            let close = chars[index + 1..]
                .iter()
                .position(|&c| c == '"')
                .ok_or_else(|| QueryError::new("unterminated phrase", column))?;
            let phrase: String = chars[index + 1..index + 1 + close].iter().collect();
            tokens.push((Token::Phrase(phrase), column));
            index += close + 2;
        } else {
            let start = index;
            while index < chars.len() {
                let c = chars[index];
                if c.is_whitespace() || matches!(c, '(' | ')' | '"') {
                    break;
                }
                index += 1;
            }
            let word: String = chars[start..index].iter().collect();
            let token = match word.as_str() {
                "AND" | "&&" => Token::And,
                "OR" | "||" => Token::Or,
                "NOT" => Token::Not,
                _ => Token::Word(word),
            };
            tokens.push((token, column));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    position: usize,
    /// The column just after the input.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<(Token, usize)> {
        self.tokens.get(self.position).cloned()
    }

    fn column(&self) -> usize {
        self.peek().map_or(self.end, |(_, column)| column)
    }

    fn parse_or(&mut self, depth: usize) -> Result<Expr, QueryError> {
        let mut items = vec![self.parse_and(depth)?];
        while let Some((Token::Or, _)) = self.peek() {
            self.position += 1;
            items.push(self.parse_and(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn parse_and(&mut self, depth: usize) -> Result<Expr, QueryError> {
        let mut items = vec![self.parse_unary(depth)?];
        loop {
            match self.peek() {
                Some((Token::And, _)) => {
                    self.position += 1;
                    items.push(self.parse_unary(depth)?);
                }
                Some((Token::LeftParen | Token::Phrase(_) | Token::Word(_) | Token::Not, _)) => {
                    items.push(self.parse_unary(depth)?);
                }
                _ => break,
            }
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn parse_unary(&mut self, depth: usize) -> Result<Expr, QueryError> {
        if depth > MAX_DEPTH {
            return Err(QueryError::new("query is nested too deeply", self.column()));
        }
        match self.peek() {
            Some((Token::Not, _)) => {
                self.position += 1;
                Ok(Expr::Not(Box::new(self.parse_unary(depth + 1)?)))
            }
            _ => self.parse_primary(depth),
        }
    }

    fn parse_primary(&mut self, depth: usize) -> Result<Expr, QueryError> {
        let Some((token, column)) = self.peek() else {
            return Err(QueryError::new("expected a term", self.end));
        };
        self.position += 1;
        match token {
            Token::LeftParen => {
                let inner = self.parse_or(depth + 1)?;
                match self.peek() {
                    Some((Token::RightParen, _)) => {
                        self.position += 1;
                        Ok(inner)
                    }
                    _ => Err(QueryError::new("expected ')'", self.column())),
                }
            }
            Token::Phrase(phrase) => text(&phrase, column),
            Token::Word(word) => self.word(&word, column, depth),
            Token::RightParen => Err(QueryError::new("unexpected ')'", column)),
            Token::And | Token::Or => {
                Err(QueryError::new("expected a term before AND or OR", column))
            }
            Token::Not => Err(QueryError::new("expected a term", column)),
        }
    }

    fn word(&mut self, word: &str, column: usize, depth: usize) -> Result<Expr, QueryError> {
        if word == "-"
            && matches!(self.peek(), Some((Token::LeftParen, next)) if next == column + 1)
        {
            // `-(a OR b)`
            if depth > MAX_DEPTH {
                return Err(QueryError::new("query is nested too deeply", column));
            }
            return Ok(Expr::Not(Box::new(self.parse_primary(depth + 1)?)));
        }
        if let Some(rest) = word.strip_prefix('-').filter(|rest| !rest.is_empty()) {
            if depth > MAX_DEPTH {
                return Err(QueryError::new("query is nested too deeply", column));
            }
            return Ok(Expr::Not(Box::new(self.word(
                rest,
                column + 1,
                depth + 1,
            )?)));
        }
        let Some((name, value)) = word.split_once(':') else {
            return text(word, column);
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) {
            return text(word, column);
        }
        let name_lower = name.to_ascii_lowercase();
        let value_column = column + name.chars().count() + 1;
        let value = if value.is_empty() {
            // `place:"United Kingdom"`: the phrase right after the colon.
            match self.peek() {
                Some((Token::Phrase(phrase), phrase_column)) if phrase_column == value_column => {
                    self.position += 1;
                    phrase
                }
                _ => {
                    return Err(QueryError::new(
                        format!("expected a value after '{name}:'"),
                        value_column,
                    ));
                }
            }
        } else {
            value.to_owned()
        };
        if name_lower == "urgency" {
            return urgency(&value, value_column);
        }
        let Some(field) = Field::from_name(&name_lower) else {
            return Err(QueryError::new(
                format!(
                    "unknown field '{name}' (known: topic, place, source, credit, lang, urgency, family)"
                ),
                column,
            ));
        };
        let value = normalize_text(&value);
        if value.is_empty() {
            return Err(QueryError::new(
                format!("expected a value after '{name}:'"),
                value_column,
            ));
        }
        Ok(Expr::Field(field, value))
    }
}

fn text(raw: &str, column: usize) -> Result<Expr, QueryError> {
    // `"peace tal* "` is the prefix phrase `"peace tal*"` (found by fuzzing).
    let raw = raw.trim();
    let (raw, prefix) = match raw.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (raw, false),
    };
    let text = normalize_text(raw);
    if text.is_empty() {
        return Err(QueryError::new("empty word or phrase", column));
    }
    Ok(Expr::Text(Text {
        text,
        prefix,
        shown: collapse_spaces(raw),
    }))
}

fn urgency(value: &str, column: usize) -> Result<Expr, QueryError> {
    let (comparison, number) = if let Some(rest) = value.strip_prefix("<=") {
        (Comparison::LessOrEqual, rest)
    } else if let Some(rest) = value.strip_prefix(">=") {
        (Comparison::GreaterOrEqual, rest)
    } else if let Some(rest) = value.strip_prefix('<') {
        (Comparison::Less, rest)
    } else if let Some(rest) = value.strip_prefix('>') {
        (Comparison::Greater, rest)
    } else if let Some(rest) = value.strip_prefix('=') {
        (Comparison::Equal, rest)
    } else {
        (Comparison::Equal, value)
    };
    match number.parse::<u8>() {
        Ok(number @ 1..=9) => Ok(Expr::Urgency(comparison, number)),
        _ => Err(QueryError::new(
            format!("urgency needs a number from 1 to 9 (e.g. urgency:<=2), not {value:?}"),
            column,
        )),
    }
}

#[cfg(test)]
#[path = "language_tests.rs"]
mod tests;
