//! `ombudsearch show REF`: one decision, field by field.

use super::{Status, stdout};
use crate::cli::ShowArgs;
use crate::render::{self, Format, json::DecisionJson};
use crate::search::Engine;
use std::io::Write;

pub(super) fn run(a: &ShowArgs) -> anyhow::Result<Status> {
    let engine = Engine::open_snapshot(&a.index.index)?;
    let found = engine.decisions_by_ref(&a.case_ref)?;
    if found.is_empty() {
        eprintln!(
            "no decision with reference {} in {}",
            a.case_ref,
            a.index.index.display()
        );
        return Ok(Status::Failure);
    }
    let (mut out, style) = stdout();
    let all: Vec<DecisionJson> = found.iter().map(DecisionJson::new).collect();
    match a.format {
        Format::Json if all.len() == 1 => render::json::write(&mut out, &all[0])?,
        Format::Json => render::json::write(&mut out, &all)?,
        Format::Csv => render::csv::decisions(&mut out, &all)?,
        Format::Text => {
            for (i, d) in found.iter().enumerate() {
                if i > 0 {
                    writeln!(out, "\n{}\n", "=".repeat(60))?;
                }
                render::text::decision(&mut out, d, style)?;
            }
        }
    }
    out.flush()?;
    super::leave_to_exit(engine);
    Ok(Status::Success)
}
