//! Replays every seed (`fuzz/seeds/<target>/`) and every past finding
//! (`fuzz/regressions/<target>/`) through its target, without libFuzzer
//! or a sanitizer, so that `cargo test` catches a regression at once.

use std::path::Path;

use crate::Outcome;

/// Runs every file of the target's seeds and regressions. Seeds must not be
/// skipped, and some seed must be accepted: otherwise the fuzzer would
/// start from nothing that reaches past the first check.
fn replay(target: &str, run: fn(&[u8]) -> Outcome) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = 0;
    let mut accepted = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("listing a corpus folder").path();
            let bytes = std::fs::read(&path).expect("reading a corpus file");
            let outcome = run(&bytes);
            eprintln!("{target}: {} {outcome:?}", path.display());
            if dir == "seeds" {
                assert_ne!(outcome, Outcome::Skipped, "seed {} is skipped", path.display());
                seeds += 1;
                accepted += usize::from(outcome == Outcome::Accepted);
            }
        }
    }
    assert!(seeds > 0, "no seeds for {target}: run fuzz/make-seeds.sh");
    assert!(accepted > 0, "no seed of {target} is accepted");
}

#[test]
fn invite_text() {
    replay("invite_text", crate::invite_text);
}

#[test]
fn invite_cbor() {
    replay("invite_cbor", crate::invite_cbor);
}

#[test]
fn message() {
    replay("message", crate::message);
}

#[test]
fn frame() {
    replay("frame", crate::frame);
}

#[test]
fn npki_cert() {
    replay("npki_cert", crate::npki_cert);
}

#[test]
fn npki_key() {
    replay("npki_key", crate::npki_key);
}

#[test]
fn npki_pkcs8() {
    replay("npki_pkcs8", crate::npki_pkcs8);
}

#[test]
fn pfx_import() {
    replay("pfx_import", crate::pfx_import);
}

#[test]
fn relay_request() {
    replay("relay_request", crate::relay_request);
}
