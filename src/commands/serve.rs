//! `ombudsearch serve`: the JSON API and the search page over HTTP,
//! building the index on first use like `search`.

use super::Status;
use super::search::{Lifetime, open_or_build};
use crate::cli::ServeArgs;
use crate::server::{self, Limits};
use std::time::Duration;

pub(super) fn run(a: &ServeArgs) -> anyhow::Result<Status> {
    let engine = open_or_build(&a.index.index, &a.corpus, Lifetime::Serving)?;
    if !a.addr.ip().is_loopback() {
        eprintln!(
            "ombudsearch: listening on {}: reachable from other machines",
            a.addr
        );
    }
    let limits = Limits {
        timeout: Duration::from_secs(a.timeout),
        ..Limits::default()
    };
    server::serve(a.addr, engine, limits)?;
    Ok(Status::Success)
}
