//! The corpus on disk: which files there are and whether each holds text.
//!
//! The indexer must account for every file below the corpus folder, so this
//! module never silently drops one: each file is either read as text or
//! comes back with a [`Rejection`] naming the reason. Hidden files and
//! folders (names starting with `.`, such as `.git`) are not decisions; they
//! are counted as skipped. So are index folders inside the corpus (an
//! index kept beside the decisions, `--index corpus/index`): their files
//! are the index's, never decisions, and each such folder is named.
//!
//! Decoding ([`decode_bytes`]): UTF-8 (with or without a byte-order mark)
//! first; then UTF-16 LE/BE when the file starts with its byte-order mark;
//! then, when the bytes are not UTF-8 and hold no NUL and few control
//! characters, Windows-1252 (the usual encoding of text saved on Windows),
//! decoded with a warning. NUL bytes or many control characters mean a
//! binary file. Files over the size limit are never read (bounded memory).

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
    /// Index folders below the corpus folder, passed over whole.
    pub index_folders: Vec<PathBuf>,
}

/// Why a file was not indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The file is empty or holds only white space.
    Empty,
    /// The file holds NUL bytes or many control characters: a binary file,
    /// not text (the byte offset of the first NUL, if any).
    Binary { nul_at: Option<usize> },
    /// The file claims an encoding (a UTF-16 byte-order mark) it does not
    /// hold.
    Undecodable(String),
    /// Not a regular file (a FIFO, socket or device): never opened, as
    /// reading one could block forever.
    NotRegular(String),
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
            Rejection::Binary { nul_at: Some(at) } => write!(
                f,
                "binary file (NUL byte at offset {at}), not decision text"
            ),
            Rejection::Binary { nul_at: None } => {
                write!(f, "binary file (control characters), not decision text")
            }
            Rejection::Undecodable(why) => write!(f, "{why}"),
            Rejection::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
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

/// Lists every file below `root`. Fails only when `root` itself is missing,
/// not a folder, or an index folder (a likely mix-up of `--corpus` and
/// `--index`).
pub fn list(root: &Path) -> std::io::Result<Listing> {
    let meta = std::fs::metadata(root)?;
    let refuse = |why: String| Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, why));
    if !meta.is_dir() {
        return refuse(format!("{} is not a folder", root.display()));
    }
    if crate::index::is_index_folder(root) {
        return refuse(format!(
            "{} is an index folder, not a folder of decisions: give --corpus the folder of decision files",
            root.display()
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
            Ok(e) if e.file_type().is_dir() && crate::index::is_index_folder(e.path()) => {
                listing.index_folders.push(e.into_path());
                walker.skip_current_dir();
            }
            Ok(e) if e.file_type().is_file() => listing.files.push(e.into_path()),
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => {
                let kind = special_kind(e.file_type());
                listing
                    .unlisted
                    .push((e.into_path(), Rejection::NotRegular(kind.into())));
            }
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

fn special_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "named pipe";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    let _ = t;
    "special file"
}

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// Decoded text and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// Set when the text needed a guess or a repair (Windows-1252, or
    /// UTF-16 with unpaired surrogates): the summary shows it.
    pub warning: Option<String>,
}

/// A file read as text, with what the manifest records about it.
#[derive(Debug, Clone)]
pub struct FileText {
    pub decoded: Decoded,
    /// Size in bytes of the file as read.
    pub size: u64,
    /// Modification time of the file as opened (ns since the epoch).
    pub mtime_ns: i64,
    /// XXH3-64 of the bytes read.
    pub hash: u64,
}

/// Reads `path` as decision text, or says why it is not text.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, Rejection> {
    read_file(path, max_bytes).map(|f| f.decoded.text)
}

/// Reads `path`: its text, encoding, size, time and content hash. Never
/// reads more than `max_bytes + 1` bytes (any size when `max_bytes` is
/// `u64::MAX`).
pub fn read_file(path: &Path, max_bytes: u64) -> Result<FileText, Rejection> {
    let file = std::fs::File::open(path).map_err(|e| Rejection::Io(e.to_string()))?;
    let meta = file.metadata().map_err(|e| Rejection::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(Rejection::NotRegular(special_kind(meta.file_type()).into()));
    }
    let len = meta.len();
    if len > max_bytes {
        return Err(Rejection::TooLarge {
            bytes: len,
            limit: max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Rejection::Io(e.to_string()))?;
    let size = bytes.len() as u64;
    let hash = crate::manifest::content_hash(&bytes);
    let decoded = decode_bytes(bytes, max_bytes)?;
    Ok(FileText {
        decoded,
        size,
        mtime_ns: crate::manifest::mtime_ns(&meta),
        hash,
    })
}

/// Checks raw bytes and turns them into text.
pub fn decode(bytes: Vec<u8>, max_bytes: u64) -> Result<String, Rejection> {
    decode_bytes(bytes, max_bytes).map(|d| d.text)
}

/// Checks raw bytes and turns them into text: UTF-8, then UTF-16 by its
/// byte-order mark, then Windows-1252 (with a warning).
pub fn decode_bytes(mut bytes: Vec<u8>, max_bytes: u64) -> Result<Decoded, Rejection> {
    if bytes.len() as u64 > max_bytes {
        return Err(Rejection::TooLarge {
            bytes: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    let decoded = if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        decode_utf16(&bytes)?
    } else {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        if let Some(at) = bytes.iter().position(|&b| b == 0) {
            return Err(Rejection::Binary { nul_at: Some(at) });
        }
        if looks_binary(&bytes) {
            return Err(Rejection::Binary { nul_at: None });
        }
        match String::from_utf8(bytes) {
            Ok(text) => Decoded {
                text,
                encoding: Encoding::Utf8,
                warning: None,
            },
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                Decoded {
                    text: decode_windows_1252(e.as_bytes()),
                    encoding: Encoding::Windows1252,
                    warning: Some(format!(
                        "not UTF-8 (invalid byte at offset {offset}): read as Windows-1252; save it as UTF-8"
                    )),
                }
            }
        }
    };
    if decoded.text.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    Ok(decoded)
}

/// More than 1 in 64 bytes a C0 control other than tab, line feed, form
/// feed, carriage return or escape: not text in any encoding we read.
fn looks_binary(bytes: &[u8]) -> bool {
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | 0x1b))
        .count();
    controls > 0 && controls * 64 > bytes.len()
}

fn decode_utf16(bytes: &[u8]) -> Result<Decoded, Rejection> {
    let little = bytes.starts_with(b"\xFF\xFE");
    let body = &bytes[2..];
    if body.len() % 2 == 1 {
        return Err(Rejection::Undecodable(format!(
            "UTF-16 byte-order mark but an odd number of bytes ({}): not UTF-16 text",
            bytes.len()
        )));
    }
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut bad = 0usize;
    for c in char::decode_utf16(units) {
        match c {
            Ok('\0') => {
                return Err(Rejection::Binary {
                    nul_at: Some(text.len()),
                });
            }
            Ok(c) => text.push(c),
            Err(_) => {
                bad += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    Ok(Decoded {
        text,
        encoding: if little {
            Encoding::Utf16Le
        } else {
            Encoding::Utf16Be
        },
        warning: (bad > 0)
            .then(|| format!("UTF-16 with {bad} unpaired surrogates, replaced by U+FFFD")),
    })
}

/// Windows-1252 bytes 0x80–0x9F (0xA0–0xFF are Latin-1, the same code
/// points). The five unassigned bytes map to the C1 controls, as the WHATWG
/// Encoding Standard does.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

/// Decodes Windows-1252 (every byte is a character, so this never fails).
pub fn decode_windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_names_each_problem() {
        assert_eq!(decode(b"".to_vec(), 100), Err(Rejection::Empty));
        assert_eq!(decode(b"  \n \r\n".to_vec(), 100), Err(Rejection::Empty));
        assert_eq!(
            decode(b"ab\0cd".to_vec(), 100),
            Err(Rejection::Binary { nul_at: Some(2) })
        );
        assert_eq!(
            decode(b"\x01\x02\x03abc".to_vec(), 100),
            Err(Rejection::Binary { nul_at: None })
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
    fn decodes_windows_1252_with_a_warning() {
        let d = decode_bytes(b"Ms X\x92s \x80100 caf\xe9 \x81".to_vec(), 100).unwrap();
        assert_eq!(d.text, "Ms X’s €100 café \u{81}");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert!(d.warning.unwrap().contains("offset 4"));
        // Valid UTF-8 is never read as Windows-1252.
        let d = decode_bytes("Ms X’s £5".as_bytes().to_vec(), 100).unwrap();
        assert_eq!((d.encoding, d.warning), (Encoding::Utf8, None));
    }

    #[test]
    fn decodes_utf16_by_its_byte_order_mark() {
        let text = "Leeds City Council (24 001 001)\r\n’£";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        let d = decode_bytes(le.clone(), 1000).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, Encoding::Utf16Le));
        let d = decode_bytes(be, 1000).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, Encoding::Utf16Be));
        le.push(b'x');
        assert!(matches!(
            decode_bytes(le, 1000),
            Err(Rejection::Undecodable(_))
        ));
        // An unpaired surrogate is replaced, with a warning.
        let d = decode_bytes(vec![0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0], 100).unwrap();
        assert_eq!(d.text, "a\u{FFFD}b");
        assert!(d.warning.is_some());
        assert_eq!(decode_bytes(vec![0xFF, 0xFE], 100), Err(Rejection::Empty));
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics_and_keeps_utf8(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            if let Ok(d) = decode_bytes(bytes.clone(), 1000) {
                proptest::prop_assert!(!d.text.trim().is_empty());
                if let Ok(s) = std::str::from_utf8(&bytes) {
                    proptest::prop_assert_eq!(d.text.as_str(), s.strip_prefix('\u{feff}').unwrap_or(s));
                }
            }
        }
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

    /// An index folder inside the corpus is passed over whole and named; a
    /// folder with only a `meta.json` of its own is read as any other; the
    /// corpus folder itself being an index is an error.
    #[test]
    fn listing_passes_over_index_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (index, notes) = (dir.path().join("index"), dir.path().join("notes"));
        for folder in [&index, &notes] {
            std::fs::create_dir(folder).unwrap();
            std::fs::write(folder.join("meta.json"), "{}").unwrap();
            std::fs::write(folder.join("a.txt"), "a").unwrap();
        }
        std::fs::write(index.join(".managed.json"), "[]").unwrap();
        let listing = list(dir.path()).unwrap();
        assert_eq!(listing.index_folders, std::slice::from_ref(&index));
        assert_eq!(
            listing.files,
            [notes.join("a.txt"), notes.join("meta.json")]
        );
        let err = list(&index).unwrap_err();
        assert!(err.to_string().contains("is an index folder"), "{err}");
    }

    /// The largest limit (`--max-file-mb` saturates to it) reads the whole
    /// file; `max_bytes + 1` once wrapped to 0 and read nothing.
    #[test]
    fn the_largest_limit_reads_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "The complaint").unwrap();
        assert_eq!(read_text(&path, u64::MAX).unwrap(), "The complaint");
        assert!(matches!(
            read_text(&path, 5),
            Err(Rejection::TooLarge {
                bytes: 13,
                limit: 5
            })
        ));
    }
}
