//! Relay benchmark: pushes notifications recorded from the real codex (ui/src/state/__fixtures__)
//! through the relay and prints throughput and latency percentiles.
//!
//! `npm run bench` (= `cargo run --release -p codex-desk-core --example relay_bench`)
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use codex_desk_core::relay::{spawn_relay, RelayConfig};
use codex_desk_protocol::{EventBatch, SessionEvent};
use serde_json::Value;

const FIXTURES: &[&str] = &[
    include_str!("../../../../ui/src/state/__fixtures__/text.jsonl"),
    include_str!("../../../../ui/src/state/__fixtures__/command.jsonl"),
    include_str!("../../../../ui/src/state/__fixtures__/patch.jsonl"),
];

/// The recorded notifications (lines with a method and no id).
fn recorded() -> Vec<Value> {
    FIXTURES
        .iter()
        .flat_map(|f| f.lines())
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("method").is_some() && v.get("id").is_none())
        .collect()
}

/// A stream shaped like a long codex answer: the recorded turn with its deltas repeated
/// `repeat` times each; every delta carries its index so the sink can measure latency.
fn workload(repeat: usize) -> Vec<Value> {
    let mut out = Vec::new();
    for n in recorded() {
        let method = n["method"].as_str().unwrap_or_default();
        if method.ends_with("/delta") || method.ends_with("Delta") {
            for _ in 0..repeat {
                out.push(n.clone());
            }
        } else {
            out.push(n);
        }
    }
    for (i, n) in out.iter_mut().enumerate() {
        if let Some(d) = n.pointer_mut("/params/delta") {
            *d = Value::String(format!("<{i}>some streamed text of a typical size "));
        }
    }
    out
}

struct Stats {
    latencies: Vec<Duration>,
    batches: usize,
    max_batch_bytes: usize,
}

async fn run(events: &[Value], pace: Option<Duration>) -> (Duration, Stats) {
    let sent_at: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; events.len()]));
    let stats = Arc::new(Mutex::new(Stats {
        latencies: Vec::new(),
        batches: 0,
        max_batch_bytes: 0,
    }));
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let mut done_tx = Some(done_tx);
    let sink = {
        let sent_at = sent_at.clone();
        let stats = stats.clone();
        move |batch: EventBatch| {
            let now = Instant::now();
            let bytes = serde_json::to_vec(&batch).map(|v| v.len()).unwrap_or(0);
            let mut s = stats.lock().unwrap();
            s.batches += 1;
            s.max_batch_bytes = s.max_batch_bytes.max(bytes);
            let sent = sent_at.lock().unwrap();
            for e in &batch.events {
                let SessionEvent::Codex { notification } = e else {
                    continue;
                };
                if notification["method"] == "bench/end" {
                    if let Some(tx) = done_tx.take() {
                        let _ = tx.send(());
                    }
                    continue;
                }
                let indices: Vec<usize> = match notification
                    .pointer("/params/delta")
                    .and_then(Value::as_str)
                {
                    Some(text) => text
                        .split('<')
                        .skip(1)
                        .filter_map(|p| p.split('>').next()?.parse().ok())
                        .collect(),
                    None => notification
                        .get("benchIndex")
                        .and_then(Value::as_u64)
                        .map(|i| i as usize)
                        .into_iter()
                        .collect(),
                };
                for i in indices {
                    if let Some(t) = sent[i] {
                        s.latencies.push(now - t);
                    }
                }
            }
            true
        }
    };
    let input = spawn_relay("bench".into(), RelayConfig::default(), sink);
    let start = Instant::now();
    for (i, n) in events.iter().enumerate() {
        let mut n = n.clone();
        if n.pointer("/params/delta").is_none() {
            n["benchIndex"] = Value::from(i);
        }
        sent_at.lock().unwrap()[i] = Some(Instant::now());
        input.send(SessionEvent::Codex { notification: n }).await;
        if let Some(p) = pace {
            tokio::time::sleep_until(tokio::time::Instant::from_std(start + p * (i as u32 + 1)))
                .await;
        }
    }
    // A lifecycle event is never dropped: when it arrives, everything before it has.
    input
        .send(SessionEvent::Codex {
            notification: serde_json::json!({"method": "bench/end"}),
        })
        .await;
    let _ = tokio::time::timeout(Duration::from_secs(30), done_rx).await;
    let elapsed = start.elapsed();
    drop(input);
    let taken = std::mem::replace(
        &mut *stats.lock().unwrap(),
        Stats {
            latencies: Vec::new(),
            batches: 0,
            max_batch_bytes: 0,
        },
    );
    (elapsed, taken)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// One run's numbers: throughput, batches, latency percentiles (ms), deltas shed.
struct RunReport {
    events_per_s: f64,
    batches: usize,
    max_batch_bytes: usize,
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    shed: usize,
}

fn report(name: &str, events: usize, elapsed: Duration, mut s: Stats) -> RunReport {
    s.latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let r = RunReport {
        events_per_s: events as f64 / elapsed.as_secs_f64(),
        batches: s.batches,
        max_batch_bytes: s.max_batch_bytes,
        p50: ms(pct(&s.latencies, 0.50)),
        p95: ms(pct(&s.latencies, 0.95)),
        p99: ms(pct(&s.latencies, 0.99)),
        max: ms(s.latencies.last().copied().unwrap_or_default()),
        shed: events - s.latencies.len(),
    };
    println!(
        "{name}: {events} events in {:.1} ms = {:.0} events/s; {} batches (largest {} B); latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} deltas shed under load",
        ms(elapsed), r.events_per_s, r.batches, r.max_batch_bytes, r.p50, r.p95, r.p99, r.max, r.shed,
    );
    r
}

/// The median of each number over `runs`.
fn summary(name: &str, runs: &[RunReport]) {
    let median = |f: &dyn Fn(&RunReport) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{name}, median of {} runs: {:.0} events/s; {:.0} batches (largest {:.0} B); latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} deltas shed",
        runs.len(),
        median(&|r| r.events_per_s),
        median(&|r| r.batches as f64),
        median(&|r| r.max_batch_bytes as f64),
        median(&|r| r.p50),
        median(&|r| r.p95),
        median(&|r| r.p99),
        median(&|r| r.max),
        median(&|r| r.shed as f64),
    );
}

const RUNS: usize = 5;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let burst = workload(4000);
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let (elapsed, stats) = run(&burst, None).await;
        runs.push(report(
            "burst (as fast as possible)",
            burst.len(),
            elapsed,
            stats,
        ));
    }
    summary("burst", &runs);

    // Codex streams 12k-25k deltas/s at most; replay at 20k/s for about two seconds.
    let paced = workload(1500);
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let (elapsed, stats) = run(&paced, Some(Duration::from_micros(50))).await;
        runs.push(report("paced at 20k events/s", paced.len(), elapsed, stats));
    }
    summary("paced at 20k events/s", &runs);
}
