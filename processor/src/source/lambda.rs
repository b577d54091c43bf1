//! AWS Lambda: a Kinesis Data Streams event source (with partial batch failures), a Firehose
//! data transformation (the article's design), or an EventBridge schedule that writes the report
//! to the bucket, told apart by the shape of the invocation.

use crate::batch::{Position, Record};
use crate::pipeline::Pipeline;
use crate::report::{self, period::Period, ReportOptions};
use crate::sink::views::DEFAULT_CONVERSION_PATTERN;
use aws_lambda_events::encodings::Base64Data;
use aws_lambda_events::event::firehose::{
    KinesisFirehoseEvent, KinesisFirehoseResponse, KinesisFirehoseResponseRecord,
};
use aws_lambda_events::event::kinesis::KinesisEvent;
use aws_lambda_events::event::streams::KinesisEventResponse;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Handles one invocation of either kind.
pub async fn handle(pipeline: &Pipeline, invocation: Value) -> Result<Value, Error> {
    let is_firehose =
        invocation.get("deliveryStreamArn").is_some() && invocation.get("records").is_some();
    if is_firehose {
        let event: KinesisFirehoseEvent = serde_json::from_value(invocation)?;
        Ok(serde_json::to_value(transform(pipeline, event).await?)?)
    } else if invocation.get("source").and_then(Value::as_str) == Some("aws.events") {
        let time = invocation
            .get("time")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Ok(scheduled_report(pipeline, time).await?)
    } else if invocation.get("Records").is_some() {
        let event: KinesisEvent = serde_json::from_value(invocation)?;
        Ok(serde_json::to_value(
            consume_kinesis(pipeline, event).await,
        )?)
    } else {
        Err("unsupported invocation: expected a Kinesis event (Records), a Firehose transformation (records, deliveryStreamArn) or an EventBridge schedule (source aws.events)".into())
    }
}

/// The report on the 28 days before the schedule fired (`time`, RFC 3339), written to
/// `reports/{last day}.html` in the bucket; answers with its key.
pub async fn scheduled_report(pipeline: &Pipeline, time: &str) -> Result<Value, Error> {
    let fired = OffsetDateTime::parse(time, &Rfc3339)
        .map_err(|e| format!("the schedule's time {time:?}: {e}"))?;
    let yesterday = fired
        .date()
        .previous_day()
        .ok_or("no day before the schedule's")?;
    let options = ReportOptions {
        period: Period::new(None, Some(&yesterday.to_string()), yesterday)?,
        host: None,
        target: report::DEFAULT_TARGET.into(),
        section: report::DEFAULT_SECTION.into(),
        conversion: DEFAULT_CONVERSION_PATTERN.into(),
    };
    let (Some(warehouse), Some(archive)) = (&pipeline.sinks.warehouse, &pipeline.sinks.archive)
    else {
        return Err("the scheduled report needs BigQuery (FOOTFALL_BIGQUERY_PROJECT) and the bucket (FOOTFALL_BUCKET)".into());
    };
    let page = report::generate(warehouse, &options, OffsetDateTime::now_utc()).await?;
    let key = archive.put_report(&yesterday.to_string(), page).await?;
    tracing::info!(key, start = %options.period.start, end = %options.period.end, "report written");
    Ok(serde_json::json!({ "report": key }))
}

/// A Kinesis batch: undecodable records become dead letters; if a sink is down, the whole
/// batch is reported failed from its first record, so Lambda retries it in order.
pub async fn consume_kinesis(pipeline: &Pipeline, event: KinesisEvent) -> KinesisEventResponse {
    let records: Vec<Record> = event
        .records
        .into_iter()
        .map(|r| {
            let shard = r
                .event_id
                .as_deref()
                .and_then(|id| id.split(':').next())
                .unwrap_or("unknown")
                .to_string();
            Record {
                position: Position {
                    source: r.event_source_arn.unwrap_or_default(),
                    shard,
                    sequence: r.kinesis.sequence_number,
                },
                data: r.kinesis.data.0,
            }
        })
        .collect();
    let mut response = KinesisEventResponse::default();
    match pipeline.run(&records).await {
        Ok(delivered) => tracing::info!(
            records = records.len(),
            events = delivered.events,
            dead_letters = delivered.dead_letters,
            "batch delivered"
        ),
        Err(error) => {
            tracing::error!(%error, records = records.len(), "batch not delivered; Lambda will retry it");
            if let Some(first) = records.first() {
                response.add_failure(first.position.sequence.clone());
            }
        }
    }
    response
}

/// A Firehose transformation: every record comes back `Ok` (enriched NDJSON for Firehose to
/// write to S3) or `ProcessingFailed` (Firehose keeps it under its error prefix); the enriched
/// events also go to BigQuery, as the article's Lambda did.
pub async fn transform(
    pipeline: &Pipeline,
    event: KinesisFirehoseEvent,
) -> Result<KinesisFirehoseResponse, Error> {
    let stream = event.delivery_stream_arn.unwrap_or_default();
    let records: Vec<Record> = event
        .records
        .into_iter()
        .map(|r| Record {
            position: Position {
                source: stream.clone(),
                shard: r
                    .kinesis_firehose_record_metadata
                    .and_then(|m| m.shard_id)
                    .unwrap_or_else(|| "firehose".into()),
                sequence: r.record_id.unwrap_or_default(),
            },
            data: r.data.0,
        })
        .collect();
    let batch = pipeline.process(&records);
    let mut enriched = batch.record_of.iter().zip(&batch.events).peekable();
    let mut response = KinesisFirehoseResponse::default();
    for (index, record) in records.iter().enumerate() {
        let mut out = KinesisFirehoseResponseRecord::default();
        out.record_id = Some(record.position.sequence.clone());
        let mut data = Base64Data::default();
        match enriched.next_if(|(i, _)| **i == index) {
            Some((_, event)) => {
                out.result = Some("Ok".into());
                data.0 = serde_json::to_vec(event)?;
                data.0.push(b'\n');
            }
            None => {
                out.result = Some("ProcessingFailed".into());
                data.0 = record.data.clone();
            }
        }
        out.data = data;
        response.records.push(out);
    }
    // Firehose writes S3; BigQuery (and any dead letters) are ours. A failure fails the
    // invocation, and Firehose retries it.
    pipeline.sinks.deliver(batch, &records, false).await?;
    Ok(response)
}
