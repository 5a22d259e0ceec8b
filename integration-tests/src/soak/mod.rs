//! The reliability soak: a stream of real-text articles (with pickups, updates, re-sends and
//! bad files) through the four services as separate processes on the real broker, with one
//! fault injected mid-stream, then everything counted from the topics:
//!
//! - every distinct input reaches `wire.enriched.v1` (complete), and after consumer-side
//!   idempotence by id (article uri and version) exactly once (no doubles);
//! - every (subscription, story family) that an enriched article matches gets exactly one
//!   `new` alert;
//! - the dead-letter topic holds the bad files and nothing else;
//! - after a restart with state, yesterday's stories (re-sent, or picked up late) raise no
//!   new alert.
//!
//! `wirefeed-reliability` (src/bin) runs it from the command line and writes the table in
//! `RELIABILITY.md`; `tests/faults.rs` runs a reduced form in `cargo test`.

pub use wire_corpus::soak as corpus;
pub mod tail;
pub mod topology;

use corpus::{Corpus, token_of};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tail::{Seen, Tail};
use topology::{
    ADDED_SUBSCRIPTION, ADMIN_TOKEN, SLOW_SUBSCRIPTION, STAGES, SUBSCRIPTIONS, Topology,
};
use wire_model::{Alert, Envelope, topics};
use wirefeed_alerter::SubscriptionRegistry;
use wirefeed_alerter::config::{SubscriptionConfig, WebhookTarget};

/// What goes wrong mid-stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Nothing: the reference run.
    None,
    /// `kill -9` of these stages, one after the other, each restarted after two seconds.
    Kill(Vec<&'static str>),
    /// The broker stopped for this long, then started again.
    BrokerStop(Duration),
    /// A second enricher joins the group, then leaves it.
    Rebalance,
    /// A webhook receiver that answers after this long.
    SlowDownstream(Duration),
    /// A second fetcher joins (the sources table's partitions are shared), then the instance
    /// that polls the drop folder is killed (`kill -9`) and not restarted: the other takes
    /// the source over.
    FetcherFailover,
    /// Two alerters run; before the stream, a subscription is added through the first one's
    /// admin API, and both must apply it: each of its (subscription, family) pairs needs one
    /// alert, as the others'.
    SubscriptionAdded,
}

impl Fault {
    pub fn label(&self) -> String {
        match self {
            Self::None => "none (reference)".to_owned(),
            Self::Kill(stages) => format!("kill -9 {}", stages.join(", ")),
            Self::BrokerStop(pause) => format!("broker stopped {} s", pause.as_secs()),
            Self::Rebalance => "rebalance: a second enricher joins, then leaves".to_owned(),
            Self::SlowDownstream(delay) => {
                format!("slow webhook ({} s a response)", delay.as_secs())
            }
            Self::FetcherFailover => {
                "fetcher failover: a second fetcher joins, the one polling is killed".to_owned()
            }
            Self::SubscriptionAdded => "subscription added through one of two alerters".to_owned(),
        }
    }
}

/// One soak run's settings.
#[derive(Debug, Clone)]
pub struct SoakOptions {
    pub broker: String,
    pub reuters: PathBuf,
    /// Items in the stream (re-sends included).
    pub items: usize,
    pub bad_files: usize,
    pub fault: Fault,
    /// Then stop everything, start again, and feed yesterday's stories.
    pub restart_with_state: bool,
    /// Pause between two files of the stream.
    pub file_interval: Duration,
    /// How long the pipeline may take to drain after the last file.
    pub drain_timeout: Duration,
    pub seed: u64,
}

/// What a run counted.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SoakReport {
    pub fault: String,
    pub items: usize,
    pub distinct_inputs: usize,
    pub pickups: usize,
    pub versions: usize,
    pub resends: usize,
    pub bad_files: usize,
    /// Records read from `wire.enriched.v1`.
    pub enriched_records: usize,
    /// Distinct inputs that never arrived.
    pub missing: usize,
    /// Distinct inputs that arrived under more than one id (a real double).
    pub doubled: usize,
    /// Records beyond the first of the same id (at-least-once redeliveries, removed by id).
    pub redelivered: usize,
    /// Records whose input is unknown.
    pub unexpected: usize,
    /// Records the enricher published for earlier copies (original handovers after agency
    /// updates, kill notices): explained, with no input of their own.
    pub notices: usize,
    pub alert_pairs_expected: usize,
    pub alert_pairs_missing: usize,
    /// (subscription, family) pairs with more than one distinct `new` alert.
    pub alert_pairs_doubled: usize,
    pub alert_pairs_unexpected: usize,
    pub alert_records: usize,
    pub dlq_records: usize,
    /// Distinct dead letters that are bad files.
    pub dlq_bad_files: usize,
    /// Dead letters that are not bad files.
    pub dlq_unexpected: usize,
    pub dlq_reasons: Vec<String>,
    /// A few of the inputs lost, doubled or unexplained, and alert pairs lost or unexpected.
    pub examples: Vec<String>,
    /// New alerts after the restart with state (must be 0), and the late pickups seen then.
    pub new_alerts_after_restart: Option<usize>,
    pub late_pickups_enriched: Option<usize>,
    /// Deliveries the slow webhook received (distinct alert ids / all requests).
    pub webhook_distinct: Option<usize>,
    pub webhook_requests: Option<usize>,
    pub webhook_expected: Option<usize>,
    pub peak_rss_mib: BTreeMap<String, f64>,
    pub clean_stops: bool,
    pub crashes: Vec<String>,
    pub seconds: f64,
}

impl SoakReport {
    /// Nothing lost, nothing doubled, nothing unexplained.
    pub fn passed(&self) -> bool {
        self.missing == 0
            && self.doubled == 0
            && self.unexpected == 0
            && self.alert_pairs_missing == 0
            && self.alert_pairs_doubled == 0
            && self.alert_pairs_unexpected == 0
            && self.dlq_bad_files == self.bad_files
            && self.dlq_unexpected == 0
            && self.new_alerts_after_restart.unwrap_or(0) == 0
            && self.crashes.is_empty()
            && self.webhook_distinct == self.webhook_expected
    }
}

/// An article's uri and version: the id consumers deduplicate by.
type ArticleVersion = (String, Option<u32>);

#[derive(Debug, Clone)]
struct EnrichedSeen {
    token: Option<String>,
    /// A record the enricher published for an earlier copy (`wire.notice`: a kill notice or
    /// an original's handover), not for an input of its own.
    notice: bool,
    id: ArticleVersion,
    family: String,
    matched: Vec<String>,
}

#[derive(Debug, Clone)]
struct AlertSeen {
    subscription: String,
    family: String,
    kind: String,
    id: ArticleVersion,
}

#[derive(Debug, Clone)]
struct DeadSeen {
    content: String,
    reason: String,
}

fn subscriptions(webhook: Option<&str>, added: bool) -> Vec<SubscriptionConfig> {
    let extra = added.then_some(ADDED_SUBSCRIPTION);
    let mut all: Vec<SubscriptionConfig> = SUBSCRIPTIONS
        .iter()
        .chain(extra.iter())
        .map(|(id, query)| SubscriptionConfig {
            id: (*id).to_owned(),
            query: Some((*query).to_owned()),
            ..SubscriptionConfig::default()
        })
        .collect();
    if let Some(url) = webhook {
        all.push(SubscriptionConfig {
            id: SLOW_SUBSCRIPTION.0.to_owned(),
            query: Some(SLOW_SUBSCRIPTION.1.to_owned()),
            webhooks: vec![WebhookTarget::new(url, Default::default())],
            ..SubscriptionConfig::default()
        });
    }
    all
}

/// Writes `content` into `inbox` as `name` atomically (written beside, then renamed in).
fn drop_file(inbox: &Path, name: &str, content: &[u8]) {
    let staging = inbox.with_extension("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let temporary = staging.join(name);
    std::fs::write(&temporary, content).unwrap();
    std::fs::rename(&temporary, inbox.join(name)).unwrap();
}

/// Runs one soak and counts.
pub fn run(options: &SoakOptions) -> SoakReport {
    let started = Instant::now();
    let documents = wire_datasets::reuters::load(&options.reuters).unwrap_or_else(|e| {
        panic!(
            "cannot read Reuters-21578 at {}: {e}",
            options.reuters.display()
        )
    });
    let corpus = corpus::generate(&documents, options.items, options.bad_files, options.seed);
    let work = tempfile::tempdir().unwrap();
    let (inbox, logs) = (work.path().join("inbox"), work.path().join("logs"));
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(&logs).unwrap();
    let prefix = crate::unique_prefix("soak");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let receiver = match options.fault {
        Fault::SlowDownstream(delay) => Some(runtime.block_on(webhook::start(delay))),
        _ => None,
    };
    let url = receiver.as_ref().map(|r| r.url.clone());
    let config = topology::write_config(
        work.path(),
        &options.broker,
        &prefix,
        &inbox,
        url.as_deref(),
    );
    let created = crate::processes::wirefeed(
        &["topics", "create"],
        &[("WIREFEED_CONFIG", &config.display().to_string())],
    );
    assert!(
        created.status.success(),
        "wirefeed topics create failed: {}",
        String::from_utf8_lossy(&created.stderr)
    );

    let registry = SubscriptionRegistry::new();
    registry
        .load(
            subscriptions(url.as_deref(), options.fault == Fault::SubscriptionAdded),
            Vec::new(),
            None,
        )
        .unwrap();
    let topic = |name: &str| format!("{prefix}{name}");
    let enriched = Tail::start(&options.broker, &topic(topics::ENRICHED), move |seen| {
        let envelope = Envelope::decode(seen.payload).ok()?;
        let text = envelope
            .article
            .body_text()
            .map(str::to_owned)
            .unwrap_or_default();
        Some(EnrichedSeen {
            token: token_of(&text).map(str::to_owned),
            notice: envelope.wire.notice.is_some(),
            id: (envelope.article.uri.clone(), envelope.wire.version_seq),
            family: wirefeed_alerter::ledger::family_of(&envelope)
                .as_str()
                .to_owned(),
            matched: registry
                .current()
                .matcher
                .matches(&envelope)
                .into_iter()
                .map(|m| m.id)
                .collect(),
        })
    });
    let alerts = Tail::start(&options.broker, &topic(topics::ALERTS), |seen| {
        let alert = Alert::decode(seen.payload).ok()?;
        Some(AlertSeen {
            subscription: alert.subscription.clone(),
            family: alert.family.as_str().to_owned(),
            kind: alert.kind.clone().unwrap_or_else(|| "new".to_owned()),
            id: (alert.article_uri.clone(), alert.version_seq),
        })
    });
    let dead = Tail::start(&options.broker, &topic(topics::DLQ), |seen: &Seen<'_>| {
        let header = |name: &str| seen.headers.get(name).cloned().unwrap_or_default();
        let raw: Option<wire_model::RawItem> = serde_json::from_slice(seen.payload).ok();
        Some(DeadSeen {
            content: raw.map_or_else(
                || String::from_utf8_lossy(seen.payload).into_owned(),
                |raw| raw.payload_hash,
            ),
            reason: format!(
                "{}: {}",
                header(wire_model::topics::dlq_headers::STAGE),
                header(wire_model::topics::dlq_headers::REASON)
            ),
        })
    });

    let mut topology = Topology::new(config, logs);
    topology.start_all();
    let mut crashes = Vec::new();
    if options.fault == Fault::SubscriptionAdded {
        add_subscription_through_one_alerter(&mut topology, &mut crashes);
    }
    stream(options, &corpus, &inbox, &mut topology, &mut crashes);
    let drained = wait_drained(&corpus, &enriched, &dead, options.drain_timeout)
        && wait_alerted(&corpus, &enriched, &alerts, &dead, options.drain_timeout);
    wait_quiet(&alerts, Duration::from_secs(10));
    if let Some(receiver) = &receiver {
        receiver.wait_quiet(Duration::from_secs(15));
    }
    crashes.extend(topology.crashed());

    let mut report = count(
        &corpus,
        &enriched.snapshot(),
        &alerts.snapshot(),
        &dead.snapshot(),
    );
    report.fault = options.fault.label();
    if !drained {
        crashes.push(format!(
            "not drained within {} s; logs:\n{}",
            options.drain_timeout.as_secs(),
            topology.log_tail(15)
        ));
    }
    if let Some(receiver) = &receiver {
        let (distinct, requests) = receiver.counts();
        report.webhook_distinct = Some(distinct);
        report.webhook_requests = Some(requests);
        report.webhook_expected = Some(
            alerts
                .snapshot()
                .iter()
                .filter(|a| a.subscription == SLOW_SUBSCRIPTION.0)
                .map(|a| (a.family.clone(), a.kind.clone(), a.id.1))
                .collect::<BTreeSet<_>>()
                .len(),
        );
    }
    topology.sample_rss();
    let mut clean = true;
    if options.restart_with_state {
        let before: BTreeSet<(String, String)> = new_pairs(&alerts.snapshot());
        let records_before = enriched.len();
        clean &= topology.stop_all();
        topology.start_all();
        let (file, late) = corpus::yesterday(&corpus.originals);
        drop_file(&inbox, &file.name, &file.content);
        let deadline = Instant::now() + options.drain_timeout;
        let late_seen = || {
            enriched.snapshot()[records_before.min(enriched.len())..]
                .iter()
                .filter(|e| e.token.as_deref().is_some_and(|t| t.ends_with('L')))
                .count()
        };
        while late_seen() < late && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(500));
        }
        wait_quiet(&alerts, Duration::from_secs(10));
        let after = new_pairs(&alerts.snapshot());
        report.new_alerts_after_restart = Some(after.difference(&before).count());
        report.late_pickups_enriched = Some(late_seen());
        crashes.extend(topology.crashed());
    }
    topology.sample_rss();
    clean &= topology.stop_all();
    report.clean_stops = clean;
    report.crashes = crashes;
    report.peak_rss_mib = topology
        .peak_rss_kib
        .iter()
        .map(|(stage, kib)| (stage.clone(), (*kib as f64 / 1024.0 * 10.0).round() / 10.0))
        .collect();
    report.seconds = started.elapsed().as_secs_f64().round();
    drop(runtime);
    if !report.passed() {
        let kept = work.keep();
        report
            .crashes
            .push(format!("logs and config kept in {}", kept.display()));
    }
    report
}

/// Starts a second alerter, adds [`ADDED_SUBSCRIPTION`] through the first one's admin API, and
/// waits until both applied it (their logs say so).
fn add_subscription_through_one_alerter(topology: &mut Topology, crashes: &mut Vec<String>) {
    topology.start("alerter", "alerter-2");
    let deadline = Instant::now() + Duration::from_secs(60);
    let address = loop {
        if let Some(address) = topology.admin_address("alerter") {
            break address;
        }
        if Instant::now() > deadline {
            crashes.push("the first alerter never logged its admin address".to_owned());
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let (id, query) = ADDED_SUBSCRIPTION;
    let body = serde_json::json!({"id": id, "query": query}).to_string();
    let url = format!("http://{address}/subscriptions");
    // The alerter answers 503 until its stage has started.
    loop {
        match crate::processes::http_post_json(&url, ADMIN_TOKEN, &body) {
            Ok((201 | 200, _)) => break,
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(200)),
            other => {
                crashes.push(format!("adding the subscription failed: {other:?}"));
                return;
            }
        }
    }
    // The first alerter applied it before answering; the second follows the table.
    let applied = |instance: &str| {
        topology.current_log(instance).lines().any(|l| {
            l.contains("subscriptions table: applied")
                && (l.contains("api_subscriptions=1") || l.contains("\"api_subscriptions\":1"))
        })
    };
    while !applied("alerter-2") {
        if Instant::now() > deadline {
            crashes.push(
                "an alerter did not apply the subscription added through the other".to_owned(),
            );
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Writes the stream into the drop folder, injecting the fault on the way.
fn stream(
    options: &SoakOptions,
    corpus: &Corpus,
    inbox: &Path,
    topology: &mut Topology,
    crashes: &mut Vec<String>,
) {
    let files = corpus.files.len();
    let at = |share: f64| ((files as f64) * share) as usize;
    let kills: Vec<(usize, &'static str)> = match &options.fault {
        Fault::Kill(stages) => stages
            .iter()
            .enumerate()
            .map(|(i, stage)| {
                (
                    at(0.2 + 0.6 * i as f64 / stages.len().max(1) as f64),
                    *stage,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    for (index, file) in corpus.files.iter().enumerate() {
        for (when, stage) in &kills {
            if *when == index {
                topology.kill(stage);
                std::thread::sleep(Duration::from_secs(2));
                topology.start(stage, stage);
            }
        }
        match &options.fault {
            Fault::BrokerStop(pause) if index == at(0.4) => {
                crate::broker::stop();
                std::thread::sleep(*pause);
                crate::broker::start();
            }
            Fault::Rebalance if index == at(0.3) => topology.start("enricher", "enricher-2"),
            Fault::FetcherFailover if index == at(0.1) => topology.start("fetcher", "fetcher-2"),
            Fault::FetcherFailover if index == at(0.4) => {
                // Kill the instance that polls the drop folder (the other must take it over),
                // once the second one's joining has settled (neither polls mid-rebalance).
                let deadline = Instant::now() + Duration::from_secs(60);
                loop {
                    match (
                        topology.polls_sources("fetcher"),
                        topology.polls_sources("fetcher-2"),
                    ) {
                        (Some(true), _) => break topology.kill("fetcher"),
                        (_, Some(true)) => break topology.kill("fetcher-2"),
                        other if Instant::now() > deadline => {
                            break crashes.push(format!(
                                "cannot tell which fetcher polls the source: {other:?}"
                            ));
                        }
                        _ => std::thread::sleep(Duration::from_millis(200)),
                    }
                }
            }
            Fault::Rebalance if index == at(0.7) && !topology.stop("enricher-2") => {
                crashes.push("enricher-2 did not stop cleanly".to_owned());
            }
            _ => {}
        }
        drop_file(inbox, &file.name, &file.content);
        if index % 10 == 0 {
            topology.sample_rss();
        }
        std::thread::sleep(options.file_interval);
    }
}

/// Waits until every distinct input reached `wire.enriched.v1` and every bad file the
/// dead-letter topic; false when `timeout` passed first.
fn wait_drained(
    corpus: &Corpus,
    enriched: &Tail<EnrichedSeen>,
    dead: &Tail<DeadSeen>,
    timeout: Duration,
) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let seen: BTreeSet<String> = enriched
            .snapshot()
            .into_iter()
            .filter_map(|e| e.token)
            .collect();
        if corpus.expected.is_subset(&seen) && dead.len() >= corpus.bad_files {
            return true;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    false
}

/// Waits until every (subscription, family) pair the enriched articles match has its alert:
/// the alerter may still be catching up (after a broker outage) when the articles are all in.
fn wait_alerted(
    corpus: &Corpus,
    enriched: &Tail<EnrichedSeen>,
    alerts: &Tail<AlertSeen>,
    dead: &Tail<DeadSeen>,
    timeout: Duration,
) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let counted = count(
            corpus,
            &enriched.snapshot(),
            &alerts.snapshot(),
            &dead.snapshot(),
        );
        if counted.alert_pairs_missing == 0 {
            return true;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    false
}

/// Waits until `tail` has read nothing new for `quiet`.
fn wait_quiet<T: Send + 'static>(tail: &Tail<T>, quiet: Duration) {
    let mut last = (tail.len(), Instant::now());
    let deadline = Instant::now() + Duration::from_secs(600);
    while last.1.elapsed() < quiet && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        if tail.len() != last.0 {
            last = (tail.len(), Instant::now());
        }
    }
}

fn new_pairs(alerts: &[AlertSeen]) -> BTreeSet<(String, String)> {
    alerts
        .iter()
        .filter(|a| a.kind == "new")
        .map(|a| (a.subscription.clone(), a.family.clone()))
        .collect()
}

fn count(
    corpus: &Corpus,
    enriched: &[EnrichedSeen],
    alerts: &[AlertSeen],
    dead: &[DeadSeen],
) -> SoakReport {
    let mut report = SoakReport {
        items: corpus.items,
        distinct_inputs: corpus.expected.len(),
        pickups: corpus.pickups,
        versions: corpus.versions,
        resends: corpus.resends,
        bad_files: corpus.bad_files,
        enriched_records: enriched.len(),
        alert_records: alerts.len(),
        dlq_records: dead.len(),
        ..SoakReport::default()
    };
    let mut ids_by_token: BTreeMap<&str, BTreeSet<&ArticleVersion>> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    let mut expected_pairs = BTreeSet::new();
    for record in enriched {
        if !ids.insert(&record.id) {
            report.redelivered += 1;
            continue;
        }
        if record.notice {
            report.notices += 1;
            continue;
        }
        match record.token.as_deref() {
            Some(token) if corpus.expected.contains(token) => {
                ids_by_token.entry(token).or_default().insert(&record.id);
            }
            other => {
                report.unexpected += 1;
                if report.unexpected <= 5 {
                    report
                        .examples
                        .push(format!("unexplained {:?} {:?}", other, record.id));
                }
            }
        }
        for subscription in &record.matched {
            expected_pairs.insert((subscription.clone(), record.family.clone()));
        }
    }
    let missing: Vec<&String> = corpus
        .expected
        .iter()
        .filter(|t| !ids_by_token.contains_key(t.as_str()))
        .collect();
    report.missing = missing.len();
    let doubled: Vec<String> = ids_by_token
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(token, ids)| format!("doubled {token}: {ids:?}"))
        .collect();
    report.doubled = doubled.len();
    report
        .examples
        .extend(missing.iter().take(5).map(|t| format!("lost {t}")));
    report.examples.extend(doubled.into_iter().take(5));
    let mut new_alerts: BTreeMap<(String, String), BTreeSet<&ArticleVersion>> = BTreeMap::new();
    for alert in alerts.iter().filter(|a| a.kind == "new") {
        new_alerts
            .entry((alert.subscription.clone(), alert.family.clone()))
            .or_default()
            .insert(&alert.id);
    }
    report.alert_pairs_expected = expected_pairs.len();
    report.alert_pairs_missing = expected_pairs
        .iter()
        .filter(|p| !new_alerts.contains_key(*p))
        .count();
    report.alert_pairs_unexpected = new_alerts
        .keys()
        .filter(|p| !expected_pairs.contains(*p))
        .count();
    report.alert_pairs_doubled = new_alerts.values().filter(|ids| ids.len() > 1).count();
    for pair in expected_pairs
        .iter()
        .filter(|p| !new_alerts.contains_key(*p))
        .take(5)
    {
        report.examples.push(format!("alert lost {pair:?}"));
    }
    for (pair, ids) in new_alerts.iter().filter(|(_, ids)| ids.len() > 1).take(5) {
        report
            .examples
            .push(format!("alert doubled {pair:?}: {ids:?}"));
    }
    let mut contents = BTreeSet::new();
    for letter in dead {
        if contents.insert(letter.content.clone()) {
            report.dlq_reasons.push(letter.reason.clone());
        }
    }
    report.dlq_bad_files = contents.len().min(corpus.bad_files);
    report.dlq_unexpected = contents.len().saturating_sub(corpus.bad_files);
    report
}

/// The header of the fault table in `RELIABILITY.md`.
pub const TABLE_HEADER: &str = "| fault | distinct inputs | lost / doubled | redelivered (removed by id) | unexplained | alert pairs | alerts lost / doubled | new alerts after restart | bad files in DLQ | peak RSS MiB | result |\n|---|---|---|---|---|---|---|---|---|---|---|";

/// The fault table row of a report, for `RELIABILITY.md`.
pub fn table_row(report: &SoakReport) -> String {
    let rss: Vec<String> = STAGES
        .iter()
        .filter_map(|s| report.peak_rss_mib.get(*s).map(|m| format!("{s} {m}")))
        .collect();
    format!(
        "| {} | {} | {} / {} | {} | {} | {} | {} / {} | {} | {} / {} | {} | {} |",
        report.fault,
        report.distinct_inputs,
        report.missing,
        report.doubled,
        report.redelivered,
        report.unexpected,
        report.alert_pairs_expected,
        report.alert_pairs_missing,
        report.alert_pairs_doubled,
        report
            .new_alerts_after_restart
            .map_or_else(|| "-".to_owned(), |n| n.to_string()),
        report.dlq_bad_files,
        report.bad_files,
        rss.join(", "),
        if report.passed() { "pass" } else { "FAIL" },
    )
}

pub mod webhook;
