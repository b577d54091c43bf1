//! The processor's command line: its commands and their own flags. The settings every command
//! shares (rules, sinks) are [`crate::settings`]; every flag is also an environment variable, as
//! Lambda's configuration needs.

use crate::report::period::Period;
use crate::report::ReportOptions;
use crate::settings::Settings;
use crate::sink::views::DEFAULT_CONVERSION_PATTERN;
use crate::sink::warehouse::SetupOptions;
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
    pub settings: Settings,
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
    /// Render the footfall report, one self-contained HTML page, from BigQuery.
    Report(ReportArgs),
    /// Serve the report on 127.0.0.1, queried anew on every load (`?start=&end=&host=`).
    Serve(ServeArgs),
    /// Score the uap-core rules (bundled, or --uap-regexes) on uap-core's test suites and count
    /// the crawler list (bundled, or --crawlers): what a rules refresh changes.
    CheckRules {
        /// The directory of test_ua.yaml, test_os.yaml and test_device.yaml.
        #[arg(long, default_value = crate::enrich::uap_suites::VENDORED_SUITES)]
        suites: PathBuf,
    },
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
pub struct ReportArgs {
    /// First day (YYYY-MM-DD, UTC); default: 28 days before --end.
    #[arg(long)]
    pub start: Option<String>,
    /// Last day, inclusive; default: today (or 27 days after --start).
    #[arg(long)]
    pub end: Option<String>,
    /// Only this host; default: every host.
    #[arg(long)]
    pub host: Option<String>,
    #[command(flatten)]
    pub questions: QuestionArgs,
    /// Where to write the page; default: standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The port on 127.0.0.1.
    #[arg(long, default_value_t = 7780)]
    pub port: u16,
    #[command(flatten)]
    pub questions: QuestionArgs,
}

/// What the report asks besides the range: the funnel's page and what a conversion is.
#[derive(Args, Debug, Clone)]
pub struct QuestionArgs {
    /// Regex of the page the funnel asks about: which pages were read before it.
    #[arg(long, default_value = crate::report::DEFAULT_TARGET)]
    pub target: String,
    /// The target's section (first path segment), whose own pages the funnel leaves out.
    #[arg(long, default_value = crate::report::DEFAULT_SECTION)]
    pub section: String,
    /// Regex (RE2) of the URLs of conversion pages.
    #[arg(long, env = "FOOTFALL_CONVERSION_PATTERN", default_value = DEFAULT_CONVERSION_PATTERN)]
    pub conversion_pattern: String,
}

impl QuestionArgs {
    /// A report on `start`..`end` (either missing: 28 days, ending `today` unless told) and
    /// `host` (empty or missing: all hosts).
    pub fn options(
        &self,
        start: Option<&str>,
        end: Option<&str>,
        host: Option<&str>,
        today: time::Date,
    ) -> Result<ReportOptions, String> {
        Ok(ReportOptions {
            period: Period::new(start, end, today)?,
            host: host
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(String::from),
            target: self.target.clone(),
            section: self.section.clone(),
            conversion: self.conversion_pattern.clone(),
        })
    }
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
