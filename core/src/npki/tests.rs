//! NPKI folder tests, with the shared yessign test vector where present.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::message::{BundleItem, FileBytes};

mod flat;
mod pfx;
mod remove;

fn vector() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testvectors/npki-yessign-test");
    if dir.join("signCert.der").is_file() {
        Some(dir)
    } else {
        eprintln!("skipping: test vector not found at {}", dir.display());
        None
    }
}

fn expected(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap()
}

fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

/// 2020-03-01T00:00:00Z, inside the vector's validity.
const MARCH_2020: u64 = 1_583_020_800;

#[test]
fn the_summary_matches_the_vectors_expected_values() {
    let Some(dir) = vector() else { return };
    let want = expected(&dir);
    let s = inspect(&dir, at(MARCH_2020)).unwrap();
    assert_eq!(s.subject_cn, want["subject_cn"].as_str().unwrap());
    assert_eq!(s.subject_dn, want["subject_dn"].as_str().unwrap());
    assert_eq!(s.issuer_dn, want["issuer_dn"].as_str().unwrap());
    assert_eq!(s.issuer_cn, want["issuer_cn"].as_str().unwrap());
    assert_eq!(s.ca, want["issuer_o"].as_str().unwrap());
    assert_eq!(s.serial_hex, want["serial_hex"].as_str().unwrap());
    assert_eq!(
        u64::from_str_radix(&s.serial_hex, 16).unwrap(),
        want["serial"].as_u64().unwrap()
    );
    assert_eq!(s.not_before, want["not_before_utc"].as_str().unwrap());
    assert_eq!(s.not_after, want["not_after_utc"].as_str().unwrap());
    assert_eq!(s.policy_oid.as_deref(), want["policy_oid"].as_str());
    assert_eq!(s.usage.label_ko, want["usage_ko"].as_str().unwrap());
    assert_eq!(s.usage.kind, UsageKind::Restricted);
    assert_eq!((s.key_algorithm.as_str(), s.key_bits), ("RSA", 2048));
    assert!(!s.has_km);
    assert_eq!(s.status, Status::Expiring, "24 days left on 2020-03-01");
    assert_eq!(s.days_left, 24);
}

#[test]
fn status_follows_the_clock() {
    let Some(dir) = vector() else { return };
    assert_eq!(
        inspect(&dir, at(1_582_000_000)).unwrap().status,
        Status::Valid
    );
    let later = inspect(&dir, at(1_700_000_000)).unwrap();
    assert_eq!(later.status, Status::Expired);
    assert!(later.days_left < 0);
}

#[test]
fn folder_names_reverse_the_subject_like_korean_software() {
    let Some(dir) = vector() else { return };
    let cert = std::fs::read(dir.join("signCert.der")).unwrap();
    assert_eq!(
        subject_folder_name(&cert).unwrap(),
        "cn=HKD(KILDONG.HONG)009104120200225191000030,ou=INITECH,ou=personal4IB,o=yessign,c=kr"
    );
    assert_eq!(ca_folder_name(&cert).unwrap(), "yessign");
}

#[test]
fn reading_a_folder_names_what_is_missing() {
    let Some(dir) = vector() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let err = read_folder(&tmp.path().join("nope")).unwrap_err();
    assert!(matches!(err, NpkiError::NotAFolder(_)));

    std::fs::copy(dir.join("signCert.der"), tmp.path().join("signCert.der")).unwrap();
    let err = read_folder(tmp.path()).unwrap_err();
    assert!(matches!(
        err,
        NpkiError::MissingFile {
            file: "signPri.key",
            ..
        }
    ));
    assert!(err.to_string().contains("signPri.key"));

    std::fs::copy(dir.join("signPri.key"), tmp.path().join("signPri.key")).unwrap();
    let item = read_folder(tmp.path()).unwrap();
    assert_eq!(
        item.files["signPri.key"].as_slice(),
        std::fs::read(dir.join("signPri.key")).unwrap()
    );

    std::fs::write(tmp.path().join("kmCert.der"), b"x").unwrap();
    assert!(matches!(
        read_folder(tmp.path()),
        Err(NpkiError::HalfKmPair(_))
    ));
    std::fs::remove_file(tmp.path().join("kmCert.der")).unwrap();

    std::fs::write(tmp.path().join("signCert.der"), b"not a certificate").unwrap();
    assert!(matches!(
        read_folder(tmp.path()),
        Err(NpkiError::BadCertificateFile { file, .. }) if file.ends_with("signCert.der")
    ));
    // A truncated certificate names its file too.
    let cert = std::fs::read(dir.join("signCert.der")).unwrap();
    std::fs::write(tmp.path().join("signCert.der"), &cert[..cert.len() / 2]).unwrap();
    assert!(matches!(
        read_folder(tmp.path()),
        Err(NpkiError::BadCertificateFile { file, .. }) if file.ends_with("signCert.der")
    ));
    std::fs::write(tmp.path().join("signCert.der"), &cert).unwrap();
    // A key file that is not an encrypted key is refused before any
    // password is asked, naming the file.
    std::fs::write(tmp.path().join("signPri.key"), b"\x30\x03\x02\x01\x00").unwrap();
    assert!(matches!(
        read_folder(tmp.path()),
        Err(NpkiError::BadKeyFile { file, error: KeyError::Malformed(_) }) if file.ends_with("signPri.key")
    ));
    std::fs::write(tmp.path().join("signPri.key"), b"random junk, not DER at all").unwrap();
    assert!(matches!(read_folder(tmp.path()), Err(NpkiError::BadKeyFile { .. })));
    std::fs::copy(dir.join("signPri.key"), tmp.path().join("signPri.key")).unwrap();
    std::fs::write(tmp.path().join("signCert.der"), b"").unwrap();
    assert!(matches!(
        read_folder(tmp.path()),
        Err(NpkiError::BadSize(_))
    ));
}

fn vector_item(dir: &Path) -> BundleItem {
    read_folder(dir).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn install_writes_a_private_folder_then_reports_duplicates() {
    let Some(dir) = vector() else { return };
    let root = tempfile::tempdir().unwrap();
    let item = vector_item(&dir);
    let first = install(root.path(), &item, false).unwrap();
    assert_eq!(first.status, InstallStatus::Installed);
    assert!(
        first
            .folder
            .starts_with(root.path().join("yessign").join("USER"))
    );
    for name in ["signCert.der", "signPri.key"] {
        assert_eq!(
            std::fs::read(first.folder.join(name)).unwrap(),
            std::fs::read(dir.join(name)).unwrap()
        );
        #[cfg(unix)]
        assert_eq!(mode(&first.folder.join(name)), 0o600);
    }
    #[cfg(unix)]
    assert_eq!(mode(&first.folder), 0o700);

    let again = install(root.path(), &item, false).unwrap();
    assert_eq!(again.status, InstallStatus::Duplicate);
    assert_eq!(again.folder, first.folder);
    let user = root.path().join("yessign/USER");
    assert_eq!(
        std::fs::read_dir(&user).unwrap().count(),
        1,
        "no temporary folder is left"
    );
}

#[test]
fn a_folder_named_in_nfd_is_the_same_folder() {
    use unicode_normalization::UnicodeNormalization;
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(tmp.path()) else { return };
    let item = read_folder(&fixtures.join("demo")).unwrap();
    let root = tmp.path().join("NPKI");
    let target = install_target(&root, item.files["signCert.der"].as_slice()).unwrap();
    let name = target.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.contains("홍길동"), "{name}");
    // As macOS writes it: the same name, decomposed, arrived on a USB stick.
    let nfd_name: String = name.nfd().collect();
    assert_ne!(nfd_name, name);
    let nfd_dir = target.with_file_name(&nfd_name);
    std::fs::create_dir_all(&nfd_dir).unwrap();
    for (n, bytes) in &item.files {
        std::fs::write(nfd_dir.join(n), bytes.as_slice()).unwrap();
    }
    let again = install(&root, &item, false).unwrap();
    assert_eq!(again.status, InstallStatus::Duplicate);
    assert_eq!(again.folder, nfd_dir);
    assert_eq!(std::fs::read_dir(target.parent().unwrap()).unwrap().count(), 1, "installed once, not twice");
    // `list` shows it once, named in NFC.
    let listing = list(std::slice::from_ref(&root), SystemTime::now());
    assert_eq!(listing.certificates.len(), 1);
    assert!(listing.certificates[0].folder.as_deref().unwrap().ends_with(&name));
}

#[test]
fn temporary_folders_left_by_a_crash_are_swept_by_the_next_install() {
    let Some(dir) = vector() else { return };
    let root = tempfile::tempdir().unwrap();
    let user = root.path().join("yessign/USER");
    std::fs::create_dir_all(&user).unwrap();
    // One left by a run that crashed an hour ago, one a live run is writing.
    let stale = user.join(".certbridge-tmp-0123456789abcdef");
    let fresh = user.join(".certbridge-tmp-fedcba9876543210");
    for d in [&stale, &fresh] {
        std::fs::create_dir(d).unwrap();
        std::fs::write(d.join("signCert.der"), b"half").unwrap();
    }
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::open(&stale).unwrap().set_modified(hour_ago).unwrap();
    assert_eq!(list(&[root.path().to_path_buf()], SystemTime::now()).certificates.len(), 0, "never listed");
    install(root.path(), &vector_item(&dir), false).unwrap();
    assert!(!stale.exists(), "the crash's left-over is gone");
    assert!(fresh.exists(), "a live run's folder is left alone");
}

#[test]
fn a_received_key_that_is_not_a_key_is_not_installed() {
    let Some(dir) = vector() else { return };
    let root = tempfile::tempdir().unwrap();
    let mut item = vector_item(&dir);
    item.files.insert("signPri.key".into(), FileBytes::new(b"not a key".to_vec()));
    assert!(matches!(install(root.path(), &item, false), Err(NpkiError::BadCertificate(_))));
    assert!(std::fs::read_dir(root.path()).unwrap().next().is_none(), "nothing was written");
}

#[test]
fn a_different_certificate_is_refused_unless_replacing_and_then_kept() {
    let Some(dir) = vector() else { return };
    let root = tempfile::tempdir().unwrap();
    let item = vector_item(&dir);
    let installed = install(root.path(), &item, false).unwrap();

    // Same certificate, another key file: a different certificate folder.
    let mut other = item.clone();
    let mut key = std::fs::read(dir.join("signPri.key")).unwrap();
    *key.last_mut().unwrap() ^= 1;
    other.files.insert("signPri.key".into(), FileBytes::new(key));
    let err = install(root.path(), &other, false).unwrap_err();
    assert!(matches!(err, NpkiError::Conflict { .. }));
    assert!(err.to_string().contains("--replace"));
    assert_eq!(
        std::fs::read(installed.folder.join("signPri.key")).unwrap(),
        std::fs::read(dir.join("signPri.key")).unwrap(),
        "a refused install changes nothing"
    );

    let replaced = install(root.path(), &other, true).unwrap();
    assert_eq!(replaced.status, InstallStatus::Replaced);
    let backup = replaced.backup.unwrap();
    // The backup's name carries a date a person can read: .bak-YYYY-MM-DD-HHMMSS.
    let backup_name = backup.file_name().unwrap().to_string_lossy().into_owned();
    let stamp = backup_name.rsplit(".bak-").next().unwrap();
    assert_eq!(stamp.len(), "2026-12-02-044700".len(), "{backup_name}");
    assert!(stamp.starts_with("20") && stamp.as_bytes()[4] == b'-', "{backup_name}");
    assert_eq!(
        std::fs::read(backup.join("signPri.key")).unwrap(),
        std::fs::read(dir.join("signPri.key")).unwrap()
    );
    assert_eq!(
        std::fs::read(replaced.folder.join("signPri.key")).unwrap(),
        other.files["signPri.key"].as_slice()
    );
}

#[cfg(unix)]
#[test]
fn a_failed_install_leaves_nothing_behind() {
    use std::os::unix::fs::PermissionsExt;
    let Some(dir) = vector() else { return };
    if nix_is_root() {
        eprintln!("skipping: permissions do not stop root");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let user = root.path().join("yessign/USER");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::set_permissions(&user, std::fs::Permissions::from_mode(0o500)).unwrap();
    let err = install(root.path(), &vector_item(&dir), false).unwrap_err();
    std::fs::set_permissions(&user, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert!(matches!(err, NpkiError::Io { .. }));
    assert_eq!(std::fs::read_dir(&user).unwrap().count(), 0);
}

#[cfg(unix)]
fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn a_temp_folder_that_cannot_be_renamed_is_removed() {
    let Some(dir) = vector() else { return };
    let root = tempfile::tempdir().unwrap();
    let item = vector_item(&dir);
    // A file where the certificate folder should go: the rename fails.
    let user = root.path().join("yessign/USER");
    std::fs::create_dir_all(&user).unwrap();
    let blocker = user.join(subject_folder_name(item.files["signCert.der"].as_slice()).unwrap());
    std::fs::write(&blocker, b"in the way").unwrap();
    assert!(install(root.path(), &item, false).is_err());
    let left: Vec<_> = std::fs::read_dir(&user)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "only the blocking file remains: {left:?}");
}

#[test]
fn roots_for_every_os() {
    let linux = Env {
        os: Some(Os::Linux),
        home: Some("/home/kim".into()),
        ..Env::default()
    };
    assert_eq!(install_root(&linux), Some(PathBuf::from("/home/kim/NPKI")));
    assert!(candidate_roots(&linux).contains(&PathBuf::from("/home/kim/GPKI")));

    let mac = Env {
        os: Some(Os::MacOs),
        home: Some("/Users/kim".into()),
        ..Env::default()
    };
    assert_eq!(
        install_root(&mac),
        Some(PathBuf::from("/Users/kim/Library/Preferences/NPKI"))
    );
    let roots = candidate_roots(&mac);
    assert!(roots.contains(&PathBuf::from("/Users/kim/Documents/NPKI")));
    assert!(roots.contains(&PathBuf::from("/Users/kim/NPKI")));
    assert_eq!(
        roots
            .iter()
            .filter(|r| r.ends_with("Preferences/NPKI"))
            .count(),
        1,
        "no duplicates"
    );

    let windows = Env {
        os: Some(Os::Windows),
        user_profile: Some(PathBuf::from(r"C:\Users\kim")),
        drives: vec!['C', 'E'],
        ..Env::default()
    };
    let root = install_root(&windows).unwrap();
    assert!(
        root.to_string_lossy().ends_with("NPKI") && root.to_string_lossy().contains("LocalLow")
    );
    let roots = candidate_roots(&windows);
    assert!(roots.contains(&PathBuf::from(r"C:\Program Files\NPKI")));
    assert!(roots.contains(&PathBuf::from(r"E:\NPKI")));
    assert!(
        !roots.contains(&PathBuf::from(r"D:\NPKI")),
        "absent drives are not listed"
    );

    let overridden = Env {
        override_root: Some("/tmp/npki".into()),
        ..linux
    };
    assert_eq!(install_root(&overridden), Some(PathBuf::from("/tmp/npki")));
    assert_eq!(candidate_roots(&overridden)[0], PathBuf::from("/tmp/npki"));
}

#[test]
fn list_reports_broken_folders_and_goes_on() {
    let Some(dir) = vector() else { return };
    let root = tempfile::tempdir().unwrap();
    install(root.path(), &vector_item(&dir), false).unwrap();
    let broken = root.path().join("KICA/USER/cn=broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("signCert.der"), b"junk").unwrap();
    let listing = list(
        &[root.path().to_path_buf(), root.path().join("missing")],
        at(MARCH_2020),
    );
    assert_eq!(listing.certificates.len(), 1);
    assert_eq!(listing.failures.len(), 1);
    assert!(listing.failures[0].folder.ends_with("cn=broken"));
    assert!(listing.failures[0].error.contains("signPri.key"));
}

#[test]
fn usage_is_known_or_said_to_be_unknown() {
    let general = usage::of(Some("1.2.410.200004.5.2.1.2"));
    assert_eq!(general.kind, UsageKind::GeneralPersonal);
    assert_eq!(general.label_ko, "범용 (KICA 개인)");
    assert_eq!(
        usage::of(Some("1.2.410.200005.1.1.5")).kind,
        UsageKind::GeneralCorporate
    );
    assert_eq!(
        usage::of(Some("1.2.410.200005.1.1.6.8")).kind,
        UsageKind::Restricted
    );
    let unknown = usage::of(Some("1.2.3.4"));
    assert_eq!(unknown.kind, UsageKind::Unknown);
    assert!(unknown.label_en.contains("1.2.3.4"));
}

fn password(dir: &Path) -> Vec<u8> {
    expected(dir)["password"]
        .as_str()
        .unwrap()
        .as_bytes()
        .to_vec()
}

/// `key` is the vector's signing key: its known plaintext, with its R.
fn assert_is_the_vectors_key(dir: &Path, key: &DecryptedKey) {
    assert_eq!(
        key.pkcs8_der(),
        std::fs::read(dir.join("plainSignPri.der"))
            .unwrap()
            .as_slice()
    );
    assert_eq!(
        hex::encode(key.random_num().unwrap()),
        expected(dir)["random_num_r_hex"].as_str().unwrap()
    );
}

#[test]
fn the_vectors_key_decrypts_to_the_known_plaintext_and_keeps_r() {
    let Some(dir) = vector() else { return };
    let item = vector_item(&dir);
    let key = check_password(&item, &password(&dir)).unwrap();
    assert_is_the_vectors_key(&dir, &key);
    let enc = key_encryption(item.files["signPri.key"].as_slice()).unwrap();
    assert_eq!(
        (enc.scheme, enc.iterations, enc.prf),
        ("pbes1-seed", 2048, "sha1")
    );
}

#[test]
fn wrong_passwords_are_a_clean_result() {
    let Some(dir) = vector() else { return };
    let item = vector_item(&dir);
    for wrong in ["", "wtua8ev0lwxvfsii!", "비밀번호123!", "WTuA8Ev0lWXVFSiI"] {
        assert_eq!(
            check_password(&item, wrong.as_bytes()).unwrap_err(),
            KeyError::WrongPassword,
            "{wrong}"
        );
    }
}

#[test]
fn damaged_keys_give_clear_errors() {
    let Some(dir) = vector() else { return };
    let key = std::fs::read(dir.join("signPri.key")).unwrap();
    let pw = password(&dir);
    assert!(matches!(
        decrypt_private_key(&key[..key.len() - 5], &pw),
        Err(KeyError::Malformed(_))
    ));
    assert!(matches!(
        decrypt_private_key(&key[..40], &pw),
        Err(KeyError::Malformed(_))
    ));
    assert!(matches!(
        decrypt_private_key(b"", &pw),
        Err(KeyError::Malformed(_))
    ));
    // An unknown algorithm OID (last arc changed from .15 to .16).
    let mut other = key.clone();
    let at = other
        .windows(8)
        .position(|w| w == [0x2a, 0x83, 0x1a, 0x8c, 0x9a, 0x44, 0x01, 0x0f])
        .unwrap();
    other[at + 7] = 0x10;
    assert!(matches!(
        decrypt_private_key(&other, &pw),
        Err(KeyError::Unsupported(_))
    ));
    // A flipped ciphertext byte: the padding or the structure no longer holds.
    let mut flipped = key.clone();
    let last = flipped.len() - 20;
    flipped[last] ^= 0x40;
    assert_eq!(
        decrypt_private_key(&flipped, &pw).unwrap_err(),
        KeyError::WrongPassword
    );
}

#[test]
fn a_key_from_another_certificate_is_reported_as_such() {
    let Some(dir) = vector() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(tmp.path()) else {
        return;
    };
    let mut item = vector_item(&dir);
    item.files.insert(
        "signCert.der".into(),
        FileBytes::new(std::fs::read(fixtures.join("demo/signCert.der")).unwrap()),
    );
    assert_eq!(
        check_password(&item, &password(&dir)).unwrap_err(),
        KeyError::KeyMismatch
    );
}

/// Runs `scripts/make-npki-fixtures.sh` (OpenSSL) into `dir`.
fn openssl_fixtures(dir: &Path) -> Option<PathBuf> {
    fixtures_by("make-npki-fixtures.sh", &dir.join("fixtures"))
}

/// Runs one of the fixture scripts (OpenSSL) into `out`.
pub(super) fn fixtures_by(script: &str, out: &Path) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts").join(script);
    let out = out.to_path_buf();
    match std::process::Command::new("bash")
        .arg(script)
        .arg(&out)
        .output()
    {
        Ok(o) if o.status.success() => Some(out),
        Ok(o) => {
            eprintln!(
                "skipping: OpenSSL fixtures failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Err(e) => {
            eprintln!("skipping: cannot run bash: {e}");
            None
        }
    }
}

#[test]
fn openssl_pbes2_seed_keys_open_with_sha1_and_sha256_prfs() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(tmp.path()) else {
        return;
    };
    let pw = std::fs::read(fixtures.join("password")).unwrap();
    assert!(
        std::str::from_utf8(&pw).unwrap().contains("테스트"),
        "a Hangul password"
    );
    for (folder, prf) in [("demo", "hmac-sha1"), ("demo-sha256", "hmac-sha256")] {
        let item = read_folder(&fixtures.join(folder)).unwrap();
        let enc = key_encryption(item.files["signPri.key"].as_slice()).unwrap();
        if enc.scheme != "pbes2-seed" {
            eprintln!("skipping {folder}: OpenSSL lacks SEED here");
            continue;
        }
        assert_eq!((enc.iterations, enc.prf), (2048, prf));
        check_password(&item, &pw).unwrap();
        assert_eq!(
            check_password(&item, b"wrong").unwrap_err(),
            KeyError::WrongPassword
        );
    }
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for f in ["signCert.der", "signPri.key"] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
        let mut perms = std::fs::metadata(to.join(f)).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(to.join(f), perms).unwrap();
    }
}

#[test]
fn changing_the_password_keeps_the_key_and_r() {
    let Some(dir) = vector() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("cert");
    copy_folder(&dir, &copy);
    let old = password(&dir);
    let new = "새 비밀번호 2026!".as_bytes();

    assert!(matches!(
        change_password(&copy, b"wrong", new),
        Err(PasswordChangeError::Key(KeyError::WrongPassword))
    ));
    assert_eq!(
        std::fs::read(copy.join("signPri.key")).unwrap(),
        std::fs::read(dir.join("signPri.key")).unwrap(),
        "a refused change writes nothing"
    );

    change_password(&copy, &old, new).unwrap();
    let item = read_folder(&copy).unwrap();
    assert_eq!(
        check_password(&item, &old).unwrap_err(),
        KeyError::WrongPassword
    );
    let key = check_password(&item, new).unwrap();
    assert_is_the_vectors_key(&dir, &key);
    let enc = key_encryption(item.files["signPri.key"].as_slice()).unwrap();
    assert_eq!((enc.scheme, enc.iterations), ("pbes1-seed", 2048));
    assert_ne!(
        item.files["signPri.key"].as_slice(),
        std::fs::read(dir.join("signPri.key")).unwrap(),
        "fresh salt"
    );
    let left: Vec<_> = std::fs::read_dir(&copy)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");
    // Where the folder is swapped whole (elsewhere the keys are renamed
    // one by one into the folder as it was).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    assert_eq!(mode(&copy) & 0o777, 0o700, "the new folder is private");
}

#[test]
fn a_password_change_swaps_the_whole_folder_and_keeps_other_files() {
    let Some(dir) = vector() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("cert");
    copy_folder(&dir, &copy);
    // Key-management pair (the same files stand in) and a file of another program.
    std::fs::copy(dir.join("signCert.der"), copy.join("kmCert.der")).unwrap();
    std::fs::copy(dir.join("signPri.key"), copy.join("kmPri.key")).unwrap();
    std::fs::write(copy.join("settings.ini"), b"keep me").unwrap();
    change_password(&copy, &password(&dir), b"another-1").unwrap();
    let item = read_folder(&copy).unwrap();
    assert!(item.files.contains_key("kmPri.key"));
    check_password(&item, b"another-1").unwrap();
    assert_eq!(
        std::fs::read(copy.join("settings.ini")).unwrap(),
        b"keep me"
    );
    let siblings: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(siblings, ["cert"], "no temporary folder is left");
}

#[test]
fn openssl_pbes2_keys_change_password_in_their_own_scheme() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(tmp.path()) else {
        return;
    };
    let old = std::fs::read(fixtures.join("password")).unwrap();
    let dir = fixtures.join("demo-sha256");
    let before = key_encryption(&std::fs::read(dir.join("signPri.key")).unwrap()).unwrap();
    if before.scheme != "pbes2-seed" {
        eprintln!("skipping: OpenSSL lacks SEED here");
        return;
    }
    change_password(&dir, &old, b"another").unwrap();
    let after = std::fs::read(dir.join("signPri.key")).unwrap();
    assert_eq!(key_encryption(&after).unwrap(), before);
    check_password(&read_folder(&dir).unwrap(), b"another").unwrap();
    // OpenSSL, independently, opens the re-encrypted key.
    let out = std::process::Command::new("openssl")
        .args([
            "pkcs8",
            "-inform",
            "DER",
            "-passin",
            "pass:another",
            "-provider",
            "legacy",
            "-provider",
            "default",
            "-in",
        ])
        .arg(dir.join("signPri.key"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn reencryption_round_trips(new in proptest::collection::vec(any::<u8>(), 0..40)) {
            let Some(dir) = vector() else { return Ok(()) };
            let key = std::fs::read(dir.join("signPri.key")).unwrap();
            let old = password(&dir);
            let again = reencrypt(&key, &old, &new).unwrap();
            prop_assert_eq!(again.len(), key.len());
            let opened = decrypt_private_key(&again, &new).unwrap();
            let original = decrypt_private_key(&key, &old).unwrap();
            prop_assert_eq!(opened.pkcs8_der(), original.pkcs8_der());
            if new != old {
                prop_assert!(decrypt_private_key(&again, &old).is_err());
            }
        }
    }
}
