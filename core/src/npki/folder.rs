//! Reading a certificate folder byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use super::NpkiError;
use crate::message::{BundleItem, FILE_NAMES, FileBytes, KM_CERT, KM_KEY, MAX_FILE_LEN, Role, SIGN_CERT, SIGN_KEY};

/// Reads `signCert.der`, `signPri.key` and, when present, `kmCert.der` and
/// `kmPri.key` from `dir`, exactly as they are on disk. The certificate must
/// parse; the keys are not decrypted.
pub fn read_folder(dir: &Path) -> Result<BundleItem, NpkiError> {
    if !dir.is_dir() {
        return Err(NpkiError::NotAFolder(dir.to_path_buf()));
    }
    let mut files = BTreeMap::new();
    for name in FILE_NAMES {
        let path = dir.join(name);
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(NpkiError::io(&path)(e)),
        };
        if meta.len() == 0 || meta.len() > MAX_FILE_LEN as u64 {
            return Err(NpkiError::BadSize(path));
        }
        let bytes = std::fs::read(&path).map_err(NpkiError::io(&path))?;
        files.insert(name.to_owned(), FileBytes::new(bytes));
    }
    for required in [SIGN_CERT, SIGN_KEY] {
        if !files.contains_key(required) {
            return Err(NpkiError::MissingFile {
                file: required,
                folder: dir.to_path_buf(),
            });
        }
    }
    if files.contains_key(KM_CERT) != files.contains_key(KM_KEY) {
        return Err(NpkiError::HalfKmPair(dir.to_path_buf()));
    }
    let item = BundleItem::npki(files);
    check_files(dir, &item)?;
    Ok(item)
}

/// Checks, without a password, that the files are what their names say:
/// the certificates parse, and the keys are encrypted private keys. A key
/// under a scheme this program cannot decrypt still moves byte for byte; a
/// key that is not an encrypted key at all is refused, naming the file.
pub(crate) fn check_files(dir: &Path, item: &BundleItem) -> Result<(), NpkiError> {
    for role in [Role::SignCert, Role::SecondCert] {
        if let (Some(name), Some(cert)) = (item.file_name(role), item.file(role)) {
            super::cert::parse(cert.as_slice()).map_err(|e| NpkiError::BadCertificateFile {
                file: dir.join(name),
                reason: e.to_string(),
            })?;
        }
    }
    for role in [Role::SignKey, Role::SecondKey] {
        if let (Some(name), Some(key)) = (item.file_name(role), item.file(role)) {
            match super::key::key_encryption(key.as_slice()) {
                Ok(_) | Err(super::KeyError::Unsupported(_)) => {}
                Err(error) => return Err(NpkiError::BadKeyFile { file: dir.join(name), error }),
            }
        }
    }
    Ok(())
}

/// Reads the certificate `path` names: an NPKI certificate folder, or the
/// `_sig.cer` of a GPKI or EPKI certificate.
pub fn read_certificate(path: &Path) -> Result<BundleItem, NpkiError> {
    if super::flat::is_flat_certificate(path) && path.is_file() {
        super::flat::read_flat(path)
    } else {
        read_folder(path)
    }
}
