//! Test environment: the bundled corpus plus broken files, indexed once per
//! test binary by the real `ombudsearch` binary, and helpers to run it.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub struct Env {
    _dir: tempfile::TempDir,
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// What `ombudsearch index` printed on standard error.
    pub index_stderr: String,
    pub index_status: i32,
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies every file of `from` into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// The shared environment: bundled corpus + `tests/fixtures/bad`, indexed.
pub fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        copy_dir(&repo().join("corpus"), &corpus);
        copy_dir(&repo().join("tests/fixtures/bad"), &corpus.join("bad"));
        let index = dir.path().join("index");
        let out = bin()
            .args(["index", "--corpus"])
            .arg(&corpus)
            .arg("--index")
            .arg(&index)
            .output()
            .unwrap();
        Env {
            _dir: dir,
            corpus,
            index,
            index_stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            index_status: out.status.code().unwrap_or(-1),
        }
    })
}

pub fn bin() -> Command {
    Command::cargo_bin("ombudsearch").unwrap()
}

/// Runs `cmd` (an `ombudsearch` command line); panics with its standard
/// error unless it exits 0.
pub fn succeed(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `ombudsearch index --corpus CORPUS --index INDEX`; panics unless it
/// exits 0.
pub fn build_index(corpus: &Path, index: &Path) {
    succeed(
        bin()
            .args(["index", "--corpus"])
            .arg(corpus)
            .arg("--index")
            .arg(index),
    );
}

/// Runs `ombudsearch <cmd> <args> --index <shared index>`.
pub fn run(cmd: &str, args: &[&str]) -> std::process::Output {
    bin()
        .arg(cmd)
        .args(args)
        .arg("--index")
        .arg(&env().index)
        .output()
        .unwrap()
}

/// `search ARGS --format json`, parsed; panics unless it exits 0.
pub fn search(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = run("search", &all);
    assert!(
        out.status.success(),
        "search {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Case references of a JSON answer's hits.
pub fn refs(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["case_ref"].as_str().unwrap_or("").to_string())
        .collect()
}

pub fn total(v: &Value) -> u64 {
    v["total"].as_u64().unwrap()
}

/// The highlighted strings of every snippet of the hit with `case_ref`.
pub fn highlighted(v: &Value, case_ref: &str) -> Vec<String> {
    let hit = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["case_ref"] == case_ref)
        .expect("hit present");
    let mut out = Vec::new();
    for s in hit["snippets"].as_array().unwrap() {
        let text = s["text"].as_str().unwrap();
        for r in s["highlights"].as_array().unwrap() {
            let (a, b) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            out.push(text[a..b].to_string());
        }
    }
    out
}

/// A generated corpus of `count` decisions indexed in several segments
/// (a commit every `count / 8` files), in a temporary folder that lives as
/// long as the returned guard. Returns the guard and the index folder.
pub fn generated_index(count: usize, seed: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    succeed(
        bin()
            .args(["generate", "--count", &count.to_string()])
            .args(["--seed", &seed.to_string(), "--out"])
            .arg(&corpus),
    );
    succeed(
        bin()
            .args(["index", "--commit-every", &(count / 8).max(1).to_string()])
            .arg("--corpus")
            .arg(&corpus)
            .arg("--index")
            .arg(&index),
    );
    (dir, index)
}
