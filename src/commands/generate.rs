//! `ombudsearch generate`: write a synthetic corpus and print what was
//! written (files, bytes, seconds, MB/s) on standard error.

use super::Status;
use crate::cli::GenerateArgs;
use crate::generate::{self, GenerateOptions};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar on a terminal's standard error; hidden in pipes.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} generating {pos}/{len} decisions {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

pub(super) fn run(a: &GenerateArgs) -> anyhow::Result<Status> {
    let opts = GenerateOptions {
        count: a.count,
        seed: a.seed,
        out: a.out.clone(),
        layout: a.layout,
        force: a.force,
    };
    let s = generate::write_corpus(&opts, &progress_bar()).with_context(|| {
        format!(
            "generating {} decisions into {} failed",
            a.count,
            a.out.display()
        )
    })?;
    eprintln!(
        "generated {} files ({:.1} MB) in {} in {:.2} s ({:.1} MB/s)",
        s.files,
        s.bytes as f64 / 1e6,
        s.out.display(),
        s.seconds,
        s.mb_per_second()
    );
    Ok(Status::Success)
}
