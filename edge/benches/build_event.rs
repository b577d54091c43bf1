//! What tracking costs the edge per request, natively: identify the visitor, build the event,
//! serialise it, sign the PutRecord. Goal (issue 2): building one event ≤ 10 µs.

use criterion::{criterion_group, criterion_main, Criterion};
use footfall_bots::Ranges;
use footfall_edge::config::{Config, Sink};
use footfall_edge::consent::Consent;
use footfall_edge::event::Capture;
use footfall_edge::identity::{identify, OsEntropy};
use footfall_edge::kinesis::{put_record, AwsCredentials};
use footfall_edge::url_parts::first_value;
use std::hint::black_box;
use std::time::SystemTime;

fn request() -> http::Request<()> {
    http::Request::get("https://www.example.com/en/career/jobs/data-engineer?gh_jid=4082751002&utm_source=linkedin&utm_medium=social&utm_campaign=buffer")
        .header("host", "www.example.com")
        .header("referer", "https://www.linkedin.com/")
        .header("accept-language", "en-US,en;q=0.9,de;q=0.8")
        .header("user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36")
        .extension("81.169.145.85".parse::<std::net::IpAddr>().unwrap())
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
    let request = request();
    let ranges = Ranges::bundled();
    let event_id = "00000000000000000000000000000001-1a2b3c4d";

    c.bench_function(
        "build_event (capture + identify + finish + serialise)",
        |b| {
            b.iter(|| {
                let captured =
                    Capture::new(black_box(&request), event_id.into(), SystemTime::now());
                let identity = identify(
                    &config.cookies,
                    Some(cookie),
                    first_value(&captured.event.request.query, "utm_campaign"),
                    1_764_504_100,
                    true,
                    &mut OsEntropy,
                );
                let event = captured.finish(200, Some(&identity), Consent::Full, &ranges);
                serde_json::to_vec(&event).unwrap()
            })
        },
    );
    let line = serde_json::to_vec(
        &Capture::new(&request, event_id.into(), SystemTime::now()).finish(
            200,
            None,
            Consent::Full,
            &ranges,
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
