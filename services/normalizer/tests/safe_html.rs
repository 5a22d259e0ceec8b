//! What a web desk shows of a provider's body: `bodies[text/html]` keeps the story's structure
//! (paragraphs, links, emphasis, lists, tables, images, subheadings, quotes) and nothing that
//! runs script, loads a page, submits data or restyles the desk, and it says what the text body
//! says: no boilerplate the text dropped, no dateline the text cut.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use wire_model::{Envelope, RawFormat};
use wirefeed_normalizer::{NormalizerConfig, normalize_as, text};

fn normalized(name: &str) -> Envelope {
    sniffed_fixture(&format!("safe-html/{name}"))
}

fn html_body(envelope: &Envelope) -> &str {
    envelope
        .article
        .bodies
        .iter()
        .find(|b| b.content_type.as_deref() == Some("text/html"))
        .map(|b| b.value.as_str())
        .expect("an html body")
}

/// Letters and digits, lowercased: the words two renderings of one text share.
fn words(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Nothing in `html` that runs script, loads a document or submits data.
fn assert_harmless(html: &str) {
    let lower = html.to_lowercase();
    for banned in [
        "<script",
        "<style",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<button",
        "<meta",
        "<link",
        "<base",
        "<svg",
        "<math",
        "<select",
        "<textarea",
        "<option",
        "<dialog",
        "<noscript",
        "javascript:",
        "vbscript:",
        "class=",
        "id=",
        " name=",
        " for=",
        " accesskey=",
        " autofocus",
        "data:text",
        "data:image/svg",
        "evil.example",
        "alert(",
    ] {
        assert!(!lower.contains(banned), "{banned:?} in {html}");
    }
    for tag in lower.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let handler = tag
            .split_whitespace()
            .skip(1)
            .any(|attribute| attribute.starts_with("on"));
        assert!(!handler, "an event handler in <{tag}>");
    }
    assert_plain_styles(html);
}

/// Every `style` in `html` is plain `property: value;` declarations that load nothing and run
/// nothing.
fn assert_plain_styles(html: &str) {
    for style in html.split(" style=\"").skip(1) {
        let style = style.split('"').next().unwrap_or_default().to_lowercase();
        for banned in [
            "url(",
            "expression",
            "\\",
            "/*",
            "position",
            "behavior",
            "binding",
            "mso-",
            "&quot;",
        ] {
            assert!(!style.contains(banned), "{banned:?} in style {style:?}");
        }
        assert!(style.ends_with(';'), "{style:?}");
        for declaration in style.split(';').filter(|d| !d.trim().is_empty()) {
            assert!(
                declaration.matches(':').count() == 1,
                "{declaration:?} in {style:?}"
            );
        }
    }
}

#[test]
fn hostile_markup_goes_and_the_story_structure_stays() {
    let envelope = normalized("hostile-rss.xml");
    let html = html_body(&envelope);
    assert_harmless(html);
    for kept in [
        // The paragraph keeps its colour, and loses its handler, class and id.
        "<p style=\"color: red;\">Dock workers walked out at the\n<a href=\"https://port.example.org/\" rel=\"noopener noreferrer nofollow\">main container port</a>",
        "<em>halting</em>",
        "<strong>first time</strong>",
        "<h2>What the union wants</h2>",
        "<ul><li>A pay rise of six percent</li><li>Shorter night shifts</li></ul>",
        "<table><thead><tr><th>Terminal</th><th>Ships waiting</th></tr></thead>",
        "<td>North</td><td>14</td>",
        "<blockquote>We will stay out until the talks resume, the union leader said.</blockquote>",
        "<img src=\"https://cdn.example.com/port.jpg\" alt=\"\">",
        // A raster image inline is an image; an svg one is not.
        "<img src=\"data:image/png;base64,iVBORw0KGgo",
        "<img alt=\"\">",
        // javascript: and data: links lose their href, keep their text.
        "<a rel=\"noopener noreferrer nofollow\">delays</a>",
        "<a rel=\"noopener noreferrer nofollow\">schedule</a>",
        // A relative link resolves against the item's link.
        "<a href=\"https://news.example.com/world/2026/port-strike-background\" rel=\"noopener noreferrer nofollow\">background</a>",
        "<p>Talks are due to resume on Thursday.</p>",
    ] {
        assert!(html.contains(kept), "{kept:?} not in {html}");
    }
    // The text body reads the same story, without the script's text.
    let text = envelope.article.body_text().unwrap();
    assert!(text.starts_with("Dock workers walked out"), "{text}");
    assert!(
        !text.contains("document.cookie") && !text.contains("display"),
        "{text}"
    );
    assert_eq!(
        words(&text::html_to_paragraphs(html).join(" ")),
        words(text)
    );
}

#[test]
fn pasted_styles_keep_their_look_and_lose_what_loads_positions_or_runs() {
    let envelope = normalized("styled-rss.xml");
    let html = html_body(&envelope);
    assert_harmless(html);
    for kept in [
        // Layout, colour and weight stay; positioning, Word's own and URL-loading ones go.
        "<p style=\"margin: 0 0 12px 0; text-align: justify;\">The river port closed",
        "<span style=\"color: #c00; font-weight: bold;\">record floods</span>",
        // An expression takes its declaration, not the font beside it.
        "<p style=\"font-family: 'Lucida Console';\">Barges were moored",
        // A link may open a new tab (never with its opener) and keep its tab stop.
        "<a href=\"https://port.example.org/levels\" target=\"_blank\" tabindex=\"0\" rel=\"noopener noreferrer nofollow\">upstream</a>",
        // The photo's description link resolves against the item's link; its javascript:
        // low-resolution source goes.
        "<img src=\"https://cdn.example.com/floods.jpg\" alt=\"\" longdesc=\"https://news.example.com/world/2026/river-port-photo\" style=\"border: 1px solid #ccc; float: right;\">",
        // Of the form only its words stay: no control, no label pointing into the desk.
        "Desk login<label>Password</label>",
        "<p>The port expects to reopen on Friday.</p>",
    ] {
        assert!(html.contains(kept), "{kept:?} not in {html}");
    }
    for gone in [
        "lowsrc",
        "Publish",
        "<fieldset",
        "<legend",
        "<form",
        "<input",
    ] {
        assert!(!html.contains(gone), "{gone:?} in {html}");
    }
    let text = envelope.article.body_text().unwrap();
    assert_eq!(
        words(&text::html_to_paragraphs(html).join(" ")),
        words(text)
    );
}

#[test]
fn without_an_item_link_relative_urls_are_dropped() {
    let envelope = normalized("hostile-rss-no-link.xml");
    assert_eq!(envelope.wire.link, None);
    let html = html_body(&envelope);
    assert_harmless(html);
    assert!(
        html.contains("<a rel=\"noopener noreferrer nofollow\">background</a>"),
        "{html}"
    );
    assert!(
        !html.contains("/world/2026/port-strike-background"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://port.example.org/\""),
        "{html}"
    );
}

#[test]
fn the_html_body_holds_no_boilerplate_the_text_body_dropped() {
    let envelope = normalized("boilerplate-ninjs.json");
    let text = envelope.article.body_text().unwrap();
    let html = html_body(&envelope);
    assert_eq!(
        envelope.wire.removed,
        vec![
            "The ferry off the island on Monday. PHOTO: REUTERS",
            "Read more: Storms close ports",
            "Share this article"
        ]
    );
    for gone in [
        "PHOTO: REUTERS",
        "Read more",
        "Storms close ports",
        "Share this",
        "<h1>",
    ] {
        assert!(!text.contains(gone), "{gone:?} in the text: {text}");
        assert!(!html.contains(gone), "{gone:?} in the html: {html}");
    }
    // The dateline is cut from both, and kept in the envelope.
    assert_eq!(
        envelope.wire.dateline.as_deref(),
        Some(
            "ATHENS (Reuters) - A passenger ferry ran aground off the island of Naxos on Monday, the coast guard said."
        )
    );
    assert!(text.starts_with("A passenger ferry ran aground"), "{text}");
    assert!(!html.contains("ATHENS"), "{html}");
    assert_eq!(
        html,
        "<div><p><strong></strong>A passenger ferry ran aground off the island of Naxos on Monday, \
         the coast guard said.</p><p>All <em>312</em> passengers were taken ashore, officials \
         said.</p><ul><li>Coast guard boats reached the ferry within an hour.</li><li>No one \
         was hurt.</li></ul></div>"
    );
    assert_eq!(
        words(&text::html_to_paragraphs(html).join(" ")),
        words(text)
    );
}

#[test]
fn a_cut_body_ends_its_html_at_a_block_boundary() {
    let paragraph =
        |n: usize| format!("<p>Paragraph {n} of the long story, with <em>words</em>.</p>");
    let body: String = (0..400).map(paragraph).collect();
    let ninjs = serde_json::json!({
        "uri": "urn:test:long", "headlines": [{ "role": "main", "value": "Long story" }],
        "bodies": [{ "role": "main", "contentType": "text/html", "value": body }]
    });
    let config = NormalizerConfig {
        max_body_chars: 1_000,
        ..NormalizerConfig::default()
    };
    let item = raw(
        RawFormat::Ninjs,
        "urn:test:long",
        ninjs.to_string().as_bytes(),
    );
    let envelope = normalize_as(&item, RawFormat::Ninjs, &config, fetched_at()).unwrap();
    assert!(envelope.wire.flags.iter().any(|f| f == "body_truncated"));
    let html = html_body(&envelope);
    let text = envelope.article.body_text().unwrap();
    assert!(html.ends_with("</p>") && html.matches("<p>").count() == html.matches("</p>").count());
    // Whole paragraphs only, each of them in the (cut) text body.
    let html_words = words(&text::html_to_paragraphs(html).join(" "));
    assert!(
        !html_words.is_empty() && words(text).starts_with(&html_words),
        "{html}"
    );
    assert!(html.matches("<em>words</em>").count() >= 10, "{html}");
}

#[test]
fn descriptions_stay_plain_text() {
    let feed = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>
        <title>Headline</title><link>https://e.example/a</link>
        <description>&lt;p&gt;A &lt;b onclick="x()"&gt;summary&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>
        <content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">&lt;p&gt;The story text.&lt;/p&gt;</content:encoded>
        </item></channel></rss>"#;
    let item = raw(RawFormat::Unknown, "desc", feed);
    let envelope = normalize_as(
        &item,
        RawFormat::Unknown,
        &NormalizerConfig::default(),
        fetched_at(),
    )
    .unwrap();
    let description = envelope
        .article
        .descriptions
        .first()
        .expect("a description");
    assert_eq!(description.content_type.as_deref(), Some("text/plain"));
    assert_eq!(description.value, "A summary");
}

/// Every real-world fixture's HTML body is harmless and says what its text body says.
#[test]
fn every_fixture_html_body_is_safe_and_says_what_the_text_says() {
    let config = NormalizerConfig::default();
    let mut structured = 0;
    for file in fixture_files() {
        let name = file.to_string_lossy().to_string();
        let item = raw(RawFormat::Unknown, &name, &read_fixture(&name));
        let Ok(envelope) = normalize_as(&item, RawFormat::Unknown, &config, fetched_at()) else {
            continue;
        };
        let Some(text) = envelope.article.body_text() else {
            continue;
        };
        let html = html_body(&envelope);
        let lower = html.to_lowercase();
        for banned in [
            "<script",
            "<style",
            "<iframe",
            "<object",
            "javascript:",
            " onclick",
            " onload",
        ] {
            assert!(!lower.contains(banned), "{name}: {banned:?} in {html}");
        }
        assert_plain_styles(html);
        assert_eq!(
            words(&text::html_to_paragraphs(html).join(" ")),
            words(text),
            "{name}: {html}"
        );
        if html.contains("<a ") || html.contains("<li>") || html.contains("<h") {
            structured += 1;
        }
    }
    assert!(structured > 0, "no fixture kept its structure");
}
