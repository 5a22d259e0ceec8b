//! A plain HTTP/1.1 server on 127.0.0.1 that serves the bad-input corpus
//! ([`wire_corpus::bad_feeds`]) byte for byte (no framework rewriting headers), including a body
//! that never ends and a body that claims to be 1 GiB.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

pub use wire_corpus::bad_feeds::{ONE_GIB, Reply, bad_feeds};

/// Bytes the server wrote, per path (to show a body was cut off, not read whole).
#[derive(Debug, Clone, Default)]
pub struct SentBytes {
    counters: Arc<std::sync::Mutex<BTreeMap<String, Arc<AtomicU64>>>>,
}

impl SentBytes {
    fn counter(&self, path: &str) -> Arc<AtomicU64> {
        self.counters
            .lock()
            .unwrap()
            .entry(path.to_owned())
            .or_default()
            .clone()
    }

    /// The bytes of body written for `path` so far, over all requests.
    pub fn get(&self, path: &str) -> u64 {
        self.counter(path).load(Ordering::Relaxed)
    }
}

/// Serves `routes` on 127.0.0.1 at a free port until the runtime ends. Returns the base URL
/// and the byte counters. Unknown paths get 404.
pub async fn serve(routes: BTreeMap<String, Reply>) -> (String, SentBytes) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let sent = SentBytes::default();
    let routes = Arc::new(routes);
    let counters = sent.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (routes, counters) = (routes.clone(), counters.clone());
            tokio::spawn(async move {
                let _ = answer(stream, &routes, &counters).await;
            });
        }
    });
    (format!("http://{address}"), sent)
}

async fn answer(
    mut stream: tokio::net::TcpStream,
    routes: &BTreeMap<String, Reply>,
    sent: &SentBytes,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let counter = sent.counter(&path);
    match routes.get(&path) {
        None => {
            stream
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await
        }
        Some(Reply::Body {
            content_type,
            bytes,
        }) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                bytes.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(bytes).await?;
            counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            stream.shutdown().await
        }
        Some(Reply::Endless { total }) => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n")
                .await?;
            stream_filler(&mut stream, *total, &counter).await
        }
        Some(Reply::DeclaredHuge { total }) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {total}\r\n\
                 Connection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream_filler(&mut stream, *total, &counter).await
        }
    }
}

/// Writes an RSS start and then `<item>`s until `total` bytes or the client hangs up.
async fn stream_filler(
    stream: &mut tokio::net::TcpStream,
    total: u64,
    counter: &AtomicU64,
) -> std::io::Result<()> {
    let start = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>";
    stream.write_all(start).await?;
    counter.fetch_add(start.len() as u64, Ordering::Relaxed);
    let item = b"<item><title>filler</title><description>xxxxxxxxxxxxxxxx</description></item>\n";
    let chunk: Vec<u8> = item.iter().copied().cycle().take(64 * 1024).collect();
    let mut written = start.len() as u64;
    while written < total {
        stream.write_all(&chunk).await?;
        written += chunk.len() as u64;
        counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
    }
    Ok(())
}
