//! What the processor runs with, shared by every command (and the demo's watcher): the
//! enrichment rules and the sinks, each setting a flag and an environment variable (as Lambda's
//! configuration needs; AWS endpoints come from the SDK's own `AWS_ENDPOINT_URL`), and the one
//! wiring of a [`Pipeline`] from them, used by the CLI, the Lambda and the stand-in tests.

use crate::aws;
use crate::enrich::bots::{Crawlers, BUNDLED_CRAWLERS};
use crate::enrich::geo::GeoDatabase;
use crate::enrich::range_lists::{self, RangeListFile};
use crate::enrich::user_agent::{UserAgentParser, BUNDLED_REGEXES};
use crate::enrich::Enricher;
use crate::pipeline::Pipeline;
use crate::sink::archive::Archive;
use crate::sink::warehouse::{GoogleCredentials, RetryPolicy, Warehouse, WarehouseSettings};
use crate::sink::Sinks;
use clap::{Args, Parser};
use std::path::PathBuf;

/// Enrichment and sinks together.
#[derive(Parser, Debug)]
pub struct Settings {
    #[command(flatten)]
    pub enrichment: EnrichmentSettings,
    #[command(flatten)]
    pub sinks: SinkSettings,
}

impl Settings {
    /// The enricher and the connected sinks.
    pub async fn pipeline(&self, aws: &aws_config::SdkConfig) -> Result<Pipeline, String> {
        Ok(Pipeline::new(
            self.enrichment.enricher()?,
            self.sinks.sinks(aws).await?,
        ))
    }
}

#[derive(Args, Debug)]
pub struct EnrichmentSettings {
    /// uap-core regexes.yaml to use instead of the bundled rules.
    #[arg(long, global = true, env = "FOOTFALL_UAP_REGEXES")]
    pub uap_regexes: Option<PathBuf>,
    /// crawler-user-agents JSON to use instead of the bundled list.
    #[arg(long, global = true, env = "FOOTFALL_CRAWLERS")]
    pub crawlers: Option<PathBuf>,
    /// MaxMind GeoIP2/GeoLite2 City database; without one, the edge's geo is used.
    #[arg(long, global = true, env = "FOOTFALL_GEOIP_DB")]
    pub geoip_db: Option<PathBuf>,
    /// Crawler IP range lists to check claims against besides the bundled ones, as
    /// `Operator=path` (comma-separated), each in the operators' published JSON format, e.g.
    /// `Bing=/opt/footfall/bingbot.json`.
    #[arg(
        long,
        global = true,
        env = "FOOTFALL_BOT_RANGES",
        value_delimiter = ','
    )]
    pub bot_ranges: Vec<RangeListFile>,
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
pub struct SinkSettings {
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

impl EnrichmentSettings {
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
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let max_age = footfall_bots::MAX_RANGE_AGE_DAYS;
        let (ranges, stale_lists) = range_lists::load(&self.bot_ranges, now, max_age)?;
        for (file, age_days) in stale_lists {
            tracing::warn!(
                file = %file.display(),
                age_days,
                "crawler IP range list is older than {max_age} days; download it again"
            );
        }
        warn_of_stale_ranges(now);
        Ok(Enricher::new(
            UserAgentParser::new(regexes).map_err(|e| e.to_string())?,
            Crawlers::new(crawlers).map_err(|e| e.to_string())?,
            geo,
            self.ua_cache_size,
        )
        .with_bot_ranges(ranges))
    }
}

/// Crawler ranges change as operators add addresses: a list older than
/// [`footfall_bots::MAX_RANGE_AGE_DAYS`] would start calling real crawlers spoofed, so it is said
/// once at start (`scripts/update-ranges` and a rebuild refresh them).
fn warn_of_stale_ranges(now: i64) {
    for stale in footfall_bots::stale_range_files(now, footfall_bots::MAX_RANGE_AGE_DAYS) {
        tracing::warn!(
            operator = stale.operator,
            file = stale.file.file,
            age_days = stale.age_days,
            "bundled crawler IP ranges are older than {} days; refresh them",
            footfall_bots::MAX_RANGE_AGE_DAYS
        );
    }
}

impl SinkSettings {
    /// Connects the configured sinks.
    pub async fn sinks(&self, aws: &aws_config::SdkConfig) -> Result<Sinks, String> {
        let archive = self
            .bucket
            .as_ref()
            .map(|bucket| Archive::new(aws::s3(aws), bucket.clone(), self.prefix.clone()));
        Ok(Sinks {
            archive,
            warehouse: self.warehouse(aws).await?,
        })
    }

    /// The BigQuery warehouse, if a project is set.
    pub async fn warehouse(
        &self,
        aws: &aws_config::SdkConfig,
    ) -> Result<Option<Warehouse>, String> {
        let Some(project) = &self.bigquery_project else {
            return Ok(None);
        };
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
        .map(Some)
        .map_err(|e| e.to_string())
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
