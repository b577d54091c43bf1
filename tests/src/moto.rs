//! moto's server as the S3 stand-in, read back with the official AWS SDK.

use crate::kinesalite::runtime;
use crate::process::{free_port, Service};
use crate::tools::moto_server;
use std::io::Read;
use std::process::Command;
use std::time::Duration;

pub struct Moto {
    pub port: u16,
    client: aws_sdk_s3::Client,
    _service: Service,
}

impl Moto {
    pub fn start() -> Moto {
        let port = free_port();
        let mut service = Service::spawn(
            "moto",
            Command::new(moto_server()).args(["-H", "127.0.0.1", "-p", &port.to_string()]),
        );
        service.wait_for_port(port, Duration::from_secs(30));
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .endpoint_url(format!("http://127.0.0.1:{port}"))
            .force_path_style(true)
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                "local", "local", None, None, "test",
            ))
            .build();
        Moto {
            port,
            client: aws_sdk_s3::Client::from_conf(config),
            _service: service,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every key under `prefix`, sorted.
    pub fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        runtime().block_on(async {
            let mut keys = Vec::new();
            let mut pages = self
                .client
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.expect("ListObjectsV2");
                keys.extend(
                    page.contents()
                        .iter()
                        .filter_map(|o| o.key().map(String::from)),
                );
            }
            keys.sort();
            keys
        })
    }

    /// An object's bytes and content type.
    pub fn object(&self, bucket: &str, key: &str) -> (Vec<u8>, Option<String>) {
        runtime().block_on(async {
            let object = self
                .client
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .expect("GetObject");
            let content_type = object.content_type().map(String::from);
            let bytes = object
                .body
                .collect()
                .await
                .expect("object body")
                .into_bytes();
            (bytes.to_vec(), content_type)
        })
    }

    /// The JSON lines of a gzip NDJSON object.
    pub fn ndjson_gz(&self, bucket: &str, key: &str) -> Vec<serde_json::Value> {
        let (bytes, _) = self.object(bucket, key);
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .expect("gzip");
        text.lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    /// All lines of all objects under `prefix`.
    pub fn all_lines(&self, bucket: &str, prefix: &str) -> Vec<serde_json::Value> {
        self.keys(bucket, prefix)
            .iter()
            .flat_map(|k| self.ndjson_gz(bucket, k))
            .collect()
    }
}
