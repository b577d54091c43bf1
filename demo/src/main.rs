//! `footfall-demo`: generated traffic for a local footfall. Glue only; see the library.

use clap::{Parser, Subcommand};
use footfall_demo::drive::drive;
use footfall_demo::plan::{Plan, Settings, DAY};
use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

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
    /// crawlers. The same seed sends the same visits.
    Traffic(TrafficArgs),
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
    /// First simulated day, YYYY-MM-DD (UTC); by default the days up to today.
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
    let Command::Traffic(args) = Cli::parse().command;
    match traffic(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("footfall-demo: {message}");
            ExitCode::FAILURE
        }
    }
}

fn traffic(args: TrafficArgs) -> Result<(), String> {
    let start_ms = match &args.start {
        Some(day) => day_start_ms(day)?,
        None => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let today = now.as_millis() as u64 / DAY * DAY;
            today - u64::from(args.days.saturating_sub(1)) * DAY
        }
    };
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

/// Midnight UTC of `YYYY-MM-DD`, in Unix milliseconds.
fn day_start_ms(day: &str) -> Result<u64, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, format)
        .map_err(|e| format!("--start {day:?} is not a YYYY-MM-DD date ({e})"))?;
    let seconds = date.midnight().assume_utc().unix_timestamp();
    u64::try_from(seconds * 1000).map_err(|_| format!("--start {day:?} is before 1970"))
}
