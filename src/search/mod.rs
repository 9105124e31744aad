//! Searching: one [`SearchRequest`] in, one [`SearchResponse`] out.
//!
//! This is the library's whole query API: the CLI and the HTTP server build
//! a `SearchRequest`, call [`Engine::search`], and only render the answer.
//! The answer's JSON form (`search --format json`, `GET /api/search`) is the
//! serde form of [`SearchResponse`]:
//!
//! ```json
//! {"query": "\"ICO is better placed\"", "total": 3, "took_ms": 0.41,
//!  "hits": [{"rank": 1, "score": 7.2, "case_ref": "23 018 551",
//!            "authority": "Cambridgeshire County Council",
//!            "category": "Children's care services > Other",
//!            "outcome": "Closed after initial enquiries", "decision_date": "2024-10-31",
//!            "path": "corpus/000_978548f2022fce23.txt",
//!            "snippets": [{"text": "… the ICO is better placed to consider …",
//!                          "highlights": [[6, 26]]}]}],
//!  "facets": {"outcome": [{"value": "Closed after initial enquiries", "count": 3}],
//!             "category": [{"value": "Children's care services", "count": 1,
//!                           "children": [{"value": "Children's care services > Other", "count": 1}]}],
//!             "authority": […], "year": […], "citation": […]}}
//! ```
//! `highlights` are byte ranges `[start, end)` into the snippet's `text`.
//! Facets count **all** matching decisions; `authority` and `citation` list
//! the top 10 unless the request asks for more.

pub mod compile;
pub mod facets;
pub mod filter;
pub mod page;
pub mod phrase;
pub mod positions;
pub mod sloppy;
pub mod snapshot;
pub mod snippet;
pub mod span;
mod split;
pub mod syntax;

use crate::decision::Decision;
use crate::index::{self, IndexError};
use crate::schema::Fields;
use compile::{Compiler, Resolver};
use facets::{FacetCollector, FacetFields, FacetTables, Facets};
use filter::Vocabularies;
use page::PageColumns;
use serde::{Deserialize, Serialize};
use snapshot::PerSnapshot;
use snippet::{Highlighter, Pattern, Snippet};
use split::Cut;
use std::path::Path;
use std::time::Instant;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Index, IndexReader, Order, ReloadPolicy, Score, Searcher, Term};

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// Deepest page one request may reach (offset).
pub const MAX_OFFSET: usize = 100_000;
/// Snippets per hit.
pub const SNIPPETS_PER_HIT: usize = 3;
/// Facet values listed for authority and citation unless asked otherwise.
pub const DEFAULT_FACET_TOP: usize = 10;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best BM25 score first.
    #[default]
    Relevance,
    /// Latest decision date first (ties by relevance).
    Newest,
    /// Earliest decision date first (ties by relevance).
    Oldest,
}

/// A search, as the CLI flags and the HTTP parameters spell it. An unknown
/// parameter is an error, so a misspelled filter (`counsil=leeds`) is never
/// silently dropped from the search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchRequest {
    /// The query text; empty matches every decision.
    #[serde(rename = "q", alias = "query")]
    pub query: String,
    /// Councils or other bodies, forgiving (`cambridgeshire`). This filter
    /// and the other lists below (category, outcome, cites) let through a
    /// decision matching any of their values; an empty list filters nothing.
    pub council: Vec<String>,
    /// `Education` or `Education > School admissions`.
    pub category: Vec<String>,
    /// `Upheld`, `Not upheld`, `Closed…` (case-insensitive, prefix).
    pub outcome: Vec<String>,
    /// Decided on or after: a day (`2024-10-31`, `31/10/2024`), or the
    /// first day of a month (`2024-10`) or year (`2024`).
    pub since: Option<String>,
    /// Decided on or before: a day, or the last day of a month or year.
    pub until: Option<String>,
    /// Citation keys or prefixes of them (`s.26(6)`, `Care Act 2014`).
    pub cites: Vec<String>,
    pub sort: Sort,
    /// Hits per page (0 for facets only).
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// How many authority and citation facet values to list (`None`: all).
    pub facet_top: Option<usize>,
    /// Whether to build snippets.
    pub snippets: bool,
    /// Whether to count facets (off: `facets` in the answer is empty).
    pub facets: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            council: Vec::new(),
            category: Vec::new(),
            outcome: Vec::new(),
            since: None,
            until: None,
            cites: Vec::new(),
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            facet_top: Some(DEFAULT_FACET_TOP),
            snippets: true,
            facets: true,
        }
    }
}

impl SearchRequest {
    /// A request for `query` with default paging and facets.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// 1-based position in the whole answer (offset included).
    pub rank: usize,
    pub score: Score,
    pub case_ref: Option<String>,
    pub authority: Option<String>,
    /// `Top > Sub`.
    pub category: Option<String>,
    pub outcome: Option<String>,
    /// `YYYY-MM-DD`.
    pub decision_date: Option<String>,
    pub path: String,
    pub snippets: Vec<Snippet>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    pub query: String,
    /// Matching decisions, all of them (not just this page).
    pub total: usize,
    /// Milliseconds spent answering (parse, match, facets, snippets).
    pub took_ms: f64,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Remarks for the user, such as a filter that matched nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Why a search could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("bad query")]
    Syntax(#[from] syntax::SyntaxError),
    #[error("unknown field '{name}:'; fields are {fields} (to search for the text, put it in quotes)", fields = compile::QUERY_FIELDS)]
    UnknownField { name: String },
    #[error("{}", unknown_message(kind, input, suggestions))]
    UnknownValue {
        kind: &'static str,
        input: String,
        suggestions: Vec<String>,
    },
    #[error("bad {what} '{input}': expected {expected}")]
    BadValue {
        what: String,
        input: String,
        expected: String,
    },
    #[error("bad query: {0}")]
    EmptyQuery(String),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("search failed")]
    Tantivy(#[from] tantivy::TantivyError),
}

fn unknown_message(kind: &str, input: &str, suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        format!(
            "no {kind} matching '{input}' in the index; `ombudsearch facets {kind}` lists them all"
        )
    } else {
        format!(
            "no {kind} matching '{input}' in the index; did you mean: {}?",
            suggestions.join("; ")
        )
    }
}

impl SearchError {
    /// `input` is not a case reference in any published spelling.
    pub fn bad_case_ref(input: &str) -> SearchError {
        SearchError::BadValue {
            what: "case reference".into(),
            input: input.into(),
            expected: "a reference like 23 018 551, 23018551 or 23-018-551".into(),
        }
    }

    /// True when the request itself is at fault (a bad query or value), as
    /// opposed to the index or the machine.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            SearchError::Syntax(_)
                | SearchError::UnknownField { .. }
                | SearchError::UnknownValue { .. }
                | SearchError::BadValue { .. }
                | SearchError::EmptyQuery(_)
        )
    }
}

/// Queries expected to visit at least this many documents (see
/// [`Compiler::expected`]: filters count) search segments on all cores ([`split`]); smaller
/// ones on the calling thread alone, where handing segments to other threads
/// and waiting for them costs about as much as the search. Measured with
/// tantivy's executor (before the calling thread took a share itself) at
/// 100,000 decisions on two cores: a word in 1,400 decisions ranked its top 10 in 0.16 ms on the
/// calling thread, 0.26 ms in parallel; a phrase in 2,500 gave its full
/// answer in 1.35 ms in parallel, 1.81 ms not. Under many concurrent
/// requests the small ones also leave the other cores to other requests.
/// The estimate counts a request's filters: before it did, a word in 2,058
/// decisions filtered to 288 by dates, or in all of them to one council's
/// 439, was searched in parallel; on the calling thread alone their full
/// answers take 0.68× and 0.82× the time (geometric means of 20
/// interleaved rounds at 100,000).
const PARALLEL_FROM: u64 = 2_000;

/// Queries without filters expected to visit at least this many documents
/// cut the index into four shares per core (`split::SHARES_PER_CORE`),
/// taken by the threads as they finish ([`Cut::Fine`]); smaller ones into
/// one share per core ([`Cut::Coarse`]); filtered ones search segment by
/// segment. Each range opens the query's scorers and facet counts again,
/// some tens of microseconds: at 100,000 decisions on two cores, cutting
/// finely made a phrase in 59,723 decisions 19% faster and one in 54,798
/// 12%, but cutting every parallel query so made filtered ones and a word
/// in 8,000 decisions 20–70% slower. One share per core, against a task per
/// segment (40,960 + 40,960 + 18,080 documents, one core taking 59%), with
/// the helpers kept awake: a phrase in 9,612 decisions sorted by date
/// 0.211 → 0.183 ms for its top 10, 0.304 → 0.243 for its full answer;
/// `care assessment charging` (21,029) 1.087 → 0.950 and 1.380 → 1.191
/// (medians of 8 interleaved rounds of 100 runs). Filtered queries keep
/// whole segments: their filters' postings are read once per segment.
const SPLIT_FROM: u64 = 30_000;

/// A page is shared between threads only from this many hits: a helper is
/// never woken for one or two.
const SHARED_PAGE_FROM: usize = 3;

/// One search of a snapshot, on the threads chosen for the query.
#[derive(Clone, Copy)]
struct Run<'a> {
    searcher: &'a Searcher,
    /// Threads that share the work with the calling thread; `None`: the
    /// calling thread alone.
    pool: Option<&'a rayon::ThreadPool>,
    /// How the passes that visit every match are cut into tasks.
    cut: Cut,
}

impl Run<'_> {
    /// Searches segment by segment: for collectors that prune (top hits by
    /// block-max WAND) or read a count off the postings.
    fn search<C: Collector>(&self, query: &dyn Query, collector: &C) -> tantivy::Result<C::Fruit> {
        self.on_threads(query, collector, Cut::Segments)
    }

    /// Searches for a collector that visits every match: on more than one
    /// thread, in tasks cut as the query's size says ([`Cut`]).
    fn visit_all<C: Collector>(
        &self,
        query: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        self.on_threads(query, collector, self.cut)
    }

    /// Searches on the calling thread alone, or with the pool in tasks cut
    /// as `cut` says.
    fn on_threads<C: Collector>(
        &self,
        query: &dyn Query,
        collector: &C,
        cut: Cut,
    ) -> tantivy::Result<C::Fruit> {
        match self.pool {
            Some(pool) => split::search(self.searcher, query, collector, pool, cut),
            // The index keeps tantivy's default executor: this thread.
            None => self.searcher.search(query, collector),
        }
    }

    /// The number of matches and, when asked for, their facet counts, in
    /// one pass without scoring. `Count` alone may read the number off the
    /// postings (a single term in a segment without deletions).
    fn count(
        &self,
        query: &dyn Query,
        facets: Option<FacetCollector>,
    ) -> tantivy::Result<(usize, Option<facets::RawCounts>)> {
        match facets {
            Some(f) => self
                .visit_all(query, &(Count, f))
                .map(|(n, r)| (n, Some(r))),
            None => self.search(query, &Count).map(|n| (n, None)),
        }
    }
}

/// A request compiled against one index snapshot ([`Engine::plan`]).
struct Plan {
    /// The query with its filters.
    query: Box<dyn Query>,
    /// A union of the query's terms ranking exactly as it does, which
    /// block-max WAND can prune (a query of words alone without filters).
    ranker: Option<Box<dyn Query>>,
    /// How the passes that visit every match are cut into tasks.
    cut: Cut,
    /// Whether the query expects enough work to use every core.
    parallel: bool,
    /// What snippets highlight.
    patterns: Vec<Pattern>,
    /// Notes for the user about how the query was read.
    notes: Vec<String>,
}

/// What a search gathers over the matches: total, facet counts, the page.
type Collected = (usize, Option<facets::RawCounts>, Vec<(Score, DocAddress)>);

/// An open index, ready to answer searches. Cheap to share between threads.
pub struct Engine {
    index: Index,
    /// Threads that help the calling thread with large queries (see
    /// [`PARALLEL_FROM`]): in a long-lived engine, one per core besides the
    /// calling thread's; `None` in a one-shot engine or on one core.
    pool: Option<rayon::ThreadPool>,
    reader: IndexReader,
    fields: Fields,
    /// The fast-field names facets are counted from.
    facet_fields: FacetFields,
    /// Filter values of the newest snapshot searched.
    vocabularies: PerSnapshot<Vocabularies>,
    /// Decoded facet columns of the newest snapshot searched; used only by
    /// a long-lived engine (a one-shot one would spend more decoding than
    /// searching).
    facet_tables: PerSnapshot<FacetTables>,
    /// The hit columns of the newest snapshot searched, opened on use.
    page_columns: PerSnapshot<PageColumns>,
    /// Whether the engine follows commits and answers many queries
    /// ([`Engine::open`]) rather than one ([`Engine::open_snapshot`]).
    long_lived: bool,
}

/// The fast-field names facets are counted from.
fn facet_fields(fields: &Fields) -> FacetFields {
    let name = |f| fields.schema.get_field_name(f).to_string();
    FacetFields {
        outcome: name(fields.outcome),
        category: name(fields.category),
        authority: name(fields.authority),
        citation: name(fields.citation),
        year: name(fields.year),
    }
}

/// A page asked for beyond the last match (`--offset 100` of 45): what to
/// ask for instead, as an empty page alone would look like no match.
fn past_the_end(req: &SearchRequest, total: usize) -> Option<String> {
    (req.limit > 0 && total > 0 && req.offset >= total).then(|| {
        let last_page = (total - 1) / req.limit * req.limit;
        format!(
            "offset {} is past the last of the {total} matches; the last page of {} starts at offset {last_page}",
            req.offset, req.limit
        )
    })
}

/// Which end of a date range a typed date is: a month or a year stands for
/// its first day at the start and its last day at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateEnd {
    Start,
    End,
}

/// Reads a date as a user types one: a day (`2024-10-31`, or the British
/// `31/10/2024`), a month (`2024-10`) or a year (`2024`), the month or year
/// standing for its first day when `end` is [`DateEnd::Start`] and its last
/// when [`DateEnd::End`] (so `--since 2024 --until 2024` is the whole year).
/// A day the calendar lacks (`2024-02-30`) is refused saying so.
pub fn parse_date(what: &str, input: &str, end: DateEnd) -> Result<jiff::civil::Date, SearchError> {
    let text = input.trim();
    let bad = |expected: String| SearchError::BadValue {
        what: what.to_string(),
        input: input.to_string(),
        expected,
    };
    let number = |s: &str, digits: std::ops::RangeInclusive<usize>| -> Option<i16> {
        (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    // Year, month, and the day when one is given.
    let parts: Option<(i16, i16, Option<i16>)> = if text.contains('/') {
        match text.split('/').collect::<Vec<_>>()[..] {
            [d, m, y] => number(y, 4..=4)
                .zip(number(m, 1..=2))
                .zip(number(d, 1..=2))
                .map(|((y, m), d)| (y, m, Some(d))),
            _ => None,
        }
    } else {
        match text.split('-').collect::<Vec<_>>()[..] {
            [y, m, d] => number(y, 4..=4)
                .zip(number(m, 1..=2))
                .zip(number(d, 1..=2))
                .map(|((y, m), d)| (y, m, Some(d))),
            [y, m] => number(y, 4..=4)
                .zip(number(m, 1..=2))
                .map(|(y, m)| (y, m, None)),
            [y] => number(y, 4..=4).map(|y| (y, if end == DateEnd::Start { 1 } else { 12 }, None)),
            _ => None,
        }
    };
    let Some((year, month, day)) = parts else {
        return Err(bad(
            "a day such as 2024-10-31 or 31/10/2024, a month such as 2024-10, or a year such as 2024"
                .into(),
        ));
    };
    let first = jiff::civil::Date::new(year, month as i8, 1)
        .map_err(|_| bad("a month from 1 to 12".into()))?;
    match day {
        Some(d) => jiff::civil::Date::new(year, month as i8, d as i8).map_err(|_| {
            bad(format!(
                "a day of the calendar: {} has {} days",
                first.strftime("%B %Y"),
                first.days_in_month()
            ))
        }),
        None if end == DateEnd::Start => Ok(first),
        None => Ok(first.last_of_month()),
    }
}

impl Engine {
    /// Opens the index in `dir` for a long-running process: the engine
    /// follows new commits (a re-run of `index`) without a restart.
    /// It also keeps per-snapshot decoded facet columns (see
    /// [`facets::FacetTables`]): use it for anything answering many queries.
    pub fn open(dir: &Path) -> Result<Engine, SearchError> {
        Self::open_with(dir, ReloadPolicy::OnCommitWithDelay)
    }

    /// Opens the index in `dir` as it is now, for one-shot commands: no
    /// thread watching for new commits is started.
    pub fn open_snapshot(dir: &Path) -> Result<Engine, SearchError> {
        Self::open_with(dir, ReloadPolicy::Manual)
    }

    fn open_with(dir: &Path, policy: ReloadPolicy) -> Result<Engine, SearchError> {
        let (index, fields) = index::open(dir)?;
        let long_lived = !matches!(policy, ReloadPolicy::Manual);
        // A long-lived engine searches in parallel, one thread per core: a
        // query matching most decisions takes half the time on two cores.
        // A one-shot command does not: starting the threads (and their
        // allocator arenas) costs more than a typical query.
        let mut pool = None;
        if long_lived {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            if cores > 1 {
                let helpers = rayon::ThreadPoolBuilder::new()
                    .num_threads(cores - 1)
                    .thread_name(|i| format!("ombudsearch-search-{i}"))
                    .build()
                    .map_err(|e| {
                        SearchError::Tantivy(tantivy::TantivyError::SystemError(e.to_string()))
                    })?;
                pool = Some(helpers);
            }
        }
        // No decompressed stored text is kept between searches: every
        // answer decompresses its own hits' text, so a repeated query costs
        // what a new one does (and benchmarks measure that).
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(policy)
            .doc_store_cache_num_blocks(0)
            .try_into()?;
        Ok(Engine {
            index,
            pool,
            reader,
            facet_fields: facet_fields(&fields),
            fields,
            vocabularies: PerSnapshot::default(),
            facet_tables: PerSnapshot::default(),
            page_columns: PerSnapshot::default(),
            long_lived,
        })
    }

    /// The underlying tantivy index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Decisions in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn validate(req: &SearchRequest, max_offset: usize) -> Result<(), SearchError> {
        if req.limit > MAX_LIMIT {
            return Err(SearchError::BadValue {
                what: "limit".into(),
                input: req.limit.to_string(),
                expected: format!(
                    "at most {MAX_LIMIT} hits per page; ask for later pages with an offset"
                ),
            });
        }
        if req.offset > max_offset {
            return Err(SearchError::BadValue {
                what: "offset".into(),
                input: req.offset.to_string(),
                expected: format!("at most {max_offset}; narrow the search with filters"),
            });
        }
        Ok(())
    }

    /// Compiles a request against one snapshot of the index: the query to
    /// run (with its filters), its prunable ranker, and how to run it.
    fn plan(&self, req: &SearchRequest, searcher: &Searcher) -> Result<Plan, SearchError> {
        let tree = syntax::parse(&req.query)?;
        let vocabularies = self.vocabularies.current(searcher);
        let mut compiler = Compiler::new(&self.fields, searcher, &vocabularies);
        let main = compiler.compile(&tree)?.ok_or_else(|| {
            SearchError::EmptyQuery(format!("'{}' has no words to search for", req.query))
        })?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, main)];
        let filters: [(&[String], Resolver); 4] = [
            (&req.council, Compiler::council),
            (&req.outcome, Compiler::outcome),
            (&req.category, Compiler::category),
            (&req.cites, Compiler::cites),
        ];
        for (values, resolve) in filters {
            if let Some(q) = compiler.request_filters(values, resolve)? {
                clauses.push((Occur::Must, q));
            }
        }
        let since = req
            .since
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| parse_date("since date", s, DateEnd::Start))
            .transpose()?;
        let until = req
            .until
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| parse_date("until date", s, DateEnd::End))
            .transpose()?;
        if since.is_some() || until.is_some() {
            clauses.push((Occur::Must, compiler.request_dates(since, until)?));
        }
        // Without filters, a query of words alone is ranked by a second,
        // prunable form of itself (see `collect`).
        let ranker = if clauses.len() == 1 && req.sort == Sort::Relevance && req.limit > 0 {
            compiler.ranking_union(&tree)
        } else {
            None
        };
        let estimate = compiler.expected(&tree);
        let cut = match (clauses.len(), estimate) {
            (1, e) if e >= SPLIT_FROM => Cut::Fine,
            (1, _) => Cut::Coarse,
            _ => Cut::Segments,
        };
        let parallel = estimate >= PARALLEL_FROM
            && (cut != Cut::Segments || searcher.segment_readers().len() > 1);
        // A lone query is searched as itself: a boolean query of one clause
        // would visit every match to count them (see `compile::Sections`).
        let query: Box<dyn Query> = match <[_; 1]>::try_from(clauses) {
            Ok([(_, only)]) => only,
            Err(clauses) => Box::new(BooleanQuery::new(clauses)),
        };
        Ok(Plan {
            query,
            ranker,
            cut,
            parallel,
            patterns: std::mem::take(&mut compiler.patterns),
            notes: std::mem::take(&mut compiler.notes),
        })
    }

    /// Checks a request without searching: the errors [`Engine::search`]
    /// would give for its query, filters and values (a bad query, an
    /// unknown council), found by compiling it against this index without
    /// reading a posting list. For a query set checked before it is timed.
    pub fn check(&self, req: &SearchRequest) -> Result<(), SearchError> {
        Self::validate(req, MAX_OFFSET)?;
        let searcher = self.reader.searcher();
        self.plan(req, &searcher).map(drop)
    }

    /// Answers one request.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, SearchError> {
        Self::validate(req, MAX_OFFSET)?;
        self.answer(req, &self.reader.searcher())
    }

    /// Every matching decision from `req.offset` on (`req.limit` aside), as
    /// one answer ([`Engine::search_pages`] put together): the facets and
    /// notes are the first page's, `took_ms` the pages' sum.
    pub fn search_all(&self, req: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let (mut all, rest) = self.search_pages(req)?;
        for page in rest {
            let page = page?;
            all.took_ms += page.took_ms;
            all.hits.extend(page.hits);
        }
        Ok(all)
    }

    /// Every matching decision from `req.offset` on (`req.limit` aside), in
    /// pages of [`MAX_LIMIT`]: the first page (with the facets, when asked
    /// for, and the notes), and the rest, each searched as it is taken. All
    /// on one snapshot of the index, and past [`MAX_OFFSET`] (from any
    /// offset up to the number of decisions), so a whole search can be
    /// exported (`search --all --format csv`) in bounded memory.
    pub fn search_pages(
        &self,
        req: &SearchRequest,
    ) -> Result<
        (
            SearchResponse,
            impl Iterator<Item = Result<SearchResponse, SearchError>> + '_,
        ),
        SearchError,
    > {
        let searcher = self.reader.searcher();
        let mut page = SearchRequest {
            limit: MAX_LIMIT,
            ..req.clone()
        };
        // An offset beyond the index is a slip, refused as in `search`.
        Self::validate(&page, MAX_OFFSET.max(searcher.num_docs() as usize))?;
        let first = self.answer(&page, &searcher)?;
        let total = first.total;
        page.facets = false;
        let rest = std::iter::from_fn(move || {
            page.offset = page.offset.saturating_add(MAX_LIMIT);
            (page.offset < total).then(|| self.answer(&page, &searcher))
        });
        Ok((first, rest))
    }

    /// Answers one request on `searcher`'s snapshot.
    fn answer(
        &self,
        req: &SearchRequest,
        searcher: &Searcher,
    ) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        let Plan {
            query,
            ranker,
            cut,
            parallel,
            patterns,
            mut notes,
        } = self.plan(req, searcher)?;

        let facet_collector = if req.facets {
            let tables = self
                .long_lived
                .then(|| {
                    self.facet_tables.get(searcher, || {
                        FacetTables::build(searcher, &self.facet_fields)
                    })
                })
                .transpose()?;
            Some(FacetCollector {
                fields: &self.facet_fields,
                tables,
            })
        } else {
            None
        };
        let run = Run {
            searcher,
            pool: self.pool.as_ref().filter(|_| parallel),
            cut,
        };
        // A query that uses the pool wakes it now, while this thread readies
        // the scorers, and keeps it awake until the answer is built.
        let _awake = run.pool.map(split::Awake::new);
        let (total, raw, page) =
            self.collect(run, query.as_ref(), ranker.as_deref(), facet_collector, req)?;

        let highlighter = req.snippets.then(|| Highlighter::new(patterns));
        let hits = self.hits(run, page, req.offset, highlighter)?;
        if let Some(note) = past_the_end(req, total) {
            notes.push(note);
        }
        if searcher.num_docs() == 0 {
            notes.push(
                "the index holds no decisions: put decision files in the corpus folder and run `ombudsearch index`"
                    .into(),
            );
        }
        Ok(SearchResponse {
            query: req.query.clone(),
            total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            offset: req.offset,
            hits,
            facets: raw
                .map(|r| r.into_facets(req.facet_top))
                .unwrap_or_default(),
            notes,
        })
    }

    /// Runs the query, gathering count, facets and the page.
    ///
    /// Usually in one pass, scoring every match. With a `ranker` (a union of
    /// terms ranking exactly as `query` does) in two: count and facets visit
    /// every match without scoring, then the ranker finds the page with
    /// block-max WAND, scoring only documents that may reach it. For a word
    /// found in most decisions that is several times faster than one pass.
    fn collect(
        &self,
        run: Run,
        query: &dyn Query,
        ranker: Option<&dyn Query>,
        facets: Option<FacetCollector>,
        req: &SearchRequest,
    ) -> Result<Collected, SearchError> {
        if req.limit == 0 {
            let (total, raw) = run.count(query, facets)?;
            return Ok((total, raw, Vec::new()));
        }
        let top = TopDocs::with_limit(req.limit).and_offset(req.offset);
        match req.sort {
            Sort::Relevance => {
                if let Some(ranker) = ranker {
                    let (total, raw) = run.count(query, facets)?;
                    let page = run.search(ranker, &top.order_by_score())?;
                    return Ok((total, raw, page));
                }
                let (total, raw, page) =
                    run.visit_all(query, &(Count, facets, top.order_by_score()))?;
                Ok((total, raw, page))
            }
            Sort::Newest | Sort::Oldest => {
                let order = if req.sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let date_field = self
                    .fields
                    .schema
                    .get_field_name(self.fields.date)
                    .to_string();
                let by_date = top.order_by_fast_field::<tantivy::DateTime>(date_field, order);
                let (total, raw, page) = run.visit_all(query, &(Count, facets, by_date))?;
                Ok((
                    total,
                    raw,
                    page.into_iter().map(|(_, addr)| (0.0, addr)).collect(),
                ))
            }
        }
    }

    /// The page's hits, ranked from `offset + 1`: each hit's values read
    /// and, with a `highlighter`, its text decompressed and its snippets
    /// built. When the query ran on several threads, they share the page
    /// too, each taking the next hit as it finishes one (a helper that wakes
    /// late takes fewer), with its own copy of the highlighter: building
    /// ten hits is a large part of a typical answer. A query that ran on
    /// the calling thread alone builds its hits there too: waking a
    /// sleeping helper costs more than it would save.
    fn hits(
        &self,
        run: Run,
        page: Vec<(Score, DocAddress)>,
        offset: usize,
        highlighter: Option<Highlighter>,
    ) -> Result<Vec<Hit>, SearchError> {
        // Without snippets a hit is a few column reads: never worth a helper.
        let shared = run
            .pool
            .filter(|_| highlighter.is_some() && page.len() >= SHARED_PAGE_FROM);
        let tasks: Vec<(usize, Score, DocAddress)> = page
            .into_iter()
            .enumerate()
            .map(|(i, (score, addr))| (offset + i + 1, score, addr))
            .collect();
        let columns = self.page_columns(run.searcher);
        let build = |highlighter: &mut Option<Highlighter>, hit| {
            columns.hit(run.searcher, &self.fields, hit, highlighter.as_mut())
        };
        let built: Vec<tantivy::Result<Hit>> = match shared {
            // Each thread that takes hits makes its own copy of the
            // highlighter, once.
            Some(pool) => split::share_with(pool, tasks, &|| highlighter.clone(), &build),
            None => {
                let mut highlighter = highlighter;
                tasks
                    .into_iter()
                    .map(|hit| build(&mut highlighter, hit))
                    .collect()
            }
        };
        Ok(built.into_iter().collect::<tantivy::Result<Vec<Hit>>>()?)
    }

    /// The hit columns of `searcher`'s snapshot; a long-lived engine's
    /// decode their dictionaries (see [`page`]).
    fn page_columns(&self, searcher: &Searcher) -> std::sync::Arc<PageColumns> {
        self.page_columns
            .get_or(searcher, || PageColumns::new(self.long_lived))
    }

    /// Every decision with this case reference (any published spelling),
    /// re-parsed from its stored text. Usually one; more when two files
    /// carry the same reference.
    pub fn decisions_by_ref(&self, case_ref: &str) -> Result<Vec<Decision>, SearchError> {
        let norm = crate::caseref::normalise(case_ref)
            .ok_or_else(|| SearchError::bad_case_ref(case_ref))?;
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.case_ref, &norm),
            IndexRecordOption::Basic,
        );
        let addrs = searcher.search(&query, &TopDocs::with_limit(100).order_by_score())?;
        let columns = self.page_columns(&searcher);
        let mut out = Vec::new();
        for (_, addr) in addrs {
            if let Some(d) = columns.decision(&searcher, &self.fields, addr)? {
                out.push(d);
            }
        }
        Ok(out)
    }
}

/// Indexes for the search module's unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::generate::{GenerateOptions, write_corpus};
    use crate::indexer::{self, IndexOptions};
    use indicatif::ProgressBar;
    use std::path::PathBuf;

    /// `docs` generated decisions (seed `seed`) indexed in a temporary
    /// folder, committed every `commit_every` documents (so in several
    /// segments when fewer than `docs`). Returns the folder (removed when
    /// dropped) and the index path.
    pub fn generated_index(
        docs: u64,
        seed: u64,
        commit_every: usize,
    ) -> anyhow::Result<(tempfile::TempDir, PathBuf)> {
        let dir = tempfile::tempdir()?;
        let corpus = dir.path().join("corpus");
        let index = dir.path().join("index");
        write_corpus(
            &GenerateOptions::new(docs, seed, &corpus),
            &ProgressBar::hidden(),
        )?;
        let mut opts = IndexOptions::new(&corpus, &index);
        opts.commit_every_docs = commit_every;
        indexer::build(&opts, &ProgressBar::hidden())?;
        Ok((dir, index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_as_typed() {
        let day = |s: &str, end| parse_date("date", s, end).map(|d| d.to_string());
        let (start, end) = (DateEnd::Start, DateEnd::End);
        for (typed, first, last) in [
            ("2024-10-31", "2024-10-31", "2024-10-31"),
            (" 31/10/2024 ", "2024-10-31", "2024-10-31"),
            ("1/2/2024", "2024-02-01", "2024-02-01"),
            ("2024-02", "2024-02-01", "2024-02-29"),
            ("2023-2", "2023-02-01", "2023-02-28"),
            ("2024", "2024-01-01", "2024-12-31"),
        ] {
            assert_eq!(day(typed, start).ok().as_deref(), Some(first), "{typed}");
            assert_eq!(day(typed, end).ok().as_deref(), Some(last), "{typed}");
        }
        let why = |s: &str| match parse_date("date", s, DateEnd::Start) {
            Err(SearchError::BadValue { expected, .. }) => expected,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(
            why("2023-02-29"),
            "a day of the calendar: February 2023 has 28 days"
        );
        assert_eq!(
            why("31/04/2024"),
            "a day of the calendar: April 2024 has 30 days"
        );
        assert_eq!(why("2024-13"), "a month from 1 to 12");
        for typed in [
            "",
            "24",
            "2024-10-31T00",
            "31/10/24",
            "2024/10/31",
            "10-2024",
            "2024-10-",
            "2024--10",
            "yesterday",
            "2024-1o-01",
            "+2024",
        ] {
            assert!(why(typed).starts_with("a day such as"), "{typed}");
        }
    }

    /// The totals of `queries` with facets (every match visited), without
    /// (a word counted off its term's document frequency) and for a count
    /// alone: all must agree.
    fn totals_agree(engine: &Engine, queries: &[&str]) -> anyhow::Result<()> {
        for query in queries {
            let visited = engine.search(&SearchRequest::new(*query))?.total;
            let top10 = SearchRequest {
                snippets: false,
                facets: false,
                ..SearchRequest::new(*query)
            };
            let counted = engine.search(&top10)?.total;
            let alone = SearchRequest { limit: 0, ..top10 };
            assert_eq!(counted, visited, "{query}");
            assert_eq!(engine.search(&alone)?.total, visited, "{query}");
        }
        Ok(())
    }

    /// A word counted by its term alone counts what the full answer visits,
    /// in segments with deleted decisions too (there tantivy visits them).
    #[test]
    fn a_word_counted_by_its_term_counts_every_match() -> anyhow::Result<()> {
        let queries = [
            "council",
            "school",
            "Ofsted",
            "summary:council",
            "final:upheld",
            "zzzunknownword",
            "low-priority",
            "school OR care",
        ];
        let (_dir, path) = testing::generated_index(300, 5, 100)?;
        let before = Engine::open_snapshot(&path)?;
        let schools = before.search(&SearchRequest::new("school"))?.total;
        let councils = before.search(&SearchRequest::new("council"))?.total;
        assert!(schools > 0 && councils > schools, "{schools} {councils}");
        totals_agree(&before, &queries)?;
        drop(before);

        let index::Writable { index, fields, .. } = index::open_for_rebuild(&path)?;
        let mut writer = index.writer_with_num_threads::<tantivy::TantivyDocument>(1, 15 << 20)?;
        writer.delete_term(tantivy::Term::from_field_text(
            fields.text.stemmed,
            "school",
        ));
        writer.commit()?;
        drop(writer);
        let after = Engine::open_snapshot(&path)?;
        let searcher = after.reader.searcher();
        assert!(searcher.segment_readers().iter().any(|r| r.has_deletes()));
        assert_eq!(after.search(&SearchRequest::new("school"))?.total, 0);
        let left = after.search(&SearchRequest::new("council"))?.total;
        assert!(left < councils, "{left} of {councils}");
        totals_agree(&after, &queries)
    }

    /// A request's filters narrow the work a search expects: a council's
    /// filter on a word in every decision expects that council's decisions,
    /// a date range its share of the index's span of dates; both together,
    /// the mean of the narrower one's decisions (the candidates) and the
    /// product of their shares (the matches).
    #[test]
    fn filters_narrow_the_expected_documents() -> anyhow::Result<()> {
        let (_dir, index) = testing::generated_index(300, 5, 100)?;
        let engine = Engine::open_snapshot(&index)?;
        let answer = engine.search(&SearchRequest::new("council"))?;
        let largest = &answer.facets.authority[0];
        let searcher = engine.reader.searcher();
        let vocabularies = engine.vocabularies.current(&searcher);
        let tree = syntax::parse("council")?;
        let compiler = || Compiler::new(&engine.fields, &searcher, &vocabularies);

        let mut plain = compiler();
        let all = plain.expected(&tree);
        assert_eq!(all, answer.total as u64);

        let mut by_council = compiler();
        let council = [largest.value.clone()];
        by_council.request_filters(&council, Compiler::council)?;
        let expected = by_council.expected(&tree);
        let (got, want) = (expected as f64, largest.count as f64 * all as f64 / 300.0);
        assert!((got - want).abs() <= 1.0, "{got} against {want}");

        // The generated decisions are dated 2013 to 2025: a third of the
        // span expects about a third of them, and none beyond it.
        let date = |s: &str| parse_date("date", s, DateEnd::Start);
        let mut by_date = compiler();
        by_date.request_dates(Some(date("2017-01-01")?), Some(date("2020-12-31")?))?;
        let third = by_date.expected(&tree) as f64 / all as f64;
        assert!((0.2..0.45).contains(&third), "{third}");
        let mut later = compiler();
        later.request_dates(Some(date("2040-01-01")?), None)?;
        assert_eq!(later.expected(&tree), 0);

        let mut both = compiler();
        both.request_filters(&council, Compiler::council)?;
        both.request_dates(Some(date("2017-01-01")?), Some(date("2020-12-31")?))?;
        let matches = third * expected as f64;
        let candidates = (expected as f64).min(third * all as f64);
        let mean = (matches + candidates) / 2.0;
        let got = both.expected(&tree) as f64;
        assert!((got - mean).abs() <= 1.0, "{got} against {mean}");
        assert!(got < candidates, "{got} of {candidates}");
        Ok(())
    }

    /// A page built on two threads is the page built on one: the same hits
    /// with the same snippets, ranked in order from the offset.
    #[test]
    fn a_page_shared_between_threads_is_the_page_built_on_one() -> anyhow::Result<()> {
        let (_dir, index) = testing::generated_index(200, 3, 10_000)?;
        let mut engine = Engine::open_snapshot(&index)?;
        engine.pool = Some(rayon::ThreadPoolBuilder::new().num_threads(1).build()?);
        let searcher = engine.reader.searcher();
        let pool = engine.pool.as_ref();
        for (query, offset) in [("council", 0), ("\"the council\"", 3), ("care", 7)] {
            let req = SearchRequest {
                offset,
                ..SearchRequest::new(query)
            };
            let tree = syntax::parse(query)?;
            let vocabularies = engine.vocabularies.current(&searcher);
            let mut compiler = Compiler::new(&engine.fields, &searcher, &vocabularies);
            let compiled = compiler.compile(&tree)?.expect("words to search for");
            let top = TopDocs::with_limit(10).and_offset(offset);
            let page = searcher.search(&*compiled, &top.order_by_score())?;
            assert_eq!(page.len(), 10, "{query}: a full page");
            let highlighter = Highlighter::new(compiler.patterns.clone());
            let alone = Run {
                searcher: &searcher,
                pool: None,
                cut: Cut::Segments,
            };
            let shared = Run { pool, ..alone };
            let one = engine.hits(alone, page.clone(), offset, Some(highlighter.clone()))?;
            let two = engine.hits(shared, page, offset, Some(highlighter))?;
            assert_eq!(two, one, "{query}");
            let ranks: Vec<usize> = two.iter().map(|h| h.rank).collect();
            assert_eq!(ranks, (offset + 1..=offset + 10).collect::<Vec<_>>());
            assert!(two.iter().all(|h| !h.snippets.is_empty()), "{query}");
            // And the engine's own answer is that page.
            assert_eq!(engine.search(&req)?.hits, one, "{query}");
        }
        Ok(())
    }
}
