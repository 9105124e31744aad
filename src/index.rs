//! The index on disk: creating, opening and recognising it.
//!
//! The index folder may hold other files (the repository keeps a README and
//! a `.gitignore` in `index/`); tantivy's files live beside them. An index
//! whose schema differs from [`Fields::new`] was built by another version of
//! ombudsearch: it is never misread, the user is told to rebuild it.
//!
//! When tantivy cannot open an index, its `meta.json` is read directly
//! ([`recorded`]) to say why: tantivy refuses the whole file when it names
//! a setting this build lacks (indexes of format 7 and before name zstd,
//! which is no longer compiled in), and that index must still be recognised
//! as another version, to be rebuilt, not reported as corrupt.

use crate::schema::{FORMAT_VERSION, Fields};
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
        "the index in {path} was built by another version of ombudsearch: rebuild it with `ombudsearch index --corpus DIR --index {path}`"
    )]
    Outdated {
        path: PathBuf,
        /// The payload of its last commit (`manifest::RunInfo`): the
        /// folder it was built from.
        payload: Option<String>,
    },
    #[error(
        "the index in {path} cannot be read ({reason}): rebuild it with `ombudsearch index --corpus DIR --index {path}`"
    )]
    Damaged { path: PathBuf, reason: String },
    #[error("another ombudsearch process is writing the index in {0}; wait for it to finish")]
    Locked(PathBuf),
    #[error("cannot use {0} as the index folder: it is a file; give --index a folder")]
    NotAFolder(PathBuf),
    #[error(
        "cannot use {path} as the index folder: it holds no index, and other things ({example}); give --index an empty or new folder, such as `index`"
    )]
    NotEmpty { path: PathBuf, example: String },
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

/// True when `dir` is a tantivy index folder (this tool's or another's): it
/// holds both `meta.json` and tantivy's hidden `.managed.json`, so a folder
/// of decisions that merely has a `meta.json` of its own is not one.
pub fn is_index_folder(dir: &Path) -> bool {
    exists(dir) && dir.join(".managed.json").is_file()
}

/// What an index's `meta.json` says of the version that built it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Built by this version ([`FORMAT_VERSION`]).
    Current,
    /// Built by another version (`format_N` with another N, or before
    /// format 2 none), with the payload of its last commit.
    Other { payload: Option<String> },
    /// Not an index's `meta.json`: not JSON, or no schema in it.
    Damaged(String),
}

/// Why the index in `dir` was built by another version of ombudsearch:
/// the error for it, with its last commit's payload.
fn outdated(dir: &Path, payload: Option<String>) -> IndexError {
    IndexError::Outdated {
        path: dir.to_path_buf(),
        payload,
    }
}

/// Reads the format version recorded in the `meta.json` of `dir` (the name
/// of the schema's `format_N` field, see [`FORMAT_VERSION`]), without
/// asking tantivy, which refuses settings this build lacks.
pub fn recorded(dir: &Path) -> Result<Recorded, IndexError> {
    let path = dir.join("meta.json");
    let bytes = std::fs::read(&path).map_err(|source| IndexError::Io { path, source })?;
    let meta: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return Ok(Recorded::Damaged(format!("meta.json is not JSON: {e}"))),
    };
    let Some(schema) = meta.get("schema").and_then(|s| s.as_array()) else {
        return Ok(Recorded::Damaged("meta.json holds no schema".into()));
    };
    let format = schema
        .iter()
        .filter_map(|field| field.get("name")?.as_str()?.strip_prefix("format_"))
        .find_map(|n| n.parse::<u32>().ok());
    Ok(if format == Some(FORMAT_VERSION) {
        Recorded::Current
    } else {
        let payload = meta.get("payload").and_then(|p| p.as_str());
        Recorded::Other {
            payload: payload.map(str::to_string),
        }
    })
}

/// Opens the index in `dir` with tantivy; when tantivy cannot, says why
/// from its `meta.json` ([`recorded`]): another version's, or damaged.
fn open_existing(dir: &Path) -> Result<Index, IndexError> {
    Index::open_in_dir(dir).or_else(|e| {
        Err(match recorded(dir)? {
            Recorded::Current => e.into(),
            Recorded::Other { payload } => outdated(dir, payload),
            Recorded::Damaged(reason) => IndexError::Damaged {
                path: dir.to_path_buf(),
                reason,
            },
        })
    })
}

/// Opens the index in `dir` for searching.
pub fn open(dir: &Path) -> Result<(Index, Fields), IndexError> {
    if !exists(dir) {
        return Err(IndexError::NotFound(dir.to_path_buf()));
    }
    let index = open_existing(dir)?;
    let fields = Fields::new();
    if index.schema() != fields.schema {
        let payload = index.load_metas().ok().and_then(|m| m.payload);
        return Err(outdated(dir, payload));
    }
    tokenizer::register(&index);
    Ok((index, fields))
}

/// An index opened for writing.
pub struct Writable {
    pub index: Index,
    pub fields: Fields,
    /// Why the index that was there was removed, if one was: built by
    /// another version, or unreadable.
    pub replaced: Option<String>,
}

/// Opens the index in `dir` for writing, creating the folder and the index
/// as needed. An index of another version, or one whose `meta.json` cannot
/// be read as an index's, is removed first (an index is derived from its
/// corpus: what it held is indexed again).
pub fn open_for_rebuild(dir: &Path) -> Result<Writable, IndexError> {
    let io = |source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    };
    refuse_foreign_folder(dir)?;
    std::fs::create_dir_all(dir).map_err(io)?;
    let fields = Fields::new();
    let mut replaced = None;
    if exists(dir) {
        let other = "the index was built by another version of ombudsearch";
        replaced = match open_existing(dir) {
            Ok(old) => (old.schema() != fields.schema).then(|| other.to_string()),
            Err(IndexError::Outdated { .. }) => Some(other.to_string()),
            Err(IndexError::Damaged { reason, .. }) => {
                Some(format!("the index could not be read ({reason})"))
            }
            Err(e) => return Err(e),
        };
        if replaced.is_some() {
            remove_index_files(dir).map_err(io)?;
        }
    }
    let directory = MmapDirectory::open(dir).map_err(|e| IndexError::Tantivy(e.into()))?;
    let index = Index::builder()
        .schema(fields.schema.clone())
        .settings(settings())
        .open_or_create(directory)?;
    tokenizer::register(&index);
    Ok(Writable {
        index,
        fields,
        replaced,
    })
}

/// Settings of a new index: one decision per store block, so a hit reads
/// its own text and nothing else's (tantivy's default 16 KB blocks hold two
/// or three decisions), and no compression of tantivy's own: the text is
/// already packed, against a dictionary of decision prose, by
/// [`crate::store`]. Every answer reads its ten hits, so the store is chosen
/// for that: reading a generated decision at random took 5.6 µs with lz4
/// against 13 µs with zstd (level 3) on the 2-core development machine, and
/// the full answer's p50 at 100,000 decisions went 0.526 → 0.462 ms
/// (interleaved A/B) when tantivy's zstd store gave way to its lz4 one.
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::None,
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
        if is_tantivy_file(name) && path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// True for the names of the files tantivy keeps in an index folder.
fn is_tantivy_file(name: &str) -> bool {
    name == "meta.json"
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
        .any(|ext| name.ends_with(ext))
}

/// Refuses to write an index into a file, or into a folder that holds no
/// index but other things (`--index corpus` would mix the index's files
/// with the decisions, and the corpus would then be refused as an index
/// folder; `--index ~/Documents` would scatter them among the user's
/// files). A folder that is missing, empty, or holds only hidden entries
/// (`.gitignore`), README files or an index's files is fine.
fn refuse_foreign_folder(dir: &Path) -> Result<(), IndexError> {
    let Ok(meta) = std::fs::metadata(dir) else {
        return Ok(()); // missing: created next
    };
    if !meta.is_dir() {
        return Err(IndexError::NotAFolder(dir.to_path_buf()));
    }
    if exists(dir) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let foreign = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            !(name.starts_with('.')
                || name.to_ascii_lowercase().starts_with("readme")
                || is_tantivy_file(name))
        })
        .min();
    match foreign {
        None => Ok(()),
        Some(example) => Err(IndexError::NotEmpty {
            path: dir.to_path_buf(),
            example,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded_of(meta: &str) -> Recorded {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("meta.json"), meta).unwrap();
        recorded(dir.path()).unwrap()
    }

    #[test]
    fn the_version_is_read_from_the_schema_field_names() {
        let dir = tempfile::tempdir().unwrap();
        open_for_rebuild(dir.path()).unwrap();
        assert_eq!(recorded(dir.path()).unwrap(), Recorded::Current);

        let format_4 = include_str!("../tests/fixtures/old_index/meta.json");
        let payload = r#"{"corpus":"/work/main/corpus","complete":true}"#;
        assert_eq!(
            recorded_of(format_4),
            Recorded::Other {
                payload: Some(payload.into())
            }
        );
        assert_eq!(
            recorded_of(r#"{"schema": [{"name": "text"}]}"#),
            Recorded::Other { payload: None }
        );
        for damaged in ["", "{", "[]", r#"{"schema": 3}"#] {
            assert!(
                matches!(recorded_of(damaged), Recorded::Damaged(_)),
                "{damaged}"
            );
        }
    }
}
