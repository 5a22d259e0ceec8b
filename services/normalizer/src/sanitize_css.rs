//! Pure: a `style` attribute reduced to the declarations feedparser's sanitizer keeps.
//!
//! feedparser (the reference implementation, `_HTMLSanitizer.sanitize_style`) keeps a
//! declaration when its property is one of [`ACCEPTABLE_CSS_PROPERTIES`], or when the property
//! is a `background`, `border`, `margin` or `padding` shorthand or side and every word of its
//! value is one of [`ACCEPTABLE_CSS_KEYWORDS`] or a colour or small length. ammonia's own
//! `filter_style_properties` checks property names only and no crate applies these value
//! rules, so they are written here, by hand, and run from ammonia's `attribute_filter`.
//!
//! Stricter than feedparser in one way: it drops a whole attribute whose text fails its
//! character check, and strips `url(...)` from a value that then stays; here only the
//! offending declaration goes, and a declaration naming `url(`, `expression`, a backslash
//! escape or a comment goes whole. What is written is only `property: value;` pairs, joined
//! by single spaces as feedparser writes them, whose values hold letters, digits, spaces,
//! `#%.,!`, single hyphens between word characters, quoted words and parenthesised digits:
//! nothing that can load a URL, run script or break out of the attribute.

use regex::Regex;
use std::sync::LazyLock;

/// Properties kept whatever their value passes the character check: feedparser's
/// `acceptable_css_properties`.
pub const ACCEPTABLE_CSS_PROPERTIES: &[&str] = &[
    "azimuth",
    "background-color",
    "border-bottom-color",
    "border-collapse",
    "border-color",
    "border-left-color",
    "border-right-color",
    "border-top-color",
    "clear",
    "color",
    "cursor",
    "direction",
    "display",
    "elevation",
    "float",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-variant",
    "font-weight",
    "height",
    "letter-spacing",
    "line-height",
    "overflow",
    "pause",
    "pause-after",
    "pause-before",
    "pitch",
    "pitch-range",
    "richness",
    "speak",
    "speak-header",
    "speak-numeral",
    "speak-punctuation",
    "speech-rate",
    "stress",
    "text-align",
    "text-decoration",
    "text-indent",
    "unicode-bidi",
    "vertical-align",
    "voice-family",
    "volume",
    "white-space",
    "width",
];

/// Properties (by their first word: `border-top`, `margin-left`, ...) kept only when every
/// value word is an acceptable keyword or a colour or length.
pub const SHORTHAND_PROPERTIES: &[&str] = &["background", "border", "margin", "padding"];

/// Words a shorthand value may hold besides colours and lengths: feedparser's
/// `acceptable_css_keywords` (compared with case, as feedparser does).
pub const ACCEPTABLE_CSS_KEYWORDS: &[&str] = &[
    "auto",
    "aqua",
    "black",
    "block",
    "blue",
    "bold",
    "both",
    "bottom",
    "brown",
    "center",
    "collapse",
    "dashed",
    "dotted",
    "fuchsia",
    "gray",
    "green",
    "!important",
    "italic",
    "left",
    "lime",
    "maroon",
    "medium",
    "none",
    "navy",
    "normal",
    "nowrap",
    "olive",
    "pointer",
    "purple",
    "red",
    "right",
    "solid",
    "silver",
    "teal",
    "top",
    "transparent",
    "underline",
    "white",
    "yellow",
];

/// feedparser's character check on style text (its "gauntlet"), with Python 2's ASCII `\w`
/// and `\s`: letters, digits, spaces and `:,;#%.!`, a hyphen only between word characters,
/// quoted words and parentheses around digits, commas and spaces.
static GAUNTLET: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[:,;#%.\t\n\x0B\x0C\r a-zA-Z0-9!]",
        r"|[a-zA-Z0-9_]-[a-zA-Z0-9_]",
        r"|'[\t\n\x0B\x0C\r a-zA-Z0-9_]+'",
        r#"|"[\t\n\x0B\x0C\r a-zA-Z0-9_]+""#,
        r"|\([0-9,\t\n\x0B\x0C\r ]+\))*$",
    ))
    .ok()
});

/// feedparser's `valid_css_values`: a hex colour, an `rgb(` part, or a number of at most two
/// digits before and after the point with an optional unit.
static VALID_CSS_VALUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?:#[0-9a-f]+|rgb\([0-9]+%?,[0-9]*%?,?[0-9]*%?\)?|[0-9]{0,2}\.?[0-9]{0,2}(?:cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$",
    )
    .ok()
});

/// Words that end a declaration whatever else it says: a URL, an IE `expression()`, a CSS
/// escape or a comment.
static FORBIDDEN: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)url\s*\(|expression|\\|/\*|\*/").ok());

/// `style` with only the declarations feedparser keeps, written `property: value;` and joined
/// by single spaces; `None` when none is kept.
pub fn sanitize_style(style: &str) -> Option<String> {
    let kept: Vec<String> = style.split(';').filter_map(declaration).collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

/// One declaration (without its `;`) as `property: value;`, when it is kept.
fn declaration(text: &str) -> Option<String> {
    let (gauntlet, valid_value, forbidden) = (
        GAUNTLET.as_ref()?,
        VALID_CSS_VALUE.as_ref()?,
        FORBIDDEN.as_ref()?,
    );
    if forbidden.is_match(text) || !gauntlet.is_match(text) {
        return None;
    }
    let (property, value) = text.split_once(':')?;
    let property = property.trim_matches(is_python_space);
    let value = value.trim_start_matches(is_python_space);
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if property.is_empty() || !property.chars().all(is_name) || value.is_empty() {
        return None;
    }
    if value.contains(':') {
        return None;
    }
    let lower = property.to_ascii_lowercase();
    let first_word = lower.split('-').next().unwrap_or_default();
    let kept = ACCEPTABLE_CSS_PROPERTIES.contains(&lower.as_str())
        || (SHORTHAND_PROPERTIES.contains(&first_word)
            && value
                .split_ascii_whitespace()
                .all(|word| ACCEPTABLE_CSS_KEYWORDS.contains(&word) || valid_value.is_match(word)));
    kept.then(|| format!("{property}: {value};"))
}

/// Python 2's `\s`: ASCII whitespace, vertical tab included.
fn is_python_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_properties_stay_written_as_feedparser_writes_them() {
        assert_eq!(
            sanitize_style("color:red;font-family : 'Lucida Console'").as_deref(),
            Some("color: red; font-family: 'Lucida Console';")
        );
        assert_eq!(
            sanitize_style("TEXT-INDENT: 0.5in;").as_deref(),
            Some("TEXT-INDENT: 0.5in;")
        );
        assert_eq!(
            sanitize_style("color: rgb(0, 128, 0);").as_deref(),
            Some("color: rgb(0, 128, 0);")
        );
    }

    #[test]
    fn shorthands_stay_only_with_keywords_colours_and_small_lengths() {
        for kept in [
            "border: 1px solid rgb(0, 0, 0);",
            "border: medium none ;",
            "border: none !important;",
            "margin: 0 15px 0 0;",
            "padding-left: 4px;",
            "background: yellow;",
            "border: 3px solid #ccc;",
        ] {
            assert_eq!(sanitize_style(kept).as_deref(), Some(kept), "{kept}");
        }
        for dropped in [
            "margin: 99999em;",
            "background-repeat: repeat-x;",
            "background: yellow none repeat scroll 0%;",
            "border: 1px solid #CCC;",
        ] {
            assert_eq!(sanitize_style(dropped), None, "{dropped}");
        }
    }

    #[test]
    fn urls_expressions_escapes_and_comments_take_their_declaration() {
        assert_eq!(
            sanitize_style(
                "background-color: #000; background-image: url(/i.jpg); background-repeat: no-repeat;"
            )
            .as_deref(),
            Some("background-color: #000;")
        );
        for dropped in [
            "background: url(1)",
            "color: URL (1)",
            "width: expression(1)",
            "width: eXpReSsIoN(alert(1))",
            "color: re\\64",
            "color: red/* x */",
            "font-family: \"a;b\"",
            "color: red: blue",
            "color: red\"><script>",
        ] {
            assert_eq!(sanitize_style(dropped), None, "{dropped}");
        }
        assert_eq!(
            sanitize_style("width: expression(alert(1)); color: red").as_deref(),
            Some("color: red;")
        );
    }

    #[test]
    fn unknown_properties_go_and_an_empty_style_is_none() {
        for dropped in [
            "position: absolute;",
            "mso-list: l0 level1 lfo1;",
            "-moz-binding: x;",
            "behavior: x;",
            "",
            ";;",
            "color:",
            "red",
        ] {
            assert_eq!(sanitize_style(dropped), None, "{dropped}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_style_gives_only_plain_declarations(style in "[a-z:;()'\"\\\\/*#%.,! -]{0,40}") {
            if let Some(clean) = sanitize_style(&style) {
                proptest::prop_assert!(!clean.is_empty() && clean.ends_with(';'));
                for bad in ["url(", "expression", "\\", "/*", "<", "&"] {
                    proptest::prop_assert!(!clean.to_ascii_lowercase().contains(bad), "{}", clean);
                }
            }
        }
    }
}
