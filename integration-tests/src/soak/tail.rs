//! Background readers of the output topics: each keeps a small summary of every record it
//! has read since the beginning of the topic, so the run can count at any time without
//! re-reading hundreds of megabytes of articles.

use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A record as the tail saw it: its payload (for the parser) and headers.
pub struct Seen<'a> {
    pub payload: &'a [u8],
    pub headers: std::collections::BTreeMap<String, String>,
}

/// Reads `topic` from the beginning in a thread, summarising each record with `parse`.
pub struct Tail<T> {
    items: Arc<Mutex<Vec<T>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl<T: Send + 'static> Tail<T> {
    pub fn start(
        broker: &str,
        topic: &str,
        parse: impl Fn(&Seen<'_>) -> Option<T> + Send + 'static,
    ) -> Self {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", broker)
            .set("group.id", format!("soak-tail.{topic}"))
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            .set("topic.metadata.refresh.interval.ms", "2000")
            .create()
            .expect("failed to create the tail consumer");
        consumer
            .subscribe(&[topic])
            .expect("failed to subscribe the tail");
        let items = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (kept, stopping) = (items.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                // Errors while the broker is down are retried by librdkafka; keep polling.
                let Some(Ok(message)) = consumer.poll(Duration::from_millis(200)) else {
                    continue;
                };
                let headers = crate::header_map(&message);
                let seen = Seen {
                    payload: message.payload().unwrap_or_default(),
                    headers,
                };
                if let Some(item) = parse(&seen) {
                    kept.lock().unwrap().push(item);
                }
            }
        });
        Self {
            items,
            stop,
            thread: Some(thread),
        }
    }

    /// A copy of what was read so far.
    pub fn snapshot(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.items.lock().unwrap().clone()
    }

    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Drop for Tail<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
