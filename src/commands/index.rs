//! `ombudsearch index`: rebuild the index from a corpus folder.

use super::Status;
use crate::cli::IndexArgs;
use crate::indexer::{self, IndexOptions, IndexSummary};
use crate::render;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

/// A progress bar on a terminal's standard error; hidden in pipes.
pub(super) fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} indexing {pos}/{len} files {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Builds the index and prints the summary on standard error.
pub(super) fn build(
    corpus: &Path,
    index: &Path,
    memory_mb: usize,
    max_file_mb: u64,
) -> anyhow::Result<IndexSummary> {
    let mut opts = IndexOptions::new(corpus, index);
    opts.memory_mb = memory_mb;
    opts.max_file_bytes = max_file_mb.saturating_mul(1 << 20);
    let summary = indexer::build(&opts, &progress_bar()).with_context(|| {
        format!(
            "indexing {} into {} failed",
            corpus.display(),
            index.display()
        )
    })?;
    render::text::index_summary(&mut std::io::stderr().lock(), &summary)?;
    Ok(summary)
}

pub(super) fn run(a: &IndexArgs) -> anyhow::Result<Status> {
    let summary = build(&a.corpus, &a.index.index, a.memory_mb, a.max_file_mb)?;
    Ok(if a.strict && !summary.rejected.is_empty() {
        Status::Failure
    } else {
        Status::Success
    })
}
