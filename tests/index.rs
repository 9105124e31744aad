//! Indexing through the real binary: every file accounted for, broken files
//! named with their reason, `--strict`, `show`.

mod common;
use common::{bin, env, run};
use std::path::{Path, PathBuf};

#[test]
fn summary_names_every_rejected_file_and_indexes_the_rest() {
    let e = env();
    assert_eq!(e.index_status, 0, "{}", e.index_stderr);
    let err = &e.index_stderr;
    for (file, reason) in [
        ("empty.txt", "empty file"),
        ("archive.zip", "binary file"),
        ("notes.txt", "no decision header"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not named in:\n{err}"));
        assert!(line.contains("rejected") && line.contains(reason), "{line}");
    }
    let corpus_files = std::fs::read_dir(common::repo().join("corpus"))
        .unwrap()
        .count();
    // Windows-1252 text is decoded and indexed, with a warning.
    let line = err
        .lines()
        .find(|l| l.contains("windows1252.txt"))
        .unwrap_or_else(|| panic!("windows1252.txt not named in:\n{err}"));
    assert!(
        line.contains("warning") && line.contains("read as Windows-1252"),
        "{line}"
    );
    let first = err.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "indexed {} of {} files",
            corpus_files + 1,
            corpus_files + 4
        )),
        "{first}"
    );
    for part in [
        &format!("{} added", corpus_files + 1),
        "0 updated",
        "0 removed",
        "0 unchanged",
        "3 rejected",
        "MB/s",
    ] {
        assert!(first.contains(part), "{part}: {first}");
    }
}

#[test]
fn strict_mode_fails_when_a_file_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    common::copy_dir(&common::repo().join("tests/fixtures/bad"), &corpus);
    std::fs::copy(
        common::repo().join("corpus/000_978548f2022fce23.txt"),
        corpus.join("seed.txt"),
    )
    .unwrap();
    let index = dir.path().join("i");
    let out = bin()
        .args(["index", "--strict", "--corpus"])
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The good file was still indexed.
    let out = bin()
        .args(["show", "23018551", "--index"])
        .arg(&index)
        .output()
        .unwrap();
    assert!(out.status.success());
    // A clean corpus passes --strict.
    for f in ["empty.txt", "archive.zip", "windows1252.txt", "notes.txt"] {
        std::fs::remove_file(corpus.join(f)).unwrap();
    }
    let out = bin()
        .args(["index", "--strict", "--corpus"])
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn missing_corpus_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["index", "--corpus", "/no/such/folder", "--index"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/folder"));

    // A first search with neither an index nor a corpus says where it
    // looked and what to do; an empty corpus gives an empty index, and
    // each search then says so.
    let search = |corpus: &Path| {
        bin()
            .args(["search", "council", "--corpus"])
            .arg(corpus)
            .arg("--index")
            .arg(dir.path().join("index"))
            .output()
            .unwrap()
    };
    let out = search(&dir.path().join("corpus"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("and no folder") && err.contains("put the decision files in"),
        "{err}"
    );
    std::fs::create_dir(dir.path().join("corpus")).unwrap();
    let out = search(&dir.path().join("corpus"));
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("note: the index holds no decisions"),
        "{text}"
    );
}

#[test]
fn show_prints_the_parsed_fields() {
    let out = run("show", &["23-018-551", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["case_ref"], "23 018 551");
    assert_eq!(v["authority"], "Cambridgeshire County Council");
    assert_eq!(v["category"], "Children's care services > Other");
    assert_eq!(v["outcome"], "Closed after initial enquiries");
    assert_eq!(v["decision_date"], "2024-10-31");
    assert_eq!(
        v["decided_by"],
        "Investigator's decision on behalf of the Ombudsman"
    );
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .starts_with("We will not investigate Ms X’s complaint")
    );
    assert!(
        v["final_decision"]
            .as_str()
            .unwrap()
            .contains("ICO is better placed")
    );
    assert!(
        v["complaint"]
            .as_str()
            .unwrap()
            .contains("assessment report")
    );
    assert!(
        v["reasons"]
            .as_str()
            .unwrap()
            .contains("Poor communication")
    );
    let cites: Vec<&str> = v["citations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for key in [
        "Local Government Act 1974 s.24A(6)",
        "Local Government Act 1974 s.34B(8)",
        "Local Government Act 1974 s.34B",
    ] {
        assert!(cites.contains(&key), "{cites:?}");
    }
    assert!(
        v["path"]
            .as_str()
            .unwrap()
            .ends_with("000_978548f2022fce23.txt")
    );

    let out = run("show", &["23 018 551"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Cambridgeshire County Council (23 018 551)")
            && text.contains("Final decision")
    );

    // CSV: one row, every column the JSON's field (lists joined by "; ").
    let out = run("show", &["23018551", "--format", "csv"]);
    assert!(out.status.success());
    let mut rows = csv::Reader::from_reader(&out.stdout[..]);
    let header = rows.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(header.len(), v.as_object().unwrap().len());
    for (column, cell) in header.iter().zip(&records[0]) {
        let want = match &v[column] {
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), String::from))
                .collect::<Vec<_>>()
                .join("; "),
            serde_json::Value::Null => String::new(),
            value => value.as_str().unwrap().to_string(),
        };
        assert_eq!(cell, want, "column {column}");
    }

    let out = run("show", &["99 999 999"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run("show", &["not-a-ref"]);
    assert_eq!(out.status.code(), Some(2));

    // The published spelling typed unquoted is one reference (it was three
    // arguments, refused); several references show several decisions, and
    // one not in the index is named while the others are still shown.
    let out = run("show", &["23", "018", "551"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("(23 018 551)"));
    let out = run(
        "show",
        &[
            "23",
            "018",
            "551",
            "99999999",
            "20-006-255",
            "23-018-551",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // In the order asked for; the reference typed twice shown once.
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    assert_eq!(list[0], v);
    assert_eq!(list[1]["case_ref"], "20 006 255");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no decision with reference 99 999 999"),
        "{err}"
    );
    let out = run("show", &["23", "018"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad case reference '23'"));
}

/// An index kept inside the corpus folder is not read as decisions on the
/// next run (its files would all be rejected as binary); giving an index
/// as the corpus is refused.
#[test]
fn an_index_inside_the_corpus_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    common::copy_dir(&common::repo().join("corpus"), &corpus);
    let index = corpus.join("index");
    let run_index = || {
        bin()
            .args(["index", "--corpus"])
            .arg(&corpus)
            .arg("--index")
            .arg(&index)
            .output()
            .unwrap()
    };
    let first = run_index();
    assert!(first.status.success());
    let second = run_index();
    let summary = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{summary}");
    let first_line = summary.lines().next().unwrap();
    assert!(first_line.contains(" 0 rejected"), "{summary}");
    assert!(
        first_line.contains(" 0 added, 0 updated, 0 removed"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("skipped {}: an index folder", index.display())),
        "{summary}"
    );
    let out = bin()
        .args(["index", "--corpus"])
        .arg(&index)
        .arg("--index")
        .arg(dir.path().join("other"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is an index folder, not a folder of decisions"),
        "{err}"
    );
}

/// The index is never written into a folder of other files: `--index
/// corpus` put the index's files among the decisions (and the next run
/// refused the corpus as an index folder), `--index ~/Documents` would
/// scatter them among the user's. A file is refused too. A new folder, an
/// empty one, or one holding only hidden entries and a README (as the
/// repository's `index/` does) is used.
#[test]
fn the_index_is_never_written_among_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    common::copy_dir(&common::repo().join("corpus"), &corpus);
    let listing = |p: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let before = listing(&corpus);
    let index_into = |index: &Path| {
        bin()
            .args(["index", "--corpus"])
            .arg(&corpus)
            .arg("--index")
            .arg(index)
            .output()
            .unwrap()
    };

    let out = index_into(&corpus);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("holds no index, and other things (000_978548f2022fce23.txt)")
            && err.contains("give --index an empty or new folder"),
        "{err}"
    );
    assert_eq!(listing(&corpus), before, "nothing written into the corpus");

    let documents = dir.path().join("documents");
    std::fs::create_dir(&documents).unwrap();
    std::fs::write(documents.join("thesis.odt"), "mine").unwrap();
    assert_eq!(index_into(&documents).status.code(), Some(1));
    assert_eq!(listing(&documents).len(), 1);

    let file = dir.path().join("a_file");
    std::fs::write(&file, "x").unwrap();
    let out = index_into(&file);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is a file"));

    let kept = dir.path().join("kept");
    std::fs::create_dir(&kept).unwrap();
    std::fs::write(kept.join(".gitignore"), "*\n").unwrap();
    std::fs::write(kept.join("README.md"), "the index goes here").unwrap();
    for _ in 0..2 {
        let out = index_into(&kept);
        assert!(out.status.success(), "{out:?}");
    }
    assert!(kept.join("meta.json").is_file() && kept.join("README.md").is_file());
}

/// An index folder whose `meta.json` is `meta(corpus)`, beside `corpus`, a
/// copy of the bundled corpus.
fn index_with_meta(meta: impl FnOnce(&Path) -> Vec<u8>) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    common::copy_dir(&common::repo().join("corpus"), &corpus);
    let index = dir.path().join("index");
    std::fs::create_dir_all(&index).unwrap();
    std::fs::write(index.join("meta.json"), meta(&corpus)).unwrap();
    std::fs::write(index.join("README.md"), "kept").unwrap();
    (dir, corpus, index)
}

/// Runs `ombudsearch index` over `corpus` into `index`, checks that its
/// summary says `says`, and that the index then answers a search.
fn index_rebuilds(corpus: &Path, index: &Path, says: &str) {
    let out = common::succeed(
        bin()
            .args(["index", "--corpus"])
            .arg(corpus)
            .arg("--index")
            .arg(index),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(says), "{err}");
    assert!(search_in(index, corpus).status.success());
}

/// The `meta.json` of an index of format 4, whose store was compressed with
/// zstd (this build has no zstd, and tantivy refuses the whole file), its
/// last commit recording that it was built from `corpus`.
fn format_4_meta(corpus: &Path) -> Vec<u8> {
    let fixture = common::repo().join("tests/fixtures/old_index/meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    let payload = serde_json::json!({ "corpus": corpus, "complete": true });
    meta["payload"] = serde_json::Value::String(payload.to_string());
    serde_json::to_vec(&meta).unwrap()
}

fn search_in(index: &Path, corpus: &Path) -> std::process::Output {
    bin()
        .args(["search", "\"ICO is better placed\"", "--format", "json"])
        .arg("--index")
        .arg(index)
        .arg("--corpus")
        .arg(corpus)
        .output()
        .unwrap()
}

#[test]
fn an_index_of_an_older_version_is_rebuilt_by_the_first_search() {
    let (dir, corpus, index) = index_with_meta(format_4_meta);
    // Another folder of decisions where the search looks by default: the
    // index is rebuilt from the folder it was built from, not from this one.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let seed = std::fs::read_dir(&corpus).unwrap().next().unwrap().unwrap();
    std::fs::copy(seed.path(), other.join("one.txt")).unwrap();
    let out = search_in(&index, &other);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("An index of another version"), "{err}");
    assert!(
        err.contains(&format!("building it from {}", corpus.display())),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"].as_u64(), Some(3), "{v}");
    // Rebuilt in place, the folder's own files kept.
    assert_eq!(
        std::fs::read_to_string(index.join("README.md")).unwrap(),
        "kept"
    );
    assert!(search_in(&index, &other).status.success());
}

#[test]
fn an_index_of_an_older_version_is_named_when_it_cannot_be_rebuilt() {
    // Built from a folder that is gone: not rebuilt from another one.
    let (_dir, corpus, index) = index_with_meta(|c| format_4_meta(&c.with_file_name("gone")));
    let out = search_in(&index, &corpus);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("built by another version of ombudsearch"),
        "{err}"
    );
    assert!(
        err.contains("ombudsearch index --corpus DIR --index"),
        "{err}"
    );
    assert!(!err.contains("corrupt"), "{err}");
}

#[test]
fn index_replaces_an_index_of_an_older_version_and_says_so() {
    let (_dir, corpus, index) = index_with_meta(format_4_meta);
    index_rebuilds(
        &corpus,
        &index,
        "full rebuild: the index was built by another version",
    );
}

#[test]
fn a_damaged_index_is_named_and_index_rebuilds_it() {
    for meta in [&b"{\"index_settings\": "[..], b"{}", b"\0\0\0"] {
        let (_dir, corpus, index) = index_with_meta(|_| meta.to_vec());
        let out = search_in(&index, &corpus);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("cannot be read"), "{err}");
        assert!(
            err.contains("ombudsearch index --corpus DIR --index"),
            "{err}"
        );
        index_rebuilds(&corpus, &index, "full rebuild: the index could not be read");
    }
}
