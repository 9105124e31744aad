//! The index on disk: creating, opening and recognising it.
//!
//! The index folder may hold other files (the repository keeps a README and
//! a `.gitignore` in `index/`); tantivy's files live beside them. An index
//! whose schema differs from [`Fields::new`] was built by another version of
//! ombudsearch: it is never misread, the user is told to rebuild it.

use crate::schema::Fields;
use crate::tokenizer;
use std::path::{Path, PathBuf};
use tantivy::directory::MmapDirectory;
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings};

/// Problems with the index folder.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index in {0}: build one with `ombudsearch index --corpus DIR --index {0}`")]
    NotFound(PathBuf),
    #[error(
        "the index in {0} was built by another version of ombudsearch: rebuild it with `ombudsearch index --index {0}`"
    )]
    Outdated(PathBuf),
    #[error("another ombudsearch process is writing the index in {0}; wait for it to finish")]
    Locked(PathBuf),
    #[error("cannot use index folder {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("index error")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// True when `dir` holds an index (of any version).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens the index in `dir` for searching.
pub fn open(dir: &Path) -> Result<(Index, Fields), IndexError> {
    if !exists(dir) {
        return Err(IndexError::NotFound(dir.to_path_buf()));
    }
    let index = Index::open_in_dir(dir)?;
    let fields = Fields::new();
    if index.schema() != fields.schema {
        return Err(IndexError::Outdated(dir.to_path_buf()));
    }
    tokenizer::register(&index);
    Ok((index, fields))
}

/// Opens the index in `dir` for a full rebuild, creating the folder and the
/// index as needed. An index of another version is removed first.
pub fn open_for_rebuild(dir: &Path) -> Result<(Index, Fields), IndexError> {
    let io = |source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let fields = Fields::new();
    if exists(dir) {
        let old = Index::open_in_dir(dir)?;
        if old.schema() != fields.schema {
            drop(old);
            remove_index_files(dir).map_err(io)?;
        }
    }
    let directory = MmapDirectory::open(dir).map_err(|e| IndexError::Tantivy(e.into()))?;
    let index = Index::builder()
        .schema(fields.schema.clone())
        .settings(settings())
        .open_or_create(directory)?;
    tokenizer::register(&index);
    Ok((index, fields))
}

/// Settings of a new index: the stored text is compressed with lz4, one
/// decision per block, so a hit decompresses its own text and nothing
/// else's (tantivy's default 16 KB blocks hold two or three decisions).
/// Every answer decompresses its ten hits, so the store is chosen for that:
/// reading a generated decision at random took 5.6 µs with lz4 against
/// 13 µs with zstd (level 3) on the 2-core development machine, and the
/// full answer's p50 at 100,000 decisions went 0.526 → 0.462 ms
/// (interleaved A/B), for a store of 51% of the text's size against 34%
/// (index 1.28× the corpus against 1.11×).
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Lz4,
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

/// A store block is closed as soon as it holds more than this many bytes:
/// with 0, every document is a block of its own.
const DOCSTORE_BLOCK_BYTES: usize = 0;

/// Removes tantivy's files from `dir`, keeping anything tantivy did not write
/// (README.md, .gitignore).
fn remove_index_files(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let tantivy_file = name == "meta.json"
            || name == ".managed.json"
            || name.ends_with(".lock")
            || [
                ".idx",
                ".pos",
                ".term",
                ".store",
                ".fast",
                ".fieldnorm",
                ".del",
            ]
            .iter()
            .any(|ext| name.ends_with(ext));
        if tantivy_file && path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}
