//! What checking one request's crawler claim costs: `Ranges::verify` for a Googlebot from a
//! Google address (proven), a Googlebot from elsewhere (spoofed), and a browser (no operator
//! claimed, so only the user-agent scan runs). `cargo bench -p footfall-bots --bench verify`;
//! the goal is at most 2 µs per crawler request.

use criterion::{criterion_group, criterion_main, Criterion};
use footfall_bots::Ranges;
use std::hint::black_box;
use std::net::IpAddr;

const GOOGLEBOT: &str = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";

fn bench(c: &mut Criterion) {
    let ranges = Ranges::bundled();
    let google: IpAddr = "66.249.66.1".parse().unwrap();
    let elsewhere: IpAddr = "203.0.113.9".parse().unwrap();
    let google_v6: IpAddr = "2001:4860:4801:10::1".parse().unwrap();
    assert_eq!(
        ranges.verify(GOOGLEBOT, google).unwrap().verified,
        Some(true)
    );
    assert_eq!(
        ranges.verify(GOOGLEBOT, elsewhere).unwrap().verified,
        Some(false)
    );
    assert_eq!(ranges.verify(BROWSER, google), None);

    c.bench_function("verify: Googlebot from Google (IPv4)", |b| {
        b.iter(|| ranges.verify(black_box(GOOGLEBOT), black_box(google)))
    });
    c.bench_function("verify: Googlebot from Google (IPv6)", |b| {
        b.iter(|| ranges.verify(black_box(GOOGLEBOT), black_box(google_v6)))
    });
    c.bench_function("verify: spoofed Googlebot", |b| {
        b.iter(|| ranges.verify(black_box(GOOGLEBOT), black_box(elsewhere)))
    });
    c.bench_function("verify: browser (no claim)", |b| {
        b.iter(|| ranges.verify(black_box(BROWSER), black_box(google)))
    });
    c.bench_function("Ranges::with_extra (two operators, three CIDRs)", |b| {
        b.iter(|| {
            Ranges::with_extra(black_box(
                "Google=192.0.2.0/29;OpenAI=198.51.100.16/28,2001:db8::/32",
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
