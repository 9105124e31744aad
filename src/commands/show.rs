//! `ombudsearch show REF...`: decisions by case reference, field by field.
//!
//! References may be typed unquoted with their spaces (`show 23 018 551`);
//! one not in the index is named on standard error and makes the exit
//! status 1, the others are still shown.

use super::{Status, stdout};
use crate::caseref;
use crate::cli::ShowArgs;
use crate::render::{self, Format, json::DecisionJson};
use crate::search::{Engine, SearchError};
use std::io::Write;

pub(super) fn run(a: &ShowArgs) -> anyhow::Result<Status> {
    let typed = a.case_refs.join(" ");
    let mut refs =
        caseref::normalise_list(&typed).map_err(|word| SearchError::bad_case_ref(&word))?;
    // A reference typed twice (in two spellings, say) is shown once.
    let mut seen = std::collections::HashSet::new();
    refs.retain(|r| seen.insert(r.clone()));
    let engine = Engine::open_snapshot(&a.index.index)?;
    let mut found = Vec::new();
    let mut missing = 0;
    for r in &refs {
        let decisions = engine.decisions_by_ref(r)?;
        if decisions.is_empty() {
            missing += 1;
            eprintln!(
                "no decision with reference {} in {}",
                caseref::display(r),
                a.index.index.display()
            );
        }
        found.extend(decisions);
    }
    if found.is_empty() {
        return Ok(Status::Failure);
    }
    let (mut out, style) = stdout();
    let all: Vec<DecisionJson> = found.iter().map(DecisionJson::new).collect();
    match a.format {
        // One reference, one decision: the object; otherwise a list.
        Format::Json if refs.len() == 1 && all.len() == 1 => {
            render::json::write(&mut out, &all[0])?
        }
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
    Ok(if missing == 0 {
        Status::Success
    } else {
        Status::Failure
    })
}
