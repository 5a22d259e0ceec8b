//! Plain-text items (a drop folder of `.txt` copy): the first non-empty line is the headline,
//! the rest is the body; IPTC 7901 and ANPA-1312 messages are read by [`super::wire_text`].

use super::ParsedItem;

pub fn parse(text: &str) -> ParsedItem {
    if super::wire_text::is_wire_message(text) {
        return super::wire_text::parse(text);
    }
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
