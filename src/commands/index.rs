//! `ombudsearch index`: bring the index up to date with a corpus folder.

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

/// Builds the index with default options and prints the summary.
pub(super) fn build(
    corpus: &Path,
    index: &Path,
    memory_mb: usize,
    max_file_mb: u64,
) -> anyhow::Result<IndexSummary> {
    let mut opts = IndexOptions::new(corpus, index);
    opts.memory_mb = memory_mb;
    opts.max_file_bytes = max_file_mb.saturating_mul(1 << 20);
    build_with(&opts)
}

/// Brings the index up to date and prints the summary on standard error.
fn build_with(opts: &IndexOptions) -> anyhow::Result<IndexSummary> {
    let (corpus, index) = (&opts.corpus, &opts.index);
    let summary = indexer::build(opts, &progress_bar()).with_context(|| {
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
    let mut opts = IndexOptions::new(&a.corpus, &a.index.index);
    opts.memory_mb = a.memory_mb;
    opts.max_file_bytes = a.max_file_mb.saturating_mul(1 << 20);
    opts.rebuild = a.rebuild;
    opts.commit_every_docs = a.commit_every;
    opts.commit_every = std::time::Duration::from_secs(a.commit_secs);
    let summary = build_with(&opts)?;
    Ok(if a.strict && !summary.rejected.is_empty() {
        Status::Failure
    } else {
        Status::Success
    })
}
