//! Where enriched events go: the S3 archive, the BigQuery warehouse, and dead letters.
//! A sink that is down fails the batch, so its source retries it; nothing is dropped silently.

pub mod archive;
pub mod schema;
pub mod views;
pub mod warehouse;

use crate::batch::{Batch, DeadLetter, Record};
use archive::Archive;
use time::OffsetDateTime;
use warehouse::Warehouse;

/// A sink could not take the batch; the batch must be retried.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("S3 archive: {0}")]
    Archive(String),
    #[error("{0}")]
    Warehouse(String),
}

/// The configured sinks; either may be absent (e.g. `enrich` writes to stdout only).
#[derive(Default)]
pub struct Sinks {
    pub archive: Option<Archive>,
    pub warehouse: Option<Warehouse>,
}

/// What a delivered batch amounted to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub events: usize,
    pub dead_letters: usize,
}

impl Sinks {
    /// Archives the batch (unless `archive_events` is false: Firehose archives it itself),
    /// inserts it into BigQuery, and writes its dead letters (including rows BigQuery rejected
    /// for good). Without an archive, dead letters are logged as errors.
    pub async fn deliver(
        &self,
        mut batch: Batch,
        records: &[Record],
        archive_events: bool,
    ) -> Result<Delivered, SinkError> {
        if let (Some(archive), true) = (&self.archive, archive_events) {
            archive.put_events(&batch.id, &batch.events).await?;
        }
        if let Some(warehouse) = &self.warehouse {
            let now = OffsetDateTime::now_utc();
            for rejected in warehouse.insert(&batch.events).await? {
                let record = &records[batch.record_of[rejected.index]];
                batch
                    .dead_letters
                    .push(DeadLetter::new(record, rejected.reason, now));
            }
        }
        if !batch.dead_letters.is_empty() {
            match &self.archive {
                Some(archive) => {
                    archive
                        .put_dead_letters(&batch.id, &batch.dead_letters)
                        .await?;
                }
                None => {
                    for letter in &batch.dead_letters {
                        let json = serde_json::to_string(letter).unwrap_or_default();
                        tracing::error!(dead_letter = %json, "record could not be processed");
                    }
                }
            }
        }
        Ok(Delivered {
            events: batch.events.len(),
            dead_letters: batch.dead_letters.len(),
        })
    }
}
