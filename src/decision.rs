//! The fielded form of one published decision: what the parser produces and
//! what the indexer, `show` and the JSON output consume.
//!
//! A [`Decision`] keeps the original text untouched (`full_text`) beside the
//! fields read out of it, so nothing in the source is ever "corrected" away.
//! Every field that a real decision may lack is an `Option` or an empty `Vec`.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One LGSCO decision, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The body complained about, as published: `Cambridgeshire County Council`.
    pub authority: Option<String>,
    /// The case reference as published: `23 018 551`, `16 010 636c`.
    pub case_ref: Option<String>,
    /// `Category :` header line, split on the first ` > `.
    pub category: Option<Category>,
    /// `Decision :` header line.
    pub outcome: Option<Outcome>,
    /// `Decision date :` header line.
    pub decision_date: Option<Date>,
    /// The text after `Summary:` (may begin in lower case).
    pub summary: Option<String>,
    /// The body of `The complaint` (and `What I have investigated` when it
    /// comes before the role-and-powers section).
    pub complaint: Option<String>,
    /// The body of `The Ombudsman’s role and powers`.
    pub role_and_powers: Option<String>,
    /// Everything between the complaint (or role and powers) and the final
    /// decision: how I considered, my assessment, what I found, agreed
    /// action, and any other section found there.
    pub reasons: Option<String>,
    /// The body of `Final decision`.
    pub final_decision: Option<String>,
    /// The closing line: `Investigator's decision on behalf of the Ombudsman`.
    pub decided_by: Option<String>,
    /// The section headings found, in order, as written.
    pub headings: Vec<String>,
    /// Every statutory citation found in the text, normalised.
    pub citations: Vec<Citation>,
    /// Every sum of money mentioned (`£1,250`, `£1200`).
    pub amounts: Vec<Amount>,
    /// The decision text as it was read (after cutting page furniture such as
    /// cookie banners and `Print this page`); never corrected.
    pub full_text: String,
    /// Where the sections lie in `full_text`: byte ranges of whole lines,
    /// each a run of consecutive items of the section (its headings and
    /// paragraphs, markers included; the summary's is its one line, label
    /// included). Snippets highlight what a query named in a section only
    /// there; indexing also turns the spans of `complaint` and `reasons`
    /// into word positions, so a phrase named in one of these sections is
    /// matched in the whole text (see `schema::Fields::document`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<SectionSpan>,
    /// Where the decision was read from (empty when parsed from a string).
    pub path: String,
}

/// A two-level category: `Children's care services > Other`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// `Children's care services`.
    pub top: String,
    /// `Other`; `None` when the header names only a top level.
    pub sub: Option<String>,
}

impl Category {
    /// `Top > Sub`, or `Top` when there is no sub-category.
    pub fn display(&self) -> String {
        match &self.sub {
            Some(sub) => format!("{} > {}", self.top, sub),
            None => self.top.clone(),
        }
    }
}

/// The `Decision :` label. Unknown labels are kept, never rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Outcome {
    Upheld,
    NotUpheld,
    ClosedAfterInitialEnquiries,
    /// Any other label, exactly as published.
    Other(String),
}

impl Outcome {
    /// Reads a label, ignoring case and surrounding space.
    pub fn from_label(label: &str) -> Outcome {
        let trimmed = label.trim();
        match trimmed.to_lowercase().as_str() {
            "upheld" => Outcome::Upheld,
            "not upheld" => Outcome::NotUpheld,
            "closed after initial enquiries" => Outcome::ClosedAfterInitialEnquiries,
            _ => Outcome::Other(trimmed.to_string()),
        }
    }

    /// The label as the Ombudsman publishes it.
    pub fn label(&self) -> &str {
        match self {
            Outcome::Upheld => "Upheld",
            Outcome::NotUpheld => "Not upheld",
            Outcome::ClosedAfterInitialEnquiries => "Closed after initial enquiries",
            Outcome::Other(s) => s,
        }
    }
}

impl From<Outcome> for String {
    fn from(o: Outcome) -> String {
        o.label().to_string()
    }
}

impl From<String> for Outcome {
    fn from(s: String) -> Outcome {
        Outcome::from_label(&s)
    }
}

/// One statutory citation, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// The normal form: `Local Government Act 1974 s.24A(6)`,
    /// `Local Government Act 1974 Sch.5 para.5(2)`, `Care Act 2014`.
    pub key: String,
    /// The Act: `Local Government Act 1974`; `None` for a bare `section 21
    /// notice` that names no Act.
    pub act: Option<String>,
    /// The source text the citation was read from (the whole parenthesis or
    /// phrase), as written.
    pub raw: String,
    /// Byte offsets of `raw` in the decision's `full_text`.
    pub start: usize,
    pub end: usize,
    /// Other keys that mean the same provision (`s.34H(i)` for `s.34H(1)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// A sum of money mentioned in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// Whole pounds: `£1,250` is 1250.
    pub pounds: u64,
    /// Pence, 0 when none were written.
    pub pence: u8,
    /// Byte offsets of the amount (from the `£`) in `full_text`.
    pub start: usize,
    pub end: usize,
}

/// A section whose place in the text is recorded (see [`Decision::spans`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Spanned {
    Summary,
    Complaint,
    Reasons,
    FinalDecision,
}

/// Part of a [`Spanned`] section: `full_text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionSpan {
    pub section: Spanned,
    pub start: usize,
    pub end: usize,
}
