//! ombudsearch against SQLite FTS5, in the same run, on the same corpus and
//! the same query set.
//!
//! ```text
//! cargo bench --bench compare                                   # 20,000 decisions
//! OMBUDSEARCH_BENCH_DOCS=100000 cargo bench --bench compare     # 100,000
//! OMBUDSEARCH_BENCH_QUERIES=my-queries.txt OMBUDSEARCH_BENCH_REPEAT=50 cargo bench --bench compare
//! ```
//! Environment: `OMBUDSEARCH_BENCH_DOCS` (corpus size, default 20000),
//! `OMBUDSEARCH_BENCH_QUERIES` (query file, default `benches/queries.txt`),
//! `OMBUDSEARCH_BENCH_REPEAT` (timed runs per query and form, default 20),
//! `OMBUDSEARCH_BENCH_WARMUP` (untimed runs first, default 3).
//!
//! ## What is measured
//!
//! 1. The corpus: `ombudsearch generate --count N --seed 1` into
//!    `<target>/bench-data/corpus-N-seed1/` (generated once, reused until
//!    the generator's edition changes), then read once, untimed, so both
//!    builds find the files in the page cache.
//! 2. **Build**, timed from the first file read to a committed index on
//!    disk, for each engine in turn: ombudsearch with the library's
//!    `indexer::build` (read, parse, citations, tantivy, commit, merges)
//!    into `<target>/bench-data/index-N/`; FTS5 from the same files, read
//!    and parsed with the same library parser on the same rayon pool, into
//!    `<target>/bench-data/fts5-N.sqlite` (one transaction, journal off,
//!    indexes after the rows, FTS5 `optimize`). Parsing counts in both.
//!    Sizes: the index folder and the database file, against corpus bytes.
//! 3. **Queries**, one thread, each query of the set in turn, interleaved
//!    between the engines: per engine and form, W untimed runs then R timed
//!    ones. *top10*: ranked top 10 with metadata and the total (no
//!    snippets, no facets). *full*: the user's answer: top 10, snippets,
//!    facet counts over all matches (outcome, category, authority top 10,
//!    year, citation top 10). Nothing is cached between runs by either side
//!    beyond what each engine caches itself (SQLite keeps its prepared
//!    statements; ombudsearch parses and compiles every time).
//! 4. Per class and overall: p50 and p99 (nearest rank over all runs of the
//!    class's queries) for each engine, and the ratio FTS5 / ombudsearch;
//!    per query: both engines' totals, so semantic differences show.
//!
//! Printed as tables, and written as JSON to
//! `<target>/bench-results/compare-N.json`.
//!
//! ## Fairness choices (details in `benches/support/mod.rs`)
//!
//! - Same parsed fields for both; the same five text columns indexed; the
//!   decision text stored once by each.
//! - FTS5 tokenizer `porter unicode61 remove_diacritics 2`: stemming, as
//!   ombudsearch's unquoted words have (but FTS5 also stems inside phrases,
//!   and splits `Council's` at the apostrophe).
//! - bm25 with the library's field weights (text 1, summary
//!   `SUMMARY_BOOST`, final decision `FINAL_BOOST`).
//! - Filters resolved by the library's own forgiving resolution, against
//!   values the peer reads once at open (ombudsearch reads them per query).
//! - The query tree from `search::syntax::parse`, translated to FTS5 MATCH:
//!   words and phrases quoted, `~N` as `NEAR(…, N)`, AND / OR / NOT and
//!   groups; a purely negative query as `NOT IN (…)`.
//! - FTS5's `snippet()` gives one fragment per hit; ombudsearch up to three.

#[path = "support/mod.rs"]
mod support;

use ombudsearch::bench::{self as obench, Stats};
use serde::Serialize;
use std::io::Write;
use support::{Build, Fts5, env_num, stats, time};

#[derive(Debug, Clone, Serialize)]
struct Side {
    top10: Stats,
    full: Stats,
}

#[derive(Debug, Clone, Serialize)]
struct ClassRow {
    class: String,
    queries: usize,
    ombudsearch: Side,
    fts5: Side,
    ratio_top10_p50: f64,
    ratio_top10_p99: f64,
    ratio_full_p50: f64,
    ratio_full_p99: f64,
}

#[derive(Debug, Clone, Serialize)]
struct QueryRow {
    class: String,
    query: String,
    ombudsearch_total: usize,
    fts5_total: Option<usize>,
    same_total: bool,
    fts5_note: Option<String>,
    ombudsearch_full_p50_ms: f64,
    fts5_full_p50_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
struct Report {
    docs: u64,
    corpus_bytes: u64,
    cores: usize,
    sqlite_version: String,
    fts5_tokenizer: String,
    query_file: String,
    repeat: usize,
    warmup: usize,
    builds: Vec<Build>,
    build_time_ratio: f64,
    size_ratio: f64,
    per_class: Vec<ClassRow>,
    overall: ClassRow,
    per_query: Vec<QueryRow>,
}

#[derive(Default)]
struct Samples {
    queries: usize,
    o_top: Vec<f64>,
    o_full: Vec<f64>,
    f_top: Vec<f64>,
    f_full: Vec<f64>,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

fn row(class: &str, s: &Samples) -> ClassRow {
    let o = Side {
        top10: stats(&s.o_top),
        full: stats(&s.o_full),
    };
    let f = Side {
        top10: stats(&s.f_top),
        full: stats(&s.f_full),
    };
    ClassRow {
        class: class.to_string(),
        queries: s.queries,
        ratio_top10_p50: ratio(f.top10.p50_ms, o.top10.p50_ms),
        ratio_top10_p99: ratio(f.top10.p99_ms, o.top10.p99_ms),
        ratio_full_p50: ratio(f.full.p50_ms, o.full.p50_ms),
        ratio_full_p99: ratio(f.full.p99_ms, o.full.p99_ms),
        ombudsearch: o,
        fts5: f,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not used here.
    let n = env_num("OMBUDSEARCH_BENCH_DOCS", support::DEFAULT_DOCS);
    let repeat = env_num("OMBUDSEARCH_BENCH_REPEAT", 20).max(1) as usize;
    let warmup = env_num("OMBUDSEARCH_BENCH_WARMUP", 3) as usize;
    let (query_file, queries) = support::queries();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    let corpus = support::corpus(n);
    let data = support::data_dir();
    let index_dir = data.join(format!("index-{n}"));
    let db_path = data.join(format!("fts5-{n}.sqlite"));

    corpus.warm();
    eprintln!("building ombudsearch …");
    let ob = support::build_ombudsearch(&corpus, &index_dir);
    corpus.warm();
    eprintln!("building FTS5 …");
    let fb = support::build_fts5(&corpus, &db_path);
    assert_eq!(
        ob.docs, fb.docs,
        "the two builds hold different numbers of decisions"
    );

    let engine = ombudsearch::search::Engine::open(&index_dir).expect("open index");
    let peer = Fts5::open(&db_path).expect("open FTS5 database");

    eprintln!("running {} queries × {repeat} …", queries.len());
    let mut classes: Vec<(String, Samples)> = Vec::new();
    let mut all = Samples::default();
    let mut per_query = Vec::new();
    for q in &queries {
        let top = obench::top10(&q.request);
        let full = obench::full(&q.request);
        let o_total = engine
            .search(&top)
            .unwrap_or_else(|e| panic!("ombudsearch: {}: {e}", q.line))
            .total;
        let o_top = time(warmup, repeat, || engine.search(&top).map(|r| r.total));
        let o_full = time(warmup, repeat, || engine.search(&full).map(|r| r.total));
        let (f_total, note) = match peer.search(&top) {
            Ok(r) => (Some(r.total), None),
            Err(e) => (None, Some(e)),
        };
        let o_full_p50 = stats(&o_full).p50_ms;
        let mut f_full_p50 = None;
        if f_total.is_some() {
            let f_top = time(warmup, repeat, || peer.search(&top).map(|r| r.total));
            let f_full = time(warmup, repeat, || peer.search(&full).map(|r| r.total));
            f_full_p50 = Some(stats(&f_full).p50_ms);
            let c = match classes.iter_mut().position(|c| c.0 == q.class) {
                Some(i) => &mut classes[i].1,
                None => {
                    classes.push((q.class.clone(), Samples::default()));
                    &mut classes.last_mut().expect("just pushed").1
                }
            };
            for s in [&mut *c, &mut all] {
                s.queries += 1;
                s.o_top.extend(&o_top);
                s.o_full.extend(&o_full);
                s.f_top.extend(&f_top);
                s.f_full.extend(&f_full);
            }
        }
        per_query.push(QueryRow {
            class: q.class.clone(),
            query: q.line.clone(),
            ombudsearch_total: o_total,
            fts5_total: f_total,
            same_total: f_total == Some(o_total),
            fts5_note: note,
            ombudsearch_full_p50_ms: o_full_p50,
            fts5_full_p50_ms: f_full_p50,
        });
    }

    let report = Report {
        docs: n,
        corpus_bytes: corpus.bytes,
        cores,
        sqlite_version: rusqlite::version().to_string(),
        fts5_tokenizer: support::FTS5_TOKENIZER.to_string(),
        query_file: query_file.display().to_string(),
        repeat,
        warmup,
        build_time_ratio: ratio(fb.seconds, ob.seconds),
        size_ratio: ratio(fb.size_bytes as f64, ob.size_bytes as f64),
        builds: vec![ob, fb],
        per_class: classes.iter().map(|(c, s)| row(c, s)).collect(),
        overall: row("overall", &all),
        per_query,
    };
    print_report(&report);

    let out_dir = support::target_dir().join("bench-results");
    std::fs::create_dir_all(&out_dir).expect("create bench-results");
    let out = out_dir.join(format!("compare-{n}.json"));
    let json = serde_json::to_string_pretty(&report).expect("serialise the report");
    std::fs::write(&out, json + "\n").expect("write the JSON report");
    println!("\nJSON: {}", out.display());
}

fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.1}")
    } else if v >= 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn x(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v >= 100.0 {
        format!("{v:.0}x")
    } else {
        format!("{v:.1}x")
    }
}

fn print_report(r: &Report) {
    let mut o = std::io::stdout().lock();
    let mb = |b: u64| b as f64 / 1e6;
    let _ = writeln!(o, "\nombudsearch vs SQLite FTS5, same run");
    let _ = writeln!(
        o,
        "corpus: {} decisions, {:.1} MB (generate --seed 1); {} cores",
        r.docs,
        mb(r.corpus_bytes),
        r.cores
    );
    let _ = writeln!(
        o,
        "SQLite {} (bundled), tokenize='{}'",
        r.sqlite_version, r.fts5_tokenizer
    );
    let _ = writeln!(
        o,
        "queries: {} ({} queries), {} timed runs each after {} warm-up, one thread",
        r.query_file,
        r.per_query.len(),
        r.repeat,
        r.warmup
    );

    let _ = writeln!(
        o,
        "\nBuild (read + parse + citations + index, both engines)"
    );
    let _ = writeln!(
        o,
        "{:<14} {:>9} {:>8} {:>10} {:>12}",
        "engine", "seconds", "MB/s", "size MB", "size/corpus"
    );
    for b in &r.builds {
        let _ = writeln!(
            o,
            "{:<14} {:>9.2} {:>8.2} {:>10.1} {:>12.3}",
            b.engine,
            b.seconds,
            b.mb_per_s(),
            mb(b.size_bytes),
            b.size_ratio()
        );
    }
    let _ = writeln!(
        o,
        "{:<14} {:>9} {:>8} {:>10}",
        "fts5/ombud",
        x(r.build_time_ratio),
        "",
        x(r.size_ratio)
    );

    let _ = writeln!(
        o,
        "\nQuery latency, ms; ratio = fts5 / ombudsearch (o = ombudsearch, f = fts5)"
    );
    let head = |s: &str| format!("{s:^26}");
    let _ = writeln!(
        o,
        "{:<15} {:>2} |{}|{}|{}|{}",
        "",
        "",
        head("top10 p50"),
        head("top10 p99"),
        head("full p50"),
        head("full p99")
    );
    let sub = format!("{:>8} {:>8} {:>7} ", "o", "f", "ratio");
    let _ = writeln!(o, "{:<15} {:>2} |{sub}|{sub}|{sub}|{sub}", "class", "n");
    let line = |o: &mut std::io::StdoutLock, c: &ClassRow| {
        let cell = |a: f64, b: f64, rt: f64| format!("{:>8} {:>8} {:>7} ", ms(a), ms(b), x(rt));
        let _ = writeln!(
            o,
            "{:<15} {:>2} |{}|{}|{}|{}",
            c.class,
            c.queries,
            cell(
                c.ombudsearch.top10.p50_ms,
                c.fts5.top10.p50_ms,
                c.ratio_top10_p50
            ),
            cell(
                c.ombudsearch.top10.p99_ms,
                c.fts5.top10.p99_ms,
                c.ratio_top10_p99
            ),
            cell(
                c.ombudsearch.full.p50_ms,
                c.fts5.full.p50_ms,
                c.ratio_full_p50
            ),
            cell(
                c.ombudsearch.full.p99_ms,
                c.fts5.full.p99_ms,
                c.ratio_full_p99
            ),
        );
    };
    for c in &r.per_class {
        line(&mut o, c);
    }
    line(&mut o, &r.overall);

    let _ = writeln!(
        o,
        "\nTotals per query (= same; ≠ differs: tokenizer/stemming semantics), full p50 ms"
    );
    let _ = writeln!(
        o,
        "{:<15} {:>7} {:>7}   {:>8} {:>8}  query",
        "class", "ombud", "fts5", "o p50", "f p50"
    );
    for q in &r.per_query {
        let (ft, mark) = match q.fts5_total {
            Some(t) => (t.to_string(), if q.same_total { "=" } else { "≠" }),
            None => ("-".into(), "?"),
        };
        let _ = writeln!(
            o,
            "{:<15} {:>7} {:>7} {} {:>8} {:>8}  {}{}",
            q.class,
            q.ombudsearch_total,
            ft,
            mark,
            ms(q.ombudsearch_full_p50_ms),
            q.fts5_full_p50_ms.map_or("-".into(), ms),
            q.query,
            q.fts5_note
                .as_deref()
                .map(|n| format!("   [fts5: {n}]"))
                .unwrap_or_default()
        );
    }
}
