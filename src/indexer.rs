//! Corpus → index: walks the corpus, parses decisions in parallel and writes
//! them with one tantivy writer, accounting for every file.
//!
//! Each run is a full rebuild committed atomically: searches running
//! meanwhile keep seeing the previous commit, and a run that dies leaves the
//! previous commit in place.

use crate::corpus::{self, Rejection};
use crate::index::{self, IndexError};
use crate::parse;
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tantivy::TantivyError;

/// What to index, and with what resources.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// The folder of decisions.
    pub corpus: PathBuf,
    /// The index folder.
    pub index: PathBuf,
    /// The writer's memory budget in MiB, shared by its threads.
    pub memory_mb: usize,
    /// Files larger than this many bytes are skipped with a message.
    pub max_file_bytes: u64,
}

impl IndexOptions {
    /// Default resources for `corpus` → `index`.
    pub fn new(corpus: impl Into<PathBuf>, index: impl Into<PathBuf>) -> IndexOptions {
        IndexOptions {
            corpus: corpus.into(),
            index: index.into(),
            memory_mb: 256,
            max_file_bytes: corpus::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// What an indexing run did, file by file.
#[derive(Debug, Default)]
pub struct IndexSummary {
    /// Every file found (not counting hidden ones).
    pub files_seen: usize,
    /// Decisions written to the index.
    pub indexed: usize,
    /// Hidden files and folders passed over.
    pub hidden: usize,
    /// Files not indexed, each with the reason, sorted by path.
    pub rejected: Vec<(PathBuf, Rejection)>,
    /// Case references found in more than one file (all are indexed).
    pub duplicate_refs: Vec<(String, Vec<PathBuf>)>,
    /// Bytes of the files read.
    pub bytes: u64,
    /// Wall-clock seconds for the whole run.
    pub seconds: f64,
}

impl IndexSummary {
    /// Megabytes (10^6 bytes) of decision text indexed per second.
    pub fn mb_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }
}

/// Failures that stop a run (a bad file never does).
#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    #[error("cannot read corpus folder {path}")]
    Corpus {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// The outcome for one file.
enum FileResult {
    Indexed {
        case_ref: Option<String>,
        bytes: u64,
    },
    Rejected(Rejection),
}

/// Rebuilds the index at `opts.index` from the corpus at `opts.corpus`.
pub fn build(opts: &IndexOptions, progress: &ProgressBar) -> Result<IndexSummary, IndexerError> {
    let started = Instant::now();
    let listing = corpus::list(&opts.corpus).map_err(|source| IndexerError::Corpus {
        path: opts.corpus.clone(),
        source,
    })?;
    let (index, fields) = index::open_for_rebuild(&opts.index)?;
    let threads = rayon::current_num_threads().clamp(1, 8);
    let budget = (opts.memory_mb.max(15 * threads)) << 20;
    let mut writer = index
        .writer_with_num_threads::<tantivy::TantivyDocument>(threads, budget)
        .map_err(|e| lock_or(e, &opts.index))?;
    writer.delete_all_documents().map_err(IndexError::from)?;

    progress.set_length(listing.files.len() as u64);
    let writer_ref = &writer;
    let results: Vec<(PathBuf, FileResult)> = listing
        .files
        .into_par_iter()
        .map(|path| {
            let result = index_file(&path, opts.max_file_bytes, |doc_of| {
                let doc = fields.document(doc_of);
                writer_ref.add_document(doc).map(|_| ())
            });
            progress.inc(1);
            (path, result)
        })
        .collect();

    writer.commit().map_err(IndexError::from)?;
    writer.wait_merging_threads().map_err(IndexError::from)?;
    progress.finish_and_clear();

    let mut summary = IndexSummary {
        files_seen: results.len() + listing.unlisted.len(),
        hidden: listing.hidden,
        rejected: listing.unlisted,
        ..IndexSummary::default()
    };
    let mut by_ref: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for (path, result) in results {
        match result {
            FileResult::Indexed { case_ref, bytes } => {
                summary.indexed += 1;
                summary.bytes += bytes;
                if let Some(r) = case_ref {
                    by_ref.entry(r).or_default().push(path);
                }
            }
            FileResult::Rejected(why) => summary.rejected.push((path, why)),
        }
    }
    summary.rejected.sort_by(|a, b| a.0.cmp(&b.0));
    summary.duplicate_refs = by_ref
        .into_iter()
        .filter(|(_, paths)| paths.len() > 1)
        .collect();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Reads and parses one file and hands the decision to `write`.
fn index_file(
    path: &Path,
    max_bytes: u64,
    write: impl FnOnce(&crate::decision::Decision) -> tantivy::Result<()>,
) -> FileResult {
    let text = match corpus::read_text(path, max_bytes) {
        Ok(text) => text,
        Err(why) => return FileResult::Rejected(why),
    };
    let decision = match parse::parse(&text, &path.to_string_lossy()) {
        Ok(d) => d,
        Err(e) => return FileResult::Rejected(Rejection::NotADecision(e.to_string())),
    };
    if let Err(e) = write(&decision) {
        return FileResult::Rejected(Rejection::Io(format!("index write failed: {e}")));
    }
    FileResult::Indexed {
        case_ref: decision
            .case_ref
            .as_deref()
            .and_then(crate::caseref::normalise),
        bytes: text.len() as u64,
    }
}

fn lock_or(e: TantivyError, dir: &Path) -> IndexError {
    match e {
        TantivyError::LockFailure(..) => IndexError::Locked(dir.to_path_buf()),
        other => IndexError::Tantivy(other),
    }
}
