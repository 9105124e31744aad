//! `ombudsearch check`: reconcile corpus and index; drift is a failure.

use super::{Status, stdout};
use crate::check;
use crate::cli::CheckArgs;
use crate::render;
use anyhow::Context;

pub(super) fn run(a: &CheckArgs) -> anyhow::Result<Status> {
    let report = check::check(
        &a.corpus,
        &a.index.index,
        a.max_file_mb.saturating_mul(1 << 20),
    )
    .with_context(|| {
        format!(
            "checking {} against {} failed",
            a.corpus.display(),
            a.index.index.display()
        )
    })?;
    let (mut out, _) = stdout();
    render::text::check_report(&mut out, &report, &a.corpus, &a.index.index)?;
    std::io::Write::flush(&mut out)?;
    Ok(if report.drift() {
        Status::Failure
    } else {
        Status::Success
    })
}
