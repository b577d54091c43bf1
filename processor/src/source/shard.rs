//! Reads one Kinesis shard page by page: the one loop over GetShardIterator and GetRecords that
//! `consume`, the demo's live watcher and the test harness all use. It remembers the last
//! record it returned, so after a failed read (an expired iterator, throttling) the next read
//! goes on right after it; [`ShardReader::resume_after`] moves it back, e.g. to a checkpoint.

use aws_sdk_kinesis::error::DisplayErrorContext;
use aws_sdk_kinesis::types::{Record, ShardIteratorType};
use aws_sdk_kinesis::Client;

/// Where to start reading a shard that has no position yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartPosition {
    TrimHorizon,
    Latest,
    /// Seconds since the Unix epoch.
    AtTimestamp(i64),
}

/// One GetRecords answer.
#[derive(Debug)]
pub struct Page {
    pub records: Vec<Record>,
    /// The page reaches the newest record in the shard (Kinesis says it is 0 ms behind).
    pub at_tip: bool,
    /// The shard is closed (after a reshard) and has been read to its end.
    pub closed: bool,
}

pub struct ShardReader {
    client: Client,
    stream: String,
    shard: String,
    start: StartPosition,
    /// The last record returned, which reading goes on after.
    last_sequence: Option<String>,
    /// Where the next GetRecords reads; `None` until asked for, and after a failed read.
    iterator: Option<String>,
    closed: bool,
}

impl Page {
    /// Nothing new is in the shard: an empty page at its newest record.
    pub fn caught_up(&self) -> bool {
        self.records.is_empty() && self.at_tip
    }
}

impl ShardReader {
    /// A reader of `shard` that starts after `after` if given, else at `start`.
    pub fn new(
        client: Client,
        stream: &str,
        shard: &str,
        start: StartPosition,
        after: Option<String>,
    ) -> ShardReader {
        ShardReader {
            client,
            stream: stream.to_string(),
            shard: shard.to_string(),
            start,
            last_sequence: after,
            iterator: None,
            closed: false,
        }
    }

    pub fn shard(&self) -> &str {
        &self.shard
    }

    /// Reads on after `sequence` (or from the start without one) from the next page on.
    pub fn resume_after(&mut self, sequence: Option<String>) {
        self.last_sequence = sequence;
        self.iterator = None;
        self.closed = false;
    }

    /// The next page of at most `limit` records (Kinesis' own limit without one).
    pub async fn next_page(&mut self, limit: Option<i32>) -> Result<Page, String> {
        if self.closed {
            return Ok(Page {
                records: Vec::new(),
                at_tip: true,
                closed: true,
            });
        }
        let iterator = match self.iterator.take() {
            Some(iterator) => iterator,
            None => self.new_iterator().await?,
        };
        let page = self
            .client
            .get_records()
            .shard_iterator(iterator)
            .set_limit(limit)
            .send()
            .await
            .map_err(|e| self.failed("GetRecords", DisplayErrorContext(e).to_string()))?;
        // The answer's records are moved out, not copied: a page can hold megabytes.
        let records = page.records;
        if let Some(last) = records.last() {
            self.last_sequence = Some(last.sequence_number().to_string());
        }
        self.iterator = page.next_shard_iterator;
        self.closed = self.iterator.is_none();
        Ok(Page {
            at_tip: page.millis_behind_latest.unwrap_or(0) == 0,
            closed: self.closed && records.is_empty(),
            records,
        })
    }

    async fn new_iterator(&self) -> Result<String, String> {
        let request = self
            .client
            .get_shard_iterator()
            .stream_name(&self.stream)
            .shard_id(&self.shard);
        let request = match (&self.last_sequence, self.start) {
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
        let answer = request
            .send()
            .await
            .map_err(|e| self.failed("GetShardIterator", DisplayErrorContext(e).to_string()))?;
        answer
            .shard_iterator()
            .map(String::from)
            .ok_or_else(|| self.failed("GetShardIterator", "no iterator in the answer".into()))
    }

    fn failed(&self, call: &str, error: String) -> String {
        format!(
            "{call} on stream {:?}, shard {}: {error}",
            self.stream, self.shard
        )
    }
}

/// The ids of a stream's shards, every page of them.
pub async fn list_shards(client: &Client, stream: &str) -> Result<Vec<String>, String> {
    let mut shards = Vec::new();
    let mut next_token: Option<String> = None;
    loop {
        // A follow-up page is named by its token alone.
        let request = match &next_token {
            Some(token) => client.list_shards().next_token(token),
            None => client.list_shards().stream_name(stream),
        };
        let answer = request.send().await.map_err(|e| {
            format!(
                "ListShards on stream {stream:?}: {}",
                DisplayErrorContext(e)
            )
        })?;
        shards.extend(answer.shards().iter().map(|s| s.shard_id().to_string()));
        next_token = answer.next_token().map(String::from);
        if next_token.is_none() {
            return Ok(shards);
        }
    }
}
