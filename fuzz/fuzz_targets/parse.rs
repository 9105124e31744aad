//! Fuzz target: `parse::parse` never panics on any text, and what it finds
//! lies inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(d) = ombudsearch::parse::parse(text, "fuzz.txt") {
        assert!(d.full_text.len() <= text.len());
    }
});
