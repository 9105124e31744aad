//! `ombudsearch bench` driven as a user runs it: a query file with classes
//! and filters gives a report whose totals are the ones `search` gives, and
//! a file it cannot use is refused at once with the file, the line and the
//! reason, exit code 2, before any query is timed.

mod common;

use common::{bin, env, search, total};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Writes `text` to a query file in a temporary folder.
fn query_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queries.txt");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Runs `bench --queries FILE ARGS --index <shared index>`.
fn bench(file: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .arg("bench")
        .arg("--queries")
        .arg(file)
        .args(args)
        .arg("--index")
        .arg(&env().index)
        .output()
        .unwrap()
}

/// Runs `bench` on `text` and expects it to be refused: exit code 2, no
/// report, and a message naming the file and holding each of `words`.
fn refused(text: &str, words: &[&str]) {
    let (_dir, path) = query_file(text);
    let out = bench(&path, &["--repeat", "1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{text:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{text:?}: a report was printed");
    assert!(
        stderr.contains(&path.display().to_string()),
        "{text:?}: the file is not named: {stderr}"
    );
    for word in words {
        assert!(stderr.contains(word), "{text:?}: no {word:?} in {stderr}");
    }
}

#[test]
fn a_report_counts_what_search_finds() {
    let lines = [
        (
            "phrase",
            "\"ICO is better placed\"",
            vec!["\"ICO is better placed\""],
        ),
        ("word", "complaint", vec!["complaint"]),
        (
            "filtered",
            "council --council cambridgeshire --outcome Upheld",
            vec![
                "council",
                "--council",
                "cambridgeshire",
                "--outcome",
                "Upheld",
            ],
        ),
        (
            "query",
            "fault --since 2015-01-01 --sort newest",
            vec!["fault", "--since", "2015-01-01", "--sort", "newest"],
        ),
    ];
    let mut text = String::from("# a comment, then a blank line\n\n");
    for (class, line, _) in &lines {
        if *class == "query" {
            text.push_str(&format!("{line}\n"));
        } else {
            text.push_str(&format!("[{class}] {line}\n"));
        }
    }
    let (_dir, path) = query_file(&text);
    let out = bench(
        &path,
        &["--repeat", "3", "--warmup", "1", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["queries"], lines.len());
    assert_eq!(
        report["docs"].as_u64(),
        Some(total(&search(&["", "--limit", "0"])))
    );
    for form in ["top10", "full"] {
        let stats = &report[form];
        let p50 = stats["p50_ms"].as_f64().unwrap();
        assert!(p50 > 0.0, "{form}: {stats}");
        assert!(stats["p99_ms"].as_f64().unwrap() >= p50, "{form}: {stats}");
        assert!(stats["qps"].as_f64().unwrap() > 0.0, "{form}: {stats}");
    }
    let per_query = report["per_query"].as_array().unwrap();
    assert_eq!(per_query.len(), lines.len());
    for ((class, line, args), got) in lines.iter().zip(per_query) {
        assert_eq!(got["query"], *line);
        assert_eq!(got["class"], *class);
        let want = total(&search(args));
        assert!(want > 0, "{line}: the test wants matches");
        assert_eq!(got["total"].as_u64(), Some(want), "{line}");
    }

    // CSV: a header, then a row per query in file order.
    let out = bench(
        &path,
        &["--repeat", "1", "--warmup", "0", "--format", "csv"],
    );
    assert!(out.status.success());
    let mut rows = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "class",
            "query",
            "total",
            "top10_p50_ms",
            "full_p50_ms",
            "full_p99_ms"
        ]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), lines.len());
    for ((class, line, _), (row, json)) in lines.iter().zip(rows.iter().zip(per_query)) {
        assert_eq!((&row[0], &row[1]), (*class, *line));
        assert_eq!(row[2].parse::<u64>().ok(), json["total"].as_u64(), "{line}");
        for ms in [&row[3], &row[4], &row[5]] {
            assert!(ms.parse::<f64>().unwrap() > 0.0, "{line}: {ms}");
        }
    }

    // The text report names every query and class.
    let out = bench(&path, &["--repeat", "1", "--warmup", "0"]);
    assert!(out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    for (class, line, _) in &lines {
        assert!(report.contains(line), "{line} missing from\n{report}");
        assert!(report.contains(class), "{class} missing from\n{report}");
    }
}

#[test]
fn a_file_it_cannot_use_is_refused_by_line() {
    // Queries the index cannot answer, found before any line is timed:
    // the good first line would otherwise be timed first.
    refused(
        "complaint\n# fine so far\n\"unbalanced phrase\n",
        &["line 3", "\"unbalanced phrase", "closing \""],
    );
    refused(
        "complaint\nfault --council nowhereshire\n",
        &["line 2", "no council matching 'nowhereshire'"],
    );
    refused("fault --since 2020-13-01\n", &["line 1", "since date"]);
    refused(
        "fault --sort sideways\n",
        &["line 1", "unknown sort 'sideways'"],
    );
    // Lines it cannot read.
    refused(
        "complaint\nfault --colour red\n",
        &["line 2", "unknown flag '--colour'", "--council"],
    );
    refused("fault --council\n", &["line 1", "--council needs a value"]);
    // No query at all.
    refused("# only a comment\n\n", &["no queries"]);
    refused("", &["no queries"]);
}

#[test]
fn bad_arguments_are_refused() {
    let (_dir, path) = query_file("complaint\n");
    let out = bench(&path, &["--repeat", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--repeat") && stderr.contains("at least 1"),
        "{stderr}"
    );

    let missing = path.with_file_name("missing.txt");
    let out = bench(&missing, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read query file") && stderr.contains("missing.txt"),
        "{stderr}"
    );
}
