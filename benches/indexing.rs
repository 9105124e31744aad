//! Criterion: indexing throughput (bytes of decision text per second) of
//! ombudsearch and the SQLite FTS5 peer on a small fixed slice of the
//! generated corpus (the first 2,000 decisions of seed 1, or
//! `OMBUDSEARCH_BENCH_INDEX_DOCS`).
//!
//! ```text
//! cargo bench --bench indexing
//! ```
//! Each iteration is a full build from the files (read, parse with the
//! library parser, citations, index, commit) into a fresh folder or
//! database; only the build itself is timed (not removing the previous
//! one). The files are read once beforehand so both find them in the page
//! cache. See `benches/support/mod.rs` for the peer's bulk load.

#[path = "support/mod.rs"]
mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;

fn indexing(c: &mut Criterion) {
    let n = support::env_num("OMBUDSEARCH_BENCH_INDEX_DOCS", 2_000);
    let corpus = support::corpus(n);
    corpus.warm();
    let dir = support::data_dir().join(format!("indexing-{n}"));

    let mut g = c.benchmark_group("indexing");
    g.throughput(Throughput::Bytes(corpus.bytes));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(15));
    g.bench_function("ombudsearch", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let built = support::build_ombudsearch(&corpus, &dir.join("index"));
                    Duration::from_secs_f64(built.seconds)
                })
                .sum()
        })
    });
    g.bench_function("fts5", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let built = support::build_fts5(&corpus, &dir.join("fts5.sqlite"));
                    Duration::from_secs_f64(built.seconds)
                })
                .sum()
        })
    });
    g.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);
