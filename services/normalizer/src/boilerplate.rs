//! Republisher boilerplate in body paragraphs: photo captions and credits (`... PHOTO:
//! REUTERS`, `(Photo by X/AFP)`, `Foto: dpa`, `صورة: أ ف ب`), lead-ins that point elsewhere in
//! each of the wire's languages (`Read more:`, `Related:`, `Lesen Sie auch:`, `Mehr zum Thema`,
//! `À lire aussi`, `Lea también`, `Leggi anche`, `Leia também`, `Lees ook`, `اقرأ أيضا`), and
//! share-widget text. Each is a whole paragraph; what is removed is returned, so the envelope
//! keeps it (`wire.removed`) and nothing is lost.

use crate::arabic;
use regex::Regex;
use std::sync::LazyLock;

/// A caption paragraph: it ends with a photo credit. Longer paragraphs are story text.
const MAX_CAPTION_CHARS: usize = 800;

/// A paragraph that ends with a photo credit: `PHOTO: REUTERS`, `Photo: Getty Images`,
/// `(Photo by Jane Doe/AFP)`, `(AFP Photo)`.
static CREDIT_AT_END: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:photos?|pictures?|images?|fotos?|bild|credit|صورة|الصورة)\s*:\s*[^.:!?]{1,60}|\((?:photos?|pictures?|images?|fotos?)\s*(?:by|:)[^)]{1,80}\)|\([A-Z]{2,10}\s+(?:photo|picture)[^)]{0,60}\))\s*$",
    )
    .ok()
});

/// A photo credit inside story text: `(Photo by Jane Doe/AFP)`, `(Photo: AFP)`.
static INLINE_CREDIT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:photos?|pictures?|images?|fotos?)\s*(?:by\s|:)[^)]{1,80}\)").ok()
});

/// A paragraph that points elsewhere: `Read more: ...`, `Related: ...`, `See also: ...`, and
/// the same in German, French, Spanish, Italian, Portuguese, Dutch and Arabic. Arabic is
/// matched folded ([`arabic::fold`]: `اقرأ أيضاً` is `اقرا ايضا`), so the Arabic phrases here
/// are written folded.
static LEAD_IN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^[\s»›>▶•*]*(?:",
        // English
        r"read more|read also|also read|more reading|related(?:\s+(?:articles?|stories|story|coverage|content|links?))?|see also|recommended",
        // German
        r"|lesen sie (?:auch|mehr|hier)|mehr zum thema|mehr dazu|auch interessant|das könnte sie auch interessieren|weitere artikel|zum weiterlesen",
        // French
        r"|(?:à|a) lire (?:aussi|également|egalement)|lire aussi|lire également|voir aussi|sur le même sujet|à voir aussi|nos articles sur le sujet",
        // Spanish
        r"|lea también|lee también|lea además|le puede interesar|te puede interesar|puede interesarte|ver también|más información|noticias relacionadas|también te puede interesar",
        // Italian
        r"|leggi anche|leggi pure|potrebbe interessarti|approfondisci|articoli correlati|vedi anche|per saperne di più",
        // Portuguese
        r"|leia também|leia mais|veja também|saiba mais|notícias relacionadas|artigos relacionados|leia ainda",
        // Dutch
        r"|lees ook|lees meer|meer over dit onderwerp|zie ook|gerelateerde artikelen|bekijk ook",
        // Arabic, folded: اقرأ أيضا, إقرأ المزيد, للمزيد, ذات صلة, مواضيع ذات صلة, اقرأ ايضاً
        r"|اقرا ايضا|اقرا المزيد|اقرا كذلك|للمزيد|ذات صله|مواضيع ذات صله|اخبار ذات صله|شاهد ايضا",
        r")\s*(?::|\u{2013}|\u{2014}|-|\||»|$)",
    ))
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
        // Every inline credit has its `(`: most paragraphs are passed over without the regex.
        let cleaned = match INLINE_CREDIT.as_ref() {
            Some(inline) if paragraph.contains('(') && inline.is_match(&paragraph) => {
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

/// How far from a paragraph's end a closing credit is looked for: the longest credit the
/// patterns take is about 100 characters.
const CREDIT_TAIL_BYTES: usize = 400;
/// How much of a paragraph's head a lead-in is looked for in: the longest lead-in phrase is
/// under 40 characters.
const LEAD_IN_HEAD_BYTES: usize = 200;

fn is_boilerplate(paragraph: &str) -> bool {
    is_caption(paragraph) || is_lead_in(paragraph) || is_widget(paragraph)
}

/// A short paragraph ending with a photo credit. The search starts near the end (the credit
/// ends the paragraph), where `\b` still sees the text before it.
fn is_caption(paragraph: &str) -> bool {
    let Some(credit) = CREDIT_AT_END.as_ref() else {
        return false;
    };
    if paragraph.len() > MAX_CAPTION_CHARS * 4 || paragraph.chars().count() > MAX_CAPTION_CHARS {
        return false;
    }
    let mut tail_start = paragraph.len().saturating_sub(CREDIT_TAIL_BYTES);
    while !paragraph.is_char_boundary(tail_start) {
        tail_start -= 1;
    }
    // Every credit the pattern takes has a `:` or a `(`: a tail without either is passed over
    // without the regex.
    let tail = paragraph.get(tail_start..).unwrap_or_default();
    tail.contains([':', '(']) && credit.is_match_at(paragraph, tail_start)
}

/// A paragraph that starts by pointing elsewhere, read in its head (folded, for Arabic); a
/// match that runs to the end of the head is checked on the whole paragraph, since the
/// pattern's end may be the paragraph's.
fn is_lead_in(paragraph: &str) -> bool {
    let Some(lead_in) = LEAD_IN.as_ref() else {
        return false;
    };
    let mut head_end = paragraph.len().min(LEAD_IN_HEAD_BYTES);
    while !paragraph.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let head = arabic::fold(&paragraph[..head_end]);
    match lead_in.find(&head) {
        None => false,
        Some(found) if found.end() < head.len() || head_end == paragraph.len() => true,
        Some(_) => lead_in.is_match(&arabic::fold(paragraph)),
    }
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
    // Every word must be a widget word or a number, so the first word that is neither settles
    // it before any is lowercased into a String (ASCII words are compared ignoring case).
    let is_widget_word = |word: &str| {
        if word.is_ascii() {
            WIDGET_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
                || word.bytes().all(|b| b.is_ascii_digit())
        } else {
            let word = word.to_lowercase();
            WIDGET_WORDS.contains(&word.as_str()) || word.chars().all(|c| c.is_ascii_digit())
        }
    };
    if !words().all(is_widget_word) {
        return false;
    }
    let words: Vec<String> = words().map(str::to_lowercase).collect();
    !words.is_empty()
        && words.iter().any(|word| {
            matches!(
                word.as_str(),
                "share" | "tweet" | "facebook" | "whatsapp" | "print" | "advertisement"
            )
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
    fn long_paragraphs_are_read_where_credits_and_lead_ins_are() {
        let story = "The talks in Geneva went on into the night, delegates said. ".repeat(9);
        assert!(story.len() > CREDIT_TAIL_BYTES && story.len() > LEAD_IN_HEAD_BYTES);
        assert!(is_caption(&format!("{story}PHOTO: REUTERS")));
        assert!(!is_caption(&format!("{story}Geneva")));
        // The word before the tail's start still counts: `xphoto:` is no credit.
        let glued = format!("{}xphoto: REUTERS", "a".repeat(CREDIT_TAIL_BYTES - 4));
        assert!(!is_caption(&glued));
        assert!(is_lead_in(&format!("Read more: {story}")));
        assert!(!is_lead_in(&format!("{story}Read more: Geneva")));
        // A lead-in that is the whole (short) paragraph.
        assert!(is_lead_in("Related Articles"));
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
        assert_table(cases);
    }

    fn assert_table(cases: &[(&str, Option<&str>)]) {
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

    #[test]
    fn lead_ins_in_each_language() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Lesen Sie auch: Merkel trifft Macron in Paris", None),
            ("Mehr zum Thema", None),
            ("» Mehr zum Thema: Syrien-Gespräche in Genf", None),
            ("À lire aussi : Syrie, les pourparlers reprennent", None),
            ("Lire aussi | Le budget adopté", None),
            ("A LIRE AUSSI - Les négociations", None),
            ("Lea también: El Gobierno aprueba los presupuestos", None),
            ("Le puede interesar: La cumbre de Bruselas", None),
            ("Leggi anche: La manovra approvata", None),
            ("Leia também: Governo aprova orçamento", None),
            ("Saiba mais", None),
            ("Lees ook: Kabinet presenteert begroting", None),
            ("Lees ook", None),
            ("اقرأ أيضا: استئناف محادثات السلام في جنيف", None),
            ("اقرأ أيضاً: استئناف المحادثات", None),
            ("إقرأ أيضا - غارة على بيروت", None),
            ("مواضيع ذات صلة", None),
            ("Foto: dpa", None),
            ("Der Kanzler in Berlin. Foto: Kay Nietfeld/dpa", None),
            ("الرئيس في دمشق. صورة: أ ف ب", None),
            // Story sentences that start with the same words stay.
            (
                "Lesen Sie auch die Erklärung, sagte der Minister am Donnerstag.",
                Some("Lesen Sie auch die Erklärung, sagte der Minister am Donnerstag."),
            ),
            (
                "Lire aussi les pièces du dossier prendra des semaines, selon l'avocat.",
                Some("Lire aussi les pièces du dossier prendra des semaines, selon l'avocat."),
            ),
            (
                "Más información llegará en las próximas horas, según el ministerio.",
                Some("Más información llegará en las próximas horas, según el ministerio."),
            ),
            (
                "للمزيد من المعلومات اتصل الوزير بنظيره الفرنسي.",
                Some("للمزيد من المعلومات اتصل الوزير بنظيره الفرنسي."),
            ),
            (
                "Saiba mais sobre o acordo é o que pedem os deputados.",
                Some("Saiba mais sobre o acordo é o que pedem os deputados."),
            ),
        ];
        assert_table(cases);
    }

    #[test]
    fn an_arabic_paragraph_that_stays_is_kept_byte_for_byte() {
        let paragraph = "\u{200F}قال المبعوثُ الأمميّ إنّ الجولة المقبلة ستُعقد في جنيف.";
        let (kept, removed) = remove(vec![paragraph.to_owned()]);
        assert_eq!(kept, vec![paragraph.to_owned()]);
        assert!(removed.is_empty());
    }
}
