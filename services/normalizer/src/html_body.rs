//! Pure: the article's `bodies[text/html]` from the provider's sanitized HTML, saying what the
//! text body says.
//!
//! The sanitized HTML (see [`crate::sanitize`]) is cut into blocks: each element that is not a
//! container (`p`, `h2`, `ul`, `table`, `blockquote`, `figure`, ...), and each run of inline
//! content between them (split at a double `<br>`); containers (`div`, `section`, `article`,
//! ...) are looked into. Blocks are then taken in order while their text is the next text of
//! the text body: a block whose text is boilerplate the text body dropped (or the repeated
//! headline) is left out, the provider's dateline is cut from the first block as it was cut
//! from the text, and when the text body was cut at the length limit the HTML ends at the
//! block boundary before the cut. Text is compared by its letters and digits only (lowercased),
//! so spacing and punctuation do not matter. When the blocks cannot say exactly what the text
//! body says, [`select`] gives `None` and the caller falls back to plain `<p>` paragraphs.
//!
//! The scanner reads only ammonia's serialized output: every `<` opens a tag, attribute values
//! are double-quoted, every non-void element is closed, and there are no comments or raw-text
//! elements.

use crate::text;

/// What the text body holds, for [`select`].
#[derive(Debug, Clone, Copy)]
pub struct TextBody<'a> {
    /// The text body's paragraphs, after boilerplate, dateline and length limit.
    pub paragraphs: &'a [String],
    /// Boilerplate the text body dropped.
    pub removed: &'a [String],
    /// The headline, which the text body drops when its first paragraph repeats it.
    pub headline: Option<&'a str>,
    /// The dateline cut from the start of the first paragraph (`MOSCOW (AFP) -`).
    pub dateline: Option<&'a str>,
    /// The text body was cut at the length limit.
    pub truncated: bool,
}

/// Containers looked into rather than kept or dropped whole.
const CONTAINERS: &[&str] = &[
    "div", "section", "article", "header", "footer", "aside", "nav", "center", "body", "html",
];

/// Elements that flow inside a line: they join the inline run around them.
const INLINE: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "b",
    "big",
    "br",
    "canvas",
    "cite",
    "code",
    "command",
    "del",
    "dfn",
    "em",
    "event-source",
    "font",
    "i",
    "img",
    "ins",
    "kbd",
    "label",
    "m",
    "map",
    "meter",
    "nextid",
    "progress",
    "q",
    "s",
    "samp",
    "small",
    "sound",
    "spacer",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "time",
    "tt",
    "u",
    "var",
];

/// Elements without an end tag (among those the sanitizer keeps).
const VOID: &[&str] = &["area", "br", "col", "hr", "img", "source", "wbr"];

/// Elements that show something without text: a block of only these is kept.
const MEDIA: &[&str] = &["img", "hr", "video", "audio"];

#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Start {
        name: String,
        raw: &'a str,
    },
    End {
        name: String,
        raw: &'a str,
    },
    /// Text as serialized (entities escaped).
    Text(&'a str),
}

impl Token<'_> {
    fn start_name(&self) -> Option<&str> {
        match self {
            Token::Start { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// One piece of a page's structure.
#[derive(Debug)]
enum Event<'a> {
    Open(Token<'a>),
    Close(Token<'a>),
    Block(Vec<Token<'a>>),
}

/// The HTML body for `sanitized` that says what `body` says, or `None` when its blocks cannot.
pub fn select(sanitized: &str, body: &TextBody) -> Option<String> {
    let events = events(&tokens(sanitized)?)?;
    let dateline_key = body.dateline.map(key).unwrap_or_default();
    let mut expected = dateline_key.clone();
    for paragraph in body.paragraphs {
        expected.push_str(&key(paragraph));
    }
    let removed: Vec<String> = body.removed.iter().map(|r| key(r)).collect();
    let headline = body.headline.map(key).filter(|h| !h.is_empty());

    let mut out = String::with_capacity(sanitized.len());
    // Open containers: the token, and whether it was written.
    let mut open: Vec<(&Token, bool)> = Vec::new();
    let mut matched = 0;
    let mut stopped = false;
    for event in &events {
        let block = match event {
            Event::Open(token) => {
                open.push((token, false));
                continue;
            }
            Event::Close(token) => {
                if let Some((_, true)) = open.pop() {
                    write_token(&mut out, token);
                }
                continue;
            }
            Event::Block(block) => block,
        };
        let block_key = block_key(block);
        let rest = expected.get(matched..).unwrap_or_default();
        if block_key.is_empty() {
            let media = block
                .iter()
                .any(|t| t.start_name().is_some_and(|n| MEDIA.contains(&n)));
            if !media || (body.truncated && rest.is_empty()) {
                continue;
            }
        } else if rest.starts_with(block_key.as_str()) {
            matched += block_key.len();
        } else if removed.contains(&block_key)
            || (matched == 0 && headline.as_ref() == Some(&block_key))
        {
            continue;
        } else if body.truncated && block_key.starts_with(rest) {
            stopped = true;
            break;
        } else {
            return None;
        }
        for (token, written) in open.iter_mut().filter(|(_, written)| !*written) {
            write_token(&mut out, token);
            *written = true;
        }
        let first_text = matched == block_key.len() && !block_key.is_empty();
        if first_text && !dateline_key.is_empty() {
            write_without_dateline(&mut out, block, body.dateline.unwrap_or_default())?;
        } else {
            block.iter().for_each(|token| write_token(&mut out, token));
        }
    }
    if stopped {
        for (token, _) in open.iter().rev().filter(|(_, written)| *written) {
            if let Token::Start { name, .. } = token {
                out.push_str(&format!("</{name}>"));
            }
        }
    }
    let complete = matched == expected.len() || (stopped && matched > dateline_key.len());
    (complete && matched > dateline_key.len()).then_some(out)
}

/// The tokens of ammonia's output; `None` for anything else.
fn tokens(html: &str) -> Option<Vec<Token<'_>>> {
    let mut tokens = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        if !rest.starts_with('<') {
            let end = rest.find('<').unwrap_or(rest.len());
            let (text, after) = rest.split_at(end);
            tokens.push(Token::Text(text));
            rest = after;
            continue;
        }
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map(|(at, _)| at + 1)?;
        let (raw, after) = rest.split_at(end);
        rest = after;
        let inner = raw.get(1..raw.len() - 1)?;
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(inner) => (true, inner),
            None => (false, inner),
        };
        let name: String = inner
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next()?
            .to_ascii_lowercase();
        if name.is_empty() {
            return None;
        }
        tokens.push(if closing {
            Token::End { name, raw }
        } else {
            Token::Start { name, raw }
        });
    }
    Some(tokens)
}

/// The tokens as containers and blocks; `None` when tags do not nest.
fn events<'a>(tokens: &[Token<'a>]) -> Option<Vec<Event<'a>>> {
    let mut events = Vec::new();
    let mut containers: Vec<&str> = Vec::new();
    let mut run: Vec<Token<'a>> = Vec::new();
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        match token {
            Token::Start { name, .. } if CONTAINERS.contains(&name.as_str()) => {
                flush(&mut run, &mut events);
                events.push(Event::Open(token.clone()));
                containers.push(name);
                at += 1;
            }
            Token::End { name, .. } => {
                if containers.pop() != Some(name.as_str()) {
                    return None;
                }
                flush(&mut run, &mut events);
                events.push(Event::Close(token.clone()));
                at += 1;
            }
            Token::Start { name, .. } if INLINE.contains(&name.as_str()) => {
                let double_break = name == "br"
                    && run
                        .iter()
                        .rev()
                        .find(|t| !matches!(t, Token::Text(t) if t.trim().is_empty()))
                        .and_then(Token::start_name)
                        == Some("br");
                let end = element_end(tokens, at)?;
                run.extend(tokens.get(at..end)?.iter().cloned());
                if double_break {
                    flush(&mut run, &mut events);
                }
                at = end;
            }
            Token::Start { .. } => {
                flush(&mut run, &mut events);
                let end = element_end(tokens, at)?;
                events.push(Event::Block(tokens.get(at..end)?.to_vec()));
                at = end;
            }
            Token::Text(_) => {
                run.push(token.clone());
                at += 1;
            }
        }
    }
    flush(&mut run, &mut events);
    containers.is_empty().then_some(events)
}

/// The inline run as a block, unless it is only whitespace.
fn flush<'a>(run: &mut Vec<Token<'a>>, events: &mut Vec<Event<'a>>) {
    let blank = run
        .iter()
        .all(|t| matches!(t, Token::Text(t) if t.trim().is_empty()));
    let run = std::mem::take(run);
    if !blank {
        events.push(Event::Block(run));
    }
}

/// The index after the element starting at `start`.
fn element_end(tokens: &[Token], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate().skip(start) {
        match token {
            Token::Start { name, .. } if !VOID.contains(&name.as_str()) => depth += 1,
            Token::End { .. } => depth = depth.checked_sub(1)?,
            _ => {}
        }
        if depth == 0 {
            return Some(at + 1);
        }
    }
    None
}

fn write_token(out: &mut String, token: &Token) {
    match token {
        Token::Start { raw, .. } | Token::End { raw, .. } | Token::Text(raw) => out.push_str(raw),
    }
}

/// Writes `block` without `dateline` at the start of its text (and the spaces after it),
/// matching the cleaned dateline against the block's text whatever its spacing and inline
/// tags; nothing when only the dateline was in the block (the tags it sat in may stay,
/// empty); `None` when the text does not start with the dateline.
fn write_without_dateline(out: &mut String, block: &[Token], dateline: &str) -> Option<()> {
    let mut wanted = dateline.trim().chars().peekable();
    let mut done = false;
    let mut written = String::new();
    let mut text_left = false;
    for token in block {
        let Token::Text(raw) = token else {
            write_token(&mut written, token);
            continue;
        };
        if done {
            written.push_str(raw);
            text_left |= !decode(raw).trim().is_empty();
            continue;
        }
        let mut decoded = decode(raw);
        let mut cut = 0;
        for (at, c) in decoded.char_indices() {
            let space = c.is_whitespace();
            while wanted.peek() == Some(&' ') && !space {
                wanted.next();
            }
            match wanted.peek() {
                None if space => {}
                None => {
                    done = true;
                    break;
                }
                Some(&' ') => {
                    wanted.next();
                }
                Some(_) if space => {}
                Some(&w) if w == c => {
                    wanted.next();
                }
                Some(_) => return None,
            }
            cut = at + c.len_utf8();
        }
        decoded.drain(..cut);
        text_left |= !decoded.trim().is_empty();
        written.push_str(&escape(&decoded));
    }
    if wanted.peek().is_some() {
        return None;
    }
    let media = block
        .iter()
        .any(|t| t.start_name().is_some_and(|n| MEDIA.contains(&n)));
    if text_left || media {
        out.push_str(&written);
    }
    Some(())
}

/// The text of a block for comparing: its text and the `alt` of its images with a `src` (the
/// text body has them too).
fn block_key(block: &[Token]) -> String {
    let mut text = String::new();
    for token in block {
        match token {
            Token::Text(raw) => text.push_str(&decode(raw)),
            Token::Start { name, raw } if name == "img" && attribute(raw, "src").is_some() => {
                text.push(' ');
                text.push_str(&attribute(raw, "alt").unwrap_or_default());
                text.push(' ');
            }
            _ => {}
        }
    }
    key(&text)
}

/// The decoded value of `name` in a serialized start tag, when present and not empty.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let value = tag.get(start..)?;
    let value = value.get(..value.find('"')?)?;
    (!value.is_empty()).then(|| decode(value))
}

/// Letters and digits of `text` after cleaning, lowercased: what two renderings of the same
/// text share.
fn key(text: &str) -> String {
    text::clean_inline(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Text or an attribute value as html5ever serializes it, decoded.
fn decode(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    raw.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body<'a>(paragraphs: &'a [String], removed: &'a [String]) -> TextBody<'a> {
        TextBody {
            paragraphs,
            removed,
            headline: None,
            dateline: None,
            truncated: false,
        }
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn boilerplate_blocks_go_and_containers_stay_around_what_is_kept() {
        let html =
            "<div><p>One <em>two</em>.</p><p>Read more: elsewhere</p></div><ul><li>Three</li></ul>";
        let paragraphs = strings(&["One two.", "Three"]);
        let removed = strings(&["Read more: elsewhere"]);
        assert_eq!(
            select(html, &body(&paragraphs, &removed)).as_deref(),
            Some("<div><p>One <em>two</em>.</p></div><ul><li>Three</li></ul>")
        );
    }

    #[test]
    fn the_dateline_is_cut_across_inline_tags() {
        let html = "<p><strong>MOSCOW</strong>  (AFP) -\n Kerry &amp; Putin <em>met</em> today.</p><p>More.</p>";
        let paragraphs = strings(&["Kerry & Putin met today.", "More."]);
        let text = TextBody {
            dateline: Some("MOSCOW (AFP) -"),
            ..body(&paragraphs, &[])
        };
        assert_eq!(
            select(html, &text).as_deref(),
            Some("<p><strong></strong>Kerry &amp; Putin <em>met</em> today.</p><p>More.</p>")
        );
        // A dateline alone in its paragraph takes the paragraph.
        let html = "<p>MOSCOW (AFP) -</p><p>Kerry met Putin.</p>";
        let paragraphs = strings(&["Kerry met Putin."]);
        let text = TextBody {
            dateline: Some("MOSCOW (AFP) -"),
            ..body(&paragraphs, &[])
        };
        assert_eq!(
            select(html, &text).as_deref(),
            Some("<p>Kerry met Putin.</p>")
        );
    }

    #[test]
    fn a_cut_text_body_cuts_the_html_at_a_block_boundary() {
        let html = "<section><p>First.</p><p>Second paragraph is long.</p></section><p>Third.</p>";
        let paragraphs = strings(&["First.", "Second par"]);
        let text = TextBody {
            truncated: true,
            ..body(&paragraphs, &[])
        };
        assert_eq!(
            select(html, &text).as_deref(),
            Some("<section><p>First.</p></section>")
        );
        // Nothing whole fits: no HTML from blocks.
        let paragraphs = strings(&["Fir"]);
        let text = TextBody {
            truncated: true,
            ..body(&paragraphs, &[])
        };
        assert_eq!(select(html, &text), None);
    }

    #[test]
    fn text_the_blocks_do_not_say_gives_none() {
        let paragraphs = strings(&["Kerry met Putin on Thursday."]);
        // An inline credit the text body took out of the paragraph.
        let html = "<p>Kerry met Putin (Photo by Jane Doe/AFP) on Thursday.</p>";
        assert_eq!(select(html, &body(&paragraphs, &[])), None);
        assert_eq!(select("<p>Other words.</p>", &body(&paragraphs, &[])), None);
        assert_eq!(select("<p>unclosed", &body(&paragraphs, &[])), None);
    }

    #[test]
    fn double_breaks_split_inline_runs_and_images_count_their_alt_text() {
        let html = "Story text.<br><br>Related: other story<br><br><img src=\"http://e.com/a.jpg\" alt=\"A caption\">";
        let paragraphs = strings(&["Story text.", "A caption"]);
        let removed = strings(&["Related: other story"]);
        assert_eq!(
            select(html, &body(&paragraphs, &removed)).as_deref(),
            Some("Story text.<br><br><img src=\"http://e.com/a.jpg\" alt=\"A caption\">")
        );
    }

    #[test]
    fn styled_provider_html_is_kept_when_its_text_matches() {
        let html = crate::sanitize::sanitize_html(
            "<p style=\"text-align: center; background: url(x.gif)\" class=\"lead\">One \
             <span style=\"color: #c00\" tabindex=\"0\">two</span>.</p>\
             <p><label>Three</label> <map><area href=\"https://e.com/\" shape=\"rect\"></map>\
             <meter value=\"1\">four</meter></p>",
            None,
        );
        let paragraphs = strings(&["One two.", "Three four"]);
        assert_eq!(
            select(&html, &body(&paragraphs, &[])).as_deref(),
            Some(
                "<p style=\"text-align: center;\">One <span style=\"color: #c00;\" tabindex=\"0\">two</span>.</p>\
                 <p><label>Three</label> <map><area href=\"https://e.com/\" shape=\"rect\" \
                 rel=\"noopener noreferrer nofollow\"></map><meter value=\"1\">four</meter></p>"
            )
        );
    }

    proptest::proptest! {
        #[test]
        fn any_markup_gives_safe_html_or_none_without_panicking(
            html in "(<(p|div|a|b|script|img|br|ul|li|span|label|area|map)( (href|src|onclick|alt|style)=\"[a-z:/ <>&\"();]{0,12}\")?>|</(p|div|a|b|script|ul|li|span|label|map)>|[a-z &<>\"]{0,6}){0,24}",
        ) {
            let sanitized = crate::sanitize::sanitize_html(&html, Some("https://e.example/x"));
            let paragraphs = text::html_to_paragraphs(&sanitized);
            if let Some(selected) = select(&sanitized, &body(&paragraphs, &[])) {
                proptest::prop_assert!(!selected.contains("<script") && !selected.contains(" onclick"));
                proptest::prop_assert!(!selected.contains("url("));
            }
            let _ = select(&html, &body(&paragraphs, &[]));
        }
    }
}
