//! Command-line and environment configuration. Every flag is also an environment variable, as
//! Lambda's configuration needs; AWS endpoints come from the SDK's own `AWS_ENDPOINT_URL`.

use crate::enrich::bots::{Crawlers, BUNDLED_CRAWLERS};
use crate::enrich::geo::GeoDatabase;
use crate::enrich::user_agent::{UserAgentParser, BUNDLED_REGEXES};
use crate::enrich::Enricher;
use crate::sink::archive::Archive;
use crate::sink::views::DEFAULT_CONVERSION_PATTERN;
use crate::sink::warehouse::{
    GoogleCredentials, RetryPolicy, SetupOptions, Warehouse, WarehouseSettings,
};
use crate::sink::Sinks;
use crate::source::consume::ConsumeOptions;
use crate::source::shard::StartPosition;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "footfall-processor",
    version,
    about = "Enriches footfall's raw events and writes them to S3 and BigQuery."
)]
pub struct Cli {
    /// What to run; inside AWS Lambda the default is `lambda`.
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub enrichment: EnrichmentArgs,
    #[command(flatten)]
    pub sinks: SinkArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve AWS Lambda invocations: a Kinesis event source or a Firehose transformation.
    Lambda,
    /// Poll a Kinesis stream, checkpointing in a file (local runs, containers).
    Consume(ConsumeArgs),
    /// Enrich NDJSON raw events from stdin to stdout; bad lines are reported on stderr.
    Enrich,
    /// Create the BigQuery dataset, table and views, and the S3 bucket (idempotent).
    Setup(SetupArgs),
    /// Run a saved query (e.g. sql/queries/pages_before_job_ad.sql) and print its answer as a
    /// table. `{{project}}`, `{{dataset}}` and `{{table}}` are filled in.
    Query(QueryArgs),
    /// Print the events table's CREATE TABLE statement (sql/tables/events.sql), or with
    /// `--json` its schema for `bq mk --schema` (sql/tables/events.schema.json).
    Ddl {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct SetupArgs {
    /// BigQuery location of a new dataset (an existing one keeps its own).
    #[arg(long, env = "FOOTFALL_BIGQUERY_LOCATION", default_value = "US")]
    pub bigquery_location: String,
    /// Regex (RE2) of the URLs of conversion pages, for the `attribution` view.
    #[arg(long, env = "FOOTFALL_CONVERSION_PATTERN", default_value = DEFAULT_CONVERSION_PATTERN)]
    pub conversion_pattern: String,
}

impl SetupArgs {
    pub fn options(&self) -> SetupOptions {
        SetupOptions {
            location: self.bigquery_location.clone(),
            conversion_pattern: self.conversion_pattern.clone(),
        }
    }
}

#[derive(Args, Debug)]
pub struct QueryArgs {
    /// The SQL file; `-` reads standard input.
    pub file: PathBuf,
    /// A named STRING parameter, `NAME=VALUE` (repeatable); overrides the file's
    /// `-- parameter NAME: VALUE` defaults.
    #[arg(long = "param", short = 'p', value_parser = crate::query::parse_param)]
    pub params: Vec<(String, String)>,
}

#[derive(Args, Debug)]
pub struct EnrichmentArgs {
    /// uap-core regexes.yaml to use instead of the bundled rules.
    #[arg(long, global = true, env = "FOOTFALL_UAP_REGEXES")]
    pub uap_regexes: Option<PathBuf>,
    /// crawler-user-agents JSON to use instead of the bundled list.
    #[arg(long, global = true, env = "FOOTFALL_CRAWLERS")]
    pub crawlers: Option<PathBuf>,
    /// MaxMind GeoIP2/GeoLite2 City database; without one, the edge's geo is used.
    #[arg(long, global = true, env = "FOOTFALL_GEOIP_DB")]
    pub geoip_db: Option<PathBuf>,
    /// User agents whose parse is cached (0: no cache).
    #[arg(
        long,
        global = true,
        env = "FOOTFALL_UA_CACHE_SIZE",
        default_value_t = 10_000
    )]
    pub ua_cache_size: usize,
}

#[derive(Args, Debug)]
pub struct SinkArgs {
    /// S3 bucket for the archive and dead letters.
    #[arg(long, global = true, env = "FOOTFALL_BUCKET")]
    pub bucket: Option<String>,
    /// Key prefix in the bucket, e.g. `footfall/`.
    #[arg(long, global = true, env = "FOOTFALL_PREFIX", default_value = "")]
    pub prefix: String,
    /// Google Cloud project of the BigQuery dataset; without it, nothing goes to BigQuery.
    #[arg(long, global = true, env = "FOOTFALL_BIGQUERY_PROJECT")]
    pub bigquery_project: Option<String>,
    #[arg(
        long,
        global = true,
        env = "FOOTFALL_BIGQUERY_DATASET",
        default_value = "footfall"
    )]
    pub bigquery_dataset: String,
    #[arg(
        long,
        global = true,
        env = "FOOTFALL_BIGQUERY_TABLE",
        default_value = "events"
    )]
    pub bigquery_table: String,
    /// BigQuery API base URL of an emulator (reached without credentials).
    #[arg(long, global = true, env = "FOOTFALL_BIGQUERY_ENDPOINT")]
    pub bigquery_endpoint: Option<String>,
    /// Service account key file; otherwise Application Default Credentials.
    #[arg(long, global = true, env = "GOOGLE_APPLICATION_CREDENTIALS")]
    pub google_credentials: Option<String>,
    /// AWS Secrets Manager secret (name or ARN) holding the service account key's JSON, read
    /// once at start; takes precedence over GOOGLE_APPLICATION_CREDENTIALS.
    #[arg(long, global = true, env = "FOOTFALL_GOOGLE_CREDENTIALS_SECRET")]
    pub google_credentials_secret: Option<String>,
    /// Attempts per BigQuery request before the batch fails.
    #[arg(
        long,
        global = true,
        env = "FOOTFALL_BIGQUERY_ATTEMPTS",
        default_value_t = 6
    )]
    pub bigquery_attempts: u32,
}

#[derive(Args, Debug)]
pub struct ConsumeArgs {
    /// The Kinesis stream to read.
    #[arg(long, env = "FOOTFALL_STREAM")]
    pub stream: String,
    /// Where to start on shards without a checkpoint.
    #[arg(
        long,
        value_enum,
        default_value = "trim-horizon",
        env = "FOOTFALL_START_FROM"
    )]
    pub start_from: Start,
    /// With `--start-from at-timestamp`: Unix seconds.
    #[arg(
        long,
        env = "FOOTFALL_AT_TIMESTAMP",
        required_if_eq("start_from", "at-timestamp")
    )]
    pub at_timestamp: Option<i64>,
    /// Where the last delivered sequence number of each shard is kept.
    #[arg(
        long,
        env = "FOOTFALL_CHECKPOINT_FILE",
        default_value = "footfall-checkpoint.json"
    )]
    pub checkpoint_file: PathBuf,
    /// Records per GetRecords call.
    #[arg(long, env = "FOOTFALL_BATCH_SIZE", default_value_t = 500, value_parser = clap::value_parser!(i32).range(1..=10_000))]
    pub batch_size: i32,
    /// Milliseconds between polls of a shard with nothing new.
    #[arg(long, default_value_t = 1000)]
    pub idle_poll_ms: u64,
    /// Stop once every shard has been read to its end.
    #[arg(long)]
    pub stop_at_end: bool,
    /// Stop after this many delivered batches.
    #[arg(long)]
    pub max_batches: Option<usize>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    TrimHorizon,
    Latest,
    AtTimestamp,
}

impl ConsumeArgs {
    pub fn options(&self) -> ConsumeOptions {
        ConsumeOptions {
            stream: self.stream.clone(),
            start: match self.start_from {
                Start::TrimHorizon => StartPosition::TrimHorizon,
                Start::Latest => StartPosition::Latest,
                Start::AtTimestamp => StartPosition::AtTimestamp(self.at_timestamp.unwrap_or(0)),
            },
            checkpoint_file: self.checkpoint_file.clone(),
            batch_size: self.batch_size,
            idle_poll: Duration::from_millis(self.idle_poll_ms),
            stop_at_end: self.stop_at_end,
            max_batches: self.max_batches,
        }
    }
}

impl EnrichmentArgs {
    /// Builds the enricher: rules, crawler list, database. Errors name the file at fault.
    pub fn enricher(&self) -> Result<Enricher, String> {
        let regexes = crate::data::text(self.uap_regexes.as_deref(), BUNDLED_REGEXES)
            .map_err(|e| format!("uap-core rules: {e}"))?;
        let crawlers = crate::data::text(self.crawlers.as_deref(), BUNDLED_CRAWLERS)
            .map_err(|e| format!("crawler list: {e}"))?;
        let geo = match &self.geoip_db {
            Some(path) => Some(
                GeoDatabase::open(path)
                    .map_err(|e| format!("GeoIP database {}: {e}", path.display()))?,
            ),
            None => None,
        };
        Ok(Enricher::new(
            UserAgentParser::new(regexes).map_err(|e| e.to_string())?,
            Crawlers::new(crawlers).map_err(|e| e.to_string())?,
            geo,
            self.ua_cache_size,
        ))
    }
}

impl SinkArgs {
    /// Connects the configured sinks.
    pub async fn sinks(&self, aws: &aws_config::SdkConfig) -> Result<Sinks, String> {
        let archive = self
            .bucket
            .as_ref()
            .map(|bucket| Archive::new(s3_client(aws), bucket.clone(), self.prefix.clone()));
        let warehouse = match &self.bigquery_project {
            Some(project) => Some(
                Warehouse::connect(WarehouseSettings {
                    project: project.clone(),
                    dataset: self.bigquery_dataset.clone(),
                    table: self.bigquery_table.clone(),
                    endpoint: self.bigquery_endpoint.clone(),
                    credentials: self.google_credentials(aws).await?,
                    retry: RetryPolicy {
                        attempts: self.bigquery_attempts.max(1),
                        ..RetryPolicy::default()
                    },
                })
                .await
                .map_err(|e| e.to_string())?,
            ),
            None => None,
        };
        Ok(Sinks { archive, warehouse })
    }

    /// The Google credentials: from Secrets Manager, a key file, or the environment's default.
    /// An emulator endpoint needs none.
    pub async fn google_credentials(
        &self,
        aws: &aws_config::SdkConfig,
    ) -> Result<GoogleCredentials, String> {
        if self.bigquery_endpoint.is_some() {
            return Ok(GoogleCredentials::ApplicationDefault);
        }
        if let Some(secret) = &self.google_credentials_secret {
            let value = aws_sdk_secretsmanager::Client::new(aws)
                .get_secret_value()
                .secret_id(secret)
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "Google key from Secrets Manager {secret:?}: {}",
                        aws_sdk_secretsmanager::error::DisplayErrorContext(e)
                    )
                })?;
            let json = value.secret_string().ok_or_else(|| {
                format!("Secrets Manager {secret:?} holds no text (a key's JSON)")
            })?;
            return Ok(GoogleCredentials::Key(json.to_string()));
        }
        Ok(match &self.google_credentials {
            Some(file) => GoogleCredentials::KeyFile(file.clone()),
            None => GoogleCredentials::ApplicationDefault,
        })
    }
}

/// An S3 client; path-style addressing when a custom endpoint (a local stand-in) is set.
pub fn s3_client(aws: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(aws)
        .force_path_style(aws.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}
