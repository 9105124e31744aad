//! Incremental indexing and `check` through the real binary: touched,
//! changed, added, removed and duplicated files; planted drift; hostile
//! files and queries, each named with its reason, never a panic.

mod common;
use common::{bin, repo};
use std::path::Path;
use std::time::{Duration, SystemTime};

fn index(corpus: &Path, index: &Path, extra: &[&str]) -> (i32, String) {
    let out = bin()
        .arg("index")
        .args(extra)
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check(corpus: &Path, index: &Path) -> (i32, String) {
    let out = bin()
        .arg("check")
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn total(index: &Path, query: &str) -> u64 {
    let out = bin()
        .args([
            "search", query, "--limit", "0", "--format", "json", "--index",
        ])
        .arg(index)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["total"].as_u64().unwrap()
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn assert_counts(summary: &str, parts: &[&str]) {
    let line = first_line(summary);
    for p in parts {
        assert!(line.contains(p), "{p:?} not in: {summary}");
    }
}

#[test]
fn only_new_and_changed_files_are_read_and_check_finds_drift() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    let idx = dir.path().join("i");
    common::copy_dir(&repo().join("corpus"), &corpus);
    let n = std::fs::read_dir(&corpus).unwrap().count();

    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(&err, &[&format!("{n} added"), "0 unchanged", "0 removed"]);
    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(&err, &["0 added", "0 updated", &format!("{n} unchanged")]);

    // Touch one, change one, add one, remove one.
    let seed = corpus.join("000_978548f2022fce23.txt");
    let seed_text = std::fs::read_to_string(&seed).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| *p != seed)
        .collect();
    files.sort();
    let touched = &files[0];
    let changed = &files[1];
    let removed = &files[2];
    std::fs::File::options()
        .write(true)
        .open(touched)
        .unwrap()
        .set_modified(SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    let mut text = std::fs::read_to_string(changed).unwrap();
    text.push_str("\nThe zebracrossingword appears only after the change.\n");
    std::fs::write(changed, text).unwrap();
    std::fs::remove_file(removed).unwrap();
    std::fs::write(
        corpus.join("new.txt"),
        seed_text.replace("23 018 551", "23 999 001"),
    )
    .unwrap();
    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(
        &err,
        &[
            "1 added",
            "1 updated",
            "1 removed",
            &format!("{} unchanged (1 touched", n - 2),
        ],
    );
    assert_eq!(total(&idx, "zebracrossingword"), 1);
    assert_eq!(total(&idx, "ref:23999001"), 1);
    assert_eq!(total(&idx, ""), n as u64);

    // A second file with an indexed case reference: both kept, both named.
    std::fs::write(corpus.join("copy.txt"), &seed_text).unwrap();
    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(&err, &["1 added", "1 duplicate case reference;"]);
    let dup = err
        .lines()
        .find(|l| l.contains("duplicate: case reference 23 018 551"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        dup.contains("copy.txt") && dup.contains("000_978548f2022fce23.txt"),
        "{dup}"
    );
    assert_eq!(total(&idx, "ref:23018551"), 2);

    // In sync (a duplicate is reported, not drift).
    let (code, out) = check(&corpus, &idx);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("in sync"), "{out}");
    assert!(
        out.contains(&format!(
            "duplicate case reference 23 018 551 in 2 files: {}, {}",
            corpus.join("000_978548f2022fce23.txt").display(),
            corpus.join("copy.txt").display()
        )),
        "{out}"
    );

    // Plant drift: a file gone, one changed, one new; nothing re-indexed.
    std::fs::remove_file(corpus.join("copy.txt")).unwrap();
    std::fs::write(&seed, seed_text.replace("ICO", "Information Commissioner")).unwrap();
    std::fs::write(
        corpus.join("planted.txt"),
        seed_text.replace("23 018 551", "23 999 002"),
    )
    .unwrap();
    let (code, out) = check(&corpus, &idx);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("DRIFT"), "{out}");
    // Every path below the corpus folder, as given (a gone file's path was
    // the index's key, relative to the corpus).
    let below = |name: &str| corpus.join(name).display().to_string();
    for line in [
        format!("missing {}", below("planted.txt")),
        format!("stale {}", below("000_978548f2022fce23.txt")),
        format!("gone {}", below("copy.txt")),
    ] {
        assert!(out.contains(&line), "{line}: {out}");
    }
    // `index` repairs it.
    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(&err, &["1 added", "1 updated", "1 removed"]);
    let (code, out) = check(&corpus, &idx);
    assert_eq!(code, 0, "{out}");

    // --rebuild replaces everything.
    let (code, err) = index(&corpus, &idx, &["--rebuild"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("full rebuild: --rebuild"), "{err}");
    assert_counts(&err, &[&format!("{} added", n + 1), "0 unchanged"]);
}

/// Can this process read a file after `chmod 000`? (root can.)
fn reads_unreadable(path: &Path) -> bool {
    std::fs::read(path).is_ok()
}

#[cfg(unix)]
#[test]
fn hostile_files_are_named_with_their_reason_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    let idx = dir.path().join("i");
    std::fs::create_dir_all(&c).unwrap();
    let seed = std::fs::read_to_string(repo().join("corpus/000_978548f2022fce23.txt")).unwrap();
    let with_ref = |r: &str| seed.replace("23 018 551", r);
    std::fs::write(c.join("good.txt"), &seed).unwrap();
    std::fs::write(c.join("empty.txt"), "").unwrap();
    std::fs::write(c.join("blank.txt"), " \n\t\r\n").unwrap();
    std::fs::write(c.join("binary.bin"), b"PK\x03\x04\x00\x00\x14\x00binary").unwrap();
    let mut nul = with_ref("23 999 003").into_bytes();
    nul.insert(40, 0);
    std::fs::write(c.join("nul.txt"), nul).unwrap();
    let cp1252: Vec<u8> = with_ref("23 999 004")
        .chars()
        .map(|ch| match ch {
            '’' => 0x92,
            '£' => 0xA3,
            '–' => 0x96,
            c if c.is_ascii() => c as u8,
            _ => b'?',
        })
        .collect();
    std::fs::write(c.join("cp1252.txt"), cp1252).unwrap();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in with_ref("23 999 005").encode_utf16() {
        le.extend(u.to_le_bytes());
    }
    for u in with_ref("23 999 006").encode_utf16() {
        be.extend(u.to_be_bytes());
    }
    std::fs::write(c.join("utf16le.txt"), le).unwrap();
    std::fs::write(c.join("utf16be.txt"), be).unwrap();
    std::fs::write(c.join("big.txt"), "x".repeat(2 << 20)).unwrap();
    std::fs::write(
        c.join("notes.txt"),
        "Shopping list\nmilk\neggs\n".repeat(10),
    )
    .unwrap();
    let mut deep = c.join("deep");
    for i in 0..60 {
        deep = deep.join(format!("level{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("deep.txt"), with_ref("23 999 007")).unwrap();
    std::fs::create_dir(c.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", c.join("loop/up")).unwrap();
    std::os::unix::fs::symlink("/no/such/target", c.join("dangling.txt")).unwrap();
    let unreadable = c.join("unreadable.txt");
    std::fs::write(&unreadable, &seed).unwrap();
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root_reads = reads_unreadable(&unreadable);
    let fifo = c.join("pipe.txt");
    let made_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());

    let (code, err) = index(&c, &idx, &["--max-file-mb", "1"]);
    assert_eq!(code, 0, "{err}");
    let named = |file: &str, what: &str| {
        let line = err
            .lines()
            .find(|l| l.contains(file) && (l.contains("rejected") || l.contains("warning")))
            .unwrap_or_else(|| panic!("{file} not named in:\n{err}"));
        assert!(line.contains(what), "{file}: {line}");
    };
    named("empty.txt", "empty file");
    named("blank.txt", "empty file");
    named("binary.bin", "binary file");
    named("nul.txt", "NUL byte at offset 40");
    named("cp1252.txt", "read as Windows-1252");
    named("big.txt", "over the 1048576-byte limit");
    named("notes.txt", "no decision header");
    named("loop/up", "symbolic link loop");
    named("dangling.txt", "No such file");
    if made_fifo {
        named("pipe.txt", "not a regular file (named pipe)");
    }
    if !root_reads {
        named("unreadable.txt", "Permission denied");
    }
    // good, cp1252, utf16le, utf16be, deep (+ unreadable when root).
    let expected = 5 + u64::from(root_reads);
    assert_eq!(total(&idx, ""), expected, "{err}");
    for r in ["23999004", "23999005", "23999006", "23999007"] {
        assert_eq!(total(&idx, &format!("ref:{r}")), 1, "{r}: {err}");
    }
    // The decoded texts are searchable as text.
    assert!(total(&idx, "\"Ms X’s complaint\"") >= 3, "{err}");
    let (code, out) = check(&c, &idx);
    assert_eq!(code, 0, "{out}");
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn hostile_queries_are_a_clear_error_with_status_2() {
    let e = common::env();
    let long = "a".repeat(5000);
    for args in [
        vec![long.as_str()],
        vec!["\"unbalanced"],
        vec!["ctrl\u{1}char"],
        vec!["*"],
        vec!["nosuchfield:x"],
        vec!["(a OR"],
        vec!["\"a b\"~99999999999999999999"],
        vec!["x", "--limit", "1000000000"],
        vec!["x", "--offset", "999999999"],
        vec!["x", "--since", "2024-02-31"],
    ] {
        let out = bin()
            .arg("search")
            .args(&args)
            .arg("--index")
            .arg(&e.index)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("ombudsearch: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// The first file of `dir` in name order, searching subfolders, skipping
/// hidden entries.
fn first_file(dir: &Path) -> std::path::PathBuf {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    entries.sort();
    let first = entries.swap_remove(0);
    if first.is_dir() {
        first_file(&first)
    } else {
        first
    }
}

/// Documents per segment of the index at `index`, largest first.
fn segment_sizes(index: &Path) -> Vec<u32> {
    let index = tantivy::Index::open_in_dir(index).unwrap();
    let mut sizes: Vec<u32> = index
        .searchable_segment_metas()
        .unwrap()
        .iter()
        .map(|m| m.num_docs())
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes
}

fn assert_at_most_one_small(sizes: &[u32]) {
    let largest = sizes.first().copied().unwrap_or(0);
    let small = sizes.iter().filter(|&&d| d < largest / 4).count();
    assert!(small <= 1, "{sizes:?}");
}

#[test]
fn small_segments_left_by_runs_are_merged_into_one() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    let idx = dir.path().join("i");
    common::succeed(
        bin()
            .args(["generate", "--count", "120", "--seed", "5", "--out"])
            .arg(&corpus),
    );
    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    let first = segment_sizes(&idx);

    assert_at_most_one_small(&first);
    // Two small runs, each leaving a small segment or two: all are merged
    // into one, the large ones are left alone.
    let source = std::fs::read_to_string(first_file(&corpus)).unwrap();
    let mut added = 0;
    for run in 0..2 {
        for k in 0..3 {
            let text = format!("{source}\nThe marker word mergetestword{run}x{k} is here.\n");
            std::fs::write(corpus.join(format!("extra-{run}-{k}.txt")), text).unwrap();
            added += 1;
        }
        let (code, err) = index(&corpus, &idx, &[]);
        assert_eq!(code, 0, "{err}");
        assert_counts(&err, &["3 added"]);
        // The writer's two threads may each have flushed a segment.
        assert!(err.contains("small segments into one") || run == 0, "{err}");
        assert_at_most_one_small(&segment_sizes(&idx));
    }
    let sizes = segment_sizes(&idx);
    assert_eq!(sizes.len(), first.len() + 1, "{first:?} → {sizes:?}");
    assert_eq!(&sizes[..first.len()], &first[..], "{sizes:?}");
    assert_eq!(
        sizes.iter().map(|&d| u64::from(d)).sum::<u64>(),
        120 + added
    );
    assert_eq!(total(&idx, ""), 120 + added);
    assert_eq!(total(&idx, "mergetestword0x1"), 1);
    assert_eq!(total(&idx, "mergetestword1x2"), 1);
    // The merge kept the run's record: nothing to do, nothing resumed.
    let (code, report) = check(&corpus, &idx);
    assert_eq!(code, 0, "{report}");
    assert!(report.starts_with("in sync"), "{report}");
    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(&err, &["0 added", "0 updated", "0 removed"]);
    assert!(!err.contains("had not finished"), "{err}");
    assert!(!err.contains("merged"), "{err}");
}

/// Two files whose names are not UTF-8, and differ only where they are not,
/// are two files to the index: indexed once each, then unchanged, and a
/// removed one is named (it shared a lossy key with the other, so each run
/// replaced one's document with the other's and `check` never agreed).
#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let seed_text =
        std::fs::read_to_string(repo().join("corpus/000_978548f2022fce23.txt")).unwrap();
    let named = |b: u8| {
        corpus.join(std::ffi::OsStr::from_bytes(&[
            b'd', b, b'.', b't', b'x', b't',
        ]))
    };
    std::fs::write(named(0xfe), &seed_text).unwrap();
    std::fs::write(named(0xfd), seed_text.replace("23 018 551", "23 999 551")).unwrap();
    let idx = dir.path().join("index");

    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(&err, &["2 added"]);
    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(&err, &["0 added", "0 updated", "2 unchanged"]);
    let (code, out) = check(&corpus, &idx);
    assert_eq!(code, 0, "{out}");

    std::fs::remove_file(named(0xfd)).unwrap();
    let (code, out) = check(&corpus, &idx);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("gone ") && out.contains("d\\xfd.txt"), "{out}");
    let (code, err) = index(&corpus, &idx, &[]);
    assert_eq!(code, 0, "{err}");
    assert_counts(&err, &["1 removed", "1 unchanged"]);
}
