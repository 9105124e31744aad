//! CSV output: one row per hit (or per facet value, or per benchmarked
//! query), with a header row.

use crate::search::SearchResponse;
use crate::search::facets::FacetCount;
use std::io::Write;

/// Hits as rows: rank, score, case_ref, authority, category, outcome,
/// decision_date, path, snippet (plain text of the first fragment).
pub fn search(out: &mut dyn Write, resp: &SearchResponse) -> std::io::Result<()> {
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
    w.flush()
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
