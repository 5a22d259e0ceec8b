//! A webhook receiver on 127.0.0.1 that answers every delivery after a delay (a slow
//! downstream) and counts deliveries by `X-Wirefeed-Alert-Id`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct SlowReceiver {
    pub url: String,
    /// Requests per alert id, and when the last one arrived.
    received: Arc<Mutex<(BTreeMap<String, usize>, Instant)>>,
}

/// Starts the receiver on the current runtime.
pub async fn start(delay: Duration) -> SlowReceiver {
    let received = Arc::new(Mutex::new((BTreeMap::new(), Instant::now())));
    let kept = received.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let kept = kept.clone();
            async move {
                tokio::time::sleep(delay).await;
                let id = headers
                    .get("x-wirefeed-alert-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-")
                    .to_owned();
                let mut received = kept.lock().unwrap();
                *received.0.entry(id).or_default() += 1;
                received.1 = Instant::now();
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    SlowReceiver {
        url: format!("http://{address}/hook"),
        received,
    }
}

impl SlowReceiver {
    /// (distinct alert ids, requests).
    pub fn counts(&self) -> (usize, usize) {
        let received = self.received.lock().unwrap();
        (received.0.len(), received.0.values().sum())
    }

    /// Waits until nothing arrived for `quiet` (at most ten minutes).
    pub fn wait_quiet(&self, quiet: Duration) {
        let deadline = Instant::now() + Duration::from_secs(600);
        while self.received.lock().unwrap().1.elapsed() < quiet && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}
