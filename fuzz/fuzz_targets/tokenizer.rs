//! Fuzz target: tokens are never empty and their offsets lie inside the
//! text, on character boundaries, for both analyzers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ombudsearch::tokenizer::{exact, stemmed, words};

fuzz_target!(|text: &str| {
    for w in words(&mut exact(), text) {
        assert!(!w.text.is_empty());
        assert!(w.start < w.end && w.end <= text.len());
        assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
    }
    for w in words(&mut stemmed(), text) {
        assert!(!w.text.is_empty());
        assert!(w.start <= w.end && w.end <= text.len());
    }
});
