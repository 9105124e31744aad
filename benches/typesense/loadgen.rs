//! A bounded HTTP load generator for the server benchmark
//! (`benches/typesense/run.sh`): a fixed number of clients, each on its own
//! thread with its own keep-alive connection, each waiting for its answer
//! before it sends the next request (a closed loop: the load never exceeds
//! the concurrency). The clients replay a list of URLs round-robin (client
//! `i` starts at URL `i`), first for a warm-up period that is not recorded,
//! then for a fixed measured period (or until a cap on requests is met).
//!
//! ```text
//! cargo run --release --example loadgen -- --urls URLS.txt --clients 8 \
//!     [--seconds 20] [--warmup 3] [--max-requests 2000000] \
//!     [--header 'X-TYPESENSE-API-KEY: key'] [--label typesense]
//! ```
//! `URLS.txt` holds one absolute `http://` URL per line. Prints one JSON
//! object: `label, clients, seconds, requests, errors, rps, p50_ms, p95_ms,
//! p99_ms, max_ms` (percentiles by nearest rank over every measured request;
//! a request counts as an error unless it answers 200 with a body).
//!
//! Only meant for addresses on this machine: it refuses any host other than
//! loopback.

use ombudsearch::bench::Stats;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Args {
    urls: Vec<String>,
    headers: Vec<(String, String)>,
    clients: usize,
    seconds: f64,
    warmup: f64,
    max_requests: u64,
    label: String,
}

fn usage(msg: &str) -> ! {
    eprintln!("loadgen: {msg}");
    eprintln!(
        "usage: loadgen --urls FILE --clients N [--seconds S] [--warmup S] [--max-requests N] [--header 'Name: value']... [--label L]"
    );
    std::process::exit(2)
}

fn loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    host == "localhost" || host == "[::1]" || host.starts_with("127.")
}

fn parse_args() -> Args {
    let mut urls_file = None;
    let mut headers = Vec::new();
    let mut clients = 1usize;
    let mut seconds = 20.0;
    let mut warmup = 3.0;
    let mut max_requests = 2_000_000u64;
    let mut label = String::new();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        let number = |v: String| -> f64 {
            v.parse()
                .unwrap_or_else(|_| usage(&format!("'{v}' is not a number")))
        };
        match flag.as_str() {
            "--urls" => urls_file = Some(value()),
            "--header" => {
                let h = value();
                let Some((name, v)) = h.split_once(':') else {
                    usage(&format!("header '{h}' is not 'Name: value'"))
                };
                headers.push((name.trim().to_string(), v.trim().to_string()));
            }
            "--clients" => clients = number(value()) as usize,
            "--seconds" => seconds = number(value()),
            "--warmup" => warmup = number(value()),
            "--max-requests" => max_requests = number(value()) as u64,
            "--label" => label = value(),
            other => usage(&format!("unknown flag '{other}'")),
        }
    }
    let Some(file) = urls_file else {
        usage("--urls is required")
    };
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| usage(&format!("cannot read {file}: {e}")));
    let urls: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if urls.is_empty() {
        usage(&format!("{file} holds no URL"));
    }
    if let Some(bad) = urls.iter().find(|u| !loopback(u)) {
        usage(&format!("{bad}: only http:// URLs on loopback are allowed"));
    }
    if !(1..=256).contains(&clients) {
        usage("--clients must be between 1 and 256");
    }
    if !(0.001..=3600.0).contains(&seconds) || !(0.0..=600.0).contains(&warmup) {
        usage("--seconds must be in [0.001, 3600] and --warmup in [0, 600]");
    }
    Args {
        urls,
        headers,
        clients,
        seconds,
        warmup,
        max_requests: max_requests.max(1),
        label,
    }
}

/// What one client measured.
#[derive(Default)]
struct ClientResult {
    samples_ms: Vec<f64>,
    errors: u64,
    /// When its last measured request finished.
    last_done: Option<Instant>,
    first_error: Option<String>,
}

/// Sends one request and reads the whole answer; `Err` says why it failed.
fn request(agent: &ureq::Agent, url: &str, headers: &[(String, String)]) -> Result<(), String> {
    let mut req = agent.get(url);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let mut resp = req.call().map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .map_err(|e| e.to_string())?;
    if status != 200 {
        let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        return Err(format!("HTTP {status}: {text}"));
    }
    if body.is_empty() {
        return Err("empty answer".into());
    }
    Ok(())
}

fn client(
    i: usize,
    args: &Args,
    measure_from: Instant,
    measure_until: Instant,
    budget: &AtomicU64,
) -> ClientResult {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .max_idle_connections_per_host(1)
        .build()
        .into();
    let mut out = ClientResult::default();
    let mut next = i % args.urls.len();
    loop {
        let start = Instant::now();
        if start >= measure_until {
            break;
        }
        let measured = start >= measure_from;
        if measured
            && budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(1))
                .is_err()
        {
            break;
        }
        let url = &args.urls[next];
        next = (next + 1) % args.urls.len();
        let result = request(&agent, url, &args.headers);
        let done = Instant::now();
        if !measured {
            if let Err(e) = result {
                // A server that fails while warming up fails the run.
                eprintln!("loadgen: warm-up request failed: {url}: {e}");
                std::process::exit(1);
            }
            continue;
        }
        out.last_done = Some(done);
        match result {
            Ok(()) => out
                .samples_ms
                .push(done.duration_since(start).as_secs_f64() * 1000.0),
            Err(e) => {
                out.errors += 1;
                out.first_error.get_or_insert(format!("{url}: {e}"));
            }
        }
    }
    out
}

fn main() {
    let args = Arc::new(parse_args());
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(args.warmup);
    let measure_until = measure_from + Duration::from_secs_f64(args.seconds);
    let budget = Arc::new(AtomicU64::new(args.max_requests));
    let handles: Vec<_> = (0..args.clients)
        .map(|i| {
            let args = Arc::clone(&args);
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || client(i, &args, measure_from, measure_until, &budget))
        })
        .collect();
    let mut samples = Vec::new();
    let mut errors = 0;
    let mut last_done = measure_from;
    let mut first_error = None;
    for h in handles {
        let r = h.join().expect("a client thread panicked");
        samples.extend(r.samples_ms);
        errors += r.errors;
        if let Some(t) = r.last_done {
            last_done = last_done.max(t);
        }
        if first_error.is_none() {
            first_error = r.first_error;
        }
    }
    if let Some(e) = &first_error {
        eprintln!("loadgen: {errors} failed requests; first: {e}");
    }
    let window = last_done.duration_since(measure_from).as_secs_f64();
    let requests = samples.len() as u64 + errors;
    let stats = Stats::of(&samples);
    let rps = if window > 0.0 {
        samples.len() as f64 / window
    } else {
        0.0
    };
    let report = serde_json::json!({
        "label": args.label,
        "clients": args.clients,
        "urls": args.urls.len(),
        "seconds": window,
        "requests": requests,
        "errors": errors,
        "rps": rps,
        "p50_ms": stats.p50_ms,
        "p95_ms": stats.p95_ms,
        "p99_ms": stats.p99_ms,
        "max_ms": stats.max_ms,
    });
    println!("{report}");
}
