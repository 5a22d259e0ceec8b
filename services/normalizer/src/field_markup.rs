//! Pure: the plain text of a one-line field (a headline) whose only markup is what wire copy
//! puts there by accident: a few entities and the bare `<TICKER>` of a company (`STANDARD OIL
//! <SRD> TO FORM FINANCIAL UNIT`), which HTML reads as the start tag of an unknown element and
//! html2text leaves out.
//!
//! Hand-written for the same reason as [`crate::text`]'s plain paragraphs: for such a field
//! html2text's parse and layout cost a tenth of normalizing a whole story, and the answer is
//! simple. Anything else (a known element, attributes, an end tag, other entities) gives
//! `None` and goes to html2text; the tests check both give one answer.

use crate::text::{clean_inline, has_visible_zero_width_word, plain_markup_text};

/// The longest tag name taken: longer names go to the parser.
const MAX_TAG_NAME: usize = 12;

/// The names of HTML elements, current and obsolete, and the two foreign roots: a start tag with
/// any of these names may change how the parser builds the tree or how html2text lays it out,
/// so a field that has one goes to the parser. Lowercase, sorted.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "bgsound",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "command",
    "content",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "element",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "isindex",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "link",
    "listing",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "menuitem",
    "meta",
    "meter",
    "multicol",
    "nav",
    "nextid",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "portal",
    "pre",
    "progress",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "shadow",
    "slot",
    "small",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

/// The text of `value` as html2text gives it, when its markup is no more than start tags of
/// unknown elements without attributes (`<SRD>`) and the text between them is as plain as
/// [`plain_markup_text`] takes; `None` otherwise.
pub(crate) fn plain_field(value: &str) -> Option<String> {
    let mut raw_text = String::with_capacity(value.len());
    let mut decoded = String::with_capacity(value.len());
    let mut rest = value;
    loop {
        let (text, after) = match rest.find('<') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        decoded.push_str(&plain_markup_text(text)?);
        raw_text.push_str(text);
        let Some(tag) = after.strip_prefix('<') else {
            break;
        };
        let end = tag.find('>')?;
        let name = tag.get(..end)?;
        let unknown_name = (1..=MAX_TAG_NAME).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
            && HTML_ELEMENTS
                .binary_search(&name.to_ascii_lowercase().as_str())
                .is_err();
        if !unknown_name {
            return None;
        }
        rest = tag.get(end + 1..)?;
    }
    // A word of no width after a space moves the parser's spacing (see `simple_paragraphs`).
    if !raw_text.is_ascii() && has_visible_zero_width_word(&raw_text) {
        return None;
    }
    Some(clean_inline(&decoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the parser makes of a field.
    fn parsed(value: &str) -> String {
        crate::text::html_to_paragraphs(value).join(" ")
    }

    #[test]
    fn the_element_names_are_sorted_for_the_search() {
        assert!(HTML_ELEMENTS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn tickers_and_plain_entities_read_as_the_html_parser_reads_them() {
        for value in [
            "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT",
            "USX <X> DEBT DOWGRADED BY MOODY'S",
            "<CH> APPROVES STOCK SPLIT",
            "SPLIT <CH>",
            "A<BAC>B",
            "TALKING POINT/BANKAMERICA <BAC> EQUITY OFFER <BAC2>",
            "Talks &amp; hope &lt;3 &quot;x&quot;",
            "  Caf\u{65}\u{301}\u{a0}<ABCD>  x ",
            "<X><Y>",
            "",
        ] {
            assert_eq!(plain_field(value), Some(parsed(value)), "{value:?}");
        }
        // Anything else goes to the parser.
        for value in [
            "<B>bold</B>",
            "a <br> b",
            "<p>x</p>",
            "<SCRIPT> x",
            "<TITLE> x",
            "<X Y> z",
            "<X/> z",
            "</X> z",
            "<1X> z",
            "a < b",
            "a <X",
            "AT&T <T>",
            "a > b",
            "caf&eacute;",
            "&#233;",
            "<ABCDEFGHIJKLM> x",
            "a \u{301} <X> b",
        ] {
            assert_eq!(plain_field(value), None, "{value:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fields_with_tickers_agree_with_the_html_parser(
            parts in proptest::collection::vec(
                "([a-zA-Z0-9 .,;:'\"/\t\u{a0}\u{e9}\u{301}\u{200b}-]|&amp;|&lt;|&quot;|&nbsp;|<(X|CH|SRD|BAC|B|I|S|Q|A|P|BR|TT|EM|SUB|NOBR|FONT|XMP|TITLE|SCRIPT|STYLE|IMAGE|TABLE|TD|LI|H1|SVG|MATH|TEXTAREA|PLAINTEXT|IFRAME|SELECT|OPTION|HEAD|BODY|HTML|META|FRAMESET|NOSCRIPT|TEMPLATE|PRE)>){0,12}",
                1..4,
            ),
        ) {
            let value = parts.concat();
            if let Some(fast) = plain_field(&value) {
                proptest::prop_assert_eq!(fast, parsed(&value), "{:?}", value);
            }
        }
    }
}
