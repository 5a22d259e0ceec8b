//! `wirefeed dlq list|replay`: read the dead-letter topic (`wire.dlq.v1`) and re-inject chosen
//! messages after a fix.
//!
//! A dead letter is the original record (key, payload, headers) plus `wirefeed.dlq.*` headers:
//! reason, kind, stage, source topic, partition and offset, time. `replay` publishes the original
//! payload and key, with the original headers minus the `wirefeed.dlq.*` ones, to the source
//! topic (through the bus, so `bus.kafka.topic_prefix` applies), and waits for the broker's
//! acknowledgement. A payload that was cut on the way into the DLQ is never replayed.
//!
//! Reading never joins a consumer group and never commits: listing and replaying leave no
//! trace on the broker except the replayed records.

use super::topics::{client_config, load_bus};
use anyhow::Context as _;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use wire_model::topics::{self, dlq_headers};
use wire_runtime::Record;
use wire_runtime::config::KafkaConfig;

/// Inspect the dead-letter topic and replay chosen messages after a fix.
#[derive(clap::Args)]
pub struct DlqArgs {
    #[command(subcommand)]
    command: DlqCommand,
}

#[derive(clap::Subcommand)]
enum DlqCommand {
    /// Print dead letters, oldest first: position, time, stage/kind, origin, key, reason.
    List {
        /// Show at most the N most recent.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only this wirefeed.dlq.kind (e.g. decode, parse).
        #[arg(long)]
        kind: Option<String>,
        /// Only dead letters of this stage (e.g. normalizer).
        #[arg(long)]
        stage: Option<String>,
        /// One JSON object per dead letter, with every header and the payload.
        #[arg(long)]
        json: bool,
    },
    /// Re-publish dead letters (payload, key, original headers) to their source topic.
    Replay {
        /// PARTITION:OFFSET in the dead-letter topic (as `dlq list` prints); repeatable.
        #[arg(long = "offset", value_name = "P:O", value_parser = parse_position, required_unless_present = "all_kind", conflicts_with = "all_kind")]
        offsets: Vec<(i32, i64)>,
        /// Every dead letter of this kind.
        #[arg(long, value_name = "KIND")]
        all_kind: Option<String>,
        /// Print what would be replayed, publish nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

impl DlqArgs {
    pub async fn run(self, config_file: Option<&Path>) -> anyhow::Result<ExitCode> {
        match self.command {
            DlqCommand::List {
                limit,
                kind,
                stage,
                json,
            } => {
                let options = ListOptions {
                    limit,
                    kind,
                    stage,
                    json,
                };
                list(config_file, options).await
            }
            DlqCommand::Replay {
                offsets,
                all_kind,
                dry_run,
            } => {
                let selection = match all_kind {
                    Some(kind) => ReplaySelection::Kind(kind),
                    None => ReplaySelection::Offsets(offsets),
                };
                replay(config_file, selection, dry_run).await
            }
        }
    }
}

const READ_TIMEOUT: Duration = Duration::from_secs(30);
const DLQ_HEADER_PREFIX: &str = "wirefeed.dlq.";

/// One record of the dead-letter topic.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    pub partition: i32,
    pub offset: i64,
    /// The record's timestamp (ms since the epoch), when it has one.
    pub timestamp_ms: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, Vec<u8>)>,
}

impl DeadLetter {
    /// The first header called `name`, as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
    }

    /// `partition:offset`, as `replay --offset` takes it.
    pub fn position(&self) -> String {
        format!("{}:{}", self.partition, self.offset)
    }

    /// The record to publish on replay: the source topic (logical), the key and payload, the
    /// headers without the `wirefeed.dlq.*` ones.
    pub fn replay_record(&self) -> Result<Record, String> {
        if let Some(size) = self.header(dlq_headers::TRUNCATED_FROM_BYTES) {
            return Err(format!(
                "its payload was cut from {size} bytes on the way into the dead-letter topic"
            ));
        }
        let topic = self
            .header(dlq_headers::SOURCE_TOPIC)
            .filter(|topic| !topic.is_empty())
            .ok_or_else(|| format!("it has no {} header", dlq_headers::SOURCE_TOPIC))?;
        Ok(Record {
            topic,
            key: self.key.clone(),
            payload: self.payload.clone(),
            headers: self
                .headers
                .iter()
                .filter(|(name, _)| !name.starts_with(DLQ_HEADER_PREFIX))
                .cloned()
                .collect(),
        })
    }

    /// One line for a terminal: position, time, stage/kind, origin, key, size, reason.
    pub fn summary_line(&self) -> String {
        let field = |name: &str| self.header(name).unwrap_or_else(|| "?".to_owned());
        let time = self
            .header(dlq_headers::REJECTED_AT)
            .or_else(|| self.timestamp().map(|t| t.to_rfc3339()))
            .unwrap_or_else(|| "?".to_owned());
        let key = self.key.as_deref().map_or_else(
            || "-".to_owned(),
            |k| String::from_utf8_lossy(k).into_owned(),
        );
        let truncated = self
            .header(dlq_headers::TRUNCATED_FROM_BYTES)
            .map(|size| format!(" (cut from {size})"))
            .unwrap_or_default();
        format!(
            "{}  {time}  {}/{}  from {} {}:{}  key={key}  {} bytes{truncated}  reason: {}",
            self.position(),
            field(dlq_headers::STAGE),
            field(dlq_headers::KIND),
            field(dlq_headers::SOURCE_TOPIC),
            field(dlq_headers::SOURCE_PARTITION),
            field(dlq_headers::SOURCE_OFFSET),
            self.payload.len(),
            field(dlq_headers::REASON),
        )
    }

    /// A JSON object: position, timestamp, key, every header, and the payload (as text when it
    /// is UTF-8, else `payload_base64`).
    pub fn to_json(&self) -> serde_json::Value {
        let headers: BTreeMap<String, String> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect();
        let mut object = serde_json::json!({
            "partition": self.partition,
            "offset": self.offset,
            "timestamp": self.timestamp().map(|t| t.to_rfc3339()),
            "key": self.key.as_deref().map(|k| String::from_utf8_lossy(k).into_owned()),
            "headers": headers,
            "payload_bytes": self.payload.len(),
        });
        match std::str::from_utf8(&self.payload) {
            Ok(text) => object["payload"] = serde_json::Value::String(text.to_owned()),
            Err(_) => {
                object["payload_base64"] = serde_json::Value::String(
                    base64::engine::general_purpose::STANDARD.encode(&self.payload),
                );
            }
        }
        object
    }

    fn timestamp(&self) -> Option<DateTime<Utc>> {
        self.timestamp_ms.and_then(DateTime::from_timestamp_millis)
    }

    fn matches(&self, kind: Option<&str>, stage: Option<&str>) -> bool {
        kind.is_none_or(|kind| self.header(dlq_headers::KIND).as_deref() == Some(kind))
            && stage.is_none_or(|stage| self.header(dlq_headers::STAGE).as_deref() == Some(stage))
    }
}

/// Filters of `list`.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// The most recent N per partition read, then overall.
    pub limit: usize,
    pub kind: Option<String>,
    pub stage: Option<String>,
    pub json: bool,
}

/// `wirefeed dlq list`.
pub async fn list(config_file: Option<&Path>, options: ListOptions) -> anyhow::Result<ExitCode> {
    let kafka = load_bus(config_file)?.kafka;
    let filtered = options.kind.is_some() || options.stage.is_some();
    // Without a filter, only the last `limit` of each partition can be among the last `limit`.
    let tail = (!filtered).then_some(options.limit);
    let mut letters = read_dead_letters(&kafka, tail).await?;
    letters.retain(|letter| letter.matches(options.kind.as_deref(), options.stage.as_deref()));
    let skip = letters.len().saturating_sub(options.limit);
    let shown = &letters[skip..];
    for letter in shown {
        if options.json {
            println!("{}", serde_json::to_string(&letter.to_json())?);
        } else {
            println!("{}", letter.summary_line());
        }
    }
    if shown.is_empty() && !options.json {
        eprintln!("no dead letters in {}{}", kafka.topic_prefix, topics::DLQ);
    }
    Ok(ExitCode::SUCCESS)
}

/// What `replay` re-publishes.
#[derive(Debug, Clone)]
pub enum ReplaySelection {
    /// `partition:offset` positions in the dead-letter topic.
    Offsets(Vec<(i32, i64)>),
    /// Every dead letter of this `wirefeed.dlq.kind`.
    Kind(String),
}

/// Parses `P:O`.
pub fn parse_position(text: &str) -> Result<(i32, i64), String> {
    let (partition, offset) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not PARTITION:OFFSET (e.g. 0:42)"))?;
    let partition = partition
        .trim()
        .parse()
        .map_err(|_| format!("{text:?}: partition {partition:?} is not a number"))?;
    let offset = offset
        .trim()
        .parse()
        .map_err(|_| format!("{text:?}: offset {offset:?} is not a number"))?;
    Ok((partition, offset))
}

/// `wirefeed dlq replay`.
pub async fn replay(
    config_file: Option<&Path>,
    selection: ReplaySelection,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let kafka = load_bus(config_file)?.kafka;
    let letters = match &selection {
        ReplaySelection::Offsets(positions) => read_positions(&kafka, positions).await?,
        ReplaySelection::Kind(kind) => {
            let mut all = read_dead_letters(&kafka, None).await?;
            all.retain(|letter| letter.matches(Some(kind), None));
            all
        }
    };
    if letters.is_empty() {
        eprintln!("nothing to replay");
        return Ok(ExitCode::SUCCESS);
    }
    let bus = wire_runtime::bus::KafkaBus::new(kafka.clone())
        .context("failed to create the kafka producer")?;
    let mut failed = 0usize;
    let mut replayed = 0usize;
    let progress = super::progress(letters.len(), "replaying");
    // Lines go out between redraws of the bar.
    let say = |line: String| progress.suspend(|| println!("{line}"));
    let warn = |line: String| progress.suspend(|| eprintln!("{line}"));
    for letter in &letters {
        progress.inc(1);
        let record = match letter.replay_record() {
            Ok(record) => record,
            Err(reason) => {
                failed += 1;
                warn(format!(
                    "error: not replaying {}: {reason}",
                    letter.position()
                ));
                continue;
            }
        };
        let key = record.key.as_deref().map_or_else(
            || "-".to_owned(),
            |k| String::from_utf8_lossy(k).into_owned(),
        );
        let destination = format!("{}{}", kafka.topic_prefix, record.topic);
        if dry_run {
            say(format!(
                "would replay {} -> {destination} key={key}",
                letter.position()
            ));
            continue;
        }
        match wire_runtime::bus::publish(&bus, record).await {
            Ok(()) => {
                replayed += 1;
                say(format!(
                    "replayed {} -> {destination} key={key}",
                    letter.position()
                ));
            }
            Err(error) => {
                failed += 1;
                warn(format!(
                    "error: failed to replay {}: {error}",
                    letter.position()
                ));
            }
        }
    }
    progress.finish_and_clear();
    if !dry_run {
        eprintln!("replayed {replayed} of {} dead letters", letters.len());
    }
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn reader(kafka: &KafkaConfig) -> anyhow::Result<BaseConsumer> {
    client_config(kafka, "dlq")
        // Required by librdkafka for a consumer; never joined (assign only) and never committed.
        .set("group.id", format!("{}cli-dlq-reader", kafka.group_prefix))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false")
        .create()
        .context("failed to create the kafka consumer")
}

fn dlq_topic(kafka: &KafkaConfig) -> String {
    format!("{}{}", kafka.topic_prefix, topics::DLQ)
}

/// Reads the dead-letter topic up to its current end: everything, or the last `tail` records of
/// each partition. Sorted by time, then position.
pub async fn read_dead_letters(
    kafka: &KafkaConfig,
    tail: Option<usize>,
) -> anyhow::Result<Vec<DeadLetter>> {
    let consumer = reader(kafka)?;
    let topic = dlq_topic(kafka);
    let bootstrap = kafka.bootstrap_servers.clone();
    let mut letters = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<DeadLetter>> {
        let metadata = consumer
            .fetch_metadata(Some(&topic), READ_TIMEOUT)
            .with_context(|| format!("failed to read the metadata of {topic} on {bootstrap}"))?;
        let Some(topic_metadata) = metadata
            .topics()
            .iter()
            .find(|t| t.name() == topic && t.error().is_none())
        else {
            anyhow::bail!("topic {topic} does not exist (wirefeed topics create)");
        };
        let mut assignment = TopicPartitionList::new();
        let mut ends = BTreeMap::new();
        for partition in topic_metadata.partitions() {
            let id = partition.id();
            let (low, high) = consumer
                .fetch_watermarks(&topic, id, READ_TIMEOUT)
                .with_context(|| format!("failed to read the offsets of {topic}/{id}"))?;
            let start = match tail {
                Some(n) => low.max(high - i64::try_from(n).unwrap_or(i64::MAX)),
                None => low,
            };
            if start < high {
                assignment.add_partition_offset(&topic, id, Offset::Offset(start))?;
                ends.insert(id, high);
            }
        }
        read_until(&consumer, &assignment, ends)
    })
    .await
    .context("the dead-letter reader failed")??;
    letters.sort_by_key(|l| (l.timestamp_ms, l.partition, l.offset));
    Ok(letters)
}

/// Reads the records at the given positions of the dead-letter topic.
async fn read_positions(
    kafka: &KafkaConfig,
    positions: &[(i32, i64)],
) -> anyhow::Result<Vec<DeadLetter>> {
    let mut letters = Vec::new();
    for &(partition, offset) in positions {
        let consumer = reader(kafka)?;
        let topic = dlq_topic(kafka);
        let letter = tokio::task::spawn_blocking(move || -> anyhow::Result<DeadLetter> {
            let (low, high) = consumer
                .fetch_watermarks(&topic, partition, READ_TIMEOUT)
                .with_context(|| format!("failed to read the offsets of {topic}/{partition}"))?;
            if offset < low || offset >= high {
                anyhow::bail!(
                    "{topic} has no record at {partition}:{offset} (partition {partition} holds \
                     offsets {low}..{high})"
                );
            }
            let mut assignment = TopicPartitionList::new();
            assignment.add_partition_offset(&topic, partition, Offset::Offset(offset))?;
            let found = read_until(
                &consumer,
                &assignment,
                BTreeMap::from([(partition, offset + 1)]),
            )?;
            found
                .into_iter()
                .find(|l| l.offset == offset)
                .ok_or_else(|| anyhow::anyhow!("{topic} has no record at {partition}:{offset}"))
        })
        .await
        .context("the dead-letter reader failed")??;
        letters.push(letter);
    }
    Ok(letters)
}

/// Polls the assigned partitions until every one reached its end offset (exclusive).
fn read_until(
    consumer: &BaseConsumer,
    assignment: &TopicPartitionList,
    mut ends: BTreeMap<i32, i64>,
) -> anyhow::Result<Vec<DeadLetter>> {
    let mut letters = Vec::new();
    if ends.is_empty() {
        return Ok(letters);
    }
    consumer.assign(assignment)?;
    let deadline = Instant::now() + READ_TIMEOUT;
    while !ends.is_empty() {
        if Instant::now() > deadline {
            anyhow::bail!("timed out reading the dead-letter topic");
        }
        let Some(message) = consumer.poll(Duration::from_millis(500)) else {
            continue;
        };
        let message = message.context("failed to read the dead-letter topic")?;
        let partition = message.partition();
        let Some(&end) = ends.get(&partition) else {
            continue;
        };
        if message.offset() < end {
            letters.push(DeadLetter {
                partition,
                offset: message.offset(),
                timestamp_ms: message.timestamp().to_millis(),
                key: message.key().map(<[u8]>::to_vec),
                payload: message.payload().unwrap_or_default().to_vec(),
                headers: wire_runtime::bus::message_headers(&message),
            });
        }
        if message.offset() + 1 >= end {
            ends.remove(&partition);
        }
    }
    Ok(letters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(headers: &[(&str, &str)]) -> DeadLetter {
        DeadLetter {
            partition: 1,
            offset: 7,
            timestamp_ms: Some(1_795_000_000_000),
            key: Some(b"urn:wirefeed:article:abc".to_vec()),
            payload: b"not json".to_vec(),
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn replay_keeps_key_payload_and_original_headers_and_drops_the_dlq_ones() {
        let dead = letter(&[
            ("traceparent", "00-abc-01"),
            (dlq_headers::REASON, "not valid json"),
            (dlq_headers::KIND, "decode"),
            (dlq_headers::STAGE, "normalizer"),
            (dlq_headers::SOURCE_TOPIC, "wire.raw.v1"),
            (dlq_headers::SOURCE_PARTITION, "2"),
            (dlq_headers::SOURCE_OFFSET, "5"),
        ]);
        let record = dead.replay_record().unwrap();
        assert_eq!(record.topic, "wire.raw.v1");
        assert_eq!(
            record.key.as_deref(),
            Some(&b"urn:wirefeed:article:abc"[..])
        );
        assert_eq!(record.payload, b"not json");
        assert_eq!(
            record.headers,
            [("traceparent".to_owned(), b"00-abc-01".to_vec())]
        );
    }

    #[test]
    fn a_cut_payload_or_a_missing_origin_is_not_replayed() {
        let cut = letter(&[
            (dlq_headers::SOURCE_TOPIC, "wire.raw.v1"),
            (dlq_headers::TRUNCATED_FROM_BYTES, "900000"),
        ]);
        assert!(cut.replay_record().unwrap_err().contains("900000"));
        let orphan = letter(&[(dlq_headers::KIND, "decode")]);
        assert!(
            orphan
                .replay_record()
                .unwrap_err()
                .contains(dlq_headers::SOURCE_TOPIC)
        );
    }

    #[test]
    fn the_summary_line_starts_with_the_position_replay_takes() {
        let dead = letter(&[
            (dlq_headers::REASON, "not valid json: expected value"),
            (dlq_headers::KIND, "decode"),
            (dlq_headers::STAGE, "normalizer"),
            (dlq_headers::SOURCE_TOPIC, "wire.raw.v1"),
            (dlq_headers::SOURCE_PARTITION, "2"),
            (dlq_headers::SOURCE_OFFSET, "5"),
            (dlq_headers::REJECTED_AT, "2026-11-25T10:00:00+00:00"),
        ]);
        assert_eq!(
            dead.summary_line(),
            "1:7  2026-11-25T10:00:00+00:00  normalizer/decode  from wire.raw.v1 2:5  \
             key=urn:wirefeed:article:abc  8 bytes  reason: not valid json: expected value"
        );
        assert_eq!(parse_position(&dead.position()).unwrap(), (1, 7));
    }

    #[test]
    fn json_has_every_header_and_the_payload() {
        let mut dead = letter(&[(dlq_headers::KIND, "decode")]);
        let json = dead.to_json();
        assert_eq!(json["headers"][dlq_headers::KIND], "decode");
        assert_eq!(json["payload"], "not json");
        dead.payload = vec![0xff, 0xfe];
        assert_eq!(dead.to_json()["payload_base64"], "//4=");
    }

    #[test]
    fn positions_parse_or_say_why_not() {
        assert_eq!(parse_position("0:42").unwrap(), (0, 42));
        assert!(
            parse_position("42")
                .unwrap_err()
                .contains("PARTITION:OFFSET")
        );
        assert!(parse_position("a:1").unwrap_err().contains("partition"));
    }
}
