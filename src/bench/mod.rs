//! In-process query benchmarks: a query set, run against an [`Engine`],
//! timed per query for two kinds of answer, summarised as percentiles.
//!
//! - **top10**: the query parsed, matched and ranked; the ten best hits
//!   returned with their stored fields; no facets, no snippets.
//! - **full**: what a user sees: the same plus whole-phrase snippets and
//!   facet counts over all matches.
//!
//! Nothing is cached between repeats of a query: each run is a fresh
//! [`Engine::search`] call on the same open index (as a server would make).
//!
//! ## Query files
//!
//! One query per line; blank lines and lines starting with `#` are skipped.
//! A line may start with a class in brackets and may end with the CLI's
//! filter flags:
//!
//! ```text
//! [rare-phrase] "ICO is better placed"
//! [council] "better placed" --council leeds --outcome Upheld
//! time and trouble
//! ```
//! A line without a class is in class `query`. Any file of plain queries
//! (words and "quoted phrases", one per line) is a valid query file.

use crate::search::{Engine, SearchError, SearchRequest, Sort};
use serde::Serialize;
use std::time::Instant;

/// One line of a query file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchQuery {
    /// The line as written (without the class).
    pub line: String,
    /// Where it is in the file (from 1).
    pub number: usize,
    pub class: String,
    pub request: SearchRequest,
}

/// A query file that cannot be used: a line it cannot read, a query the
/// index cannot answer, or no query at all.
#[derive(Debug, thiserror::Error)]
pub enum QueryFileError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("line {line} ({query})")]
    Query {
        line: usize,
        query: String,
        #[source]
        source: SearchError,
    },
    #[error(
        "no queries in it: write one query per line (blank lines and lines starting with # are skipped)"
    )]
    Empty,
}

impl QueryFileError {
    /// True when the file is at fault (not the index or the machine).
    pub fn is_user_error(&self) -> bool {
        match self {
            QueryFileError::Query { source, .. } => source.is_user_error(),
            QueryFileError::Line { .. } | QueryFileError::Empty => true,
        }
    }
}

/// Splits `s` into shell-like words: white space separates, double quotes
/// group (and are kept off the word).
fn shell_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    let mut started = false;
    for c in s.chars() {
        match c {
            '"' => {
                in_quote = !in_quote;
                started = true;
            }
            c if c.is_whitespace() && !in_quote => {
                if started {
                    words.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            c => {
                cur.push(c);
                started = true;
            }
        }
    }
    if in_quote {
        return Err("unbalanced quote in the filter flags".into());
    }
    if started {
        words.push(cur);
    }
    Ok(words)
}

/// Byte offset of the first ` --flag` outside double quotes, if any.
fn flags_start(s: &str) -> Option<usize> {
    let mut in_quote = false;
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quote = !in_quote,
            b'-' if !in_quote
                && bytes.get(i + 1) == Some(&b'-')
                && (i == 0 || bytes[i - 1].is_ascii_whitespace())
                && bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic) =>
            {
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

/// Reads one query line (already without its class).
fn parse_line(text: &str) -> Result<SearchRequest, String> {
    let (query, flags) = match flags_start(text) {
        Some(i) => (text[..i].trim(), &text[i..]),
        None => (text.trim(), ""),
    };
    let mut req = SearchRequest::new(query);
    let words = shell_words(flags)?;
    let mut it = words.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--council" => req.council.push(value()?),
            "--category" => req.category.push(value()?),
            "--outcome" => req.outcome.push(value()?),
            "--since" => req.since = Some(value()?),
            "--until" => req.until = Some(value()?),
            "--cites" => req.cites.push(value()?),
            "--sort" => {
                req.sort = match value()?.as_str() {
                    "relevance" => Sort::Relevance,
                    "newest" => Sort::Newest,
                    "oldest" => Sort::Oldest,
                    other => return Err(format!("unknown sort '{other}'")),
                }
            }
            other => {
                return Err(format!(
                    "unknown flag '{other}'; a query line's flags are --council, --category, \
                     --outcome, --since, --until, --cites and --sort"
                ));
            }
        }
    }
    Ok(req)
}

/// The text of a query file's bytes: UTF-8, a leading byte-order mark (as
/// Windows editors write) dropped; anything else is refused naming the
/// first line that is not UTF-8.
pub fn query_file_text(bytes: &[u8]) -> Result<&str, QueryFileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| QueryFileError::Line {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
        message: "not UTF-8 text; save the file as UTF-8".into(),
    })
}

/// Reads a query file: one query per line, at least one.
pub fn parse_query_file(text: &str) -> Result<Vec<BenchQuery>, QueryFileError> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (class, rest) = match line.strip_prefix('[').and_then(|l| l.split_once(']')) {
            Some((class, rest)) => (class.trim().to_string(), rest.trim()),
            None => ("query".to_string(), line),
        };
        let request = parse_line(rest).map_err(|message| QueryFileError::Line {
            line: n + 1,
            message,
        })?;
        out.push(BenchQuery {
            line: rest.to_string(),
            number: n + 1,
            class,
            request,
        });
    }
    if out.is_empty() {
        return Err(QueryFileError::Empty);
    }
    Ok(out)
}

/// Checks every query against the index before any is timed, so that a
/// bad line is reported at once, by its number, not after minutes of
/// timing the lines before it. Nothing is searched ([`Engine::check`]).
pub fn check(engine: &Engine, queries: &[BenchQuery]) -> Result<(), QueryFileError> {
    for q in queries {
        engine
            .check(&q.request)
            .map_err(|source| QueryFileError::Query {
                line: q.number,
                query: q.line.clone(),
                source,
            })?;
    }
    Ok(())
}

/// Latency percentiles of a set of runs, in milliseconds, and throughput.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stats {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Queries per second, one after another on one thread.
    pub qps: f64,
    pub runs: usize,
}

impl Stats {
    /// Percentiles (nearest rank) of `samples` in milliseconds.
    pub fn of(samples: &[f64]) -> Stats {
        if samples.is_empty() {
            return Stats::default();
        }
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let rank = |p: f64| s[((p * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1];
        let sum: f64 = s.iter().sum();
        Stats {
            p50_ms: rank(0.50),
            p95_ms: rank(0.95),
            p99_ms: rank(0.99),
            max_ms: s[s.len() - 1],
            qps: if sum > 0.0 {
                s.len() as f64 * 1000.0 / sum
            } else {
                0.0
            },
            runs: s.len(),
        }
    }
}

/// One query's result.
#[derive(Debug, Clone, Serialize)]
pub struct QueryResult {
    pub query: String,
    pub class: String,
    /// Matching decisions.
    pub total: usize,
    pub top10_p50_ms: f64,
    pub full_p50_ms: f64,
    pub full_p99_ms: f64,
}

/// One class's results.
#[derive(Debug, Clone, Serialize)]
pub struct ClassResult {
    pub class: String,
    pub queries: usize,
    pub top10: Stats,
    pub full: Stats,
}

/// The whole benchmark report (`bench --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub queries: usize,
    pub docs: u64,
    pub repeat: usize,
    pub warmup: usize,
    pub top10: Stats,
    pub full: Stats,
    pub per_class: Vec<ClassResult>,
    pub per_query: Vec<QueryResult>,
}

/// Times one request `repeat` times after `warmup` untimed runs; returns
/// the samples in milliseconds and the answer's total.
fn time(
    engine: &Engine,
    req: &SearchRequest,
    warmup: usize,
    repeat: usize,
) -> Result<(Vec<f64>, usize), SearchError> {
    let mut total = 0;
    for _ in 0..warmup {
        total = engine.search(req)?.total;
    }
    let mut samples = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let t = Instant::now();
        let resp = engine.search(req)?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
        total = resp.total;
        std::hint::black_box(resp);
    }
    Ok((samples, total))
}

/// The top-10-only form of a request: no snippets, no facets.
pub fn top10(req: &SearchRequest) -> SearchRequest {
    SearchRequest {
        limit: 10,
        offset: 0,
        snippets: false,
        facets: false,
        ..req.clone()
    }
}

/// The full form of a request: top 10, snippets and facets.
pub fn full(req: &SearchRequest) -> SearchRequest {
    SearchRequest {
        limit: 10,
        offset: 0,
        snippets: true,
        facets: true,
        ..req.clone()
    }
}

/// Runs every query `repeat` times (after `warmup` runs) in both forms.
pub fn run(
    engine: &Engine,
    queries: &[BenchQuery],
    repeat: usize,
    warmup: usize,
) -> Result<BenchReport, SearchError> {
    let repeat = repeat.max(1);
    let mut all_top = Vec::new();
    let mut all_full = Vec::new();
    let mut by_class: Vec<(String, Vec<f64>, Vec<f64>, usize)> = Vec::new();
    let mut per_query = Vec::new();
    for q in queries {
        let (t, total) = time(engine, &top10(&q.request), warmup, repeat)?;
        let (f, _) = time(engine, &full(&q.request), warmup, repeat)?;
        let (ts, fs) = (Stats::of(&t), Stats::of(&f));
        per_query.push(QueryResult {
            query: q.line.clone(),
            class: q.class.clone(),
            total,
            top10_p50_ms: ts.p50_ms,
            full_p50_ms: fs.p50_ms,
            full_p99_ms: fs.p99_ms,
        });
        match by_class.iter_mut().find(|c| c.0 == q.class) {
            Some(c) => {
                c.1.extend(&t);
                c.2.extend(&f);
                c.3 += 1;
            }
            None => by_class.push((q.class.clone(), t.clone(), f.clone(), 1)),
        }
        all_top.extend(t);
        all_full.extend(f);
    }
    Ok(BenchReport {
        queries: queries.len(),
        docs: engine.num_docs(),
        repeat,
        warmup,
        top10: Stats::of(&all_top),
        full: Stats::of(&all_full),
        per_class: by_class
            .into_iter()
            .map(|(class, t, f, n)| ClassResult {
                class,
                queries: n,
                top10: Stats::of(&t),
                full: Stats::of(&f),
            })
            .collect(),
        per_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_files_are_utf8_with_or_without_a_byte_order_mark() {
        let qs = query_file_text(b"\xEF\xBB\xBF[rare] council\n")
            .and_then(parse_query_file)
            .unwrap();
        assert_eq!(
            (qs[0].class.as_str(), qs[0].request.query.as_str()),
            ("rare", "council")
        );
        let err = query_file_text(b"council\n# caf\xE9\nnoise\n").unwrap_err();
        assert!(matches!(err, QueryFileError::Line { line: 2, .. }), "{err}");
        assert!(err.is_user_error());
    }

    #[test]
    fn query_lines_with_classes_and_flags() {
        let qs = parse_query_file(
            "# comment\n\n[rare] \"ICO is better placed\"\n[council] \"better placed\" --council \"leeds city\" --outcome Upheld --council york\nplain words -not\n",
        )
        .unwrap();
        assert_eq!(qs.len(), 3);
        assert_eq!(qs[0].class, "rare");
        assert_eq!(qs[0].request.query, "\"ICO is better placed\"");
        assert_eq!(qs[1].request.query, "\"better placed\"");
        assert_eq!(qs[1].request.council, ["leeds city", "york"]);
        assert_eq!(qs[1].request.outcome, ["Upheld"]);
        assert_eq!(qs[2].class, "query");
        assert_eq!(qs[2].request.query, "plain words -not");
        assert_eq!(
            qs.iter().map(|q| q.number).collect::<Vec<_>>(),
            [3, 4, 5],
            "numbered as in the file"
        );
        assert!(matches!(
            parse_query_file("# nothing but comments\n\n  \n"),
            Err(QueryFileError::Empty)
        ));
        assert!(matches!(
            parse_query_file("a\n\nx --colour red"),
            Err(QueryFileError::Line { line: 3, .. })
        ));
        assert!(parse_query_file("x --colour red").is_err());
        assert!(parse_query_file("x --council").is_err());
        // A flag-like text inside a phrase is part of the query.
        let q = parse_query_file("\"a --council b\"").unwrap();
        assert_eq!(q[0].request.query, "\"a --council b\"");
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Stats::of(&samples);
        assert_eq!(
            (s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms),
            (50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(Stats::of(&[]).runs, 0);
        assert_eq!(Stats::of(&[2.0]).p99_ms, 2.0);
    }
}
