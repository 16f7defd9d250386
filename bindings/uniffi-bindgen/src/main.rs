//! `uniffi-bindgen generate <lib> --language kotlin|swift|python --out-dir DIR`,
//! pinned to the workspace's UniFFI version so generated code always
//! matches the library's scaffolding.

fn main() {
    uniffi::uniffi_bindgen_main()
}
