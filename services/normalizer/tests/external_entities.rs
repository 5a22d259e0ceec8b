//! XML external entities and DTDs are never read or fetched, in every XML format the normalizer
//! reads (RSS, Atom and RDF through feed-rs and our feed reader, NewsML-G2, NewsML 1.2, NITF):
//! a document that declares an entity `SYSTEM "file:///..."` naming a local file with a
//! marker in it, an entity or external DTD on a local HTTP server that records every
//! connection, a parameter entity pulling that DTD in, or an XInclude, normalizes to an article
//! without the entity (or to an error that says why), the marker appears in no output, and the
//! server is never asked. Entity-expansion bombs (billion laughs, quadratic blow-up) stay
//! bounded in every format.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::io::{Read as _, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use wire_model::RawFormat;
use wirefeed_normalizer::{NormalizerConfig, normalize};

/// What the secret file and the server's answers hold: it must never reach any output.
const MARKER: &str = "XXE-MARKER-5f1c9a7e";

/// One document per XML format, with `{doctype}` before the root element and `{ref}` in the
/// headline and the body.
const TEMPLATES: [(RawFormat, &str); 6] = [
    (
        RawFormat::Rss,
        r#"<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>Wire</title><link>https://wire.test.invalid/</link><description>d</description><item><title>Harbour {ref} reopens</title><guid>tag:xxe,1</guid><description>The harbour {ref} reopened on Tuesday.</description></item></channel></rss>"#,
    ),
    (
        RawFormat::Atom,
        r#"<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:wire</id><updated>2026-11-24T10:00:00Z</updated><entry><id>urn:xxe:1</id><title>Harbour {ref} reopens</title><updated>2026-11-24T10:00:00Z</updated><content type="text">The harbour {ref} reopened on Tuesday.</content></entry></feed>"#,
    ),
    (
        RawFormat::Rdf,
        r#"<?xml version="1.0"?>{doctype}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://wire.test.invalid/"><title>Wire</title><link>https://wire.test.invalid/</link><description>d</description></channel><item rdf:about="https://wire.test.invalid/1"><title>Harbour {ref} reopens</title><link>https://wire.test.invalid/1</link><description>The harbour {ref} reopened on Tuesday.</description></item></rdf:RDF>"#,
    ),
    (
        RawFormat::NewsmlG2,
        r#"<?xml version="1.0"?>{doctype}<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:xxe:1" version="1"><itemMeta><versionCreated>2026-11-24T10:00:00Z</versionCreated></itemMeta><contentMeta><headline>Harbour {ref} reopens</headline></contentMeta><contentSet><inlineXML contenttype="application/nitf+xml"><nitf><body><body.content><p>The harbour {ref} reopened on Tuesday.</p></body.content></body></nitf></inlineXML></contentSet></newsItem>"#,
    ),
    (
        RawFormat::Newsml1,
        r#"<?xml version="1.0"?>{doctype}<NewsML><NewsEnvelope><DateAndTime>20261124T100000Z</DateAndTime></NewsEnvelope><NewsItem><Identification><NewsIdentifier><ProviderId>wire.test</ProviderId><DateId>20261124</DateId><NewsItemId>1</NewsItemId><RevisionId Update="N" PreviousRevision="0">1</RevisionId><PublicIdentifier>urn:newsml:wire.test:20261124:1:1</PublicIdentifier></NewsIdentifier></Identification><NewsComponent><NewsLines><HeadLine>Harbour {ref} reopens</HeadLine></NewsLines><ContentItem><MediaType FormalName="Text"/><DataContent><p>The harbour {ref} reopened on Tuesday.</p></DataContent></ContentItem></NewsComponent></NewsItem></NewsML>"#,
    ),
    (
        RawFormat::Nitf,
        r#"<?xml version="1.0"?>{doctype}<nitf><head><docdata><doc-id id-string="xxe-1"/></docdata></head><body><body.head><hedline><hl1>Harbour {ref} reopens</hl1></hedline></body.head><body.content><p>The harbour {ref} reopened on Tuesday.</p></body.content></body></nitf>"#,
    ),
];

/// A local HTTP server that counts every connection (and keeps each request's first line)
/// and answers with a DTD that would read the secret file, or with the marker itself.
struct RecordingServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl RecordingServer {
    fn start(secret: &std::path::Path) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let dtd = format!(
            "<!ENTITY % file SYSTEM \"file://{}\"><!ENTITY leak \"%file; {MARKER}\">",
            secret.display()
        );
        let (count, log) = (connections.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let mut buffer = [0u8; 2048];
                let read = stream.read(&mut buffer).unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..read]);
                log.lock()
                    .unwrap()
                    .push(request.lines().next().unwrap_or_default().to_owned());
                let body = if request.contains(".dtd") {
                    dtd.clone()
                } else {
                    MARKER.to_owned()
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Self {
            port,
            connections,
            requests,
        }
    }
}

/// (name, DOCTYPE, reference) of each attack.
fn attacks(secret: &std::path::Path, port: u16) -> Vec<(&'static str, String, String)> {
    let file = format!("file://{}", secret.display());
    let dtd = format!("http://127.0.0.1:{port}/evil.dtd");
    vec![
        (
            "external entity: local file",
            format!("<!DOCTYPE x [<!ENTITY xxe SYSTEM \"{file}\">]>"),
            "&xxe;".to_owned(),
        ),
        (
            "external entity: http",
            format!("<!DOCTYPE x [<!ENTITY xxe SYSTEM \"http://127.0.0.1:{port}/entity.txt\">]>"),
            "&xxe;".to_owned(),
        ),
        (
            "external dtd (system)",
            format!("<!DOCTYPE x SYSTEM \"{dtd}\">"),
            "&leak;".to_owned(),
        ),
        (
            "external dtd (public)",
            format!("<!DOCTYPE x PUBLIC \"-//Evil//DTD Evil//EN\" \"{dtd}\">"),
            "&leak;".to_owned(),
        ),
        (
            "parameter entity pulling in a dtd",
            format!("<!DOCTYPE x [<!ENTITY % remote SYSTEM \"{dtd}\"> %remote;]>"),
            "&leak;".to_owned(),
        ),
        (
            "xinclude of the local file",
            String::new(),
            format!(
                "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"{file}\" parse=\"text\"/>"
            ),
        ),
    ]
}

fn document(template: &str, doctype: &str, reference: &str) -> String {
    template
        .replace("{doctype}", doctype)
        .replace("{ref}", reference)
}

/// Everything the normalizer produced for `document`: the article as JSON, or the error.
fn output(format: RawFormat, document: &str) -> Result<(String, String), String> {
    normalize(
        &raw(format, "xxe", document.as_bytes()),
        &NormalizerConfig::default(),
        fetched_at(),
    )
    .map(|envelope| {
        let headline = envelope.article.headline().unwrap_or_default().to_owned();
        (headline, serde_json::to_string(&envelope).unwrap())
    })
    .map_err(|error| error.to_string())
}

#[test]
fn every_template_is_an_article_without_an_attack() {
    for (format, template) in TEMPLATES {
        let (headline, _) = output(format, &document(template, "", "")).unwrap();
        assert_eq!(headline, "Harbour reopens", "{format:?}");
    }
}

#[test]
fn external_entities_and_dtds_are_never_read_or_fetched() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret-file");
    std::fs::write(&secret, format!("{MARKER}\n")).unwrap();
    let server = RecordingServer::start(&secret);
    let mut outcomes = Vec::new();
    for (format, template) in TEMPLATES {
        for (attack, doctype, reference) in attacks(&secret, server.port) {
            let result = output(format, &document(template, &doctype, &reference));
            let shown = match &result {
                Ok((_, json)) => json.clone(),
                Err(error) => error.clone(),
            };
            assert!(
                !shown.contains(MARKER),
                "{format:?}, {attack}: the secret was read: {shown}"
            );
            match &result {
                // Parsed without the entity (an element in a feed title may end the title).
                Ok((headline, _)) => assert!(
                    headline.starts_with("Harbour"),
                    "{format:?}, {attack}: {headline:?}"
                ),
                Err(error) => assert!(!error.is_empty(), "{format:?}, {attack}"),
            }
            let outcome = result.map(|(headline, _)| headline);
            outcomes.push(format!("{format:?} / {attack}: {outcome:?}"));
        }
    }
    println!("{}", outcomes.join("\n"));
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        0,
        "the server was asked: {:?}",
        server.requests.lock().unwrap()
    );
}

/// Nine levels of ten: 10^9 `lol`s if expanded.
const BILLION_LAUGHS: &str = r#"<!DOCTYPE x [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"#;

#[test]
fn entity_expansion_bombs_stay_bounded_in_every_xml_format() {
    // Quadratic blow-up: one 1000-byte entity referenced 10,000 times (10 MB if expanded).
    let quadratic_doctype = format!("<!DOCTYPE x [<!ENTITY big \"{}\">]>", "a".repeat(1000));
    let bombs = [
        (
            "billion laughs",
            BILLION_LAUGHS.to_owned(),
            "&lol9;".to_owned(),
        ),
        ("quadratic", quadratic_doctype, "&big;".repeat(10_000)),
    ];
    for (format, template) in TEMPLATES {
        for (bomb, doctype, reference) in &bombs {
            let result = output(format, &document(template, doctype, reference));
            if let Ok((headline, json)) = result {
                // At most the growth the entity expansion allows, plus the item itself.
                assert!(
                    json.len() < 200_000,
                    "{format:?}, {bomb}: {} bytes",
                    json.len()
                );
                assert!(headline.starts_with("Harbour"), "{format:?}, {bomb}");
            }
        }
    }
}
