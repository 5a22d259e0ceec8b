//! Republisher boilerplate in body paragraphs: photo captions and credits (`... PHOTO:
//! REUTERS`, `(Photo by X/AFP)`), `Read more:` / `Related:` lead-ins, share-widget text. What is
//! removed is returned, so the envelope keeps it (`wire.removed`) and nothing is lost.

use regex::Regex;
use std::sync::LazyLock;

/// A caption paragraph: it ends with a photo credit. Longer paragraphs are story text.
const MAX_CAPTION_CHARS: usize = 800;

/// A paragraph that ends with a photo credit: `PHOTO: REUTERS`, `Photo: Getty Images`,
/// `(Photo by Jane Doe/AFP)`, `(AFP Photo)`.
static CREDIT_AT_END: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:photos?|pictures?|images?|fotos?|bild|credit)\s*:\s*[^.:!?]{1,60}|\((?:photos?|pictures?|images?|fotos?)\s*(?:by|:)[^)]{1,80}\)|\([A-Z]{2,10}\s+(?:photo|picture)[^)]{0,60}\))\s*$",
    )
    .ok()
});

/// A photo credit inside story text: `(Photo by Jane Doe/AFP)`, `(Photo: AFP)`.
static INLINE_CREDIT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:photos?|pictures?|images?|fotos?)\s*(?:by\s|:)[^)]{1,80}\)").ok()
});

/// A paragraph that points elsewhere: `Read more: ...`, `Related: ...`, `See also: ...`.
static LEAD_IN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:read more|read also|also read|more reading|related(?:\s+(?:articles?|stories|story|coverage|content|links?))?|see also|recommended|lesen sie auch|mehr zum thema)\s*(?::|\u{2013}|\u{2014}|-|$)",
    )
    .ok()
});

/// Words share widgets are made of (`Share this article`, `Facebook Twitter Email Print`).
const WIDGET_WORDS: &[&str] = &[
    "share",
    "this",
    "article",
    "story",
    "on",
    "via",
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "linkedin",
    "email",
    "e",
    "mail",
    "print",
    "telegram",
    "reddit",
    "copy",
    "link",
    "copied",
    "tweet",
    "pinterest",
    "messenger",
    "flipboard",
    "sms",
    "bluesky",
    "threads",
    "comments",
    "comment",
    "save",
    "gift",
    "listen",
    "to",
    "min",
    "read",
    "advertisement",
    "scroll",
    "continue",
    "with",
    "content",
];

/// The paragraphs without boilerplate, and what was removed, in order.
pub fn remove(paragraphs: Vec<String>) -> (Vec<String>, Vec<String>) {
    let mut kept = Vec::with_capacity(paragraphs.len());
    let mut removed = Vec::new();
    for paragraph in paragraphs {
        if is_boilerplate(&paragraph) {
            removed.push(paragraph);
            continue;
        }
        let cleaned = match INLINE_CREDIT.as_ref() {
            Some(inline) if inline.is_match(&paragraph) => {
                removed.extend(
                    inline
                        .find_iter(&paragraph)
                        .map(|m| m.as_str().trim().to_owned()),
                );
                inline.replace_all(&paragraph, "").trim().to_owned()
            }
            _ => paragraph,
        };
        if !cleaned.is_empty() {
            kept.push(cleaned);
        }
    }
    (kept, removed)
}

fn is_boilerplate(paragraph: &str) -> bool {
    let is_caption = paragraph.chars().count() <= MAX_CAPTION_CHARS
        && CREDIT_AT_END
            .as_ref()
            .is_some_and(|credit| credit.is_match(paragraph));
    let is_lead_in = LEAD_IN
        .as_ref()
        .is_some_and(|lead_in| lead_in.is_match(paragraph));
    is_caption || is_lead_in || is_widget(paragraph)
}

fn is_widget(paragraph: &str) -> bool {
    let words = || {
        paragraph
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
    };
    // Story paragraphs are longer than any widget: count before lowercasing every word.
    if words().nth(12).is_some() {
        return false;
    }
    let words: Vec<String> = words().map(str::to_lowercase).collect();
    !words.is_empty()
        && words.len() <= 12
        && words.iter().any(|word| {
            matches!(
                word.as_str(),
                "share" | "tweet" | "facebook" | "whatsapp" | "print" | "advertisement"
            )
        })
        && words.iter().all(|word| {
            WIDGET_WORDS.contains(&word.as_str()) || word.chars().all(|c| c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        assert!(CREDIT_AT_END.is_some() && INLINE_CREDIT.is_some() && LEAD_IN.is_some());
    }

    #[test]
    fn boilerplate_table() {
        // (paragraph, kept as)
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Putin meets Kerry at the Kremlin in Moscow, July 14, 2016.PHOTO: REUTERS",
                None,
            ),
            (
                "A caption. A caption.PHOTO: REUTERS A second caption.PHOTO: AFP",
                None,
            ),
            (
                "Protesters gather in Paris on Sunday. (Photo by Jane Doe/AFP)",
                None,
            ),
            (
                "The minister arrives in Brussels. Photo: Getty Images",
                None,
            ),
            ("Read more: Five things to know about the talks", None),
            ("READ MORE - Syria talks stall", None),
            ("Related: Kerry heads to Moscow", None),
            ("Related Articles", None),
            ("Share this article", None),
            ("Facebook Twitter WhatsApp Email Print", None),
            ("Share on Facebook | Share on X | Copy link", None),
            ("Advertisement", None),
            (
                "Kerry met Putin (Photo by Jane Doe/AFP) on Thursday.",
                Some("Kerry met Putin on Thursday."),
            ),
            (
                "MOSCOW (AFP) - Top US envoy John Kerry met Putin.",
                Some("MOSCOW (AFP) - Top US envoy John Kerry met Putin."),
            ),
            (
                "The photo: a family on a beach, shared millions of times.",
                Some("The photo: a family on a beach, shared millions of times."),
            ),
            (
                "Related to the talks, the minister said nothing new.",
                Some("Related to the talks, the minister said nothing new."),
            ),
            (
                "Share prices fell on Monday in Tokyo and Hong Kong.",
                Some("Share prices fell on Monday in Tokyo and Hong Kong."),
            ),
            (
                "Print media lost readers again this year, the survey says.",
                Some("Print media lost readers again this year, the survey says."),
            ),
        ];
        for (paragraph, expected) in cases {
            let (kept, removed) = remove(vec![(*paragraph).to_owned()]);
            assert_eq!(kept.first().map(String::as_str), *expected, "{paragraph}");
            assert_eq!(
                removed.is_empty(),
                kept.first().map(String::as_str) == Some(*paragraph),
                "{paragraph}"
            );
        }
    }
}
