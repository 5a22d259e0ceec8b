//! The Kafka topics of a deployment and how each is made, in one place for every creator: the
//! bus at start-up ([`crate::bus::KafkaBus`] with `bus.kafka.create_topics`), the state store
//! ([`crate::state::KafkaStateStore`], its own topic) and `wirefeed topics create|describe`.
//!
//! - Data topics ([`wire_model::topics::ALL`] and the enricher's topic routes):
//!   `bus.kafka.partitions` partitions, `bus.kafka.replication_factor` replicas,
//!   `cleanup.policy=delete` and `retention.ms` from `bus.kafka.retention_hours` (0: forever).
//! - Tables (`wire.sources.v1`, `wire.subscriptions.v1`, [`TABLES`]): compacted, keyed by id.
//! - State topics (`wire.state.<stage>.v1` of [`STATE_STAGES`]): one partition (the state store
//!   reads partition 0), `cleanup.policy=compact` (the last value of every key is kept).
//!
//! Every name gets `bus.kafka.topic_prefix`. Pure: no client, no broker.

use crate::config::KafkaConfig;

/// The stages that keep state in a compacted topic when `state.kind` resolves to `kafka`.
pub const STATE_STAGES: [&str; 3] = ["fetcher", "enricher", "alerter"];

/// The tables ([`crate::table`]) and their partitions: the sources are shared out between
/// fetcher instances by partition (up to twelve instances share the work), every alerter reads
/// every subscription (one partition).
pub const TABLES: [(&str, i32); 2] = [
    (wire_model::topics::SOURCES, 12),
    (wire_model::topics::SUBSCRIPTIONS, 1),
];

/// `cleanup.policy` of data topics.
pub const DELETE: &str = "delete";
/// `cleanup.policy` of state topics.
pub const COMPACT: &str = "compact";

/// What a topic should look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicPlan {
    /// The physical name (with the prefix).
    pub name: String,
    pub partitions: i32,
    pub replication_factor: i32,
    /// [`DELETE`] (data) or [`COMPACT`] (state).
    pub cleanup_policy: &'static str,
    /// `retention.ms` of a data topic (-1: forever); `None` for compacted topics.
    pub retention_ms: Option<i64>,
}

impl TopicPlan {
    /// The data topic `logical` (e.g. [`wire_model::topics::RAW`]).
    pub fn data(kafka: &KafkaConfig, logical: &str) -> Self {
        Self {
            name: format!("{}{logical}", kafka.topic_prefix),
            partitions: kafka.partitions,
            replication_factor: kafka.replication_factor,
            cleanup_policy: DELETE,
            retention_ms: Some(retention_ms(kafka)),
        }
    }

    /// The state topic of `stage` (`wire.state.<stage>.v1`).
    pub fn state(kafka: &KafkaConfig, stage: &str) -> Self {
        Self {
            name: format!(
                "{}{}",
                kafka.topic_prefix,
                wire_model::topics::state_topic(stage)
            ),
            partitions: 1,
            replication_factor: kafka.replication_factor,
            cleanup_policy: COMPACT,
            retention_ms: None,
        }
    }

    /// The table `logical` ([`crate::table`]): compacted, with `partitions` partitions.
    pub fn table(kafka: &KafkaConfig, logical: &str, partitions: i32) -> Self {
        Self {
            name: format!("{}{logical}", kafka.topic_prefix),
            partitions,
            replication_factor: kafka.replication_factor,
            cleanup_policy: COMPACT,
            retention_ms: None,
        }
    }

    /// The topic configs to create it with (`cleanup.policy`, and `retention.ms` of a data
    /// topic).
    pub fn configs(&self) -> Vec<(&'static str, String)> {
        let mut configs = vec![("cleanup.policy", self.cleanup_policy.to_owned())];
        if let Some(retention_ms) = self.retention_ms {
            configs.push(("retention.ms", retention_ms.to_string()));
        }
        configs
    }
}

/// `retention.ms` of data topics: `bus.kafka.retention_hours` in milliseconds, -1 (forever)
/// for 0.
pub fn retention_ms(kafka: &KafkaConfig) -> i64 {
    if kafka.retention_hours == 0 {
        -1
    } else {
        i64::try_from(kafka.retention_hours.saturating_mul(3_600_000)).unwrap_or(i64::MAX)
    }
}

/// Every topic a deployment with `kafka` needs, data topics first, then the enricher's topic
/// routes (`routes`, logical names, each once), then the tables, then the state topics.
pub fn plan(kafka: &KafkaConfig, routes: &[String]) -> Vec<TopicPlan> {
    let mut logical_names: Vec<&str> = wire_model::topics::ALL.to_vec();
    for route in routes {
        if !logical_names.contains(&route.as_str()) {
            logical_names.push(route);
        }
    }
    let data = logical_names
        .into_iter()
        .map(|logical| TopicPlan::data(kafka, logical));
    let tables = TABLES
        .iter()
        .map(|(logical, partitions)| TopicPlan::table(kafka, logical, *partitions));
    let state = STATE_STAGES
        .iter()
        .map(|stage| TopicPlan::state(kafka, stage));
    data.chain(tables).chain(state).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kafka(prefix: &str, retention_hours: u64) -> KafkaConfig {
        let mut kafka: KafkaConfig = crate::config::embedded_section("bus.kafka");
        kafka.topic_prefix = prefix.to_owned();
        kafka.retention_hours = retention_hours;
        kafka
    }

    #[test]
    fn a_data_topic_is_deleted_after_the_retention_and_a_state_topic_is_compacted() {
        let kafka = kafka("staging.", 2);
        let raw = TopicPlan::data(&kafka, wire_model::topics::RAW);
        assert_eq!(raw.name, "staging.wire.raw.v1");
        assert_eq!(raw.partitions, kafka.partitions);
        assert_eq!(
            raw.configs(),
            [
                ("cleanup.policy", "delete".to_owned()),
                ("retention.ms", "7200000".to_owned())
            ]
        );
        let state = TopicPlan::state(&kafka, "enricher");
        assert_eq!(state.name, "staging.wire.state.enricher.v1");
        assert_eq!(state.partitions, 1);
        assert_eq!(state.replication_factor, kafka.replication_factor);
        assert_eq!(state.configs(), [("cleanup.policy", "compact".to_owned())]);
    }

    #[test]
    fn zero_retention_hours_is_forever_and_huge_ones_saturate() {
        assert_eq!(retention_ms(&kafka("", 0)), -1);
        assert_eq!(retention_ms(&kafka("", u64::MAX)), i64::MAX);
    }

    #[test]
    fn the_plan_lists_data_topics_then_routes_once_then_tables_then_state_topics() {
        let route = "wire.topic.syria-peace-process.v1".to_owned();
        let plans = plan(&kafka("", 24), &[route.clone(), route.clone()]);
        let data = wire_model::topics::ALL.len();
        assert_eq!(plans.len(), data + 1 + TABLES.len() + STATE_STAGES.len());
        assert_eq!(plans[data + 1].name, "wire.sources.v1");
        assert_eq!(plans[data + 1].partitions, 12);
        assert_eq!(plans[data + 2].name, "wire.subscriptions.v1");
        assert_eq!(plans[data].name, route);
        assert!(plans[..=data].iter().all(|p| p.cleanup_policy == DELETE));
        assert!(
            plans[data + 1..]
                .iter()
                .all(|p| p.cleanup_policy == COMPACT)
        );
    }
}
