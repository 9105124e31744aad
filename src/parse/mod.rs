//! Decision text → [`Decision`]. (Stub: being written.)

use crate::decision::Decision;

/// Why a text is not a decision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text has no decision header.
    #[error(
        "no decision header: expected a first line like 'Cambridgeshire County Council (23 018 551)' or 'The Ombudsman's final decision'"
    )]
    NoHeader,
}

/// Parses one decision's text. `path` is recorded in [`Decision::path`].
pub fn parse(text: &str, path: &str) -> Result<Decision, ParseError> {
    let _ = (text, path);
    Err(ParseError::NoHeader)
}
