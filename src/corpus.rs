//! The corpus on disk: which files there are and whether each holds text.
//!
//! The indexer must account for every file below the corpus folder, so this
//! module never silently drops one: each file is either read as text or
//! comes back with a [`Rejection`] naming the reason. Hidden files and
//! folders (names starting with `.`, such as `.git`) are not decisions; they
//! are counted as skipped.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Files larger than this are not read (no real decision is near it).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What a walk of the corpus found.
#[derive(Debug, Default)]
pub struct Listing {
    /// Regular files to read, in a stable (sorted) order.
    pub files: Vec<PathBuf>,
    /// Entries that could not even be listed (permission denied, a symlink
    /// loop), with the reason.
    pub unlisted: Vec<(PathBuf, Rejection)>,
    /// Hidden files and folders passed over.
    pub hidden: usize,
}

/// Why a file was not indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The file is empty or holds only white space.
    Empty,
    /// The file holds NUL bytes: a binary file, not text.
    Binary,
    /// The file is not valid UTF-8 (the byte offset of the first bad byte).
    NotUtf8 { offset: usize },
    /// The file is larger than the limit.
    TooLarge { bytes: u64, limit: u64 },
    /// The file could not be read.
    Io(String),
    /// The text is not a decision.
    NotADecision(String),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Empty => write!(f, "empty file"),
            Rejection::Binary => write!(f, "binary file (contains NUL bytes), not decision text"),
            Rejection::NotUtf8 { offset } => write!(
                f,
                "not UTF-8 text (invalid byte at offset {offset}); save the file as UTF-8"
            ),
            Rejection::TooLarge { bytes, limit } => write!(
                f,
                "file is {bytes} bytes, over the {limit}-byte limit for one decision"
            ),
            Rejection::Io(e) => write!(f, "could not read: {e}"),
            Rejection::NotADecision(why) => write!(f, "{why}"),
        }
    }
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
}

/// Lists every file below `root`. Fails only when `root` itself is missing
/// or not a folder.
pub fn list(root: &Path) -> std::io::Result<Listing> {
    let meta = std::fs::metadata(root)?;
    if !meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is not a folder", root.display()),
        ));
    }
    let mut listing = Listing::default();
    let mut walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        match entry {
            Ok(e) if is_hidden(&e) => {
                listing.hidden += 1;
                if e.file_type().is_dir() {
                    walker.skip_current_dir();
                }
            }
            Ok(e) if e.file_type().is_file() => listing.files.push(e.into_path()),
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    err.io_error()
                        .map_or_else(|| err.to_string(), ToString::to_string)
                };
                listing.unlisted.push((path, Rejection::Io(reason)));
            }
        }
    }
    Ok(listing)
}

/// Reads `path` as decision text, or says why it is not text.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, Rejection> {
    let file = std::fs::File::open(path).map_err(|e| Rejection::Io(e.to_string()))?;
    let len = file
        .metadata()
        .map_err(|e| Rejection::Io(e.to_string()))?
        .len();
    if len > max_bytes {
        return Err(Rejection::TooLarge {
            bytes: len,
            limit: max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Rejection::Io(e.to_string()))?;
    decode(bytes, max_bytes)
}

/// Checks raw bytes and turns them into text.
pub fn decode(mut bytes: Vec<u8>, max_bytes: u64) -> Result<String, Rejection> {
    if bytes.len() as u64 > max_bytes {
        return Err(Rejection::TooLarge {
            bytes: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if bytes.contains(&0) {
        return Err(Rejection::Binary);
    }
    let text = String::from_utf8(bytes).map_err(|e| Rejection::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_names_each_problem() {
        assert_eq!(decode(b"".to_vec(), 100), Err(Rejection::Empty));
        assert_eq!(decode(b"  \n \r\n".to_vec(), 100), Err(Rejection::Empty));
        assert_eq!(decode(b"ab\0cd".to_vec(), 100), Err(Rejection::Binary));
        assert_eq!(
            decode(b"ab\xffcd".to_vec(), 100),
            Err(Rejection::NotUtf8 { offset: 2 })
        );
        assert!(matches!(
            decode(vec![b'a'; 101], 100),
            Err(Rejection::TooLarge { .. })
        ));
        assert_eq!(
            decode(b"\xEF\xBB\xBFtext".to_vec(), 100).as_deref(),
            Ok("text")
        );
    }

    #[test]
    fn listing_skips_hidden_and_sorts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "b").unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/x"), "x").unwrap();
        let listing = list(dir.path()).unwrap();
        let names: Vec<_> = listing
            .files
            .iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a.txt", "b.txt"]);
        assert_eq!(listing.hidden, 1);
        assert!(list(&dir.path().join("missing")).is_err());
    }
}
