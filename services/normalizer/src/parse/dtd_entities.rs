//! Expansion of the general entities a feed declares in its DOCTYPE's internal subset
//! (`<!DOCTYPE rss [<!ENTITY copy "&#169;">]>` ... `&copy;`), before any feed parser reads it.
//!
//! Why here: quick-xml (inside feed-rs and under [`super::xml`]) reports a reference it does
//! not know as a reference and never reads the DTD, so feed-rs leaves `&copy;` in the text as
//! written. This module finds the declarations and the references on quick-xml events and
//! splices each declared entity's replacement text into the document, leaving every other byte
//! as it was. Only internal entities with a literal value are expanded (no external or
//! parameter entities), nested references resolve through earlier declarations only, and the
//! document may grow by at most [`MAX_GROWTH`] bytes, so an entity-expansion bomb cannot blow
//! up.

use std::collections::{HashMap, HashSet};

use quick_xml::Reader;
use quick_xml::events::Event;

/// How many bytes expansion may add to a document in all.
pub const MAX_GROWTH: usize = 64 * 1024;
/// The longest replacement text an entity may have; longer ones (and the entities that use
/// them) are not expanded. Feeds declare names and symbols, never whole paragraphs.
const MAX_VALUE: usize = 1024;

/// The document with its hexadecimal character references written `&#x41;`, where it writes
/// them `&#X41;` (HTML and SGML allow the capital `X`, XML does not, and quick-xml rejects the
/// whole document for it); `None` when it has none.
pub fn lowercase_hex_references(text: &str) -> Option<String> {
    let capital = |at: usize| {
        text.get(at + 3..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_hexdigit())
    };
    let found: Vec<usize> = text
        .match_indices("&#X")
        .map(|(at, _)| at)
        .filter(|at| capital(*at))
        .collect();
    if found.is_empty() {
        return None;
    }
    let mut fixed = text.to_owned();
    for at in found {
        fixed.replace_range(at + 2..at + 3, "x");
    }
    Some(fixed)
}

/// The document with its declared entities expanded; `None` when it declares none or uses none
/// of those it declares.
pub fn expand(text: &str) -> Option<String> {
    if !text.contains("<!ENTITY") {
        return None;
    }
    let mut reader = Reader::from_str(text);
    let mut declared: HashMap<String, String> = HashMap::new();
    // (start, end, replacement) of each reference to expand, in document order.
    let mut splices: Vec<(usize, usize, String)> = Vec::new();
    let mut start = 0usize;
    let mut growth = 0usize;
    // A document that stops being well-formed ends the scan: what was found so far is expanded.
    while let Ok(event) = reader.read_event() {
        let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match event {
            Event::DocType(doctype) => {
                if let Ok(doctype) = doctype.decode() {
                    declared = declarations(&doctype);
                }
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap_or_default();
                let written = text.get(start..end).unwrap_or_default();
                if let Some(value) = declared.get(name.as_ref())
                    && written == format!("&{name};")
                    && growth + value.len() <= MAX_GROWTH
                {
                    growth += value.len();
                    splices.push((start, end, value.clone()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        start = end;
    }
    if splices.is_empty() {
        return None;
    }
    let mut expanded = String::with_capacity(text.len() + growth);
    let mut copied = 0;
    for (start, end, value) in &splices {
        expanded.push_str(text.get(copied..*start)?);
        expanded.push_str(value);
        copied = *end;
    }
    expanded.push_str(text.get(copied..)?);
    Some(expanded)
}

/// The internal general entities a DOCTYPE declares, by name, with their replacement text.
/// The internal subset is scanned by hand: quick-xml hands the DOCTYPE over as one piece of
/// text and has no DTD parser.
fn declarations(doctype: &str) -> HashMap<String, String> {
    let mut declared = HashMap::new();
    // Entities too long to expand, and those that use one: their references stay as written.
    let mut refused: HashSet<String> = HashSet::new();
    let mut rest = doctype;
    while let Some(at) = rest.find("<!ENTITY") {
        rest = rest.get(at + "<!ENTITY".len()..).unwrap_or_default();
        let after_keyword = rest.trim_start();
        // Parameter entities (`<!ENTITY % name ...>`) are for the DTD itself, not the document.
        if after_keyword.starts_with('%') {
            continue;
        }
        let name_end = after_keyword
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(after_keyword.len());
        let name = after_keyword.get(..name_end).unwrap_or_default();
        let value_part = after_keyword
            .get(name_end..)
            .unwrap_or_default()
            .trim_start();
        // External entities (`SYSTEM "uri"`, `PUBLIC ...`) are never fetched.
        let Some(quote) = value_part
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
        else {
            continue;
        };
        let Some(value_end) = value_part.get(1..).and_then(|v| v.find(quote)) else {
            break;
        };
        let value = value_part.get(1..1 + value_end).unwrap_or_default();
        // The first declaration of a name is the one that counts (XML 1.0 §4.2).
        if name.is_empty() || declared.contains_key(name) || refused.contains(name) {
            continue;
        }
        match resolve_known(value, &declared, &refused) {
            Some(value) => declared.insert(name.to_owned(), value),
            None => {
                refused.insert(name.to_owned());
                None
            }
        };
    }
    declared
}

/// `value` with references to entities declared before it replaced by their text, so nested
/// entities expand in one pass over the document (and a self-reference cannot loop); `None`
/// when it would be longer than [`MAX_VALUE`] or uses a refused entity.
fn resolve_known(
    value: &str,
    declared: &HashMap<String, String>,
    refused: &HashSet<String>,
) -> Option<String> {
    let mut resolved = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        resolved.push_str(rest.get(..amp)?);
        let after = rest.get(amp + 1..)?;
        let name = after
            .find(';')
            .and_then(|semi| Some((semi, after.get(..semi)?)));
        match name {
            Some((_, name)) if refused.contains(name) => return None,
            Some((semi, name)) if declared.contains_key(name) => {
                resolved.push_str(declared.get(name)?);
                rest = after.get(semi + 1..)?;
            }
            _ => {
                resolved.push('&');
                rest = after;
            }
        }
        if resolved.len() > MAX_VALUE {
            return None;
        }
    }
    resolved.push_str(rest);
    (resolved.len() <= MAX_VALUE).then_some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capital_x_hex_references_are_written_the_xml_way() {
        assert_eq!(
            lowercase_hex_references("<t>&#X41;&#X2019; &#Xyz; &#x42;</t>").as_deref(),
            Some("<t>&#x41;&#x2019; &#Xyz; &#x42;</t>")
        );
        assert_eq!(lowercase_hex_references("<t>&#x41; X</t>"), None);
    }

    #[test]
    fn declared_entities_are_expanded_and_nothing_else_changes() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY agency \"Wire &amp; Co\">\n<!ENTITY copy '&#169; &agency;'>\n<!ENTITY % param \"x\">\n<!ENTITY ext SYSTEM \"http://example.com/e\">\n]>\n<rss version=\"2.0\"><channel><item><title>&agency; says &lt;hi&gt;</title><description>&copy; &ext; &nbsp;</description></item></channel></rss>";
        let expanded = expand(text).unwrap();
        assert!(
            expanded.ends_with("<title>Wire &amp; Co says &lt;hi&gt;</title><description>&#169; Wire &amp; Co &ext; &nbsp;</description></item></channel></rss>"),
            "{expanded}"
        );
        assert!(expanded.starts_with("<?xml version=\"1.0\"?>\n<!DOCTYPE rss ["));
        assert_eq!(expand("<rss><channel/></rss>"), None);
        assert_eq!(
            expand("<!DOCTYPE rss [<!ENTITY a \"b\">]><rss>&amp;</rss>"),
            None
        );
    }

    #[test]
    fn an_entity_bomb_grows_the_document_by_a_bounded_amount() {
        let mut doctype = String::from("<!DOCTYPE rss [<!ENTITY a0 \"lol\">");
        for level in 1..12 {
            let previous = format!("&a{};", level - 1);
            doctype.push_str(&format!("<!ENTITY a{level} \"{}\">", previous.repeat(10)));
        }
        doctype.push_str("]>");
        // Levels 0 to 2 (3 to 300 bytes) expand; level 3 is too long, and so every level
        // built on it: those references stay as written.
        let text = format!(
            "{doctype}<rss><a>&a2;</a><b>{}</b><c>{}</c></rss>",
            "&a11;".repeat(1000),
            "&a1;".repeat(100_000)
        );
        let expanded = expand(&text).unwrap();
        assert!(
            expanded.len() <= text.len() + MAX_GROWTH,
            "{}",
            expanded.len()
        );
        assert!(expanded.contains(&format!("<a>{}</a>", "lol".repeat(100))));
        assert!(expanded.contains(&format!("<b>{}</b>", "&a11;".repeat(1000))));
        assert!(expanded.contains("&a1;</c>"));
    }
}
