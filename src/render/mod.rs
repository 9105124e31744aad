//! Rendering: the only code that formats answers for people or programs.
//!
//! Every command produces a library value (`SearchResponse`, `Decision`,
//! `IndexSummary`, facet counts) and hands it here with a [`Format`]. Text is
//! for people (bold highlights on a terminal), JSON is the serde form of the
//! library types (documented on [`crate::search`]), CSV is one row per hit.

pub mod csv;
pub mod json;
pub mod text;

/// Output format of `search`, `show` and `facets`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, bold highlights on a terminal.
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// How text output may decorate itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI bold for highlights and titles.
    pub bold: bool,
}

impl Style {
    pub(crate) fn strong(&self, s: &str) -> String {
        if self.bold {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// A snippet's text with its highlight ranges marked by `open`/`close`.
pub fn mark(snippet: &crate::search::snippet::Snippet, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(snippet.text.len() + 16);
    let mut at = 0;
    for &[s, e] in &snippet.highlights {
        let (Some(before), Some(inside)) = (snippet.text.get(at..s), snippet.text.get(s..e)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(open);
        out.push_str(inside);
        out.push_str(close);
        at = e;
    }
    out.push_str(snippet.text.get(at..).unwrap_or_default());
    out
}
