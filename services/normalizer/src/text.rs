//! Pure text cleaning: HTML to paragraphs of plain text, Unicode NFC, whitespace and
//! typographic noise normalized, and the fingerprint used for exact-duplicate detection.

use crate::arabic;
use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Plain text of an HTML fragment, one entry per paragraph (entities decoded, NFC, whitespace
/// collapsed, empty paragraphs dropped). Uses html2text for the HTML parsing and block layout,
/// except for the plain `<p>` markup most wire bodies come in ([`simple_paragraphs`]).
pub fn html_to_paragraphs(html: &str) -> Vec<String> {
    simple_paragraphs(html).unwrap_or_else(|| parsed_paragraphs(html))
}

/// [`html_to_paragraphs`] through the HTML parser, whatever the markup.
fn parsed_paragraphs(html: &str) -> Vec<String> {
    // A very wide line keeps each paragraph on one line; html2text only fails on IO errors,
    // which reading from a byte slice cannot produce, but fall back to the raw text anyway.
    // The trivial decorator writes only the text: no `[...]` around links, no `## ` before
    // headings, no `* ` before list items (markup a story's text does not have).
    let rendered = html2text::config::with_decorator(html2text::render::TrivialDecorator::new())
        .no_table_borders()
        .string_from_read(html.as_bytes(), 1_000_000)
        .unwrap_or_else(|_| html.to_owned());
    text_to_paragraphs(&rendered)
}

/// The longest paragraph text [`simple_paragraphs`] takes: far below html2text's line width,
/// so the parser would not have wrapped it either.
const SIMPLE_PARAGRAPH_MAX_BYTES: usize = 100_000;

/// The paragraphs of the simplest body markup, the shape most wire bodies have: nothing but
/// `<p>` elements without attributes, separated by HTML whitespace, whose text holds no markup,
/// no control characters and only the entities `&amp;` `&lt;` `&gt;` `&quot;` `&apos;`
/// `&nbsp;`. `None` for anything else, which goes to the HTML parser.
///
/// Hand-written because for this shape html2text's tree building and layout cost more than
/// the rest of the normalizer together, and the answer is simple: one paragraph per element,
/// cleaned like every other paragraph ([`clean_inline`], which also collapses the whitespace the
/// parser would). The tests check it gives what html2text gives.
pub(crate) fn simple_paragraphs(html: &str) -> Option<Vec<String>> {
    let is_html_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}');
    let mut paragraphs = Vec::new();
    let mut rest = html.trim_start_matches(is_html_space);
    while !rest.is_empty() {
        let inner = rest.strip_prefix("<p>")?;
        let end = inner.find('<')?;
        let (text, after) = inner.split_at(end);
        rest = after
            .strip_prefix("</p>")?
            .trim_start_matches(is_html_space);
        if !text.is_ascii() && has_visible_zero_width_word(text) {
            return None;
        }
        let decoded = plain_markup_text(text)?;
        let paragraph = clean_inline(&decoded);
        if !paragraph.is_empty() {
            paragraphs.push(paragraph);
        }
    }
    Some(paragraphs)
}

/// The text of markup between two tags with its entities decoded, when it is as plain as
/// [`simple_paragraphs`] takes (the check for stray zero-width words aside): no `>`, no
/// numeric character references, no control characters other than HTML whitespace, and only
/// the entities `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&nbsp;`. `None` for anything else.
pub(crate) fn plain_markup_text(text: &str) -> Option<Cow<'_, str>> {
    let is_html_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}');
    let plain = text.len() <= SIMPLE_PARAGRAPH_MAX_BYTES
        && !text.contains('>')
        && (!text.contains('&') || !text.contains("&#"))
        && !text.chars().any(|c| c.is_control() && !is_html_space(c));
    if !plain {
        return None;
    }
    // quick-xml decodes the named entities given here and rejects every other one.
    quick_xml::escape::unescape_with(text, |entity| match entity {
        "amp" => Some("&"),
        "lt" => Some("<"),
        "gt" => Some(">"),
        "quot" => Some("\""),
        "apos" => Some("'"),
        "nbsp" => Some("\u{a0}"),
        _ => None,
    })
    .ok()
}

/// Whether a word of `text` (split where html2text breaks words: Unicode whitespace other
/// than the no-break space, and zero-width spaces) has no display width but keeps a character
/// after cleaning, such as a stray combining accent after a space. html2text moves or drops
/// the whitespace around such a word ("a \u{301} b" becomes "a \u{301}b"), so this text goes
/// to the parser and both paths give one answer.
pub(crate) fn has_visible_zero_width_word(text: &str) -> bool {
    use unicode_width::UnicodeWidthStr;
    let html2text_word_break = |c: char| (c.is_whitespace() && c != '\u{A0}') || c == '\u{200B}';
    text.split(html2text_word_break)
        .any(|word| word.width() == 0 && word.chars().any(|c| !is_invisible(c)))
}

/// Characters [`clean_inline`] removes: zero-width spaces and joiners, the byte order mark
/// and the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Paragraphs of plain text: split at blank lines (or at every line when the text has no
/// blank lines but several lines), cleaned.
pub fn text_to_paragraphs(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let blocks: Vec<&str> = if text.contains("\n\n") {
        text.split("\n\n").collect()
    } else {
        text.split('\n').collect()
    };
    blocks
        .into_iter()
        .map(clean_inline)
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

/// One line of clean text: NFC, invisible characters removed, every run of whitespace
/// (including no-break spaces) one space, trimmed.
pub fn clean_inline(text: &str) -> String {
    // ASCII text has no invisible characters and is NFC: only its whitespace changes.
    if text.is_ascii() {
        return collapse_whitespace(text);
    }
    // Invisible characters go first, so that what they separated composes ("a\u{200B}\u{301}"
    // is "á"). Most text is already NFC: the quick check says so without the
    // decompose-recompose pass, whose output would be the same text.
    let visible: Cow<str> = if text.chars().any(is_invisible) {
        Cow::Owned(text.chars().filter(|c| !is_invisible(*c)).collect())
    } else {
        Cow::Borrowed(text)
    };
    let normalized: Cow<str> =
        if unicode_normalization::is_nfc_quick(visible.chars()) == IsNormalized::Yes {
            visible
        } else {
            Cow::Owned(visible.nfc().collect())
        };
    collapse_whitespace(&normalized)
}

/// The words of `text` (split at Unicode whitespace) one space apart: what
/// `split_whitespace().collect::<Vec<_>>().join(" ")` gives, in one pass and one allocation.
fn collapse_whitespace(text: &str) -> String {
    if text.is_ascii() && is_collapsed_ascii(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether ASCII `text` is already as [`collapse_whitespace`] makes it: no whitespace but
/// single spaces between words.
fn is_collapsed_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut after_space = true;
    for &b in bytes {
        match b {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            b'\t'..=b'\r' => return false,
            _ => after_space = false,
        }
    }
    !after_space || bytes.is_empty()
}

/// The number of words of `text` split at Unicode whitespace (`split_whitespace().count()`),
/// byte by byte when the text is ASCII.
pub fn word_count(text: &str) -> usize {
    if text.is_ascii() {
        // The ASCII characters `char::is_whitespace` takes: U+0009 to U+000D and the space. A
        // word starts at a non-space byte that is first or follows a space.
        let is_space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
        let bytes = text.as_bytes();
        let first = bytes.first().is_some_and(|&b| !is_space(b));
        return usize::from(first)
            + bytes
                .windows(2)
                .filter(|pair| is_space(pair[0]) && !is_space(pair[1]))
                .count();
    }
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            count += 1;
        }
    }
    count
}

/// Plain text of a possibly-HTML one-line field (a headline, a summary).
pub fn clean_field(value: &str) -> String {
    if value.contains('<') || value.contains('&') {
        crate::field_markup::plain_field(value)
            .unwrap_or_else(|| html_to_paragraphs(value).join(" "))
    } else {
        clean_inline(value)
    }
}

/// A byline as people read it: the e-mail addresses feeds write beside the name left out
/// (`Jane Doe (jane@example.com)`, `jane@example.com (Jane Doe)` are `Jane Doe`); an address
/// alone stays, as the only name there is.
pub fn clean_byline(by: &str) -> String {
    let by = clean_field(by);
    let words: Vec<&str> = by
        .split(' ')
        .filter(|word| !word.trim_matches(['(', ')', '<', '>', ',']).contains('@'))
        .collect();
    let name = words.join(" ");
    let name = name.trim();
    let name = name
        .strip_prefix('(')
        .and_then(|n| n.strip_suffix(')'))
        .unwrap_or(name)
        .trim();
    if name.is_empty() { by } else { name.to_owned() }
}

/// Sanitized HTML for the paragraphs: `<p>` elements with escaped text, nothing else.
pub fn paragraphs_to_html(paragraphs: &[String]) -> String {
    let length: usize = paragraphs.iter().map(|p| p.len() + 7).sum();
    let mut html = String::with_capacity(length + length / 16);
    for paragraph in paragraphs {
        html.push_str("<p>");
        escape_html_into(paragraph, &mut html);
        html.push_str("</p>");
    }
    html
}

fn escape_html_into(text: &str, escaped: &mut String) {
    let mut rest = text;
    // Byte by byte: the four are ASCII, so no character needs decoding to find them.
    while let Some(at) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"'))
    {
        escaped.push_str(&rest[..at]);
        escaped.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[at + 1..];
    }
    escaped.push_str(rest);
}

/// The text exact duplicates share: headline and body, lowercased, Arabic folded
/// ([`crate::arabic::fold`]), typographic quotes and dashes folded, punctuation and spacing
/// ignored.
pub fn fingerprint_text(headline: &str, body: &str) -> String {
    let mut folded = String::with_capacity(headline.len() + body.len() + 1);
    fold_into(headline, &mut folded);
    folded.push('\n');
    fold_into(body, &mut folded);
    folded
}

/// Appends `text` to `out` folded for [`fingerprint_text`]: the words of its lowercased letters
/// and digits, one space apart (typographic quotes and dashes are punctuation like the rest).
fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        fold_ascii_into(text, out);
        return;
    }
    let mut word_open = false;
    let mut space_pending = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if space_pending {
                out.push(' ');
                space_pending = false;
            }
            out.push(c);
            word_open = true;
        } else if word_open {
            space_pending = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            push(c.to_ascii_lowercase(), out);
        } else if let Some(c) = arabic::fold_char(c) {
            for lower in c.to_lowercase() {
                push(lower, out);
            }
        }
    }
}

/// [`fold_into`] for ASCII text, byte by byte: its runs of letters and digits, lowercased,
/// one space apart.
fn fold_ascii_into(text: &str, out: &mut String) {
    let mut folded = std::mem::take(out).into_bytes();
    folded.reserve(text.len());
    let mut word_open = false;
    let mut space_pending = false;
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() {
            if space_pending {
                folded.push(b' ');
                space_pending = false;
            }
            folded.push(b.to_ascii_lowercase());
            word_open = true;
        } else if word_open {
            space_pending = true;
        }
    }
    // Only ASCII was appended to what was UTF-8, so this is never the lossy copy.
    *out = String::from_utf8(folded)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
}

/// `text` as matching compares it: lowercased, with Arabic folded ([`crate::arabic::fold`]:
/// diacritics and tatweel dropped, alef, yeh and teh marbuta forms unified, direction marks
/// dropped, Arabic-Indic digits as ASCII). Letters, spacing and punctuation otherwise stay;
/// the article's own text is never folded.
pub fn fold_for_matching(text: &str) -> String {
    arabic::fold(text).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byline_leaves_out_addresses_beside_the_name() {
        assert_eq!(
            clean_byline("Example author (me@example.com)"),
            "Example author"
        );
        assert_eq!(
            clean_byline("me@example.com (Example editor)"),
            "Example editor"
        );
        assert_eq!(clean_byline("By Jane Doe"), "By Jane Doe");
        assert_eq!(clean_byline("desk@example.com"), "desk@example.com");
    }

    #[test]
    fn html_becomes_paragraphs_with_entities_decoded() {
        let html = "<div><p>Kerry met&nbsp;Putin in  Moscow.</p>\n<p>Talks &amp; \u{201C}hope\u{201D}.</p><p> </p></div>";
        assert_eq!(
            html_to_paragraphs(html),
            vec![
                "Kerry met Putin in Moscow.",
                "Talks & \u{201C}hope\u{201D}."
            ]
        );
    }

    #[test]
    fn plain_paragraph_markup_reads_as_the_html_parser_reads_it() {
        for html in [
            "<p>Kerry met Putin.</p><p>Talks &amp; hope &lt;3 &gt; &quot;x&quot; &apos;y&apos;</p>",
            "\n <p> Leading   and\ttrailing\n</p>\r\n<p></p><p>\u{a0}</p><p>Caf\u{65}\u{301} \u{200B}x\u{AD}y</p>",
            "<p>Kerry met&nbsp;Putin in  Moscow.</p>\n",
            "<p>One paragraph\n\nover blank lines</p>",
            "<p>Em\u{2003}space, line\u{2028}separator; a; b</p>",
            "<p>a \u{200b} b</p>",
            "",
            " \n ",
        ] {
            assert_eq!(
                simple_paragraphs(html),
                Some(parsed_paragraphs(html)),
                "{html:?}"
            );
        }
        // Anything else goes to the parser.
        for html in [
            "<p class=\"x\">a</p>",
            "<div><p>a</p></div>",
            "<p>a<br>b</p>",
            "<p>AT&T</p>",
            "<p>caf&eacute;</p>",
            "<p>caf&#233;</p>",
            "<p>a > b</p>",
            "<p>a\u{0}b</p>",
            "<p>a</p>tail",
            "<P>a</P>",
            "<p>unclosed",
            // A stray combining accent after a space: html2text drops the space after it.
            "<p>\u{301}\r&amp;</p>",
            "<p>a \u{301} b</p>",
            "<p>a \u{200b}\u{301} b</p>",
            "<p>,\u{200b}\u{301} </p>",
        ] {
            assert_eq!(simple_paragraphs(html), None, "{html:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_paragraph_markup_agrees_with_the_html_parser(
            paragraphs in proptest::collection::vec(
                "([a-zA-Z0-9 .,;:'\"\t\n\r\u{a0}\u{2003}\u{200b}\u{ad}\u{e9}\u{301}\u{2014}\u{ff}-]|&amp;|&lt;|&gt;|&quot;|&apos;|&nbsp;){0,40}",
                0..5,
            ),
            separator in "[ \n]{0,2}",
        ) {
            let html: String = paragraphs
                .iter()
                .map(|p| format!("<p>{p}</p>{separator}"))
                .collect();
            let parsed = parsed_paragraphs(&html);
            proptest::prop_assert_eq!(html_to_paragraphs(&html), parsed.clone());
            match simple_paragraphs(&html) {
                Some(simple) => proptest::prop_assert_eq!(simple, parsed),
                // Only text with a stray zero-width word is declined (ASCII never is).
                None => proptest::prop_assert!(
                    paragraphs.iter().any(|p| has_visible_zero_width_word(p))
                ),
            }
        }
    }

    #[test]
    fn line_breaks_and_lists_keep_their_text() {
        let html = "<p>One<br>two</p><ul><li>three</li></ul>";
        let text = html_to_paragraphs(html).join(" | ");
        for word in ["One", "two", "three"] {
            assert!(text.contains(word), "{text}");
        }
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            "  ",
            "one",
            " one  two\tthree\n\x0bfour\x0c\rfive ",
            "a\u{a0}b\u{2003}c\u{85}d \u{e9}t\u{e9}",
            "\u{3000}x\u{1680}",
        ] {
            assert_eq!(
                word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn clean_inline_collapses_whitespace_in_ascii_and_unicode_text() {
        for text in [
            "",
            " \t\n\x0b\x0c\r ",
            "  a  b\tc\x0bd ",
            "a\u{a0}\u{2003}b\u{85} c",
            "already one line",
            "x",
            " lead",
            "trail ",
        ] {
            assert_eq!(
                clean_inline(text),
                text.split_whitespace().collect::<Vec<_>>().join(" "),
                "{text:?}"
            );
        }
    }

    #[test]
    fn clean_inline_applies_nfc_and_removes_invisible_characters() {
        let decomposed = "Caf\u{0065}\u{0301}\u{200B} \u{00A0} ok\u{00AD}";
        assert_eq!(clean_inline(decomposed), "Caf\u{00E9} ok");
        assert_eq!(clean_inline("Cafe\u{200B}\u{0301}"), "Caf\u{00E9}");
    }

    #[test]
    fn sanitized_html_escapes_text() {
        let html = paragraphs_to_html(&["a < b & \"c\"".to_owned()]);
        assert_eq!(html, "<p>a &lt; b &amp; &quot;c&quot;</p>");
    }

    #[test]
    fn fingerprints_ignore_markup_level_differences() {
        let a = fingerprint_text(
            "Kerry meets Putin",
            "Top US envoy \u{2019}s talks \u{2014} today.",
        );
        let b = fingerprint_text("KERRY  meets putin", "Top US envoy 's talks - today");
        assert_eq!(a, b);
        let c = fingerprint_text("Kerry meets Putin", "Top US envoy's talks tomorrow.");
        assert_ne!(a, c);
        assert_eq!(
            fingerprint_text(" -- \u{130}stanbul, 12.5% ", "\u{201C}A\u{201D}  b-c "),
            "i stanbul 12 5\na b c"
        );
    }

    #[test]
    fn ascii_text_folds_as_any_text_folds() {
        for body in [
            "",
            "  Top US envoy's TALKS -- today, 12.5% up.  ",
            "...",
            "--y--z--",
        ] {
            let mut ascii = String::new();
            fold_ascii_into(body, &mut ascii);
            // The same text with a non-ASCII character that folds to nothing in front.
            let mut any = String::new();
            fold_into(&format!("\u{200F}{body}"), &mut any);
            assert_eq!(ascii, any, "{body:?}");
        }
    }

    #[test]
    fn arabic_fingerprints_ignore_diacritics_tatweel_and_letter_forms() {
        let voweled = fingerprint_text(
            "\u{200F}مُحادَثات السلام في جنيف",
            "أكّد المبعوث الأُمَمي أنّ الجولة المُقبلة ستُعقد في كانون الثاني.",
        );
        let plain = fingerprint_text(
            "محادثات الســلام في جنيف",
            "اكد المبعوث الاممي ان الجوله المقبله ستعقد في كانون الثاني",
        );
        assert_eq!(voweled, plain);
        let other = fingerprint_text(
            "محادثات السلام في جنيف",
            "اكد المبعوث الاممي ان الجوله المقبله ستعقد في شباط",
        );
        assert_ne!(voweled, other);
    }

    #[test]
    fn folding_for_matching_lowercases_and_folds_arabic_only() {
        assert_eq!(fold_for_matching("Processus de PAIX"), "processus de paix");
        assert_eq!(fold_for_matching("عمليّة السَّلام"), "عمليه السلام");
        assert_eq!(fold_for_matching("Genève"), "genève");
    }
}
