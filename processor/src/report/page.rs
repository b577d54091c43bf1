//! The report's sections, from the queries' answers: headline numbers with their change, the
//! daily chart, pages, sources, audience, crawlers and the funnel. Every chart has its numbers
//! in a table beside it; an empty range says so instead of drawing empty charts.

use super::chart::{lines, stacked_shares, Series};
use super::html::{document, escape, section, table, Cell};
use super::{Answers, ReportOptions, QUERIES};
use std::collections::BTreeMap;

/// The whole page. `generated_at` is shown in the footer (RFC 3339).
pub fn render(options: &ReportOptions, answers: &Answers, generated_at: &str) -> String {
    let period = options.period;
    let host = options.host.as_deref().unwrap_or("all hosts");
    let subtitle = format!(
        "{host} · {} to {} ({} days), compared with the {} days before",
        period.start,
        period.end,
        period.days(),
        period.days()
    );
    let mut main = headline(answers);
    if nothing_in_range(answers) {
        main += &section(
            "empty",
            "Nothing recorded in this range",
            "<p class=\"empty\">No page views and no crawler requests between these days. Pick another range, or check that events reach BigQuery.</p>\n",
        );
    } else {
        main += &daily(answers);
        main += "<div class=\"grid\">\n";
        main += &pages(answers);
        main += "</div>\n";
        main += &sources(answers);
        main += &audience(answers);
        main += &crawlers(answers);
        main += &funnel(options, answers);
    }
    let files: Vec<String> = QUERIES
        .iter()
        .map(|q| format!("sql/queries/{}", q.file))
        .collect();
    let footer = format!(
        "Generated {} by footfall-processor report. Every number here comes from one of these {} saved queries, which run as they are in BigQuery: {}.",
        escape(generated_at),
        QUERIES.len(),
        escape(&files.join(", "))
    );
    document("footfall report", &subtitle, &main, &footer)
}

fn nothing_in_range(answers: &Answers) -> bool {
    let current = answers.summary.whose("period", "current").next();
    current.is_none_or(|row| row.number("pageviews") == 0.0 && row.number("sessions") == 0.0)
        && answers.crawlers.iter().next().is_none()
}

/// Visitors, sessions, page views, bounce rate and median session length, each with its change
/// against the previous period.
fn headline(answers: &Answers) -> String {
    let current = answers.summary.whose("period", "current").next();
    let previous = answers.summary.whose("period", "previous").next();
    let value = |row: &Option<super::rows::Row>, column: &str| {
        row.as_ref()
            .filter(|r| !r.is_null(column))
            .map(|r| r.number(column))
    };
    let cards = [
        ("visitors", "Visitors", Format::Count),
        ("sessions", "Sessions", Format::Count),
        ("pageviews", "Page views", Format::Count),
        ("bounce_rate", "Bounce rate", Format::Percent),
        ("median_session_seconds", "Median session", Format::Duration),
    ];
    let mut html = String::from("<section id=\"headline\" aria-labelledby=\"headline-title\">\n<h2 id=\"headline-title\">Headline</h2>\n<dl class=\"cards\">\n");
    for (column, label, format) in cards {
        let now = value(&current, column);
        let before = value(&previous, column);
        let shown = now.map_or("–".to_string(), |v| format.show(v));
        let change = change(now, before, format);
        html += &format!(
            "<div class=\"card\" data-metric=\"{column}\"><dt>{label}</dt><dd>{}</dd><dd class=\"change\">{}</dd></div>\n",
            escape(&shown),
            escape(&change)
        );
    }
    html + "</dl>\n</section>\n"
}

#[derive(Clone, Copy)]
enum Format {
    Count,
    Percent,
    Duration,
}

impl Format {
    fn show(self, value: f64) -> String {
        match self {
            Format::Count => format!("{value:.0}"),
            Format::Percent => format!("{:.1}%", value * 100.0),
            Format::Duration => {
                let seconds = value.round() as i64;
                format!("{}m {:02}s", seconds / 60, seconds % 60)
            }
        }
    }
}

/// "+12% vs previous period", in points for rates.
fn change(now: Option<f64>, before: Option<f64>, format: Format) -> String {
    match (now, before, format) {
        (Some(now), Some(before), Format::Percent) => {
            format!("{:+.1} points vs previous period", (now - before) * 100.0)
        }
        (Some(now), Some(before), _) if before > 0.0 => {
            format!(
                "{:+.0}% vs previous period",
                (now - before) / before * 100.0
            )
        }
        _ => "no previous data".into(),
    }
}

fn daily(answers: &Answers) -> String {
    let days: Vec<String> = answers
        .daily
        .iter()
        .map(|r| r.text("day").to_string())
        .collect();
    let column = |name: &str| {
        answers
            .daily
            .iter()
            .map(|r| r.number(name))
            .collect::<Vec<f64>>()
    };
    let chart = lines(
        "Visitors, sessions and page views per day",
        "A line per measure, one point per day; the table below has the numbers.",
        &days,
        &[
            Series {
                name: "visitors",
                values: column("visitors"),
            },
            Series {
                name: "sessions",
                values: column("sessions"),
            },
            Series {
                name: "page views",
                values: column("pageviews"),
            },
        ],
    );
    let rows: Vec<Vec<Cell>> = answers
        .daily
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.text("day")),
                Cell::number(r.text("visitors")),
                Cell::number(r.text("sessions")),
                Cell::number(r.text("pageviews")),
            ]
        })
        .collect();
    let numbers = table(
        "Per day",
        &[
            ("day", false),
            ("visitors", true),
            ("sessions", true),
            ("page views", true),
        ],
        &rows,
        "No days in this range.",
    );
    section(
        "daily",
        "Day by day",
        &format!("{chart}<details><summary>The numbers</summary>\n{numbers}</details>\n"),
    )
}

fn pages(answers: &Answers) -> String {
    [
        (
            "top",
            "Top pages",
            "page views",
            "The most viewed pages (url without its query)",
        ),
        ("entry", "Entry pages", "sessions", "Where sessions began"),
        ("exit", "Exit pages", "sessions", "Where sessions ended"),
    ]
    .iter()
    .map(|(list, title, unit, caption)| {
        let rows: Vec<Vec<Cell>> = answers
            .pages
            .whose("list", list)
            .map(|r| vec![Cell::text(r.text("page")), Cell::number(r.text("count"))])
            .collect();
        section(
            &format!("pages-{list}"),
            title,
            &table(
                caption,
                &[("page", false), (unit, true)],
                &rows,
                "No page views in this range.",
            ),
        )
    })
    .collect()
}

fn sources(answers: &Answers) -> String {
    let mut body = String::new();
    for (model, caption) in [
        ("last_touch", "Last touch: each session credited to where it came from"),
        ("first_touch", "First touch: each session credited to where its visitor first came from (over all the data kept, not only this range)"),
    ] {
        let rows: Vec<Vec<Cell>> = answers
            .sources
            .whose("model", model)
            .map(|r| {
                vec![
                    Cell::text(r.text("source")),
                    Cell::text(r.text("medium")),
                    Cell::text(r.text("campaign")),
                    Cell::number(r.text("sessions")),
                    Cell::number(r.text("conversions")),
                    Cell::number(if r.is_null("conversion_rate") {
                        "–".to_string()
                    } else {
                        format!("{:.1}%", r.number("conversion_rate") * 100.0)
                    }),
                ]
            })
            .collect();
        body += &table(
            caption,
            &[
                ("source", false),
                ("medium", false),
                ("campaign", false),
                ("sessions", true),
                ("conversions", true),
                ("conversion rate", true),
            ],
            &rows,
            "No sessions in this range.",
        );
    }
    section("sources", "Sources, media and campaigns", &body)
}

fn audience(answers: &Answers) -> String {
    let mut body = String::from("<div class=\"grid\">\n");
    for (dimension, title) in [
        ("country", "Countries"),
        ("browser", "Browsers"),
        ("os", "Operating systems"),
        ("device", "Devices"),
    ] {
        let rows: Vec<Vec<Cell>> = answers
            .audience
            .whose("dimension", dimension)
            .map(|r| {
                vec![
                    Cell::text(r.text("value")),
                    Cell::number(r.text("visitors")),
                    Cell::number(r.text("pageviews")),
                ]
            })
            .collect();
        body += &format!(
            "<div id=\"audience-{dimension}\">{}</div>\n",
            table(
                title,
                &[(title, false), ("visitors", true), ("page views", true)],
                &rows,
                "No page views in this range."
            )
        );
    }
    section("audience", "Audience", &(body + "</div>\n"))
}

fn crawlers(answers: &Answers) -> String {
    // Share of all requests per day and category.
    let mut days: Vec<String> = Vec::new();
    let mut shares: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for row in answers.crawlers.whose("part", "category_daily") {
        let day = row.text("day").to_string();
        if !days.contains(&day) {
            days.push(day.clone());
        }
        shares
            .entry(row.text("category").to_string())
            .or_default()
            .insert(day, row.number("share"));
    }
    days.sort();
    let series: Vec<Series> = shares
        .iter()
        .map(|(category, by_day)| Series {
            name: category,
            values: days
                .iter()
                .map(|d| by_day.get(d).copied().unwrap_or(0.0))
                .collect(),
        })
        .collect();
    let mut body = if days.is_empty() {
        "<p class=\"empty\">No crawler requests in this range.</p>\n".to_string()
    } else {
        stacked_shares(
            "Crawler share of all requests, by category",
            "One bar per day, a segment per crawler category; the table below has the numbers.",
            &days,
            &series,
        )
    };
    let share_rows: Vec<Vec<Cell>> = answers
        .crawlers
        .whose("part", "category_daily")
        .map(|r| {
            vec![
                Cell::text(r.text("day")),
                Cell::text(r.text("category")),
                Cell::number(r.text("requests")),
                Cell::number(format!("{:.1}%", r.number("share") * 100.0)),
            ]
        })
        .collect();
    if !share_rows.is_empty() {
        body += &format!(
            "<details><summary>The numbers</summary>\n{}</details>\n",
            table(
                "Crawler requests per day and category",
                &[
                    ("day", false),
                    ("category", false),
                    ("requests", true),
                    ("share", true)
                ],
                &share_rows,
                ""
            )
        );
    }
    let operators: Vec<Vec<Cell>> = answers
        .crawlers
        .whose("part", "operator")
        .map(|r| {
            vec![
                Cell::text(if r.is_null("operator") {
                    "(none named)"
                } else {
                    r.text("operator")
                }),
                Cell::text(r.text("bot_name")),
                Cell::number(r.text("verified")),
                Cell::number(r.text("spoofed")),
                Cell::number(r.text("unverified")),
            ]
        })
        .collect();
    body += &table(
        "By operator: verified (proven by Fastly or the operator's IP ranges), spoofed (failed the check), unverified (nothing to check against)",
        &[
            ("operator", false),
            ("crawler", false),
            ("verified", true),
            ("spoofed", true),
            ("unverified", true),
        ],
        &operators,
        "",
    );
    let ai_pages: Vec<Vec<Cell>> = answers
        .crawlers
        .whose("part", "ai_pages")
        .map(|r| vec![Cell::text(r.text("page")), Cell::number(r.text("requests"))])
        .collect();
    body += &table(
        "Pages AI crawlers, AI search and assistants read most (spoofed ones left out)",
        &[("page", false), ("requests", true)],
        &ai_pages,
        "No AI crawler read a page in this range.",
    );
    section("crawlers", "Crawlers and AI agents", &body)
}

fn funnel(options: &ReportOptions, answers: &Answers) -> String {
    let reached = answers
        .funnel
        .whose("part", "reached")
        .next()
        .map_or(0.0, |r| r.number("sessions"));
    let rows: Vec<Vec<Cell>> = answers
        .funnel
        .whose("part", "page")
        .map(|r| {
            vec![
                Cell::text(r.text("page")),
                Cell::number(r.text("sessions")),
                Cell::number(format!("{:.0}%", r.number("share") * 100.0)),
            ]
        })
        .collect();
    let intro = format!(
        "<p>{reached:.0} sessions reached a page matching <code>{}</code>. The pages they read before it (pages inside /{}/ left out):</p>\n",
        escape(&options.target),
        escape(&options.section)
    );
    let body = if reached == 0.0 {
        format!(
            "<p class=\"empty\">Nobody reached a page matching <code>{}</code> in this range.</p>\n",
            escape(&options.target)
        )
    } else {
        intro
            + &table(
                "Pages read before it",
                &[
                    ("page", false),
                    ("sessions", true),
                    ("of those that reached it", true),
                ],
                &rows,
                "They came straight to it.",
            )
    };
    section(
        "funnel",
        "What people read before the page you care about",
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::period::Period;
    use crate::report::rows::Rows;
    use crate::sink::warehouse::Answer;
    use serde_json::{json, Value};
    use time::macros::date;

    fn rows(columns: &[&str], rows: &[&[Value]]) -> Rows {
        let answer = Answer {
            columns: columns
                .iter()
                .map(|c| (c.to_string(), "STRING".into()))
                .collect(),
            rows: rows.iter().map(|r| r.to_vec()).collect(),
            total_rows: rows.len(),
        };
        Rows::from_answer("test", &answer, columns).unwrap()
    }

    fn options() -> ReportOptions {
        ReportOptions {
            period: Period {
                start: date!(2026 - 11 - 02),
                end: date!(2026 - 11 - 03),
            },
            host: None,
            target: "(?i)/career/jobs/data-engineer".into(),
            section: "career".into(),
            conversion: "/thanks".into(),
        }
    }

    fn summary(pageviews: &str) -> Rows {
        let columns = [
            "period",
            "visitors",
            "sessions",
            "pageviews",
            "bounce_rate",
            "median_session_seconds",
        ];
        rows(
            &columns,
            &[
                &[
                    json!("current"),
                    json!("4"),
                    json!("7"),
                    json!(pageviews),
                    json!("0.5714"),
                    json!("90.5"),
                ],
                &[
                    json!("previous"),
                    json!("2"),
                    json!("2"),
                    json!("5"),
                    json!("0.5"),
                    Value::Null,
                ],
            ],
        )
    }

    #[test]
    fn headline_numbers_come_with_their_change() {
        let answers = Answers {
            summary: summary("19"),
            ..Answers::default()
        };
        let html = render(&options(), &answers, "2026-12-08T00:00:00Z");
        assert!(html.contains("data-metric=\"visitors\"><dt>Visitors</dt><dd>4</dd><dd class=\"change\">+100% vs previous period</dd>"), "{html}");
        assert!(
            html.contains("<dd>57.1%</dd><dd class=\"change\">+7.1 points vs previous period</dd>")
        );
        assert!(html.contains("<dd>1m 31s</dd><dd class=\"change\">no previous data</dd>"));
    }

    #[test]
    fn a_hostile_campaign_is_text_and_the_page_stays_small() {
        let sources = rows(
            &[
                "model",
                "source",
                "medium",
                "campaign",
                "sessions",
                "conversions",
                "conversion_rate",
            ],
            &[&[
                json!("last_touch"),
                json!("newsletter"),
                json!("email"),
                json!("<script>alert(1)</script>"),
                json!("3"),
                json!("1"),
                json!("0.3333"),
            ]],
        );
        let answers = Answers {
            summary: summary("19"),
            sources,
            ..Answers::default()
        };
        let html = render(&options(), &answers, "now");
        assert!(!html.contains("<script>"));
        assert!(html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
        assert!(html.len() < 300_000);
    }

    #[test]
    fn an_empty_range_says_so_instead_of_drawing_charts() {
        let answers = Answers {
            summary: summary("0"),
            ..Answers::default()
        };
        let mut empty = answers.clone();
        empty.summary = rows(
            &["period", "sessions", "pageviews"],
            &[&[json!("current"), json!("0"), json!("0")]],
        );
        let html = render(&options(), &empty, "now");
        assert!(html.contains("Nothing recorded in this range"));
        assert!(!html.contains("<svg"));
    }
}
