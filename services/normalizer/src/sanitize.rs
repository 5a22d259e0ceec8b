//! Pure: provider HTML made safe to show, by an allow-list (ammonia on html5ever).
//!
//! The allow-list is feedparser's sanitizer (the reference implementation, its
//! `_HTMLSanitizer.acceptable_elements`, `acceptable_attributes` and `sanitize_style`), minus
//! what can run script, load a document, submit data or reach into the page showing the body:
//!
//! - removed with their content ([`REMOVED_WITH_CONTENT`]): `script`, `style`, `iframe`,
//!   `embed`, `applet`, `noscript` (parsed differently with scripting on and off),
//!   `template`, `svg` and `math` (foreign content, where script hides), form controls;
//! - unwrapped (their text stays): every other element not in [`ALLOWED_ELEMENTS`], among them
//!   `form`, `object` (its content is the fallback a reader without the plugin sees), `meta`
//!   (so no meta refresh), `link`, `base`, `dialog`;
//! - attributes: only [`ALLOWED_ATTRIBUTES`]; no `on*` handler, no `id`, `class` or `name`;
//!   `style` only with the declarations feedparser keeps ([`crate::sanitize_css`]);
//! - URLs: only [`ALLOWED_URL_SCHEMES`]; `data:` only as the `src` of an `img` with a raster
//!   image type ([`DATA_IMAGE_TYPES`], never `image/svg+xml`); URLs in the legacy attributes
//!   ammonia does not check ([`HTTP_URL_ATTRIBUTES`]) only http(s); relative URLs resolved
//!   against the item's link when it has one, else dropped;
//! - links and image-map areas get `rel="noopener noreferrer nofollow"`; comments are dropped.

use crate::sanitize_css::sanitize_style;
use ammonia::{Builder, Url, UrlRelative};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Elements kept: feedparser's acceptable elements without
///
/// - forms and their controls (`form`, `input`, `button`, `select`, `option`, `optgroup`,
///   `textarea`, `datalist`, `keygen`, `output`, `fieldset`, `legend`): a body submits
///   nothing (issue 17); `label` stays, without `for`;
/// - `noscript`, parsed one way by the sanitizer and another by a browser running script;
/// - `dialog`: an open one is drawn over the page showing the body.
///
/// feedparser's svg and MathML elements are not kept either (see [`REMOVED_WITH_CONTENT`]).
/// The obsolete and unknown ones (`m`, `multicol`, `nextid`, `sound`, `spacer`, `command`,
/// `datagrid`, `event-source`) are inert in today's browsers and stay, as in feedparser.
pub const ALLOWED_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "big",
    "blockquote",
    "br",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "command",
    "datagrid",
    "dd",
    "del",
    "details",
    "dfn",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "event-source",
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
    "label",
    "li",
    "m",
    "map",
    "menu",
    "meter",
    "multicol",
    "nav",
    "nextid",
    "ol",
    "p",
    "pre",
    "progress",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "sound",
    "source",
    "spacer",
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

/// Attributes kept, on any allowed element: feedparser's acceptable attributes without
///
/// - `id`, `name` and `class`: they name things in the page showing the body (DOM
///   clobbering of its scripts, its own style rules);
/// - `for`, which points a `label` at a control of that page by its id;
/// - `accesskey` and `autofocus`, which take the reader's keyboard from the page;
/// - `ping`, which only reports a reader's clicks to other servers;
/// - `rel`: ammonia writes its own ([`LINK_REL`]).
///
/// Attributes that only mean something on a form or its controls (`action`, `method`,
/// `enctype`, `accept`, `checked`, `form`, `maxlength`, ...) stay as feedparser keeps them:
/// with forms and controls gone they do nothing. `style` is kept through its CSS filter.
pub const ALLOWED_ATTRIBUTES: &[&str] = &[
    "abbr",
    "accept",
    "accept-charset",
    "action",
    "align",
    "alt",
    "autocomplete",
    "axis",
    "background",
    "balance",
    "bgcolor",
    "bgproperties",
    "border",
    "bordercolor",
    "bordercolordark",
    "bordercolorlight",
    "bottompadding",
    "cellpadding",
    "cellspacing",
    "ch",
    "challenge",
    "char",
    "charoff",
    "charset",
    "checked",
    "choff",
    "cite",
    "clear",
    "color",
    "cols",
    "colspan",
    "compact",
    "contenteditable",
    "controls",
    "coords",
    "data",
    "datafld",
    "datapagesize",
    "datasrc",
    "datetime",
    "default",
    "delay",
    "dir",
    "disabled",
    "draggable",
    "dynsrc",
    "enctype",
    "end",
    "face",
    "form",
    "frame",
    "galleryimg",
    "gutter",
    "headers",
    "height",
    "hidden",
    "hidefocus",
    "high",
    "href",
    "hreflang",
    "hspace",
    "icon",
    "inputmode",
    "ismap",
    "keytype",
    "label",
    "lang",
    "leftspacing",
    "list",
    "longdesc",
    "loop",
    "loopcount",
    "loopend",
    "loopstart",
    "low",
    "lowsrc",
    "max",
    "maxlength",
    "media",
    "method",
    "min",
    "multiple",
    "nohref",
    "noshade",
    "nowrap",
    "open",
    "optimum",
    "pattern",
    "point-size",
    "poster",
    "pqg",
    "preload",
    "prompt",
    "radiogroup",
    "readonly",
    "repeat-max",
    "repeat-min",
    "replace",
    "required",
    "rev",
    "rightspacing",
    "rows",
    "rowspan",
    "rules",
    "scope",
    "selected",
    "shape",
    "size",
    "span",
    "src",
    "start",
    "step",
    "style",
    "summary",
    "suppress",
    "tabindex",
    "target",
    "template",
    "title",
    "toppadding",
    "type",
    "unselectable",
    "urn",
    "usemap",
    "valign",
    "value",
    "variable",
    "volume",
    "vrml",
    "vspace",
    "width",
    "wrap",
    "xml:lang",
];

/// Allowed attributes holding a URL that ammonia does not check: kept only as an absolute
/// http(s) URL (a relative one resolved against the item's link), or empty.
pub const HTTP_URL_ATTRIBUTES: &[&str] = &[
    "action",
    "background",
    "cite",
    "data",
    "datasrc",
    "dynsrc",
    "icon",
    "longdesc",
    "lowsrc",
    "vrml",
];

/// Elements removed together with everything inside them.
pub const REMOVED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
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
        .set_tag_attribute_value("area", "rel", LINK_REL)
        .strip_comments(true)
        .url_relative(UrlRelative::Custom(Box::new(RelativeUrls { base })))
        .attribute_filter(move |element, attribute, value| {
            filter_attribute(element, attribute, value, cite_base.as_ref())
        });
    builder
        .clean(&crate::self_closing::expand(html))
        .to_string()
}

/// Drops what the allow-lists cannot say: `data:` URLs other than raster images in `img src`,
/// URLs ammonia does not check ([`HTTP_URL_ATTRIBUTES`]) that are not (or do not resolve to)
/// http(s), and the CSS declarations feedparser does not keep in `style`.
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
        "style" => sanitize_style(value).map(Cow::Owned),
        _ if HTTP_URL_ATTRIBUTES.contains(&attribute) => {
            if value.trim().is_empty() {
                return Some(Cow::Borrowed(""));
            }
            let url = match Url::parse(value.trim()) {
                Ok(url) => url,
                Err(_) => base?.join(value.trim()).ok()?,
            };
            matches!(url.scheme(), "http" | "https").then(|| Cow::Owned(url.to_string()))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Relative URLs resolved against `base`; dropped without one. An empty URL (`href=""`)
/// stays empty: it points nowhere, and resolving it would make it point at the base page.
struct RelativeUrls {
    base: Option<Url>,
}

impl ammonia::UrlRelativeEvaluate<'_> for RelativeUrls {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        if url.trim().is_empty() {
            return Some(Cow::Borrowed(""));
        }
        let resolved = self.base.as_ref()?.join(url).ok()?;
        Some(Cow::Owned(resolved.into()))
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
                "<p style=\"background:url(http://x/t.gif)\" class=\"c\" id=\"i\" name=\"n\">c</p>",
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
                "kl",
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
        // An empty URL points nowhere, with a base or without.
        for base in [Some("https://example.com/news/item"), None] {
            assert_eq!(
                sanitize_html("<span href=\"\" src=\" \"></span><img src=\"\">", base),
                "<span href=\"\" src=\"\"></span><img src=\"\">"
            );
        }
        // A base that is no http(s) URL resolves nothing.
        assert_eq!(
            sanitize_html("<a href=\"/a\">x</a>", Some("javascript:alert(1)")),
            "<a rel=\"noopener noreferrer nofollow\">x</a>"
        );
    }

    #[test]
    fn styles_keep_only_the_declarations_feedparser_keeps() {
        let cases: &[(&str, &str)] = &[
            (
                "<span style=\"color:red;position:absolute\">a</span>",
                "<span style=\"color: red;\">a</span>",
            ),
            (
                "<p style=\"margin: 0 15px 0 0; border: 1px solid #ccc\">b</p>",
                "<p style=\"margin: 0 15px 0 0; border: 1px solid #ccc;\">b</p>",
            ),
            (
                "<p style=\"background: url(http://evil.example/t.gif) red\">c</p>",
                "<p>c</p>",
            ),
            ("<p style=\"width: expression(alert(1))\">d</p>", "<p>d</p>"),
            ("<p style=\"mso-list: l0 level1 lfo1\">e</p>", "<p>e</p>"),
            (
                "<p style=\"color: red&quot; onclick=&quot;alert(1)\">f</p>",
                "<p>f</p>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_html(input, None), *expected, "{input}");
        }
    }

    #[test]
    fn harmless_attributes_stay_and_legacy_urls_are_http_only() {
        assert_eq!(
            sanitize_html(
                "<span tabindex=\"0\" hidden=\"\" lang=\"de\" charset=\"utf-8\">a</span>\
                 <a href=\"https://e.com/\" target=\"_blank\">b</a>",
                None
            ),
            "<span tabindex=\"0\" hidden=\"\" lang=\"de\" charset=\"utf-8\">a</span>\
             <a href=\"https://e.com/\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">b</a>"
        );
        assert_eq!(
            sanitize_html(
                "<img src=\"https://e.com/a.jpg\" longdesc=\"/about\" lowsrc=\"javascript:alert(1)\" \
                 dynsrc=\"vbscript:x\">",
                Some("https://e.com/news/1")
            ),
            "<img src=\"https://e.com/a.jpg\" longdesc=\"https://e.com/about\">"
        );
        assert_eq!(
            sanitize_html(
                "<table background=\"data:image/png;base64,AA==\"></table>",
                None
            ),
            "<table></table>"
        );
        // An image map keeps its areas, and they get the links' rel.
        assert_eq!(
            sanitize_html(
                "<map><area href=\"https://e.com/\" target=\"_blank\" shape=\"rect\"></map>",
                None
            ),
            "<map><area href=\"https://e.com/\" target=\"_blank\" shape=\"rect\" rel=\"noopener noreferrer nofollow\"></map>"
        );
    }

    #[test]
    fn forms_their_controls_and_page_names_stay_out() {
        let html = "<form action=\"https://evil.example/\" id=\"f\"><fieldset><legend>Log in</legend>\
                    <label for=\"desk-publish\" class=\"x\">Name</label><input name=\"user\">\
                    <select name=\"s\"><option>o</option></select><textarea>t</textarea>\
                    <button formaction=\"https://evil.example/\">Go</button></fieldset></form>\
                    <p id=\"lead\" name=\"lead\" class=\"desk-alert\" accesskey=\"s\" autofocus=\"\">p</p>\
                    <a href=\"https://e.com/\" ping=\"https://track.example/\">a</a>\
                    <dialog open=\"\">d</dialog><noscript>n</noscript>";
        assert_eq!(
            sanitize_html(html, None),
            "Log in<label>Name</label><p>p</p>\
             <a href=\"https://e.com/\" rel=\"noopener noreferrer nofollow\">a</a>d"
        );
    }

    #[test]
    fn an_object_leaves_its_fallback_text_and_nothing_it_loads() {
        assert_eq!(
            sanitize_html(
                "<object data=\"https://evil.example/x.swf\"><param name=\"movie\" value=\"x.swf\">\
                 <embed src=\"https://evil.example/x.swf\">Watch the <b>video</b></object>",
                None
            ),
            "Watch the <b>video</b>"
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
