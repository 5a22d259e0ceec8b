//! The Kafka bus (rdkafka over librdkafka built from the crate's bundled source).
//!
//! Producer: idempotent (`enable.idempotence=true`, `acks=all`), so librdkafka's retries never
//! duplicate or reorder a record within a partition; a record counts as delivered only when the
//! broker acknowledged it. Consumer: a consumer group with `enable.auto.offset.store=false`:
//! offsets are stored only through [`Subscription::commit`], which the stage loop calls after
//! the outputs of a delivery were acknowledged, and auto-committed in the background from the
//! stored offsets (at-least-once). Consumer lag comes from librdkafka's statistics.
//!
//! Every librdkafka client wirefeed makes (this bus's producer, consumers and admin client, the
//! state store's, the CLI's) starts from [`client_config`], producers from [`producer_config`],
//! and topics are created from their [`TopicPlan`] with [`create_topics`].

use super::topic_plan::TopicPlan;
use super::{Bus, BusError, Delivery, PendingAck, Record, Subscription};
use crate::config::KafkaConfig;
use crate::events;
use async_trait::async_trait;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication, TopicResult};
use rdkafka::client::{ClientContext, DefaultClientContext};
use rdkafka::consumer::{Consumer, ConsumerContext, Rebalance, StreamConsumer};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::message::{BorrowedMessage, Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::statistics::Statistics;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// A [`Bus`] over an Apache Kafka cluster.
pub struct KafkaBus {
    config: KafkaConfig,
    producer: FutureProducer,
}

impl std::fmt::Debug for KafkaBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaBus")
            .field("bootstrap_servers", &self.config.bootstrap_servers)
            .field("topic_prefix", &self.config.topic_prefix)
            .finish_non_exhaustive()
    }
}

impl KafkaBus {
    /// Creates the producer. Connecting is lazy: an unreachable broker shows in
    /// [`Bus::is_reachable`] and in delivery timeouts, not here.
    pub fn new(config: KafkaConfig) -> Result<Self, BusError> {
        let producer: FutureProducer = producer_config(&config, None).create()?;
        Ok(Self { config, producer })
    }

    /// The physical topic name of a logical one.
    pub fn physical_topic(&self, logical: &str) -> String {
        format!("{}{logical}", self.config.topic_prefix)
    }

    /// The configuration this bus was built with.
    pub fn config(&self) -> &KafkaConfig {
        &self.config
    }
}

/// The librdkafka properties every wirefeed client shares: the brokers, the client id
/// (`bus.kafka.client_id`, `<client_id>-<role>` for a `role` such as `state` or `cli-admin`)
/// and then `bus.kafka.options` (security protocol, SASL, TLS, ...).
pub fn client_config(config: &KafkaConfig, role: Option<&str>) -> ClientConfig {
    let client_id = match role {
        Some(role) => format!("{}-{role}", config.client_id),
        None => config.client_id.clone(),
    };
    let mut client = ClientConfig::new();
    client
        .set("bootstrap.servers", &config.bootstrap_servers)
        .set("client.id", client_id);
    for (key, value) in &config.options {
        client.set(key, value);
    }
    client
}

/// [`client_config`] for a producer: idempotent (`enable.idempotence=true`, `acks=all`), with
/// `bus.kafka.compression`, `linger_ms`, `message_timeout_ms` and `message_max_bytes`.
pub fn producer_config(config: &KafkaConfig, role: Option<&str>) -> ClientConfig {
    let mut client = client_config(config, role);
    client
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("compression.type", &config.compression)
        .set("linger.ms", config.linger_ms.to_string())
        .set("message.timeout.ms", config.message_timeout_ms.to_string())
        .set("message.max.bytes", config.message_max_bytes.to_string());
    client
}

/// What a first connection with the security settings of `bus.kafka.options` found
/// ([`probe_connection`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reachability {
    /// A broker answered a metadata request.
    Answered,
    /// The broker refused the SASL credentials, or the TLS handshake failed: retrying with the
    /// same settings cannot help. The text says what librdkafka reported and what to check.
    Refused(String),
    /// No answer within the wait (the broker may be down or still starting); the last error.
    NoAnswer(String),
}

/// Whether `bus.kafka.options` ask for TLS or SASL (`security.protocol` other than plaintext).
pub fn is_secured(config: &KafkaConfig) -> bool {
    config
        .options
        .get("security.protocol")
        .is_some_and(|protocol| !protocol.trim().eq_ignore_ascii_case("plaintext"))
}

/// Connects with [`client_config`] and waits up to `wait` until a broker answers a metadata
/// request, a SASL authentication fails or a TLS handshake fails, whichever comes first.
///
/// librdkafka retries a refused login forever and its metadata requests only time out, so
/// without this a wrong password shows as a broker that does not answer. Blocking: call it
/// from `spawn_blocking`.
pub fn probe_connection(config: &KafkaConfig, wait: Duration) -> Reachability {
    let context = ProbeContext::default();
    let producer: rdkafka::producer::BaseProducer<ProbeContext> =
        match client_config(config, Some("probe")).create_with_context(context) {
            Ok(producer) => producer,
            Err(error) => {
                return Reachability::Refused(format!("invalid client settings: {error}"));
            }
        };
    let deadline = std::time::Instant::now() + wait;
    let last_error = loop {
        // Serves the error events, where librdkafka reports a refused login.
        producer.poll(Duration::from_millis(100));
        if let Some(refused) = producer.context().refused() {
            return Reachability::Refused(refusal_text(config, &refused));
        }
        match producer
            .client()
            .fetch_metadata(None, Duration::from_millis(500))
        {
            Ok(_) => return Reachability::Answered,
            Err(error) if std::time::Instant::now() >= deadline => break error.to_string(),
            Err(_) => {}
        }
    };
    producer.poll(Duration::from_millis(100));
    match producer.context().refused() {
        Some(refused) => Reachability::Refused(refusal_text(config, &refused)),
        None => Reachability::NoAnswer(last_error),
    }
}

fn refusal_text(config: &KafkaConfig, (code, reason): &(RDKafkaErrorCode, String)) -> String {
    let servers = &config.bootstrap_servers;
    if *code == RDKafkaErrorCode::Authentication {
        format!(
            "the kafka broker at {servers} refused the login: {reason} (check bus.kafka.options \
             \"sasl.mechanisms\", \"sasl.username\" and \"sasl.password\", or the file named by \
             WIREFEED__BUS__KAFKA__OPTIONS__SASL.PASSWORD_FILE)"
        )
    } else {
        format!(
            "the TLS connection to the kafka broker at {servers} failed: {reason} (check \
             bus.kafka.options \"security.protocol\" and \"ssl.ca.location\" against the \
             broker's listener and certificate)"
        )
    }
}

/// Keeps the first authentication or TLS error librdkafka reports.
#[derive(Default)]
struct ProbeContext {
    refused: std::sync::Mutex<Option<(RDKafkaErrorCode, String)>>,
}

impl ProbeContext {
    fn refused(&self) -> Option<(RDKafkaErrorCode, String)> {
        self.refused.lock().ok().and_then(|refused| refused.clone())
    }
}

impl ClientContext for ProbeContext {
    fn error(&self, error: KafkaError, reason: &str) {
        if let Some(code @ (RDKafkaErrorCode::Authentication | RDKafkaErrorCode::SSL)) =
            error.rdkafka_error_code()
            && let Ok(mut refused) = self.refused.lock()
        {
            refused.get_or_insert_with(|| (code, reason.to_owned()));
        }
    }
}

impl rdkafka::producer::ProducerContext for ProbeContext {
    type DeliveryOpaque = ();

    fn delivery(&self, _: &rdkafka::producer::DeliveryResult<'_>, (): ()) {}
}

/// Creates the topic of `plan` unless it exists (a state store's or a table's own topic), with
/// a client of `role`; the reason when it cannot.
pub async fn ensure_topic(
    config: &KafkaConfig,
    plan: TopicPlan,
    role: Option<&str>,
) -> Result<(), String> {
    let admin: AdminClient<rdkafka::client::DefaultClientContext> = client_config(config, role)
        .create()
        .map_err(|e| e.to_string())?;
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    for result in create_topics(&admin, &[plan], &options)
        .await
        .map_err(|e| e.to_string())?
    {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((_, code)) => return Err(format!("failed to create: {code}")),
        }
    }
    Ok(())
}

/// Creates the topics of `plans` with their partitions, replication and configs; one result per
/// topic as the broker answered (an existing topic is `TopicAlreadyExists` and left as it is).
pub async fn create_topics<C: ClientContext>(
    admin: &AdminClient<C>,
    plans: &[TopicPlan],
    options: &AdminOptions,
) -> KafkaResult<Vec<TopicResult>> {
    let configs: Vec<Vec<(&'static str, String)>> = plans.iter().map(TopicPlan::configs).collect();
    let new_topics: Vec<NewTopic<'_>> = plans
        .iter()
        .zip(&configs)
        .map(|(plan, configs)| {
            let topic = NewTopic::new(
                &plan.name,
                plan.partitions,
                TopicReplication::Fixed(plan.replication_factor),
            );
            configs
                .iter()
                .fold(topic, |topic, (key, value)| topic.set(key, value))
        })
        .collect();
    admin.create_topics(&new_topics, options).await
}

#[async_trait]
impl Bus for KafkaBus {
    async fn enqueue(&self, record: Record) -> Result<PendingAck, BusError> {
        let topic = self.physical_topic(&record.topic);
        let mut future_record = FutureRecord::to(&topic).payload(&record.payload);
        // Most records have none: librdkafka's header list is then not made at all.
        if !record.headers.is_empty() {
            let mut headers = OwnedHeaders::new_with_capacity(record.headers.len());
            for (name, value) in &record.headers {
                headers = headers.insert(Header {
                    key: name,
                    value: Some(value),
                });
            }
            future_record = future_record.headers(headers);
        }
        if let Some(key) = &record.key {
            future_record = future_record.key(key);
        }
        let bytes = record_size(&record);
        let too_large = move |topic: String, limit: String| BusError::TooLarge {
            topic,
            bytes,
            limit,
        };
        loop {
            match self.producer.send_result(future_record) {
                Ok(delivery) => {
                    let logical = record.topic.clone();
                    return Ok(Box::pin(async move {
                        match delivery.await {
                            Ok(Ok(_)) => Ok(()),
                            // The broker refused it: the topic's max.message.bytes is lower.
                            Ok(Err((KafkaError::MessageProduction(code), _)))
                                if is_size_error(code) =>
                            {
                                Err(too_large(logical, "the topic's max.message.bytes".into()))
                            }
                            Ok(Err((error, _))) => Err(BusError::DeliveryFailed {
                                topic: logical,
                                reason: error.to_string(),
                            }),
                            Err(_) => Err(BusError::DeliveryFailed {
                                topic: logical,
                                reason: "producer was dropped before the delivery report".into(),
                            }),
                        }
                    }));
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), returned)) => {
                    // librdkafka's queue is full: wait for deliveries to drain (backpressure).
                    future_record = returned;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err((KafkaError::MessageProduction(code), _)) if is_size_error(code) => {
                    return Err(too_large(
                        record.topic.clone(),
                        format!(
                            "bus.kafka.message_max_bytes = {}",
                            self.config.message_max_bytes
                        ),
                    ));
                }
                Err((error, _)) => return Err(BusError::Kafka(error)),
            }
        }
    }

    async fn subscribe(
        &self,
        group: &str,
        topics: &[&str],
    ) -> Result<Box<dyn Subscription>, BusError> {
        let group_id = format!("{}{group}", self.config.group_prefix);
        let context = GroupContext {
            group: group_id.clone(),
            assigned: Arc::new(AtomicUsize::new(0)),
            assignments: Arc::new(AtomicU64::new(0)),
            lag: Arc::new(AtomicI64::new(-1)),
        };
        let assigned = context.assigned.clone();
        let assignments = context.assignments.clone();
        let lag = context.lag.clone();
        let consumer: StreamConsumer<GroupContext> = client_config(&self.config, None)
            .set("group.id", &group_id)
            .set("enable.auto.commit", "true")
            .set(
                "auto.commit.interval.ms",
                self.config.auto_commit_interval_ms.to_string(),
            )
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", &self.config.auto_offset_reset)
            .set(
                "session.timeout.ms",
                self.config.session_timeout_ms.to_string(),
            )
            .set(
                "statistics.interval.ms",
                self.config.statistics_interval_ms.to_string(),
            )
            .set("enable.partition.eof", "false")
            .create_with_context(context)?;
        let physical: Vec<String> = topics.iter().map(|t| self.physical_topic(t)).collect();
        let physical_refs: Vec<&str> = physical.iter().map(String::as_str).collect();
        consumer.subscribe(&physical_refs)?;
        Ok(Box::new(KafkaSubscription {
            consumer,
            topic_prefix: self.config.topic_prefix.clone(),
            assigned,
            assignments,
            lag,
        }))
    }

    async fn read_from(
        &self,
        topics: &[&str],
        positions: &super::Positions,
    ) -> Result<Box<dyn Subscription>, BusError> {
        self.reader(topics, positions).await
    }

    /// Creates the data topics `topics` as `wirefeed topics create` does (partitions,
    /// replication, `cleanup.policy=delete`, `retention.ms`: [`TopicPlan::data`]).
    async fn ensure_topics(&self, topics: &[&str]) -> Result<(), BusError> {
        let admin: AdminClient<DefaultClientContext> =
            client_config(&self.config, None).create()?;
        let plans: Vec<TopicPlan> = topics
            .iter()
            .map(|logical| TopicPlan::data(&self.config, logical))
            .collect();
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        for result in create_topics(&admin, &plans, &options).await? {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    return Err(BusError::Config(format!(
                        "failed to create topic {topic}: {code}"
                    )));
                }
            }
        }
        Ok(())
    }

    async fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        let producer = self.producer.clone();
        tokio::task::spawn_blocking(move || producer.flush(timeout))
            .await
            .map_err(|e| BusError::Config(format!("flush task failed: {e}")))??;
        Ok(())
    }

    async fn is_reachable(&self) -> bool {
        let producer = self.producer.clone();
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(None, Duration::from_secs(2))
                .is_ok()
        })
        .await
        .unwrap_or(false)
    }

    fn kind(&self) -> &'static str {
        "kafka"
    }
}

/// The bytes a record puts on the wire, roughly (payload, key, headers).
fn record_size(record: &Record) -> usize {
    record.payload.len()
        + record.key.as_ref().map_or(0, Vec::len)
        + record
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len())
            .sum::<usize>()
}

fn is_size_error(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::MessageSizeTooLarge | RDKafkaErrorCode::InvalidMessageSize
    )
}

struct GroupContext {
    group: String,
    assigned: Arc<AtomicUsize>,
    /// Counts assignments; set before the first message of the new assignment is consumed
    /// (librdkafka calls the rebalance callback from the poll that would return it).
    assignments: Arc<AtomicU64>,
    lag: Arc<AtomicI64>,
}

impl ClientContext for GroupContext {
    fn stats(&self, statistics: Statistics) {
        // Lag of the partitions this member consumes: from the high watermark to the stored
        // offset, as librdkafka reports it (-1 where unknown).
        let lag: i64 = statistics
            .topics
            .values()
            .flat_map(|topic| topic.partitions.values())
            .filter(|partition| partition.partition >= 0 && partition.consumer_lag_stored >= 0)
            .map(|partition| partition.consumer_lag_stored)
            .sum();
        self.lag.store(lag, Ordering::Relaxed);
    }
}

impl ConsumerContext for GroupContext {
    fn post_rebalance(
        &self,
        consumer: &rdkafka::consumer::BaseConsumer<Self>,
        rebalance: &Rebalance<'_>,
    ) {
        let assigned = consumer.assignment().map(|tpl| tpl.count()).unwrap_or(0);
        self.assigned.store(assigned, Ordering::Relaxed);
        match rebalance {
            Rebalance::Assign(tpl) => {
                self.assignments.fetch_add(1, Ordering::SeqCst);
                events::PartitionsAssigned {
                    group: &self.group,
                    partitions: tpl.count(),
                }
                .emit();
            }
            Rebalance::Revoke(tpl) => events::PartitionsRevoked {
                group: &self.group,
                partitions: tpl.count(),
            }
            .emit(),
            Rebalance::Error(error) => events::RebalanceFailed {
                group: &self.group,
                error: &error.to_string(),
            }
            .emit(),
        }
    }
}

struct KafkaSubscription {
    consumer: StreamConsumer<GroupContext>,
    topic_prefix: String,
    assigned: Arc<AtomicUsize>,
    assignments: Arc<AtomicU64>,
    lag: Arc<AtomicI64>,
}

/// A consumed message as a [`Delivery`], its topic named without `topic_prefix`.
pub(super) fn delivery_of(message: &BorrowedMessage<'_>, topic_prefix: &str) -> Delivery {
    let physical = message.topic();
    Delivery {
        record: Record {
            topic: physical
                .strip_prefix(topic_prefix)
                .unwrap_or(physical)
                .to_owned(),
            key: message.key().map(<[u8]>::to_vec),
            payload: message.payload().unwrap_or_default().to_vec(),
            headers: message_headers(message),
        },
        partition: message.partition(),
        offset: message.offset(),
    }
}

/// The headers of a consumed Kafka message, as a [`Record`] holds them (a header without a
/// value has an empty one).
pub fn message_headers(message: &impl Message) -> Vec<(String, Vec<u8>)> {
    message
        .headers()
        .map(|headers| {
            headers
                .iter()
                .map(|h| (h.key.to_owned(), h.value.unwrap_or_default().to_vec()))
                .collect()
        })
        .unwrap_or_default()
}

impl KafkaSubscription {
    fn to_delivery(&self, message: &BorrowedMessage<'_>) -> Delivery {
        delivery_of(message, &self.topic_prefix)
    }
}

#[async_trait]
impl Subscription for KafkaSubscription {
    async fn recv(&mut self) -> Result<Delivery, BusError> {
        loop {
            match self.consumer.recv().await {
                Ok(message) => return Ok(self.to_delivery(&message)),
                // librdkafka reports consumer errors it keeps retrying on its own (a topic not
                // created yet, a broker restarting): the stage waits, it does not stop.
                // Only fatal errors end the subscription.
                Err(KafkaError::MessageConsumption(code)) => {
                    tracing::warn!(error = %code, "kafka consumer error, retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        let topic = format!("{}{}", self.topic_prefix, delivery.record.topic);
        // `rd_kafka_offset_store` stores offset + 1, the next one to read.
        match self
            .consumer
            .store_offset(&topic, delivery.partition, delivery.offset)
        {
            Ok(()) => Ok(()),
            // The partition was revoked while the message was in flight (a rebalance, or the
            // group lost it while the broker was away): its new owner reads it again from the
            // last committed offset, so this is a redelivery, not an error. Stopping here used
            // to take the stage down after every broker outage (found by the soak).
            Err(KafkaError::StoreOffset(RDKafkaErrorCode::State)) => {
                events::OffsetNotStored {
                    topic: &topic,
                    partition: delivery.partition,
                    offset: delivery.offset,
                }
                .emit();
                Ok(())
            }
            Err(error) => Err(error.into()),
        }
    }

    fn assigned_partitions(&self) -> usize {
        self.assigned.load(Ordering::Relaxed)
    }

    fn assignments(&self) -> u64 {
        self.assignments.load(Ordering::SeqCst)
    }

    fn lag(&self) -> Option<i64> {
        let lag = self.lag.load(Ordering::Relaxed);
        (lag >= 0).then_some(lag)
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        let consumer = self.consumer;
        tokio::task::spawn_blocking(move || {
            let result = consumer.commit_consumer_state(rdkafka::consumer::CommitMode::Sync);
            consumer.unsubscribe();
            match result {
                // Nothing stored since the last commit is not a failure.
                Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => Ok(()),
                other => other,
            }
        })
        .await
        .map_err(|e| BusError::Config(format!("close task failed: {e}")))??;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::producer::BaseProducer;

    #[test]
    fn tls_and_sasl_settings_are_supported_by_the_built_in_client() {
        let bus: Result<crate::config::BusConfig, _> =
            crate::config::LoadedConfig::load_from(None, &[])
                .and_then(|loaded| loaded.section("bus"));
        let Ok(bus) = bus else {
            panic!("default bus config: {:?}", bus.err());
        };
        let mut config = bus.kafka;
        for (key, value) in [
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "SCRAM-SHA-512"),
            ("sasl.username", "wirefeed"),
            ("sasl.password", "secret"),
            ("ssl.endpoint.identification.algorithm", "https"),
        ] {
            config.options.insert(key.to_owned(), value.to_owned());
        }
        let producer: Result<BaseProducer, KafkaError> = producer_config(&config, None).create();
        assert!(producer.is_ok(), "{:?}", producer.err());

        config
            .options
            .insert("security.protocol".to_owned(), "SASL_PLAINTEXT".to_owned());
        config
            .options
            .insert("sasl.mechanism".to_owned(), "PLAIN".to_owned());
        let producer: Result<BaseProducer, KafkaError> = producer_config(&config, None).create();
        assert!(producer.is_ok(), "{:?}", producer.err());
    }

    #[test]
    fn only_tls_or_sasl_settings_make_a_connection_secured() {
        let bus: Result<crate::config::BusConfig, _> =
            crate::config::LoadedConfig::load_from(None, &[])
                .and_then(|loaded| loaded.section("bus"));
        let Ok(bus) = bus else {
            panic!("default bus config: {:?}", bus.err());
        };
        let mut config = bus.kafka;
        assert!(!is_secured(&config));
        for (protocol, secured) in [
            ("plaintext", false),
            ("PLAINTEXT", false),
            ("SSL", true),
            ("SASL_SSL", true),
            ("sasl_plaintext", true),
        ] {
            config
                .options
                .insert("security.protocol".to_owned(), protocol.to_owned());
            assert_eq!(is_secured(&config), secured, "{protocol}");
        }
    }
}
