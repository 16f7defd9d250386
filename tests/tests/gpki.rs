//! 행정전자서명 (GPKI) and 교육 EPKI certificates through the real binaries:
//! listed, inspected, checked and changed by their `_sig.cer`, and moved PC
//! to PC (and to a scanner that plays the phone), arriving in their own
//! layout with the same file names and bytes, beside other holders' files.
//! The certificates are made by OpenSSL (`scripts/make-gpki-fixtures.sh`).

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;

use certbridge_e2e::{Proc, in_ci, pass_the_number, run_typed, which, workspace_root};

const HONG: &str = "085홍길동003";
const KIM: &str = "131김철수001";
const LEE: &str = "edu이영희007";

/// The fixtures, made once and kept in cargo's scratch folder for the tests
/// of this file (five RSA keys take OpenSSL seconds, and nextest runs each
/// test in a process of its own); a new script makes new ones. Tests that
/// change files work on copies.
fn fixtures(_scratch: &Path) -> Option<PathBuf> {
    if which("openssl").is_none() {
        assert!(!in_ci(), "openssl is missing in CI");
        eprintln!("skipping: openssl not found");
        return None;
    }
    let script = workspace_root().join("scripts/make-gpki-fixtures.sh");
    let digest = std::fs::read(&script).unwrap().iter().fold(0u64, |h, b| h.wrapping_mul(1_099_511_628_211).wrapping_add(u64::from(*b)));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gpki-fixtures-{digest:016x}"));
    if !dir.is_dir() {
        let making = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let status = Command::new("bash").arg(&script).arg(making.path()).stdout(std::process::Stdio::null()).status().unwrap();
        assert!(status.success(), "make-gpki-fixtures.sh failed");
        // Another test may have got there first: its copy is as good.
        let _ = std::fs::rename(making.keep(), &dir);
    }
    Some(dir)
}

fn class2(root: &Path, layout: &str) -> PathBuf {
    root.join(layout).join("Certificate").join("class2")
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn holder_files(dir: &Path, id: &str) -> Vec<(String, Vec<u8>)> {
    files(dir).into_iter().filter(|(n, _)| n.starts_with(id)).collect()
}

#[test]
fn a_gpki_certificate_moves_pc_to_pc_into_the_gpki_folder_beside_others() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let pc = tmp.path().join("second-pc");
    // The receiving PC already holds a colleague's certificate there.
    let there = class2(&pc, "GPKI");
    std::fs::create_dir_all(&there).unwrap();
    for ext in ["_sig.cer", "_sig.key"] {
        std::fs::copy(class2(&fx, "GPKI").join(format!("{KIM}{ext}")), there.join(format!("{KIM}{ext}"))).unwrap();
    }
    let colleague = files(&there);
    let (mut desktop, text) = Proc::desktop_receive(&pc.join("NPKI"), &[]);
    let sig = class2(&fx, "GPKI").join(format!("{HONG}_sig.cer"));
    let mut scanner = Proc::scan_sending(&text, &sig, &["--yes"]);
    pass_the_number(&mut desktop, &mut scanner);
    let done = desktop.expect("done");
    assert_eq!(done["items"][0]["status"], "installed", "{done}");
    assert!(done["items"][0]["folder"].as_str().unwrap().ends_with(&format!("GPKI/Certificate/class2/{HONG}_sig.cer")), "{done}");
    assert_eq!(scanner.wait().code(), Some(0));
    // Both pairs, with their own names and bytes; the colleague untouched;
    // nothing in the NPKI tree.
    assert_eq!(holder_files(&there, HONG), holder_files(&class2(&fx, "GPKI"), HONG));
    assert_eq!(holder_files(&there, HONG).len(), 4);
    assert_eq!(holder_files(&there, KIM), colleague);
    assert!(!pc.join("NPKI").exists());
}

#[test]
fn a_pc_exports_gpki_and_epki_certificates_to_the_scanning_device() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let phone = tmp.path().join("phone");
    for (layout, id) in [("GPKI", KIM), ("EPKI", LEE)] {
        let sig = class2(&fx, layout).join(format!("{id}_sig.cer"));
        let (mut desktop, text) = Proc::desktop_send(&sig, &[]);
        let mut scanner = Proc::scan_into("scanner", &text, &phone.join("NPKI"), &[]);
        pass_the_number(&mut desktop, &mut scanner);
        let done = scanner.expect("done");
        assert_eq!(done["items"][0]["status"], "installed", "{done}");
        assert_eq!(desktop.wait().code(), Some(0));
        assert_eq!(holder_files(&class2(&phone, layout), id), holder_files(&class2(&fx, layout), id));
    }
    assert!(!phone.join("NPKI").exists());
}

#[test]
fn gpki_certificates_are_listed_inspected_checked_and_changed_by_their_sig_cer() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let password = std::fs::read_to_string(fx.join("password")).unwrap();
    let roots = [fx.join("GPKI"), fx.join("EPKI")];
    let root_args: Vec<String> = roots.iter().flat_map(|r| ["--npki-root".to_owned(), r.to_str().unwrap().to_owned()]).collect();
    let mut args = vec!["list", "--json"];
    args.extend(root_args.iter().map(String::as_str));
    let (code, out, _) = run_typed("en", &args, "", &[]);
    assert_eq!(code, Some(0));
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let certs = listed["certificates"].as_array().unwrap();
    let mut seen: Vec<(String, String)> =
        certs.iter().map(|c| (c["layout"].as_str().unwrap().to_owned(), c["id"].as_str().unwrap().to_owned())).collect();
    seen.sort();
    assert_eq!(seen, [("epki".to_owned(), LEE.to_owned()), ("gpki".into(), HONG.into()), ("gpki".into(), KIM.into())]);
    let hong = certs.iter().find(|c| c["id"] == HONG).unwrap();
    assert_eq!(hong["holder"], "홍길동");
    assert_eq!(hong["has_km"], true, "both pairs present");
    assert_eq!(hong["issuer_body"]["ko"], "행정안전부");
    assert_eq!(certs.iter().find(|c| c["id"] == KIM).unwrap()["has_km"], false);
    // In words, in Korean.
    let mut args = vec!["list"];
    args.extend(root_args.iter().map(String::as_str));
    let (_, text, _) = run_typed("ko", &args, "", &[]);
    assert!(text.contains("행정전자서명 인증서 (GPKI)") && text.contains("교육 전자서명 인증서 (EPKI)"), "{text}");
    assert!(text.contains("행정기관 개인용") && text.contains("행정안전부 (CA131000001)"), "{text}");

    // A copy to change, so the fixtures stay as they are.
    let copy = tmp.path().join("copy");
    let copy_dir = class2(&copy, "GPKI");
    std::fs::create_dir_all(&copy_dir).unwrap();
    for (name, bytes) in files(&class2(&fx, "GPKI")) {
        std::fs::write(copy_dir.join(name), bytes).unwrap();
    }
    let sig = copy_dir.join(format!("{HONG}_sig.cer"));
    let s = sig.to_str().unwrap();
    let (code, out, _) = run_typed("en", &["inspect", s, "--json"], "", &[]);
    assert_eq!(code, Some(0));
    let inspected: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(inspected["key_encryption"]["scheme"], "pbes2-seed", "the NPKI scheme opens GPKI keys");
    assert_eq!(run_typed("en", &["check-password", s, "--password-stdin"], &format!("{password}\n"), &[]).0, Some(0));
    assert_eq!(run_typed("en", &["check-password", s, "--password-stdin"], "wrong\n", &[]).0, Some(3));
    let kim_before = holder_files(&copy_dir, KIM);
    let (code, _, err) = run_typed("en", &["passwd", s, "--password-stdin"], &format!("{password}\nA-new-one-2026!\n"), &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(run_typed("en", &["check-password", s, "--password-stdin"], "A-new-one-2026!\n", &[]).0, Some(0));
    assert_eq!(holder_files(&copy_dir, KIM), kim_before, "the colleague's files did not change");
    let pfx = tmp.path().join("hong.pfx");
    let (code, out, err) = run_typed("en", &["export-pfx", s, "-o", pfx.to_str().unwrap(), "--password-stdin"], "A-new-one-2026!\n", &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(pfx.is_file());
}

#[test]
fn a_gpki_folder_of_several_holders_offers_them_and_one_holder_is_sent() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let dir = class2(&fx, "GPKI");
    let (code, out, _) = run_typed("en", &["send", dir.to_str().unwrap(), "--json", "--listen", "127.0.0.1"], "", &[]);
    assert_eq!(code, Some(1));
    let error: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(error["kind"], "folder_ambiguous");
    let named: Vec<&str> = error["folders"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(named.len(), 2, "{error}");
    assert!(named.iter().any(|f| f.ends_with(&format!("{HONG}_sig.cer"))) && named.iter().any(|f| f.ends_with(&format!("{KIM}_sig.cer"))));
    // The EPKI folder holds one holder: it is sent.
    let (mut desktop, _) = Proc::desktop_send(&class2(&fx, "EPKI"), &[]);
    desktop.kill();
}
