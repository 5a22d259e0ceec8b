//! Pure: the body text of an item, from its HTML or plain text to clean paragraphs, with
//! republisher boilerplate removed, the dateline cut from the first paragraph, and the length
//! bounded, and the HTML body that says the same. Everything taken out is returned, so the
//! envelope keeps it.

use crate::dateline::{self, Dateline};
use crate::html_body::{self, TextBody};
use crate::{boilerplate, sanitize, text};

/// A body ready for the article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CleanBody {
    pub paragraphs: Vec<String>,
    /// Boilerplate removed, in order (`wire.removed`).
    pub removed: Vec<String>,
    /// The dateline found at the start of the first paragraph.
    pub dateline: Option<Dateline>,
    /// The first paragraph as it was before the dateline was cut (`wire.dateline`).
    pub dateline_paragraph: Option<String>,
    /// The body was longer than the limit and was cut.
    pub truncated: bool,
    /// The body as safe HTML (`bodies[text/html]`), saying what `paragraphs` say. From
    /// provider HTML with more than plain `<p>` paragraphs: that HTML sanitized
    /// ([`sanitize::sanitize_html`], relative URLs resolved against the item's link), with
    /// the same boilerplate blocks, repeated headline and dateline left out, ending at a block
    /// boundary when the text was cut ([`html_body::select`]). Otherwise (plain text, plain
    /// paragraph markup, or provider HTML whose blocks do not match the text): one `<p>` per
    /// paragraph.
    pub html: String,
}

/// Cleans a body given as plain text or HTML (plain text wins when both are given), keeping at
/// most `max_chars` characters of text. A first paragraph that only repeats `headline` (an
/// `<h1>` in an XHTML body) is left out. `link` is the item's absolute link, the base of
/// relative URLs in the HTML body.
pub fn clean(
    plain: Option<&str>,
    html: Option<&str>,
    headline: Option<&str>,
    link: Option<&str>,
    max_chars: usize,
) -> CleanBody {
    // Markup is longer than its text: cut the input well above the limit first, so a huge
    // body never reaches the HTML parser or the sanitizer whole.
    let input_limit = max_chars.saturating_mul(4).max(1024);
    let html = html.map(|html| (cut_at_char(html, input_limit), html.len()));
    let (paragraphs, sanitized, truncated) = match (plain, html) {
        (Some(plain), html) => {
            let cut = cut_at_char(plain, input_limit);
            let sanitized = html
                .filter(|(html, _)| text::simple_paragraphs(html).is_none())
                .map(|(html, _)| sanitize::sanitize_html(html, link));
            let paragraphs = text::text_to_paragraphs(cut);
            (paragraphs, sanitized, cut.len() < plain.len())
        }
        (None, Some((html, length))) => {
            let truncated = html.len() < length;
            match text::simple_paragraphs(html) {
                Some(paragraphs) => (paragraphs, None, truncated),
                None => {
                    let sanitized = sanitize::sanitize_html(html, link);
                    let paragraphs = text::html_to_paragraphs(&sanitized);
                    (paragraphs, Some(sanitized), truncated)
                }
            }
        }
        (None, None) => (Vec::new(), None, false),
    };
    let mut paragraphs = paragraphs;
    // A first paragraph repeating the headline goes, unless it is all the item says (an
    // agency's one-sentence alert, followed at most by its sign-off).
    let says_more = paragraphs.iter().skip(1).any(|p| !is_sign_off(p));
    if says_more && headline.is_some_and(|h| paragraphs.first().is_some_and(|first| first == h)) {
        paragraphs.remove(0);
    }
    let (mut paragraphs, mut removed) = boilerplate::remove(paragraphs);
    if paragraphs.len() > 1 && paragraphs.last().is_some_and(|last| is_sign_off(last)) {
        removed.extend(paragraphs.pop());
    }
    let mut dateline = None;
    let mut dateline_paragraph = None;
    if let Some(found) = paragraphs.first().and_then(|first| dateline::split(first)) {
        if let Some(first) = paragraphs.first_mut() {
            dateline_paragraph = Some(std::mem::replace(first, found.rest.clone()));
        }
        if found.rest.is_empty() {
            paragraphs.remove(0);
        }
        dateline = Some(found);
    }
    let (paragraphs, cut) = limit_paragraphs(paragraphs, max_chars);
    let truncated = truncated || cut;
    // The dateline as it stood before the story (`MOSCOW (AFP) -`).
    let dateline_prefix = dateline.as_ref().and_then(|found| {
        dateline_paragraph
            .as_deref()?
            .strip_suffix(found.rest.as_str())
    });
    let html = sanitized
        .as_deref()
        .and_then(|sanitized| {
            let text_body = TextBody {
                paragraphs: &paragraphs,
                removed: &removed,
                headline,
                dateline: dateline_prefix,
                truncated,
            };
            html_body::select(sanitized, &text_body)
        })
        .unwrap_or_else(|| text::paragraphs_to_html(&paragraphs));
    CleanBody {
        paragraphs,
        removed,
        dateline,
        dateline_paragraph,
        truncated,
        html,
    }
}

/// At most `max_chars` characters of text over all paragraphs.
/// An agency's closing sign-off: the initials of the desk and editors, slash-separated
/// (`asl/tib/pid/cac`, `bur-dm/jj`, `ح س/كام`), with no digits and no sentence in it.
fn is_sign_off(paragraph: &str) -> bool {
    let parts: Vec<&str> = paragraph.trim().split('/').map(str::trim).collect();
    parts.len() >= 2
        && paragraph.chars().count() <= 48
        && parts.iter().all(|part| {
            let letters = part.chars().filter(|c| c.is_alphabetic()).count();
            (1..=8).contains(&letters)
                && part.chars().count() <= 12
                && part
                    .chars()
                    .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\u{200f}')
        })
}

fn limit_paragraphs(paragraphs: Vec<String>, max_chars: usize) -> (Vec<String>, bool) {
    let mut kept = Vec::with_capacity(paragraphs.len());
    let mut left = max_chars;
    let mut cut = false;
    for paragraph in paragraphs {
        let length = paragraph.chars().count();
        if length <= left {
            left -= length;
            kept.push(paragraph);
            continue;
        }
        cut = true;
        if left > 0 {
            kept.push(cut_chars(&paragraph, left));
        }
        break;
    }
    (kept, cut)
}

/// The first `max_chars` characters of `text`, cut at a word boundary when one is near.
pub fn cut_chars(text: &str, max_chars: usize) -> String {
    let end = text
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(at, _)| at);
    let head = text.get(..end).unwrap_or(text);
    if end == text.len() {
        return head.to_owned();
    }
    match head.rfind(char::is_whitespace) {
        Some(space) if space > end / 2 => head.get(..space).unwrap_or(head).trim_end().to_owned(),
        _ => head.to_owned(),
    }
}

/// `text` cut to at most `max_bytes` bytes, at a character boundary.
pub fn cut_at_char(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_go_and_the_dateline_is_cut_from_the_story() {
        // The shape of a republished agency story: photo captions with their credits, then
        // the agency's dateline.
        let text = "Putin meets Kerry at the Kremlin in Moscow, July 14, 2016.\n\
                    Putin meets Kerry at the Kremlin in Moscow, July 14, 2016.PHOTO: REUTERS\n\
                    Kerry waves on his arrival in Moscow.\n\
                    Kerry waves on his arrival in Moscow.PHOTO: REUTERS\n\n\
                    MOSCOW (AFP) - Top US envoy John Kerry met Putin on Thursday.\n\n\
                    Read more: Syria talks stall\n\n\
                    Ahead of the talks, officials were careful.";
        let body = clean(Some(text), None, Some("Kerry meets Putin"), None, 10_000);
        assert_eq!(
            body.paragraphs,
            vec![
                "Top US envoy John Kerry met Putin on Thursday.",
                "Ahead of the talks, officials were careful."
            ]
        );
        assert_eq!(body.removed.len(), 2);
        assert!(body.removed[0].ends_with("PHOTO: REUTERS"));
        assert_eq!(body.removed[1], "Read more: Syria talks stall");
        let dateline = body.dateline.unwrap();
        assert_eq!(
            (dateline.place.as_str(), dateline.credit.as_deref()),
            ("Moscow", Some("AFP"))
        );
        assert_eq!(
            body.dateline_paragraph.as_deref(),
            Some("MOSCOW (AFP) - Top US envoy John Kerry met Putin on Thursday.")
        );
        assert!(!body.truncated);
    }

    #[test]
    fn agency_sign_offs_are_told_from_text() {
        for sign_off in ["asl/tib/pid/cac", "bur-dm/jj", "ح س/كام", "ففف/ح س/كام"] {
            assert!(is_sign_off(sign_off), "{sign_off}");
        }
        for text in ["24/7", "and the price rose 5/6 points", "Paris", "1/2"] {
            assert!(!is_sign_off(text), "{text}");
        }
    }

    #[test]
    fn an_alert_that_only_repeats_its_headline_keeps_it_as_its_body() {
        let html = "<p>Earthquake of magnitude 6.1 hits Crete</p><p>asl/tib</p>";
        let body = clean(
            None,
            Some(html),
            Some("Earthquake of magnitude 6.1 hits Crete"),
            None,
            1_000,
        );
        assert_eq!(
            body.paragraphs,
            vec!["Earthquake of magnitude 6.1 hits Crete"]
        );
        let story = "<p>Earthquake hits Crete</p><p>ATHENS (AFP) - A strong quake struck.</p><p>asl/tib</p>";
        let body = clean(
            None,
            Some(story),
            Some("Earthquake hits Crete"),
            None,
            1_000,
        );
        assert_eq!(body.paragraphs, vec!["A strong quake struck."]);
    }

    #[test]
    fn a_first_paragraph_repeating_the_headline_goes() {
        let html =
            "<h1>Guillou writes a new Hamilton book</h1><p>STOCKHOLM (TT) - The author said.</p>";
        let body = clean(
            None,
            Some(html),
            Some("Guillou writes a new Hamilton book"),
            None,
            1_000,
        );
        assert_eq!(body.paragraphs, vec!["The author said."]);
        let body = clean(None, Some(html), Some("Another headline"), None, 1_000);
        assert_eq!(body.paragraphs.len(), 2);
    }

    #[test]
    fn long_bodies_are_cut_at_the_limit() {
        let text = "word ".repeat(100);
        let body = clean(Some(&format!("{text}\n\n{text}")), None, None, None, 150);
        let total: usize = body.paragraphs.iter().map(|p| p.chars().count()).sum();
        assert!(total <= 150 && total > 100, "{total}");
        assert!(body.truncated);
        assert_eq!(cut_at_char("h\u{e9}llo", 2), "h");
        assert_eq!(cut_chars("abc def", 5), "abc");
    }
}
