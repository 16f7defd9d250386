//! The QR robustness suite's brief run (`scripts/qr-robustness.py`):
//! fresh invites of every variant (one to three LAN addresses, with and
//! without a relay, long Hangul names), drawn by the core at 4 and at 8
//! pixels per module (what `certbridge send --qr-png` writes), undegraded,
//! must be read back exactly by all three decoders: zbarimg, OpenCV (its
//! QRCodeDetectorAruco; the classic QRCodeDetector, which finds no code in
//! about 2% of clean invites, is left to the full run) and rqrr. The full
//! run, with blur, noise, JPEG, rotation, perspective, low contrast and
//! moiré, is `scripts/bench-qr.sh`.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::process::Command;

use certbridge_e2e::{bench_python, in_ci, which, workspace_root};

#[test]
fn clean_codes_are_read_by_all_three_decoders() {
    let Some(python) = bench_python() else { return };
    if which("zbarimg").is_none() {
        assert!(!in_ci(), "zbarimg is missing in CI; scripts/setup-test-tools.sh installs zbar-tools");
        eprintln!("skipping: zbarimg is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("qr.json");
    let out = Command::new(python)
        .arg(workspace_root().join("scripts/qr-robustness.py"))
        .args(["--bin", env!("CARGO_BIN_EXE_qr-robustness")])
        .args(["--samples", "2", "--module-px", "4,8", "--conditions", "clean", "--require-clean", "4,8"])
        .args(["--decoders", "zbarimg,opencv-aruco,rqrr"])
        .arg("--json")
        .arg(&report)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "qr-robustness.py failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // Every decoder was given every code and read it: nothing was skipped.
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    for decoder in ["zbarimg", "opencv-aruco", "rqrr"] {
        for px in ["4", "8"] {
            let cell = &v["counts"][decoder]["clean"][px];
            assert_eq!(cell[1], 8, "{decoder} at {px} px was given {cell} (4 variants × 2 codes)");
            assert_eq!(cell[0], cell[1], "{decoder} at {px} px read {cell}");
        }
    }
}
