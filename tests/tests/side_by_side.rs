//! The side-by-side comparison's brief run (`scripts/side-by-side.py`): one
//! complete transfer of the same certificate folder with each tool on
//! 127.0.0.1: `certbridge send`/`scan` over the LAN path and through a real
//! `certbridge-relay`, and magic-wormhole (`wormhole send`/`receive` through
//! its own mailbox server and transit relay, from PyPI). Each must arrive
//! byte for byte. Where a network namespace can be made (root, as in CI),
//! the receiving side goes through the latency proxy with no delay, so the
//! round-trip counting runs too: CertBridge's LAN path must show one round
//! trip from the scan to the verification number and one from the
//! confirmation to done. The timed comparison, with 50 ms round trips, is
//! `scripts/bench-side-by-side.sh`.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::PathBuf;
use std::process::Command;

use certbridge_e2e::{bench_python, certbridge, relay_bin, workspace_root};

/// The folder to move, and whether it needs `--allow-expired`.
fn certificate(tmp: &std::path::Path) -> (PathBuf, bool) {
    let base = std::env::var_os("CERTBRIDGE_TESTVECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/testvectors"));
    let vector = base.join("npki-yessign-test");
    if vector.join("signCert.der").is_file() {
        return (vector, true); // expired in 2020
    }
    let fixtures = tmp.join("fixtures");
    let status = Command::new(workspace_root().join("scripts/make-npki-fixtures.sh"))
        .arg(&fixtures)
        .status()
        .unwrap();
    assert!(status.success(), "scripts/make-npki-fixtures.sh failed");
    (fixtures.join("demo"), false)
}

/// True when this process may make a network namespace.
fn can_make_netns() -> bool {
    Command::new("unshare").args(["--net", "true"]).status().is_ok_and(|s| s.success())
}

#[test]
fn one_transfer_each_with_certbridge_and_magic_wormhole() {
    let Some(python) = bench_python() else { return };
    let wormhole = python.with_file_name("wormhole");
    let tmp = tempfile::tempdir().unwrap();
    let (cert, expired) = certificate(tmp.path());
    let report = tmp.path().join("side-by-side.json");
    let proxied = can_make_netns();
    let mut cmd = Command::new(&python);
    cmd.arg(workspace_root().join("scripts/side-by-side.py"))
        .arg("--certbridge")
        .arg(certbridge())
        .arg("--relay")
        .arg(relay_bin())
        .arg("--wormhole")
        .arg(&wormhole)
        .arg("--cert")
        .arg(&cert)
        .args(["--rounds", "1", "--brief", "--json"])
        .arg(&report);
    if expired {
        cmd.arg("--allow-expired");
    }
    if proxied {
        cmd.args(["--rtt-ms", "0"]);
    } else {
        eprintln!("note: cannot make a network namespace here; transfers are not proxied");
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "side-by-side.py failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));

    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let results = v["results"].as_array().unwrap();
    let runs: Vec<(&str, &str)> =
        results.iter().map(|r| (r["tool"].as_str().unwrap(), r["path"].as_str().unwrap())).collect();
    assert_eq!(runs, [("certbridge", "lan"), ("magic-wormhole", "default"), ("certbridge", "relay")]);
    for r in results {
        assert_eq!(r["identical"], true, "{r}");
    }
    if proxied {
        let lan = &results[0];
        for phase in ["scan_to_number", "confirm_to_done"] {
            assert_eq!(lan[phase]["round_trips"], 1, "certbridge LAN, {phase}: {}", lan[phase]);
        }
        assert!(results[1]["tcp_connections"].as_u64().unwrap() >= 1, "magic-wormhole bypassed the proxy");
    }
}
