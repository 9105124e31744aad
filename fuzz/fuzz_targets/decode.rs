//! Fuzz target: decoding arbitrary bytes never panics; valid UTF-8 is kept
//! as it is; decoded text is never blank.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(d) = ombudsearch::corpus::decode_bytes(bytes.to_vec(), 1 << 20) {
        assert!(!d.text.trim().is_empty());
        if let Ok(s) = std::str::from_utf8(bytes) {
            assert_eq!(d.text, s.strip_prefix('\u{feff}').unwrap_or(s));
        }
    }
});
