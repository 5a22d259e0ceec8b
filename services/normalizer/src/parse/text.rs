//! Plain-text items (a drop folder of `.txt` copy): the first non-empty line is the headline,
//! the rest is the body.

use super::ParsedItem;

pub fn parse(text: &str) -> ParsedItem {
    let mut lines = text
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty());
    let headline = lines.next().map(str::to_owned);
    let body: Vec<&str> = lines.collect();
    ParsedItem {
        headline,
        body_text: Some(body.join("\n")).filter(|b| !b.trim().is_empty()),
        ..ParsedItem::default()
    }
}
