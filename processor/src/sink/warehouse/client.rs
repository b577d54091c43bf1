//! Reaching BigQuery: where the events table is ([`WarehouseSettings`]), how the client proves
//! who it is ([`GoogleCredentials`]), and [`Warehouse::connect`], which builds the client (an
//! `endpoint`, e.g. an emulator's, is reached without credentials).

use super::retry::RetryPolicy;
use super::Warehouse;
use crate::sink::SinkError;
use gcp_bigquery_client::auth::Authenticator;
use gcp_bigquery_client::client_builder::ClientBuilder;
use gcp_bigquery_client::error::BQError;
use gcp_bigquery_client::yup_oauth2::parse_service_account_key;
use std::sync::Arc;

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
    /// Builds the client: against `endpoint` without credentials where one is set, otherwise
    /// against Google's API with the configured credentials. Fails on a key that is not a
    /// service account key (without printing it).
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(endpoint: Option<&str>, credentials: GoogleCredentials) -> WarehouseSettings {
        WarehouseSettings {
            project: "p".into(),
            dataset: "d".into(),
            table: "t".into(),
            endpoint: endpoint.map(String::from),
            credentials,
            retry: RetryPolicy::default(),
        }
    }

    #[test]
    fn credentials_never_print_a_key() {
        let key = GoogleCredentials::Key(r#"{"private_key": "hunter2"}"#.into());
        assert_eq!(format!("{key:?}"), "Key(..)");
        let file = GoogleCredentials::KeyFile("/run/key.json".into());
        assert_eq!(format!("{file:?}"), r#"KeyFile("/run/key.json")"#);
        let settings = settings(None, key);
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[tokio::test]
    async fn a_key_that_is_not_a_service_account_key_fails_without_being_printed() {
        let error = Warehouse::connect(settings(None, GoogleCredentials::Key("hunter2".into())))
            .await
            .err()
            .expect("not a key")
            .to_string();
        assert!(error.contains("not a service account key"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[tokio::test]
    async fn an_endpoint_is_reached_without_credentials() {
        // The key would fail to parse; with an endpoint it is never looked at.
        let warehouse = Warehouse::connect(settings(
            Some("http://127.0.0.1:9/bigquery/v2/"),
            GoogleCredentials::Key("hunter2".into()),
        ))
        .await;
        assert!(warehouse.is_ok());
    }
}
