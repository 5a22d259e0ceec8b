//! The bad-input corpus (`integration_tests::corpus`) served by a real HTTP server on 127.0.0.1,
//! fetched by the real fetcher and normalized by the real normalizer over a real Kafka broker.
//! Every broken feed must end as a classified fetch error (in the fetcher's source status) or a
//! dead letter with its reason, or, where the bytes are recoverable, as an article that says
//! what was repaired; nothing crashes, a body of 1 GiB is cut off while it streams, and a good
//! feed added afterwards still comes through.
//!
//! Run with `-- --nocapture` to see the outcome table and the peak RSS of the test process
//! (RELIABILITY.md quotes both).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::corpus::{self, ONE_GIB, Reply};
use integration_tests::*;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use wire_model::topics::{self, dlq_headers};
use wire_model::{Envelope, RawItem};
use wire_runtime::ServiceContext;
use wirefeed_fetcher::FetcherConfig;
use wirefeed_fetcher::config::{HttpSource, SourceConfig};
use wirefeed_fetcher::record::SourceStatus;

const WAIT: Duration = Duration::from_secs(90);

fn source(id: &str, url: &str) -> SourceConfig {
    SourceConfig::Http(HttpSource {
        interval_secs: Some(2),
        allow_private_network: true,
        ..HttpSource::new(id, url)
    })
}

/// What became of one input.
#[derive(Debug, Default)]
struct Outcome {
    status: Option<SourceStatus>,
    /// (kind, reason) of each dead letter.
    dead_letters: Vec<(String, String)>,
    articles: Vec<Envelope>,
}

impl Outcome {
    fn fetch_error(&self) -> Option<(&str, &str)> {
        let status = self.status.as_ref()?;
        Some((
            status.last_error_class.as_deref()?,
            status.last_error.as_deref().unwrap_or_default(),
        ))
    }

    fn row(&self, name: &str) -> String {
        let mut parts = Vec::new();
        if let Some((class, message)) = self.fetch_error() {
            parts.push(format!("fetch error `{class}`: {message}"));
        }
        for (kind, reason) in &self.dead_letters {
            parts.push(format!("dead letter `{kind}`: {reason}"));
        }
        for article in &self.articles {
            let headline: String = article
                .article
                .headline()
                .unwrap_or_default()
                .chars()
                .take(60)
                .collect();
            parts.push(format!(
                "article {headline:?} (charset {:?}, flags {:?})",
                article.wire.charset.as_deref().unwrap_or_default(),
                article.wire.flags
            ));
        }
        format!("| `{name}` | {} |", parts.join("; "))
    }
}

/// The source a dead letter came from: its payload is the raw item (possibly cut at 512 KiB,
/// so read the field from the text when it no longer parses).
fn dead_letter_source(payload: &[u8]) -> Option<String> {
    if let Ok(raw) = RawItem::decode(payload) {
        return Some(raw.source.as_str().to_owned());
    }
    let text = String::from_utf8_lossy(&payload[..payload.len().min(4096)]);
    let rest = text.split("\"source\":\"").nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

/// The peak resident set size of this process in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_bad_feed_ends_classified_and_a_good_feed_still_comes_through() {
    let prefix = unique_prefix("badinput");
    let corpus = corpus::bad_feeds();
    let mut routes: BTreeMap<String, Reply> = corpus
        .iter()
        .map(|(name, reply)| (format!("/{name}"), reply.clone()))
        .collect();
    routes.insert(
        "/good".to_owned(),
        Reply::Body {
            content_type: "application/rss+xml",
            bytes: rss_feed(&[(
                "tag:good,1",
                "Good feed after the bad ones",
                "A well-formed item fetched after every broken feed.",
            )])
            .into_bytes(),
        },
    );
    let (base, sent) = corpus::serve(routes).await;
    let bad_sources: Vec<SourceConfig> = corpus
        .iter()
        .map(|(name, _)| source(name, &format!("{base}/{name}")))
        .collect();

    let shutdown = CancellationToken::new();
    let normalizer = {
        let context = kafka_context(&prefix).await.with_shutdown(shutdown.clone());
        tokio::spawn(wirefeed_normalizer::run(Default::default(), context))
    };
    let registry = wirefeed_fetcher::SourceRegistry::new();
    let (updates, updates_receiver) = tokio::sync::watch::channel(bad_sources.clone());
    let fetcher = {
        let config = FetcherConfig {
            min_interval_secs: 1,
            sources: bad_sources.clone(),
            ..FetcherConfig::default()
        };
        let context = kafka_context(&prefix).await.with_shutdown(shutdown.clone());
        tokio::spawn(
            wirefeed_fetcher::Fetcher::new(config)
                .with_registry(registry.clone())
                .with_source_updates(updates_receiver)
                .run(context),
        )
    };

    // Every bad source polled at least once (success or classified error).
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let statuses = registry.snapshot();
        let done = corpus.iter().all(|(name, _)| {
            statuses.iter().any(|s| {
                s.id == *name && (s.last_success_at.is_some() || s.last_error_at.is_some())
            })
        });
        if done {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not every bad source was polled: {statuses:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Then a good feed: the services must still be working.
    let mut with_good = bad_sources.clone();
    with_good.push(source("good", &format!("{base}/good")));
    updates.send(with_good).unwrap();

    let articles_topic = format!("{prefix}{}", topics::ARTICLES);
    let deadline = tokio::time::Instant::now() + WAIT;
    let articles: Vec<Envelope> = loop {
        let articles: Vec<Envelope> =
            read_topic(&articles_topic, usize::MAX, Duration::from_secs(5))
                .await
                .iter()
                .map(|m| Envelope::decode(&m.payload).unwrap())
                .collect();
        if articles.iter().any(|e| e.wire.source.as_str() == "good") {
            break articles;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the good feed never came through: {articles:#?}"
        );
    };
    let dead = read_topic(
        &format!("{prefix}{}", topics::DLQ),
        usize::MAX,
        Duration::from_secs(10),
    )
    .await;
    let statuses = registry.snapshot();
    assert!(!normalizer.is_finished(), "the normalizer stopped");
    assert!(!fetcher.is_finished(), "the fetcher stopped");
    shutdown.cancel();
    normalizer.await.unwrap().unwrap();
    fetcher.await.unwrap().unwrap();

    let mut outcomes: BTreeMap<&str, Outcome> = BTreeMap::new();
    for (name, _) in &corpus {
        let outcome = outcomes.entry(name).or_default();
        outcome.status = statuses.iter().find(|s| s.id == *name).cloned();
        outcome.articles = articles
            .iter()
            .filter(|e| e.wire.source.as_str() == *name)
            .cloned()
            .collect();
        outcome.dead_letters = dead
            .iter()
            .filter(|m| dead_letter_source(&m.payload).as_deref() == Some(*name))
            .map(|m| {
                (
                    m.headers
                        .get(dlq_headers::KIND)
                        .cloned()
                        .unwrap_or_default(),
                    m.headers
                        .get(dlq_headers::REASON)
                        .cloned()
                        .unwrap_or_default(),
                )
            })
            .collect();
    }
    println!("| input | outcome |\n|---|---|");
    for (name, outcome) in &outcomes {
        println!("{}", outcome.row(name));
    }
    let peak_kib = peak_rss_kib();
    println!(
        "peak RSS of the test process (fetcher + normalizer + HTTP server + Kafka clients): {} MiB",
        peak_kib / 1024
    );
    for name in ["huge-body-streamed", "huge-body-declared"] {
        let polls = outcomes[name].status.as_ref().map_or(0, |s| s.polls_total);
        println!(
            "bytes the server wrote for /{name}: {} in {polls} polls",
            sent.get(&format!("/{name}"))
        );
    }

    // Nothing ended silently: each input is a classified fetch error, a dead letter with a
    // reason, or an article.
    for (name, outcome) in &outcomes {
        assert!(
            outcome.fetch_error().is_some()
                || !outcome.dead_letters.is_empty()
                || !outcome.articles.is_empty(),
            "{name} left no trace: {outcome:#?}"
        );
        for (kind, reason) in &outcome.dead_letters {
            assert!(
                !kind.is_empty() && !reason.is_empty(),
                "{name}: {outcome:#?}"
            );
        }
    }
    let expect_fetch_error = |name: &str, class: &str| {
        let outcome = &outcomes[name];
        assert_eq!(
            outcome.fetch_error().map(|(c, _)| c),
            Some(class),
            "{name}: {outcome:#?}"
        );
    };
    let expect_dead_letter = |name: &str, kind: &str, reason: &str| {
        let outcome = &outcomes[name];
        assert!(
            outcome.articles.is_empty()
                && outcome
                    .dead_letters
                    .iter()
                    .any(|(k, r)| k == kind && r.contains(reason)),
            "{name}: {outcome:#?}"
        );
    };
    expect_fetch_error("huge-body-streamed", "too_large");
    expect_fetch_error("huge-body-declared", "too_large");
    for (name, kind, reason) in [
        ("binary-garbage", "unsupported", "binary data"),
        ("json-not-a-feed", "unsupported", "JSON"),
        ("html-page", "unsupported", "HTML page"),
        ("empty-body", "unsupported", "empty document"),
        ("truncated-xml", "parse", "tag not closed"),
        // Over Kafka's 1 MiB message size: dead-lettered (cut) by the fetcher, not a poll
        // that fails forever.
        ("oversized-page", "too_large", "bus.kafka.message_max_bytes"),
    ] {
        expect_dead_letter(name, kind, reason);
    }
    let article = |name: &str| {
        let outcome = &outcomes[name];
        assert_eq!(outcome.articles.len(), 1, "{name}: {outcome:#?}");
        outcome.articles[0].clone()
    };
    // The entities are never expanded: the article stays small.
    let bomb = article("entity-bomb");
    let text = format!(
        "{} {}",
        bomb.article.headline().unwrap_or_default(),
        bomb.article.body_text().unwrap_or_default()
    );
    assert!(text.len() < 1024 && !text.contains("lollol"), "{text}");
    // 50,000 nested elements: parsed without running out of stack.
    assert_eq!(
        article("deeply-nested").article.headline(),
        Some("Deeply nested")
    );
    // Invalid bytes are replaced and flagged.
    assert!(
        article("invalid-utf8")
            .wire
            .flags
            .contains(&"invalid_bytes_replaced".to_owned())
    );
    // A one-byte declaration over bytes that are valid UTF-8 with accents: read as UTF-8,
    // no mojibake.
    let wrong_charset = article("wrong-charset");
    assert_eq!(wrong_charset.wire.charset, None);
    assert_eq!(
        wrong_charset.article.headline(),
        Some("Zürich talks resume, says ministry")
    );
    // The 1 GiB bodies were cut off while they streamed, never read whole: each poll read at
    // most the 15 MiB cap (plus what socket buffers held).
    let polls = outcomes["huge-body-streamed"]
        .status
        .as_ref()
        .map_or(1, |s| s.polls_total.max(1));
    assert!(
        sent.get("/huge-body-streamed") < polls * 64 * 1024 * 1024,
        "{} bytes sent in {polls} polls",
        sent.get("/huge-body-streamed")
    );
    assert!(sent.get("/huge-body-declared") < ONE_GIB);
    // A generous memory bound: reading a 1 GiB body whole would exceed it.
    assert!(peak_kib < 768 * 1024, "peak RSS {peak_kib} KiB");
}

/// In one process (`wirefeed run`) nothing consumes `wire.dlq.v1` (nor `wire.originals.v1`, `wire.stories.v1`):
/// more dead letters than the in-process channel holds must not stall the stage that writes
/// them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_one_process_more_dead_letters_than_the_channel_holds_do_not_stall_a_stage() {
    let capacity = 8;
    let bus: wire_runtime::SharedBus =
        std::sync::Arc::new(wire_runtime::bus::MemoryBus::new(capacity));
    let shutdown = CancellationToken::new();
    let normalizer = {
        let context = ServiceContext::with_defaults(bus.clone())
            .unwrap()
            .with_stage(stage_config())
            .with_shutdown(shutdown.clone());
        tokio::spawn(wirefeed_normalizer::run(Default::default(), context))
    };
    let mut articles = bus.subscribe("reader", &[topics::ARTICLES]).await.unwrap();
    let good = RawItem::new(
        "one-process".into(),
        "tag:one,1".to_owned(),
        wire_model::RawFormat::Rss,
        None,
        rss_feed(&[("tag:one,1", "Good item after many dead letters", "A body.")]).as_bytes(),
        chrono::Utc::now(),
        wire_model::OriginInfo::Dir {
            path: "test".to_owned(),
        },
    );
    let publisher = {
        let bus = bus.clone();
        tokio::spawn(async move {
            for n in 0..capacity * 4 {
                let poison = wire_runtime::Record::new(
                    topics::RAW,
                    format!("poison-{n}"),
                    b"not json".to_vec(),
                );
                wire_runtime::bus::publish(bus.as_ref(), poison).await?;
            }
            let good =
                wire_runtime::Record::new(topics::RAW, good.article_id.as_str(), good.encode());
            wire_runtime::bus::publish(bus.as_ref(), good).await
        })
    };
    let delivery = tokio::time::timeout(WAIT, articles.recv())
        .await
        .expect("no article after the dead letters: the normalizer stalled")
        .unwrap();
    publisher.await.unwrap().unwrap();
    let envelope = Envelope::decode(&delivery.record.payload).unwrap();
    assert_eq!(
        envelope.article.headline(),
        Some("Good item after many dead letters")
    );
    shutdown.cancel();
    normalizer.await.unwrap().unwrap();
}
