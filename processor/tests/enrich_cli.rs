//! `footfall-processor enrich` on crawlers that send their full address (the article's collector
//! format): the claim is checked against the bundled ranges and only the verdict comes out.

use std::io::Write;
use std::process::{Command, Stdio};

const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

const GPTBOT: &str = "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)";

fn collector_event(ua: &str, ip: &str) -> String {
    serde_json::json!({
        "visitor_id": null, "session_id": null, "timestamp": "2026-11-30T12:00:00+00:00",
        "ip": ip, "url": "https://www.example.com/blog", "host": "www.example.com",
        "path": ["blog"], "query": [], "referrer": null, "language": null, "ua": ua
    })
    .to_string()
}

/// `footfall-processor enrich` with `env`, given `events` one per line.
fn enrich(env: &[(&str, &str)], events: &[String]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_footfall-processor"))
        .arg("enrich")
        .env_remove("FOOTFALL_GEOIP_DB")
        .env_remove("FOOTFALL_BOT_RANGES")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = events.iter().map(|e| format!("{e}\n")).collect();
    // A process that refuses to start may close its input first.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn a_googlebot_from_googles_ranges_is_verified_and_from_elsewhere_spoofed() {
    let output = enrich(
        &[],
        &[
            collector_event(GOOGLEBOT, "66.249.66.1"),
            collector_event(GOOGLEBOT, "203.0.113.9"),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verdict = |e: &serde_json::Value| {
        (
            e["bot_operator"].clone(),
            e["bot_verified"].clone(),
            e["bot_verified_by"].clone(),
            e["is_bot"].clone(),
        )
    };
    let expected = |verified: bool| {
        (
            "Google".into(),
            verified.into(),
            "ip_ranges".into(),
            true.into(),
        )
    };
    assert_eq!(events.len(), 2);
    assert_eq!(verdict(&events[0]), expected(true));
    assert_eq!(
        verdict(&events[1]),
        expected(false),
        "a spoofed crawler is still a bot"
    );
    for ip in ["66.249", "203.0.113"] {
        assert!(!text.contains(ip), "{ip} in {text}");
    }
}

#[test]
fn a_range_list_given_by_path_makes_an_operator_checkable_and_a_bad_one_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("gptbot.json");
    std::fs::write(
        &list,
        r#"{"creationTime": "2025-01-01T00:00:00.000000", "prefixes": [{"ipv4Prefix": "198.51.100.16/28"}]}"#,
    )
    .unwrap();
    let setting = format!("OpenAI={}", list.display());
    let events = [
        collector_event(GPTBOT, "198.51.100.17"),
        collector_event(GPTBOT, "203.0.113.9"),
    ];
    let output = enrich(&[("FOOTFALL_BOT_RANGES", &setting)], &events);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let verified: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["bot_verified"].clone())
        .collect();
    assert_eq!(verified, [true, false]);
    assert!(
        stderr.contains("older than 180 days") && stderr.contains("gptbot.json"),
        "a stale list is reported at start: {stderr}"
    );
    // Without the list OpenAI has nothing to check against.
    let output = enrich(&[], &events[..1]);
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["bot_verified"], serde_json::Value::Null);

    std::fs::write(&list, r#"{"creationTime": "2026-11-01T00:00:00", "prefixes": [{"ipv4Prefix": "198.51.100.16/33"}]}"#).unwrap();
    let output = enrich(&[("FOOTFALL_BOT_RANGES", &setting)], &events);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("gptbot.json") && stderr.contains("prefix length 33"),
        "{stderr}"
    );
}
