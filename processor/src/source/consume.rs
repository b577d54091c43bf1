//! `footfall-processor consume`: polls every shard of a Kinesis stream with the AWS SDK, runs
//! each page of records through the pipeline, and checkpoints the last delivered sequence
//! number per shard in a file, so a restart goes on where it stopped: nothing missed, nothing
//! doubled. This is how the local stack runs, and how to run footfall without Lambda.

use crate::batch::{Position, Record};
use crate::pipeline::Pipeline;
use aws_sdk_kinesis::types::ShardIteratorType;
use aws_sdk_kinesis::Client;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::watch;

/// Where to start reading a shard that has no checkpoint yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartPosition {
    TrimHorizon,
    Latest,
    /// Seconds since the Unix epoch.
    AtTimestamp(i64),
}

#[derive(Debug, Clone)]
pub struct ConsumeOptions {
    pub stream: String,
    pub start: StartPosition,
    pub checkpoint_file: PathBuf,
    /// Records per GetRecords call (Kinesis allows up to 10,000).
    pub batch_size: i32,
    /// Pause between polls of a shard that had nothing new (Kinesis allows 5 reads/s/shard).
    pub idle_poll: Duration,
    /// Stop once every shard has been read to its end (for batch runs and tests).
    pub stop_at_end: bool,
    /// Stop after this many delivered batches.
    pub max_batches: Option<usize>,
}

/// What a run delivered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub batches: usize,
    pub events: usize,
    pub dead_letters: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ConsumeError {
    #[error("Kinesis {0}")]
    Kinesis(String),
    #[error("checkpoint file {path}: {error}")]
    Checkpoint { path: PathBuf, error: String },
}

/// The last delivered sequence number of each shard.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    pub stream: String,
    pub shards: BTreeMap<String, String>,
}

impl Checkpoint {
    pub fn load(path: &Path, stream: &str) -> Result<Checkpoint, ConsumeError> {
        let error = |error: String| ConsumeError::Checkpoint {
            path: path.to_path_buf(),
            error,
        };
        match std::fs::read(path) {
            Ok(bytes) => {
                let checkpoint: Checkpoint =
                    serde_json::from_slice(&bytes).map_err(|e| error(e.to_string()))?;
                if checkpoint.stream != stream {
                    return Err(error(format!(
                        "belongs to stream {:?}, not {stream:?}",
                        checkpoint.stream
                    )));
                }
                Ok(checkpoint)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Checkpoint {
                stream: stream.into(),
                shards: BTreeMap::new(),
            }),
            Err(e) => Err(error(e.to_string())),
        }
    }

    /// Writes the checkpoint atomically (a new file renamed over the old one).
    pub fn save(&self, path: &Path) -> Result<(), ConsumeError> {
        let error = |e: std::io::Error| ConsumeError::Checkpoint {
            path: path.to_path_buf(),
            error: e.to_string(),
        };
        let temporary = path.with_extension("tmp");
        std::fs::write(
            &temporary,
            serde_json::to_vec_pretty(self).expect("a checkpoint serialises"),
        )
        .map_err(error)?;
        std::fs::rename(&temporary, path).map_err(error)
    }
}

struct Shard {
    id: String,
    iterator: Option<String>,
    caught_up: bool,
}

/// Consumes until `shutdown` turns true (or the stop options say so).
pub async fn consume(
    pipeline: &Pipeline,
    client: &Client,
    options: &ConsumeOptions,
    mut shutdown: watch::Receiver<bool>,
) -> Result<Summary, ConsumeError> {
    let kinesis = |what: &str, e: String| {
        ConsumeError::Kinesis(format!("{what} on stream {:?}: {e}", options.stream))
    };
    let mut checkpoint = Checkpoint::load(&options.checkpoint_file, &options.stream)?;
    let listed = client
        .list_shards()
        .stream_name(&options.stream)
        .send()
        .await
        .map_err(|e| {
            kinesis(
                "ListShards",
                aws_sdk_kinesis::error::DisplayErrorContext(e).to_string(),
            )
        })?;
    let mut shards: Vec<Shard> = listed
        .shards()
        .iter()
        .map(|s| Shard {
            id: s.shard_id().to_string(),
            iterator: None,
            caught_up: false,
        })
        .collect();
    tracing::info!(stream = %options.stream, shards = shards.len(), checkpoint = %options.checkpoint_file.display(), "consuming");
    let mut summary = Summary::default();
    let mut failures = 0u32;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let mut delivered_any = false;
        for shard in &mut shards {
            if shard.iterator.is_none() {
                shard.iterator = Some(
                    iterator(client, options, &checkpoint, &shard.id)
                        .await
                        .map_err(|e| kinesis("GetShardIterator", e))?,
                );
            }
            let page = match client
                .get_records()
                .shard_iterator(shard.iterator.clone().unwrap_or_default())
                .limit(options.batch_size)
                .send()
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    // An expired iterator or throttling: start again from the checkpoint.
                    tracing::warn!(shard = %shard.id, error = %aws_sdk_kinesis::error::DisplayErrorContext(e), "GetRecords failed");
                    shard.iterator = None;
                    continue;
                }
            };
            let records: Vec<Record> = page
                .records()
                .iter()
                .map(|r| Record {
                    data: r.data().as_ref().to_vec(),
                    position: Position {
                        source: options.stream.clone(),
                        shard: shard.id.clone(),
                        sequence: r.sequence_number().to_string(),
                    },
                })
                .collect();
            shard.caught_up = records.is_empty() && page.millis_behind_latest().unwrap_or(0) == 0;
            if records.is_empty() {
                shard.iterator = page.next_shard_iterator().map(String::from);
                continue;
            }
            match pipeline.run(&records).await {
                Ok(delivered) => {
                    failures = 0;
                    let last = records
                        .last()
                        .map(|r| r.position.sequence.clone())
                        .unwrap_or_default();
                    checkpoint.shards.insert(shard.id.clone(), last);
                    checkpoint.save(&options.checkpoint_file)?;
                    shard.iterator = page.next_shard_iterator().map(String::from);
                    summary.batches += 1;
                    summary.events += delivered.events;
                    summary.dead_letters += delivered.dead_letters;
                    delivered_any = true;
                    tracing::info!(shard = %shard.id, records = records.len(), events = delivered.events, dead_letters = delivered.dead_letters, "batch delivered");
                }
                Err(error) => {
                    // Not checkpointed: the same records are read again once the sink is back.
                    failures += 1;
                    shard.iterator = None;
                    let pause = Duration::from_millis(200 * u64::from(failures.min(10)));
                    tracing::error!(shard = %shard.id, %error, ?pause, "batch not delivered; retrying from the checkpoint");
                    tokio::time::sleep(pause).await;
                }
            }
            if options
                .max_batches
                .is_some_and(|max| summary.batches >= max)
            {
                return Ok(summary);
            }
        }
        // Closed shards (after a reshard) have no next iterator and nothing more to give.
        shards.retain(|s| s.iterator.is_some() || !s.caught_up);
        if options.stop_at_end && shards.iter().all(|s| s.caught_up) {
            break;
        }
        if !delivered_any {
            tokio::select! {
                _ = tokio::time::sleep(options.idle_poll) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
    tracing::info!(?summary, "stopped");
    Ok(summary)
}

async fn iterator(
    client: &Client,
    options: &ConsumeOptions,
    checkpoint: &Checkpoint,
    shard: &str,
) -> Result<String, String> {
    let request = client
        .get_shard_iterator()
        .stream_name(&options.stream)
        .shard_id(shard);
    let request = match (checkpoint.shards.get(shard), options.start) {
        (Some(sequence), _) => request
            .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
            .starting_sequence_number(sequence),
        (None, StartPosition::TrimHorizon) => {
            request.shard_iterator_type(ShardIteratorType::TrimHorizon)
        }
        (None, StartPosition::Latest) => request.shard_iterator_type(ShardIteratorType::Latest),
        (None, StartPosition::AtTimestamp(seconds)) => request
            .shard_iterator_type(ShardIteratorType::AtTimestamp)
            .timestamp(aws_sdk_kinesis::primitives::DateTime::from_secs(seconds)),
    };
    let response = request
        .send()
        .await
        .map_err(|e| aws_sdk_kinesis::error::DisplayErrorContext(e).to_string())?;
    response
        .shard_iterator()
        .map(String::from)
        .ok_or_else(|| format!("no iterator for shard {shard}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_round_trip_and_belong_to_one_stream() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.json");
        let fresh = Checkpoint::load(&path, "events").unwrap();
        assert!(fresh.shards.is_empty());
        let mut checkpoint = fresh;
        checkpoint
            .shards
            .insert("shardId-000000000000".into(), "4959".into());
        checkpoint.save(&path).unwrap();
        assert_eq!(Checkpoint::load(&path, "events").unwrap(), checkpoint);
        assert!(Checkpoint::load(&path, "other")
            .unwrap_err()
            .to_string()
            .contains("belongs to stream \"events\""));
        std::fs::write(&path, b"{").unwrap();
        assert!(Checkpoint::load(&path, "events").is_err());
    }
}
