//! Pure: the archive's word tokenizer. A word is a run of letters and digits (the query
//! language's word boundary, `char::is_alphanumeric`). Two words one plain space apart take
//! consecutive positions; any other separator (punctuation, the line break between headline
//! and body) leaves a one-position gap. So a phrase query over the index matches exactly the
//! words separated by single spaces that a phrase of the query language means, and
//! "peace, talks" is not the phrase "peace talks".
//!
//! Written here because no tantivy tokenizer (nor another crate's) tells separators apart; the
//! text is folded before it is tokenized (`wire_query::normalize_text`: lower case, accents,
//! runs of white space as one space), so this does nothing but split.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The tokenizer (register it as [`crate::schema::WORDS`]).
#[derive(Debug, Clone, Default)]
pub struct WireWords {
    token: Token,
}

/// The words of one text.
pub struct WireWordStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    started: bool,
    token: &'a mut Token,
}

impl Tokenizer for WireWords {
    type TokenStream<'a> = WireWordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WireWordStream<'a> {
        self.token.reset();
        WireWordStream {
            text,
            cursor: 0,
            started: false,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WireWordStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.cursor..];
        let Some(start) = rest
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
            .map(|(at, _)| at)
        else {
            self.cursor = self.text.len();
            return false;
        };
        let separator = &rest[..start];
        let end = rest[start..]
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(rest.len(), |(at, _)| start + at);
        let position = if !self.started {
            0
        } else if separator == " " {
            self.token.position + 1
        } else {
            self.token.position + 2
        };
        self.started = true;
        self.token.position = position;
        self.token.offset_from = self.cursor + start;
        self.token.offset_to = self.cursor + end;
        self.token.text.clear();
        self.token.text.push_str(&rest[start..end]);
        self.cursor += end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The words of `text` with their positions.
pub fn words(text: &str) -> Vec<(usize, String)> {
    let mut tokenizer = WireWords::default();
    let mut stream = tokenizer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        let token = stream.token();
        words.push((token.position, token.text.clone()));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions(text: &str) -> Vec<(usize, String)> {
        words(text)
    }

    #[test]
    fn single_spaces_keep_words_adjacent_and_anything_else_leaves_a_gap() {
        let found = positions("peace talks, geneva\nsyria al-assad");
        let expected: Vec<(usize, String)> = [
            (0, "peace"),
            (1, "talks"),
            (3, "geneva"),
            (5, "syria"),
            (6, "al"),
            (8, "assad"),
        ]
        .iter()
        .map(|(p, w)| (*p, (*w).to_owned()))
        .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn letters_of_every_script_are_words_and_empty_text_has_none() {
        assert_eq!(positions("").len(), 0);
        assert_eq!(positions(" , ").len(), 0);
        let found = positions("«مرحبا» 東京 são");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0], (0, "مرحبا".to_owned()));
        assert_eq!(found[1].0, 2, "the guillemet is punctuation");
        assert_eq!(found[2], (3, "são".to_owned()));
    }
}
