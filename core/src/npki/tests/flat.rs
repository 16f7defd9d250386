//! GPKI and EPKI certificates in their own layout, made by OpenSSL
//! (`scripts/make-gpki-fixtures.sh`): a folder with two holders' files, one
//! of them with only the signing pair.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::super::flat::{install_dir, install_flat, read_flat};
use super::super::*;
use super::fixtures_by;
use crate::message::{Layout, Role};

const HONG: &str = "085홍길동003";
const KIM: &str = "131김철수001";
const LEE: &str = "edu이영희007";

fn fixtures(dir: &Path) -> Option<PathBuf> {
    fixtures_by("make-gpki-fixtures.sh", &dir.join("gfx"))
}

fn class2(root: &Path, layout: &str) -> PathBuf {
    root.join(layout).join("Certificate").join("class2")
}

/// Every file in `dir`, name → bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn flat_certificates_are_read_with_their_own_names_and_described() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let hong = read_flat(&class2(&fx, "GPKI").join(format!("{HONG}_sig.cer"))).unwrap();
    assert_eq!(hong.layout(), Ok(Layout::Gpki));
    assert_eq!(hong.flat_id(), Some(HONG));
    let names: Vec<&str> = hong.files.keys().map(String::as_str).collect();
    assert_eq!(names, [format!("{HONG}_env.cer"), format!("{HONG}_env.key"), format!("{HONG}_sig.cer"), format!("{HONG}_sig.key")]);
    let kim = read_flat(&class2(&fx, "GPKI").join(format!("{KIM}_sig.cer"))).unwrap();
    assert!(!kim.has_second_pair(), "only the signing pair");
    let s = CertSummary::from_item(&hong, SystemTime::now()).unwrap();
    assert_eq!((s.layout, s.ca.as_str(), s.holder.as_str(), s.id.as_deref()), ("gpki", "GPKI", "홍길동", Some(HONG)));
    assert_eq!(s.usage.kind, UsageKind::OfficialPersonal);
    assert_eq!(s.usage.label_ko, "행정기관 개인용");
    assert_eq!(s.issuer_body.as_ref().map(|b| b.ko.as_str()), Some("행정안전부"));
    assert!(s.has_km);
    let lee = inspect(&class2(&fx, "EPKI").join(format!("{LEE}_sig.cer")), SystemTime::now()).unwrap();
    assert_eq!((lee.layout, lee.ca.as_str()), ("epki", "EPKI"));
    assert_eq!(lee.issuer_body.as_ref().map(|b| b.en.as_str()), Some("Ministry of Education"));
    assert_eq!(lee.usage.label_ko, "교육기관 개인용");
}

#[test]
fn listing_finds_both_layouts_and_every_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let listing = list(&[fx.join("GPKI"), fx.join("EPKI")], SystemTime::now());
    assert!(listing.failures.is_empty(), "{:?}", listing.failures);
    let mut ids: Vec<_> = listing.certificates.iter().map(|c| c.id.clone().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, [HONG, KIM, LEE]);
    assert!(listing.certificates.iter().all(|c| c.folder.as_deref().unwrap().ends_with("_sig.cer")));
}

#[test]
fn the_same_password_schemes_open_flat_keys_and_passwords_change_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let password = std::fs::read(fx.join("password")).unwrap();
    let sig = class2(&fx, "GPKI").join(format!("{HONG}_sig.cer"));
    let item = read_certificate(&sig).unwrap();
    check_password(&item, &password).unwrap();
    assert_eq!(check_password(&item, b"wrong").unwrap_err(), KeyError::WrongPassword);
    let kim_before = files(&class2(&fx, "GPKI")).into_iter().filter(|(n, _)| n.starts_with(KIM)).collect::<Vec<_>>();
    change_password(&sig, &password, "새-암호-2026!".as_bytes()).unwrap();
    let again = read_certificate(&sig).unwrap();
    check_password(&again, "새-암호-2026!".as_bytes()).unwrap();
    // Both keys were re-encrypted; the certificates and the neighbour's files did not move.
    assert_ne!(again.file(Role::SecondKey), item.file(Role::SecondKey));
    assert_eq!(again.file(Role::SignCert), item.file(Role::SignCert));
    let kim_after = files(&class2(&fx, "GPKI")).into_iter().filter(|(n, _)| n.starts_with(KIM)).collect::<Vec<_>>();
    assert_eq!(kim_before, kim_after);
    assert!(files(&class2(&fx, "GPKI")).iter().all(|(n, _)| !n.starts_with('.')), "no temporary file left");
}

#[test]
fn installing_writes_only_the_holders_files_and_handles_duplicates_and_conflicts() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let from = class2(&fx, "GPKI");
    let hong = read_flat(&from.join(format!("{HONG}_sig.cer"))).unwrap();
    // The receiving PC already holds someone else's certificate there.
    let roots = InstallRoots::beside(tmp.path().join("pc").join("NPKI"));
    let dir = install_dir(roots.for_layout(Layout::Gpki), false);
    assert_eq!(dir, tmp.path().join("pc/GPKI/Certificate/class2"));
    std::fs::create_dir_all(&dir).unwrap();
    for ext in ["_sig.cer", "_sig.key"] {
        std::fs::copy(from.join(format!("{KIM}{ext}")), dir.join(format!("{KIM}{ext}"))).unwrap();
    }
    let neighbour = files(&dir);
    let installed = install_flat(&dir, &hong, false).unwrap();
    assert_eq!(installed.status, InstallStatus::Installed);
    assert_eq!(installed.folder, dir.join(format!("{HONG}_sig.cer")));
    for (name, bytes) in &hong.files {
        assert_eq!(&std::fs::read(dir.join(name)).unwrap(), bytes.as_slice(), "{name}");
    }
    let now = files(&dir);
    assert_eq!(now.len(), neighbour.len() + 4);
    assert!(neighbour.iter().all(|f| now.contains(f)), "the neighbour's files are untouched");
    // Again: a duplicate, nothing written.
    assert_eq!(install_flat(&dir, &hong, false).unwrap().status, InstallStatus::Duplicate);
    assert_eq!(files(&dir), now);
    // Another certificate of the same holder: a conflict, then a replacement with a backup.
    let mut other = hong.clone();
    let key_name = format!("{HONG}_sig.key");
    let mut key = other.files[&key_name].as_slice().to_vec();
    *key.last_mut().unwrap() ^= 1;
    other.files.insert(key_name.clone(), crate::message::FileBytes::new(key));
    assert!(matches!(install_flat(&dir, &other, false), Err(NpkiError::Conflict { .. })));
    assert_eq!(files(&dir), now, "a refused install changes nothing");
    let replaced = install_flat(&dir, &other, true).unwrap();
    assert_eq!(replaced.status, InstallStatus::Replaced);
    let backup = replaced.backup.unwrap();
    assert!(backup.file_name().unwrap().to_string_lossy().starts_with(&format!("{HONG}_sig.cer.bak-")));
    assert_eq!(std::fs::read(&backup).unwrap(), hong.files[&format!("{HONG}_sig.cer")].as_slice());
    assert_eq!(std::fs::read(dir.join(&key_name)).unwrap(), other.files[&key_name].as_slice());
    // Backups and the neighbour are not listed as certificates; the new one is.
    let listing = list(&[tmp.path().join("pc/GPKI")], SystemTime::now());
    assert_eq!(listing.certificates.len(), 2, "{:?}", listing.certificates.iter().map(|c| &c.folder).collect::<Vec<_>>());
}

#[test]
fn a_received_flat_certificate_lands_in_its_layouts_root_never_in_npki() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let store = NpkiStore::receiver(InstallRoots::beside(tmp.path().join("usb").join("NPKI")), false);
    use crate::session::CertificateStore;
    for (layout, id) in [("GPKI", HONG), ("EPKI", LEE)] {
        let item = read_flat(&class2(&fx, layout).join(format!("{id}_sig.cer"))).unwrap();
        let saved = store.save_incoming(&item).unwrap();
        assert_eq!(saved.status, crate::message::ItemStatus::Installed, "{saved:?}");
        let at = class2(&tmp.path().join("usb"), layout);
        assert_eq!(saved.location.as_deref(), Some(at.join(format!("{id}_sig.cer")).to_str().unwrap()));
        assert_eq!(files(&at).len(), item.files.len());
    }
    assert!(!tmp.path().join("usb/NPKI").exists(), "nothing went into the NPKI tree");
    // A layout this version does not know is refused with its code.
    let mut odd = read_flat(&class2(&fx, "GPKI").join(format!("{KIM}_sig.cer"))).unwrap();
    odd.layout = Some("xpki".into());
    let saved = store.save_incoming(&odd).unwrap();
    assert_eq!(saved.code, Some(crate::message::RejectCode::Unsupported));
}

#[test]
fn a_file_written_in_nfd_is_the_same_file() {
    use unicode_normalization::UnicodeNormalization;
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures(tmp.path()) else { return };
    let from = class2(&fx, "GPKI");
    let hong = read_flat(&from.join(format!("{HONG}_sig.cer"))).unwrap();
    let dir = tmp.path().join("mac");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in &hong.files {
        let nfd: String = name.nfd().collect();
        std::fs::write(dir.join(nfd), bytes.as_slice()).unwrap();
    }
    assert_eq!(install_flat(&dir, &hong, false).unwrap().status, InstallStatus::Duplicate);
    assert_eq!(files(&dir).len(), 4, "not installed a second time beside itself");
}
