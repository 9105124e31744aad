//! One function per subcommand: arguments → library calls → rendered output.
//!
//! Commands never choose an exit code: they return a [`Status`] or an error,
//! and `main` maps those (see [`exit_code`]).

mod bench;
mod check;
mod facets;
mod generate;
mod index;
mod search;
mod serve;
mod show;

use crate::bench::QueryFileError;
use crate::cli::{Cli, Command, FilterArgs};
use crate::render::Style;
use crate::search::{SearchError, SearchRequest};
use std::io::{IsTerminal, Write};

/// How a command that ran to the end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Did what was asked.
    Success,
    /// Ran, but the result is a failure the user asked to hear about:
    /// `index --strict` with rejected files, `show` of an unknown reference,
    /// `check` finding drift.
    Failure,
}

/// Runs the command line.
pub fn run(cli: Cli) -> anyhow::Result<Status> {
    match cli.command {
        Command::Index(a) => index::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Search(a) => search::run(&a),
        Command::Show(a) => show::run(&a),
        Command::Facets(a) => facets::run(&a),
        Command::Bench(a) => bench::run(&a),
        Command::Serve(a) => serve::run(&a),
        Command::Generate(a) => generate::run(&a),
    }
}

/// The process exit code for a command's result: 0 success (a closed pipe
/// counts as success), 1 failure, 2 a bad query or bad value (in a query
/// file too).
pub fn exit_code(result: &anyhow::Result<Status>) -> u8 {
    match result {
        Ok(Status::Success) => 0,
        Ok(Status::Failure) => 1,
        Err(e) if is_broken_pipe(e) => 0,
        Err(e) if is_user_error(e) => 2,
        Err(_) => 1,
    }
}

fn is_user_error(e: &anyhow::Error) -> bool {
    e.downcast_ref::<SearchError>()
        .is_some_and(SearchError::is_user_error)
        || e.downcast_ref::<QueryFileError>()
            .is_some_and(QueryFileError::is_user_error)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Ends a one-shot command's use of `engine` without closing it. The
/// process exits next; closing would unmap each of the index's files in
/// turn (six per segment), taking longer than a typical search, whereas the
/// kernel releases them all at once at exit. Only for commands that exit.
fn leave_to_exit(engine: crate::search::Engine) {
    std::mem::forget(engine);
}

/// A search's notes (a council filter that matched several councils, a
/// page past the last match) where a person sees them, for the formats
/// whose standard output holds only data.
fn notes_to_stderr(notes: &[String]) {
    for note in notes {
        eprintln!("note: {note}");
    }
}

/// Standard output, buffered, with bold text when it is a terminal.
fn stdout() -> (impl Write, Style) {
    let out = std::io::stdout();
    let style = Style {
        bold: out.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    (std::io::BufWriter::new(out.lock()), style)
}

/// A request for `query` narrowed by `filters`.
fn request(query: &str, filters: &FilterArgs) -> SearchRequest {
    SearchRequest {
        query: query.to_string(),
        council: filters.council.clone(),
        category: filters.category.clone(),
        outcome: filters.outcome.clone(),
        since: filters.since.clone(),
        until: filters.until.clone(),
        cites: filters.cites.clone(),
        ..SearchRequest::default()
    }
}
