//! Sections (FORMAT §5): detected by heading, never by position. A heading
//! is an unmarked item whose text is one of the canonical headings, compared
//! ignoring case, apostrophe style (’ ' ‘) and Ombudsman/Ombudsmen. Other
//! bare lines (the `What I found` subheadings such as `What happened`) stay
//! inside the section text. This module also picks the closing line.

use super::header;
use super::items::Item;
use crate::decision::Spanned;
use std::ops::Range;

/// What a canonical heading stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `The complaint`.
    Complaint,
    /// `What I have (and have not) investigated` and kin.
    Investigated,
    /// `The Ombudsman’s role and powers`.
    RoleAndPowers,
    /// `How I considered this complaint`, `My assessment`, `What I found`,
    /// `Agreed action`, …: everything that goes to `reasons`.
    Reasons,
    /// `Final decision`.
    FinalDecision,
}

/// Canonical headings in normalised spelling (see [`normalise_heading`]).
const HEADINGS: &[(&str, Kind)] = &[
    ("the complaint", Kind::Complaint),
    ("what i have investigated", Kind::Investigated),
    ("what i have and have not investigated", Kind::Investigated),
    ("what i have not investigated", Kind::Investigated),
    ("what i have not investigated and why", Kind::Investigated),
    (
        "parts of the complaint that i did not investigate",
        Kind::Investigated,
    ),
    ("the ombudsman's role and powers", Kind::RoleAndPowers),
    ("how i considered this complaint", Kind::Reasons),
    ("my assessment", Kind::Reasons),
    ("what i found", Kind::Reasons),
    ("agreed action", Kind::Reasons),
    ("agreed actions", Kind::Reasons),
    ("conclusions", Kind::Reasons),
    ("final decision", Kind::FinalDecision),
];

/// Lower case, curly apostrophes to `'`, `ombudsmen` to `ombudsman`, runs of
/// whitespace (NBSP included) to one space, a trailing colon dropped.
pub fn normalise_heading(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.trim().trim_end_matches(':').split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '’' | '‘' | '`' => out.push('\''),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out.replace("ombudsmen", "ombudsman")
}

/// The kind of a canonical heading, or `None` for any other text.
pub fn heading_kind(text: &str) -> Option<Kind> {
    if text.len() > 80 {
        return None;
    }
    let norm = normalise_heading(text);
    HEADINGS.iter().find(|(h, _)| *h == norm).map(|(_, k)| *k)
}

/// The kind of an item that is a heading (unmarked and canonical).
pub fn item_heading(item: &Item) -> Option<Kind> {
    if item.marked {
        None
    } else {
        heading_kind(&item.text)
    }
}

/// The section fields read from the body items.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sections {
    pub headings: Vec<String>,
    pub complaint: Option<String>,
    pub role_and_powers: Option<String>,
    pub reasons: Option<String>,
    pub final_decision: Option<String>,
    pub decided_by: Option<String>,
    /// The items of `complaint`, `reasons` and `final_decision`, as runs of
    /// consecutive indices into the body items given to [`assemble`].
    pub spans: Vec<(Spanned, Range<usize>)>,
}

/// One heading (or the untitled preamble) with its body items: indices into
/// the body items.
struct Section {
    heading: Option<(usize, Kind)>,
    body: Vec<usize>,
}

/// The items of one section field, in order: their texts are joined into
/// the field, their indices give its [`Sections::spans`].
#[derive(Default)]
struct Field<'a> {
    texts: Vec<&'a str>,
    items: Vec<usize>,
}

impl<'a> Field<'a> {
    fn push(&mut self, items: &'a [Item], i: usize) {
        self.texts.push(items[i].text.as_str());
        self.items.push(i);
    }

    fn extend(&mut self, items: &'a [Item], indices: &[usize]) {
        for &i in indices {
            self.push(items, i);
        }
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Runs of consecutive item indices.
    fn runs(&self, section: Spanned, out: &mut Vec<(Spanned, Range<usize>)>) {
        let mut i = 0;
        while i < self.items.len() {
            let start = self.items[i];
            let mut end = start + 1;
            i += 1;
            while i < self.items.len() && self.items[i] == end {
                end += 1;
                i += 1;
            }
            out.push((section, start..end));
        }
    }
}

/// Splits the body items into sections and fills the fields.
///
/// `summary_form`: the page is the 2010–2017 summary form, whose
/// `The complaint` section holds the outcome sentence and remedy; its text
/// goes to `reasons` (with the heading), and `complaint` stays `None`.
///
/// Items before the first heading (other than what the header consumed) go
/// to the start of `reasons`. Sections stop at the first closing line;
/// see [`choose_closing`] for `decided_by`.
pub fn assemble(body: &[Item], summary_form: bool) -> Sections {
    let closing: Vec<&str> = body
        .iter()
        .filter(|i| !i.marked)
        .filter_map(|i| header::closing_line(&i.text))
        .collect();
    let end = body
        .iter()
        .position(|i| !i.marked && header::is_closing_line(&i.text))
        .unwrap_or(body.len());
    let sections = split(&body[..end]);
    let mut out = Sections {
        decided_by: choose_closing(&closing).map(str::to_string),
        ..Sections::default()
    };
    let mut complaint = Field::default();
    let mut role = Field::default();
    let mut reasons = Field::default();
    let mut final_decision = Field::default();
    let mut seen_role = false;
    for section in &sections {
        let Some((heading, kind)) = section.heading else {
            reasons.extend(body, &section.body);
            continue;
        };
        out.headings.push(body[heading].text.clone());
        match kind {
            Kind::Complaint if !summary_form => {
                if !complaint.is_empty() {
                    complaint.push(body, heading);
                }
                complaint.extend(body, &section.body);
            }
            Kind::Investigated if !seen_role => {
                complaint.push(body, heading);
                complaint.extend(body, &section.body);
            }
            Kind::RoleAndPowers => {
                seen_role = true;
                role.extend(body, &section.body);
            }
            Kind::FinalDecision => final_decision.extend(body, &section.body),
            _ => {
                reasons.push(body, heading);
                reasons.extend(body, &section.body);
            }
        }
    }
    complaint.runs(Spanned::Complaint, &mut out.spans);
    reasons.runs(Spanned::Reasons, &mut out.spans);
    final_decision.runs(Spanned::FinalDecision, &mut out.spans);
    out.complaint = join(&complaint.texts);
    out.role_and_powers = join(&role.texts);
    out.reasons = join(&reasons.texts);
    out.final_decision = join(&final_decision.texts);
    out
}

/// Groups items under headings. A run of three or more headings with no
/// text between them is a table of contents and is skipped.
fn split(items: &[Item]) -> Vec<Section> {
    let kinds: Vec<Option<Kind>> = items.iter().map(item_heading).collect();
    let mut sections = vec![Section {
        heading: None,
        body: Vec::new(),
    }];
    let mut i = 0;
    while i < items.len() {
        let run = kinds[i..].iter().take_while(|k| k.is_some()).count();
        if run >= 3 {
            i += run;
            continue;
        }
        match kinds[i] {
            Some(kind) => sections.push(Section {
                heading: Some((i, kind)),
                body: Vec::new(),
            }),
            None => {
                if let Some(last) = sections.last_mut() {
                    last.body.push(i);
                }
            }
        }
        i += 1;
    }
    sections
}

/// Lines joined with `\n`; `None` when there are none.
fn join(lines: &[&str]) -> Option<String> {
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Picks one closing line when the page repeats it (once with `’`, once
/// with `'`): the last one written with the straight apostrophe, else the
/// first one.
pub fn choose_closing<'a>(closing: &[&'a str]) -> Option<&'a str> {
    closing
        .iter()
        .rev()
        .find(|c| c.contains('\'') && !c.contains('’'))
        .or_else(|| closing.first())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_headings_ignore_case_and_apostrophes() {
        assert_eq!(
            heading_kind("The Ombudsman’s role and powers"),
            Some(Kind::RoleAndPowers)
        );
        assert_eq!(
            heading_kind("The Ombudsmen's Role And Powers"),
            Some(Kind::RoleAndPowers)
        );
        assert_eq!(heading_kind("THE COMPLAINT"), Some(Kind::Complaint));
        assert_eq!(heading_kind("What\u{a0}I found"), Some(Kind::Reasons));
        assert_eq!(
            heading_kind("What I have and have not investigated"),
            Some(Kind::Investigated)
        );
        assert_eq!(heading_kind("What happened"), None);
        assert_eq!(heading_kind("Law, guidance and policies"), None);
        assert_eq!(heading_kind("Decision"), None);
    }

    #[test]
    fn duplicated_closing_keeps_the_straight_one() {
        let c = [
            "Investigator’s decision on behalf of the Ombudsman",
            "Investigator's decision on behalf of the Ombudsman",
        ];
        assert_eq!(choose_closing(&c), Some(c[1]));
        assert_eq!(choose_closing(&c[..1]), Some(c[0]));
        assert_eq!(choose_closing(&[]), None);
    }
}
