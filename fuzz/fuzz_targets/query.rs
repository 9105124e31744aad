//! Fuzz target: the query parser never panics, and an error's position is
//! inside the query.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|q: &str| {
    if let Err(e) = ombudsearch::search::syntax::parse(q) {
        assert!(e.position <= q.chars().count());
    }
});
