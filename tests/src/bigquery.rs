//! bqemulator as the BigQuery stand-in (started offline by scripts/local/start_bqemulator.py), queried
//! over its REST API directly, independently of the processor's client.

use crate::process::{free_port, Service};
use crate::tools::{bqemulator_python, workspace};
use std::process::Command;
use std::time::Duration;

pub const PROJECT: &str = "footfall-test";

pub struct BigQuery {
    pub port: u16,
    _service: Service,
}

impl BigQuery {
    pub fn start() -> BigQuery {
        let (port, grpc) = (free_port(), free_port());
        let mut service = Service::spawn(
            "bqemulator",
            Command::new(bqemulator_python())
                .arg(workspace().join("scripts/local/start_bqemulator.py"))
                .args([
                    "start",
                    "--rest-host",
                    "127.0.0.1",
                    "--rest-port",
                    &port.to_string(),
                ])
                .args([
                    "--grpc-host",
                    "127.0.0.1",
                    "--grpc-port",
                    &grpc.to_string(),
                    "--ephemeral",
                    "--project",
                    PROJECT,
                ]),
        );
        service.wait_for_port(port, Duration::from_secs(60));
        BigQuery {
            port,
            _service: service,
        }
    }

    /// The base URL the processor takes as `--bigquery-endpoint`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/bigquery/v2", self.port)
    }

    /// Runs standard SQL and returns the rows as JSON objects (column name → value as text).
    pub fn query(&self, sql: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
        let url = format!("{}/projects/{PROJECT}/queries", self.endpoint());
        let body = serde_json::json!({"query": sql, "useLegacySql": false});
        let mut response = ureq::post(&url)
            .send_json(&body)
            .unwrap_or_else(|e| panic!("query {sql}: {e}"));
        let result: serde_json::Value = response.body_mut().read_json().expect("a query response");
        // bqemulator reports a failed statement inside a 200 answer.
        if let Some(errors) = result["errors"].as_array().filter(|e| !e.is_empty()) {
            panic!("query {sql} failed: {errors:?}");
        }
        let names: Vec<String> = result["schema"]["fields"]
            .as_array()
            .map(|fields| {
                fields
                    .iter()
                    .map(|f| f["name"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default();
        result["rows"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|row| {
                names
                    .iter()
                    .cloned()
                    .zip(
                        row["f"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|c| c["v"].clone()),
                    )
                    .collect()
            })
            .collect()
    }

    /// A table's resource (`tables.get`): its schema, partitioning, clustering.
    pub fn table(&self, dataset: &str, table: &str) -> serde_json::Value {
        let url = format!(
            "{}/projects/{PROJECT}/datasets/{dataset}/tables/{table}",
            self.endpoint()
        );
        ureq::get(&url)
            .call()
            .unwrap_or_else(|e| panic!("tables.get {dataset}.{table}: {e}"))
            .body_mut()
            .read_json()
            .expect("a table resource")
    }

    /// `SELECT COUNT(*)` of a table or view.
    pub fn count(&self, table: &str) -> u64 {
        let rows = self.query(&format!("SELECT COUNT(*) AS n FROM `{PROJECT}.{table}`"));
        rows[0]["n"]
            .as_str()
            .and_then(|n| n.parse().ok())
            .expect("a count")
    }
}
