//! Removing a sent certificate after a move: everything of it, or nothing.

use std::path::Path;

use super::super::flat::read_flat;
use super::super::*;
use super::{fixtures_by, vector};

/// Every entry in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The test vector installed into a fresh root: its folder.
fn installed(root: &Path) -> Option<std::path::PathBuf> {
    let dir = vector()?;
    Some(install(root, &read_folder(&dir).unwrap(), false).unwrap().folder)
}

#[test]
fn a_moved_npki_folder_is_removed_whole() {
    let root = tempfile::tempdir().unwrap();
    let Some(folder) = installed(root.path()) else { return };
    let sent = read_folder(&folder).unwrap();
    remove_sent(&folder, &sent).unwrap();
    assert!(!folder.exists());
    let user = folder.parent().unwrap();
    assert!(entries(user).is_empty(), "no temporary folder is left: {:?}", entries(user));
}

#[test]
fn a_file_changed_since_sending_keeps_the_whole_certificate() {
    let root = tempfile::tempdir().unwrap();
    let Some(folder) = installed(root.path()) else { return };
    let sent = read_folder(&folder).unwrap();
    let before = entries(&folder);
    std::fs::write(folder.join("signPri.key"), b"a new key, written after the transfer").unwrap();
    assert!(matches!(remove_sent(&folder, &sent), Err(NpkiError::Changed(_))));
    assert_eq!(entries(&folder), before, "every file is back");
    assert_eq!(std::fs::read(folder.join("signPri.key")).unwrap(), b"a new key, written after the transfer");
    assert_eq!(std::fs::read(folder.join("signCert.der")).unwrap(), sent.files["signCert.der"].as_slice());
    assert_eq!(entries(folder.parent().unwrap()).len(), 1, "no temporary folder is left");
}

#[test]
fn a_file_gone_since_sending_puts_the_others_back() {
    let root = tempfile::tempdir().unwrap();
    let Some(folder) = installed(root.path()) else { return };
    let sent = read_folder(&folder).unwrap();
    std::fs::remove_file(folder.join("signPri.key")).unwrap();
    assert!(remove_sent(&folder, &sent).is_err());
    assert!(folder.join("signCert.der").exists());
}

#[test]
fn other_files_in_the_folder_stay_and_so_does_the_folder() {
    let root = tempfile::tempdir().unwrap();
    let Some(folder) = installed(root.path()) else { return };
    let sent = read_folder(&folder).unwrap();
    std::fs::write(folder.join("메모.txt"), "mine").unwrap();
    remove_sent(&folder, &sent).unwrap();
    assert_eq!(entries(&folder), vec!["메모.txt".to_owned()]);
}

#[test]
fn a_moved_gpki_certificate_leaves_the_other_holders_files() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = fixtures_by("make-gpki-fixtures.sh", &tmp.path().join("gfx")) else { return };
    let class2 = fx.join("GPKI").join("Certificate").join("class2");
    let hong = class2.join("085홍길동003_sig.cer");
    let sent = read_flat(&hong).unwrap();
    let others: Vec<String> = entries(&class2).into_iter().filter(|n| !n.starts_with("085홍길동003")).collect();
    assert!(!others.is_empty());
    remove_sent(&hong, &sent).unwrap();
    assert_eq!(entries(&class2), others);
}
