//! The S3 archive: gzip NDJSON, Hive-partitioned by event date and hour, one object per batch
//! and partition under a deterministic key, so a retried batch overwrites instead of duplicating.
//! Dead letters go under `errors/` the same way, and scheduled reports under `reports/`.

use super::SinkError;
use crate::batch::{BatchId, DeadLetter};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use flate2::write::GzEncoder;
use flate2::Compression;
use footfall_event::EnrichedEvent;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

pub struct Archive {
    client: aws_sdk_s3::Client,
    bucket: String,
    prefix: String,
}

impl Archive {
    pub fn new(client: aws_sdk_s3::Client, bucket: String, prefix: String) -> Self {
        Archive {
            client,
            bucket,
            prefix,
        }
    }

    /// Writes the batch's events, one object per event date and hour; returns the keys.
    pub async fn put_events(
        &self,
        id: &BatchId,
        events: &[EnrichedEvent],
    ) -> Result<Vec<String>, SinkError> {
        self.put_partitioned("events", id, events, |e| &e.request.timestamp)
            .await
    }

    /// Writes dead letters, partitioned by when they failed; returns the keys.
    pub async fn put_dead_letters(
        &self,
        id: &BatchId,
        letters: &[DeadLetter],
    ) -> Result<Vec<String>, SinkError> {
        self.put_partitioned("errors", id, letters, |d| &d.failed_at)
            .await
    }

    /// Writes a report page as `{prefix}reports/{name}.html`; returns the key. The bucket stays
    /// private: the owner opens it with a presigned URL (DEPLOY.md).
    pub async fn put_report(&self, name: &str, html: String) -> Result<String, SinkError> {
        let key = format!("{}reports/{name}.html", self.prefix);
        self.put(&key, html.into_bytes(), "text/html; charset=utf-8", None)
            .await?;
        Ok(key)
    }

    /// One gzip NDJSON object per date and hour of `timestamp`, under `{prefix}{kind}/`.
    async fn put_partitioned<T: Serialize>(
        &self,
        kind: &str,
        id: &BatchId,
        items: &[T],
        timestamp: impl Fn(&T) -> &str,
    ) -> Result<Vec<String>, SinkError> {
        let mut keys = Vec::new();
        for (partition, group) in partitions(items, timestamp) {
            let key = object_key(&self.prefix, kind, &partition, id);
            let body = gzip_ndjson(&group)?;
            self.put(&key, body, "application/x-ndjson", Some("gzip"))
                .await?;
            keys.push(key);
        }
        Ok(keys)
    }

    /// Creates the bucket if it does not exist (for local stand-ins; production uses deploy/).
    pub async fn create_bucket(&self) -> Result<(), SinkError> {
        // Outside us-east-1, S3 wants the bucket's region named (and refuses to create it
        // otherwise, even when the bucket exists already).
        let region = self
            .client
            .config()
            .region()
            .map(|r| r.as_ref().to_string());
        let location = region.filter(|r| r != "us-east-1").map(|r| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(r.as_str()))
                .build()
        });
        match self
            .client
            .create_bucket()
            .bucket(&self.bucket)
            .set_create_bucket_configuration(location)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error().is_some_and(|s| {
                    s.is_bucket_already_owned_by_you() || s.is_bucket_already_exists()
                }) =>
            {
                Ok(())
            }
            Err(e) => Err(SinkError::Archive(format!(
                "create bucket {}: {}",
                self.bucket,
                aws_sdk_s3::error::DisplayErrorContext(e)
            ))),
        }
    }

    async fn put(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
        content_encoding: Option<&str>,
    ) -> Result<(), SinkError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .set_content_encoding(content_encoding.map(String::from))
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| {
                SinkError::Archive(format!(
                    "put s3://{}/{key}: {}",
                    self.bucket,
                    aws_sdk_s3::error::DisplayErrorContext(e)
                ))
            })?;
        Ok(())
    }
}

/// `dt=YYYY-MM-DD/hour=HH` of an RFC 3339 UTC timestamp.
fn partition_of(timestamp: &str) -> String {
    let (date, hour) = (
        timestamp.get(..10).unwrap_or("0000-00-00"),
        timestamp.get(11..13).unwrap_or("00"),
    );
    format!("dt={date}/hour={hour}")
}

fn partitions<T>(items: &[T], timestamp: impl Fn(&T) -> &str) -> BTreeMap<String, Vec<&T>> {
    let mut groups: BTreeMap<String, Vec<&T>> = BTreeMap::new();
    for item in items {
        groups
            .entry(partition_of(timestamp(item)))
            .or_default()
            .push(item);
    }
    groups
}

/// `{prefix}{kind}/dt=YYYY-MM-DD/hour=HH/{shard}-{first sequence}-{last sequence}.ndjson.gz`
pub fn object_key(prefix: &str, kind: &str, partition: &str, id: &BatchId) -> String {
    format!("{prefix}{kind}/{partition}/{id}.ndjson.gz")
}

/// Gzip of one JSON line per item; byte-identical for identical input (no timestamp in the header).
pub fn gzip_ndjson<T: Serialize>(items: &[&T]) -> Result<Vec<u8>, SinkError> {
    let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
    for item in items {
        let line = serde_json::to_vec(item).map_err(|e| SinkError::Archive(e.to_string()))?;
        gzip.write_all(&line)
            .and_then(|_| gzip.write_all(b"\n"))
            .map_err(|e| SinkError::Archive(e.to_string()))?;
    }
    gzip.finish().map_err(|e| SinkError::Archive(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use footfall_event::PageRequest;
    use std::io::Read;

    fn event(id: &str, timestamp: &str) -> EnrichedEvent {
        EnrichedEvent {
            request: PageRequest {
                event_id: id.into(),
                timestamp: timestamp.into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn keys_are_hive_partitioned_and_deterministic() {
        let id = BatchId {
            shard: "shardId-000000000001".into(),
            first_sequence: "495".into(),
            last_sequence: "497".into(),
        };
        assert_eq!(
            object_key(
                "footfall/",
                "events",
                &partition_of("2026-11-30T23:59:59.999Z"),
                &id
            ),
            "footfall/events/dt=2026-11-30/hour=23/shardId-000000000001-495-497.ndjson.gz"
        );
    }

    #[test]
    fn events_are_grouped_by_their_own_date_and_hour() {
        let events = [
            event("a", "2026-11-30T23:10:00.000Z"),
            event("b", "2026-12-01T00:05:00.000Z"),
            event("c", "2026-11-30T23:50:00.000Z"),
        ];
        let groups = partitions(&events, |e| &e.request.timestamp);
        let ids: Vec<(String, Vec<&str>)> = groups
            .into_iter()
            .map(|(p, es)| (p, es.iter().map(|e| e.request.event_id.as_str()).collect()))
            .collect();
        assert_eq!(
            ids,
            [
                ("dt=2026-11-30/hour=23".to_string(), vec!["a", "c"]),
                ("dt=2026-12-01/hour=00".to_string(), vec!["b"])
            ]
        );
    }

    #[test]
    fn gzip_ndjson_is_one_line_per_event_and_repeatable() {
        let events = [event("a", "t"), event("b", "t")];
        let refs: Vec<&EnrichedEvent> = events.iter().collect();
        let bytes = gzip_ndjson(&refs).unwrap();
        assert_eq!(
            bytes,
            gzip_ndjson(&refs).unwrap(),
            "a retried batch writes the same bytes"
        );
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        let lines: Vec<EnrichedEvent> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines, events);
    }
}
