//! The command line, declared with clap's derive API. No logic lives here:
//! each subcommand's arguments are handed to its function in `commands`.

use crate::render::Format;
use crate::search::Sort;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Fast, exact, faceted full-text search over published decisions of the
/// Local Government and Social Care Ombudsman.
#[derive(Debug, Parser)]
#[command(name = "ombudsearch", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Bring the index up to date with a folder of decisions (only new and
    /// changed files are read; `--rebuild` for a full rebuild).
    Index(IndexArgs),
    /// Reconcile corpus and index: report drift, exit 1 when there is any.
    Check(CheckArgs),
    /// Search the decisions; builds the index from ./corpus on first use.
    Search(SearchArgs),
    /// Show decisions by case reference (23 018 551, 23018551 or 23-018-551).
    Show(ShowArgs),
    /// Count decisions by outcome, category, council, year or citation.
    Facets(FacetsArgs),
    /// Measure query latency: a query set, top-10 only and the full answer.
    Bench(BenchArgs),
    /// Serve the JSON API and the search page over HTTP (loopback by default).
    Serve(ServeArgs),
    /// Write a deterministic synthetic corpus of realistic decisions.
    Generate(GenerateArgs),
}

/// Where the index is.
#[derive(Debug, Args, Clone)]
pub struct IndexDir {
    /// The index folder.
    #[arg(long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The folder of decisions, one per file (searched recursively).
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub index: IndexDir,
    /// Memory budget of the index writer, in MiB (raised to 15 and lowered to
    /// 4,000 per indexing thread if outside).
    #[arg(long, value_name = "MB", default_value_t = 256)]
    pub memory_mb: usize,
    /// Skip files larger than this many MiB (at least 1).
    #[arg(long, value_name = "MB", default_value_t = 16, value_parser = at_least_one::<u64>)]
    pub max_file_mb: u64,
    /// Exit with status 1 when any file is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Ignore what is indexed: rebuild everything, replaced in one commit.
    #[arg(long)]
    pub rebuild: bool,
    /// Commit progress after this many documents (a killed run keeps it).
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = at_least_one::<usize>)]
    pub commit_every: usize,
    /// Commit progress after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = at_least_one::<u64>)]
    pub commit_secs: u64,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The folder of decisions.
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub index: IndexDir,
    /// Files larger than this many MiB are not decisions (as for `index`).
    #[arg(long, value_name = "MB", default_value_t = 16, value_parser = at_least_one::<u64>)]
    pub max_file_mb: u64,
}

/// Narrowing a search (shared by `search` and `facets`). A filter given
/// twice lets through a decision matching either value.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only this council or body; forgiving: `cambridgeshire` finds Cambridgeshire County Council. Repeat for any of several: --council leeds --council york.
    #[arg(long, value_name = "NAME")]
    pub council: Vec<String>,
    /// Only this category: `Education` or `Education > School admissions` (repeat for any of several).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Vec<String>,
    /// Only this outcome: `Upheld`, `Not upheld`, `Closed after initial enquiries` (or a prefix: `closed`; repeat for any of several).
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: Vec<String>,
    /// Only decisions dated on or after this day: 2024-10-31 or 31/10/2024;
    /// a month (2024-10) or a year (2024) starts on its first day.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only decisions dated on or before this day; a month or a year ends
    /// on its last day (--since 2024 --until 2024 is the whole year).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only decisions citing this provision: a key (`Local Government Act 1974 s.26(6)`) or a prefix (`s.26(6)`, `Care Act 2014`; repeat for any of several).
    #[arg(long, value_name = "CITATION")]
    pub cites: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words (all must match), "exact phrases", "phrase"~N,
    /// OR, NOT or -word, (groups), field:term (text summary complaint reasons
    /// final council outcome category cites ref year). Empty: every decision.
    /// A query starting with - goes after `--`: search -- "-parking fines".
    #[arg(value_name = "QUERY", default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub index: IndexDir,
    /// Corpus to build the index from when the index folder holds none.
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Order of hits.
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub sort: Sort,
    /// Hits to show (at most 1000 a page; --all for every one).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (for the next page).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Every matching decision (after --offset), not a page: to export a
    /// whole search, as in --all --format csv > decisions.csv.
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The case reference, in any published spelling (quotes not needed
    /// for `23 018 551`); several references show several decisions.
    #[arg(value_name = "REF", required = true, num_args = 1..)]
    pub case_refs: Vec<String>,
    #[command(flatten)]
    pub index: IndexDir,
    /// Output format: text, json (an object for one reference naming one
    /// decision, else a list), or csv (a row per decision, a column per
    /// field).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// A facet to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FacetField {
    Outcome,
    Category,
    #[value(alias = "authority")]
    Council,
    Year,
    #[value(alias = "cites")]
    Citation,
}

#[derive(Debug, Args)]
pub struct FacetsArgs {
    /// The facet to count.
    #[arg(value_enum)]
    pub field: FacetField,
    /// Count only decisions matching this query (default: all; it may
    /// start with -, as in -q -council:leeds).
    #[arg(
        long,
        short,
        value_name = "QUERY",
        default_value = "",
        allow_hyphen_values = true
    )]
    pub query: String,
    #[command(flatten)]
    pub index: IndexDir,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Show at most this many values, most frequent first (default: all).
    #[arg(long, value_parser = at_least_one::<usize>)]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Query file: one query per line, optionally `[class] query --filter value`.
    #[arg(long, value_name = "FILE", default_value = "benches/queries.txt")]
    pub queries: PathBuf,
    #[command(flatten)]
    pub index: IndexDir,
    /// Timed runs of each query (per answer form), at least 1.
    #[arg(long, default_value_t = 20, value_parser = at_least_one::<usize>)]
    pub repeat: usize,
    /// Untimed runs of each query first.
    #[arg(long, default_value_t = 3)]
    pub warmup: usize,
    /// Output format: text, json, or csv (a row per query).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub index: IndexDir,
    /// Corpus to build the index from when the index folder holds none.
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Address to listen on. The default is reachable from this machine
    /// only; `0.0.0.0:7700` opens it to the network. A port alone (`8080`)
    /// or `localhost:8080` is this machine's. Port 0 picks a free port.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:7700", value_parser = listen_addr)]
    pub addr: SocketAddr,
    /// Stop any request that takes longer than this many seconds (at
    /// least 1).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = at_least_one::<u64>)]
    pub timeout: u64,
}

/// `ombudsearch generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of decisions to write (at least 1).
    #[arg(long, value_name = "N", value_parser = at_least_one::<u64>)]
    pub count: u64,
    /// Seed: the same seed always gives the same files.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Output folder (files go in shard folders of 1000).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Layout: plain text, web page, or mixed (about 15% web page).
    #[arg(long, value_enum, default_value_t = crate::generate::Layout::Mixed)]
    pub layout: crate::generate::Layout,
    /// Write into a non-empty folder that is not a generated corpus.
    #[arg(long)]
    pub force: bool,
}

/// An address to listen on: `IP:PORT`, `localhost:PORT` or a port alone
/// (both meaning 127.0.0.1, never the network by accident).
fn listen_addr(s: &str) -> Result<SocketAddr, String> {
    let loopback = |port: &str| {
        port.parse::<u16>()
            .map(|p| SocketAddr::from(([127, 0, 0, 1], p)))
    };
    let local_port = s
        .strip_prefix("localhost:")
        .or_else(|| s.strip_prefix(':'))
        .unwrap_or(s);
    s.parse::<SocketAddr>()
        .or_else(|_| loopback(local_port))
        .map_err(|_| {
            format!(
                "expected an address such as 127.0.0.1:7700, 0.0.0.0:7700 (the network) or a port such as 7700, not '{s}'"
            )
        })
}

/// A count of one or more (`bench --repeat`, `serve --timeout`,
/// `generate --count`, `index --commit-every`, a file-size limit): zero
/// would mean nothing at all, or a commit after every document.
fn at_least_one<N: std::str::FromStr + PartialOrd + From<u8>>(s: &str) -> Result<N, String> {
    match s.parse::<N>() {
        Ok(n) if n >= N::from(1) => Ok(n),
        _ => Err(format!("expected a whole number of at least 1, not '{s}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_as_people_type_them() {
        let local = |p| SocketAddr::from(([127, 0, 0, 1], p));
        assert_eq!(listen_addr("127.0.0.1:7700"), Ok(local(7700)));
        assert_eq!(listen_addr("8080"), Ok(local(8080)));
        assert_eq!(listen_addr(":8080"), Ok(local(8080)));
        assert_eq!(listen_addr("localhost:0"), Ok(local(0)));
        assert_eq!(
            listen_addr("0.0.0.0:7700"),
            Ok(SocketAddr::from(([0, 0, 0, 0], 7700)))
        );
        assert!(listen_addr("[::1]:7700").is_ok());
        for bad in [
            "",
            "nonsense",
            "127.0.0.1:99999",
            "localhost",
            "70000",
            "example.org:80",
        ] {
            let err = listen_addr(bad).unwrap_err();
            assert!(err.contains("such as 127.0.0.1:7700"), "{bad}: {err}");
        }
    }

    #[test]
    fn zero_is_refused_where_it_would_mean_nothing() {
        assert_eq!(at_least_one::<u64>("3"), Ok(3));
        assert!(at_least_one::<u64>("0").unwrap_err().contains("at least 1"));
        assert!(at_least_one::<usize>("-1").is_err());
    }
}
