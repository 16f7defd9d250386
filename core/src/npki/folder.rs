//! Reading a certificate folder byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use super::NpkiError;
use crate::message::{
    BundleItem, FILE_NAMES, FileBytes, KM_CERT, KM_KEY, MAX_FILE_LEN, SIGN_CERT, SIGN_KEY,
};

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
    let item = BundleItem { files };
    // The certificate must be one: this is what the user is told they send.
    if let Some(cert) = item.files.get(SIGN_CERT) {
        super::cert::parse(cert.as_slice())?;
    }
    Ok(item)
}
