//! The report page in a real browser (headless Chromium), on answers made up for the purpose:
//! values from the data are shown as text, never run. The numbers of a real pipeline run are
//! checked in `pipeline.rs`.

use footfall_processor::report::page::render;
use footfall_processor::report::period::Period;
use footfall_processor::report::rows::Rows;
use footfall_processor::report::{Answers, ReportOptions};
use footfall_processor::sink::warehouse::Answer;
use footfall_tests::browser;
use serde_json::{json, Value};

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

#[test]
fn the_browser_hears_a_console_error_so_a_silent_console_means_something() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("noisy.html");
    std::fs::write(
        &file,
        "<!doctype html><p>x</p><script>console.error('boom')</script>",
    )
    .unwrap();
    let (_, console) = browser::dump_dom(&file);
    assert!(
        console.iter().any(|line| line.contains("boom")),
        "{console:?}"
    );
}

#[test]
fn a_hostile_campaign_name_is_shown_as_text() {
    let hostile =
        "<script>console.error('ran')</script><img src=x onerror=\"console.error('img')\">";
    let summary = rows(
        &[
            "period",
            "visitors",
            "sessions",
            "pageviews",
            "bounce_rate",
            "median_session_seconds",
        ],
        &[&[
            json!("current"),
            json!("1"),
            json!("1"),
            json!("1"),
            json!("1"),
            json!("0"),
        ]],
    );
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
            json!(hostile),
            json!("1"),
            json!("0"),
            json!("0"),
        ]],
    );
    let options = ReportOptions {
        period: Period::new(
            Some("2026-11-02"),
            Some("2026-11-03"),
            time::macros::date!(2026 - 12 - 08),
        )
        .unwrap(),
        host: None,
        target: "(?i)/career/jobs/data-engineer".into(),
        section: "career".into(),
        conversion: "/thanks".into(),
    };
    let answers = Answers {
        summary,
        sources,
        ..Answers::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.html");
    std::fs::write(&file, render(&options, &answers, "now")).unwrap();
    let (dom, console) = browser::dump_dom(&file);
    assert_eq!(console, Vec::<String>::new(), "nothing ran");
    assert!(!dom.contains("<script") && !dom.contains("<img"), "{dom}");
    assert!(
        dom.contains("&lt;script&gt;console.error('ran')&lt;/script&gt;"),
        "{dom}"
    );
}
