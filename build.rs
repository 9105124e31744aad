//! Links the `ombudsearch` executable at a fixed address (not as a
//! position-independent executable).
//!
//! A PIE is relocated by the dynamic loader at every start: some 27,000
//! relocations, and a copy-on-write fault for each page of relocated data.
//! On the 2-core development machine that was 1.2 to 1.5 ms of the 4.4 ms a
//! bare `ombudsearch --version` took, and a one-shot `ombudsearch search`
//! pays it on every call. The price is that the executable's own code is
//! not placed at a random address (shared libraries, heap and stack still
//! are), which weakens one defence against memory-corruption exploits; the
//! code is Rust, and `serve` is meant for loopback or a trusted network.
//!
//! Only Linux targets, where the default is PIE and `-no-pie` is understood
//! by the C compiler that drives the link.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
