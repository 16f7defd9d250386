//! `certbridge` as a Korean user meets it, through the real binary in text
//! mode: whole sessions in Korean and English, local times, Ctrl-C reaching
//! the other side, every bad input explained in plain words (never the
//! program's insides), folders that hold several certificates, Hangul
//! folder names in NFD, conflicts, and password changes.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};

use certbridge_core::{HostInvite, InviteSecret, Mode};
use certbridge_e2e::{Proc, TextProc, folders, openssl_fixtures, run_typed, test_vector, vector_password};

const VECTOR: &str = "npki-yessign-test";

/// Text that means a program's insides reached the user.
const INTERNALS: [&str; 17] = [
    "Error {", "kind:", "Os {", "Io(", "Some(", "None", "::", "Syntax(", "NomError", "WebSocket", "tungstenite",
    "Custom {", "panicked", "RUST_BACKTRACE", "Utf8Error", "ParseIntError", "\x1b",
];

fn assert_plain(what: &str, text: &str) {
    for bad in INTERNALS {
        assert!(!text.contains(bad), "{what}: {bad:?} reached the user:\n{text}");
    }
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// The number the scanner shows ("인증번호: 398 572" / "Verification number: 398 572").
fn shown_number(scanner: &TextProc, label: &str) -> String {
    let line = scanner.wait_for_line(label);
    let digits: String = line.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.len(), 6, "{line}");
    digits
}

/// The code the desktop printed for another computer.
fn printed_code(desktop: &TextProc) -> String {
    desktop.wait_for_line("CERTBRIDGE:/")
}

#[test]
fn a_korean_export_reads_naturally_in_local_time_and_without_escapes() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("phone");
    let kst = [("TZ", "KST-9")];
    let mut desktop = TextProc::start(
        "desktop",
        "ko",
        &["send", vector.to_str().unwrap(), "--allow-expired", "--listen", "127.0.0.1", "--name", "홍길동의 PC"],
        &kst,
    );
    let out = desktop.wait_for("유효합니다.");
    assert!(out.contains("이 PC의 공동인증서를 휴대폰으로 복사합니다."), "{out}");
    assert!(out.contains("휴대폰의 CertBridge 앱으로 이 QR 코드를 스캔하거나 아래 코드를 입력해 주세요."), "{out}");
    // "코드 728-166-322 · 2026년 12월 2일 오전 4:47까지 유효합니다." in Korea's time.
    let until = out.lines().find(|l| l.starts_with("코드 ") && l.ends_with("까지 유효합니다.")).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let kst_zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
    let expected: Vec<String> = [now + 300, now + 301, now + 360]
        .iter()
        .map(|t| certbridge_i18n::when::date_time_in(*t, &kst_zone).render(certbridge_i18n::Lang::Ko))
        .collect();
    assert!(expected.iter().any(|e| until.contains(e.as_str())), "{until} is not one of {expected:?}");
    let code = printed_code(&desktop);

    let mut scanner = TextProc::start(
        "scanner",
        "ko",
        &["scan", &code, "--install-root", root.to_str().unwrap(), "--name", "Galaxy S24"],
        &kst,
    );
    let number = shown_number(&scanner, "인증번호: ");
    let shown = scanner.wait_for("코드를 띄운 PC에 이 인증번호를 입력해 주세요.");
    assert!(shown.contains("“홍길동의 PC”에 연결되었습니다 (같은 네트워크, 127.0.0.1)."), "{shown}");
    desktop.wait_for("상대 PC에 표시된 인증번호 6자리를 입력해 주세요: ");
    desktop.type_line(&number);
    assert!(desktop.wait().success(), "{}", desktop.stderr());
    assert!(scanner.wait().success(), "{}", scanner.stderr());
    let desk_out = desktop.stdout();
    let scan_out = scanner.stdout();
    assert!(desk_out.contains("✔ “Galaxy S24”에 설치되었습니다: HKD"), "{desk_out}");
    assert!(desk_out.contains("완료되었습니다."), "{desk_out}");
    assert!(scan_out.contains("✔ 설치했습니다: HKD"), "{scan_out}");
    for (who, text) in [("desktop", &desk_out), ("scanner", &scan_out)] {
        assert_plain(who, text);
        assert!(!text.contains('\x1b'), "{who}: escape codes in piped output");
    }
    assert_eq!(folders(&root.join("yessign/USER")).len(), 1);
}

#[test]
fn an_english_import_asks_for_consent_on_its_own_line_before_the_number() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("pc");
    let mut desktop = TextProc::start(
        "desktop",
        "en",
        &["receive", "--install-root", root.to_str().unwrap(), "--listen", "127.0.0.1", "--name", "Test PC"],
        &[],
    );
    let code = printed_code(&desktop);
    let mut scanner = TextProc::start(
        "scanner",
        "en",
        &["scan", &code, "--cert", vector.to_str().unwrap(), "--allow-expired", "--name", "Pixel"],
        &[],
    );
    let question = "Send only if “Test PC” is your own computer. Send? [y/N] ";
    let asked = scanner.wait_for(question);
    assert!(asked.contains("\n“Test PC” (on the same network, 127.0.0.1) asks for this certificate:\n• HKD\n"), "{asked}");
    // Nothing runs into the question while it waits for an answer, and no
    // number is shown before the user agreed.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(scanner.stdout().ends_with(question), "{}", scanner.stdout());
    assert!(!scanner.stdout().contains("Verification number"));
    scanner.type_line("y");
    let number = shown_number(&scanner, "Verification number: ");
    desktop.wait_for("Enter the 6-digit verification number shown on the other computer: ");
    desktop.type_line(&number);
    assert!(desktop.wait().success(), "{}", desktop.stderr());
    assert!(scanner.wait().success(), "{}", scanner.stderr());
    assert!(desktop.stdout().contains("✔ Installed: HKD, in "), "{}", desktop.stdout());
    assert!(scanner.stdout().contains("✔ Installed on “Test PC”: HKD"), "{}", scanner.stdout());
}

#[cfg(unix)]
#[test]
fn ctrl_c_on_either_side_reaches_the_other_as_cancelled_there() {
    let Some(vector) = test_vector(VECTOR) else { return };
    // The scanner's user presses Ctrl-C while the number is shown.
    let tmp = tempfile::tempdir().unwrap();
    let desktop = TextProc::start(
        "desktop",
        "ko",
        &["send", vector.to_str().unwrap(), "--allow-expired", "--listen", "127.0.0.1"],
        &[],
    );
    let code = printed_code(&desktop);
    let mut scanner = TextProc::start("scanner", "ko", &["scan", &code, "--install-root", tmp.path().to_str().unwrap()], &[]);
    shown_number(&scanner, "인증번호: ");
    desktop.wait_for("인증번호 6자리를 입력해 주세요: ");
    scanner.interrupt();
    assert_eq!(scanner.wait().code(), Some(1));
    assert!(scanner.stderr().contains("전송을 취소했습니다."), "{}", scanner.stderr());
    let mut desktop = desktop;
    assert_eq!(desktop.wait().code(), Some(1));
    assert!(desktop.stderr().contains("상대 기기에서 전송을 취소했습니다."), "{}", desktop.stderr());
    assert!(!desktop.stderr().contains("연결이 끊겼습니다"), "{}", desktop.stderr());

    // The desktop's user presses Ctrl-C while asked for the number.
    let desktop = TextProc::start(
        "desktop",
        "en",
        &["send", vector.to_str().unwrap(), "--allow-expired", "--listen", "127.0.0.1"],
        &[],
    );
    let code = printed_code(&desktop);
    let mut scanner = TextProc::start("scanner", "en", &["scan", &code, "--install-root", tmp.path().to_str().unwrap()], &[]);
    shown_number(&scanner, "Verification number: ");
    desktop.wait_for("Enter the 6-digit verification number");
    desktop.interrupt();
    assert_eq!(scanner.wait().code(), Some(1));
    assert!(scanner.stderr().contains("The transfer was cancelled on the other device."), "{}", scanner.stderr());
    assert!(folders(tmp.path()).is_empty(), "nothing was installed");
}

/// A certificate folder with one file replaced by `bytes`.
fn damaged_copy(vector: &Path, dir: &Path, file: &str, bytes: &[u8]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for name in ["signCert.der", "signPri.key"] {
        std::fs::copy(vector.join(name), dir.join(name)).unwrap();
    }
    std::fs::write(dir.join(file), bytes).unwrap();
    dir.to_path_buf()
}

fn code_text(mode: Mode, expires: u64, port: u16) -> String {
    HostInvite::from_parts(
        mode,
        [1; 32],
        [2; 32],
        InviteSecret::from_bytes([3; 16]),
        expires,
        None,
        vec![format!("127.0.0.1:{port}").parse().unwrap()],
        None,
    )
    .invite()
    .to_text()
}

/// Every bad input of the issue, in both languages: a sentence in the
/// user's language saying what happened, never the program's insides.
#[test]
fn every_bad_input_is_explained_in_plain_words() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let v = vector.to_str().unwrap();
    let cert = std::fs::read(vector.join("signCert.der")).unwrap();
    let truncated = damaged_copy(&vector, &t.join("truncated"), "signCert.der", &cert[..cert.len() / 3]);
    let junk_key = damaged_copy(&vector, &t.join("junk-key"), "signPri.key", b"this is not a key at all");
    std::fs::create_dir_all(t.join("empty")).unwrap();
    std::fs::write(t.join("not-a-pfx.pfx"), b"PK\x03\x04 a zip, not PKCS#12").unwrap();
    std::fs::write(t.join("not-an-image.png"), b"not an image").unwrap();
    let blank = image::GrayImage::from_pixel(64, 64, image::Luma([255]));
    blank.save(t.join("blank.png")).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let fresh = code_text(Mode::DesktopSends, now + 300, 9);
    let mut tampered = fresh.clone().into_bytes();
    let i = tampered.len() - 5;
    tampered[i] = if tampered[i] == b'1' { b'2' } else { b'1' };
    let tampered = String::from_utf8(tampered).unwrap();
    let truncated_code = fresh[..fresh.len() - 20].to_owned();
    // The text form older versions wrote: no check digits after the prefix.
    let old = format!("CERTBRIDGE:/{}", &fresh["CERTBRIDGE:/".len() + 2..]);
    let expired = code_text(Mode::DesktopSends, now - 60, 9);
    // A code that names a port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        code_text(Mode::DesktopSends, now + 300, port)
    };
    let p = |x: &Path| x.to_str().unwrap().to_owned();
    let install = p(&t.join("into"));
    let cases: Vec<(&str, Vec<String>, &str, Option<&str>)> = vec![
        ("a missing folder", vec!["inspect".into(), p(&t.join("nowhere"))], "", None),
        ("a folder without certificate files", vec!["inspect".into(), p(&t.join("empty"))], "", Some("signCert.der")),
        ("a truncated signCert.der", vec!["inspect".into(), p(&truncated)], "", Some("signCert.der")),
        ("a key file that is not a key", vec!["inspect".into(), p(&junk_key)], "", Some("signPri.key")),
        ("sending a key file that is not a key", vec!["send".into(), p(&junk_key), "--allow-expired".into(), "--listen".into(), "127.0.0.1".into()], "", Some("signPri.key")),
        ("a wrong password", vec!["check-password".into(), v.into(), "--password-stdin".into()], "wrong password\n", None),
        ("a wrong current password", vec!["passwd".into(), v.into(), "--password-stdin".into()], "wrong\nnew-one-1!\n", None),
        ("a wrong password for export", vec!["export-pfx".into(), v.into(), "-o".into(), p(&t.join("out.pfx")), "--password-stdin".into()], "wrong\n", None),
        ("a file that is not PKCS#12", vec!["import-pfx".into(), p(&t.join("not-a-pfx.pfx")), "--install-root".into(), install.clone(), "--password-stdin".into()], "x\n", None),
        ("a PKCS#12 file that is not there", vec!["import-pfx".into(), p(&t.join("absent.pfx")), "--password-stdin".into()], "x\n", None),
        ("a tampered code", vec!["scan".into(), tampered, "--install-root".into(), install.clone()], "", None),
        ("a truncated code", vec!["scan".into(), truncated_code, "--install-root".into(), install.clone()], "", None),
        ("an old code", vec!["scan".into(), old, "--install-root".into(), install.clone()], "", None),
        ("an expired code", vec!["scan".into(), expired, "--install-root".into(), install.clone()], "", None),
        ("not a code", vec!["scan".into(), "hello".into(), "--install-root".into(), install.clone()], "", None),
        ("a picture that is not one", vec!["scan".into(), "--qr-image".into(), p(&t.join("not-an-image.png")), "--install-root".into(), install.clone()], "", None),
        ("a picture without a QR code", vec!["scan".into(), "--qr-image".into(), p(&t.join("blank.png")), "--install-root".into(), install.clone()], "", None),
        ("a desktop nobody answers at", vec!["scan".into(), closed, "--install-root".into(), install.clone(), "--no-relay".into()], "", None),
        ("an address that cannot be listed", vec!["receive".into(), "--listen".into(), "0.0.0.0".into(), "--install-root".into(), install.clone()], "", None),
        ("a public relay without TLS", vec!["receive".into(), "--relay".into(), "ws://relay.example.kr".into(), "--no-lan".into(), "--install-root".into(), install.clone()], "", None),
    ];
    for (what, args, stdin, names) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for lang in ["ko", "en"] {
            let (code, stdout, stderr) = run_typed(lang, &args, stdin, &[]);
            assert!(matches!(code, Some(1..=3)), "{what} ({lang}): exit {code:?}\n{stdout}\n{stderr}");
            let said = format!("{stdout}{stderr}");
            assert_plain(&format!("{what} ({lang})"), &said);
            let last = stderr.lines().last().unwrap_or_default();
            assert!(!last.trim().is_empty(), "{what} ({lang}): no message");
            // English may name the Korean keys and words users know.
            let own_words = last.replace("한/영", "").replace("공동인증서", "");
            assert_eq!(has_hangul(&own_words), lang == "ko", "{what} ({lang}) is not in its language: {last}");
            if let Some(file) = names {
                assert!(last.contains(file), "{what} ({lang}) does not name {file}: {last}");
            }
        }
    }
    // A wrong password hints at the keyboard, in both languages.
    let (_, _, ko) = run_typed("ko", &["check-password", v, "--password-stdin"], "wrong\n", &[]);
    assert!(ko.contains("Caps Lock") && ko.contains("한/영"), "{ko}");
    let (code, _, en) = run_typed("en", &["check-password", v, "--password-stdin"], "wrong\n", &[]);
    assert_eq!(code, Some(3));
    assert!(en.contains("Caps Lock") && en.contains("한/영"), "{en}");
    // Copied wrong, not misread; old codes are named as old.
    let (_, _, e) = run_typed("ko", &["scan", &cases[10].1[1], "--install-root", &install], "", &[]);
    assert!(e.contains("코드가 잘못 복사되었습니다"), "{e}");
    let (_, _, e) = run_typed("en", &["scan", &cases[12].1[1], "--install-root", &install], "", &[]);
    assert!(e.contains("older version"), "{e}");
    assert!(folders(&t.join("into")).is_empty(), "nothing was installed by any of it");
}

#[test]
fn a_folder_holding_several_certificates_is_offered_not_refused() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(&tmp.path().join("fx")) else { return };
    // An NPKI root with two certificates, as ~/NPKI looks.
    let root = tmp.path().join("NPKI");
    for (ca, from) in [("yessign", vector.clone()), ("KICA", fixtures.join("demo"))] {
        let dir = root.join(ca).join("USER").join(format!("cn={ca}-holder"));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["signCert.der", "signPri.key"] {
            std::fs::copy(from.join(name), dir.join(name)).unwrap();
        }
    }
    let (code, stdout, _) = run_typed("en", &["send", root.to_str().unwrap(), "--allow-expired", "--json", "--listen", "127.0.0.1"], "", &[]);
    assert_eq!(code, Some(1));
    let error: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(error["kind"], "folder_ambiguous", "{error}");
    let named = error["folders"].as_array().unwrap();
    assert_eq!(named.len(), 2, "{error}");
    assert!(error["message"].as_str().unwrap().contains("cn=KICA-holder"), "{error}");
    // A folder holding one certificate sends that one.
    let single = root.join("KICA");
    let (mut desktop, _text) = Proc::desktop_send(&single, &[]);
    desktop.kill();
}

#[test]
fn a_certificate_already_installed_under_a_decomposed_name_is_a_duplicate() {
    use unicode_normalization::UnicodeNormalization;
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(&tmp.path().join("fx")) else { return };
    let cert = fixtures.join("demo");
    let root = tmp.path().join("pc");
    // Installed once on a Mac, copied here on a USB stick: NFD names.
    let der = std::fs::read(cert.join("signCert.der")).unwrap();
    let target = certbridge_core::npki::install_target(&root, &der).unwrap();
    let nfd: String = target.file_name().unwrap().to_string_lossy().nfd().collect();
    let nfd_dir = target.with_file_name(&nfd);
    std::fs::create_dir_all(&nfd_dir).unwrap();
    for name in ["signCert.der", "signPri.key"] {
        std::fs::copy(cert.join(name), nfd_dir.join(name)).unwrap();
    }
    let (mut desktop, text) = Proc::desktop_receive(&root, &[]);
    let mut scanner = Proc::scan_sending(&text, &cert, &["--yes"]);
    certbridge_e2e::pass_the_number(&mut desktop, &mut scanner);
    let done = desktop.expect("done");
    assert_eq!(done["items"][0]["status"], "duplicate", "{done}");
    assert_eq!(std::fs::read_dir(target.parent().unwrap()).unwrap().count(), 1, "installed once, not twice");
    let (_, listed, _) = run_typed("en", &["list", "--json", "--npki-root", root.to_str().unwrap()], "", &[]);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["certificates"].as_array().unwrap().len(), 1, "{listed}");
}

#[test]
fn a_conflict_says_where_and_what_to_do_and_replace_names_the_backup() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("pc");
    // The same certificate with another key file: a different certificate
    // under the same folder name.
    let mut key = std::fs::read(vector.join("signPri.key")).unwrap();
    *key.last_mut().unwrap() ^= 1;
    let other = damaged_copy(&vector, &tmp.path().join("other"), "signPri.key", &key);
    for (cert, replace) in [(&vector, false), (&other, false), (&other, true)] {
        let mut args = vec!["receive", "--install-root", root.to_str().unwrap(), "--listen", "127.0.0.1"];
        if replace {
            args.push("--replace");
        }
        let mut desktop = TextProc::start("desktop", "ko", &args, &[]);
        let code = printed_code(&desktop);
        let mut scanner = TextProc::start(
            "scanner",
            "ko",
            &["scan", &code, "--cert", cert.to_str().unwrap(), "--allow-expired", "--yes"],
            &[],
        );
        let number = shown_number(&scanner, "인증번호: ");
        desktop.wait_for("입력해 주세요: ");
        desktop.type_line(&number);
        let (d, s) = (desktop.wait(), scanner.wait());
        let (dout, sout) = (desktop.stdout(), scanner.stdout());
        match (cert == &other, replace) {
            (false, _) => assert!(d.success() && s.success()),
            (true, false) => {
                // Here: which folder and how to replace it.
                assert!(dout.contains("이름이 같은 다른 공동인증서가 이미 있습니다:") && dout.contains("yessign/USER/cn="), "{dout}");
                assert!(dout.contains("--replace를 붙여 다시 받아 주세요"), "{dout}");
                // There: what to do on the side that can do it.
                assert!(sout.contains("상대 기기에서 --replace를 붙여 다시 받거나"), "{sout}");
                assert!(!d.success() && !s.success());
            }
            (true, true) => {
                assert!(d.success(), "{}", desktop.stderr());
                let line = dout.lines().find(|l| l.contains("보관했습니다")).unwrap_or_else(|| panic!("{dout}"));
                // …/cn=….bak-2026-12-02-044700에 보관했습니다.
                let stamp = line.split(".bak-").nth(1).unwrap();
                assert!(stamp.len() > 17 && stamp.as_bytes()[4] == b'-' && stamp.as_bytes()[10] == b'-', "{line}");
            }
        }
    }
}

#[test]
fn passwd_checks_the_old_password_first_and_warns_about_weak_ones() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cert");
    std::fs::create_dir(&dir).unwrap();
    for name in ["signCert.der", "signPri.key"] {
        std::fs::copy(vector.join(name), dir.join(name)).unwrap();
    }
    let d = dir.to_str().unwrap();
    let old = vector_password(&vector);
    // A wrong current password stops before a new one is read.
    let (code, stdout, stderr) = run_typed("ko", &["passwd", d, "--password-stdin"], "wrong\n", &[]);
    assert_eq!(code, Some(3), "{stdout}{stderr}");
    assert!(stderr.contains("암호가 맞지 않습니다"), "{stderr}");
    // A weak new password is warned about, not refused.
    let (code, stdout, stderr) = run_typed("ko", &["passwd", d, "--password-stdin"], &format!("{old}\nabc123\n"), &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("약한 암호입니다"), "{stderr}");
    assert!(stdout.contains("암호를 바꿨습니다."), "{stdout}");
    let (code, _, _) = run_typed("en", &["check-password", d, "--password-stdin"], "abc123\n", &[]);
    assert_eq!(code, Some(0), "the new password opens the key");
    // A strong one draws no warning.
    let (code, _, stderr) = run_typed("en", &["passwd", d, "--password-stdin"], "abc123\nA-much-better-one-42!\n", &[]);
    assert_eq!(code, Some(0));
    assert!(!stderr.contains("weak"), "{stderr}");
}

#[test]
fn help_summaries_speak_the_users_language() {
    let (code, ko, _) = run_typed("ko", &["--help"], "", &[]);
    assert_eq!(code, Some(0));
    assert!(ko.contains("공동인증서를 PC와 휴대폰 사이") && ko.contains("보내기: 코드를 띄우고"), "{ko}");
    let (_, en, _) = run_typed("en", &["send", "--help"], "", &[]);
    assert!(en.contains("Export: show a code"), "{en}");
    // The language flag beats the environment.
    let (_, chosen, _) = run_typed("en", &["--lang", "ko", "--help"], "", &[]);
    assert!(chosen.contains("가져오기"), "{chosen}");
}
