//! What tracking costs the edge per request, natively: identify the visitor, build the event,
//! serialise it, sign the PutRecord; and for a crawler, the check of its claim. Goals: building
//! one event ≤ 10 µs (issue 2), verifying a crawler ≤ 2 µs (issue 11).

use criterion::{criterion_group, criterion_main, Criterion};
use footfall_edge::config::{Config, Sink};
use footfall_edge::consent::Consent;
use footfall_edge::crawler::{claimed, verdict};
use footfall_edge::event::Capture;
use footfall_edge::identity::{identify, OsEntropy};
use footfall_edge::kinesis::{put_record, AwsCredentials};
use footfall_edge::url_parts::first_value;
use std::hint::black_box;
use std::time::SystemTime;

const BROWSER: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36";
/// Googlebot's smartphone user agent, the longest common crawler claim.
const GOOGLEBOT: &str = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

fn request(user_agent: &str, ip: &str) -> http::Request<()> {
    http::Request::get("https://www.example.com/en/career/jobs/data-engineer?gh_jid=4082751002&utm_source=linkedin&utm_medium=social&utm_campaign=buffer")
        .header("host", "www.example.com")
        .header("referer", "https://www.linkedin.com/")
        .header("accept-language", "en-US,en;q=0.9,de;q=0.8")
        .header("user-agent", user_agent)
        .extension(ip.parse::<std::net::IpAddr>().unwrap())
        .body(())
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let (config, _) = Config::load(|k| match k {
        "kinesis_stream" => Some("footfall-events".into()),
        "kinesis_region" => Some("eu-central-1".into()),
        _ => None,
    });
    let Sink::Kinesis(kinesis) = &config.sink else {
        unreachable!("configured above")
    };
    let credentials = AwsCredentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
    };
    let cookie = "footfall_visitor=10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da; footfall_session=0123456789abcdef0123456789abcdef.1764504000.";
    let browser = request(BROWSER, "81.169.145.85");
    let event_id = "00000000000000000000000000000001-1a2b3c4d";

    c.bench_function(
        "build_event (capture + identify + finish + serialise)",
        |b| {
            b.iter(|| {
                let captured =
                    Capture::new(black_box(&browser), event_id.into(), SystemTime::now());
                let identity = identify(
                    &config.cookies,
                    Some(cookie),
                    first_value(&captured.event.request.query, "utm_campaign"),
                    1_764_504_100,
                    true,
                    &mut OsEntropy,
                );
                let event = captured.finish(200, Some(&identity), Consent::Full, &config);
                serde_json::to_vec(&event).unwrap()
            })
        },
    );
    // A crawler is recorded anonymously: no identity, and its claim is checked.
    let crawler = request(GOOGLEBOT, "66.249.66.1");
    c.bench_function(
        "build_event, Googlebot (capture + verify + finish + serialise)",
        |b| {
            b.iter(|| {
                let captured =
                    Capture::new(black_box(&crawler), event_id.into(), SystemTime::now());
                serde_json::to_vec(&captured.finish(200, None, Consent::Anonymous, &config))
                    .unwrap()
            })
        },
    );
    let captured = Capture::new(&crawler, event_id.into(), SystemTime::now());
    let ip = captured.client_ip;
    c.bench_function(
        "verify a Googlebot claim (token scan + range lookup)",
        |b| {
            b.iter(|| {
                verdict(
                    black_box(&captured.event),
                    claimed(&captured.event),
                    ip,
                    &config.bot_ranges,
                )
            })
        },
    );
    let line = serde_json::to_vec(
        &Capture::new(&browser, event_id.into(), SystemTime::now()).finish(
            200,
            None,
            Consent::Full,
            &config,
        ),
    )
    .unwrap();
    c.bench_function("sign PutRecord (SigV4)", |b| {
        b.iter(|| {
            put_record(
                kinesis,
                &credentials,
                black_box(&line),
                "10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da",
                SystemTime::now(),
            )
            .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
