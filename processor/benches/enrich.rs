//! Enrichment throughput on a realistic mix and cold start. Run through `scripts/bench-processor`,
//! which generates the events (FOOTFALL_BENCH_EVENTS) and fetches the database (FOOTFALL_BENCH_GEOIP).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use footfall_processor::batch::{process, Position, Record};
use footfall_processor::enrich::bots::{Crawlers, BUNDLED_CRAWLERS};
use footfall_processor::enrich::geo::GeoDatabase;
use footfall_processor::enrich::user_agent::{UserAgentParser, BUNDLED_REGEXES};
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

criterion_group!(benches, bench);
criterion_main!(benches);
