//! Crash safety and concurrency through the real binary: an indexer killed
//! (SIGKILL) at several moments leaves an index that opens at its last
//! commit, and the next run completes it; a second indexer is refused;
//! searches during indexing see committed snapshots.
//!
//! `OMBUDSEARCH_CRASH_COUNT` sets the corpus size (default 1200, to keep CI
//! fast; `OMBUDSEARCH_CRASH_COUNT=3000 cargo test --release --test crash`
//! for the full-size run).

mod common;
use common::bin;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

struct Generated {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    count: u64,
}

fn generated() -> &'static Generated {
    static G: OnceLock<Generated> = OnceLock::new();
    G.get_or_init(|| {
        let count = std::env::var("OMBUDSEARCH_CRASH_COUNT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1200u64);
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        let out = bin()
            .args(["generate", "--count", &count.to_string(), "--seed", "11"])
            .arg("--out")
            .arg(&corpus)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        Generated {
            _dir: dir,
            corpus,
            count,
        }
    })
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ombudsearch"))
}

fn spawn_index(corpus: &Path, index: &Path, commit_every: &str) -> std::process::Child {
    Command::new(binary())
        .args(["index", "--commit-every", commit_every, "--corpus"])
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `search ''`: Some(total) when an index opens, None for a clean "no
/// index"; panics on anything else.
fn committed_total(index: &Path) -> Option<u64> {
    let out = bin()
        .args(["search", "", "--limit", "0", "--format", "json", "--corpus"])
        .arg("/nonexistent-corpus")
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        return v["total"].as_u64();
    }
    assert!(
        err.contains("no index in"),
        "the index does not open after a kill: {err}"
    );
    None
}

#[test]
fn killed_indexer_leaves_a_consistent_index_and_the_next_run_completes_it() {
    let g = generated();
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let mut last = 0u64;
    // Kills before the first commit, between and during commits, and late.
    let mut saw_partial = false;
    // Two kills at fixed times (before the first commit: listing, opening,
    // parsing), then three that wait for a new commit to land and kill 0,
    // 100 and 250 ms after it (during the next batch or the next commit).
    // Waiting for commits, not clocks, keeps this meaningful on a busy machine.
    for (fixed_ms, after_commit_ms) in [
        (Some(30u64), 0u64),
        (Some(300), 0),
        (None, 0),
        (None, 100),
        (None, 250),
    ] {
        let mut child = spawn_index(&g.corpus, &index, "100");
        match fixed_ms {
            Some(ms) => std::thread::sleep(Duration::from_millis(ms)),
            None => {
                let started = Instant::now();
                while child.try_wait().unwrap().is_none()
                    && started.elapsed() < Duration::from_secs(120)
                    && committed_total(&index).unwrap_or(0) <= last
                {
                    std::thread::sleep(Duration::from_millis(25));
                }
                std::thread::sleep(Duration::from_millis(after_commit_ms));
            }
        }
        let delay_ms = fixed_ms.unwrap_or(after_commit_ms);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL on Unix
        child.wait().unwrap();
        let total = committed_total(&index);
        let when = if fixed_ms.is_some() {
            "after start"
        } else {
            "after a commit"
        };
        eprintln!(
            "killed {delay_ms} ms {when} (finished: {finished}): {total:?} decisions committed"
        );
        if let Some(t) = total {
            assert!(t >= last && t <= g.count, "{t} after {last}");
            last = t;
            // A run killed between commits: `check` reports the drift.
            if !finished && t > 0 && t < g.count && !saw_partial {
                saw_partial = true;
                let out = bin()
                    .args(["check", "--corpus"])
                    .arg(&g.corpus)
                    .arg("--index")
                    .arg(&index)
                    .output()
                    .unwrap();
                let report = String::from_utf8_lossy(&out.stdout);
                assert_eq!(out.status.code(), Some(1), "{report}");
                assert!(
                    report.contains("the last indexing run did not finish"),
                    "{report}"
                );
            }
        }
    }
    let out = bin()
        .args(["index", "--corpus"])
        .arg(&g.corpus)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    eprintln!("completing run:\n{err}");
    assert!(
        err.contains(&format!("{} decisions in the index", g.count)),
        "{err}"
    );
    assert_eq!(committed_total(&index), Some(g.count));
    let out = bin()
        .args(["check", "--corpus"])
        .arg(&g.corpus)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.starts_with("in sync"), "{report}");
}

#[test]
fn a_second_indexer_is_refused_and_searches_see_committed_snapshots() {
    let g = generated();
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let mut first = spawn_index(&g.corpus, &index, "100");
    let lock = index.join(".tantivy-writer.lock");
    let started = Instant::now();
    while !lock.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first indexer finished too soon for this test"
    );
    let second = bin()
        .args(["index", "--corpus"])
        .arg(&g.corpus)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(
        err.contains("another ombudsearch process is writing the index"),
        "{err}"
    );
    // Searches meanwhile: every answer is a committed state, never less
    // than the one before.
    let mut last = 0;
    while first.try_wait().unwrap().is_none() {
        if let Some(t) = committed_total(&index) {
            assert!(t >= last && t <= g.count, "{t} after {last}");
            last = t;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(first.wait().unwrap().success());
    assert_eq!(committed_total(&index), Some(g.count));
}
