//! The manifest of an index: which corpus files it holds, and in what state.
//!
//! There is no side file. Each document carries its [`Source`] (path key,
//! size, modification time, content hash, case reference) in fast fields,
//! and each commit carries a small JSON payload ([`RunInfo`]: the corpus
//! folder and whether the run that made the commit finished). Both are
//! written by the same tantivy commit, so a process killed at any moment
//! leaves an index and a manifest that agree: the last commit's.

use crate::schema::{Source, SourceFields};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tantivy::{DocAddress, Index, Searcher};

/// The commit payload: which corpus the index was built from, and whether
/// the run that made this commit got to the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The corpus folder, canonicalised.
    pub corpus: PathBuf,
    /// False for the periodic commits of a run still going (or killed).
    pub complete: bool,
}

impl RunInfo {
    /// The payload of the index's last commit, if it has one of ours.
    pub fn load(index: &Index) -> Option<RunInfo> {
        RunInfo::from_payload(&index.load_metas().ok()?.payload?)
    }

    /// A commit payload read back, if it is one of ours.
    pub fn from_payload(payload: &str) -> Option<RunInfo> {
        serde_json::from_str(payload).ok()
    }

    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One indexed document's source, and where the document is.
#[derive(Debug, Clone)]
pub struct Entry {
    pub source: Source,
    pub doc: DocAddress,
}

/// Every live document's source, by path key.
#[derive(Debug, Default)]
pub struct Manifest {
    /// Path key → the documents read from it (normally exactly one).
    pub by_key: HashMap<String, Vec<Entry>>,
    /// Live documents without a source key (none, in an index built by this
    /// version).
    pub unkeyed: usize,
}

impl Manifest {
    /// Reads the manifest of the snapshot `searcher` sees, from fast fields
    /// only (no stored document is decompressed).
    pub fn read(searcher: &Searcher) -> tantivy::Result<Manifest> {
        let mut manifest = Manifest::default();
        let mut key = String::new();
        let mut case_ref = String::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let fast = segment.fast_fields();
            let Some(keys) = fast.str(SourceFields::KEY)? else {
                manifest.unkeyed += segment.num_docs() as usize;
                continue;
            };
            let refs = fast.str(SourceFields::CASE_REF)?;
            let sizes = fast.u64(SourceFields::SIZE)?;
            let mtimes = fast.i64(SourceFields::MTIME)?;
            let hashes = fast.u64(SourceFields::HASH)?;
            for doc in segment.doc_ids_alive() {
                key.clear();
                let Some(k) = keys.term_ords(doc).next() else {
                    manifest.unkeyed += 1;
                    continue;
                };
                keys.ord_to_str(k, &mut key)?;
                let mut r = None;
                if let Some(refs) = &refs
                    && let Some(o) = refs.term_ords(doc).next()
                {
                    case_ref.clear();
                    refs.ord_to_str(o, &mut case_ref)?;
                    r = Some(case_ref.clone());
                }
                let source = Source {
                    key: key.clone(),
                    size: sizes.first(doc).unwrap_or(0),
                    mtime_ns: mtimes.first(doc).unwrap_or(0),
                    hash: hashes.first(doc).unwrap_or(0),
                    case_ref: r,
                };
                manifest.by_key.entry(key.clone()).or_default().push(Entry {
                    source,
                    doc: DocAddress::new(ord as u32, doc),
                });
            }
        }
        Ok(manifest)
    }

    /// Reads the manifest of the index's last commit.
    pub fn of_index(index: &Index) -> tantivy::Result<Manifest> {
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        Manifest::read(&reader.searcher())
    }

    /// Live documents.
    pub fn len(&self) -> usize {
        self.by_key.values().map(Vec::len).sum::<usize>() + self.unkeyed
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The path key of `path` below the corpus folder `root`: relative,
/// `/`-separated. A name that is not UTF-8 keeps each byte that is not as
/// a NUL and two hex digits (a NUL is never in a path), so two such names
/// never share a key (read lossily, `\xFE.txt` and `\xFD.txt` were both
/// `�.txt`: one file's document replaced the other's on every run).
pub fn key_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel.components().map(|c| name_key(c.as_os_str())).collect();
    parts.join("/")
}

/// A file name as a key: itself when UTF-8, else escaped (see [`key_of`]).
fn name_key(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                let _ = write!(out, "\0{b:02x}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    name.to_string_lossy().into_owned()
}

/// The path a key names below the corpus folder `root`, as a person reads
/// it (a byte that is not UTF-8 shown as `\xfe`): what summaries print for
/// a file known only by its key.
pub fn shown_path(root: &Path, key: &str) -> PathBuf {
    root.join(key.replace('\0', "\\x"))
}

/// Modification time in nanoseconds since the Unix epoch (0 when unknown).
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
        .unwrap_or(0)
}

/// The content hash the manifest records: XXH3-64 of the file's bytes.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}
