//! Pure: provider HTML made safe to show, by an allow-list (ammonia on html5ever).
//!
//! The allow-list is modelled on feedparser's sanitizer (the reference implementation, its
//! `_HTMLSanitizer.acceptable_elements` and `acceptable_attributes`), minus everything that can
//! run script, load a document, submit data, hijack the page or hide text:
//!
//! - removed with their content ([`REMOVED_WITH_CONTENT`]): `script`, `style`, `iframe`,
//!   `object`, `embed`, `applet`, `noscript` (parsed differently with scripting on and off),
//!   `template`, `svg` and `math` (foreign content, where script hides), form controls;
//! - unwrapped (their text stays): every other element not in [`ALLOWED_ELEMENTS`], among them
//!   `form`, `meta` (so no meta refresh), `link`, `base`, `canvas`, `dialog`;
//! - attributes: only [`ALLOWED_ATTRIBUTES`]; no `on*` handler, no `style`, no `id`, `class` or
//!   `name` (they reach into the page showing the body), no `target`;
//! - URLs: only [`ALLOWED_URL_SCHEMES`]; `data:` only as the `src` of an `img` with a raster
//!   image type ([`DATA_IMAGE_TYPES`], never `image/svg+xml`); relative URLs resolved against
//!   the item's link when it has one, else dropped;
//! - links get `rel="noopener noreferrer nofollow"`; comments are dropped.

use ammonia::{Builder, Url, UrlRelative};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Elements kept: feedparser's acceptable elements without forms and their controls
/// (`form`, `input`, `button`, `select`, `option`, `optgroup`, `textarea`, `datalist`,
/// `keygen`, `output`, `label`, `fieldset`, `legend`, `meter`, `progress`), scriptable or
/// modal surfaces (`canvas`, `dialog`, `event-source`, `noscript`, `command`, `datagrid`,
/// `menu`), image maps (`map`, `area`) and obsolete elements (`m`, `multicol`, `nextid`,
/// `sound`, `spacer`).
pub const ALLOWED_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "article",
    "aside",
    "audio",
    "b",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
];

/// Attributes kept, on any allowed element: feedparser's acceptable attributes without those
/// of forms (`action`, `method`, `enctype`, `accept`, `checked`, `disabled`, `for`, `form`,
/// `maxlength`, `multiple`, `pattern`, `readonly`, `required`, `selected`, ...), those that
/// take focus or edit the page (`accesskey`, `autofocus`, `contenteditable`, `draggable`,
/// `tabindex`), those that reach into the page (`id`, `class`, `name`, `target`, `rel`),
/// those that hide or disguise text (`hidden`, `color`, `bgcolor`, `face`, `background`), and
/// URLs ammonia does not check (`dynsrc`, `lowsrc`, `longdesc`, `usemap`, `ping`, `datasrc`,
/// `data`). `cite` is kept as an absolute http(s) URL only.
pub const ALLOWED_ATTRIBUTES: &[&str] = &[
    "abbr",
    "align",
    "alt",
    "axis",
    "border",
    "cellpadding",
    "cellspacing",
    "char",
    "charoff",
    "cite",
    "clear",
    "colspan",
    "compact",
    "controls",
    "datetime",
    "dir",
    "frame",
    "headers",
    "height",
    "href",
    "hreflang",
    "hspace",
    "lang",
    "loop",
    "noshade",
    "nowrap",
    "open",
    "poster",
    "preload",
    "rowspan",
    "rules",
    "scope",
    "span",
    "src",
    "start",
    "summary",
    "title",
    "type",
    "valign",
    "value",
    "vspace",
    "width",
];

/// Elements removed together with everything inside them.
pub const REMOVED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "noembed",
    "noframes",
    "template",
    "svg",
    "math",
    "xmp",
    "plaintext",
    "textarea",
    "select",
    "button",
    "input",
    "datalist",
    "canvas",
];

/// URL schemes kept in `href` and `src`; `data` only on `img src` (see [`DATA_IMAGE_TYPES`]).
pub const ALLOWED_URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "ftp", "data"];

/// Media types an `img src` `data:` URL may have: raster images only.
pub const DATA_IMAGE_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/jpg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
];

/// The `rel` every link gets.
pub const LINK_REL: &str = "noopener noreferrer nofollow";

/// `html` sanitized by the allow-list above. Relative URLs are resolved against `base` (the
/// item's link) when it is an absolute http(s) URL, else dropped. Callers bound the input's
/// size first: the whole input is parsed.
pub fn sanitize_html(html: &str, base: Option<&str>) -> String {
    let base = base
        .and_then(|b| Url::parse(b).ok())
        .filter(|b| matches!(b.scheme(), "http" | "https"));
    let cite_base = base.clone();
    let mut builder = Builder::empty();
    builder
        .tags(ALLOWED_ELEMENTS.iter().copied().collect())
        .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(ALLOWED_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(HashMap::new())
        .url_schemes(ALLOWED_URL_SCHEMES.iter().copied().collect::<HashSet<_>>())
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        .url_relative(match base {
            Some(base) => UrlRelative::RewriteWithBase(base),
            None => UrlRelative::Deny,
        })
        .attribute_filter(move |element, attribute, value| {
            filter_attribute(element, attribute, value, cite_base.as_ref())
        });
    builder.clean(html).to_string()
}

/// Drops what the scheme list cannot say: `data:` URLs other than raster images in `img src`,
/// and `cite` values that are not (or do not resolve to) http(s) URLs.
fn filter_attribute<'v>(
    element: &str,
    attribute: &str,
    value: &'v str,
    base: Option<&Url>,
) -> Option<Cow<'v, str>> {
    match attribute {
        "href" | "src" | "poster" => match Url::parse(value) {
            Ok(url) if url.scheme() == "data" => {
                (element == "img" && attribute == "src" && is_raster_image_data(url.path()))
                    .then_some(Cow::Borrowed(value))
            }
            _ => Some(Cow::Borrowed(value)),
        },
        "cite" => {
            let url = match Url::parse(value) {
                Ok(url) => url,
                Err(_) => base?.join(value).ok()?,
            };
            matches!(url.scheme(), "http" | "https").then(|| Cow::Owned(url.to_string()))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Whether the path of a `data:` URL (`image/png;base64,...`) declares a raster image type.
fn is_raster_image_data(path: &str) -> bool {
    let media_type = path
        .split([';', ','])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    DATA_IMAGE_TYPES.contains(&media_type.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_handlers_and_dangerous_urls_go_and_text_stays() {
        let cases: &[(&str, &str)] = &[
            ("<p onclick=\"x()\">a</p>", "<p>a</p>"),
            ("<script>alert(1)</script>b", "b"),
            (
                "<p style=\"color:red\" class=\"c\" id=\"i\">c</p>",
                "<p>c</p>",
            ),
            (
                "<a href=\"javascript:alert(1)\">d</a>",
                "<a rel=\"noopener noreferrer nofollow\">d</a>",
            ),
            (
                "<a href=\"  JaVa\tScript:alert(1)\">d</a>",
                "<a rel=\"noopener noreferrer nofollow\">d</a>",
            ),
            (
                "<a href=\"vbscript:msgbox(1)\">d</a>",
                "<a rel=\"noopener noreferrer nofollow\">d</a>",
            ),
            (
                "<a href=\"data:text/html,<script>alert(1)</script>\">e</a>",
                "<a rel=\"noopener noreferrer nofollow\">e</a>",
            ),
            ("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "<img>"),
            (
                "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
                "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
            ),
            (
                "<meta http-equiv=\"refresh\" content=\"0;url=http://x\">f",
                "f",
            ),
            (
                "<form action=\"http://x\"><input name=\"q\"><button>Go</button>g</form>",
                "g",
            ),
            ("<svg><script>alert(1)</script><text>h</text></svg>i", "i"),
            (
                "<iframe src=\"http://x\">j</iframe><object data=\"x\">k</object>l",
                "l",
            ),
            (
                "<!-- comment -->m<base href=\"http://evil/\"><link rel=\"stylesheet\" href=\"x\">",
                "m",
            ),
            (
                "<blockquote cite=\"javascript:x\">n</blockquote>",
                "<blockquote>n</blockquote>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_html(input, None), *expected, "{input}");
        }
    }

    #[test]
    fn relative_urls_resolve_against_the_link_or_go() {
        let html = "<a href=\"/world/1\">x</a><img src=\"pic.jpg\"><blockquote cite=\"/src\">q</blockquote>";
        assert_eq!(
            sanitize_html(html, Some("https://example.com/news/item")),
            "<a href=\"https://example.com/world/1\" rel=\"noopener noreferrer nofollow\">x</a>\
             <img src=\"https://example.com/news/pic.jpg\">\
             <blockquote cite=\"https://example.com/src\">q</blockquote>"
        );
        assert_eq!(
            sanitize_html(html, None),
            "<a rel=\"noopener noreferrer nofollow\">x</a><img><blockquote>q</blockquote>"
        );
        // A base that is no http(s) URL resolves nothing.
        assert_eq!(
            sanitize_html("<a href=\"/a\">x</a>", Some("javascript:alert(1)")),
            "<a rel=\"noopener noreferrer nofollow\">x</a>"
        );
    }

    #[test]
    fn story_structure_survives() {
        let html = "<h2>Sub</h2><p>A <em>b</em> <strong>c</strong> <a href=\"https://e.com/\">d</a></p>\
                    <ul><li>e</li></ul><table><tbody><tr><td colspan=\"2\">f</td></tr></tbody></table>\
                    <blockquote>g</blockquote><img src=\"http://e.com/p.jpg\" alt=\"h\">";
        assert_eq!(
            sanitize_html(html, None),
            "<h2>Sub</h2><p>A <em>b</em> <strong>c</strong> <a href=\"https://e.com/\" rel=\"noopener noreferrer nofollow\">d</a></p>\
             <ul><li>e</li></ul><table><tbody><tr><td colspan=\"2\">f</td></tr></tbody></table>\
             <blockquote>g</blockquote><img src=\"http://e.com/p.jpg\" alt=\"h\">"
        );
    }
}
