//! `check`: reconciles the corpus with the index's manifest.
//!
//! Every parseable corpus file must be indexed exactly once, as it is now;
//! every indexed document's file must still be there. Anything else is
//! drift, which `ombudsearch index` repairs. Files whose size and time
//! match the manifest are not read; others are read and hashed (and, when
//! not indexed, parsed, to tell a missing decision from a file that is not
//! one). Opens the index read-only: it runs beside an indexer.

use crate::corpus::{self, Rejection};
use crate::index::{self, IndexError};
use crate::indexer::{IndexerError, corpus_root};
use crate::manifest::{self, Manifest, RunInfo};
use crate::parse;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Files found in the corpus (not counting hidden ones).
    pub files: usize,
    /// Decisions in the index.
    pub docs: usize,
    /// Corpus files indexed as they are now.
    pub in_sync: usize,
    /// Parseable files not in the index.
    pub missing: Vec<PathBuf>,
    /// Files changed since they were indexed.
    pub stale: Vec<PathBuf>,
    /// Indexed path keys whose file is gone.
    pub gone: Vec<String>,
    /// Path keys indexed more than once, with the count.
    pub twice: Vec<(String, usize)>,
    /// Documents without a source key (an index from an older version).
    pub unkeyed: usize,
    /// The corpus the index was built from, when it is another folder.
    pub other_corpus: Option<PathBuf>,
    /// The last indexing run did not finish.
    pub incomplete: bool,
    /// Not drift: files that are not decisions (never indexed), with why.
    pub rejected: Vec<(PathBuf, Rejection)>,
    /// Not drift: case references in more than one indexed file.
    pub duplicate_refs: Vec<(String, Vec<String>)>,
    /// Not drift: files with a new time but the bytes that were indexed.
    pub touched: usize,
}

impl CheckReport {
    /// True when the index does not match the corpus.
    pub fn drift(&self) -> bool {
        !(self.missing.is_empty()
            && self.stale.is_empty()
            && self.gone.is_empty()
            && self.twice.is_empty()
            && self.unkeyed == 0
            && self.other_corpus.is_none()
            && !self.incomplete)
    }
}

/// What the manifest says of a file: size, time, hash.
type Recorded = (u64, i64, u64);

enum Verdict {
    InSync,
    Touched,
    Stale,
    Missing,
    Rejected(Rejection),
}

/// Compares the corpus at `corpus_dir` with the index at `index_dir`.
pub fn check(
    corpus_dir: &Path,
    index_dir: &Path,
    max_file_bytes: u64,
) -> Result<CheckReport, IndexerError> {
    let listing = corpus::list(corpus_dir).map_err(|source| IndexerError::Corpus {
        path: corpus_dir.to_path_buf(),
        source,
    })?;
    let (index, _fields) = index::open(index_dir)?;
    let manifest = Manifest::of_index(&index).map_err(IndexError::from)?;
    let mut report = CheckReport {
        files: listing.files.len() + listing.unlisted.len(),
        docs: manifest.len(),
        unkeyed: manifest.unkeyed,
        rejected: listing.unlisted,
        ..CheckReport::default()
    };
    if let Some(info) = RunInfo::load(&index) {
        report.incomplete = !info.complete;
        if info.corpus != corpus_root(corpus_dir) {
            report.other_corpus = Some(info.corpus);
        }
    }
    let mut by_key = manifest.by_key;
    let mut by_ref: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, entries) in &by_key {
        if entries.len() > 1 {
            report.twice.push((key.clone(), entries.len()));
        }
        for e in entries {
            if let Some(r) = &e.source.case_ref {
                by_ref.entry(r.clone()).or_default().push(key.clone());
            }
        }
    }
    let jobs: Vec<(PathBuf, Option<Recorded>)> = listing
        .files
        .into_iter()
        .map(|path| {
            let key = manifest::key_of(corpus_dir, &path);
            let old = by_key.remove(&key).and_then(|v| {
                v.first()
                    .map(|e| (e.source.size, e.source.mtime_ns, e.source.hash))
            });
            (path, old)
        })
        .collect();
    report.gone = by_key.into_keys().collect();
    let verdicts: Vec<(PathBuf, Verdict)> = jobs
        .into_par_iter()
        .map(|(path, old)| {
            let v = verdict(&path, old, max_file_bytes);
            (path, v)
        })
        .collect();
    for (path, v) in verdicts {
        match v {
            Verdict::InSync => report.in_sync += 1,
            Verdict::Touched => {
                report.in_sync += 1;
                report.touched += 1;
            }
            Verdict::Stale => report.stale.push(path),
            Verdict::Missing => report.missing.push(path),
            Verdict::Rejected(why) => report.rejected.push((path, why)),
        }
    }
    report.gone.sort();
    report.twice.sort();
    report.rejected.sort_by(|a, b| a.0.cmp(&b.0));
    report.duplicate_refs = by_ref
        .into_iter()
        .filter(|(_, keys)| keys.len() > 1)
        .map(|(r, mut keys)| {
            keys.sort();
            (r, keys)
        })
        .collect();
    Ok(report)
}

fn verdict(path: &Path, old: Option<Recorded>, max_bytes: u64) -> Verdict {
    if let Some((size, mtime, _)) = old
        && let Ok(meta) = std::fs::metadata(path)
        && meta.len() == size
        && manifest::mtime_ns(&meta) == mtime
    {
        return Verdict::InSync;
    }
    let file = corpus::read_file(path, max_bytes);
    match (old, file) {
        (Some((_, _, hash)), Ok(f)) if f.hash == hash => Verdict::Touched,
        (Some(_), _) => Verdict::Stale,
        (None, Err(why)) => Verdict::Rejected(why),
        (None, Ok(f)) => match parse::parse(&f.decoded.text, &path.to_string_lossy()) {
            Ok(_) => Verdict::Missing,
            Err(e) => Verdict::Rejected(Rejection::NotADecision(e.to_string())),
        },
    }
}
