//! A batch of stream records → enriched events and dead letters. Source-agnostic: Lambda, the
//! `consume` poller and the Firehose transformation all hand their records to [`process`].

use crate::decode::{decode, format_timestamp};
use crate::enrich::Enricher;
use base64::Engine;
use footfall_event::EnrichedEvent;
use serde::Serialize;
use time::OffsetDateTime;

/// Where a record came from: enough to find it again in the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    /// The stream (name or ARN), or `stdin`.
    pub source: String,
    pub shard: String,
    pub sequence: String,
}

/// One record as the source delivered it.
#[derive(Debug, Clone)]
pub struct Record {
    pub data: Vec<u8>,
    pub position: Position,
}

/// A record that could not be processed, kept whole with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadLetter {
    #[serde(flatten)]
    pub position: Position,
    pub reason: String,
    /// The record's bytes, base64: whatever they were, nothing is lost.
    pub record_base64: String,
    pub failed_at: String,
}

impl DeadLetter {
    pub fn new(record: &Record, reason: impl Into<String>, at: OffsetDateTime) -> Self {
        DeadLetter {
            position: record.position.clone(),
            reason: reason.into(),
            record_base64: base64::engine::general_purpose::STANDARD.encode(&record.data),
            failed_at: format_timestamp(at),
        }
    }
}

/// What came out of a batch, with the positions needed to name its files.
#[derive(Debug, Default)]
pub struct Batch {
    pub events: Vec<EnrichedEvent>,
    /// For each event, the index of the record it came from (to dead-letter it whole later).
    pub record_of: Vec<usize>,
    pub dead_letters: Vec<DeadLetter>,
    pub id: BatchId,
}

/// Names a batch by its shard and sequence range: deterministic, so a retried batch overwrites
/// its own files instead of duplicating them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchId {
    pub shard: String,
    pub first_sequence: String,
    pub last_sequence: String,
}

impl std::fmt::Display for BatchId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}-{}",
            self.shard, self.first_sequence, self.last_sequence
        )
    }
}

/// Decodes and enriches every record; a record that fails becomes a dead letter and the batch
/// goes on.
pub fn process(enricher: &mut Enricher, records: &[Record], now: OffsetDateTime) -> Batch {
    let processed_at = format_timestamp(now);
    let mut batch = Batch {
        id: BatchId {
            shard: records
                .first()
                .map(|r| r.position.shard.clone())
                .unwrap_or_default(),
            first_sequence: records
                .first()
                .map(|r| r.position.sequence.clone())
                .unwrap_or_default(),
            last_sequence: records
                .last()
                .map(|r| r.position.sequence.clone())
                .unwrap_or_default(),
        },
        ..Batch::default()
    };
    for (index, record) in records.iter().enumerate() {
        match decode(&record.data) {
            Ok(hit) => {
                batch.events.push(enricher.enrich(hit, &processed_at));
                batch.record_of.push(index);
            }
            Err(error) => batch
                .dead_letters
                .push(DeadLetter::new(record, error.to_string(), now)),
        }
    }
    batch
}
