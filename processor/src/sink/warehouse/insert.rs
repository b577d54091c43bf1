//! Streaming rows in: [`Warehouse::insert`] sends the events as `tabledata.insertAll` requests of
//! at most 500 rows (`insertId = event_id`, valid rows kept when others are invalid) and turns the
//! answer's `insertErrors` into [`Rejected`] rows, which become dead letters.

use super::retry::with_retries;
use super::Warehouse;
use crate::sink::SinkError;
use footfall_event::EnrichedEvent;
use gcp_bigquery_client::error::BQError;
use gcp_bigquery_client::model::table_data_insert_all_request::TableDataInsertAllRequest;
use gcp_bigquery_client::model::table_data_insert_all_response::TableDataInsertAllResponse;

/// Rows per insertAll request: BigQuery recommends 500, allows 50,000 and 10 MB.
pub const ROWS_PER_REQUEST: usize = 500;

/// A row BigQuery refused for good, by index into the rows given, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub index: usize,
    pub reason: String,
}

impl Warehouse {
    /// Inserts the events; returns the rows BigQuery rejected for good. Fails (so the batch is
    /// retried) when BigQuery stays unavailable through every retry.
    pub async fn insert(&self, events: &[EnrichedEvent]) -> Result<Vec<Rejected>, SinkError> {
        let s = &self.settings;
        let mut rejected = Vec::new();
        for (chunk_index, chunk) in events.chunks(ROWS_PER_REQUEST).enumerate() {
            let response = with_retries(s.retry, "insertAll", || async {
                self.client
                    .tabledata()
                    .insert_all(&s.project, &s.dataset, &s.table, request(chunk)?)
                    .await
            })
            .await?;
            rejected.extend(rejections(
                response,
                chunk_index * ROWS_PER_REQUEST,
                chunk.len(),
            ));
        }
        Ok(rejected)
    }
}

/// One insertAll request of `rows`, each with its `event_id` as `insertId`.
fn request(rows: &[EnrichedEvent]) -> Result<TableDataInsertAllRequest, BQError> {
    let mut request = TableDataInsertAllRequest::new();
    // Valid rows go in even when others are invalid; the invalid ones are reported.
    request.skip_invalid_rows();
    for event in rows {
        request.add_row(Some(event.request.event_id.clone()), event)?;
    }
    Ok(request)
}

/// The rows of a request of `len` rows, the first of them row `offset` of the batch, that the
/// answer reports as rejected, each with the reasons BigQuery gave.
fn rejections(response: TableDataInsertAllResponse, offset: usize, len: usize) -> Vec<Rejected> {
    let mut rejected = Vec::new();
    for error in response.insert_errors.unwrap_or_default() {
        let reasons: Vec<String> = error
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                format!(
                    "{}: {}",
                    e.reason.unwrap_or_default(),
                    e.message.unwrap_or_default()
                )
            })
            .collect();
        let index = error
            .index
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < len);
        let Some(index) = index else {
            // Not attributable to a row: never dead-letter the wrong one.
            tracing::warn!(reasons = ?reasons, "BigQuery reported an insert error without a valid row index");
            continue;
        };
        rejected.push(Rejected {
            index: offset + index,
            reason: format!("BigQuery rejected the row: {}", reasons.join("; ")),
        });
    }
    rejected
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn event(id: &str) -> EnrichedEvent {
        EnrichedEvent {
            request: footfall_event::PageRequest {
                event_id: id.into(),
                timestamp: "2018-12-16T16:03:04.000Z".into(),
                ..Default::default()
            },
            ..EnrichedEvent::default()
        }
    }

    #[test]
    fn a_request_carries_each_row_with_its_event_id_as_insert_id() {
        let rows = [event("a"), event("b")];
        let body = serde_json::to_value(request(&rows).unwrap()).unwrap();
        assert_eq!(body["skipInvalidRows"], true);
        assert_eq!(body["ignoreUnknownValues"], false);
        let rows = body["rows"].as_array().unwrap();
        let ids: Vec<(&Value, &Value)> = rows
            .iter()
            .map(|r| (&r["insertId"], &r["json"]["event_id"]))
            .collect();
        assert_eq!(
            ids,
            [(&json!("a"), &json!("a")), (&json!("b"), &json!("b"))]
        );
        assert_eq!(rows[0]["json"]["timestamp"], "2018-12-16T16:03:04.000Z");
    }

    #[test]
    fn batches_are_cut_into_requests_of_500_rows() {
        // The same cut `insert` makes.
        let events: Vec<EnrichedEvent> = (0..1201).map(|i| event(&i.to_string())).collect();
        let sizes: Vec<usize> = events
            .chunks(ROWS_PER_REQUEST)
            .map(|chunk| request(chunk).unwrap().len())
            .collect();
        assert_eq!(sizes, [500, 500, 201]);
    }

    fn answer(insert_errors: Value) -> TableDataInsertAllResponse {
        serde_json::from_value(json!({
            "kind": "bigquery#tableDataInsertAllResponse",
            "insertErrors": insert_errors
        }))
        .unwrap()
    }

    #[test]
    fn insert_errors_become_rejected_rows_of_the_batch() {
        // Row 3 of the second request (rows 500..1000) is invalid.
        let response = answer(json!([
            {"index": 3, "errors": [
                {"reason": "invalid", "location": "timestamp", "message": "Invalid timestamp"},
                {"reason": "invalid", "message": "second"}
            ]}
        ]));
        assert_eq!(
            rejections(response, 500, 500),
            [Rejected {
                index: 503,
                reason: "BigQuery rejected the row: invalid: Invalid timestamp; invalid: second"
                    .into()
            }]
        );
    }

    #[test]
    fn an_answer_without_insert_errors_rejects_nothing() {
        let none: TableDataInsertAllResponse =
            serde_json::from_value(json!({"kind": "bigquery#tableDataInsertAllResponse"})).unwrap();
        assert!(rejections(none, 0, 10).is_empty());
        assert!(rejections(answer(json!([])), 0, 10).is_empty());
    }

    #[test]
    fn errors_without_a_row_of_the_request_reject_nothing() {
        let response = answer(json!([
            {"errors": [{"reason": "invalid", "message": "no index"}]},
            {"index": 10, "errors": [{"reason": "invalid", "message": "past the end"}]},
            {"index": -1, "errors": [{"reason": "invalid", "message": "negative"}]},
            {"index": 9, "errors": [{"reason": "invalid", "message": "the last row"}]}
        ]));
        let rejected = rejections(response, 0, 10);
        assert_eq!(
            rejected.iter().map(|r| r.index).collect::<Vec<_>>(),
            [9],
            "{rejected:?}"
        );
    }
}
