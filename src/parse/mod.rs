//! Decision text → [`Decision`].
//!
//! The parser reads both published layouts (FORMAT.md §1): the plain-text
//! form (one line per paragraph, `- ` markers, no blank lines) and the
//! web-page form (blank lines, `  1.` numbering, `  • ` bullets,
//! `Back to top`, `Print this page`, cookie text). Both give the same
//! fields. Steps:
//!
//! 1. `page`: split lines (LF/CRLF), find where the decision starts (title,
//!    bare-reference title with header fields, or the final-decision line)
//!    and cut page furniture; the rest is `full_text`, otherwise unchanged.
//! 2. `items`: normalise lines into paragraphs/list items/bare lines.
//! 3. `header`: title, `Category`/`Decision`/`Decision date`, the
//!    `The Ombudsman's final decision:` line and `Summary:`.
//! 4. `sections`: headings, section bodies and the closing line.
//! 5. `amount` and [`crate::citation`] over `full_text`.
//!
//! Submodules: `date` (header/listing dates), `amount` (sums of money).
//!
//! Choices worth knowing:
//! - Section bodies: one item per line, markers (`- `, `1.`, `•`) stripped,
//!   `Back to top` and blank lines dropped, indented wrapped lines joined
//!   with a space (see `items`). `reasons` includes the heading lines of
//!   the sections it spans; `complaint` includes the heading of a
//!   `What I have investigated` section, but not `The complaint` itself.
//! - `What I have (and have not) investigated` goes to `complaint` when it
//!   comes before the role-and-powers section, else to `reasons`
//!   (as documented on [`Decision::complaint`]).
//! - Text between the summary and the first heading goes to the start of
//!   `reasons`.
//! - Summary form (no final-decision line, no `Summary:`): the description
//!   paragraph after the header fields is the `summary`; the `The complaint`
//!   section (outcome sentence, remedy, `Ombudsman satisfied…` line) goes to
//!   `reasons` with its heading; `complaint` stays `None`.
//! - A repeated closing line (once with `’`, once with `'`) is kept once:
//!   the last one with the straight apostrophe, else the first. The closing
//!   pattern also accepts `Ombudsmen` and a final full stop.
//! - Header fields: the first of each kind wins; an unparsable date gives
//!   `decision_date: None` without rejecting the decision.

mod amount;
mod date;
mod header;
mod items;
mod page;
mod sections;
#[cfg(test)]
mod tests;

pub use amount::find_amounts;
pub use date::parse_date;
pub use sections::{Kind as SectionKind, heading_kind};

use crate::decision::{Category, Decision, Outcome, SectionSpan, Spanned};
use header::Field;
use items::Item;
use jiff::civil::Date;
use std::ops::Range;

/// Why a text is not a decision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text is empty or only whitespace.
    #[error(
        "empty text: expected a decision starting with a title line like 'Cambridgeshire County Council (23 018 551)' or 'The Ombudsman's final decision'"
    )]
    Empty,
    /// The text has no decision header.
    #[error(
        "no decision header: expected a first line like 'Cambridgeshire County Council (23 018 551)' or 'The Ombudsman's final decision'"
    )]
    NoHeader,
}

/// Parses one decision's text. `path` is recorded in [`Decision::path`].
///
/// Accepts anything with a decision header (a title line with a reference,
/// a bare-reference title followed by header fields, or a `The Ombudsman's
/// final decision` line) and fills whatever fields it has; missing fields are
/// `None`. Never panics; linear in the length of `text`.
pub fn parse(text: &str, path: &str) -> Result<Decision, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let raw_lines = page::split_lines(text);
    let start = page::find_start(&raw_lines).ok_or(ParseError::NoHeader)?;
    let (from, to) = page::decision_span(text, &raw_lines, start);
    let full_text = text.get(from..to).unwrap_or_default().to_string();

    let lines = page::split_lines(&full_text);
    let items = items::items(lines.iter().map(|l| l.text));
    let head = read_header(&items);
    let body = items.get(head.body_start..).unwrap_or_default();
    let sections = sections::assemble(body, head.summary_form);
    let spans = spans(&head, &sections.spans, &items, &lines);

    Ok(Decision {
        authority: head.authority,
        case_ref: head.case_ref,
        category: head.category,
        outcome: head.outcome,
        decision_date: head.decision_date,
        summary: head.summary,
        complaint: sections.complaint,
        role_and_powers: sections.role_and_powers,
        reasons: sections.reasons,
        final_decision: sections.final_decision,
        decided_by: sections.decided_by,
        headings: sections.headings,
        citations: crate::citation::extract(&full_text),
        amounts: amount::find_amounts(&full_text),
        spans,
        full_text,
        path: path.to_string(),
    })
}

/// Where the sections lie: the summary's item, then the `runs` of body
/// items (indices from `head.body_start`), each as the bytes from the
/// start of its first line to the end of its last.
fn spans(
    head: &Head,
    runs: &[(Spanned, Range<usize>)],
    items: &[Item],
    lines: &[page::Line<'_>],
) -> Vec<SectionSpan> {
    let summary = head.summary_item.map(|i| (Spanned::Summary, i..i + 1));
    let body = runs.iter().map(|(section, run)| {
        let start = head.body_start + run.start;
        (*section, start..head.body_start + run.end)
    });
    summary
        .into_iter()
        .chain(body)
        .filter_map(|(section, run)| {
            let first = lines.get(items.get(run.start)?.line)?;
            let last = lines.get(items.get(run.end.checked_sub(1)?)?.last_line)?;
            Some(SectionSpan {
                section,
                start: first.start,
                end: last.start + last.text.len(),
            })
        })
        .collect()
}

/// What the header part of the items gave.
#[derive(Debug, Default)]
struct Head {
    authority: Option<String>,
    case_ref: Option<String>,
    category: Option<Category>,
    outcome: Option<Outcome>,
    decision_date: Option<Date>,
    summary: Option<String>,
    /// The index of the item the summary was read from.
    summary_item: Option<usize>,
    /// No final-decision line and no `Summary:`: the description paragraph
    /// after the header fields was taken as the summary.
    summary_form: bool,
    /// Index of the first body item.
    body_start: usize,
}

/// Reads the title, header fields, final-decision line and summary from the
/// first items. A table of contents between title and body is skipped.
fn read_header(items: &[Item]) -> Head {
    let mut head = Head::default();
    let mut i = 0;
    if let Some(first) = items.first() {
        if let Some(title) = header::parse_title(&first.text) {
            head.authority = title.authority;
            head.case_ref = Some(title.case_ref);
            i = 1;
        } else if let Some(r) = header::bare_reference(&first.text) {
            head.case_ref = Some(r);
            i = 1;
        }
    }
    let mut has_fields = false;
    let mut final_line = false;
    while let Some(item) = items.get(i) {
        if let Some(field) = (!item.marked)
            .then(|| header::parse_field(&item.text))
            .flatten()
        {
            has_fields = true;
            apply_field(&mut head, field);
            i += 1;
        } else if let Some(rest) = (!item.marked)
            .then(|| header::final_decision_rest(&item.text))
            .flatten()
        {
            final_line = true;
            i += 1;
            if let Some(text) = header::summary_text(rest) {
                i = take_summary(&mut head, text, items, i);
            }
            break;
        } else if let Some(n) = toc_run(&items[i..]) {
            i += n;
        } else {
            break;
        }
    }
    if head.summary.is_none() {
        if let Some(text) = items
            .get(i)
            .filter(|it| !it.marked)
            .and_then(|it| header::summary_text(&it.text))
        {
            i = take_summary(&mut head, text, items, i + 1);
        } else if let Some(desc) = items
            .get(i)
            .filter(|it| !final_line && has_fields && is_plain_paragraph(it))
        {
            // Summary form: the description paragraph after the fields.
            head.summary = Some(desc.text.clone());
            head.summary_item = Some(i);
            head.summary_form = true;
            i += 1;
        }
    }
    head.body_start = i;
    head
}

/// Records one header field (the first of each kind wins).
fn apply_field(head: &mut Head, field: Field) {
    match field {
        Field::Category(c) => {
            head.category.get_or_insert(c);
        }
        Field::Outcome(o) => {
            head.outcome.get_or_insert(o);
        }
        Field::Date(d) => {
            if head.decision_date.is_none() {
                head.decision_date = d;
            }
        }
    }
}

/// Stores the summary: `text` (read from the item before `next`) when not
/// empty, else the next item when it is a plain paragraph. Returns the
/// index of the first item after it.
fn take_summary(head: &mut Head, text: &str, items: &[Item], next: usize) -> usize {
    if !text.is_empty() {
        head.summary = Some(text.to_string());
        head.summary_item = next.checked_sub(1);
        return next;
    }
    match items.get(next).filter(|it| is_plain_paragraph(it)) {
        Some(it) => {
            head.summary = Some(it.text.clone());
            head.summary_item = Some(next);
            next + 1
        }
        None => next,
    }
}

/// Neither a heading nor a closing line.
fn is_plain_paragraph(item: &Item) -> bool {
    sections::item_heading(item).is_none() && !header::is_closing_line(&item.text)
}

/// The length of a table-of-contents run at the start of `items`: canonical
/// heading texts that are list items (`- The complaint`), or two or more
/// bare ones in a row. `None` when `items` does not start with one.
fn toc_run(items: &[Item]) -> Option<usize> {
    let run = items
        .iter()
        .take_while(|it| sections::heading_kind(&it.text).is_some())
        .count();
    let marked = items.first().is_some_and(|it| it.marked);
    (run >= 2 || (run == 1 && marked)).then_some(run)
}
