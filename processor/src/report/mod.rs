//! The footfall report: one self-contained HTML page from BigQuery, for a range of days and a
//! host (or all), answering on one screen what a site owner asks every morning.
//!
//! Every number on the page comes from one of the saved queries in `sql/queries/report_*.sql`
//! ([`QUERIES`]), run with the range's parameters, so each can be checked in BigQuery itself.
//! The queries read the events table with the range's timestamp filter applied before they
//! de-duplicate, so in production BigQuery scans only the range's day partitions (first touch
//! alone reads every day kept: it needs each visitor's first session).
//!
//! - [`period`]: the range and the previous period of the same length
//! - [`rows`]: a query's answer, read by column name
//! - [`page`]: the sections, from the answers
//! - [`html`], [`chart`]: escaping, tables, the page around them; inline SVG charts
//! - [`serve`]: the page on 127.0.0.1, queried anew on every load

pub mod chart;
pub mod html;
pub mod page;
pub mod period;
pub mod rows;
pub mod serve;

use crate::query::parameters;
use crate::sink::warehouse::Warehouse;
use period::Period;
use rows::Rows;

/// The funnel's page unless told: the demo's data engineer job ad.
pub const DEFAULT_TARGET: &str = "(?i)/career/jobs/data-engineer";
/// The section of [`DEFAULT_TARGET`], whose own pages the funnel leaves out.
pub const DEFAULT_SECTION: &str = "career";

/// What a report is about.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub period: Period,
    /// One host, or every host when `None`.
    pub host: Option<String>,
    /// Regex of the page the funnel asks about (the pages read before it in a session).
    pub target: String,
    /// The first path segment of the target's own section, left out of the funnel.
    pub section: String,
    /// Regex of conversion page URLs.
    pub conversion: String,
}

/// A saved query the page is made of: its file name, its SQL and the columns the page reads.
pub struct ReportQuery {
    pub file: &'static str,
    pub sql: &'static str,
    pub columns: &'static [&'static str],
}

macro_rules! report_query {
    ($file:literal, [$($column:literal),* $(,)?]) => {
        ReportQuery {
            file: $file,
            sql: include_str!(concat!("../../../sql/queries/", $file)),
            columns: &[$($column),*],
        }
    };
}

/// The report's queries, in the order of [`Answers`].
pub const QUERIES: &[ReportQuery] = &[
    report_query!(
        "report_summary.sql",
        [
            "period",
            "visitors",
            "sessions",
            "pageviews",
            "bounce_rate",
            "median_session_seconds"
        ]
    ),
    report_query!(
        "report_daily.sql",
        ["day", "visitors", "sessions", "pageviews"]
    ),
    report_query!("report_pages.sql", ["list", "page", "count"]),
    report_query!(
        "report_sources.sql",
        [
            "model",
            "source",
            "medium",
            "campaign",
            "sessions",
            "conversions",
            "conversion_rate"
        ]
    ),
    report_query!(
        "report_audience.sql",
        ["dimension", "value", "visitors", "pageviews"]
    ),
    report_query!(
        "report_crawlers.sql",
        [
            "part",
            "day",
            "category",
            "operator",
            "bot_name",
            "page",
            "requests",
            "share",
            "verified",
            "spoofed",
            "unverified"
        ]
    ),
    report_query!("report_funnel.sql", ["part", "page", "sessions", "share"]),
];

/// Every query's answer, in the order of [`QUERIES`].
#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub summary: Rows,
    pub daily: Rows,
    pub pages: Rows,
    pub sources: Rows,
    pub audience: Rows,
    pub crawlers: Rows,
    pub funnel: Rows,
}

impl ReportOptions {
    /// The named parameters every report query takes (each query declares its defaults).
    pub fn parameters(&self) -> Vec<(String, String)> {
        [
            ("start", self.period.start.to_string()),
            ("end", self.period.end.to_string()),
            ("host", self.host.clone().unwrap_or_default()),
            ("target", self.target.clone()),
            ("section", self.section.clone()),
            ("conversion", self.conversion.clone()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
    }
}

/// Runs the report queries, all at once; an error names the query and what BigQuery said.
pub async fn fetch(warehouse: &Warehouse, options: &ReportOptions) -> Result<Answers, String> {
    let given = options.parameters();
    let run = |index: usize| {
        let query = &QUERIES[index];
        // Each query gets the parameters it declares (its `-- parameter` lines), with the
        // report's values where it has them.
        let declared: Vec<(String, String)> = parameters(query.sql, &[])
            .into_iter()
            .map(|(name, default)| {
                let value = given
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(default, |(_, v)| v.clone());
                (name, value)
            })
            .collect();
        async move {
            let answer = warehouse
                .query(&warehouse.placeholders().render(query.sql), &declared)
                .await
                .map_err(|e| format!("{}: {e}", query.file))?;
            Rows::from_answer(query.file, &answer, query.columns)
        }
    };
    let (summary, daily, pages, sources, audience, crawlers, funnel) =
        tokio::try_join!(run(0), run(1), run(2), run(3), run(4), run(5), run(6))?;
    Ok(Answers {
        summary,
        daily,
        pages,
        sources,
        audience,
        crawlers,
        funnel,
    })
}

/// The page for `options`, queried now.
pub async fn generate(
    warehouse: &Warehouse,
    options: &ReportOptions,
    now: time::OffsetDateTime,
) -> Result<String, String> {
    let answers = fetch(warehouse, options).await?;
    let generated_at = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Ok(page::render(options, &answers, &generated_at))
}
