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
    let mut counts = match a.field {
        FacetField::Outcome => resp.facets.outcome,
        FacetField::Category => resp.facets.category,
        FacetField::Council => resp.facets.authority,
        FacetField::Year => resp.facets.year,
        FacetField::Citation => resp.facets.citation,
    };
    let values = counts.len();
    if let Some(n) = a.limit {
        counts.truncate(n);
    }
    let (mut out, _) = stdout();
    if a.format != Format::Text {
        // The data alone on standard output, the notes beside it.
        super::notes_to_stderr(&resp.notes);
    }
    match a.format {
        Format::Text => {
            render::text::facet_header(&mut out, resp.total, counts.len(), values, &resp.notes)?;
            render::text::facet_table(&mut out, &counts)?;
        }
        Format::Json => render::json::write(&mut out, &counts)?,
        Format::Csv => render::csv::facet(&mut out, &counts)?,
    }
    out.flush()?;
    super::leave_to_exit(engine);
    Ok(Status::Success)
}
