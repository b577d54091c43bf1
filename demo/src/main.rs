//! `footfall-demo`: generated traffic for a local footfall. Glue only; see the library.

use clap::{Parser, Subcommand};
use footfall_demo::drive::drive;
use footfall_demo::plan::{first_moment, Plan, Settings};
use footfall_demo::watch::Watcher;
use footfall_processor::aws;
use footfall_processor::settings::SinkSettings;
use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Parser)]
#[command(
    version,
    about = "footfall on loopback: generated traffic through the local edge"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sends realistic visits through the local edge: people from search, social, email and
    /// ads over several simulated days, returning visitors, bounces, GPC, prefetches and
    /// crawlers. The same seed sends the same visits. Prints the number of page requests
    /// answered on stdout; everything else goes to stderr.
    Traffic(TrafficArgs),
    /// Follows the local pipeline: events shipped to Kinesis, archived in S3 (and dead
    /// letters), loaded into BigQuery, and sessions, as live counts. Reads the same
    /// environment as footfall-processor.
    Watch(WatchArgs),
}

#[derive(clap::Args)]
struct WatchArgs {
    /// The Kinesis stream the edge writes to.
    #[arg(long, env = "FOOTFALL_STREAM", default_value = "footfall-events")]
    stream: String,
    /// Seconds between looks.
    #[arg(long, default_value_t = 2)]
    every: u64,
    /// Stop once BigQuery holds this many rows (for scripts: wait until generated traffic is
    /// loaded); fails after --timeout seconds.
    #[arg(long)]
    until: Option<u64>,
    #[arg(long, default_value_t = 300, requires = "until")]
    timeout: u64,
    #[command(flatten)]
    sinks: SinkSettings,
}

#[derive(clap::Args)]
struct TrafficArgs {
    /// The local edge (scripts/demo starts it here).
    #[arg(long, default_value = "http://127.0.0.1:7676")]
    edge: String,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// People who come at least once.
    #[arg(long, default_value_t = 200)]
    visitors: usize,
    /// Simulated days the visits spread over.
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// First simulated day, YYYY-MM-DD (UTC); by default the days up to now.
    #[arg(long)]
    start: Option<String>,
    /// Percent of visitors who come back for more sessions.
    #[arg(long, default_value_t = 30)]
    returning_percent: u32,
    /// Percent of visitors whose browser sends Global Privacy Control.
    #[arg(long, default_value_t = 8)]
    gpc_percent: u32,
    /// Percent of page views after which the browser prefetches a link.
    #[arg(long, default_value_t = 10)]
    prefetch_percent: u32,
    /// Percent of page requests made by crawlers (search engines, AI crawlers).
    #[arg(long, default_value_t = 25)]
    bot_percent: u32,
    /// Visitors sent at the same time.
    #[arg(long, default_value_t = 4)]
    workers: usize,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Traffic(args) => traffic(args),
        Command::Watch(args) => tokio::runtime::Runtime::new()
            .map_err(|e| format!("cannot start the async runtime: {e}"))
            .and_then(|runtime| runtime.block_on(watch(args))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("footfall-demo: {message}");
            ExitCode::FAILURE
        }
    }
}

fn traffic(args: TrafficArgs) -> Result<(), String> {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    let start_ms = first_moment(args.start.as_deref(), args.days, now_ms)?;
    let plan = Plan::generate(&Settings {
        seed: args.seed,
        visitors: args.visitors,
        days: args.days,
        start_ms,
        returning_percent: args.returning_percent,
        gpc_percent: args.gpc_percent,
        prefetch_percent: args.prefetch_percent,
        bot_percent: args.bot_percent,
    });
    let crawls = plan.actors.iter().filter(|a| a.crawler.is_some()).count();
    let sessions: usize = plan
        .actors
        .iter()
        .filter(|a| a.crawler.is_none())
        .map(|a| a.visits.len())
        .sum();
    eprintln!(
        "footfall-demo: {} visitors in {sessions} sessions and {crawls} crawls over {} days: {} page requests to {}",
        args.visitors,
        args.days,
        plan.hits(),
        args.edge
    );
    let progress = ProgressBar::new(plan.hits() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} page requests, {per_sec}, {eta} left")
            .expect("a valid template"),
    );
    let outcome = drive(&plan, &args.edge, args.workers, &progress).map_err(|e| e.to_string())?;
    progress.finish();
    // The one line on stdout, for scripts (scripts/demo waits for this many rows in BigQuery).
    println!("{}", outcome.answered);
    eprintln!(
        "footfall-demo: {} page requests answered ({} assets besides), {} failed",
        outcome.answered, outcome.assets, outcome.failed
    );
    for error in &outcome.errors {
        eprintln!("  {error}");
    }
    if outcome.failed > 0 {
        return Err(format!("{} requests got no answer", outcome.failed));
    }
    Ok(())
}

async fn watch(args: WatchArgs) -> Result<(), String> {
    let aws = aws::config().await;
    let bucket = args
        .sinks
        .bucket
        .clone()
        .ok_or("set FOOTFALL_BUCKET (the archive bucket)")?;
    let warehouse = args
        .sinks
        .warehouse(&aws)
        .await?
        .ok_or("set FOOTFALL_BIGQUERY_PROJECT (and FOOTFALL_BIGQUERY_ENDPOINT locally)")?;
    let mut watcher = Watcher::new(
        aws_sdk_kinesis::Client::new(&aws),
        args.stream.clone(),
        aws::s3(&aws),
        bucket,
        args.sinks.prefix.clone(),
        warehouse,
    );
    let until = args
        .until
        .map(|rows| (rows, Duration::from_secs(args.timeout)));
    watcher
        .follow(Duration::from_secs(args.every.max(1)), until)
        .await
}
