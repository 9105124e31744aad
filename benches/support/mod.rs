//! Shared by the bench targets (`compare`, `query_latency`, `indexing`):
//! the generated corpus, the ombudsearch build, and the SQLite FTS5 peer.
//!
//! Only public library APIs are used (generator, parser, indexer, engine,
//! query syntax, filter resolution), so the benches keep working when the
//! library's internals change.
//!
//! ## The FTS5 peer, and why it is built this way
//!
//! - **Same input, same parser.** Each file is read and parsed with
//!   [`ombudsearch::parse::parse`] (citations included), on the same rayon
//!   pool as the ombudsearch indexer, and fed to one SQLite writer thread
//!   through a bounded channel, so parsing overlaps with inserting. Reading
//!   and parsing are counted in **both** builds (the ombudsearch indexer
//!   does both too). The page cache is warmed before either build.
//! - **Same text columns.** The FTS5 table indexes the five text fields the
//!   ombudsearch schema indexes: the whole text, summary, complaint,
//!   reasons, final decision. The decision text is stored once (table
//!   `docs`, as ombudsearch stores `body` once); FTS5 reads it through an
//!   external-content view in which the section columns are NULL: sections
//!   are indexed, not stored, as in ombudsearch. Snippets come from the
//!   whole text, as in ombudsearch.
//! - **Tokenizer:** `porter unicode61 remove_diacritics 2`. Plain unicode61
//!   does not stem, so `complaint` would miss `complaints`, which
//!   ombudsearch's unquoted words find (Snowball English stems); the porter
//!   wrapper gives the closer semantics. It also stems inside phrases
//!   (ombudsearch's phrases are exact), and unicode61 splits `Council's`
//!   into `council` + `s` (ombudsearch keeps one token), so some totals
//!   differ; they are printed side by side.
//! - **Ranking:** `bm25(fts, 1, SUMMARY_BOOST, 0, 0, FINAL_BOOST)` (the
//!   library's own constants): ombudsearch adds the scores of the whole
//!   text, the summary (×2) and the final decision (×1.5).
//! - **Metadata** lives in plain tables: `meta` (id, case_ref, authority,
//!   category, category_top, outcome, date, year, path) and `cites` (id,
//!   key), with indexes built after the load. Filters are resolved with the
//!   library's forgiving `search::filter` functions against the distinct
//!   values (read once when the peer opens: cheaper than ombudsearch, which
//!   reads its term dictionaries per query), then matched exactly in SQL.
//! - **Bulk load:** one transaction, `journal_mode=OFF`, `synchronous=OFF`,
//!   a 256 MiB page cache (the ombudsearch writer's budget), indexes after
//!   the rows, and FTS5 `optimize` at the end (ombudsearch's build waits
//!   for its merges too).
//! - **Answers.** Top-10 only: one statement, the matches ranked by bm25
//!   with `count(*) OVER ()` for the total, then the ten hits' metadata.
//!   Full: the matches and their scores go once into a temp table; total,
//!   top 10, and facets (GROUP BY over all matches: outcome, category,
//!   authority top 10, year, citation top 10) are read from it; one
//!   `snippet()` per hit. FTS5's `snippet()` gives one fragment per hit;
//!   ombudsearch builds up to three.

#![allow(dead_code)]

use indicatif::ProgressBar;
use ombudsearch::bench::{BenchQuery, Stats};
use ombudsearch::decision::Decision;
use ombudsearch::generate::{self, GenerateOptions};
use ombudsearch::indexer::{self, IndexOptions};
use ombudsearch::search::compile::{FINAL_BOOST, SUMMARY_BOOST};
use ombudsearch::search::facets::{FacetCount, Facets};
use ombudsearch::search::filter::{self, CategoryMatch};
use ombudsearch::search::snippet::Snippet;
use ombudsearch::search::syntax::{self, Node};
use ombudsearch::search::{self, Engine, SearchRequest, Sort};
use ombudsearch::{corpus, parse};
use rayon::prelude::*;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The generator seed of every bench corpus.
pub const SEED: u64 = 1;
/// Decisions in the default bench corpus.
pub const DEFAULT_DOCS: u64 = 20_000;
/// The FTS5 tokenizer.
pub const FTS5_TOKENIZER: &str = "porter unicode61 remove_diacritics 2";

/// An environment variable as a number, or `default`.
pub fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        _ => default,
    }
}

/// Decisions in the bench corpus: `OMBUDSEARCH_BENCH_DOCS`, default 20,000.
pub fn bench_docs() -> u64 {
    env_num("OMBUDSEARCH_BENCH_DOCS", DEFAULT_DOCS)
}

/// The cargo target folder (`CARGO_TARGET_DIR` when set).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// `<target>/bench-data`.
pub fn data_dir() -> PathBuf {
    target_dir().join("bench-data")
}

/// The query set: `OMBUDSEARCH_BENCH_QUERIES`, default `benches/queries.txt`.
pub fn queries() -> (PathBuf, Vec<BenchQuery>) {
    let path = std::env::var_os("OMBUDSEARCH_BENCH_QUERIES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/queries.txt"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let qs = ombudsearch::bench::parse_query_file(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (path, qs)
}

/// A generated corpus on disk.
pub struct Corpus {
    pub dir: PathBuf,
    pub docs: u64,
    pub files: Vec<PathBuf>,
    /// Total bytes of the files.
    pub bytes: u64,
}

/// The corpus of `n` decisions (seed 1) in `<target>/bench-data/corpus-<n>-seed1/`,
/// generated on first use and reused afterwards.
pub fn corpus(n: u64) -> Corpus {
    let dir = data_dir().join(format!("corpus-{n}-seed{SEED}"));
    let marker = std::fs::read_to_string(dir.join(generate::MARKER)).unwrap_or_default();
    let complete = marker.contains(&format!("seed={SEED}\n"))
        && marker.contains(&format!("count={n}\n"))
        && marker.contains(&format!("generator={}\n", generate::GENERATOR_VERSION));
    if !complete {
        eprintln!("generating {n} decisions into {} …", dir.display());
        let s =
            generate::write_corpus(&GenerateOptions::new(n, SEED, &dir), &ProgressBar::hidden())
                .unwrap_or_else(|e| panic!("cannot generate the bench corpus: {e}"));
        eprintln!(
            "generated {} files, {:.1} MB in {:.1} s",
            s.files,
            s.bytes as f64 / 1e6,
            s.seconds
        );
    }
    let listing = corpus::list(&dir).expect("cannot list the bench corpus");
    assert_eq!(
        listing.files.len() as u64,
        n,
        "{}: unexpected file count",
        dir.display()
    );
    let bytes = listing
        .files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    Corpus {
        dir,
        docs: n,
        files: listing.files,
        bytes,
    }
}

impl Corpus {
    /// Whether `built` (an index's file) was written after this corpus, so
    /// it holds this corpus and not an earlier generator's.
    pub fn older_than(&self, built: &Path) -> bool {
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        match (modified(&self.dir.join(generate::MARKER)), modified(built)) {
            (Some(corpus), Some(built)) => corpus <= built,
            _ => false,
        }
    }

    /// Reads every file once (untimed), so both builds find it in the page cache.
    pub fn warm(&self) {
        let n: usize = self
            .files
            .par_iter()
            .map(|f| std::fs::read(f).map(|b| b.len()).unwrap_or(0))
            .sum();
        std::hint::black_box(n);
    }
}

/// Bytes of all files below `path` (or of the file itself).
pub fn disk_size(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) if m.is_dir() => std::fs::read_dir(path)
            .map(|rd| rd.flatten().map(|e| disk_size(&e.path())).sum())
            .unwrap_or(0),
        _ => 0,
    }
}

/// One timed build.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Build {
    pub engine: String,
    pub docs: u64,
    pub seconds: f64,
    /// Decision text read, bytes.
    pub corpus_bytes: u64,
    /// Size on disk of the index (folder or database file), bytes.
    pub size_bytes: u64,
}

impl Build {
    pub fn mb_per_s(&self) -> f64 {
        self.corpus_bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }
    pub fn size_ratio(&self) -> f64 {
        self.size_bytes as f64 / self.corpus_bytes.max(1) as f64
    }
}

/// Builds the ombudsearch index of `c` afresh in `dir` with
/// [`indexer::build`] (read, parse, citations, index, commit, merges).
pub fn build_ombudsearch(c: &Corpus, dir: &Path) -> Build {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("cannot remove the old bench index");
    }
    let opts = IndexOptions::new(&c.dir, dir);
    let started = Instant::now();
    let summary = indexer::build(&opts, &ProgressBar::hidden()).expect("ombudsearch build failed");
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        summary.rejected.is_empty(),
        "ombudsearch rejected {} files",
        summary.rejected.len()
    );
    Build {
        engine: "ombudsearch".into(),
        docs: summary.indexed as u64,
        seconds,
        corpus_bytes: c.bytes,
        size_bytes: disk_size(dir),
    }
}

/// The ombudsearch index of `c` in `<bench-data>/index-<n>`, built only when
/// missing (for the criterion benches, which do not time the build).
pub fn ombudsearch_engine(c: &Corpus) -> Engine {
    let dir = data_dir().join(format!("index-{}", c.docs));
    if let Ok(e) = Engine::open(&dir)
        && e.num_docs() == c.docs
        && c.older_than(&dir.join("meta.json"))
    {
        return e;
    }
    eprintln!("building the ombudsearch index in {} …", dir.display());
    build_ombudsearch(c, &dir);
    Engine::open(&dir).expect("cannot open the bench index")
}

/// The FTS5 database of `c` in `<bench-data>/fts5-<n>.sqlite`, built only
/// when missing.
pub fn fts5_peer(c: &Corpus) -> Fts5 {
    let path = data_dir().join(format!("fts5-{}.sqlite", c.docs));
    if let Ok(p) = Fts5::open(&path)
        && p.docs == c.docs
        && c.older_than(&path)
    {
        return p;
    }
    eprintln!("building the FTS5 database {} …", path.display());
    build_fts5(c, &path);
    Fts5::open(&path).expect("cannot open the FTS5 database")
}

const FTS5_COLUMNS: &str = "text, summary, complaint, reasons, final_decision";

fn fts5_schema() -> String {
    format!(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA cache_size = -262144;
         PRAGMA temp_store = MEMORY;
         CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT NOT NULL);
         CREATE VIEW fts_content AS
             SELECT id, body AS text, NULL AS summary, NULL AS complaint,
                    NULL AS reasons, NULL AS final_decision FROM docs;
         CREATE VIRTUAL TABLE fts USING fts5({FTS5_COLUMNS},
             content = 'fts_content', content_rowid = 'id',
             tokenize = '{FTS5_TOKENIZER}');
         CREATE TABLE meta(id INTEGER PRIMARY KEY, case_ref TEXT, authority TEXT,
             category TEXT, category_top TEXT, outcome TEXT, date TEXT, year INTEGER,
             path TEXT NOT NULL);
         CREATE TABLE cites(id INTEGER NOT NULL, key TEXT NOT NULL,
             PRIMARY KEY (id, key)) WITHOUT ROWID;"
    )
}

const FTS5_INDEXES: &str = "
    CREATE INDEX meta_authority ON meta(authority);
    CREATE INDEX meta_category ON meta(category);
    CREATE INDEX meta_category_top ON meta(category_top);
    CREATE INDEX meta_outcome ON meta(outcome);
    CREATE INDEX meta_date ON meta(date);
    CREATE INDEX cites_key ON cites(key, id);
    INSERT INTO fts(fts) VALUES ('optimize');";

/// Builds the FTS5 database of `c` afresh at `path`: read + parse (rayon,
/// the library parser) → one writer thread, one transaction. Timed from the
/// first file read to the commit.
pub fn build_fts5(c: &Corpus, path: &Path) -> Build {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("cannot create the bench-data folder");
    }
    let started = Instant::now();
    let mut conn = Connection::open(path).expect("cannot create the FTS5 database");
    conn.execute_batch(&fts5_schema()).expect("FTS5 schema");
    let (tx, rx) = std::sync::mpsc::sync_channel::<Decision>(512);
    let files = &c.files;
    let docs = std::thread::scope(|s| {
        s.spawn(move || {
            files.par_iter().for_each_with(tx, |tx, path| {
                let text = corpus::read_text(path, corpus::DEFAULT_MAX_FILE_BYTES)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let d = parse::parse(&text, &path.to_string_lossy())
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let _ = tx.send(d);
            });
        });
        let txn = conn.transaction().expect("begin");
        let mut n = 0u64;
        {
            let mut ins_doc = txn
                .prepare("INSERT INTO docs(id, body) VALUES (?1, ?2)")
                .unwrap();
            let mut ins_fts = txn
                .prepare(&format!(
                    "INSERT INTO fts(rowid, {FTS5_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                ))
                .unwrap();
            let mut ins_meta = txn
                .prepare(
                    "INSERT INTO meta(id, case_ref, authority, category, category_top, outcome, date, year, path)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .unwrap();
            let mut ins_cite = txn
                .prepare("INSERT INTO cites(id, key) VALUES (?1, ?2)")
                .unwrap();
            for d in rx {
                n += 1;
                let id = n as i64;
                ins_doc.execute(params![id, d.full_text]).unwrap();
                ins_fts
                    .execute(params![
                        id,
                        d.full_text,
                        d.summary,
                        d.complaint,
                        d.reasons,
                        d.final_decision
                    ])
                    .unwrap();
                ins_meta
                    .execute(params![
                        id,
                        d.case_ref,
                        d.authority,
                        d.category.as_ref().map(|c| c.display()),
                        d.category.as_ref().map(|c| c.top.clone()),
                        d.outcome.as_ref().map(|o| o.label().to_string()),
                        d.decision_date.map(|x| x.to_string()),
                        d.decision_date.map(|x| i64::from(x.year())),
                        d.path,
                    ])
                    .unwrap();
                let mut seen = HashSet::new();
                for cite in d.citations.iter().filter(|c| c.act.is_some()) {
                    if seen.insert(cite.key.as_str()) {
                        ins_cite.execute(params![id, cite.key]).unwrap();
                    }
                }
            }
        }
        txn.execute_batch(FTS5_INDEXES).expect("FTS5 indexes");
        txn.commit().expect("commit");
        n
    });
    drop(conn);
    let seconds = started.elapsed().as_secs_f64();
    Build {
        engine: "fts5".into(),
        docs,
        seconds,
        corpus_bytes: c.bytes,
        size_bytes: disk_size(path),
    }
}

/// A query that the peer cannot express.
#[derive(Debug)]
pub struct Unsupported(pub String);

/// What the FTS5 side matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Every decision (the empty query).
    All,
    /// An FTS5 MATCH expression.
    Expr(String),
    /// Every decision except those matching this expression.
    Except(String),
}

fn fts_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn column(field: Option<&str>) -> Result<Option<&'static str>, Unsupported> {
    Ok(match field {
        None => None,
        Some("text") => Some("text"),
        Some("summary") => Some("summary"),
        Some("complaint") => Some("complaint"),
        Some("reasons") => Some("reasons"),
        Some("final") | Some("final_decision") => Some("final_decision"),
        Some(other) => {
            return Err(Unsupported(format!(
                "field '{other}:' inside the query is not translated for FTS5"
            )));
        }
    })
}

fn with_column(col: Option<&str>, expr: String) -> String {
    match col {
        Some(c) => format!("{c} : {expr}"),
        None => expr,
    }
}

fn searchable(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// A positive expression for `node`; `None` when it holds nothing searchable.
fn expr(node: &Node) -> Result<Option<String>, Unsupported> {
    Ok(match node {
        Node::All => return Err(Unsupported("match-all inside an expression".into())),
        Node::Word { field, text } => {
            let col = column(field.as_deref())?;
            searchable(text).then(|| with_column(col, fts_quote(text)))
        }
        Node::Phrase { field, text, slop } => {
            let col = column(field.as_deref())?;
            if !searchable(text) {
                return Err(Unsupported(format!("the phrase \"{text}\" has no words")));
            }
            let e = if *slop == 0 {
                fts_quote(text)
            } else {
                let words: Vec<String> = text
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(fts_quote)
                    .collect();
                format!("NEAR({}, {slop})", words.join(" "))
            };
            Some(with_column(col, e))
        }
        Node::CaseRef(norm) => Some(format!(
            "({} OR {})",
            fts_quote(&ombudsearch::caseref::display(norm)),
            fts_quote(norm)
        )),
        Node::And(items) => {
            let mut pos = Vec::new();
            let mut neg = Vec::new();
            for item in items {
                match item {
                    Node::Not(inner) => neg.extend(expr(inner)?),
                    other => pos.extend(expr(other)?),
                }
            }
            if pos.is_empty() {
                if neg.is_empty() {
                    return Ok(None);
                }
                return Err(Unsupported("a purely negative group".into()));
            }
            let mut s = format!("({})", pos.join(" AND "));
            for n in neg {
                s = format!("({s} NOT {n})");
            }
            Some(s)
        }
        Node::Or(items) => {
            let mut parts = Vec::new();
            for item in items {
                parts.extend(expr(item)?);
            }
            (!parts.is_empty()).then(|| format!("({})", parts.join(" OR ")))
        }
        Node::Not(_) => return Err(Unsupported("NOT inside OR".into())),
    })
}

/// Translates a query tree into what FTS5 matches.
pub fn translate(node: &Node) -> Result<Match, Unsupported> {
    match node {
        Node::All => Ok(Match::All),
        Node::Not(inner) => expr(inner)?
            .map(Match::Except)
            .ok_or_else(|| Unsupported("nothing searchable".into())),
        Node::And(items) if items.iter().all(|i| matches!(i, Node::Not(_))) => {
            let mut neg = Vec::new();
            for item in items {
                if let Node::Not(inner) = item {
                    neg.extend(expr(inner)?);
                }
            }
            if neg.is_empty() {
                return Err(Unsupported("nothing searchable".into()));
            }
            Ok(Match::Except(format!("({})", neg.join(" OR "))))
        }
        other => expr(other)?
            .map(Match::Expr)
            .ok_or_else(|| Unsupported("nothing searchable".into())),
    }
}

/// One hit of the peer.
#[derive(Debug, Clone, Default)]
pub struct PeerHit {
    pub id: i64,
    pub score: f64,
    pub case_ref: Option<String>,
    pub authority: Option<String>,
    pub category: Option<String>,
    pub outcome: Option<String>,
    pub decision_date: Option<String>,
    pub path: String,
    pub snippets: Vec<Snippet>,
}

/// The peer's answer.
#[derive(Debug, Clone, Default)]
pub struct PeerResponse {
    pub total: usize,
    pub hits: Vec<PeerHit>,
    pub facets: Facets,
}

/// The FTS5 database, open for queries.
pub struct Fts5 {
    conn: Connection,
    pub docs: u64,
    authorities: filter::Vocabulary,
    outcomes: filter::Vocabulary,
    categories: filter::Vocabulary,
    citations: filter::Vocabulary,
}

const START: char = '\u{1}';
const END: char = '\u{2}';

/// Reads `snippet()` output with START/END markers into text + highlights.
fn read_snippet(marked: &str) -> Snippet {
    let mut text = String::with_capacity(marked.len());
    let mut highlights = Vec::new();
    let mut open = 0;
    for c in marked.chars() {
        match c {
            START => open = text.len(),
            END => highlights.push([open, text.len()]),
            c => text.push(c),
        }
    }
    Snippet { text, highlights }
}

fn ranked(rows: Vec<(String, u64)>) -> Vec<FacetCount> {
    rows.into_iter()
        .map(|(value, count)| FacetCount {
            value,
            count,
            children: Vec::new(),
        })
        .collect()
}

impl Fts5 {
    /// Opens the database at `path` (fails when it is missing or incomplete).
    pub fn open(path: &Path) -> rusqlite::Result<Fts5> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(
            "PRAGMA cache_size = -262144;
             PRAGMA mmap_size = 4294967296;
             PRAGMA temp_store = MEMORY;
             CREATE TEMP TABLE hits(id INTEGER PRIMARY KEY, score REAL NOT NULL);",
        )?;
        conn.set_prepared_statement_cache_capacity(256);
        let docs: i64 = conn.query_row("SELECT count(*) FROM meta", [], |r| r.get(0))?;
        let distinct = |sql: &str| -> rusqlite::Result<filter::Vocabulary> {
            let mut st = conn.prepare(sql)?;
            let values = st
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(values.into_iter().collect())
        };
        let authorities =
            distinct("SELECT DISTINCT authority FROM meta WHERE authority IS NOT NULL")?;
        let outcomes = distinct("SELECT DISTINCT outcome FROM meta WHERE outcome IS NOT NULL")?;
        let categories = distinct("SELECT DISTINCT category FROM meta WHERE category IS NOT NULL")?;
        let citations = distinct("SELECT DISTINCT key FROM cites")?;
        Ok(Fts5 {
            docs: docs as u64,
            conn,
            authorities,
            outcomes,
            categories,
            citations,
        })
    }

    /// Answers `req` as ombudsearch would (see the module docs for the SQL).
    pub fn search(&self, req: &SearchRequest) -> Result<PeerResponse, String> {
        let tree = syntax::parse(&req.query).map_err(|e| e.to_string())?;
        let m = translate(&tree).map_err(|u| u.0)?;

        // FROM / WHERE and the score.
        let mut wheres: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        let weights = format!("bm25(fts, 1.0, {SUMMARY_BOOST:?}, 0.0, 0.0, {FINAL_BOOST:?})");
        let (fts_source, id, score) = match &m {
            Match::Expr(e) => {
                wheres.push("fts MATCH ?".into());
                params.push(Value::Text(e.clone()));
                (true, "fts.rowid", weights.as_str())
            }
            Match::All => (false, "m.id", "0.0"),
            Match::Except(e) => {
                wheres.push("m.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)".into());
                params.push(Value::Text(e.clone()));
                (false, "m.id", "0.0")
            }
        };
        let mut needs_meta = !fts_source || req.sort != Sort::Relevance;
        // A filter's values (blank ones dropped); several let any through.
        let present = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let mut in_list = |col: &str, values: Vec<String>| -> String {
            if values.is_empty() {
                return "0".into();
            }
            let sql = format!("{col} IN ({})", vec!["?"; values.len()].join(", "));
            params.extend(values.into_iter().map(Value::Text));
            sql
        };
        let any = |wheres: &mut Vec<String>, ors: Vec<String>| {
            if !ors.is_empty() {
                wheres.push(format!("({})", ors.join(" OR ")));
            }
        };
        let mut ors = Vec::new();
        for v in present(&req.council) {
            let names =
                filter::resolve_authority(&v, &self.authorities).map_err(|e| e.to_string())?;
            ors.push(in_list("m.authority", names));
        }
        any(&mut wheres, std::mem::take(&mut ors));
        for v in present(&req.outcome) {
            let labels = filter::resolve_outcome(&v, &self.outcomes).map_err(|e| e.to_string())?;
            ors.push(in_list("m.outcome", labels));
        }
        any(&mut wheres, std::mem::take(&mut ors));
        for v in present(&req.category) {
            ors.push(
                match filter::resolve_category(&v, &self.categories).map_err(|e| e.to_string())? {
                    CategoryMatch::Top(t) => in_list("m.category_top", t),
                    CategoryMatch::Full(f) => in_list("m.category", f),
                },
            );
        }
        any(&mut wheres, std::mem::take(&mut ors));
        for v in present(&req.cites) {
            let keys = filter::resolve_citation(&v, &self.citations);
            ors.push(if keys.is_empty() {
                "0".into()
            } else {
                // Correlated, so the MATCH drives and each match costs one
                // primary-key probe (`rowid IN (…)` made SQLite scan instead).
                let list = in_list("c.key", keys);
                format!("EXISTS (SELECT 1 FROM cites c WHERE c.id = {id} AND {list})")
            });
        }
        any(&mut wheres, std::mem::take(&mut ors));
        needs_meta |= wheres.iter().any(|w| w.contains("m."));
        for (value, op, what, end) in [
            (&req.since, ">=", "--since date", search::DateEnd::Start),
            (&req.until, "<=", "--until date", search::DateEnd::End),
        ] {
            if let Some(s) = value.as_deref().filter(|s| !s.is_empty()) {
                let d = search::parse_date(what, s, end).map_err(|e| e.to_string())?;
                wheres.push(format!("m.date {op} ?"));
                params.push(Value::Text(d.to_string()));
                needs_meta = true;
            }
        }
        let from = match (fts_source, needs_meta) {
            (true, true) => "fts JOIN meta m ON m.id = fts.rowid",
            (true, false) => "fts",
            (false, _) => "meta m",
        };
        let where_sql = if wheres.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wheres.join(" AND "))
        };
        let order = match req.sort {
            Sort::Relevance => "score",
            Sort::Newest => "date DESC, score",
            Sort::Oldest => "date ASC, score",
        };
        let limit = req.limit;
        let offset = req.offset;
        let date_col = if needs_meta { "m.date" } else { "NULL" };
        let db = |e: rusqlite::Error| e.to_string();

        let mut resp = PeerResponse::default();
        let page: Vec<(i64, f64)>;
        if !req.facets {
            // One statement: ranked matches and the total.
            // (bm25() cannot be called in a window query itself, hence the subquery.)
            let sql = format!(
                "SELECT id, score, date, count(*) OVER () FROM \
                 (SELECT {id} AS id, {score} AS score, {date_col} AS date FROM {from}{where_sql}) \
                 ORDER BY {order} LIMIT {limit} OFFSET {offset}"
            );
            let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
            let mut rows = st.query(params_from_iter(params.iter())).map_err(db)?;
            let mut p = Vec::new();
            while let Some(r) = rows.next().map_err(db)? {
                p.push((
                    r.get::<_, i64>(0).map_err(db)?,
                    r.get::<_, f64>(1).map_err(db)?,
                ));
                resp.total = r.get::<_, i64>(3).map_err(db)? as usize;
            }
            page = p;
            if page.is_empty() && offset > 0 {
                let sql = format!("SELECT count(*) FROM {from}{where_sql}");
                let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
                resp.total = st
                    .query_row(params_from_iter(params.iter()), |r| r.get::<_, i64>(0))
                    .map_err(db)? as usize;
            }
        } else {
            // The matches once into a temp table; everything else from there.
            self.conn
                .prepare_cached("DELETE FROM temp.hits")
                .and_then(|mut s| s.execute([]))
                .map_err(db)?;
            let sql = format!(
                "INSERT INTO temp.hits(id, score) SELECT {id}, {score} FROM {from}{where_sql}"
            );
            resp.total = self
                .conn
                .prepare_cached(&sql)
                .and_then(|mut s| s.execute(params_from_iter(params.iter())))
                .map_err(db)?;
            let sql = match req.sort {
                Sort::Relevance => format!(
                    "SELECT h.id, h.score FROM temp.hits h ORDER BY h.score LIMIT {limit} OFFSET {offset}"
                ),
                _ => format!(
                    "SELECT h.id, h.score FROM temp.hits h CROSS JOIN meta m ON m.id = h.id \
                     ORDER BY m.{order} LIMIT {limit} OFFSET {offset}",
                    order = order.replace("score", "h.score")
                ),
            };
            let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
            page = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            resp.facets = self.facets().map_err(db)?;
        }

        let mut meta = self
            .conn
            .prepare_cached(
                "SELECT case_ref, authority, category, outcome, date, path FROM meta WHERE id = ?1",
            )
            .map_err(db)?;
        for (id, score) in page {
            let mut hit = meta
                .query_row([id], |r| {
                    Ok(PeerHit {
                        id,
                        score,
                        case_ref: r.get(0)?,
                        authority: r.get(1)?,
                        category: r.get(2)?,
                        outcome: r.get(3)?,
                        decision_date: r.get(4)?,
                        path: r.get(5)?,
                        snippets: Vec::new(),
                    })
                })
                .map_err(db)?;
            if req.snippets
                && let Match::Expr(e) = &m
            {
                let mut st = self
                    .conn
                    .prepare_cached(
                        "SELECT snippet(fts, 0, char(1), char(2), '…', 24) FROM fts \
                         WHERE fts MATCH ?1 AND rowid = ?2",
                    )
                    .map_err(db)?;
                if let Some(s) = st
                    .query_row(params![e, id], |r| r.get::<_, String>(0))
                    .optional()
                    .map_err(db)?
                {
                    hit.snippets.push(read_snippet(&s));
                }
            }
            resp.hits.push(hit);
        }
        Ok(resp)
    }

    /// Facet counts over the matches in `temp.hits`.
    /// `CROSS JOIN` keeps the matches as the outer loop: the temp table has
    /// no statistics, and without it SQLite scans a whole `meta` index and
    /// probes the matches (seen with EXPLAIN QUERY PLAN).
    fn facets(&self) -> rusqlite::Result<Facets> {
        let rows = |sql: &str| -> rusqlite::Result<Vec<(String, u64)>> {
            let mut st = self.conn.prepare_cached(sql)?;
            st.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect()
        };
        let by = |col: &str, top: &str| {
            format!(
                "SELECT m.{col}, count(*) AS n FROM temp.hits h CROSS JOIN meta m ON m.id = h.id \
                 WHERE m.{col} IS NOT NULL GROUP BY m.{col} ORDER BY n DESC, m.{col}{top}"
            )
        };
        let outcome = rows(&by("outcome", ""))?;
        let authority = rows(&by("authority", " LIMIT 10"))?;
        let category = rows(&by("category", ""))?;
        let year = rows(
            "SELECT CAST(m.year AS TEXT), count(*) FROM temp.hits h CROSS JOIN meta m ON m.id = h.id \
             WHERE m.year IS NOT NULL GROUP BY m.year ORDER BY m.year DESC",
        )?;
        let citation = rows(
            "SELECT c.key, count(*) AS n FROM temp.hits h CROSS JOIN cites c ON c.id = h.id \
             GROUP BY c.key ORDER BY n DESC, c.key LIMIT 10",
        )?;
        // The category tree, as ombudsearch shows it: top levels with subs.
        let mut tops: BTreeMap<String, (u64, Vec<(String, u64)>)> = BTreeMap::new();
        for (full, n) in category {
            let top = full
                .split_once(" > ")
                .map_or(full.as_str(), |(t, _)| t)
                .to_string();
            let e = tops.entry(top).or_default();
            e.0 += n;
            if full.contains(" > ") {
                e.1.push((full, n));
            }
        }
        let mut category: Vec<FacetCount> = tops
            .into_iter()
            .map(|(value, (count, subs))| FacetCount {
                value,
                count,
                children: ranked(subs),
            })
            .collect();
        category.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        Ok(Facets {
            outcome: ranked(outcome),
            category,
            authority: ranked(authority),
            year: ranked(year),
            citation: ranked(citation),
        })
    }
}

/// Milliseconds of `repeat` runs of `f` after `warmup` untimed ones.
pub fn time<T>(warmup: usize, repeat: usize, mut f: impl FnMut() -> T) -> Vec<f64> {
    for _ in 0..warmup {
        std::hint::black_box(f());
    }
    (0..repeat)
        .map(|_| {
            let t = Instant::now();
            let out = f();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(out);
            ms
        })
        .collect()
}

/// Percentiles of samples (the library's nearest-rank [`Stats`]).
pub fn stats(samples: &[f64]) -> Stats {
    Stats::of(samples)
}
