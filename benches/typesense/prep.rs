//! Prepares the server benchmark against Typesense (`benches/typesense/run.sh`):
//! the corpus as Typesense documents, and each line of the query set as the
//! request each server is sent.
//!
//! ```text
//! cargo run --release --example typesense_prep -- --corpus DIR --queries FILE --out DIR
//! ```
//! Writes to `--out`:
//! - `docs.jsonl`: one Typesense document per decision, read and parsed with
//!   the library ([`corpus::read_text`], [`parse::parse`]), holding what
//!   `schema::Fields::document` indexes for the default search and the
//!   facets: `text` (the whole decision), `summary`, `final` (the final
//!   decision), `authority`, `category` (`Top > Sub`), `category_top`,
//!   `outcome`, `year`, `date` (midnight UTC, seconds since the epoch, as
//!   the index stores it), `citations` (the distinct keys of citations with
//!   an Act, as indexed), plus `case_ref` and `path` (stored, not indexed).
//!   Curly apostrophes (`’ ‘ ʼ`) are folded to `'` in the text fields, as
//!   ombudsearch's tokenizer folds them.
//! - `collection.json`: the Typesense collection schema for those documents
//!   (facet fields as facets, `case_ref` and `path` not indexed).
//! - `queries.json`: `{"docs", "max_facet_values", "queries": [{"class",
//!   "line", "ombudsearch", "ombudsearch_unstemmed", "typesense",
//!   "skipped"}]}`: the path and query string of `GET /api/search` for
//!   ombudsearch, and of the Typesense search for the same question, or
//!   `typesense: null` and the reason it was left out. When the query has
//!   unquoted words, `ombudsearch_unstemmed` is the same request with each
//!   word quoted (ombudsearch stems unquoted words, Typesense does not: the
//!   totals check shows both).
//!
//! ## Translating a query for Typesense
//!
//! The query is parsed by the library ([`syntax::parse`]); its tree is
//! written in Typesense's `q` syntax where that means the same thing:
//! words, `"phrases"` (exact, no slop), and `-word` exclusion, ANDed. `OR`,
//! `~N` proximity, `field:` terms, case references and excluded phrases have
//! no faithful Typesense form and are skipped (with the reason).
//!
//! Filters are resolved with the library's own forgiving resolution
//! ([`filter`]) against the values present in the corpus, to the exact values
//! ombudsearch filters on, and sent as `filter_by` (`authority:=[…]`,
//! `category_top:=[…]` or `category:=[…]`, `outcome:=[…]`, `citations:=[…]`,
//! `date:>=…`, `date:<=…`). Sorting by date is `sort_by=date:desc` (or
//! `asc`) then `_text_match:desc`, as ombudsearch breaks date ties by
//! relevance.
//!
//! The Typesense search is set up for exact search, as ombudsearch's is:
//! no typo tolerance (`num_typos=0`, `typo_tokens_threshold=0`), no prefix
//! matching, no dropping of query words (`drop_tokens_threshold=0`), no
//! splitting or joining of words (`split_join_tokens=off`); the same fields
//! and weights as ombudsearch's default search (`text` 1, `summary` 2,
//! `final` 1.5, as integers 2:4:3); facets over outcome, category (top and
//! full), authority, year and citations; highlighting of `text` (the only
//! field named, and an indexed one; one highlight format:
//! `enable_highlight_v1=false`); 10 hits with the fields an ombudsearch
//! hit carries (`include_fields`), not the whole text.

use ombudsearch::bench::{BenchQuery, parse_query_file};
use ombudsearch::decision::Decision;
use ombudsearch::search::compile::{FINAL_BOOST, SUMMARY_BOOST};
use ombudsearch::search::filter::{self, CategoryMatch};
use ombudsearch::search::syntax::{self, Node};
use ombudsearch::search::{DateEnd, SearchRequest, Sort, parse_date};
use ombudsearch::{corpus, parse, schema};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// The Typesense collection the documents go into.
const COLLECTION: &str = "decisions";

fn usage(msg: &str) -> ! {
    eprintln!("typesense_prep: {msg}");
    eprintln!("usage: typesense_prep --corpus DIR --queries FILE --out DIR");
    std::process::exit(2)
}

/// `’ ‘ ʼ` → `'`, as the tokenizer folds them.
fn fold_apostrophes(s: &str) -> String {
    s.replace(['\u{2019}', '\u{2018}', '\u{2BC}'], "'")
}

/// The values present in the corpus, for filter resolution.
#[derive(Default)]
struct Vocabulary {
    authorities: BTreeSet<String>,
    outcomes: BTreeSet<String>,
    categories: BTreeSet<String>,
    citations: BTreeSet<String>,
    years: BTreeSet<i16>,
}

impl Vocabulary {
    fn add(&mut self, d: &Decision, cites: &[String]) {
        self.authorities.extend(d.authority.clone());
        self.outcomes
            .extend(d.outcome.as_ref().map(|o| o.label().to_string()));
        self.categories
            .extend(d.category.as_ref().map(|c| c.display()));
        self.citations.extend(cites.iter().cloned());
        self.years.extend(d.decision_date.map(|x| x.year()));
    }
}

/// Distinct keys of the citations with an Act, as `Fields::document` indexes.
fn citation_keys(d: &Decision) -> Vec<String> {
    let mut seen = HashSet::new();
    d.citations
        .iter()
        .filter(|c| c.act.is_some())
        .filter(|c| seen.insert(c.key.as_str()))
        .map(|c| c.key.clone())
        .collect()
}

/// The Typesense document for one decision.
fn document(id: usize, d: &Decision, cites: &[String]) -> Value {
    let mut doc = serde_json::Map::new();
    doc.insert("id".into(), json!(id.to_string()));
    doc.insert("text".into(), json!(fold_apostrophes(&d.full_text)));
    if let Some(s) = &d.summary {
        doc.insert("summary".into(), json!(fold_apostrophes(s)));
    }
    if let Some(s) = &d.final_decision {
        doc.insert("final".into(), json!(fold_apostrophes(s)));
    }
    if let Some(r) = &d.case_ref {
        doc.insert("case_ref".into(), json!(r));
    }
    if let Some(a) = &d.authority {
        doc.insert("authority".into(), json!(a));
    }
    if let Some(c) = &d.category {
        doc.insert("category".into(), json!(c.display()));
        doc.insert("category_top".into(), json!(c.top));
    }
    if let Some(o) = &d.outcome {
        doc.insert("outcome".into(), json!(o.label()));
    }
    if let Some(date) = d.decision_date {
        if let Some(secs) = schema::unix_seconds(date) {
            doc.insert("date".into(), json!(secs));
        }
        doc.insert("year".into(), json!(date.year()));
    }
    doc.insert("citations".into(), json!(cites));
    doc.insert("path".into(), json!(d.path));
    Value::Object(doc)
}

/// Reads the corpus, writes `docs.jsonl`, returns the values present.
fn write_documents(corpus_dir: &std::path::Path, out: &std::path::Path) -> (usize, Vocabulary) {
    let listing = corpus::list(corpus_dir)
        .unwrap_or_else(|e| usage(&format!("cannot list {}: {e}", corpus_dir.display())));
    let file = std::fs::File::create(out)
        .unwrap_or_else(|e| usage(&format!("cannot write {}: {e}", out.display())));
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut vocab = Vocabulary::default();
    let mut n = 0usize;
    let mut skipped = 0usize;
    for chunk in listing.files.chunks(4096) {
        let parsed: Vec<Option<Decision>> = chunk
            .par_iter()
            .map(|path| {
                let text = corpus::read_text(path, corpus::DEFAULT_MAX_FILE_BYTES).ok()?;
                parse::parse(&text, &path.to_string_lossy()).ok()
            })
            .collect();
        for d in parsed {
            let Some(d) = d else {
                skipped += 1;
                continue;
            };
            let cites = citation_keys(&d);
            vocab.add(&d, &cites);
            serde_json::to_writer(&mut w, &document(n, &d, &cites)).expect("writing docs.jsonl");
            w.write_all(b"\n").expect("writing docs.jsonl");
            n += 1;
        }
    }
    w.flush().expect("writing docs.jsonl");
    if skipped > 0 {
        eprintln!(
            "typesense_prep: {skipped} files were not decisions (ombudsearch skips them too)"
        );
    }
    (n, vocab)
}

/// Percent-encodes a query-string value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn query_string(params: &[(&str, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The ombudsearch request for `req`: `GET /api/search`, as the page sends it.
fn ombudsearch_path(req: &SearchRequest) -> String {
    let mut p: Vec<(&str, String)> = vec![("q", req.query.clone())];
    for (k, values) in [
        ("council", &req.council),
        ("category", &req.category),
        ("outcome", &req.outcome),
        ("cites", &req.cites),
    ] {
        p.extend(values.iter().map(|v| (k, v.clone())));
    }
    for (k, v) in [("since", &req.since), ("until", &req.until)] {
        if let Some(v) = v {
            p.push((k, v.clone()));
        }
    }
    match req.sort {
        Sort::Relevance => {}
        Sort::Newest => p.push(("sort", "newest".into())),
        Sort::Oldest => p.push(("sort", "oldest".into())),
    }
    p.push(("limit", "10".into()));
    format!("/api/search?{}", query_string(&p))
}

/// A word Typesense reads as the same one token ombudsearch does.
fn plain_word(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '\'' | '\u{2019}'))
}

/// The query tree in Typesense's `q` syntax, or why it has none.
fn typesense_q(node: &Node) -> Result<String, String> {
    fn part(node: &Node, out: &mut Vec<String>) -> Result<(), String> {
        match node {
            Node::All => out.push("*".into()),
            Node::Word { field: Some(f), .. } | Node::Phrase { field: Some(f), .. } => {
                return Err(format!(
                    "field '{f}:' (Typesense searches the query_by fields)"
                ));
            }
            Node::Word { field: None, text } if plain_word(text) => {
                out.push(fold_apostrophes(text));
            }
            Node::Word { text, .. } => {
                return Err(format!(
                    "word '{text}' that the tokenizers split differently"
                ));
            }
            Node::Phrase {
                field: None,
                text,
                slop: 0,
            } => out.push(format!("\"{}\"", fold_apostrophes(text).replace('"', " "))),
            Node::Phrase { slop, .. } => {
                return Err(format!("phrase with slop ~{slop} (no proximity search)"));
            }
            Node::CaseRef(r) => return Err(format!("case reference {r}")),
            Node::And(items) => {
                for item in items {
                    part(item, out)?;
                }
            }
            Node::Or(_) => {
                return Err("OR (Typesense ANDs every query word; it has no OR)".into());
            }
            Node::Not(inner) => match inner.as_ref() {
                Node::Word { field: None, text } if plain_word(text) && !out.is_empty() => {
                    out.push(format!("-{}", fold_apostrophes(text)))
                }
                _ => {
                    return Err(
                        "exclusion other than of a word after a positive term (Typesense: -word)"
                            .into(),
                    );
                }
            },
        }
        Ok(())
    }
    let mut out = Vec::new();
    part(node, &mut out)?;
    if out.len() > 1 {
        out.retain(|p| p != "*");
    }
    Ok(out.join(" "))
}

/// The query with every unquoted word quoted: what ombudsearch matches
/// without stemming (`None` when the query has no unquoted word). Typesense
/// does not stem, so its totals are compared with these too.
fn unstemmed_query(node: &Node) -> Option<String> {
    fn part(node: &Node, words: &mut usize) -> String {
        match node {
            Node::Word { field: None, text } => {
                *words += 1;
                format!("\"{text}\"")
            }
            Node::Phrase {
                field: None,
                text,
                slop: 0,
            } => format!("\"{text}\""),
            Node::And(items) => items
                .iter()
                .map(|i| part(i, words))
                .collect::<Vec<_>>()
                .join(" "),
            Node::Not(inner) => format!("-{}", part(inner, words)),
            _ => String::new(),
        }
    }
    let mut words = 0;
    let q = part(node, &mut words);
    (words > 0).then_some(q)
}

/// `field:=[`a`,`b`]` (backticks: values hold spaces, commas and `>`).
fn any_of(field: &str, values: &[String]) -> String {
    if values.is_empty() {
        // Nothing to match: a value no document holds.
        return format!("{field}:=[`\u{1}none`]");
    }
    let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    format!("{field}:=[{}]", list.join(","))
}

/// `values` as the library's filter vocabulary.
fn known(values: &BTreeSet<String>) -> filter::Vocabulary {
    values.iter().collect()
}

/// The Typesense search for `req`, or why it has none.
fn typesense_path(
    req: &SearchRequest,
    vocab: &Vocabulary,
    max_facet_values: usize,
) -> Result<String, String> {
    let tree = syntax::parse(&req.query).map_err(|e| format!("query does not parse: {e}"))?;
    let q = typesense_q(&tree)?;
    let present = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    // A filter given several values lets any through.
    let any = |filters: &mut Vec<String>, ors: Vec<String>| match ors.len() {
        0 => {}
        1 => filters.extend(ors),
        _ => filters.push(format!("({})", ors.join(" || "))),
    };
    let mut filters = Vec::new();
    let mut ors = Vec::new();
    for v in present(&req.council) {
        let names =
            filter::resolve_authority(&v, &known(&vocab.authorities)).map_err(|e| e.to_string())?;
        ors.push(any_of("authority", &names));
    }
    any(&mut filters, std::mem::take(&mut ors));
    for v in present(&req.outcome) {
        let labels =
            filter::resolve_outcome(&v, &known(&vocab.outcomes)).map_err(|e| e.to_string())?;
        ors.push(any_of("outcome", &labels));
    }
    any(&mut filters, std::mem::take(&mut ors));
    for v in present(&req.category) {
        match filter::resolve_category(&v, &known(&vocab.categories)).map_err(|e| e.to_string())? {
            CategoryMatch::Top(t) => ors.push(any_of("category_top", &t)),
            CategoryMatch::Full(f) => ors.push(any_of("category", &f)),
        }
    }
    any(&mut filters, std::mem::take(&mut ors));
    for v in present(&req.cites) {
        ors.push(any_of(
            "citations",
            &filter::resolve_citation(&v, &known(&vocab.citations)),
        ));
    }
    any(&mut filters, std::mem::take(&mut ors));
    for (value, op, what, end) in [
        (&req.since, ">=", "--since date", DateEnd::Start),
        (&req.until, "<=", "--until date", DateEnd::End),
    ] {
        if let Some(s) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let d = parse_date(what, s, end).map_err(|e| e.to_string())?;
            let secs = schema::unix_seconds(d).ok_or_else(|| format!("bad date {s}"))?;
            filters.push(format!("date:{op}{secs}"));
        }
    }
    let weight = |w: f32| ((w * 2.0).round() as i64).to_string();
    let mut p: Vec<(&str, String)> = vec![
        ("q", q),
        ("query_by", "text,summary,final".into()),
        (
            "query_by_weights",
            format!(
                "{},{},{}",
                weight(1.0),
                weight(SUMMARY_BOOST),
                weight(FINAL_BOOST)
            ),
        ),
        ("num_typos", "0".into()),
        ("typo_tokens_threshold", "0".into()),
        ("drop_tokens_threshold", "0".into()),
        ("prefix", "false".into()),
        ("split_join_tokens", "off".into()),
        (
            "facet_by",
            "outcome,category_top,category,authority,year,citations".into(),
        ),
        ("max_facet_values", max_facet_values.to_string()),
        ("highlight_fields", "text".into()),
        ("enable_highlight_v1", "false".into()),
        (
            "include_fields",
            "case_ref,authority,category,outcome,date,path".into(),
        ),
        ("per_page", "10".into()),
    ];
    if !filters.is_empty() {
        p.push(("filter_by", filters.join(" && ")));
    }
    match req.sort {
        Sort::Relevance => {}
        Sort::Newest => p.push(("sort_by", "date:desc,_text_match:desc".into())),
        Sort::Oldest => p.push(("sort_by", "date:asc,_text_match:desc".into())),
    }
    Ok(format!(
        "/collections/{COLLECTION}/documents/search?{}",
        query_string(&p)
    ))
}

/// The collection schema for the documents [`document`] writes.
fn collection() -> Value {
    let field = |name: &str, kind: &str, facet: bool, optional: bool| json!({"name": name, "type": kind, "facet": facet, "optional": optional});
    let stored =
        |name: &str| json!({"name": name, "type": "string", "index": false, "optional": true});
    json!({
        "name": COLLECTION,
        "fields": [
            field("text", "string", false, false),
            field("summary", "string", false, true),
            field("final", "string", false, true),
            field("authority", "string", true, true),
            field("category", "string", true, true),
            field("category_top", "string", true, true),
            field("outcome", "string", true, true),
            field("year", "int32", true, true),
            field("date", "int64", false, true),
            field("citations", "string[]", true, true),
            stored("case_ref"),
            stored("path"),
        ],
    })
}

fn main() {
    let (mut corpus_dir, mut queries, mut out) = (None, None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .map(PathBuf::from)
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--corpus" => corpus_dir = Some(value),
            "--queries" => queries = Some(value),
            "--out" => out = Some(value),
            other => usage(&format!("unknown flag '{other}'")),
        }
    }
    let (Some(corpus_dir), Some(queries), Some(out)) = (corpus_dir, queries, out) else {
        usage("--corpus, --queries and --out are required")
    };
    let text = std::fs::read_to_string(&queries)
        .unwrap_or_else(|e| usage(&format!("cannot read {}: {e}", queries.display())));
    let qs: Vec<BenchQuery> =
        parse_query_file(&text).unwrap_or_else(|e| usage(&format!("{}: {e}", queries.display())));
    std::fs::create_dir_all(&out)
        .unwrap_or_else(|e| usage(&format!("cannot create {}: {e}", out.display())));

    let started = std::time::Instant::now();
    let (docs, vocab) = write_documents(&corpus_dir, &out.join("docs.jsonl"));
    eprintln!(
        "typesense_prep: {docs} documents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // ombudsearch lists every category (as a tree), outcome and year, and
    // the top 10 authorities and citations; Typesense has one limit for all.
    let max_facet_values = [
        10,
        vocab.categories.len(),
        vocab.outcomes.len(),
        vocab.years.len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(10);
    let entries: Vec<Value> = qs
        .iter()
        .map(|q| {
            let ts = typesense_path(&q.request, &vocab, max_facet_values);
            let unstemmed = ts
                .as_ref()
                .ok()
                .and_then(|_| syntax::parse(&q.request.query).ok())
                .and_then(|tree| unstemmed_query(&tree))
                .map(|query| {
                    ombudsearch_path(&SearchRequest {
                        query,
                        ..q.request.clone()
                    })
                });
            json!({
                "class": q.class,
                "line": q.line,
                "ombudsearch": ombudsearch_path(&q.request),
                "ombudsearch_unstemmed": unstemmed,
                "typesense": ts.as_ref().ok(),
                "skipped": ts.as_ref().err(),
            })
        })
        .collect();
    let report = json!({
        "docs": docs,
        "corpus": corpus_dir,
        "collection": COLLECTION,
        "max_facet_values": max_facet_values,
        "queries": entries,
    });
    let path = out.join("collection.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&collection()).expect("serialising collection.json"),
    )
    .unwrap_or_else(|e| usage(&format!("cannot write {}: {e}", path.display())));
    let path = out.join("queries.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&report).expect("serialising queries.json"),
    )
    .unwrap_or_else(|e| usage(&format!("cannot write {}: {e}", path.display())));
}
