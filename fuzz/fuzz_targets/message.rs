//! libFuzzer entry point; the target's body is `certbridge_fuzz::message`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| -> libfuzzer_sys::Corpus { certbridge_fuzz::message(data).into() });
