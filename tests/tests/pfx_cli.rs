//! `certbridge export-pfx` and `import-pfx` as a user runs them, checked
//! with OpenSSL and by moving a certificate out and back in.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::{Command, Stdio};

use certbridge_e2e::{certbridge, folders, test_vector, tree, type_into};

const VECTOR: &str = "npki-yessign-test";

fn password(dir: &Path) -> String {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    v["password"].as_str().unwrap().to_owned()
}

/// Runs certbridge with `stdin` typed in: (exit code, stdout, stderr).
fn run_with(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let mut child = Command::new(certbridge())
        .args(args)
        .env_remove("CERTBRIDGE_NPKI_ROOT")
        .env("CERTBRIDGE_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    type_into(child.stdin.take(), &format!("{stdin}\n"));
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `certbridge export-pfx DIR -o OUT --password-stdin EXTRA` with
/// `password` typed in.
fn export_pfx(
    dir: &Path,
    out: &Path,
    extra: &[&str],
    password: &str,
) -> (Option<i32>, String, String) {
    let mut args = vec![
        "export-pfx",
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--password-stdin",
    ];
    args.extend_from_slice(extra);
    run_with(&args, password)
}

/// `certbridge import-pfx PFX --install-root ROOT --password-stdin` with
/// `password` typed in.
fn import_pfx(pfx: &Path, root: &Path, password: &str) -> (Option<i32>, String, String) {
    run_with(
        &[
            "import-pfx",
            pfx.to_str().unwrap(),
            "--install-root",
            root.to_str().unwrap(),
            "--password-stdin",
        ],
        password,
    )
}

#[test]
fn export_then_import_moves_the_certificate_with_its_password_and_r() {
    let Some(dir) = test_vector(VECTOR) else {
        return;
    };
    let pw = password(&dir);
    let tmp = tempfile::tempdir().unwrap();
    for legacy in [false, true] {
        let pfx = tmp
            .path()
            .join(if legacy { "legacy.p12" } else { "modern.pfx" });
        let extra: &[&str] = if legacy { &["--legacy"] } else { &[] };
        let (code, stdout, stderr) = export_pfx(&dir, &pfx, extra, &pw);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stdout.contains("Saved"), "{stdout}");
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(
                &std::fs::metadata(&pfx).unwrap().permissions()
            ) & 0o777,
            0o600
        );

        let root = tmp.path().join(if legacy { "root-legacy" } else { "root" });
        let (code, stdout, stderr) = import_pfx(&pfx, &root, &pw);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(!stderr.contains("no R"), "R must survive: {stderr}");
        let folder = root.join("yessign/USER/cn=HKD(KILDONG.HONG)009104120200225191000030,ou=INITECH,ou=personal4IB,o=yessign,c=kr");
        assert!(stdout.contains("Installed"), "{stdout}");
        assert_eq!(
            std::fs::read(folder.join("signCert.der")).unwrap(),
            std::fs::read(dir.join("signCert.der")).unwrap()
        );
        // The installed key opens with the same password.
        let (code, _, stderr) = run_with(
            &[
                "check-password",
                folder.to_str().unwrap(),
                "--password-stdin",
            ],
            &pw,
        );
        assert_eq!(code, Some(0), "{stderr}");

        // Importing again changes nothing.
        let before = tree(&root);
        let (code, stdout, _) = import_pfx(&pfx, &root, &pw);
        assert_eq!(code, Some(0));
        assert!(stdout.contains("already installed"), "{stdout}");
        assert_eq!(tree(&root), before);
    }
}

#[test]
fn the_vectors_pfx_installs_and_its_key_opens() {
    let Some(dir) = test_vector(VECTOR) else {
        return;
    };
    let pw = password(&dir);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("NPKI");
    let pfx = dir.join("cert.pfx");
    let (code, _, stderr) = import_pfx(&pfx, &root, &pw);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, _) = run_with(
        &["list", "--npki-root", root.to_str().unwrap(), "--json"],
        "",
    );
    assert_eq!(code, Some(0));
    let listing: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(listing["certificates"].as_array().unwrap().len(), 1);
    assert_eq!(listing["certificates"][0]["serial_hex"], "459C75");
}

#[test]
fn wrong_passwords_and_bad_files_change_nothing() {
    let Some(dir) = test_vector(VECTOR) else {
        return;
    };
    let pw = password(&dir);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("NPKI");
    let out = tmp.path().join("out.pfx");

    // Export with a wrong password: exit 3, no file.
    let (code, _, stderr) = export_pfx(&dir, &out, &[], "wrong");
    assert_eq!(code, Some(3), "{stderr}");
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "no temporary file left"
    );

    // Import with a wrong password: exit 3, nothing installed.
    let pfx = dir.join("cert.pfx");
    let (code, _, stderr) = import_pfx(&pfx, &root, "비밀번호");
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("password is wrong"), "{stderr}");
    assert!(folders(&root).is_empty());

    // A truncated file: a clear error, exit 1.
    let cut = tmp.path().join("cut.pfx");
    let bytes = std::fs::read(&pfx).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, _, stderr) = import_pfx(&cut, &root, &pw);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("damaged or is not a PKCS#12"), "{stderr}");
    assert!(folders(&root).is_empty());

    // An existing output is never overwritten silently.
    std::fs::write(&out, b"keep me").unwrap();
    let (code, _, stderr) = export_pfx(&dir, &out, &[], &pw);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    let (code, _, stderr) = export_pfx(&dir, &out, &["--force"], &pw);
    assert_eq!(code, Some(0), "{stderr}");
    assert_ne!(std::fs::read(&out).unwrap(), b"keep me");
}

#[test]
fn openssl_reads_the_exported_file() {
    let Some(dir) = test_vector(VECTOR) else {
        return;
    };
    if certbridge_e2e::which("openssl").is_none() {
        assert!(!certbridge_e2e::in_ci(), "openssl is required in CI");
        eprintln!("skipping: openssl not installed");
        return;
    }
    let pw = password(&dir);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.pfx");
    let (code, _, stderr) = export_pfx(&dir, &out, &["--legacy"], &pw);
    assert_eq!(code, Some(0), "{stderr}");
    let info = Command::new("openssl")
        .args(["pkcs12", "-info", "-nodes", "-legacy", "-passin"])
        .arg(format!("pass:{pw}"))
        .arg("-in")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        info.status.success(),
        "{}",
        String::from_utf8_lossy(&info.stderr)
    );
    let text =
        String::from_utf8_lossy(&info.stdout).into_owned() + &String::from_utf8_lossy(&info.stderr);
    assert!(text.contains("pbeWithSHA1And3-KeyTripleDES-CBC"), "{text}");
    assert!(
        text.contains("1.2.410.200004.10.1.1.3: 78 58 B4 32"),
        "R as a key attribute: {text}"
    );
}

#[test]
fn openssl_made_files_import_with_a_warning_about_r() {
    let tmp = tempfile::tempdir().unwrap();
    let script = certbridge_e2e::workspace_root().join("scripts/make-npki-fixtures.sh");
    let fixtures = tmp.path().join("fx");
    let made = Command::new("bash")
        .arg(script)
        .arg(&fixtures)
        .output()
        .unwrap();
    if !made.status.success() {
        assert!(
            !certbridge_e2e::in_ci(),
            "fixtures failed: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        eprintln!("skipping: OpenSSL fixtures failed");
        return;
    }
    let pw = std::fs::read_to_string(fixtures.join("password")).unwrap();
    for name in ["demo.pfx", "demo-legacy.pfx"] {
        let root = tmp.path().join(format!("root-{name}"));
        let (code, stdout, stderr) = import_pfx(&fixtures.join(name), &root, &pw);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert!(stdout.contains("홍길동"), "{stdout}");
        assert!(
            stderr.contains("no R"),
            "OpenSSL drops R; the user is told: {stderr}"
        );
        let folder = root
            .join("yessign/USER")
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let (code, _, _) = run_with(
            &[
                "check-password",
                folder.to_str().unwrap(),
                "--password-stdin",
            ],
            &pw,
        );
        assert_eq!(
            code,
            Some(0),
            "{name}: the Hangul password opens the installed key"
        );
    }
}
