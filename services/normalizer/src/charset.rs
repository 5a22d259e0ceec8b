//! Bytes to UTF-8 text before any parser sees them (encoding_rs does the decoding).
//!
//! Which encoding: a byte-order mark wins; then UTF-16 without a mark (recognised by the
//! `<\0` / `\0<` pattern of an XML document); then the XML declaration's `encoding`; then
//! UTF-8. A declared one-byte encoding (`iso-8859-1`, `windows-1252`, ...) loses to UTF-8 when
//! the bytes are valid UTF-8 and hold non-ASCII characters: systems that re-encode copy to UTF-8
//! and keep the old declaration (AFP's NewsML does), while one-byte text with accents is
//! practically never valid UTF-8 (`é` alone is `0xE9`, a lead byte without its continuation). Undeclared bytes that are not valid UTF-8 are read as Windows-1252, the encoding
//! legacy newsroom systems actually write when they say nothing. Bytes the encoding cannot map
//! become U+FFFD and [`Decoded::had_errors`] is set: a bad byte is never a failure.
//!
//! After decoding, the XML declaration is rewritten to say `UTF-8`, so a parser that honours the
//! declaration (feed-rs does) does not decode the text a second time, and C1 control characters
//! (U+0080 to U+009F, as characters or as `&#146;`-style references) are read as the
//! Windows-1252 characters their code points stand for: no text means a C1 control, while
//! Windows-1252 "smart quotes" re-encoded byte for byte (`don\u{92}t`) are common, and HTML5
//! reads those references the same way.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Text decoded from an item's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// The encoding the bytes were read as (`UTF-8`, `windows-1252`, `UTF-16LE`, ...).
    pub encoding: &'static str,
    /// Some bytes were invalid in that encoding and were replaced with U+FFFD.
    pub had_errors: bool,
}

/// Decodes the bytes of an XML document (or of a plain-text or JSON item: those simply have no
/// declaration).
pub fn decode(bytes: &[u8]) -> Decoded {
    let (encoding, bom_length) = match Encoding::for_bom(bytes) {
        Some((encoding, length)) => (encoding, length),
        None => (sniff_without_bom(bytes), 0),
    };
    let body = bytes.get(bom_length..).unwrap_or_default();
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    let text = declare_utf8(&text);
    let text = match windows_1252_for_c1(&text) {
        Some(mapped) => mapped,
        None => text,
    };
    Decoded {
        text,
        encoding: encoding.name(),
        had_errors,
    }
}

fn sniff_without_bom(bytes: &[u8]) -> &'static Encoding {
    match bytes {
        [b'<', 0, _, 0, ..] => return UTF_16LE,
        [0, b'<', 0, _, ..] => return UTF_16BE,
        _ => {}
    }
    if let Some(declared) = declared_encoding(bytes) {
        // A UTF-16 declaration on bytes without a mark or zero bytes is wrong: the bytes are
        // ASCII-compatible, so read them as UTF-8 (encoding_rs maps UTF-16 labels to UTF-8 for
        // the same reason when decoding from a declaration).
        if declared.is_single_byte() && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
            return UTF_8;
        }
        return declared.output_encoding();
    }
    if std::str::from_utf8(bytes).is_ok() {
        UTF_8
    } else {
        WINDOWS_1252
    }
}

/// The encoding an XML declaration names, if the bytes start with one.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(512))?;
    let start = skip_whitespace(head);
    let declaration = head.get(start..)?.strip_prefix(b"<?xml")?;
    let end = declaration.windows(2).position(|pair| pair == b"?>")?;
    let declaration = declaration.get(..end)?;
    let value = attribute_value(declaration, b"encoding")?;
    Encoding::for_label(value)
}

fn skip_whitespace(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len())
}

/// The value of a pseudo-attribute in an XML declaration (`encoding="iso-8859-1"`). Written by
/// hand: the declaration must be read before the bytes can be decoded into text, which is
/// what an XML parser would need first.
fn attribute_value<'a>(declaration: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = declaration
        .windows(name.len())
        .position(|window| window == name)?;
    let rest = declaration.get(at + name.len()..)?;
    let rest = rest.get(skip_whitespace(rest)..)?.strip_prefix(b"=")?;
    let rest = rest.get(skip_whitespace(rest)..)?;
    let (quote, rest) = rest.split_first()?;
    if *quote != b'"' && *quote != b'\'' {
        return None;
    }
    let end = rest.iter().position(|b| b == quote)?;
    rest.get(..end)
}

/// The text with its XML declaration (if any) saying `encoding="UTF-8"`.
fn declare_utf8(text: &str) -> String {
    let start = text.len() - text.trim_start().len();
    let Some(declaration) = text.get(start..).filter(|t| t.starts_with("<?xml")) else {
        return text.to_owned();
    };
    let Some(end) = declaration.find("?>") else {
        return text.to_owned();
    };
    let (head, rest) = declaration.split_at(end);
    match attribute_value(head.as_bytes(), b"encoding") {
        Some(value) => {
            // `value` is a sub-slice of `head`: find where it starts to replace it.
            let offset = value.as_ptr() as usize - head.as_ptr() as usize;
            let mut rewritten = String::with_capacity(text.len());
            rewritten.push_str(text.get(..start).unwrap_or_default());
            rewritten.push_str(head.get(..offset).unwrap_or_default());
            rewritten.push_str("UTF-8");
            rewritten.push_str(head.get(offset + value.len()..).unwrap_or_default());
            rewritten.push_str(rest);
            rewritten
        }
        None => text.to_owned(),
    }
}

/// The Windows-1252 character a C1 control's code point (0x80 to 0x9F) stands for; the five
/// code points Windows-1252 leaves undefined stay as they are.
fn c1_as_windows_1252(code: u32) -> Option<char> {
    let byte = u8::try_from(code)
        .ok()
        .filter(|b| (0x80..=0x9F).contains(b))?;
    let bytes = [byte];
    let (mapped, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
    mapped.chars().next()
}

/// `text` with its C1 control characters and its numeric references to them (`&#146;`,
/// `&#x92;`) replaced by the Windows-1252 characters they stand for; `None` when it has none.
fn windows_1252_for_c1(text: &str) -> Option<String> {
    let has_c1 = text.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c));
    if !has_c1 && !text.contains("&#") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("&#")
            && let Some((code, length)) = numeric_reference(rest)
            && let Some(mapped) = c1_as_windows_1252(code)
        {
            out.push_str(&format!("&#{};", u32::from(mapped)));
            rest = rest.get(length..).unwrap_or_default();
            changed = true;
            continue;
        }
        match c1_as_windows_1252(u32::from(c)) {
            Some(mapped) => {
                changed |= mapped != c;
                out.push(mapped);
            }
            None => out.push(c),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
    changed.then_some(out)
}

/// The code point and length of the numeric character reference `text` starts with
/// (`&#146;`, `&#x92;`).
fn numeric_reference(text: &str) -> Option<(u32, usize)> {
    let body = text.strip_prefix("&#")?;
    let (digits, radix, prefix) = match body.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16, 3),
        None => (body, 10, 2),
    };
    let end = digits.find(';').filter(|end| (1..=8).contains(end))?;
    let code = u32::from_str_radix(digits.get(..end)?, radix).ok()?;
    Some((code, prefix + end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend(if little_endian {
                [0xFF, 0xFE]
            } else {
                [0xFE, 0xFF]
            });
        }
        for unit in text.encode_utf16() {
            if little_endian {
                bytes.extend(unit.to_le_bytes());
            } else {
                bytes.extend(unit.to_be_bytes());
            }
        }
        bytes
    }

    #[test]
    fn c1_controls_are_read_as_windows_1252_smart_quotes() {
        let cases: [(&[u8], &str); 5] = [
            (b"<p>don\xC2\x92t</p>", "<p>don\u{2019}t</p>"),
            (
                b"<p>don&#146;t &#X93;q&#x94;</p>",
                "<p>don&#8217;t &#8220;q&#8221;</p>",
            ),
            (
                b"<p>&#8217; &#1466; &#x; &#</p>",
                "<p>&#8217; &#1466; &#x; &#</p>",
            ),
            // 0x81 has no Windows-1252 character: it stays.
            (b"<p>a\xC2\x81b</p>", "<p>a\u{81}b</p>"),
            (b"<p>\x96 dash</p>", "<p>\u{2013} dash</p>"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decode(bytes).text, expected, "{bytes:?}");
        }
    }

    #[test]
    fn a_one_byte_declaration_on_utf8_bytes_is_read_as_utf8() {
        let cases: [(&[u8], &str, &str); 4] = [
            (
                "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><NewsML><a>proc\u{e8}s-sant\u{e9} \u{2014} Gen\u{e8}ve</a></NewsML>".as_bytes(),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><NewsML><a>proc\u{e8}s-sant\u{e9} \u{2014} Gen\u{e8}ve</a></NewsML>",
                "UTF-8",
            ),
            (
                "<?xml version='1.0' encoding='windows-1252'?><a>\u{201c}citation\u{201d}</a>".as_bytes(),
                "<?xml version='1.0' encoding='UTF-8'?><a>\u{201c}citation\u{201d}</a>",
                "UTF-8",
            ),
            // Real Latin-1 bytes stay Latin-1; so does ASCII-only text, which reads the same.
            (
                b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>proc\xe8s</a>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>proc\u{e8}s</a>",
                "windows-1252",
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>plain</a>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>plain</a>",
                "windows-1252",
            ),
        ];
        for (bytes, text, encoding) in cases {
            let decoded = decode(bytes);
            assert_eq!(decoded.text, text);
            assert_eq!(decoded.encoding, encoding, "{text}");
            assert!(!decoded.had_errors, "{text}");
        }
    }

    #[test]
    fn every_encoding_becomes_utf8_text() {
        let declared_latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>S\xe3o Paulo</a>";
        let declared_1252 =
            b"<?xml version='1.0' encoding='windows-1252'?><a>\x93quote\x94 \x80</a>";
        let undeclared_1252 = b"<a>caf\xe9</a>";
        let utf16_doc = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>Gen\u{e8}ve</a>";
        let cases: Vec<(Vec<u8>, &str, &str, bool)> = vec![
            (
                declared_latin1.to_vec(),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>S\u{e3}o Paulo</a>",
                "windows-1252",
                false,
            ),
            (
                declared_1252.to_vec(),
                "<?xml version='1.0' encoding='UTF-8'?><a>\u{201c}quote\u{201d} \u{20ac}</a>",
                "windows-1252",
                false,
            ),
            (
                undeclared_1252.to_vec(),
                "<a>caf\u{e9}</a>",
                "windows-1252",
                false,
            ),
            (
                utf16(utf16_doc, true, true),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Gen\u{e8}ve</a>",
                "UTF-16LE",
                false,
            ),
            (
                utf16(utf16_doc, false, true),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Gen\u{e8}ve</a>",
                "UTF-16BE",
                false,
            ),
            (
                utf16(utf16_doc, true, false),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Gen\u{e8}ve</a>",
                "UTF-16LE",
                false,
            ),
            (
                b"\xef\xbb\xbf<a>ok</a>".to_vec(),
                "<a>ok</a>",
                "UTF-8",
                false,
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>bad \xff byte</a>".to_vec(),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>bad \u{FFFD} byte</a>",
                "UTF-8",
                true,
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>liar</a>".to_vec(),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>liar</a>",
                "UTF-8",
                false,
            ),
        ];
        for (bytes, text, encoding, had_errors) in cases {
            let decoded = decode(&bytes);
            assert_eq!(decoded.text, text);
            assert_eq!(decoded.encoding, encoding, "{text}");
            assert_eq!(decoded.had_errors, had_errors, "{text}");
        }
    }
}
