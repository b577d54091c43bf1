//! kinesalite, the Kinesis stand-in, read back with the official AWS SDK.

use crate::process::{free_port, Service};
use crate::tools::kinesalite_dir;
use aws_sdk_kinesis::types::StreamStatus;
use aws_sdk_kinesis::Client;
use footfall_event::RawEvent;
use footfall_processor::source::shard::{list_shards, ShardReader, StartPosition};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The harness's async runtime, for the SDK and the slow proxy.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

pub struct Kinesalite {
    pub port: u16,
    client: Client,
    _service: Service,
}

impl Kinesalite {
    /// Starts kinesalite on a free loopback port (its CLI would bind every interface).
    pub fn start() -> Kinesalite {
        let port = free_port();
        let script = "require(process.argv[1])({createStreamMs: 20, deleteStreamMs: 20, updateStreamMs: 20})\
                      .listen(+process.argv[2], '127.0.0.1')";
        let mut service = Service::spawn(
            "kinesalite",
            Command::new("node")
                .args(["-e", script])
                .arg(kinesalite_dir())
                .arg(port.to_string()),
        );
        service.wait_for_port(port, Duration::from_secs(20));
        Kinesalite {
            port,
            client: client(port),
            _service: service,
        }
    }

    /// Creates a stream and waits until it is active.
    pub fn create_stream(&self, name: &str, shards: i32) {
        runtime().block_on(async {
            self.client
                .create_stream()
                .stream_name(name)
                .shard_count(shards)
                .send()
                .await
                .expect("CreateStream");
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let summary = self
                    .client
                    .describe_stream_summary()
                    .stream_name(name)
                    .send()
                    .await
                    .expect("DescribeStreamSummary");
                if summary
                    .stream_description_summary()
                    .map(|s| s.stream_status())
                    == Some(&StreamStatus::Active)
                {
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "stream {name} did not become active"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    }

    /// Puts records one by one, in order, spread over shards by their index.
    pub fn put_records(&self, stream: &str, records: &[Vec<u8>]) {
        runtime().block_on(async {
            for (i, data) in records.iter().enumerate() {
                self.client
                    .put_record()
                    .stream_name(stream)
                    .partition_key(format!("key-{i}"))
                    .data(aws_sdk_kinesis::primitives::Blob::new(data.clone()))
                    .send()
                    .await
                    .expect("PutRecord");
            }
        })
    }

    /// Every record in the stream so far, from every shard, as raw bytes with its partition key.
    pub fn records(&self, stream: &str) -> Vec<(String, Vec<u8>)> {
        runtime().block_on(async {
            let mut records = Vec::new();
            for shard in list_shards(&self.client, stream).await.expect("ListShards") {
                let (client, start) = (self.client.clone(), StartPosition::TrimHorizon);
                let mut reader = ShardReader::new(client, stream, &shard, start, None);
                loop {
                    let page = reader.next_page(None).await.expect("GetRecords");
                    if page.records.is_empty() {
                        break;
                    }
                    records.extend(page.records.iter().map(|r| {
                        (
                            r.partition_key().unwrap_or_default().to_string(),
                            r.data().as_ref().to_vec(),
                        )
                    }));
                }
            }
            records
        })
    }

    /// The events in the stream that `select` picks, waiting until there are `expected` of them
    /// (and a moment longer, so that an extra one would be seen).
    pub fn wait_for_events(
        &self,
        stream: &str,
        expected: usize,
        select: impl Fn(&RawEvent) -> bool,
    ) -> Vec<RawEvent> {
        let deadline = Instant::now() + Duration::from_secs(15);
        let read = || -> Vec<RawEvent> {
            self.records(stream)
                .into_iter()
                .map(|(_, data)| serde_json::from_slice(&data).expect("every record is a RawEvent"))
                .filter(|e| select(e))
                .collect()
        };
        loop {
            let events = read();
            if events.len() >= expected {
                std::thread::sleep(Duration::from_millis(500));
                return read();
            }
            if Instant::now() > deadline {
                return events;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn client(port: u16) -> Client {
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version(aws_sdk_kinesis::config::BehaviorVersion::latest())
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .region(aws_sdk_kinesis::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_kinesis::config::Credentials::new(
            "local", "local", None, None, "test",
        ))
        .build();
    Client::from_conf(config)
}
