//! `ombudsearch search`: answer a query, building the index on first use.

use super::{Status, request, stdout};
use crate::cli::SearchArgs;
use crate::index::IndexError;
use crate::manifest::RunInfo;
use crate::render::{self, Format};
use crate::search::{Engine, SearchError};
use crate::{corpus, index};
use std::path::Path;

/// How long an engine lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lifetime {
    /// One command: the index as it is now.
    OneShot,
    /// A server: follows new commits of the index.
    Serving,
}

/// Opens the index in `dir`; when there is none yet, or it was built by
/// another version of ombudsearch, builds it first (so a fresh clone's first
/// search, and the first after an upgrade, just work): a new index from
/// `corpus`, an index of another version from the folder it was built from
/// (its `meta.json` records it), never from another one.
pub(super) fn open_or_build(
    dir: &Path,
    corpus_dir: &Path,
    lifetime: Lifetime,
) -> anyhow::Result<Engine> {
    let open = || match lifetime {
        Lifetime::OneShot => Engine::open_snapshot(dir),
        Lifetime::Serving => Engine::open(dir),
    };
    let (why, from) = if !index::exists(dir) {
        ("No index", corpus_dir.to_path_buf())
    } else {
        match open() {
            Err(SearchError::Index(IndexError::Outdated { payload, .. })) => (
                "An index of another version",
                payload
                    .as_deref()
                    .and_then(RunInfo::from_payload)
                    .map_or_else(|| corpus_dir.to_path_buf(), |r| r.corpus),
            ),
            other => return Ok(other?),
        }
    };
    if !from.is_dir() {
        if !index::exists(dir) {
            anyhow::bail!(
                "no index in {}, and no folder {} to build one from: put the decision files in {} (or name their folder with --corpus DIR), or build an index with `ombudsearch index --corpus DIR --index {}`",
                dir.display(),
                from.display(),
                from.display(),
                dir.display()
            );
        }
        return Ok(open()?);
    }
    eprintln!(
        "{why} in {}: building it from {} (once)…",
        dir.display(),
        from.display()
    );
    super::index::build(&from, dir, 256, corpus::DEFAULT_MAX_FILE_BYTES >> 20)?;
    Ok(open()?)
}

pub(super) fn run(a: &SearchArgs) -> anyhow::Result<Status> {
    let engine = open_or_build(&a.index.index, &a.corpus, Lifetime::OneShot)?;
    let mut req = request(&a.query, &a.filters);
    req.sort = a.sort;
    req.limit = a.limit;
    req.offset = a.offset;
    req.snippets = a.format != Format::Csv || a.limit > 0 || a.all;
    let (mut out, style) = stdout();
    if a.all && a.format == Format::Csv {
        // Written a page at a time, so any number of rows fits in memory.
        let (first, rest) = engine.search_pages(&req)?;
        super::notes_to_stderr(&first.notes);
        let mut w = render::csv::search_writer(&mut out)?;
        render::csv::search_rows(&mut w, &first)?;
        for page in rest {
            render::csv::search_rows(&mut w, &page?)?;
        }
        w.flush()?;
    } else {
        let resp = if a.all {
            engine.search_all(&req)?
        } else {
            engine.search(&req)?
        };
        match a.format {
            Format::Text => render::text::search(&mut out, &resp, style)?,
            Format::Json => render::json::write(&mut out, &resp)?,
            Format::Csv => {
                super::notes_to_stderr(&resp.notes);
                render::csv::search(&mut out, &resp)?
            }
        }
    }
    std::io::Write::flush(&mut out)?;
    super::leave_to_exit(engine);
    Ok(Status::Success)
}
