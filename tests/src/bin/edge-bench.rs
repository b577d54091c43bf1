//! Side-by-side load benchmark of the edge under Viceroy: the same wasm as a plain proxy
//! (`enabled = false`), with tracking on (Kinesis PutRecord), and with the log endpoint as the
//! sink, against one fast origin; once with Kinesis answering at once and once answering after
//! 2 s. The load is open-loop at a fixed rate below saturation (latency is measured from each
//! request's scheduled start, so a stall is not hidden), and sides alternate in rounds so drift
//! on the machine hits all of them. Prints a Markdown table for BENCHMARKS.md.
//!
//! Run with `scripts/bench-edge` (which builds the wasm and sets up the tools first).

use footfall_tests::client::get;
use footfall_tests::edge::{Edge, STREAM};
use footfall_tests::fault_proxy::{Fault, FaultProxy};
use footfall_tests::kinesalite::Kinesalite;
use footfall_tests::origin::Origin;
use std::time::{Duration, Instant};

const ROUNDS: usize = 3;
const CONCURRENCY: u64 = 8;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Default)]
struct Sample {
    latencies: Vec<Duration>,
    wall: Duration,
    cpu: Duration,
}

impl Sample {
    fn rps(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }

    fn percentile(&mut self, p: f64) -> Duration {
        self.latencies.sort();
        self.latencies[((self.latencies.len() as f64 - 1.0) * p).round() as usize]
    }

    fn cpu_per_request(&self) -> Duration {
        self.cpu / self.latencies.len() as u32
    }
}

/// Sends `rate` requests per second to `edge` for `seconds` from `CONCURRENCY` clients.
fn load(edge: &Edge, rate: u64, seconds: u64, sample: &mut Sample) {
    let cpu_before = edge.cpu_time();
    let started = Instant::now();
    let total = rate * seconds;
    let latencies: Vec<Vec<Duration>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CONCURRENCY)
            .map(|worker| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    for i in (worker..total).step_by(CONCURRENCY as usize) {
                        let scheduled = started + Duration::from_secs_f64(i as f64 / rate as f64);
                        std::thread::sleep(scheduled.saturating_duration_since(Instant::now()));
                        let url = edge.url(&format!("/bench/{worker}/{i}?utm_source=bench"));
                        let page = get(&url, &[("user-agent", "footfall-bench")]);
                        assert_eq!(page.status, 200);
                        mine.push(scheduled.elapsed());
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    sample.wall += started.elapsed();
    // Work continues after each response (shipping the event, up to the 1 s timeout against
    // the slow Kinesis): let it finish before reading the CPU clock.
    std::thread::sleep(Duration::from_millis(2500));
    sample.cpu += edge.cpu_time().saturating_sub(cpu_before);
    sample.latencies.extend(latencies.into_iter().flatten());
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let seconds = setting("BENCH_SECONDS", 10);
    let rate = setting("BENCH_RATE", 200);
    let kinesalite = Kinesalite::start();
    kinesalite.create_stream(STREAM, 4);
    let origin = Origin::start();
    let slow = FaultProxy::start(kinesalite.port, Fault::Delay(Duration::from_secs(2)));
    println!(
        "Edge under Viceroy: {rate} requests/s open-loop from {CONCURRENCY} clients, \
         {ROUNDS} alternating rounds of {seconds} s per side\n"
    );
    println!("| Kinesis | side | requests | req/s | p50 ms | p99 ms | Viceroy CPU/req µs |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (label, kinesis_port) in [("fast", kinesalite.port), ("answers after 2 s", slow.port)] {
        let sides = [
            (
                "plain proxy",
                Edge::start(origin.port, kinesis_port, &[("enabled", "false")]),
            ),
            (
                "footfall, Kinesis sink",
                Edge::start(origin.port, kinesis_port, &[]),
            ),
            (
                "footfall, log sink",
                Edge::start(origin.port, kinesis_port, &[("sink", "log")]),
            ),
        ];
        let mut samples: Vec<Sample> = sides.iter().map(|_| Sample::default()).collect();
        for (_, edge) in &sides {
            // Warm up: the first requests open connections and fill caches.
            load(edge, rate, 1, &mut Sample::default());
        }
        for _ in 0..ROUNDS {
            for ((_, edge), sample) in sides.iter().zip(&mut samples) {
                load(edge, rate, seconds, sample);
            }
        }
        let mut stats = Vec::new();
        for ((side, _), sample) in sides.iter().zip(&mut samples) {
            let (p50, p99, cpu) = (
                sample.percentile(0.50),
                sample.percentile(0.99),
                sample.cpu_per_request(),
            );
            println!(
                "| {label} | {side} | {} | {:.0} | {} | {} | {:.0} |",
                sample.latencies.len(),
                sample.rps(),
                ms(p50),
                ms(p99),
                cpu.as_secs_f64() * 1e6
            );
            stats.push((p50, p99, cpu));
        }
        let ratio = |x: Duration, y: Duration| y.as_secs_f64() / x.as_secs_f64();
        for (i, (side, _)) in sides.iter().enumerate().skip(1) {
            println!(
                "| {label} | **ratio {side} / plain** | | | {:.3} | {:.3} | {:.3} |",
                ratio(stats[0].0, stats[i].0),
                ratio(stats[0].1, stats[i].1),
                ratio(stats[0].2, stats[i].2)
            );
        }
        eprintln!(
            "({label}: {} records in Kinesis so far; {} events in the Kinesis side's fallback log)",
            kinesalite.records(STREAM).len(),
            sides[1].1.logged_events().len()
        );
    }
}
