//! The edge's real wasm under Viceroy, configured per test through a generated fastly.toml.

use crate::process::{free_port, Service};
use crate::tools::{edge_wasm, fastly_cli, fastly_config_home, viceroy};
use footfall_event::RawEvent;
use std::process::Command;
use std::time::Duration;

/// The test stream and log endpoint the generated configuration names.
pub const STREAM: &str = "footfall-events";
pub const LOG_ENDPOINT: &str = "footfall_events";

/// How the edge is started: Viceroy directly, or through the Fastly CLI as users do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    Viceroy,
    /// `fastly compute serve --skip-build`, offline, with the cached Viceroy.
    FastlyComputeServe,
}

pub struct Edge {
    pub port: u16,
    service: Service,
    _dir: tempfile::TempDir,
}

impl Edge {
    /// Starts the edge in front of `origin_port`, with Kinesis at `kinesis_port` and the config
    /// store's defaults for the tests replaced by `store` entries.
    pub fn start(origin_port: u16, kinesis_port: u16, store: &[(&str, &str)]) -> Edge {
        Edge::start_with(Runner::Viceroy, origin_port, kinesis_port, store)
    }

    pub fn start_with(
        runner: Runner,
        origin_port: u16,
        kinesis_port: u16,
        store: &[(&str, &str)],
    ) -> Edge {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("fastly.toml");
        std::fs::write(&manifest, manifest_toml(origin_port, kinesis_port, store)).unwrap();
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let mut command = match runner {
            Runner::Viceroy => {
                let mut command = Command::new(viceroy());
                command
                    .arg("-C")
                    .arg(&manifest)
                    .arg("--addr")
                    .arg(&addr)
                    .arg(edge_wasm());
                command
            }
            Runner::FastlyComputeServe => {
                let mut command = Command::new(fastly_cli());
                command
                    .args(["compute", "serve", "--skip-build", "--addr", &addr])
                    .arg("--file")
                    .arg(edge_wasm())
                    .arg("--viceroy-path")
                    .arg(viceroy())
                    .current_dir(dir.path())
                    .env("XDG_CONFIG_HOME", fastly_config_home());
                command
            }
        };
        let mut service = Service::spawn(&format!("{runner:?}"), &mut command);
        service.wait_for_port(port, Duration::from_secs(60));
        Edge {
            port,
            service,
            _dir: dir,
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path_and_query)
    }

    /// Events written to the log endpoint (Viceroy prints each as `NAME :: line`).
    pub fn logged_events(&self) -> Vec<RawEvent> {
        self.logged_lines()
            .iter()
            .map(|json| {
                serde_json::from_str(json)
                    .unwrap_or_else(|e| panic!("log line is not an event ({e}): {json}"))
            })
            .collect()
    }

    /// The log endpoint's lines as written.
    pub fn logged_lines(&self) -> Vec<String> {
        let prefix = format!("{LOG_ENDPOINT} :: ");
        self.service
            .lines()
            .iter()
            .filter_map(|l| l.strip_prefix(&prefix))
            .map(String::from)
            .collect()
    }

    /// What the edge wrote to stderr (its error lines).
    pub fn errors(&self) -> Vec<String> {
        self.service
            .lines()
            .iter()
            .filter_map(|l| l.strip_prefix("stderr: "))
            .map(String::from)
            .collect()
    }

    /// CPU time Viceroy has used so far.
    pub fn cpu_time(&self) -> Duration {
        self.service.cpu_time()
    }

    /// Everything Viceroy printed, for failure messages.
    pub fn output(&self) -> String {
        self.service.lines().join("\n")
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The `[local_server.geolocation]` tables of the project's fastly.toml, so the tests place
/// their loopback clients where the demo's are.
fn local_geolocation() -> String {
    let mut in_geolocation = false;
    let mut tables = String::new();
    for line in include_str!("../../fastly.toml").lines() {
        if line.starts_with('[') {
            in_geolocation = line.starts_with("[local_server.geolocation");
        }
        if in_geolocation {
            tables.push_str(line);
            tables.push('\n');
        }
    }
    assert!(
        !tables.is_empty(),
        "fastly.toml has no [local_server.geolocation]"
    );
    tables
}

fn manifest_toml(origin_port: u16, kinesis_port: u16, store: &[(&str, &str)]) -> String {
    let mut entries: Vec<(&str, &str)> = vec![
        ("kinesis_stream", STREAM),
        ("kinesis_region", "us-east-1"),
        ("log_endpoint", LOG_ENDPOINT),
    ];
    for (key, value) in store {
        entries.retain(|(k, _)| k != key);
        entries.push((key, value));
    }
    let contents: String = entries
        .iter()
        .map(|(k, v)| format!("{k} = {}\n", quoted(v)))
        .collect();
    let geolocation = local_geolocation();
    format!(
        r#"manifest_version = 3
name = "footfall-edge-test"
language = "rust"

[local_server.backends.origin]
url = "http://127.0.0.1:{origin_port}"

[local_server.backends.kinesis]
url = "http://127.0.0.1:{kinesis_port}"

[local_server.config_stores.footfall_config]
format = "inline-toml"
[local_server.config_stores.footfall_config.contents]
{contents}
[[local_server.secret_stores.footfall_secrets]]
key = "aws_access_key_id"
data = "test-access-key"
[[local_server.secret_stores.footfall_secrets]]
key = "aws_secret_access_key"
data = "test-secret-key"

{geolocation}"#
    )
}
