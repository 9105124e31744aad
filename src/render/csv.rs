//! CSV output: one row per hit (or per facet value, per decision shown, or
//! per benchmarked query), with a header row.

use super::json::DecisionJson;
use crate::search::SearchResponse;
use crate::search::facets::FacetCount;
use std::io::Write;

/// Hits as rows: rank, score, case_ref, authority, category, outcome,
/// decision_date, path, snippet (plain text of the first fragment).
pub fn search(out: &mut dyn Write, resp: &SearchResponse) -> std::io::Result<()> {
    let mut w = search_writer(out)?;
    search_rows(&mut w, resp)?;
    w.flush()
}

/// A CSV writer of hits that has written the header row of [`search`];
/// [`search_rows`] adds each page's rows.
pub fn search_writer(out: &mut dyn Write) -> std::io::Result<::csv::Writer<&mut dyn Write>> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record([
        "rank",
        "score",
        "case_ref",
        "authority",
        "category",
        "outcome",
        "decision_date",
        "path",
        "snippet",
    ])?;
    Ok(w)
}

/// The rows of [`search`] for `resp`'s hits.
pub fn search_rows(
    w: &mut ::csv::Writer<&mut dyn Write>,
    resp: &SearchResponse,
) -> std::io::Result<()> {
    for h in &resp.hits {
        let snippet = h
            .snippets
            .first()
            .map(|s| s.text.as_str())
            .unwrap_or_default();
        w.write_record([
            h.rank.to_string().as_str(),
            &format!("{:.4}", h.score),
            h.case_ref.as_deref().unwrap_or_default(),
            h.authority.as_deref().unwrap_or_default(),
            h.category.as_deref().unwrap_or_default(),
            h.outcome.as_deref().unwrap_or_default(),
            h.decision_date.as_deref().unwrap_or_default(),
            &h.path,
            snippet,
        ])?;
    }
    Ok(())
}

/// Facet values as rows: value, count (sub-categories as `Top > Sub`).
pub fn facet(out: &mut dyn Write, counts: &[FacetCount]) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(["value", "count"])?;
    for c in counts {
        w.write_record([c.value.as_str(), &c.count.to_string()])?;
        for child in &c.children {
            w.write_record([child.value.as_str(), &child.count.to_string()])?;
        }
    }
    w.flush()
}

/// Decisions as rows, every parsed field a column (the fields of `show
/// --format json`, in its order): lists (headings, citations, amounts in
/// pounds) joined by `"; "`, absent fields empty.
pub fn decisions(out: &mut dyn Write, decisions: &[DecisionJson]) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record([
        "case_ref",
        "authority",
        "category",
        "outcome",
        "decision_date",
        "decided_by",
        "summary",
        "complaint",
        "role_and_powers",
        "reasons",
        "final_decision",
        "headings",
        "citations",
        "amounts",
        "path",
    ])?;
    for d in decisions {
        let amounts: Vec<String> = d.amounts.iter().map(u64::to_string).collect();
        w.write_record([
            d.case_ref.unwrap_or_default(),
            d.authority.unwrap_or_default(),
            d.category.as_deref().unwrap_or_default(),
            d.outcome.unwrap_or_default(),
            d.decision_date.as_deref().unwrap_or_default(),
            d.decided_by.unwrap_or_default(),
            d.summary.unwrap_or_default(),
            d.complaint.unwrap_or_default(),
            d.role_and_powers.unwrap_or_default(),
            d.reasons.unwrap_or_default(),
            d.final_decision.unwrap_or_default(),
            &d.headings.join("; "),
            &d.citations.join("; "),
            &amounts.join("; "),
            d.path,
        ])?;
    }
    w.flush()
}

/// A benchmark's queries as rows: class, query, total, top10_p50_ms,
/// full_p50_ms, full_p99_ms (the per-query table of the text report).
pub fn bench(out: &mut dyn Write, report: &crate::bench::BenchReport) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record([
        "class",
        "query",
        "total",
        "top10_p50_ms",
        "full_p50_ms",
        "full_p99_ms",
    ])?;
    for q in &report.per_query {
        w.write_record([
            q.class.as_str(),
            &q.query,
            &q.total.to_string(),
            &format!("{:.4}", q.top10_p50_ms),
            &format!("{:.4}", q.full_p50_ms),
            &format!("{:.4}", q.full_p99_ms),
        ])?;
    }
    w.flush()
}
