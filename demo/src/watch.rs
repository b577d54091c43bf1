//! Live counts for each stage of the local pipeline, read from the stages themselves: records
//! in the Kinesis stream (what the edge shipped), events and dead letters in S3 (what the
//! processor archived), rows in BigQuery (what it loaded) and the sessions the views see.

use flate2::read::GzDecoder;
use footfall_processor::sink::warehouse::Warehouse;
use footfall_processor::source::shard::{list_shards, ShardReader, StartPosition};
use indicatif::ProgressBar;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::time::{Duration, Instant};

/// Each stage's count so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub shipped: u64,
    pub archived: u64,
    pub dead_letters: u64,
    pub loaded: u64,
    pub sessions: u64,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "edge → Kinesis {} events │ processor → S3 {} events, {} dead letters │ BigQuery {} rows, {} sessions",
            self.shipped, self.archived, self.dead_letters, self.loaded, self.sessions
        )
    }
}

/// Reads the stages incrementally: the stream from where it left off, new S3 objects only.
pub struct Watcher {
    kinesis: aws_sdk_kinesis::Client,
    stream: String,
    shards: BTreeMap<String, ShardReader>,
    s3: aws_sdk_s3::Client,
    bucket: String,
    prefix: String,
    seen: BTreeSet<String>,
    warehouse: Warehouse,
    counts: Counts,
}

impl Watcher {
    pub fn new(
        kinesis: aws_sdk_kinesis::Client,
        stream: String,
        s3: aws_sdk_s3::Client,
        bucket: String,
        prefix: String,
        warehouse: Warehouse,
    ) -> Watcher {
        Watcher {
            kinesis,
            stream,
            shards: BTreeMap::new(),
            s3,
            bucket,
            prefix,
            seen: BTreeSet::new(),
            warehouse,
            counts: Counts::default(),
        }
    }

    /// The counts now. A stage that cannot be read keeps its last count; the error is returned
    /// with the counts so the display can say which stage is unreachable.
    pub async fn poll(&mut self) -> (Counts, Vec<String>) {
        let mut problems = Vec::new();
        if let Err(e) = self.read_stream().await {
            problems.push(format!("Kinesis: {e}"));
        }
        if let Err(e) = self.read_bucket().await {
            problems.push(format!("S3: {e}"));
        }
        if let Err(e) = self.read_warehouse().await {
            problems.push(format!("BigQuery: {e}"));
        }
        (self.counts, problems)
    }

    /// Shows the counts every `every`, on one line in a terminal, else a line per change. With
    /// `until = (rows, timeout)`, returns once BigQuery holds `rows` rows, or fails after
    /// `timeout`; without, runs until stopped.
    pub async fn follow(
        &mut self,
        every: Duration,
        until: Option<(u64, Duration)>,
    ) -> Result<(), String> {
        let status = ProgressBar::new_spinner();
        status.enable_steady_tick(Duration::from_millis(250));
        let started = Instant::now();
        let mut last = None;
        loop {
            let (counts, problems) = self.poll().await;
            let line = match problems.first() {
                None => counts.to_string(),
                Some(problem) => format!("{counts} │ waiting for {problem}"),
            };
            if status.is_hidden() {
                if last.as_ref() != Some(&line) {
                    eprintln!("{line}");
                }
            } else {
                status.set_message(line.clone());
            }
            last = Some(line);
            if let Some((rows, timeout)) = until {
                if counts.loaded >= rows {
                    status.finish();
                    return Ok(());
                }
                if started.elapsed() > timeout {
                    status.finish();
                    return Err(format!(
                        "BigQuery holds {} of {rows} rows after {} s; see the processor's log",
                        counts.loaded,
                        timeout.as_secs()
                    ));
                }
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Counts the records added to each shard since the last look. A shard whose read fails is
    /// picked up again after its last counted record on the next look.
    async fn read_stream(&mut self) -> Result<(), String> {
        for id in list_shards(&self.kinesis, &self.stream).await? {
            let reader = || {
                let (client, stream) = (self.kinesis.clone(), &self.stream);
                ShardReader::new(client, stream, &id, StartPosition::TrimHorizon, None)
            };
            self.shards.entry(id.clone()).or_insert_with(reader);
        }
        for reader in self.shards.values_mut() {
            loop {
                let page = reader.next_page(None).await?;
                self.counts.shipped += page.records.len() as u64;
                if page.records.is_empty() || page.at_tip {
                    break;
                }
            }
        }
        Ok(())
    }

    async fn read_bucket(&mut self) -> Result<(), String> {
        let mut pages = self
            .s3
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&self.prefix)
            .into_paginator()
            .send();
        let mut new_keys = Vec::new();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| format!("{}", aws_sdk_s3::error::DisplayErrorContext(e)))?;
            for object in page.contents() {
                let key = object.key().unwrap_or_default();
                if !self.seen.contains(key) {
                    new_keys.push(key.to_string());
                }
            }
        }
        for key in new_keys {
            let object = self
                .s3
                .get_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
                .map_err(|e| format!("{}", aws_sdk_s3::error::DisplayErrorContext(e)))?;
            let gzipped = object
                .body
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .into_bytes();
            let lines = count_lines(&gzipped).map_err(|e| format!("{key}: {e}"))?;
            let relative = key.strip_prefix(&self.prefix).unwrap_or(&key);
            if relative.starts_with("errors/") {
                self.counts.dead_letters += lines;
            } else if relative.starts_with("events/") {
                self.counts.archived += lines;
            }
            self.seen.insert(key);
        }
        Ok(())
    }

    async fn read_warehouse(&mut self) -> Result<(), String> {
        let count = |view: &str| {
            self.warehouse.placeholders().render(&format!(
                "SELECT COUNT(*) AS n FROM `{{{{project}}}}.{{{{dataset}}}}.{view}`"
            ))
        };
        let table = self.warehouse.placeholders().table.to_string();
        for (view, target) in [
            (table.as_str(), &mut self.counts.loaded),
            ("sessions", &mut self.counts.sessions),
        ] {
            let answer = self
                .warehouse
                .query(&count(view), &[])
                .await
                .map_err(|e| e.to_string())?;
            *target = answer
                .rows
                .first()
                .and_then(|row| row.first())
                .and_then(|n| n.as_str())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
        }
        Ok(())
    }
}

/// Lines in a gzipped NDJSON object.
fn count_lines(gzipped: &[u8]) -> std::io::Result<u64> {
    let mut text = Vec::new();
    GzDecoder::new(gzipped).read_to_end(&mut text)?;
    Ok(text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn lines_of_a_gzipped_object_are_counted() {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"a\":1}\n{\"a\":2}\n").unwrap();
        assert_eq!(count_lines(&gz.finish().unwrap()).unwrap(), 2);
        assert!(count_lines(b"not gzip").is_err());
    }

    #[test]
    fn counts_read_as_one_status_line() {
        let counts = Counts {
            shipped: 5,
            archived: 4,
            dead_letters: 1,
            loaded: 4,
            sessions: 2,
        };
        assert_eq!(
            counts.to_string(),
            "edge → Kinesis 5 events │ processor → S3 4 events, 1 dead letters │ BigQuery 4 rows, 2 sessions"
        );
    }
}
