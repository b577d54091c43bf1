//! Enrichment throughput on a realistic mix and cold start. Run through `scripts/bench-processor`,
//! which generates the events (FOOTFALL_BENCH_EVENTS) and fetches the database (FOOTFALL_BENCH_GEOIP).
//! First, what crawler verification costs per event and at start (goals: ≤ 1 µs, ≤ 5 ms).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use footfall_bots::{claimed_operator, Ranges};
use footfall_event::{IpPrecision, RawEvent};
use footfall_processor::batch::{process, Position, Record};
use footfall_processor::enrich::bots::{Crawlers, BUNDLED_CRAWLERS};
use footfall_processor::enrich::geo::GeoDatabase;
use footfall_processor::enrich::range_lists::{self, RangeListFile};
use footfall_processor::enrich::user_agent::{UserAgentParser, BUNDLED_REGEXES};
use footfall_processor::enrich::verify::verify;
use footfall_processor::enrich::Enricher;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

const EVENTS: usize = 10_000;

fn input(name: &str) -> PathBuf {
    std::env::var_os(name)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{name} is not set: run scripts/bench-processor"))
}

fn enricher(cache: usize, geoip: &Path) -> Enricher {
    Enricher::new(
        UserAgentParser::new(BUNDLED_REGEXES).unwrap(),
        Crawlers::new(BUNDLED_CRAWLERS).unwrap(),
        Some(GeoDatabase::open(geoip).unwrap()),
        cache,
    )
}

fn verification(c: &mut Criterion) {
    let googlebot = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    // The article's collector format: a full address, which the processor checks itself.
    let event = RawEvent {
        ua: Some(googlebot.into()),
        ip: Some("66.249.66.1".into()),
        ip_precision: Some(IpPrecision::Full),
        ..RawEvent::default()
    };
    let ranges = Ranges::bundled();
    let mut group = c.benchmark_group("crawler verification");
    // The claim is found once per user agent (cached with its parse); the address per event.
    let claimed = claimed_operator(googlebot);
    group.bench_function("per event: a Googlebot's full address", |b| {
        b.iter(|| verify(&ranges, claimed, std::hint::black_box(&event)))
    });
    group.bench_function("per user agent: which operator it claims", |b| {
        b.iter(|| claimed_operator(std::hint::black_box(googlebot)))
    });
    let now = OffsetDateTime::now_utc().unix_timestamp();
    group.bench_function("cold start: bundled ranges and their age", |b| {
        b.iter(|| {
            (
                Ranges::bundled(),
                footfall_bots::stale_range_files(now, 180).len(),
            )
        })
    });
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../bots/data/ranges");
    let google: Vec<RangeListFile> = ["google-googlebot", "google-googlesc", "google-googleutf"]
        .iter()
        .map(|name| RangeListFile {
            operator: "Google".into(),
            path: format!("{data}/{name}.json").into(),
        })
        .collect();
    group.bench_function("cold start: Google's three lists read by path", |b| {
        b.iter(|| range_lists::load(&google, now, 180).unwrap())
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let geoip = input("FOOTFALL_BENCH_GEOIP");
    let text = std::fs::read_to_string(input("FOOTFALL_BENCH_EVENTS")).unwrap();
    let records: Vec<Record> = text
        .lines()
        .take(EVENTS)
        .enumerate()
        .map(|(i, line)| Record {
            data: line.as_bytes().to_vec(),
            position: Position {
                source: "bench".into(),
                shard: "0".into(),
                sequence: i.to_string(),
            },
        })
        .collect();

    let mut group = c.benchmark_group("enrich");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.sample_size(10);
    for (name, cache) in [("UA cache 10k", 10_000), ("no UA cache", 0)] {
        let mut enricher = enricher(cache, &geoip);
        group.bench_function(format!("{EVENTS} events, {name}"), |b| {
            b.iter(|| {
                process(&mut enricher, &records, OffsetDateTime::now_utc())
                    .events
                    .len()
            })
        });
    }
    group.finish();

    let mut cold = c.benchmark_group("cold start");
    cold.sample_size(10);
    cold.bench_function("rules + crawler list + database open", |b| {
        b.iter(|| enricher(10_000, &geoip))
    });
    cold.finish();
}

criterion_group!(benches, verification, bench);
criterion_main!(benches);
