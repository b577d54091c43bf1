//! The whole pipeline on loopback, nothing mocked: the traffic generator sends visits through
//! the edge's real wasm in Viceroy (with the simulated clock), the edge ships them to
//! kinesalite, the real `footfall-processor consume` writes them to moto (S3) and bqemulator
//! (BigQuery), and the views and saved queries answer with the numbers the visits imply.
//!
//! It lives with the processor because Cargo hands only a package's own tests the path of its
//! binary; the rest of the harness is `footfall-tests`.

mod common;

use common::{processor, set_up, stand_ins, value};
use footfall_demo::agents::{BROWSERS, CRAWLERS, TEST_BOT_RANGES};
use footfall_demo::drive::drive;
use footfall_demo::plan::{Actor, Hit, Plan, Referrer, Settings, Visit, DAY, SOURCES};
use footfall_demo::site::{CONVERSION, JOB_AD};
use footfall_processor::sink::views::Placeholders;
use footfall_tests::bigquery::PROJECT;
use footfall_tests::browser;
use footfall_tests::edge::Edge;
use footfall_tests::origin::Origin;
use indicatif::ProgressBar;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// 2026-11-02T00:00:00Z, a Monday: day one of every script.
const DAY_ONE: u64 = 1_793_577_600_000;
const MINUTE: u64 = 60_000;

type Row = Map<String, Value>;

/// One pipeline run: the visits sent through a fresh edge into its own stream, consumed into
/// its own bucket and dataset.
struct Run {
    env: Vec<(String, String)>,
    dataset: String,
    base_url: String,
}

impl Run {
    fn send(name: &str, plan: &Plan) -> Run {
        let s = stand_ins();
        let stream = format!("{name}-events");
        s.kinesalite.create_stream(&stream, 2);
        let origin = Origin::start();
        let edge = Edge::start(
            origin.port,
            s.kinesalite.port,
            &[
                ("simulated_clock", "true"),
                ("kinesis_stream", stream.as_str()),
                ("extra_bot_ranges", TEST_BOT_RANGES),
            ],
        );
        let mut env = set_up(name);
        env.push((
            "AWS_ENDPOINT_URL_KINESIS".into(),
            format!("http://127.0.0.1:{}", s.kinesalite.port),
        ));

        let outcome = drive(plan, &edge.url(""), 4, &ProgressBar::hidden()).unwrap();
        assert_eq!((outcome.answered, outcome.failed), (plan.hits(), 0));
        let shipped = s.kinesalite.wait_for_events(&stream, plan.hits(), |_| true);
        assert_eq!(
            shipped.len(),
            plan.hits(),
            "one event per page request in Kinesis; edge said:\n{}",
            edge.output()
        );
        // The default ip_mode: no client's full address is in Kinesis, only its /24 (outside
        // `host`, `url` and `referrer`, which name the edge's own loopback address).
        let clients: BTreeSet<String> = plan.actors.iter().map(|a| a.address.to_string()).collect();
        for (_, record) in s.kinesalite.records(&stream) {
            let mut json: Value = serde_json::from_slice(&record).unwrap();
            for field in ["host", "url", "referrer"] {
                json.as_object_mut().unwrap().remove(field);
            }
            let rest = json.to_string();
            let network = json["ip"].as_str().unwrap_or_default();
            assert!(
                network.ends_with(".0") && json["ip_precision"] == "/24",
                "{rest}"
            );
            for client in &clients {
                assert!(
                    !rest.contains(&format!("\"{client}\"")),
                    "{client} in {rest}"
                );
            }
        }

        let checkpoints = tempfile::tempdir().unwrap();
        let checkpoint = checkpoints.path().join("checkpoint.json");
        processor(
            &env,
            &[
                "consume",
                "--stream",
                &stream,
                "--stop-at-end",
                "--idle-poll-ms",
                "50",
                "--checkpoint-file",
                checkpoint.to_str().unwrap(),
            ],
        );
        Run {
            env,
            dataset: name.to_string(),
            base_url: edge.url(""),
        }
    }

    fn query(&self, sql: &str) -> Vec<Row> {
        let placeholders = Placeholders {
            project: PROJECT,
            dataset: &self.dataset,
            table: "events",
            conversion_pattern: None,
        };
        stand_ins().bigquery.query(&placeholders.render(sql))
    }

    fn count(&self, view: &str) -> u64 {
        stand_ins()
            .bigquery
            .count(&format!("{}.{view}", self.dataset))
    }

    /// A view's rows projected onto `columns`, as text, sorted.
    fn rows(&self, view: &str, columns: &[&str], filter: &str) -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = self
            .query(&format!(
                "SELECT {} FROM `{{{{project}}}}.{{{{dataset}}}}.{view}` {filter}",
                columns.join(", ")
            ))
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .map(|c| c.rsplit(" AS ").next().unwrap())
                    .map(|name| text(&row[name]))
                    .collect()
            })
            .collect();
        rows.sort();
        rows
    }

    /// Runs a saved query with the real `footfall-processor query` and reads its table back.
    fn saved_query(&self, file: &str, params: &[&str]) -> Vec<Vec<String>> {
        let path = format!("{}/../sql/queries/{file}", env!("CARGO_MANIFEST_DIR"));
        let mut args = vec!["query", path.as_str()];
        for param in params {
            args.extend(["--param", param]);
        }
        let output = processor(&self.env, &args);
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .filter(|line| line.starts_with('|'))
            .skip(1) // the header
            .map(|line| {
                line.trim_matches('|')
                    .split(" | ")
                    .map(|cell| cell.trim().to_string())
                    .collect()
            })
            .collect()
    }

    /// `url` without the edge's scheme, host and port.
    fn path_of(&self, url: &str) -> String {
        url.strip_prefix(&self.base_url).unwrap_or(url).to_string()
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "NULL".into(),
        other => other.to_string(),
    }
}

fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|s| s.to_string()).collect())
        .collect();
    rows.sort();
    rows
}

fn source(name: &str) -> &'static footfall_demo::plan::Source {
    SOURCES.iter().find(|s| s.name == name).unwrap()
}

fn hit(at_ms: u64, path: &str, from: Option<&str>) -> Hit {
    Hit {
        at_ms,
        path: path.into(),
        referrer: from.map_or(Referrer::None, |p| Referrer::Internal(p.into())),
        prefetch: false,
    }
}

/// A session from `source` landing on `landing` at `at_ms`, then each page a few minutes apart.
fn session(name: &str, at_ms: u64, landing: &str, pages: &[&str]) -> Visit {
    let source = source(name);
    let mut hits = vec![Hit {
        referrer: source.referrer.map_or(Referrer::None, Referrer::External),
        ..hit(at_ms, landing, None)
    }];
    let mut previous = landing.to_string();
    for (i, page) in pages.iter().enumerate() {
        hits.push(hit(
            at_ms + (i as u64 + 1) * 3 * MINUTE,
            page,
            Some(&previous),
        ));
        previous = page.to_string();
    }
    Visit {
        source: Some(source),
        hits,
    }
}

fn person(browser: usize, gpc: bool, visits: Vec<Visit>) -> Actor {
    Actor {
        visits,
        ..Actor::person(BROWSERS[browser].0, "de-DE,de;q=0.9,en;q=0.8", gpc)
    }
}

/// `CRAWLERS[index]` (from its own address, with its mocked Fastly verdict) fetching `paths`
/// two seconds apart.
fn crawler(index: usize, at_ms: u64, paths: &[&str]) -> Actor {
    Actor {
        visits: vec![Visit {
            source: None,
            hits: paths
                .iter()
                .enumerate()
                .map(|(i, path)| hit(at_ms + i as u64 * 2_000, path, None))
                .collect(),
        }],
        ..Actor::crawler(&CRAWLERS[index])
    }
}

const HOUR: u64 = 60 * MINUTE;
const NEWSLETTER: &str = "utm_source=newsletter&utm_medium=email&utm_campaign=november-digest";
const LINKEDIN: &str = "utm_source=linkedin&utm_medium=social&utm_campaign=hiring-2026";
const GOOGLE_ADS: &str =
    "utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=0123456789abcdef";

/// Five people and seven crawlers over two days; every number the tests expect follows from it
/// (see the comments).
fn known_script() -> Plan {
    let day_two = DAY_ONE + DAY;
    let apply = "/career/apply?job=data-engineer";
    let thanks = "/career/thanks?job=data-engineer";
    let mut b_first = session(
        "newsletter",
        DAY_ONE + 11 * HOUR,
        &format!("/blog/bounce-rate?{NEWSLETTER}"),
        &["/blog/", "/blog/server-side-tracking", JOB_AD],
    );
    // B's browser prefetches the blog index before B opens it: a request, not a page view.
    b_first.hits.insert(
        1,
        Hit {
            prefetch: true,
            ..hit(
                DAY_ONE + 11 * HOUR + 1_000,
                "/blog/",
                Some(&format!("/blog/bounce-rate?{NEWSLETTER}")),
            )
        },
    );
    Plan {
        actors: vec![
            // A: a search visit that reads the blog, the career page, the job ad and applies
            // (converts); the next day back from the LinkedIn campaign, straight to the ad (a
            // bounce).
            person(
                0,
                false,
                vec![
                    session(
                        "google search",
                        DAY_ONE + 10 * HOUR,
                        "/blog/server-side-tracking",
                        &["/career/", JOB_AD, apply, thanks],
                    ),
                    session(
                        "linkedin campaign",
                        day_two + 9 * HOUR,
                        &format!("{JOB_AD}?{LINKEDIN}"),
                        &[],
                    ),
                ],
            ),
            // B: the newsletter, three more blog pages and the job ad; the next day an ad click
            // to the career page, the ad, the form, sent (converts).
            person(
                1,
                false,
                vec![
                    b_first,
                    session(
                        "google ads",
                        day_two + 15 * HOUR,
                        &format!("/career/?{GOOGLE_ADS}"),
                        &[JOB_AD, apply, thanks],
                    ),
                ],
            ),
            // C: one direct page (a bounce).
            person(
                2,
                false,
                vec![session("direct", DAY_ONE + 12 * HOUR, "/", &[])],
            ),
            // D: Global Privacy Control; two anonymous page views, no visitor, no session.
            person(
                3,
                true,
                vec![session("direct", DAY_ONE + 14 * HOUR, "/", &["/blog/"])],
            ),
            // E: a direct page, then ten minutes later the newsletter: the campaign starts a
            // second session although the first has not timed out (two bounces).
            person(
                4,
                false,
                vec![
                    session("direct", DAY_ONE + 13 * HOUR, "/", &[]),
                    session(
                        "newsletter",
                        DAY_ONE + 13 * HOUR + 10 * MINUTE,
                        &format!("/blog/?{NEWSLETTER}"),
                        &[],
                    ),
                ],
            ),
            // Day one, search: Googlebot from the Google test range (verified by the edge's
            // range check), a "Googlebot" from the same /24 outside it (spoofed), bingbot
            // verified by Fastly's (mocked) bot detection.
            crawler(0, DAY_ONE + 16 * HOUR, &["/", "/blog/", JOB_AD]),
            crawler(1, DAY_ONE + 17 * HOUR, &["/", "/blog/"]),
            crawler(2, DAY_ONE + 18 * HOUR, &["/"]),
            // Day two, AI crawlers: GPTBot from the OpenAI test range and a spoofed one,
            // ClaudeBot (Anthropic: no ranges loaded, unverified), and a scraper with a
            // browser's user agent that only Fastly detects.
            crawler(3, day_two + 3 * HOUR, &["/", CONVERSION]),
            crawler(4, day_two + 4 * HOUR, &["/blog/"]),
            crawler(5, day_two + 5 * HOUR, &["/"]),
            crawler(9, day_two + 6 * HOUR, &[JOB_AD]),
        ],
    }
}

#[test]
fn a_known_script_of_visits_gives_exact_numbers_in_every_view() {
    let run = Run::send("script", &known_script());

    // 19 page views by people (A 6, B 8, C 1, D 2, E 2) + 1 prefetch + 11 crawler requests.
    assert_eq!(run.count("events"), 31);
    assert_eq!(run.count("events_dedup"), 31);
    assert_eq!(run.count("pageviews"), 19);

    // S3 holds exactly the events BigQuery holds.
    let bucket = value(&run.env, "FOOTFALL_BUCKET");
    let archived: BTreeSet<String> = stand_ins()
        .moto
        .all_lines(&bucket, "events/")
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_string())
        .collect();
    let warehoused: BTreeSet<String> = run
        .query("SELECT event_id FROM `{{project}}.{{dataset}}.events`")
        .iter()
        .map(|row| text(&row["event_id"]))
        .collect();
    assert_eq!(archived.len(), 31);
    assert_eq!(archived, warehoused);

    // Crawlers, by category.
    assert_eq!(
        run.rows(
            "events",
            &["bot_category", "COUNT(*) AS n"],
            "WHERE is_bot GROUP BY bot_category"
        ),
        strings(&[&["ai_crawler", "4"], &["other", "1"], &["search", "6"]])
    );

    // Where from: the processor's GeoIP database knows no loopback network, so the edge's geo
    // (Viceroy's, by each client's full address at the edge) places everyone: the people in
    // Dresden, crawlers in the test ranges and the unverifiable ones in the US, the spoofers
    // in Singapore.
    assert_eq!(
        run.rows(
            "events",
            &["country_iso_code", "COUNT(*) AS n"],
            "GROUP BY country_iso_code"
        ),
        strings(&[&["DE", "20"], &["SG", "4"], &["US", "7"]])
    );

    // The crawlers view: per day, who claimed to be whom and whether the claim held, with the
    // distinct pages and the share of the day's requests (21 on day one, 10 on day two).
    assert_eq!(
        run.rows(
            "crawlers",
            &[
                "CAST(day AS STRING) AS day",
                "bot_operator",
                "bot_name",
                "bot_category",
                "verification",
                "requests",
                "pages",
                "CAST(ROUND(share * 10000) AS INT64) AS share",
            ],
            ""
        ),
        strings(&[
            &[
                "2026-11-02",
                "Google",
                "Googlebot",
                "search",
                "verified",
                "3",
                "3",
                "1429"
            ],
            &[
                "2026-11-02",
                "Google",
                "Googlebot",
                "search",
                "spoofed",
                "2",
                "2",
                "952"
            ],
            &[
                "2026-11-02",
                "Bing",
                "bingbot",
                "search",
                "verified",
                "1",
                "1",
                "476"
            ],
            &[
                "2026-11-03",
                "OpenAI",
                "GPTBot",
                "ai_crawler",
                "verified",
                "2",
                "2",
                "2000"
            ],
            &[
                "2026-11-03",
                "OpenAI",
                "GPTBot",
                "ai_crawler",
                "spoofed",
                "1",
                "1",
                "1000"
            ],
            &[
                "2026-11-03",
                "Anthropic",
                "ClaudeBot",
                "ai_crawler",
                "unverified",
                "1",
                "1",
                "1000"
            ],
            &[
                "2026-11-03",
                "NULL",
                "HeadlessChrome",
                "other",
                "unverified",
                "1",
                "1",
                "1000"
            ],
        ])
    );
    assert_eq!(
        run.rows(
            "crawlers",
            &["verification", "SUM(requests) AS n"],
            "GROUP BY verification"
        ),
        strings(&[&["spoofed", "3"], &["unverified", "2"], &["verified", "6"]])
    );
    // How each was verified, and that crawlers carry no ids in any case.
    assert_eq!(
        run.rows(
            "events",
            &[
                "bot_verified_by",
                "COUNT(*) AS n",
                "COUNTIF(visitor_id IS NOT NULL) AS with_ids"
            ],
            "WHERE is_bot GROUP BY bot_verified_by"
        ),
        strings(&[
            &["NULL", "2", "0"],
            &["fastly", "1", "0"],
            &["ip_ranges", "8", "0"]
        ])
    );

    // The saved crawler questions. AI crawlers' pages: GPTBot's two and ClaudeBot's one (the
    // spoofed GPTBot's /blog/ left out).
    let ai_pages: Vec<Vec<String>> = run
        .saved_query("ai_crawler_pages.sql", &[])
        .into_iter()
        .map(|row| vec![run.path_of(&row[0]), row[1].clone(), row[2].clone()])
        .collect();
    assert_eq!(
        ai_pages,
        [["/", "2", "2"], [CONVERSION, "1", "1"]].map(|row| row.map(String::from).to_vec())
    );
    let spoofed: Vec<Vec<String>> = run
        .saved_query("spoofed_crawlers.sql", &[])
        .into_iter()
        .map(|row| row[..6].to_vec())
        .collect();
    assert_eq!(
        spoofed,
        [
            ["Google", "Googlebot", "5", "3", "2", "0"],
            ["OpenAI", "GPTBot", "3", "2", "1", "0"],
            ["Anthropic", "ClaudeBot", "1", "0", "0", "1"],
            ["Bing", "bingbot", "1", "1", "0", "0"],
        ]
        .map(|row| row.map(String::from).to_vec())
    );
    let share: Vec<(String, String, String, i64)> = run
        .saved_query("crawler_share.sql", &[])
        .into_iter()
        .map(|row| {
            let share: f64 = row[3].parse().unwrap();
            (
                row[0].clone(),
                row[1].clone(),
                row[2].clone(),
                (share * 10_000.0).round() as i64,
            )
        })
        .collect();
    assert_eq!(
        share,
        [
            ("2026-11-02", "search", "6", 2857),
            ("2026-11-03", "ai_crawler", "4", 4000),
            ("2026-11-03", "other", "1", 1000),
        ]
        .map(|(day, category, n, bp)| (
            day.to_string(),
            category.to_string(),
            n.to_string(),
            bp
        ))
    );

    // Sessions from the edge's cookie, and rebuilt from visitor ids and times: the same seven.
    let session_columns = [
        "pageviews",
        "CAST(is_bounce AS STRING) AS is_bounce",
        "source",
        "medium",
        "campaign",
    ];
    let expected_sessions = strings(&[
        &["5", "false", "www.google.com", "search", "(none)"], // A, day one
        &["1", "true", "linkedin", "social", "hiring-2026"],   // A, day two
        &["4", "false", "newsletter", "email", "november-digest"], // B, day one
        &["4", "false", "google", "cpc", "brand"],             // B, day two
        &["1", "true", "(direct)", "direct", "(none)"],        // C
        &["1", "true", "(direct)", "direct", "(none)"],        // E, direct
        &["1", "true", "newsletter", "email", "november-digest"], // E, the campaign
    ]);
    assert_eq!(
        run.rows("sessions", &session_columns, ""),
        expected_sessions
    );
    assert_eq!(
        run.rows("sessions_rebuilt", &session_columns, ""),
        expected_sessions
    );
    let landings: Vec<String> = run
        .rows(
            "sessions",
            &["landing_page", "exit_page"],
            "WHERE pageviews = 5",
        )
        .concat()
        .iter()
        .map(|url| run.path_of(url))
        .collect();
    assert_eq!(
        landings,
        [
            "/blog/server-side-tracking",
            "/career/thanks?job=data-engineer"
        ]
    );

    // Per day: day one has A, B, C and E in five sessions (three bounces), 14 page views (D's
    // included) and 6 crawler requests of 21; day two A and B in two sessions (one bounce),
    // 5 page views and 5 crawler requests of 10.
    assert_eq!(
        run.rows(
            "daily_kpis",
            &[
                "CAST(day AS STRING) AS day",
                "visitors",
                "sessions",
                "pageviews",
                // In basis points, so the comparison is exact.
                "CAST(ROUND(bounce_rate * 10000) AS INT64) AS bounce_rate",
                "CAST(ROUND(bot_share * 10000) AS INT64) AS bot_share",
            ],
            ""
        ),
        strings(&[
            &["2026-11-02", "4", "5", "14", "6000", "2857"],
            &["2026-11-03", "2", "2", "5", "5000", "5000"],
        ])
    );

    // Attribution: A converts in its search session, B in its ad session. First touch credits
    // both of a visitor's sessions to where the visitor first came from.
    let attribution = |model: &str| {
        run.rows(
            "attribution",
            &["source", "medium", "campaign", "sessions", "conversions"],
            &format!("WHERE model = '{model}'"),
        )
    };
    assert_eq!(
        attribution("last_touch"),
        strings(&[
            &["(direct)", "direct", "(none)", "2", "0"],
            &["google", "cpc", "brand", "1", "1"],
            &["linkedin", "social", "hiring-2026", "1", "0"],
            &["newsletter", "email", "november-digest", "2", "0"],
            &["www.google.com", "search", "(none)", "1", "1"],
        ])
    );
    assert_eq!(
        attribution("first_touch"),
        strings(&[
            &["(direct)", "direct", "(none)", "3", "0"],
            &["newsletter", "email", "november-digest", "2", "1"],
            &["www.google.com", "search", "(none)", "2", "1"],
        ])
    );

    // The article's question, through `footfall-processor query`: what did people read before
    // the data engineer ad? Career pages below the section index do not count.
    let answer: Vec<(String, String)> = run
        .saved_query("pages_before_job_ad.sql", &[])
        .into_iter()
        .map(|row| (row[0].clone(), run.path_of(&row[1])))
        .collect();
    // Per page, its query left out: B's newsletter landing counts as /blog/bounce-rate, and
    // /career/ is A's visit and B's ad click.
    let expected = [
        (2, "/blog/server-side-tracking"),
        (2, "/career/"),
        (1, "/blog/"),
        (1, "/blog/bounce-rate"),
    ];
    assert_eq!(
        answer,
        expected.map(|(n, page)| (n.to_string(), page.to_string()))
    );
    // Asked about the other job ad, nobody had seen it.
    assert_eq!(
        run.saved_query(
            "pages_before_job_ad.sql",
            &["job_ad=(?i)/career/jobs/frontend-developer"]
        ),
        Vec::<Vec<String>>::new()
    );
}

/// `footfall-processor report` for `start`..`end`, as headless Chromium builds the page (the
/// page's console must stay silent), with screenshots at a desktop's and a phone's width named
/// after `name` in `target/test-artifacts/`.
fn report(run: &Run, start: &str, end: &str, name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    let path = file.to_str().unwrap();
    processor(
        &run.env,
        &["report", "--start", start, "--end", end, "--output", path],
    );
    let (dom, console) = browser::dump_dom(&file);
    assert_eq!(console, Vec::<String>::new(), "the page's console");
    for width in [1280, 390] {
        browser::screenshot(&file, width, &format!("{name}-{width}.png"));
    }
    dom
}

/// The headline card of `metric`: its value as the page shows it.
fn card(html: &str, metric: &str) -> String {
    let card = html
        .split(&format!("data-metric=\"{metric}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {metric} card"));
    let value = card.split("<dd>").nth(1).unwrap();
    value.split("</dd>").next().unwrap().to_string()
}

/// The part of the page in the section with `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[test]
fn the_report_shows_the_known_scripts_numbers() {
    let run = Run::send("report", &known_script());
    let html = report(&run, "2026-11-02", "2026-11-03", "report-known-script");
    // The headline: A, B, C and E (D sends GPC: no id), seven sessions, 19 page views, four of
    // the seven sessions one page long; most sessions are single pages, so the median is 0.
    assert_eq!(
        [
            "visitors",
            "sessions",
            "pageviews",
            "bounce_rate",
            "median_session_seconds"
        ]
        .map(|m| card(&html, m)),
        ["4", "7", "19", "57.1%", "0m 00s"]
    );
    let page = |path: &str| format!("<td>{}{path}</td>", run.base_url);
    // The job ad is the most read page: A twice, B twice.
    let top = section(&html, "pages-top");
    assert!(
        top.contains(&format!("{}<td class=\"n\">4</td>", page(JOB_AD))),
        "{top}"
    );
    // B's ad click: one session, one conversion.
    let sources = section(&html, "sources");
    assert!(
        sources.contains("<td>google</td><td>cpc</td><td>brand</td><td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">100.0%</td>"),
        "{sources}"
    );
    // Where from: everyone in Dresden, from the edge's geo (the ISO code: Fastly's geo has no
    // country name in the event).
    let audience = section(&html, "audience");
    assert!(
        audience.contains("<td>DE</td><td class=\"n\">4</td><td class=\"n\">19</td>"),
        "{audience}"
    );
    // The crawler split, as the crawlers view has it.
    let crawlers = section(&html, "crawlers");
    for row in [
        "<td>Google</td><td>Googlebot</td><td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">0</td>",
        "<td>OpenAI</td><td>GPTBot</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">0</td>",
        "<td>(none named)</td><td>HeadlessChrome</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">1</td>",
    ] {
        assert!(crawlers.contains(row), "{row} in {crawlers}");
    }
    // The funnel: four sessions saw the ad; what they read before it, as the saved query says.
    let funnel = section(&html, "funnel");
    assert!(funnel.contains("<p>4 sessions reached"), "{funnel}");
    assert!(
        funnel.contains(&format!(
            "{}<td class=\"n\">2</td>",
            page("/blog/server-side-tracking")
        )),
        "{funnel}"
    );
    // A range with nothing in it says so, with no chart.
    let empty = report(&run, "2026-10-01", "2026-10-02", "report-empty");
    assert!(empty.contains("Nothing recorded in this range"));
    assert!(!empty.contains("<svg"));
    assert_eq!(card(&empty, "visitors"), "0");
}

#[test]
fn generated_traffic_gives_the_numbers_its_plan_implies() {
    let plan = Plan::generate(&Settings {
        seed: 42,
        visitors: 40,
        days: 3,
        start_ms: DAY_ONE,
        returning_percent: 30,
        gpc_percent: 10,
        prefetch_percent: 15,
        bot_percent: 25,
    });
    let run = Run::send("generated", &plan);

    let persons: Vec<&Actor> = plan.actors.iter().filter(|a| a.crawler.is_none()).collect();
    let tracked: Vec<&Visit> = persons
        .iter()
        .filter(|a| !a.gpc)
        .flat_map(|a| &a.visits)
        .collect();
    let views = |visit: &Visit| visit.hits.iter().filter(|h| !h.prefetch).count();
    let pageviews: usize = persons.iter().flat_map(|a| &a.visits).map(views).sum();
    let bot_hits = plan.hits()
        - persons
            .iter()
            .flat_map(|a| &a.visits)
            .map(|v| v.hits.len())
            .sum::<usize>();

    assert_eq!(run.count("events"), plan.hits() as u64);
    assert_eq!(run.count("pageviews"), pageviews as u64);
    assert_eq!(
        run.count("sessions"),
        tracked.len() as u64,
        "one session per planned visit"
    );
    assert_eq!(run.count("sessions_rebuilt"), tracked.len() as u64);
    let bounces = tracked.iter().filter(|v| views(v) == 1).count();
    assert_eq!(
        run.rows("sessions", &["COUNTIF(is_bounce) AS n"], ""),
        [[bounces.to_string()]]
    );
    assert_eq!(
        run.rows("events", &["COUNTIF(is_bot) AS n"], ""),
        [[bot_hits.to_string()]]
    );

    // Last touch: sessions and conversions per source, as the plan sent them.
    let mut expected: BTreeMap<Vec<String>, (usize, usize)> = BTreeMap::new();
    for visit in &tracked {
        let name = visit.source.unwrap().name;
        let key = attribution_of(name);
        let entry = expected.entry(key).or_default();
        entry.0 += 1;
        entry.1 += usize::from(
            visit
                .hits
                .iter()
                .any(|h| !h.prefetch && h.path.starts_with(CONVERSION)),
        );
    }
    let expected: Vec<Vec<String>> = expected
        .into_iter()
        .map(|(mut key, (sessions, conversions))| {
            key.extend([sessions.to_string(), conversions.to_string()]);
            key
        })
        .collect();
    assert_eq!(
        run.rows(
            "attribution",
            &["source", "medium", "campaign", "sessions", "conversions"],
            "WHERE model = 'last_touch'"
        ),
        expected
    );
}

/// The source, medium and campaign analytics reports for a planned source.
fn attribution_of(name: &str) -> Vec<String> {
    let (source, medium, campaign) = match name {
        "direct" => ("(direct)", "direct", "(none)"),
        "google search" => ("www.google.com", "search", "(none)"),
        "bing search" => ("www.bing.com", "search", "(none)"),
        "linkedin campaign" => ("linkedin", "social", "hiring-2026"),
        "mastodon" => ("mastodon.social", "social", "(none)"),
        "newsletter" => ("newsletter", "email", "november-digest"),
        "google ads" => ("google", "cpc", "brand"),
        "hacker news" => ("news.ycombinator.com", "social", "(none)"),
        other => panic!("a source the test does not know: {other}"),
    };
    vec![source.into(), medium.into(), campaign.into()]
}
