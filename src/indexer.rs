//! Corpus → index: walks the corpus, parses new and changed decisions in
//! parallel and writes them with one tantivy writer, accounting for every
//! file.
//!
//! Runs are incremental. The index's manifest ([`crate::manifest`]: path
//! key, size, modification time, content hash and case reference of every
//! document, in fast fields) says what is indexed:
//!
//! - a file whose size and modification time match its entry is unchanged
//!   and not read;
//! - otherwise it is read and hashed: new → added; changed → its old
//!   document is deleted (by its path key) and the new one added, in the
//!   same commit; same bytes with a new time → re-added so the manifest
//!   matches (counted as unchanged, "touched");
//! - an entry whose file is gone, or is no longer a decision, is deleted;
//! - a file added under a new path with the case reference of a removed
//!   document (a rename or move) counts as updated;
//! - two files with one case reference are both indexed, and named in the
//!   summary of every run until one goes ("never lose a decision").
//!
//! The writer lock is taken before the manifest is read, so a second
//! indexer is refused ([`IndexError::Locked`]) before it reads anything.
//! Progress is committed every `commit_every_docs` documents or
//! `commit_every_secs` seconds (each commit carries [`RunInfo`] with
//! `complete: false`), so a killed run keeps what it committed and the next
//! run does the rest. `--rebuild` (or an index built from another corpus
//! folder) replaces everything in one atomic commit: searches keep seeing
//! the previous index until it is done.
//!
//! A run ends by merging the index's small segments (the last flushes of
//! the writer's threads, or the few documents of an incremental run) into
//! one ([`small_segments`]): a one-shot search opens the files of every
//! segment and searches each, so an index keeps to its few large segments
//! plus at most one small one.

use crate::corpus::{self, Rejection};
use crate::index::{self, IndexError};
use crate::manifest::{self, Entry, Manifest, RunInfo};
use crate::parse;
use crate::schema::{Fields, Source};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tantivy::{IndexWriter, TantivyDocument, TantivyError, Term};

/// Files read and parsed per parallel batch (commits fall between batches).
const BATCH: usize = 256;

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
    /// Ignore the manifest: replace the whole index in one commit.
    pub rebuild: bool,
    /// Commit after this many documents written…
    pub commit_every_docs: usize,
    /// …or after this long, whichever comes first.
    pub commit_every: Duration,
}

impl IndexOptions {
    /// Default resources for `corpus` → `index`.
    pub fn new(corpus: impl Into<PathBuf>, index: impl Into<PathBuf>) -> IndexOptions {
        IndexOptions {
            corpus: corpus.into(),
            index: index.into(),
            memory_mb: 256,
            max_file_bytes: corpus::DEFAULT_MAX_FILE_BYTES,
            rebuild: false,
            commit_every_docs: 10_000,
            commit_every: Duration::from_secs(30),
        }
    }
}

/// What an indexing run did, file by file.
#[derive(Debug, Default)]
pub struct IndexSummary {
    /// Every file found (not counting hidden ones).
    pub files_seen: usize,
    /// Corpus files whose decision is in the index after the run
    /// (added + updated + unchanged).
    pub indexed: usize,
    /// New files indexed.
    pub added: usize,
    /// Changed (or moved) files whose old document was replaced.
    pub updated: usize,
    /// Documents taken out: file gone, or no longer a decision.
    pub removed: usize,
    /// Files indexed before and not changed (including touched ones).
    pub unchanged: usize,
    /// Unchanged files with a new modification time but the same bytes.
    pub touched: usize,
    /// Hidden files and folders passed over.
    pub hidden: usize,
    /// Index folders inside the corpus folder, passed over whole.
    pub index_folders: Vec<PathBuf>,
    /// Files not indexed, each with the reason, sorted by path.
    pub rejected: Vec<(PathBuf, Rejection)>,
    /// Files indexed after a guess or repair (Windows-1252), with the note.
    pub warnings: Vec<(PathBuf, String)>,
    /// Case references found in more than one file (all are indexed).
    pub duplicate_refs: Vec<(String, Vec<PathBuf>)>,
    /// Why the whole index was rebuilt, when it was.
    pub rebuilt: Option<String>,
    /// True when the previous run had not finished (this one completed it).
    pub resumed: bool,
    /// Commits made.
    pub commits: usize,
    /// Small segments merged into one at the end of the run (0 if none).
    pub merged_segments: usize,
    /// Decisions in the index after the run.
    pub docs_in_index: u64,
    /// Bytes of the files read.
    pub bytes: u64,
    /// Wall-clock seconds for the whole run.
    pub seconds: f64,
}

impl IndexSummary {
    /// Megabytes (10^6 bytes) of decision text read per second.
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

impl From<TantivyError> for IndexerError {
    fn from(e: TantivyError) -> Self {
        IndexerError::Index(IndexError::Tantivy(e))
    }
}

/// How a file that was read ended up.
enum Outcome {
    Added,
    Updated,
    Touched,
}

/// The outcome for one file that was read.
enum FileResult {
    Indexed {
        outcome: Outcome,
        source: Source,
        bytes: u64,
        warning: Option<String>,
    },
    Rejected {
        why: Rejection,
        /// A document of this file was in the index (and is now deleted).
        had_document: bool,
    },
}

/// A file to read: new, or changed by size or time.
struct Job {
    path: PathBuf,
    key: String,
    old: Option<Vec<Entry>>,
}

/// The canonical form of the corpus folder, recorded in each commit.
pub fn corpus_root(corpus: &Path) -> PathBuf {
    std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf())
}

/// Brings the index at `opts.index` up to date with the corpus at
/// `opts.corpus` (a full rebuild with `opts.rebuild`).
pub fn build(opts: &IndexOptions, progress: &ProgressBar) -> Result<IndexSummary, IndexerError> {
    let started = Instant::now();
    let listing = corpus::list(&opts.corpus).map_err(|source| IndexerError::Corpus {
        path: opts.corpus.clone(),
        source,
    })?;
    let root = corpus_root(&opts.corpus);
    let index::Writable {
        index,
        fields,
        replaced,
    } = index::open_for_rebuild(&opts.index)?;
    let threads = rayon::current_num_threads().clamp(1, 8);
    let budget = writer_budget(opts.memory_mb, threads);
    // The lock first: nothing below may read a state another writer changes.
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, budget)
        .map_err(|e| lock_or(e, &opts.index))?;

    let mut summary = IndexSummary {
        files_seen: listing.files.len() + listing.unlisted.len(),
        hidden: listing.hidden,
        index_folders: listing.index_folders,
        rejected: listing.unlisted,
        ..IndexSummary::default()
    };
    let previous = RunInfo::load(&index);
    summary.resumed = previous.as_ref().is_some_and(|p| !p.complete);
    let mut manifest = Manifest::of_index(&index)?;
    let had_documents = !manifest.is_empty();
    summary.rebuilt = if let Some(why) = replaced {
        Some(why)
    } else if opts.rebuild {
        Some("--rebuild".into())
    } else if let Some(p) = previous.as_ref().filter(|p| p.corpus != root) {
        Some(format!(
            "the index was built from {}, not {}",
            p.corpus.display(),
            root.display()
        ))
    } else if manifest.unkeyed > 0 {
        Some("the index holds documents without a source path".into())
    } else {
        None
    };
    if summary.rebuilt.is_some() {
        writer.delete_all_documents()?;
        manifest = Manifest::default();
    }
    // A rebuild of a non-empty index is one atomic commit; otherwise commit
    // progress as it is made.
    let periodic = !(summary.rebuilt.is_some() && had_documents);

    // Plan: unchanged files are not read; gone files are deleted.
    let mut kept: Vec<Source> = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    for path in listing.files {
        let key = manifest::key_of(&opts.corpus, &path);
        let old = manifest.by_key.remove(&key);
        if let Some(entries) = &old
            && let [entry] = entries.as_slice()
            && let Ok(meta) = std::fs::metadata(&path)
            && meta.len() == entry.source.size
            && manifest::mtime_ns(&meta) == entry.source.mtime_ns
        {
            kept.push(entry.source.clone());
            continue;
        }
        jobs.push(Job { path, key, old });
    }
    let mut removed_refs: HashMap<String, usize> = HashMap::new();
    let mut ops = false;
    for (key, entries) in manifest.by_key.drain() {
        writer.delete_term(Term::from_field_text(fields.source.key, &key));
        ops = true;
        for e in entries {
            summary.removed += 1;
            if let Some(r) = e.source.case_ref {
                *removed_refs.entry(r).or_default() += 1;
            }
        }
    }
    summary.unchanged = kept.len();

    progress.set_length(jobs.len() as u64);
    let mut written: Vec<(PathBuf, Source, bool)> = Vec::new();
    let mut since_commit = 0usize;
    let mut last_commit = Instant::now();
    for batch in jobs.chunks(BATCH) {
        let writer_ref = &writer;
        let results: Vec<(&Job, FileResult)> = batch
            .par_iter()
            .map(|job| {
                let r = index_file(job, opts.max_file_bytes, writer_ref, &fields);
                progress.inc(1);
                (job, r)
            })
            .collect();
        for (job, result) in results {
            match result {
                FileResult::Indexed {
                    outcome,
                    source,
                    bytes,
                    warning,
                } => {
                    ops = true;
                    since_commit += 1;
                    summary.bytes += bytes;
                    let added = matches!(outcome, Outcome::Added);
                    match outcome {
                        Outcome::Added => summary.added += 1,
                        Outcome::Updated => summary.updated += 1,
                        Outcome::Touched => {
                            summary.unchanged += 1;
                            summary.touched += 1;
                        }
                    }
                    if let Some(w) = warning {
                        summary.warnings.push((job.path.clone(), w));
                    }
                    written.push((job.path.clone(), source, added));
                }
                FileResult::Rejected { why, had_document } => {
                    if had_document {
                        ops = true;
                        summary.removed += 1;
                    }
                    summary.rejected.push((job.path.clone(), why));
                }
            }
        }
        if periodic
            && (since_commit >= opts.commit_every_docs.max(1)
                || last_commit.elapsed() >= opts.commit_every)
        {
            commit(&mut writer, &root, false)?;
            summary.commits += 1;
            since_commit = 0;
            last_commit = Instant::now();
        }
    }
    if ops || summary.commits > 0 || previous.as_ref() != Some(&complete_info(&root)) {
        commit(&mut writer, &root, true)?;
        summary.commits += 1;
    }
    writer.wait_merging_threads()?;
    summary.merged_segments = merge_small_segments(&index)?;
    progress.finish_and_clear();

    // A new file carrying the case reference of a removed document is the
    // same decision moved: an update.
    for (_, source, added) in &written {
        if *added
            && let Some(r) = &source.case_ref
            && let Some(n) = removed_refs.get_mut(r)
            && *n > 0
        {
            *n -= 1;
            summary.added -= 1;
            summary.removed -= 1;
            summary.updated += 1;
        }
    }
    summary.indexed = summary.added + summary.updated + summary.unchanged;
    summary.rejected.sort_by(|a, b| a.0.cmp(&b.0));
    summary.warnings.sort();
    let mut by_ref: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for s in &kept {
        if let Some(r) = &s.case_ref {
            by_ref
                .entry(r.clone())
                .or_default()
                .push(manifest::shown_path(&opts.corpus, &s.key));
        }
    }
    for (path, s, _) in written {
        if let Some(r) = s.case_ref {
            by_ref.entry(r).or_default().push(path);
        }
    }
    summary.duplicate_refs = by_ref
        .into_iter()
        .filter(|(_, paths)| paths.len() > 1)
        .map(|(r, mut paths)| {
            paths.sort();
            (r, paths)
        })
        .collect();
    summary.docs_in_index = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()
        .map(|r: tantivy::IndexReader| r.searcher().num_docs())
        .unwrap_or(0);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Of the index's segments, as `(id, documents)`, those to merge into one:
/// every segment under a quarter of the largest, when there are at least
/// two. The large segments are left alone, so the work is in proportion to
/// the small ones (an incremental run of a few files merges a few files).
pub fn small_segments<Id: Copy>(segments: &[(Id, u32)]) -> Vec<Id> {
    let largest = segments.iter().map(|&(_, docs)| docs).max().unwrap_or(0);
    let small: Vec<Id> = segments
        .iter()
        .filter(|&&(_, docs)| docs < largest / 4)
        .map(|&(id, _)| id)
        .collect();
    if small.len() >= 2 { small } else { Vec::new() }
}

/// Merges the index's [`small_segments`] into one, with a writer of its
/// own (the run's writer has finished its merges by now); the commit
/// payload is kept. This is a step at the end of the run, not a merge
/// policy of the run's writer: a policy is asked after every commit, when
/// the largest segment is still small, and (measured at 100,000) left seven
/// segments of a quarter of the largest where this step leaves three. Returns how many segments were merged: none when
/// another indexer took the lock in between (what this run wrote is
/// committed; the merge is only an optimisation, and the next run does it).
fn merge_small_segments(index: &tantivy::Index) -> Result<usize, IndexerError> {
    let segments: Vec<(tantivy::index::SegmentId, u32)> = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| (m.id(), m.num_docs()))
        .collect();
    let small = small_segments(&segments);
    if small.is_empty() {
        return Ok(0);
    }
    let mut writer = match index.writer_with_num_threads::<TantivyDocument>(1, 15 << 20) {
        Ok(w) => w,
        Err(TantivyError::LockFailure(..)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    writer.merge(&small).wait()?;
    writer.wait_merging_threads()?;
    Ok(small.len())
}

fn complete_info(root: &Path) -> RunInfo {
    RunInfo {
        corpus: root.to_path_buf(),
        complete: true,
    }
}

/// Commits everything written so far, with the run's [`RunInfo`].
fn commit(writer: &mut IndexWriter, root: &Path, complete: bool) -> tantivy::Result<()> {
    let info = RunInfo {
        corpus: root.to_path_buf(),
        complete,
    };
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&info.to_payload());
    prepared.commit()?;
    Ok(())
}

/// Reads, parses and writes one new or changed file, deleting its old
/// document first (the delete's opstamp precedes the add's, so only the
/// old document goes).
fn index_file(job: &Job, max_bytes: u64, writer: &IndexWriter, fields: &Fields) -> FileResult {
    let old = job.old.as_deref().unwrap_or(&[]);
    let delete_old = || {
        if !old.is_empty() {
            writer.delete_term(Term::from_field_text(fields.source.key, &job.key));
        }
    };
    let rejected = |why| {
        delete_old();
        FileResult::Rejected {
            why,
            had_document: !old.is_empty(),
        }
    };
    let file = match corpus::read_file(&job.path, max_bytes) {
        Ok(f) => f,
        Err(why) => return rejected(why),
    };
    let decision = match parse::parse(&file.decoded.text, &job.path.to_string_lossy()) {
        Ok(d) => d,
        Err(e) => return rejected(Rejection::NotADecision(e.to_string())),
    };
    let source = Source {
        key: job.key.clone(),
        size: file.size,
        mtime_ns: file.mtime_ns,
        hash: file.hash,
        case_ref: decision
            .case_ref
            .as_deref()
            .and_then(crate::caseref::normalise),
    };
    let outcome = match old {
        [] => Outcome::Added,
        [only] if only.source.hash == file.hash => Outcome::Touched,
        _ => Outcome::Updated,
    };
    delete_old();
    if let Err(e) = writer.add_document(fields.document_from(&decision, &source)) {
        return FileResult::Rejected {
            why: Rejection::Io(format!("index write failed: {e}")),
            had_document: !old.is_empty(),
        };
    }
    FileResult::Indexed {
        outcome,
        source,
        bytes: file.size,
        warning: file.decoded.warning,
    }
}

/// The writer's memory budget in bytes for `memory_mb` MiB shared by
/// `threads` indexing threads, within what tantivy takes: at least 15 MiB
/// and under 4 GiB a thread (a larger budget is lowered to that, never
/// refused: it only bounds memory).
fn writer_budget(memory_mb: usize, threads: usize) -> usize {
    const MIN_MB_PER_THREAD: usize = 15;
    const MAX_MB_PER_THREAD: usize = 4_000;
    memory_mb.clamp(MIN_MB_PER_THREAD * threads, MAX_MB_PER_THREAD * threads) << 20
}

fn lock_or(e: TantivyError, dir: &Path) -> IndexError {
    match e {
        TantivyError::LockFailure(..) => IndexError::Locked(dir.to_path_buf()),
        other => IndexError::Tantivy(other),
    }
}

#[cfg(test)]
mod tests {
    use super::{merge_small_segments, small_segments, writer_budget};
    use crate::schema::Fields;
    use tantivy::{Index, IndexWriter, TantivyDocument};

    /// Every `--memory-mb` gives a budget tantivy takes: too little is
    /// raised, too much lowered, nothing overflows.
    #[test]
    fn writer_budgets_are_ones_tantivy_takes() {
        for threads in [1, 2, 8] {
            for mb in [0, 1, 256, 100_000, usize::MAX] {
                let budget = writer_budget(mb, threads);
                let per_thread = budget / threads;
                assert!(
                    (15 << 20..u32::MAX as usize).contains(&per_thread),
                    "{mb} MiB on {threads} threads: {budget}"
                );
                let index = Index::create_in_ram(Fields::new().schema.clone());
                let writer = index.writer_with_num_threads::<TantivyDocument>(threads, budget);
                assert!(writer.is_ok(), "{mb} MiB on {threads} threads");
            }
        }
        assert_eq!(writer_budget(512, 2), 512 << 20);
    }

    /// An index in memory with segments of 40, 1 and 1 documents.
    fn index_with_small_segments() -> Index {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        crate::tokenizer::register(&index);
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15 << 20).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for batch in [40, 1, 1] {
            for i in 0..batch {
                let mut doc = TantivyDocument::default();
                doc.add_text(fields.text.exact, format!("decision {batch} {i}"));
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        writer.wait_merging_threads().unwrap();
        index
    }

    #[test]
    fn a_held_lock_skips_the_merge_and_the_next_run_does_it() {
        let index = index_with_small_segments();
        let held: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15 << 20).unwrap();
        assert_eq!(merge_small_segments(&index).unwrap(), 0);
        drop(held);
        assert_eq!(merge_small_segments(&index).unwrap(), 2);
        let mut docs: Vec<u32> = index
            .searchable_segment_metas()
            .unwrap()
            .iter()
            .map(|m| m.num_docs())
            .collect();
        docs.sort_unstable();
        assert_eq!(docs, vec![2, 40]);
        assert_eq!(merge_small_segments(&index).unwrap(), 0);
    }

    #[test]
    fn only_segments_under_a_quarter_of_the_largest_are_merged() {
        assert_eq!(
            small_segments(&[(1, 40_960), (2, 40_960), (3, 5_170), (4, 3_898)]),
            vec![3, 4]
        );
        // One small segment is left alone: merging it with itself does nothing.
        assert!(small_segments(&[(1, 40_960), (2, 40_960), (3, 18)]).is_empty());
        // Equal segments are all large.
        assert!(small_segments(&[(1, 75), (2, 75), (3, 75)]).is_empty());
        assert!(small_segments::<u8>(&[]).is_empty());
        // The boundary: exactly a quarter is large.
        assert_eq!(
            small_segments(&[(1, 400), (2, 100), (3, 99), (4, 1)]),
            vec![3, 4]
        );
    }
}
