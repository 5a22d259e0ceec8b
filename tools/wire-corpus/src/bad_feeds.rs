//! Pure: the bad-input corpus, broken feeds as a hostile or broken server sends them: truncated
//! XML, wrong charsets, invalid UTF-8, an entity bomb, bodies that never end or claim to be
//! 1 GiB, deep nesting, binary garbage, JSON and HTML that are not feeds, an oversized page and
//! an empty body. The integration tests serve them byte for byte.

/// One GiB: what the endless bodies offer.
pub const ONE_GIB: u64 = 1024 * 1024 * 1024;

/// What the server answers on one path.
#[derive(Debug, Clone)]
pub enum Reply {
    /// `200` with these bytes and this content type (and a `Content-Length`).
    Body {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
    /// `200` with a body of `total` bytes generated lazily in 64 KiB chunks and no
    /// `Content-Length` (the body ends when the connection closes); stops as soon as the
    /// client hangs up.
    Endless { total: u64 },
    /// `200` declaring `Content-Length: total`, then streaming like [`Reply::Endless`].
    DeclaredHuge { total: u64 },
}

/// An RSS 2.0 document with one item, with `declaration` as its first line.
fn rss_with(declaration: &str, title: &[u8], body: &[u8]) -> Vec<u8> {
    let mut feed = Vec::new();
    feed.extend_from_slice(declaration.as_bytes());
    feed.extend_from_slice(
        b"\n<rss version=\"2.0\"><channel><title>Bad Agency</title><link>https://bad.test/</link>\n\
          <item><guid isPermaLink=\"false\">tag:bad,1</guid><title>",
    );
    feed.extend_from_slice(title);
    feed.extend_from_slice(b"</title><link>https://bad.test/1</link><description>");
    feed.extend_from_slice(body);
    feed.extend_from_slice(b"</description></item></channel></rss>\n");
    feed
}

/// The corpus: (name, what the server sends). Names are source ids and paths (`/<name>`).
/// Long because it is a list: each entry is built next to its name, so the corpus reads as one
/// table.
pub fn bad_feeds() -> Vec<(&'static str, Reply)> {
    let xml = "application/rss+xml";
    let body = |content_type: &'static str, bytes: Vec<u8>| Reply::Body {
        content_type,
        bytes,
    };
    let good = crate::rss_feed(&[
        (
            "tag:bad,1",
            "First of two items",
            "A body of the first item.",
        ),
        (
            "tag:bad,2",
            "Second of two items",
            "A body of the second item.",
        ),
    ]);
    let truncated = good.as_bytes()[..good.len() * 3 / 5].to_vec();
    // Billion laughs: 10^9 "lol"s if expanded.
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
    bomb.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for level in 2..=9 {
        let previous = format!("&lol{};", level - 1);
        bomb.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">\n",
            previous.repeat(10)
        ));
    }
    bomb.push_str(
        "]>\n<rss version=\"2.0\"><channel><title>Bomb</title><item><guid>tag:bomb,1</guid>\
         <title>&lol9;</title><description>&lol9;</description></item></channel></rss>\n",
    );
    let depth = 50_000;
    let mut deep = "<div>".repeat(depth);
    deep.push_str("deep");
    deep.push_str(&"</div>".repeat(depth));
    let deeply_nested = rss_with("<?xml version=\"1.0\"?>", b"Deeply nested", deep.as_bytes());
    let mut garbage = Vec::with_capacity(64 * 1024);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while garbage.len() < 64 * 1024 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        garbage.extend_from_slice(&state.to_le_bytes());
    }
    let html = format!(
        "<!DOCTYPE html>\n<html><head><title>Agency homepage</title></head><body>\
         <nav><a href=\"/\">Home</a></nav><h1>Top stories</h1>{}</body></html>\n",
        "<div class=\"teaser\"><h2>A headline</h2><p>Some teaser text.</p></div>".repeat(100)
    );
    vec![
        ("truncated-xml", body(xml, truncated)),
        (
            "wrong-charset",
            body(
                xml,
                rss_with(
                    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
                    "Zürich talks resume, says ministry".as_bytes(),
                    "Officials in Zürich said talks would resume on Monday.".as_bytes(),
                ),
            ),
        ),
        (
            "invalid-utf8",
            body(
                xml,
                rss_with(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                    b"Invalid \xC3\x28 bytes \xFF\xFE in a headline",
                    b"Body with a lone continuation byte \x80 and an overlong \xC0\xAF slash.",
                ),
            ),
        ),
        ("entity-bomb", body(xml, bomb.into_bytes())),
        (
            "huge-body-streamed",
            Reply::Endless { total: ONE_GIB },
        ),
        (
            "huge-body-declared",
            Reply::DeclaredHuge { total: ONE_GIB },
        ),
        ("deeply-nested", body(xml, deeply_nested)),
        ("binary-garbage", body("application/octet-stream", garbage)),
        (
            "json-not-a-feed",
            body(
                xml,
                br#"{"status": "ok", "data": [1, 2, 3], "message": "this is an API answer, not a feed"}"#
                    .to_vec(),
            ),
        ),
        ("html-page", body(xml, html.into_bytes())),
        // Under the fetcher's 15 MiB body cap, over Kafka's default 1 MiB message size.
        (
            "oversized-page",
            body(
                "text/html",
                format!("<!DOCTYPE html><html><body>{}</body></html>", "<p>filler text</p>".repeat(200_000))
                    .into_bytes(),
            ),
        ),
        ("empty-body", body(xml, Vec::new())),
    ]
}
