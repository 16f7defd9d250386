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

/// One test per target, named after it.
macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            replay(stringify!($target), crate::$target);
        }
    )*};
}

replay_tests!(
    invite_text,
    invite_cbor,
    message,
    frame,
    npki_cert,
    npki_key,
    npki_pkcs8,
    pfx_import,
    relay_request,
);
