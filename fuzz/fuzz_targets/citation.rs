//! Fuzz target: citation spans are inside the text, on character
//! boundaries, and keys start with their Act.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for c in ombudsearch::citation::extract(text) {
        assert!(c.start <= c.end && c.end <= text.len());
        assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
        assert_eq!(&text[c.start..c.end], c.raw);
        if let Some(act) = &c.act {
            assert!(c.key.starts_with(act.as_str()));
        }
        let _ = ombudsearch::citation::section_part(&c.key);
    }
});
