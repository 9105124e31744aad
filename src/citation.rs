//! Statutory citations: detect and normalise. (Stub: being written.)

use crate::decision::Citation;

/// Every statutory citation in `text`, in order of appearance, with byte
/// offsets into `text`.
pub fn extract(text: &str) -> Vec<Citation> {
    let _ = text;
    Vec::new()
}

/// The provision part of a key: `Local Government Act 1974 s.26(6)` → `s.26(6)`.
pub fn section_part(key: &str) -> Option<&str> {
    let i = key
        .find(" s.")
        .or_else(|| key.find(" Sch."))
        .or_else(|| key.find(" Pt."))?;
    Some(&key[i + 1..])
}
