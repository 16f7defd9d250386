//! Two real `certbridge` processes on 127.0.0.1: a desktop (`send` or
//! `receive`) and a scanner (`scan`), moving the shared test vector.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::Path;

use certbridge_e2e::{Proc, folders, in_ci, pass_the_number, run, test_vector, tree, which};

const VECTOR: &str = "npki-yessign-test";
const FILES: [&str; 2] = ["signCert.der", "signPri.key"];

/// Checks that `root` holds exactly the vector's files, in one NPKI
/// certificate folder under `yessign/USER/`.
fn assert_installed(root: &Path, vector: &Path) -> String {
    let installed = tree(root);
    assert_eq!(
        installed.len(),
        FILES.len(),
        "installed: {:?}",
        installed.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let folder = Path::new(&installed[0].0).parent().unwrap().to_path_buf();
    assert!(folder.starts_with("yessign/USER"), "folder {folder:?}");
    let name = folder.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("cn="), "subject folder {name:?}");
    for file in FILES {
        let got = std::fs::read(root.join(&folder).join(file)).unwrap();
        let want = std::fs::read(vector.join(file)).unwrap();
        assert!(got == want, "{file} differs from the vector");
    }
    name
}

fn decode_with_zbar(png: &Path) -> Option<String> {
    let Some(zbarimg) = which("zbarimg") else {
        assert!(
            !in_ci(),
            "zbarimg is missing in CI; .ci/run installs zbar-tools"
        );
        eprintln!("skipping the zbarimg check: install zbar-tools to run it");
        return None;
    };
    let out = std::process::Command::new(zbarimg)
        .args(["--raw", "-q"])
        .arg(png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zbarimg failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap().trim_end().to_owned())
}

#[test]
fn export_desktop_sends_the_vector_byte_for_byte() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let png = tmp.path().join("invite.png");
    let root = tmp.path().join("phone-npki");
    let vector_s = vector.to_str().unwrap();
    let mut desktop = Proc::start(
        "desktop",
        &[
            "send",
            vector_s,
            "--allow-expired",
            "--json",
            "--listen",
            "127.0.0.1",
            "--name",
            "Test PC",
            "--qr-png",
            png.to_str().unwrap(),
        ],
        &[],
    );
    let invite = desktop.expect("invite");
    let text = invite["text"].as_str().unwrap().to_owned();
    assert!(text.starts_with("CERTBRIDGE:/"));
    assert!(invite["qr_version"].as_u64().unwrap() <= 7, "{invite}");
    assert!(invite["expires_at"].as_str().unwrap().ends_with('Z'));
    if let Some(decoded) = decode_with_zbar(&png) {
        assert_eq!(decoded, text, "zbarimg reads the QR as the invite text");
    }

    let mut scanner = Proc::scan_into("scanner", &text, &root, &["--name", "Test phone"]);
    let connected = scanner.expect("connected");
    assert_eq!(connected["peer"], "Test PC");
    assert_eq!(connected["path"], "lan");
    pass_the_number(&mut desktop, &mut scanner);

    let done = scanner.expect("done");
    assert_eq!(scanner.wait().code(), Some(0));
    let sent = desktop.expect("done");
    assert_eq!(desktop.wait().code(), Some(0));

    let folder = assert_installed(&root, &vector);
    let item = &done["items"][0];
    assert_eq!(item["status"], "installed");
    assert!(item["folder"].as_str().unwrap().ends_with(&folder));
    assert_eq!(sent["items"][0]["status"], "installed");
    assert_eq!(
        sent["items"][0]["sha256"], item["sha256"],
        "both sides agree on the digests"
    );
    assert_eq!(item["sha256"].as_object().unwrap().len(), 2);
}

#[test]
fn import_desktop_receives_from_a_scanned_qr_image() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let png = tmp.path().join("invite.png");
    let root = tmp.path().join("pc-npki");
    let (mut desktop, text) = Proc::desktop_receive(&root, &["--qr-png", png.to_str().unwrap()]);
    let mut scanner = Proc::start(
        "scanner",
        &[
            "scan",
            "--qr-image",
            png.to_str().unwrap(),
            "--cert",
            vector.to_str().unwrap(),
            "--allow-expired",
            "--yes",
            "--json",
        ],
        &[],
    );
    pass_the_number(&mut desktop, &mut scanner);
    let done = desktop.expect("done");
    assert_eq!(desktop.wait().code(), Some(0));
    assert_eq!(scanner.wait().code(), Some(0));
    assert!(!text.is_empty());
    assert_installed(&root, &vector);
    assert_eq!(done["items"][0]["status"], "installed");

    // The same certificate again: a duplicate, nothing changed.
    let before = tree(&root);
    let (mut desktop, text) = Proc::desktop_receive(&root, &[]);
    let mut scanner = Proc::scan_sending(&text, &vector, &["--yes"]);
    pass_the_number(&mut desktop, &mut scanner);
    assert_eq!(desktop.expect("done")["items"][0]["status"], "duplicate");
    assert_eq!(desktop.wait().code(), Some(0));
    assert_eq!(tree(&root), before);
}

#[test]
fn three_wrong_numbers_stop_both_sides_and_write_nothing() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("phone-npki");
    let (mut desktop, text) = Proc::desktop_send(&vector, &[]);
    let mut scanner = Proc::scan_into("scanner", &text, &root, &[]);
    let code: u32 = scanner.expect("verification_code")["code"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let wrong = format!("{:06}", (code + 1) % 1_000_000);
    for left in [3, 2, 1] {
        assert_eq!(desktop.expect("enter_code")["attempts_left"], left);
        desktop.type_line(&wrong);
    }
    assert_eq!(desktop.fails_with(), "code_mismatch");
    assert_eq!(scanner.fails_with(), "peer_aborted");
    assert!(
        folders(&root).is_empty(),
        "nothing may be written: {:?}",
        folders(&root)
    );
}

#[test]
fn a_second_scanner_is_refused_and_the_first_completes() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (first_root, second_root) = (tmp.path().join("first"), tmp.path().join("second"));
    let (mut desktop, text) = Proc::desktop_send(&vector, &[]);
    let mut first = Proc::scan_into("first", &text, &first_root, &[]);
    let code = first.expect("verification_code")["code"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut second = Proc::scan_into("second", &text, &second_root, &[]);
    assert_eq!(second.fails_with(), "refused");

    desktop.expect("enter_code");
    desktop.type_line(&code);
    assert_eq!(first.wait().code(), Some(0));
    assert_eq!(desktop.wait().code(), Some(0));
    assert_installed(&first_root, &vector);
    assert!(folders(&second_root).is_empty());
}

#[test]
fn a_scanner_killed_mid_session_leaves_no_folder_on_the_desktop() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("pc-npki");
    let (mut desktop, text) = Proc::desktop_receive(&root, &[]);
    let mut scanner = Proc::scan_sending(&text, &vector, &[]);
    scanner.expect("consent_required");
    desktop.expect("enter_code");
    scanner.kill();
    assert_eq!(desktop.fails_with(), "disconnected");
    assert!(folders(&root).is_empty(), "{:?}", folders(&root));
}

#[test]
fn a_desktop_killed_mid_session_leaves_no_folder_on_the_scanner() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("phone-npki");
    let (mut desktop, text) = Proc::desktop_send(&vector, &[]);
    let mut scanner = Proc::scan_into("scanner", &text, &root, &[]);
    scanner.expect("verification_code");
    desktop.kill();
    assert_eq!(scanner.fails_with(), "disconnected");
    assert!(folders(&root).is_empty());
}

#[test]
fn declining_consent_sends_nothing() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("pc-npki");
    let (mut desktop, text) = Proc::desktop_receive(&root, &[]);
    let mut scanner = Proc::scan_sending(&text, &vector, &[]);
    // Consent comes first: the number is shown only to a user who agreed.
    let consent = scanner.expect("consent_required");
    assert_eq!(consent["items"].as_array().unwrap().len(), 1);
    desktop.expect("enter_code");
    scanner.type_line("n");
    assert_eq!(scanner.fails_with(), "declined");
    assert_eq!(desktop.fails_with(), "peer_aborted");
    assert!(folders(&root).is_empty());
}

#[test]
fn a_folder_without_its_key_is_refused_before_any_code_is_shown() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let half = tmp.path().join("half");
    std::fs::create_dir(&half).unwrap();
    std::fs::copy(vector.join("signCert.der"), half.join("signCert.der")).unwrap();
    let (code, stdout, _) = run(
        &[
            "send",
            half.to_str().unwrap(),
            "--allow-expired",
            "--json",
            "--listen",
            "127.0.0.1",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(
        !stdout.contains("\"invite\""),
        "no code may be shown: {stdout}"
    );
    let error: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(error["event"], "error");
    assert!(
        error["message"].as_str().unwrap().contains("signPri.key"),
        "{error}"
    );

    // And in text mode, the message names the file too, on stderr.
    let (code, stdout, stderr) = run(
        &[
            "send",
            half.to_str().unwrap(),
            "--allow-expired",
            "--listen",
            "127.0.0.1",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains("signPri.key"), "{stderr}");
    assert!(!stdout.contains('█'), "no QR code may be drawn");
}

#[test]
fn an_expired_certificate_is_refused_unless_allowed() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let (code, stdout, _) = run(
        &[
            "send",
            vector.to_str().unwrap(),
            "--json",
            "--listen",
            "127.0.0.1",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(stdout.contains("\"expired_certificate\""), "{stdout}");
    assert!(stdout.contains("--allow-expired"), "{stdout}");
}

#[test]
fn usage_errors_exit_with_2() {
    let (code, _, stderr) = run(&["send"], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, _, _) = run(&["scan"], &[]);
    assert_eq!(code, Some(2));
    let (code, _, _) = run(&["frobnicate"], &[]);
    assert_eq!(code, Some(2));
}

fn openssl_fixtures(dir: &Path) -> Option<std::path::PathBuf> {
    certbridge_e2e::openssl_fixtures(dir).map(|d| d.join("demo"))
}

#[test]
fn a_valid_hangul_certificate_moves_pc_to_pc_without_extra_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(cert) = openssl_fixtures(&tmp.path().join("fixtures")) else {
        return;
    };
    let root = tmp.path().join("second-pc");
    let (mut desktop, text) = Proc::start(
        "desktop",
        &[
            "send",
            cert.to_str().unwrap(),
            "--json",
            "--listen",
            "127.0.0.1",
        ],
        &[],
    )
    .with_invite();
    // The install root comes from the environment here.
    let mut scanner = Proc::start(
        "scanner",
        &["scan", &text, "--json"],
        &[("CERTBRIDGE_NPKI_ROOT", &root)],
    );
    pass_the_number(&mut desktop, &mut scanner);
    let done = scanner.expect("done");
    assert_eq!(scanner.wait().code(), Some(0));
    assert_eq!(desktop.wait().code(), Some(0));
    let folder = done["items"][0]["folder"].as_str().unwrap();
    assert!(
        folder.contains(
            "cn=홍길동()0001041820250101000001,ou=CertBridge test,ou=personal4IB,o=yessign,c=kr"
        ),
        "{folder}"
    );
    for file in FILES {
        assert_eq!(
            std::fs::read(Path::new(folder).join(file)).unwrap(),
            std::fs::read(cert.join(file)).unwrap()
        );
    }
}

/// A copy of the vector's files in `dir`, as a PC's own certificate folder.
fn pc_copy(vector: &Path, dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for file in FILES {
        std::fs::copy(vector.join(file), dir.join(file)).unwrap();
    }
    dir.to_path_buf()
}

#[test]
fn a_move_deletes_the_pcs_copy_once_the_phone_confirms_it() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mine = pc_copy(&vector, &tmp.path().join("pc/yessign/USER/cn=test"));
    let root = tmp.path().join("phone-npki");
    let (mut desktop, text) = Proc::desktop_send(&mine, &["--move"]);
    let mut scanner = Proc::scan_into("scanner", &text, &root, &[]);
    pass_the_number(&mut desktop, &mut scanner);
    scanner.expect("done");
    assert_eq!(scanner.wait().code(), Some(0));
    let sent = desktop.expect("done");
    assert_eq!(desktop.wait().code(), Some(0));
    assert_eq!(sent["items"][0]["removed"], true, "{sent}");
    assert!(!mine.exists(), "the PC's copy is gone");
    assert!(mine.parent().unwrap().is_dir(), "its USER folder stays");
    assert_installed(&root, &vector);
}

#[test]
fn a_move_the_phone_refuses_keeps_the_pcs_copy() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mine = pc_copy(&vector, &tmp.path().join("pc"));
    // The phone already holds a different certificate under the same name.
    let root = tmp.path().join("phone-npki");
    let (mut first, text) = Proc::desktop_send(&vector, &[]);
    let mut scanner = Proc::scan_into("scanner", &text, &root, &[]);
    pass_the_number(&mut first, &mut scanner);
    assert_eq!(scanner.wait().code(), Some(0));
    assert_eq!(first.wait().code(), Some(0));
    let folder = root.join("yessign/USER").join(assert_installed(&root, &vector));
    std::fs::write(folder.join("signPri.key"), b"another key").unwrap();

    let (mut desktop, text) = Proc::desktop_send(&mine, &["--move"]);
    let mut scanner = Proc::scan_into("scanner", &text, &root, &[]);
    pass_the_number(&mut desktop, &mut scanner);
    let sent = desktop.expect("done");
    assert_eq!(sent["items"][0]["status"], "rejected");
    assert!(sent["items"][0].get("removed").is_none(), "{sent}");
    let _ = desktop.wait();
    let _ = scanner.wait();
    for file in FILES {
        assert_eq!(std::fs::read(mine.join(file)).unwrap(), std::fs::read(vector.join(file)).unwrap());
    }
}

#[test]
fn a_pc_to_pc_import_can_move_the_scanning_pcs_copy() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mine = pc_copy(&vector, &tmp.path().join("old-pc"));
    let root = tmp.path().join("new-pc-npki");
    let (mut desktop, text) = Proc::desktop_receive(&root, &[]);
    let mut scanner = Proc::scan_sending(&text, &mine, &["--yes", "--move"]);
    pass_the_number(&mut desktop, &mut scanner);
    let done = scanner.expect("done");
    assert_eq!(scanner.wait().code(), Some(0));
    assert_eq!(desktop.wait().code(), Some(0));
    assert_eq!(done["items"][0]["removed"], true);
    assert!(!mine.exists());
    assert_installed(&root, &vector);
}
