//! Pure: the markup every generator writes: XML escaping, HTML paragraphs and RSS 2.0 documents.

/// `text` with `&`, `<`, `>` and `"` escaped for XML and HTML.
pub fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A body of blank-line separated paragraphs as escaped `<p>` elements.
pub fn html_paragraphs(body: &str) -> String {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape_xml(p)))
        .collect()
}

/// An RSS 2.0 document: the UTF-8 declaration, `channel_elements` (the channel's title, link,
/// ...) on the first line, then `items` (each an `<item>` element ending in a newline).
pub fn rss_document<'a>(
    channel_elements: &str,
    items: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>{channel_elements}\n"
    );
    for item in items {
        out.push_str(item);
    }
    out.push_str("</channel></rss>\n");
    out
}

/// A small RSS feed of "Test Agency" items `(guid, title, body)`, inserted as given (the tests
/// choose what they put in), the body as one HTML paragraph in CDATA.
pub fn rss_feed(items: &[(&str, &str, &str)]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|(guid, title, body)| {
            format!(
                "<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title>\
                 <link>https://agency.test/{guid}</link><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate>\
                 <description><![CDATA[<p>{body}</p>]]></description></item>\n"
            )
        })
        .collect();
    rss_document(
        "<title>Test Agency</title><link>https://agency.test/</link><language>en</language>",
        items.iter().map(String::as_str),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_wraps() {
        assert_eq!(escape_xml("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
        assert_eq!(html_paragraphs("one\n\n two \n\n"), "<p>one</p><p>two</p>");
        let feed = rss_feed(&[("g1", "T", "B")]);
        assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Test Agency</title>"));
        assert!(feed.contains("<guid isPermaLink=\"false\">g1</guid><title>T</title>"));
        assert!(feed.ends_with("</item>\n</channel></rss>\n"));
    }
}
