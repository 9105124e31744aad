//! Criterion: query latency per class, ombudsearch and the SQLite FTS5 peer
//! side by side (groups `ombudsearch/<class>` and `fts5/<class>`, each with
//! `top10` and `full`; one iteration is one query of the class, the class's
//! queries taken in turn).
//!
//! ```text
//! cargo bench --bench query_latency                          # 20,000 decisions
//! OMBUDSEARCH_BENCH_DOCS=100000 cargo bench --bench query_latency -- term-rare
//! ```
//! The corpus and both indexes live in `<target>/bench-data/` and are built
//! only when missing or older than the corpus (build times are measured by
//! `compare` and `indexing`).
//! Query set: `OMBUDSEARCH_BENCH_QUERIES`, default `benches/queries.txt`.
//! See `benches/support/mod.rs` for how the peer is built and queried.

#[path = "support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use ombudsearch::bench as obench;
use ombudsearch::search::SearchRequest;
use std::time::Duration;

fn query_latency(c: &mut Criterion) {
    let corpus = support::corpus(support::bench_docs());
    let engine = support::ombudsearch_engine(&corpus);
    let peer = support::fts5_peer(&corpus);
    let (_, queries) = support::queries();

    let mut classes: Vec<(String, Vec<SearchRequest>)> = Vec::new();
    for q in queries {
        match classes.iter_mut().find(|(c, _)| *c == q.class) {
            Some((_, reqs)) => reqs.push(q.request),
            None => classes.push((q.class, vec![q.request])),
        }
    }

    for (class, reqs) in &classes {
        let tops: Vec<SearchRequest> = reqs.iter().map(obench::top10).collect();
        let fulls: Vec<SearchRequest> = reqs.iter().map(obench::full).collect();

        let mut g = c.benchmark_group(format!("ombudsearch/{class}"));
        for (form, set) in [("top10", &tops), ("full", &fulls)] {
            g.bench_function(form, |b| {
                let mut i = 0;
                b.iter(|| {
                    let r = &set[i % set.len()];
                    i += 1;
                    engine.search(r).expect("ombudsearch query").total
                })
            });
        }
        g.finish();

        // The peer runs the queries it can express (all of the default set).
        let keep = |set: &[SearchRequest]| -> Vec<SearchRequest> {
            set.iter()
                .filter(|r| peer.search(r).is_ok())
                .cloned()
                .collect()
        };
        let (tops, fulls) = (keep(&tops), keep(&fulls));
        if tops.is_empty() {
            continue;
        }
        let mut g = c.benchmark_group(format!("fts5/{class}"));
        for (form, set) in [("top10", &tops), ("full", &fulls)] {
            g.bench_function(form, |b| {
                let mut i = 0;
                b.iter(|| {
                    let r = &set[i % set.len()];
                    i += 1;
                    peer.search(r).expect("fts5 query").total
                })
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = query_latency
}
criterion_main!(benches);
