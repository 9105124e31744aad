//! `ombudsearch facets FIELD`: counts of one facet over all (or matching)
//! decisions.

use super::{Status, request, stdout};
use crate::cli::{FacetField, FacetsArgs};
use crate::render::{self, Format};
use crate::search::Engine;
use std::io::Write;

pub(super) fn run(a: &FacetsArgs) -> anyhow::Result<Status> {
    let engine = Engine::open_snapshot(&a.index.index)?;
    let mut req = request(&a.query, &a.filters);
    req.limit = 0;
    req.snippets = false;
    req.facet_top = None;
    let resp = engine.search(&req)?;
    let f = resp.facets;
    let mut counts = match a.field {
        FacetField::Outcome => f.outcome,
        FacetField::Category => f.category,
        FacetField::Council => f.authority,
        FacetField::Year => f.year,
        FacetField::Citation => f.citation,
    };
    if let Some(n) = a.limit {
        counts.truncate(n);
    }
    let (mut out, _) = stdout();
    match a.format {
        Format::Text => render::text::facet_table(&mut out, &counts)?,
        Format::Json => render::json::write(&mut out, &counts)?,
        Format::Csv => render::csv::facet(&mut out, &counts)?,
    }
    out.flush()?;
    super::leave_to_exit(engine);
    Ok(Status::Success)
}
