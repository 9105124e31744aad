//! `ombudsearch bench`: run a query set against an index and report latency.

use super::{Status, stdout};
use crate::bench;
use crate::cli::BenchArgs;
use crate::render::{self, Format};
use crate::search::Engine;
use anyhow::Context;
use std::io::Write;

pub(super) fn run(a: &BenchArgs) -> anyhow::Result<Status> {
    let bytes = std::fs::read(&a.queries)
        .with_context(|| format!("cannot read query file {}", a.queries.display()))?;
    let queries = bench::query_file_text(&bytes)
        .and_then(bench::parse_query_file)
        .with_context(|| a.queries.display().to_string())?;
    let engine = Engine::open(&a.index.index)?;
    bench::check(&engine, &queries).with_context(|| a.queries.display().to_string())?;
    let report = bench::run(&engine, &queries, a.repeat, a.warmup)?;
    let (mut out, style) = stdout();
    match a.format {
        Format::Json => render::json::write(&mut out, &report)?,
        Format::Csv => render::csv::bench(&mut out, &report)?,
        Format::Text => render::text::bench(&mut out, &report, style)?,
    }
    out.flush()?;
    Ok(Status::Success)
}
