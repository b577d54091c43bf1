//! What the contract's JSON costs by itself: decoding one edge event (`RawEvent`, whose
//! `PageRequest` is flattened) and encoding one `EnrichedEvent`. The floor under the processor's
//! per-event cost; `cargo bench -p footfall-event --bench serde`.

use criterion::{criterion_group, criterion_main, Criterion};
use footfall_event::{EnrichedEvent, RawEvent};
use std::hint::black_box;

/// An edge event as the README shows it.
const LINE: &str = r#"{"schema":"footfall.raw.v1","event_id":"00000000000000000000000000000003-5e1c9a02","visitor_id":"67a8b8f76b54373013e92e3e66c1050fb613d532","session_id":"f8d2eb75f8e77d274d696827f580d47a","new_visitor":false,"new_session":false,"timestamp":"2026-11-30T12:12:23.693Z","url":"https://www.example.com/career/jobs/data-engineer?utm_source=linkedin&utm_campaign=hiring","host":"www.example.com","path":["career","jobs","data-engineer"],"query":[{"param":"utm_source","value":"linkedin"},{"param":"utm_campaign","value":"hiring"}],"referrer":"https://www.linkedin.com/","language":"en","method":"GET","status":200,"cache":"MISS","pop":"FRA","purpose":null,"ip":"81.169.145.85","ua":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36","gpc":false,"dnt":false,"edge_geo":{"country":"DE","region":"SN","city":"Dresden","asn":3320}}"#;

fn bench(c: &mut Criterion) {
    c.bench_function("decode a RawEvent", |b| {
        b.iter(|| serde_json::from_str::<RawEvent>(black_box(LINE)).unwrap())
    });
    let enriched = EnrichedEvent {
        request: serde_json::from_str::<RawEvent>(LINE).unwrap().request,
        ..Default::default()
    };
    c.bench_function("encode an EnrichedEvent", |b| {
        b.iter(|| serde_json::to_vec(black_box(&enriched)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
