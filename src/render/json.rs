//! JSON output: the serde form of the library's answer types.

use serde::Serialize;
use std::io::Write;

/// Writes `value` as pretty JSON followed by a newline.
pub fn write<T: Serialize>(out: &mut dyn Write, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// The JSON form of `show`: the decision's fields, `category` as
/// `Top > Sub` (as in search hits) and `citations` as distinct keys.
#[derive(Debug, Serialize)]
pub struct DecisionJson<'a> {
    pub case_ref: Option<&'a str>,
    pub authority: Option<&'a str>,
    pub category: Option<String>,
    pub outcome: Option<&'a str>,
    pub decision_date: Option<String>,
    pub decided_by: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub complaint: Option<&'a str>,
    pub role_and_powers: Option<&'a str>,
    pub reasons: Option<&'a str>,
    pub final_decision: Option<&'a str>,
    pub headings: &'a [String],
    pub citations: Vec<&'a str>,
    pub amounts: Vec<u64>,
    pub path: &'a str,
}

impl<'a> DecisionJson<'a> {
    pub fn new(d: &'a crate::decision::Decision) -> DecisionJson<'a> {
        let mut citations: Vec<&str> = Vec::new();
        for c in &d.citations {
            if !citations.contains(&c.key.as_str()) {
                citations.push(&c.key);
            }
        }
        DecisionJson {
            case_ref: d.case_ref.as_deref(),
            authority: d.authority.as_deref(),
            category: d.category.as_ref().map(|c| c.display()),
            outcome: d.outcome.as_ref().map(|o| o.label()),
            decision_date: d.decision_date.map(|x| x.to_string()),
            decided_by: d.decided_by.as_deref(),
            summary: d.summary.as_deref(),
            complaint: d.complaint.as_deref(),
            role_and_powers: d.role_and_powers.as_deref(),
            reasons: d.reasons.as_deref(),
            final_decision: d.final_decision.as_deref(),
            headings: &d.headings,
            citations,
            amounts: d.amounts.iter().map(|a| a.pounds).collect(),
            path: &d.path,
        }
    }
}
