//! [`Bus::read_from`] over Kafka: a consumer that assigns itself every partition of its topics
//! at the positions it is given (librdkafka `assign`, no group membership, nothing committed).

use super::kafka::{KafkaBus, client_config, delivery_of};
use super::{BusError, Delivery, Positions, Subscription};
use async_trait::async_trait;
use rdkafka::consumer::{BaseConsumer, Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};
use std::time::Duration;

/// How long reading a topic's partitions from the broker may take.
const METADATA_TIMEOUT: Duration = Duration::from_secs(30);

impl KafkaBus {
    /// See [`super::Bus::read_from`].
    pub(super) async fn reader(
        &self,
        topics: &[&str],
        positions: &Positions,
    ) -> Result<Box<dyn Subscription>, BusError> {
        let config = self.config();
        let physical: Vec<(String, String)> = topics
            .iter()
            .map(|logical| ((*logical).to_owned(), self.physical_topic(logical)))
            .collect();
        let metadata_client: BaseConsumer = client_config(config, Some("reader")).create()?;
        let names: Vec<String> = physical.iter().map(|(_, name)| name.clone()).collect();
        let partitions = tokio::task::spawn_blocking(move || {
            names
                .iter()
                .map(|name| {
                    let metadata = metadata_client.fetch_metadata(Some(name), METADATA_TIMEOUT)?;
                    Ok(metadata
                        .topics()
                        .iter()
                        .flat_map(|topic| topic.partitions().iter().map(|p| p.id()))
                        .collect::<Vec<i32>>())
                })
                .collect::<Result<Vec<_>, KafkaError>>()
        })
        .await
        .map_err(|error| BusError::Config(format!("metadata task failed: {error}")))??;
        let mut assignment = TopicPartitionList::new();
        for ((logical, name), ids) in physical.iter().zip(&partitions) {
            if ids.is_empty() {
                return Err(BusError::Config(format!(
                    "topic {name} has no partitions (does it exist? wirefeed topics create)"
                )));
            }
            for id in ids {
                let offset = match positions.get(&(logical.clone(), *id)) {
                    Some(next) => Offset::Offset(*next),
                    None => Offset::Beginning,
                };
                assignment.add_partition_offset(name, *id, offset)?;
            }
        }
        let consumer: StreamConsumer = client_config(config, Some("reader"))
            .set("group.id", format!("{}reader", config.group_prefix))
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("enable.partition.eof", "false")
            .create()?;
        consumer.assign(&assignment)?;
        Ok(Box::new(KafkaReader {
            consumer,
            topic_prefix: config.topic_prefix.clone(),
            partitions: assignment.count(),
        }))
    }
}

struct KafkaReader {
    consumer: StreamConsumer,
    topic_prefix: String,
    partitions: usize,
}

#[async_trait]
impl Subscription for KafkaReader {
    async fn recv(&mut self) -> Result<Delivery, BusError> {
        loop {
            match self.consumer.recv().await {
                Ok(message) => return Ok(delivery_of(&message, &self.topic_prefix)),
                // Retried by librdkafka (a broker restarting): wait, as the group consumer does.
                Err(KafkaError::MessageConsumption(code)) => {
                    tracing::warn!(error = %code, "kafka reader error, retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    fn commit(&mut self, _delivery: &Delivery) -> Result<(), BusError> {
        Ok(())
    }

    fn assigned_partitions(&self) -> usize {
        self.partitions
    }

    fn lag(&self) -> Option<i64> {
        None
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        Ok(())
    }
}
