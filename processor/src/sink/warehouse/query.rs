//! Running SQL: [`Warehouse::query`] sends one GoogleSQL statement (`jobs.query`, named STRING
//! parameters) and reads the first page of its answer into an [`Answer`]: columns and rows, or a
//! failure with BigQuery's reasons.

use super::retry::with_retries;
use super::Warehouse;
use crate::sink::SinkError;
use gcp_bigquery_client::model::field_type::FieldType;
use gcp_bigquery_client::model::query_parameter::QueryParameter;
use gcp_bigquery_client::model::query_parameter_type::QueryParameterType;
use gcp_bigquery_client::model::query_parameter_value::QueryParameterValue;
use gcp_bigquery_client::model::query_request::QueryRequest;
use gcp_bigquery_client::model::query_response::QueryResponse;

/// How long BigQuery may take before it answers that the query is still running.
const TIMEOUT_MS: i32 = 60_000;

/// What a query returned: its columns (name, BigQuery type) and its rows, cell by cell, as
/// BigQuery's API encodes them (scalars as strings, arrays as `[{"v": ...}]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Rows in the whole result; more than `rows` holds when only the first page was read.
    pub total_rows: usize,
}

impl Warehouse {
    /// Runs one SQL statement (GoogleSQL) with named STRING parameters (`@name` in the SQL).
    /// Only the first page of rows is read: saved queries aggregate.
    pub async fn query(&self, sql: &str, params: &[(String, String)]) -> Result<Answer, SinkError> {
        let response = with_retries(self.settings.retry, "query", || async {
            self.client
                .job()
                .query(&self.settings.project, request(sql, params))
                .await
        })
        .await?;
        answer(response)
    }
}

fn request(sql: &str, params: &[(String, String)]) -> QueryRequest {
    let mut request = QueryRequest::new(sql);
    request.timeout_ms = Some(TIMEOUT_MS);
    if !params.is_empty() {
        request.parameter_mode = Some("NAMED".into());
        request.query_parameters = Some(params.iter().map(string_parameter).collect());
    }
    request
}

fn string_parameter((name, value): &(String, String)) -> QueryParameter {
    QueryParameter {
        name: Some(name.clone()),
        parameter_type: Some(QueryParameterType {
            r#type: "STRING".into(),
            array_type: None,
            struct_types: None,
        }),
        parameter_value: Some(QueryParameterValue {
            value: Some(value.clone()),
            array_values: None,
            struct_values: None,
        }),
    }
}

/// The answer of a successful `jobs.query`, or a failure. `errors` in a 200 answer are the
/// statement's failure when the answer has no result (no columns: no schema, or one without
/// fields, as bqemulator answers a failed statement); beside a result they are warnings, and
/// logged. BigQuery itself usually answers a failed statement with an HTTP error instead.
fn answer(response: QueryResponse) -> Result<Answer, SinkError> {
    if let Some(errors) = response.errors.as_ref().filter(|e| !e.is_empty()) {
        let messages: Vec<String> = errors
            .iter()
            .map(|e| e.message.clone().unwrap_or_default())
            .collect();
        let messages = messages.join("; ");
        let has_columns = response
            .schema
            .as_ref()
            .and_then(|s| s.fields.as_ref())
            .is_some_and(|fields| !fields.is_empty());
        if !has_columns {
            return Err(SinkError::Warehouse(format!("query failed: {messages}")));
        }
        tracing::warn!(%messages, "BigQuery reported warnings for a query");
    }
    if response.job_complete == Some(false) {
        return Err(SinkError::Warehouse(
            "query still running after 60 s; look it up in the BigQuery console".into(),
        ));
    }
    let columns = response
        .schema
        .as_ref()
        .and_then(|s| s.fields.as_ref())
        .map(|fields| {
            fields
                .iter()
                .map(|f| (f.name.clone(), type_name(&f.r#type)))
                .collect()
        })
        .unwrap_or_default();
    let total_rows = response.total_rows.as_deref().and_then(|n| n.parse().ok());
    let rows: Vec<Vec<serde_json::Value>> = response
        .rows
        .unwrap_or_default()
        .into_iter()
        .map(|row| {
            row.columns
                .unwrap_or_default()
                .into_iter()
                .map(|cell| cell.value.unwrap_or(serde_json::Value::Null))
                .collect()
        })
        .collect();
    Ok(Answer {
        total_rows: total_rows.unwrap_or(rows.len()),
        columns,
        rows,
    })
}

/// `TIMESTAMP`, `STRING`, ... as BigQuery spells the type.
fn type_name(kind: &FieldType) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn response(body: Value) -> QueryResponse {
        serde_json::from_value(body).unwrap()
    }

    fn schema() -> Value {
        json!({"fields": [
            {"name": "host", "type": "STRING", "mode": "NULLABLE"},
            {"name": "n", "type": "INTEGER", "mode": "NULLABLE"},
            {"name": "path", "type": "STRING", "mode": "REPEATED"}
        ]})
    }

    #[test]
    fn an_answer_has_the_columns_and_rows_as_bigquery_encodes_them() {
        let answer = answer(response(json!({
            "kind": "bigquery#queryResponse",
            "jobComplete": true,
            "schema": schema(),
            "rows": [
                {"f": [{"v": "a.example"}, {"v": "2"}, {"v": [{"v": "blog"}]}]},
                {"f": [{"v": null}, {"v": "1"}, {"v": []}]}
            ],
            "totalRows": "7"
        })))
        .unwrap();
        assert_eq!(
            answer.columns,
            [
                ("host".to_string(), "STRING".to_string()),
                ("n".into(), "INTEGER".into()),
                ("path".into(), "STRING".into())
            ]
        );
        assert_eq!(
            answer.rows,
            [
                vec![json!("a.example"), json!("2"), json!([{"v": "blog"}])],
                vec![Value::Null, json!("1"), json!([])]
            ]
        );
        assert_eq!(answer.total_rows, 7, "more rows than the first page");
    }

    #[test]
    fn a_statement_without_a_result_and_without_errors_succeeds() {
        // A statement with no result set (DDL, DML), with no schema or an empty one.
        for body in [
            json!({"jobComplete": true}),
            json!({"jobComplete": true, "schema": {"fields": []}, "rows": [], "totalRows": "0"}),
        ] {
            let answer = answer(response(body)).unwrap();
            assert_eq!(
                answer,
                Answer {
                    columns: vec![],
                    rows: vec![],
                    total_rows: 0
                }
            );
        }
    }

    #[test]
    fn errors_without_a_result_are_the_failure() {
        let error = answer(response(json!({
            "jobComplete": true,
            "errors": [
                {"reason": "invalidQuery", "message": "Table p.d.nope was not found"},
                {"message": "and another"}
            ]
        })))
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "query failed: Table p.d.nope was not found; and another"
        );
    }

    #[test]
    fn bqemulators_answer_to_a_failed_statement_is_a_failure() {
        // What bqemulator 1.4.0 answers (HTTP 200) for a SELECT from a missing dataset.
        let error = answer(response(json!({
            "kind": "bigquery#queryResponse",
            "jobReference": {"projectId": "footfall-test", "jobId": "bqemu_9862a54c7fc8"},
            "jobComplete": true,
            "totalBytesProcessed": "0",
            "schema": {"fields": []},
            "rows": [],
            "totalRows": "0",
            "errors": [{
                "reason": "notFound",
                "message": "Not found: Dataset footfall-test:nope was not found in location US"
            }]
        })))
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "query failed: Not found: Dataset footfall-test:nope was not found in location US"
        );
    }

    #[test]
    fn errors_beside_a_result_are_warnings() {
        let answer = answer(response(json!({
            "jobComplete": true,
            "schema": schema(),
            "rows": [{"f": [{"v": "a"}, {"v": "1"}, {"v": []}]}],
            "errors": [{"reason": "warning", "message": "slow"}]
        })))
        .unwrap();
        assert_eq!(answer.rows.len(), 1);
        assert_eq!(answer.total_rows, 1);
    }

    #[test]
    fn a_query_still_running_fails() {
        let error = answer(response(json!({"jobComplete": false})))
            .unwrap_err()
            .to_string();
        assert!(error.contains("still running"), "{error}");
    }

    #[test]
    fn parameters_are_named_strings() {
        let none = serde_json::to_value(request("SELECT 1", &[])).unwrap();
        assert_eq!(none["query"], "SELECT 1");
        assert_eq!(none["timeoutMs"], 60_000);
        assert!(none.get("parameterMode").is_none() && none.get("queryParameters").is_none());
        let one = serde_json::to_value(request(
            "SELECT @host",
            &[("host".into(), "a.example".into())],
        ))
        .unwrap();
        assert_eq!(one["parameterMode"], "NAMED");
        assert_eq!(
            one["queryParameters"],
            json!([{
                "name": "host",
                "parameterType": {"type": "STRING"},
                "parameterValue": {"value": "a.example"}
            }])
        );
    }
}
