//! `certbridge inspect`, `list` and `check-password` on the shared vector.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::{Command, Stdio};

use certbridge_e2e::{certbridge, run, test_vector, type_into};

const VECTOR: &str = "npki-yessign-test";

fn expected(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap()
}

fn check_password(dir: &Path, password: &str) -> Option<i32> {
    let mut child = Command::new(certbridge())
        .args(["check-password", dir.to_str().unwrap(), "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    type_into(child.stdin.take(), &format!("{password}\n"));
    child.wait().unwrap().code()
}

#[test]
fn check_password_exits_0_when_right_3_when_wrong_1_otherwise() {
    let Some(dir) = test_vector(VECTOR) else {
        return;
    };
    let password = expected(&dir)["password"].as_str().unwrap().to_owned();
    assert_eq!(check_password(&dir, &password), Some(0));
    assert_eq!(check_password(&dir, "not-the-password"), Some(3));
    assert_eq!(check_password(&dir, "공동인증서암호"), Some(3));
    assert_eq!(check_password(&dir.join("missing"), &password), Some(1));
}

#[test]
fn inspect_json_carries_the_contract_fields() {
    let Some(dir) = test_vector(VECTOR) else {
        return;
    };
    let (code, stdout, stderr) = run(&["inspect", dir.to_str().unwrap(), "--json"], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let want = expected(&dir);
    assert_eq!(v["subject_dn"], want["subject_dn"]);
    assert_eq!(v["serial_hex"], want["serial_hex"]);
    assert_eq!(v["policy_oid"], want["policy_oid"]);
    assert_eq!(v["usage"]["label_ko"], want["usage_ko"]);
    assert_eq!(v["status"], "expired");
    assert_eq!(v["key_encryption"]["scheme"], "pbes1-seed");
    assert_eq!(
        v["key_encryption"]["iterations"],
        want["signPri_iterations"]
    );
    for field in [
        "issuer_dn",
        "issuer_cn",
        "ca",
        "not_before",
        "not_after",
        "days_left",
        "key_algorithm",
        "key_bits",
        "has_km",
        "folder",
    ] {
        assert!(!v[field].is_null(), "{field} missing in {v}");
    }
}

#[test]
fn list_finds_installed_certificates_and_reports_broken_ones() {
    let Some(dir) = test_vector(VECTOR) else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("yessign/USER/cn=test");
    std::fs::create_dir_all(&folder).unwrap();
    for f in ["signCert.der", "signPri.key"] {
        std::fs::copy(dir.join(f), folder.join(f)).unwrap();
    }
    std::fs::create_dir_all(root.path().join("KICA/USER/cn=broken")).unwrap();
    let (code, stdout, _) = run(
        &[
            "list",
            "--npki-root",
            root.path().to_str().unwrap(),
            "--json",
        ],
        &[],
    );
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["certificates"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["certificates"][0]["subject_cn"],
        expected(&dir)["subject_cn"]
    );
    assert_eq!(v["failures"].as_array().unwrap().len(), 1);
}

#[test]
fn passwd_changes_the_password_and_refuses_a_wrong_one() {
    let Some(dir) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("cert");
    std::fs::create_dir(&copy).unwrap();
    for f in ["signCert.der", "signPri.key"] {
        std::fs::write(copy.join(f), std::fs::read(dir.join(f)).unwrap()).unwrap();
    }
    let old = expected(&dir)["password"].as_str().unwrap().to_owned();
    let passwd = |lines: &str| {
        let mut child = Command::new(certbridge())
            .args(["passwd", copy.to_str().unwrap(), "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        type_into(child.stdin.take(), lines);
        child.wait().unwrap().code()
    };
    assert_eq!(passwd("wrong\nnew-one\n"), Some(3));
    assert_eq!(
        check_password(&copy, &old),
        Some(0),
        "unchanged after a wrong password"
    );
    assert_eq!(passwd(&format!("{old}\n새암호-1234\n")), Some(0));
    assert_eq!(check_password(&copy, &old), Some(3));
    assert_eq!(check_password(&copy, "새암호-1234"), Some(0));
}
