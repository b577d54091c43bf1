//! `footfall-processor enrich` on crawlers that send their full address (the article's collector
//! format): the claim is checked against the bundled ranges and only the verdict comes out.

use std::io::Write;
use std::process::{Command, Stdio};

const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

fn collector_event(ip: &str) -> String {
    serde_json::json!({
        "visitor_id": null, "session_id": null, "timestamp": "2026-11-30T12:00:00+00:00",
        "ip": ip, "url": "https://www.example.com/blog", "host": "www.example.com",
        "path": ["blog"], "query": [], "referrer": null, "language": null, "ua": GOOGLEBOT
    })
    .to_string()
}

#[test]
fn a_googlebot_from_googles_ranges_is_verified_and_from_elsewhere_spoofed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_footfall-processor"))
        .arg("enrich")
        .env_remove("FOOTFALL_GEOIP_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = format!(
        "{}\n{}\n",
        collector_event("66.249.66.1"),
        collector_event("203.0.113.9")
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
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
