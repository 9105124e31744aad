//! Text output for people.

use super::{Style, mark};
use crate::decision::Decision;
use crate::indexer::IndexSummary;
use crate::search::SearchResponse;
use crate::search::facets::{FacetCount, Facets};
use std::io::Write;

/// A search answer: count, hits with snippets, then facets.
pub fn search(out: &mut dyn Write, resp: &SearchResponse, style: Style) -> std::io::Result<()> {
    let shown = if resp.hits.is_empty() {
        String::new()
    } else {
        format!(
            ", showing {}-{}",
            resp.offset + 1,
            resp.offset + resp.hits.len()
        )
    };
    writeln!(
        out,
        "{}{shown} ({:.1} ms)",
        matching(resp.total),
        resp.took_ms
    )?;
    notes(out, &resp.notes)?;
    let (open, close) = if style.bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    for h in &resp.hits {
        writeln!(out)?;
        let title = format!(
            "{}. {} ({})",
            h.rank,
            h.authority.as_deref().unwrap_or("(no authority)"),
            h.case_ref.as_deref().unwrap_or("no ref")
        );
        writeln!(out, "{}", style.strong(&title))?;
        let meta: Vec<&str> = [
            h.decision_date.as_deref(),
            h.outcome.as_deref(),
            h.category.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        writeln!(out, "   {}", meta.join(" · "))?;
        writeln!(out, "   {}", h.path)?;
        for s in &h.snippets {
            writeln!(out, "   … {} …", mark(s, open, close))?;
        }
    }
    if resp.total > 0 {
        writeln!(out)?;
        facets(out, &resp.facets, style)?;
    }
    Ok(())
}

fn facet_line(
    out: &mut dyn Write,
    name: &str,
    counts: &[FacetCount],
    style: Style,
) -> std::io::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let items: Vec<String> = counts
        .iter()
        .map(|c| format!("{} ({})", c.value, c.count))
        .collect();
    writeln!(
        out,
        "{} {}",
        style.strong(&format!("{name}:")),
        items.join(", ")
    )
}

/// All facets, one line each (categories as a small tree).
pub fn facets(out: &mut dyn Write, f: &Facets, style: Style) -> std::io::Result<()> {
    facet_line(out, "Outcome", &f.outcome, style)?;
    writeln!(out, "{}", style.strong("Category:"))?;
    for top in &f.category {
        writeln!(out, "  {} ({})", top.value, top.count)?;
        for sub in &top.children {
            let name = sub
                .value
                .split_once(" > ")
                .map_or(sub.value.as_str(), |(_, s)| s);
            writeln!(out, "    > {name} ({})", sub.count)?;
        }
    }
    facet_line(out, "Authority", &f.authority, style)?;
    facet_line(out, "Year", &f.year, style)?;
    facet_line(out, "Cited", &f.citation, style)
}

/// `1 decision`, `2 decisions`: `n` and the noun, plural unless one.
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `1 decision matches`, `45 decisions match`.
fn matching(total: usize) -> String {
    let verb = if total == 1 { "matches" } else { "match" };
    format!("{} {verb}", counted(total as u64, "decision"))
}

/// A search's notes, a line each.
fn notes(out: &mut dyn Write, notes: &[String]) -> std::io::Result<()> {
    for note in notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// The line above a facet table: how many decisions were counted, how many
/// of the facet's values are listed when not all, and the search's notes.
pub fn facet_header(
    out: &mut dyn Write,
    total: usize,
    shown: usize,
    values: usize,
    notes: &[String],
) -> std::io::Result<()> {
    let listed = if shown < values {
        format!(", the top {shown} of {values} values")
    } else {
        String::new()
    };
    writeln!(out, "{}{listed}", matching(total))?;
    self::notes(out, notes)
}

/// One facet as a table of counts.
pub fn facet_table(out: &mut dyn Write, counts: &[FacetCount]) -> std::io::Result<()> {
    for c in counts {
        writeln!(out, "{:>7}  {}", c.count, c.value)?;
        for child in &c.children {
            writeln!(out, "{:>7}    {}", child.count, child.value)?;
        }
    }
    Ok(())
}

/// One decision, field by field.
pub fn decision(out: &mut dyn Write, d: &Decision, style: Style) -> std::io::Result<()> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "{}",
        style.strong(&format!("{} ({})", opt(&d.authority), opt(&d.case_ref)))
    )?;
    writeln!(
        out,
        "Category:      {}",
        d.category.as_ref().map_or("-".into(), |c| c.display())
    )?;
    writeln!(
        out,
        "Decision:      {}",
        d.outcome.as_ref().map_or("-", |o| o.label())
    )?;
    writeln!(
        out,
        "Decision date: {}",
        d.decision_date.map_or("-".into(), |x| x.to_string())
    )?;
    writeln!(out, "Decided by:    {}", opt(&d.decided_by))?;
    writeln!(out, "File:          {}", d.path)?;
    for (title, body) in [
        ("Summary", &d.summary),
        ("The complaint", &d.complaint),
        ("Role and powers", &d.role_and_powers),
        ("Reasons", &d.reasons),
        ("Final decision", &d.final_decision),
    ] {
        if let Some(b) = body {
            writeln!(out, "\n{}\n{}", style.strong(title), b.trim_end())?;
        }
    }
    if !d.citations.is_empty() {
        writeln!(out, "\n{}", style.strong("Citations"))?;
        let mut seen = std::collections::BTreeSet::new();
        for c in &d.citations {
            if seen.insert(&c.key) {
                writeln!(out, "- {}", c.key)?;
            }
        }
    }
    Ok(())
}

/// The indexing summary: every file accounted for.
pub fn index_summary(out: &mut dyn Write, s: &IndexSummary) -> std::io::Result<()> {
    writeln!(
        out,
        "indexed {} of {} files in {:.2} s ({:.1} MB/s): {} added, {} updated, {} removed, {} unchanged{}, {} rejected, {}; {} in the index{}",
        s.indexed,
        s.files_seen,
        s.seconds,
        s.mb_per_second(),
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
        if s.touched > 0 {
            format!(" ({} touched, same content)", s.touched)
        } else {
            String::new()
        },
        s.rejected.len(),
        counted(s.duplicate_refs.len() as u64, "duplicate case reference"),
        counted(s.docs_in_index, "decision"),
        if s.hidden > 0 {
            format!("; {} hidden entries skipped", s.hidden)
        } else {
            String::new()
        }
    )?;
    if let Some(why) = &s.rebuilt {
        writeln!(out, "  full rebuild: {why}")?;
    }
    if s.resumed {
        writeln!(
            out,
            "  the previous run had not finished: this run completed it"
        )?;
    }
    for folder in &s.index_folders {
        writeln!(
            out,
            "  skipped {}: an index folder, not decisions",
            folder.display()
        )?;
    }
    if s.merged_segments > 0 {
        writeln!(
            out,
            "  merged {} small segments into one",
            s.merged_segments
        )?;
    }
    for (path, why) in &s.rejected {
        writeln!(out, "  rejected {}: {why}", path.display())?;
    }
    for (path, why) in &s.warnings {
        writeln!(out, "  warning {}: {why}", path.display())?;
    }
    for (r, paths) in &s.duplicate_refs {
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        writeln!(
            out,
            "  duplicate: case reference {} appears in {} files, all indexed (remove the extra copies): {}",
            crate::caseref::display(r),
            paths.len(),
            list.join(", ")
        )?;
    }
    Ok(())
}

/// What `check` found: a verdict line, then each problem on its own line.
pub fn check_report(
    out: &mut dyn Write,
    r: &crate::check::CheckReport,
    corpus: &std::path::Path,
    index: &std::path::Path,
) -> std::io::Result<()> {
    let verdict = if r.drift() { "DRIFT" } else { "in sync" };
    writeln!(
        out,
        "{verdict}: {} in {}, {} in {}: {} in sync, {} missing from the index, {} stale, {} indexed but gone, {} indexed twice; {} not decisions",
        counted(r.files as u64, "file"),
        corpus.display(),
        counted(r.docs as u64, "decision"),
        index.display(),
        r.in_sync,
        r.missing.len(),
        r.stale.len(),
        r.gone.len(),
        r.twice.len(),
        r.rejected.len(),
    )?;
    if let Some(other) = &r.other_corpus {
        writeln!(out, "  the index was built from {}", other.display())?;
    }
    if r.incomplete {
        writeln!(out, "  the last indexing run did not finish")?;
    }
    if r.unkeyed > 0 {
        writeln!(
            out,
            "  {} documents have no source path (rebuild the index)",
            r.unkeyed
        )?;
    }
    for p in &r.missing {
        writeln!(
            out,
            "  missing {}: a decision, not in the index",
            p.display()
        )?;
    }
    for p in &r.stale {
        writeln!(out, "  stale {}: changed since it was indexed", p.display())?;
    }
    // The index records paths relative to the corpus; shown below it, as
    // the other lines' paths are.
    let in_corpus = |key: &str| {
        crate::manifest::shown_path(corpus, key)
            .display()
            .to_string()
    };
    for k in &r.gone {
        writeln!(
            out,
            "  gone {}: indexed, but no such file in the corpus",
            in_corpus(k)
        )?;
    }
    for (k, n) in &r.twice {
        writeln!(out, "  twice {}: indexed {n} times", in_corpus(k))?;
    }
    for (p, why) in &r.rejected {
        writeln!(out, "  not a decision {}: {why}", p.display())?;
    }
    for (cr, keys) in &r.duplicate_refs {
        writeln!(
            out,
            "  duplicate case reference {} in {} files: {}",
            crate::caseref::display(cr),
            keys.len(),
            keys.iter()
                .map(|k| in_corpus(k))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if r.drift() {
        writeln!(
            out,
            "run `ombudsearch index --corpus {} --index {}` to bring the index up to date",
            corpus.display(),
            index.display()
        )?;
    }
    Ok(())
}

/// A benchmark report: overall, per class, per query.
pub fn bench(
    out: &mut dyn Write,
    r: &crate::bench::BenchReport,
    style: Style,
) -> std::io::Result<()> {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let queries = if r.queries == 1 { "query" } else { "queries" };
    writeln!(
        out,
        "{} {queries} × {} (after {} warm-up) on {}, {}",
        r.queries,
        counted(r.repeat as u64, "run"),
        r.warmup,
        counted(r.docs, "decision"),
        counted(cores as u64, "core")
    )?;
    let row = |name: &str, s: &crate::bench::Stats| {
        format!(
            "{name:<28} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>9.0}",
            s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms, s.qps
        )
    };
    writeln!(
        out,
        "{}",
        style.strong(&format!(
            "{:<28} {:>8} {:>8} {:>8} {:>8} {:>9}",
            "ms", "p50", "p95", "p99", "max", "q/s"
        ))
    )?;
    writeln!(out, "{}", row("top10 (all)", &r.top10))?;
    writeln!(out, "{}", row("full answer (all)", &r.full))?;
    for c in &r.per_class {
        writeln!(out, "{}", row(&format!("  {} top10", c.class), &c.top10))?;
        writeln!(out, "{}", row(&format!("  {} full", c.class), &c.full))?;
    }
    writeln!(
        out,
        "\n{}",
        style.strong(&format!(
            "{:>9} {:>9} {:>9} {:>9}  query",
            "total", "top10 p50", "full p50", "full p99"
        ))
    )?;
    for q in &r.per_query {
        writeln!(
            out,
            "{:>9} {:>9.3} {:>9.3} {:>9.3}  [{}] {}",
            q.total, q.top10_p50_ms, q.full_p50_ms, q.full_p99_ms, q.class, q.query
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(total: usize) -> String {
        let resp = SearchResponse {
            query: "x".into(),
            total,
            took_ms: 0.25,
            offset: 0,
            hits: Vec::new(),
            facets: Facets::default(),
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        search(&mut out, &resp, Style { bold: false }).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_count_agrees_with_its_verb() {
        assert_eq!(header(0), "0 decisions match (0.2 ms)");
        assert_eq!(header(1), "1 decision matches (0.2 ms)");
        assert_eq!(header(2), "2 decisions match (0.2 ms)");
    }
}
