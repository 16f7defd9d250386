//! NPKI certificates and keys: `signCert.der` as a peer's bundle carries it
//! (`CertSummary::from_item` and the folder it would be installed in), the
//! encrypted `signPri.key` (`key_encryption`, `decrypt_private_key`), and
//! the decrypted PKCS#8 key behind it.

use std::path::{Component, Path};
use std::time::{Duration, UNIX_EPOCH};

use certbridge_core::message::{SIGN_CERT, SIGN_KEY};
use certbridge_core::npki::{
    CertSummary, NEW_KEY_ITERATIONS, ca_folder_name, decrypt_private_key, encrypt_private_key, install_target,
    key_encryption, reencrypt, subject_folder_name,
};
use certbridge_core::{BundleItem, FileBytes};

use crate::{FIXTURE_PASSWORD, Outcome};
use crate::budget::too_slow;

/// A fixed "now" (2026-01-01), so that findings replay the same way.
const NOW_UNIX: u64 = 1_767_225_600;

/// Target `npki_cert`: any bytes as the certificate of a received folder.
pub fn npki_cert(data: &[u8]) -> Outcome {
    let mut item = BundleItem { files: Default::default(), layout: None };
    item.files.insert(SIGN_CERT.to_owned(), FileBytes::new(data.to_vec()));
    item.files.insert(SIGN_KEY.to_owned(), FileBytes::new(vec![0x30]));
    let now = UNIX_EPOCH + Duration::from_secs(NOW_UNIX);
    let summary = CertSummary::from_item(&item, now);
    let ca = ca_folder_name(data);
    assert_eq!(summary.is_ok(), ca.is_ok(), "describing and filing disagree on whether this is a certificate");
    let _ = subject_folder_name(data);
    // The install folder comes from the peer's certificate: it must stay
    // exactly three plain components below the root, whatever the names.
    let root = Path::new("/npki-root");
    if let Ok(target) = install_target(root, data) {
        let rel = target.strip_prefix(root).expect("the install folder is under the root");
        let parts: Vec<_> = rel.components().collect();
        assert_eq!(parts.len(), 3, "install folder {target:?} is not <CA>/USER/<subject>");
        for part in &parts {
            let Component::Normal(name) = part else {
                panic!("install folder {target:?} has a {part:?} component");
            };
            let name = name.to_str().expect("folder names are UTF-8");
            assert!(!name.is_empty() && name != "." && name != "..");
            assert!(
                !name.contains(['/', '\\', ':', '\0']),
                "folder name {name:?} holds a path separator"
            );
        }
        assert_eq!(parts[1], Component::Normal("USER".as_ref()));
    }
    Outcome::of(&summary)
}

/// Target `npki_key`: any bytes as `signPri.key`, opened with the
/// fixtures' password.
pub fn npki_key(data: &[u8]) -> Outcome {
    let scheme = key_encryption(data);
    if let Ok(s) = &scheme
        && too_slow(u64::from(s.iterations))
    {
        return Outcome::Skipped;
    }
    let opened = decrypt_private_key(data, FIXTURE_PASSWORD.as_bytes());
    if scheme.is_err() {
        assert!(opened.is_err(), "a key file whose scheme is unreadable opened");
    }
    let Ok(key) = opened else { return Outcome::Refused };
    let _ = key.random_num();
    // A key that opens can take a new password, keeping its scheme,
    // iterations and plaintext (R included) byte for byte.
    let moved = reencrypt(data, FIXTURE_PASSWORD.as_bytes(), b"another password")
        .expect("a key that opens must be re-encryptable");
    assert_eq!(key_encryption(&moved).ok(), scheme.ok());
    let back = decrypt_private_key(&moved, b"another password").expect("the re-encrypted key opens");
    assert_eq!(back.pkcs8_der(), key.pkcs8_der());
    Outcome::Accepted
}

/// Target `npki_pkcs8`: any bytes as a decrypted PKCS#8 key (what a
/// PKCS#12 import hands over), sealed as a new `signPri.key` and opened
/// again.
pub fn npki_pkcs8(data: &[u8]) -> Outcome {
    let Ok(sealed) = encrypt_private_key(data, FIXTURE_PASSWORD.as_bytes()) else {
        return Outcome::Refused;
    };
    let scheme = key_encryption(&sealed).expect("a key file we wrote is readable");
    assert_eq!(scheme.iterations, NEW_KEY_ITERATIONS);
    let key = decrypt_private_key(&sealed, FIXTURE_PASSWORD.as_bytes()).expect("a key we sealed opens");
    assert_eq!(key.pkcs8_der(), data, "sealing and opening changed the key");
    let _ = key.random_num();
    Outcome::Accepted
}
