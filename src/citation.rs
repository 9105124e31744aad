//! Statutory citations: detect and normalise. (Stub: being written.)

use crate::decision::Citation;

/// Every statutory citation in `text`, in order of appearance, with byte
/// offsets into `text`.
pub fn extract(text: &str) -> Vec<Citation> {
    let _ = text;
    Vec::new()
}
