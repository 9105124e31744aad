//! `search --all`: every matching decision, past the 1000-hit page, in the
//! order and with the ranks the pages give, streamed as CSV or as one JSON
//! answer. On a generated corpus large enough to need three pages.

mod common;

use indicatif::ProgressBar;
use ombudsearch::generate::{GenerateOptions, write_corpus};
use serde_json::Value;
use std::path::Path;

const DECISIONS: u64 = 2_300;

/// `search ARGS --index INDEX`: standard output, or a panic naming stderr.
fn search(index: &Path, args: &[&str]) -> String {
    let out = common::succeed(
        common::bin()
            .arg("search")
            .args(args)
            .arg("--index")
            .arg(index),
    );
    String::from_utf8(out.stdout).unwrap()
}

/// CSV rows (header dropped) as (rank, case reference).
fn rows(csv: &str) -> Vec<(u64, String)> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].parse().unwrap(), rec[2].to_string())
        })
        .collect()
}

#[test]
fn all_matches_in_page_order_past_the_page_limit() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write_corpus(
        &GenerateOptions::new(DECISIONS, 3, &corpus),
        &ProgressBar::hidden(),
    )
    .unwrap();
    let index = dir.path().join("index");
    common::build_index(&corpus, &index);

    // Every decision, ranked 1.. in order, each once.
    let all = rows(&search(&index, &["", "--all", "--format", "csv"]));
    assert_eq!(all.len() as u64, DECISIONS);
    assert!(
        all.iter()
            .enumerate()
            .all(|(i, (rank, _))| *rank == i as u64 + 1)
    );
    let refs: std::collections::HashSet<&String> = all.iter().map(|(_, r)| r).collect();
    assert_eq!(refs.len() as u64, DECISIONS);

    // The same rows as the pages a user would ask for one by one.
    for offset in ["0", "1000", "2000"] {
        let page = rows(&search(
            &index,
            &["", "--limit", "1000", "--offset", offset, "--format", "csv"],
        ));
        let from: usize = offset.parse().unwrap();
        assert_eq!(
            page,
            all[from..(from + 1000).min(all.len())].to_vec(),
            "{offset}"
        );
    }

    // A ranked query, from an offset, as one JSON answer.
    let v: Value =
        serde_json::from_str(&search(&index, &["council", "--all", "--format", "json"])).unwrap();
    let total = v["total"].as_u64().unwrap();
    assert!(total > 1000, "{total}");
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len() as u64, total);
    assert!(v["facets"]["outcome"].is_array());
    let later = rows(&search(
        &index,
        &["council", "--all", "--offset", "1500", "--format", "csv"],
    ));
    assert_eq!(later.len() as u64, total - 1500);
    assert_eq!(later[0].0, 1501);
    assert_eq!(later[0].1, hits[1500]["case_ref"].as_str().unwrap());

    // --all and --limit contradict each other.
    let out = common::bin()
        .args(["search", "x", "--all", "--limit", "5", "--index"])
        .arg(&index)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
