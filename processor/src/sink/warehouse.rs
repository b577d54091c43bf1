//! The BigQuery warehouse: `tabledata.insertAll` with `insertId = event_id`, batched within the
//! API's limits, retried with backoff and jitter on throttling and server errors, and with rows
//! BigQuery rejects for good handed back so they become dead letters.

use super::schema::{table_schema, CLUSTER_FIELDS, PARTITION_FIELD};
use super::views::{Placeholders, VIEWS};
use super::SinkError;
use footfall_event::EnrichedEvent;
use gcp_bigquery_client::auth::Authenticator;
use gcp_bigquery_client::client_builder::ClientBuilder;
use gcp_bigquery_client::error::BQError;
use gcp_bigquery_client::model::clustering::Clustering;
use gcp_bigquery_client::model::dataset::Dataset;
use gcp_bigquery_client::model::field_type::FieldType;
use gcp_bigquery_client::model::query_parameter::QueryParameter;
use gcp_bigquery_client::model::query_parameter_type::QueryParameterType;
use gcp_bigquery_client::model::query_parameter_value::QueryParameterValue;
use gcp_bigquery_client::model::query_request::QueryRequest;
use gcp_bigquery_client::model::table::Table;
use gcp_bigquery_client::model::table_data_insert_all_request::TableDataInsertAllRequest;
use gcp_bigquery_client::model::time_partitioning::TimePartitioning;
use gcp_bigquery_client::yup_oauth2::parse_service_account_key;
use std::sync::Arc;
use std::time::Duration;

/// Rows per insertAll request: BigQuery recommends 500, allows 50,000 and 10 MB.
const ROWS_PER_REQUEST: usize = 500;

/// Where the events table is and how to reach it.
#[derive(Debug, Clone)]
pub struct WarehouseSettings {
    pub project: String,
    pub dataset: String,
    pub table: String,
    /// A BigQuery API base URL, e.g. an emulator's `http://127.0.0.1:9050/bigquery/v2`; it is
    /// reached without credentials.
    pub endpoint: Option<String>,
    /// How the client proves who it is (ignored with an emulator `endpoint`).
    pub credentials: GoogleCredentials,
    pub retry: RetryPolicy,
}

/// What only `setup` needs: where a new dataset lives, and what the views count as a conversion.
#[derive(Debug, Clone)]
pub struct SetupOptions {
    /// BigQuery location of the dataset, e.g. `US` or `EU` (fixed once it exists).
    pub location: String,
    /// The regex of conversion page URLs, for the `attribution` view.
    pub conversion_pattern: String,
}

/// What a query returned: its columns (name, BigQuery type) and its rows, cell by cell, as
/// BigQuery's API encodes them (scalars as strings, arrays as `[{"v": ...}]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Rows in the whole result; more than `rows` holds when only the first page was read.
    pub total_rows: usize,
}

/// `TIMESTAMP`, `STRING`, ... as BigQuery spells the type.
fn type_name(kind: &FieldType) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
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

/// Where the Google credentials come from.
#[derive(Clone, Default)]
pub enum GoogleCredentials {
    /// Application Default Credentials (the environment, gcloud, or the metadata server).
    #[default]
    ApplicationDefault,
    /// A service account key file.
    KeyFile(String),
    /// A service account key's JSON, e.g. read from AWS Secrets Manager.
    Key(String),
}

impl std::fmt::Debug for GoogleCredentials {
    /// Never prints a key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoogleCredentials::ApplicationDefault => f.write_str("ApplicationDefault"),
            GoogleCredentials::KeyFile(path) => write!(f, "KeyFile({path:?})"),
            GoogleCredentials::Key(_) => f.write_str("Key(..)"),
        }
    }
}

/// How often and how patiently a request is retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// "Full jitter" backoff: a random wait up to `base * 2^attempt`, capped.
    fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.base.saturating_mul(1 << attempt.min(16)).min(self.cap);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        ceiling.mul_f64(f64::from(nanos % 1000) / 1000.0)
    }
}

/// A row BigQuery refused for good, by index into the rows given, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub index: usize,
    pub reason: String,
}

pub struct Warehouse {
    client: gcp_bigquery_client::Client,
    settings: WarehouseSettings,
}

/// Credentials for an emulator, which checks none.
#[derive(Clone)]
struct NoCredentials;

#[async_trait::async_trait]
impl Authenticator for NoCredentials {
    async fn access_token(&self) -> Result<String, BQError> {
        Ok("emulator".to_string())
    }
}

impl Warehouse {
    pub async fn connect(settings: WarehouseSettings) -> Result<Self, SinkError> {
        let mut builder = ClientBuilder::new();
        let client = match (&settings.endpoint, &settings.credentials) {
            (Some(endpoint), _) => {
                builder.with_v2_base_url(endpoint.trim_end_matches('/').to_string());
                builder
                    .build_from_authenticator(Arc::new(NoCredentials))
                    .await
            }
            (None, GoogleCredentials::KeyFile(file)) => {
                builder.build_from_service_account_key_file(file).await
            }
            (None, GoogleCredentials::Key(json)) => {
                let key = parse_service_account_key(json).map_err(|e| {
                    SinkError::Warehouse(format!(
                        "the Google credentials are not a service account key: {e}"
                    ))
                })?;
                builder.build_from_service_account_key(key, false).await
            }
            (None, GoogleCredentials::ApplicationDefault) => {
                builder.build_from_application_default_credentials().await
            }
        }
        .map_err(|e| SinkError::Warehouse(format!("BigQuery client: {e}")))?;
        Ok(Warehouse { client, settings })
    }

    /// Inserts the events; returns the rows BigQuery rejected for good. Fails (so the batch is
    /// retried) when BigQuery stays unavailable through every retry.
    pub async fn insert(&self, events: &[EnrichedEvent]) -> Result<Vec<Rejected>, SinkError> {
        let mut rejected = Vec::new();
        for (chunk_index, chunk) in events.chunks(ROWS_PER_REQUEST).enumerate() {
            let offset = chunk_index * ROWS_PER_REQUEST;
            let response = self
                .with_retries("insertAll", || async {
                    let mut request = TableDataInsertAllRequest::new();
                    // Valid rows go in even when others are invalid; the invalid ones are reported.
                    request.skip_invalid_rows();
                    for event in chunk {
                        request.add_row(Some(event.request.event_id.clone()), event)?;
                    }
                    let s = &self.settings;
                    self.client
                        .tabledata()
                        .insert_all(&s.project, &s.dataset, &s.table, request)
                        .await
                })
                .await?;
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
                    .filter(|i| *i < chunk.len());
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
        }
        Ok(rejected)
    }

    /// Creates the dataset and the partitioned, clustered events table where they do not exist
    /// yet, and (re)creates the views of `sql/views/`.
    pub async fn set_up(&self, options: &SetupOptions) -> Result<(), SinkError> {
        let s = &self.settings;
        let exists = |result: Result<_, BQError>| match result {
            Ok(_) => Ok(()),
            Err(BQError::ResponseError { error }) if error.error.code == 409 => Ok(()),
            Err(e) => Err(e),
        };
        exists(
            self.client
                .dataset()
                .create(Dataset::new(&s.project, &s.dataset).location(&options.location))
                .await
                .map(|_| ()),
        )
        .map_err(|e| SinkError::Warehouse(format!("create dataset {}: {e}", s.dataset)))?;
        let table = Table::new(&s.project, &s.dataset, &s.table, table_schema())
            .time_partitioning(TimePartitioning::per_day().field(PARTITION_FIELD))
            .clustering(Clustering {
                fields: Some(CLUSTER_FIELDS.iter().map(|f| f.to_string()).collect()),
            });
        exists(self.client.table().create(table).await.map(|_| ()))
            .map_err(|e| SinkError::Warehouse(format!("create table {}: {e}", s.table)))?;
        let placeholders = Placeholders {
            conversion_pattern: Some(&options.conversion_pattern),
            ..self.placeholders()
        };
        for (_, ddl) in VIEWS {
            self.query(&placeholders.render(ddl), &[]).await?;
        }
        Ok(())
    }

    /// The placeholders of this warehouse's saved queries (the views' are `set_up`'s).
    pub fn placeholders(&self) -> Placeholders<'_> {
        let s = &self.settings;
        Placeholders {
            project: &s.project,
            dataset: &s.dataset,
            table: &s.table,
            conversion_pattern: None,
        }
    }

    /// Runs one SQL statement (GoogleSQL) with named STRING parameters (`@name` in the SQL).
    /// Only the first page of rows is read: saved queries aggregate.
    pub async fn query(&self, sql: &str, params: &[(String, String)]) -> Result<Answer, SinkError> {
        let response = self
            .with_retries("query", || async {
                let mut request = QueryRequest::new(sql);
                request.timeout_ms = Some(60_000);
                if !params.is_empty() {
                    request.parameter_mode = Some("NAMED".into());
                    request.query_parameters = Some(params.iter().map(string_parameter).collect());
                }
                self.client
                    .job()
                    .query(&self.settings.project, request)
                    .await
            })
            .await?;
        // BigQuery answers a failed statement with an HTTP error, and lists mere warnings here;
        // an emulator reports its failures here, in a 200 answer.
        if let Some(errors) = response.errors.as_ref().filter(|e| !e.is_empty()) {
            let messages: Vec<String> = errors
                .iter()
                .map(|e| e.message.clone().unwrap_or_default())
                .collect();
            let messages = messages.join("; ");
            if self.settings.endpoint.is_some() {
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

    async fn with_retries<T, F, Fut>(&self, what: &str, mut call: F) -> Result<T, SinkError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, BQError>>,
    {
        let policy = self.settings.retry;
        let mut attempt = 0;
        loop {
            match call().await {
                Ok(value) => return Ok(value),
                Err(error) if is_transient(&error) && attempt + 1 < policy.attempts => {
                    let delay = policy.delay(attempt);
                    tracing::warn!(%error, attempt, ?delay, "BigQuery {what} failed; retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(error) => {
                    return Err(SinkError::Warehouse(format!("BigQuery {what}: {error}")))
                }
            }
        }
    }
}

/// Throttling, server errors and network trouble are worth retrying; a bad request is not.
fn is_transient(error: &BQError) -> bool {
    match error {
        BQError::ResponseError { error } => {
            let code = error.error.code;
            matches!(code, 429 | 500 | 502 | 503 | 504)
                || (code == 403
                    && error.error.errors.iter().any(|e| {
                        matches!(
                            e.get("reason").map(String::as_str),
                            Some("rateLimitExceeded" | "backendError")
                        )
                    }))
        }
        BQError::RequestError(e) => {
            e.is_timeout()
                || e.is_connect()
                || e.is_decode()
                || e.status().is_some_and(|s| s.is_server_error())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            attempts: 10,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        for attempt in 0..10 {
            let ceiling = Duration::from_millis(100 * (1 << attempt)).min(Duration::from_secs(1));
            assert!(policy.delay(attempt) <= ceiling);
        }
    }
}
