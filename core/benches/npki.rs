//! NPKI costs users feel: checking a password (PBKDF1 at 2,048 iterations
//! plus SEED and a PKCS#8 parse) and listing many certificate folders.
//! Needs the shared test vector. `cargo bench -p certbridge-core --bench npki`.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use certbridge_core::npki;

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<40} n={:<4} p50={:>9.3?} p99={:>9.3?}",
        samples.len(),
        p(0.5),
        p(0.99)
    );
}

fn main() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testvectors/npki-yessign-test");
    if !dir.join("signCert.der").is_file() {
        eprintln!("skipping: test vector not found at {}", dir.display());
        return;
    }
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let password = expected["password"].as_str().unwrap().as_bytes().to_vec();
    let item = npki::read_folder(&dir).unwrap();

    let mut right = Vec::new();
    let mut wrong = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        npki::check_password(&item, &password).unwrap();
        right.push(t.elapsed());
        let t = Instant::now();
        npki::check_password(&item, b"wrong").unwrap_err();
        wrong.push(t.elapsed());
    }
    report("check_password, right (2048 iterations)", right);
    report("check_password, wrong", wrong);

    let root = tempfile::tempdir().unwrap();
    for i in 0..1000 {
        let folder = root.path().join(format!("yessign/USER/cn=test{i:04}"));
        std::fs::create_dir_all(&folder).unwrap();
        for f in ["signCert.der", "signPri.key"] {
            std::fs::copy(dir.join(f), folder.join(f)).unwrap();
        }
    }
    let roots = [root.path().to_path_buf()];
    let mut samples = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let listing = npki::list(&roots, SystemTime::now());
        samples.push(t.elapsed());
        assert_eq!(listing.certificates.len(), 1000);
    }
    report("list 1,000 certificate folders (warm)", samples);
}
