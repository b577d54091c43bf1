//! `footfall-processor consume`: polls every shard of a Kinesis stream with the AWS SDK, runs
//! each page of records through the pipeline, and checkpoints the last delivered sequence
//! number per shard in a file, so a restart goes on where it stopped: nothing missed, nothing
//! doubled. This is how the local stack runs, and how to run footfall without Lambda.

use super::shard::{list_shards, ShardReader, StartPosition};
use crate::batch::{Position, Record};
use crate::pipeline::Pipeline;
use aws_sdk_kinesis::Client;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::watch;

#[derive(Debug, Clone)]
pub struct ConsumeOptions {
    pub stream: String,
    /// Where to start reading a shard that has no checkpoint yet.
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
    #[error("Kinesis: {0}")]
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

/// Consumes until `shutdown` turns true (or the stop options say so).
pub async fn consume(
    pipeline: &Pipeline,
    client: &Client,
    options: &ConsumeOptions,
    mut shutdown: watch::Receiver<bool>,
) -> Result<Summary, ConsumeError> {
    let mut checkpoint = Checkpoint::load(&options.checkpoint_file, &options.stream)?;
    let mut shards: Vec<ShardReader> = list_shards(client, &options.stream)
        .await
        .map_err(ConsumeError::Kinesis)?
        .iter()
        .map(|id| {
            let after = checkpoint.shards.get(id).cloned();
            ShardReader::new(client.clone(), &options.stream, id, options.start, after)
        })
        .collect();
    tracing::info!(stream = %options.stream, shards = shards.len(), checkpoint = %options.checkpoint_file.display(), "consuming");
    let mut summary = Summary::default();
    let mut failures = 0u32;
    let mut caught_up = vec![false; shards.len()];
    loop {
        if *shutdown.borrow() {
            break;
        }
        let mut delivered_any = false;
        for (shard, caught_up) in shards.iter_mut().zip(caught_up.iter_mut()) {
            let page = match shard.next_page(Some(options.batch_size)).await {
                Ok(page) => page,
                Err(error) => {
                    // An expired iterator or throttling: the next read goes on where this one was.
                    tracing::warn!(shard = %shard.shard(), %error, "GetRecords failed");
                    continue;
                }
            };
            *caught_up = page.caught_up();
            if page.records.is_empty() {
                continue;
            }
            let records: Vec<Record> = page
                .records
                .into_iter()
                .map(|r| Record {
                    position: Position {
                        source: options.stream.clone(),
                        shard: shard.shard().to_string(),
                        sequence: r.sequence_number,
                    },
                    data: r.data.into_inner(),
                })
                .collect();
            match pipeline.run(&records).await {
                Ok(delivered) => {
                    failures = 0;
                    let last = records
                        .last()
                        .map(|r| r.position.sequence.clone())
                        .unwrap_or_default();
                    checkpoint.shards.insert(shard.shard().to_string(), last);
                    checkpoint.save(&options.checkpoint_file)?;
                    summary.batches += 1;
                    summary.events += delivered.events;
                    summary.dead_letters += delivered.dead_letters;
                    delivered_any = true;
                    tracing::info!(shard = %shard.shard(), records = records.len(), events = delivered.events, dead_letters = delivered.dead_letters, "batch delivered");
                }
                Err(error) => {
                    // Not checkpointed: the same records are read again once the sink is back.
                    failures += 1;
                    shard.resume_after(checkpoint.shards.get(shard.shard()).cloned());
                    let pause = Duration::from_millis(200 * u64::from(failures.min(10)));
                    tracing::error!(shard = %shard.shard(), %error, ?pause, "batch not delivered; retrying from the checkpoint");
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
        if options.stop_at_end && caught_up.iter().all(|c| *c) {
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
